import RealModule

/// Cholesky factorisation and inverse of a dense symmetric positive definite matrix, in `Double`.
///
/// Used for item × item Gram matrices (EASE: P = (XᵀX + λI)⁻¹, ~3,700 items on ML-1M). Both steps
/// are O(n³) and read the factor in blocks so that the work stays in cache and splits over threads:
/// - ``factor(_:n:)``: A = L·Lᵀ, row by row in blocks of 64 rows; the part of a block left of its
///   diagonal is computed with rows split over threads (each thread reads every earlier row of L
///   once per block), the small triangle on the diagonal serially. n³/3 multiply-adds.
/// - ``inverse(_:n:)``: solves A·X = I for blocks of 64 columns of the identity, one block per
///   thread: forward L·Y = E from the block's first row (rows above it are zero), back
///   Lᵀ·X = Y only down to that row, since P is symmetric: the lower triangle is kept and copied
///   to the upper one. About 2n³/3 multiply-adds more.
public enum Cholesky {
    /// The block size (rows of L per factor block, columns per solve block).
    static let block = 64

    /// Replaces the lower triangle of `a` (row-major `n × n`, symmetric; only the lower triangle
    /// is read) by L with A = L·Lᵀ; the upper triangle is left as it was.
    ///
    /// - Returns: `false` when A is not (numerically) positive definite: a pivot was not positive.
    public static func factor(_ a: inout [Double], n: Int) -> Bool {
        precondition(a.count == n * n, "Cholesky.factor: \(a.count) values for \(n)×\(n)")
        return a.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let l = buffer.baseAddress else { return true }
            var lo = 0
            while lo < n {
                let hi = min(lo + block, n)
                let start = lo
                // Left of the diagonal block: L[i][j] for j < lo, rows of the block over threads.
                parallelFor(hi - lo) { range, _ in
                    for j in 0..<start {
                        let rowJ = l + j * n
                        let pivot = rowJ[j]
                        for r in range {
                            let rowI = l + (start + r) * n
                            rowI[j] = (rowI[j] - dot(rowI, rowJ, j)) / pivot
                        }
                    }
                }
                // The diagonal block, serially.
                for i in lo..<hi {
                    let rowI = l + i * n
                    for j in lo...i {
                        let rowJ = l + j * n
                        let s = rowI[j] - dot(rowI, rowJ, j)
                        if j < i {
                            rowI[j] = s / rowJ[j]
                        } else {
                            guard s > 0, s.isFinite else { return false }
                            rowI[i] = s.squareRoot()
                        }
                    }
                }
                lo = hi
            }
            return true
        }
    }

    /// The inverse of the symmetric positive definite `a` (row-major `n × n`; the lower triangle
    /// is read), or `nil` when it is not positive definite.
    public static func inverse(_ a: [Double], n: Int) -> [Double]? {
        var l = a
        guard factor(&l, n: n) else { return nil }
        var p = [Double](repeating: 0, count: n * n)
        let blocks = (n + block - 1) / block
        l.withUnsafeBufferPointer { lb in
            p.withUnsafeMutableBufferPointer { pb in
                guard let l = lb.baseAddress, let p = pb.baseAddress else { return }
                parallelFor(blocks) { range, _ in
                    let width = block
                    let y = UnsafeMutablePointer<Double>.allocate(capacity: n * width)
                    defer { y.deallocate() }
                    for b in range {
                        let first = b * width
                        let w = min(width, n - first)
                        solveBlock(l, n: n, first: first, width: w, stride: width, y: y)
                        for i in first..<n {
                            for c in 0..<w { p[i * n + first + c] = y[i * width + c] }
                        }
                    }
                }
                // The upper triangle mirrors the lower one, so P is exactly symmetric (entries
                // above a block's first row were not computed; those inside it twice).
                for c in 0..<n {
                    for i in 0..<c { p[i * n + c] = p[c * n + i] }
                }
            }
        }
        return p
    }

    /// Rows `first..<n` of columns `first..<first + width` of A⁻¹ into `y` (row i at `i * stride`).
    private static func solveBlock(
        _ l: UnsafePointer<Double>, n: Int, first: Int, width: Int, stride: Int,
        y: UnsafeMutablePointer<Double>
    ) {
        // Forward: L·Y = E, rows before `first` are zero.
        for i in first..<n {
            let yi = y + i * stride
            for c in 0..<width { yi[c] = (i - first == c) ? 1 : 0 }
            let rowI = l + i * n
            for k in first..<i {
                let f = rowI[k]
                if f == 0 { continue }
                let yk = y + k * stride
                for c in 0..<width { yi[c] -= f * yk[c] }
            }
            let d = 1 / rowI[i]
            for c in 0..<width { yi[c] *= d }
        }
        // Back: Lᵀ·X = Y from the last row up to `first`.
        var i = n - 1
        while i >= first {
            let yi = y + i * stride
            let rowI = l + i * n
            let d = 1 / rowI[i]
            for c in 0..<width { yi[c] *= d }
            for k in first..<i {
                let f = rowI[k]
                if f == 0 { continue }
                let yk = y + k * stride
                for c in 0..<width { yk[c] -= f * yi[c] }
            }
            i -= 1
        }
    }

    /// Σ_{k<count} a[k]·b[k] with reassociation allowed (four partial sums).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= count {
            s0 = Relaxed.multiplyAdd(a[k], b[k], s0)
            s1 = Relaxed.multiplyAdd(a[k + 1], b[k + 1], s1)
            s2 = Relaxed.multiplyAdd(a[k + 2], b[k + 2], s2)
            s3 = Relaxed.multiplyAdd(a[k + 3], b[k + 3], s3)
            k += 4
        }
        while k < count {
            s0 = Relaxed.multiplyAdd(a[k], b[k], s0)
            k += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}
