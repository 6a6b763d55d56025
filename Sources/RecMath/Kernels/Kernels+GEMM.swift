import RealModule

extension Kernels {
    /// Dense times dense with `A` read through strides, for rows `rows` of the output:
    ///
    /// ```
    /// C[i, j] = beta·C[i, j] + Σ_p A(i, p) · B[p, j]        A(i, p) = a[i·rowStride + p·depthStride]
    /// ```
    /// `B` (`depth × n`) and `C` (`· × n`) are row-major. With `rowStride = depth, depthStride = 1`
    /// this is C = A·B; with `rowStride = 1, depthStride = m` it is C = Aᵀ·B for a row-major
    /// `depth × m` matrix A. Four output rows share every load of a row of B; each row strip of
    /// 16 columns lives in eight `SIMD8` accumulators. Columns are taken in panels of about 256 KB
    /// of B (depth × panel width), each panel finished for every row before the next, so a wide B
    /// is read from L2 rather than memory; every C entry still sums over p in order.
    ///
    /// - Complexity: O(rows × depth × n).
    @inlinable
    public static func gemmRows(
        _ rows: Range<Int>, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, depth: Int,
        b: UnsafePointer<Float>, n: Int, c: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let rb = UnsafeRawPointer(b)
        // Panel width: a multiple of 16 columns with depth × width × 4 bytes ≤ 256 KB.
        let panel = max(16, (65_536 / max(1, depth)) & ~15)
        var j0 = 0
        while j0 < n {
        let j1 = min(n, j0 &+ panel)
        var i = rows.lowerBound
        while i < rows.upperBound {
            let count = min(4, rows.upperBound &- i)
            // Rows past the block's end repeat its last row: they are computed and never stored.
            let a0 = a + i &* rowStride
            let a1 = a + (i &+ min(1, count &- 1)) &* rowStride
            let a2 = a + (i &+ min(2, count &- 1)) &* rowStride
            let a3 = a + (i &+ min(3, count &- 1)) &* rowStride
            var j = j0
            while j &+ 16 <= j1 {
                var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
                var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
                for p in 0..<depth {
                    let o = (p &* n &+ j) &* 4
                    let b0 = rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    let b1 = rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
                    let q = p &* depthStride
                    let x0 = SIMD8<Float>(repeating: a0[q]), x1 = SIMD8<Float>(repeating: a1[q])
                    let x2 = SIMD8<Float>(repeating: a2[q]), x3 = SIMD8<Float>(repeating: a3[q])
                    c00 += x0 * b0
                    c01 += x0 * b1
                    c10 += x1 * b0
                    c11 += x1 * b1
                    c20 += x2 * b0
                    c21 += x2 * b1
                    c30 += x3 * b0
                    c31 += x3 * b1
                }
                storeStrip(c00, c01, to: c + (i &* n &+ j), accumulate: accumulate)
                if count > 1 { storeStrip(c10, c11, to: c + ((i &+ 1) &* n &+ j), accumulate: accumulate) }
                if count > 2 { storeStrip(c20, c21, to: c + ((i &+ 2) &* n &+ j), accumulate: accumulate) }
                if count > 3 { storeStrip(c30, c31, to: c + ((i &+ 3) &* n &+ j), accumulate: accumulate) }
                j &+= 16
            }
            // Columns past the last full strip: plain sums, one output at a time.
            while j < j1 {
                for r in 0..<count {
                    let ar = a + (i &+ r) &* rowStride
                    var s: Float = 0
                    for p in 0..<depth { s += ar[p &* depthStride] * b[p &* n &+ j] }
                    let out = c + ((i &+ r) &* n &+ j)
                    out.pointee = accumulate ? out.pointee + s : s
                }
                j &+= 1
            }
            i &+= count
        }
        j0 = j1
        }
    }

    /// Stores (or adds) 16 floats held in two vectors at `out`.
    @inlinable
    static func storeStrip(
        _ v0: SIMD8<Float>, _ v1: SIMD8<Float>, to out: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let raw = UnsafeMutableRawPointer(out)
        var (v0, v1) = (v0, v1)
        if accumulate {
            v0 += raw.loadUnaligned(as: SIMD8<Float>.self)
            v1 += raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        }
        raw.storeBytes(of: v0, as: SIMD8<Float>.self)
        raw.storeBytes(of: v1, toByteOffset: 32, as: SIMD8<Float>.self)
    }

    /// Row-wise log-sum-exp of rows `rows` of a row-major matrix with `n` columns:
    /// `out[r] = log Σ_j exp(x[r, j])`, computed as `m + log Σ exp(x − m)` with `m` the row's
    /// maximum so that no term overflows. An empty row gives −∞.
    @inlinable
    public static func logSumExpRows(
        _ rows: Range<Int>, x: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>
    ) {
        for r in rows {
            let row = x + r &* n
            var m = -Float.infinity
            for j in 0..<n { m = max(m, row[j]) }
            if !m.isFinite {
                out[r] = m
                continue
            }
            var s: Float = 0
            for j in 0..<n { s += Float.exp(row[j] - m) }
            out[r] = m + Float.log(s)
        }
    }
}

