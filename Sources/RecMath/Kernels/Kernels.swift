/// The raw-memory loops of the package. Each takes pointers and `Int`s only, allocates nothing
/// and is called by a shape-checking wrapper; parallel ones split output rows over threads so
/// that no two threads write one row.
///
/// Vector loops use two `SIMD8<Float>` accumulators or row updates of eight lanes with a scalar
/// tail (STYLE.md, hot loops), plain `*` and `+` (no `fma` calls in a portable build).
public enum Kernels {
    /// Dot product of `n` floats.
    @inlinable
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        var c = 0
        while c + 16 <= n {
            a0 += rx.loadUnaligned(fromByteOffset: c &* 4, as: SIMD8<Float>.self)
                * ry.loadUnaligned(fromByteOffset: c &* 4, as: SIMD8<Float>.self)
            a1 += rx.loadUnaligned(fromByteOffset: (c &+ 8) &* 4, as: SIMD8<Float>.self)
                * ry.loadUnaligned(fromByteOffset: (c &+ 8) &* 4, as: SIMD8<Float>.self)
            c &+= 16
        }
        if c + 8 <= n {
            a0 += rx.loadUnaligned(fromByteOffset: c &* 4, as: SIMD8<Float>.self)
                * ry.loadUnaligned(fromByteOffset: c &* 4, as: SIMD8<Float>.self)
            c &+= 8
        }
        var s = (a0 + a1).sum()
        while c < n {
            s += x[c] * y[c]
            c &+= 1
        }
        return s
    }

    /// Dot product of `n` floats accumulated in `Double` over blocks of 1,024 (each block in `Float`
    /// SIMD lanes), for long reductions whose last digits matter (line searches, objectives).
    @inlinable
    public static func dotAccurate(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Double {
        var total = 0.0
        var c = 0
        while c < n {
            let m = min(1024, n - c)
            total += Double(dot(x + c, y + c, m))
            c += m
        }
        return total
    }

    /// y ← y + a·x over `n` floats.
    @inlinable
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let va = SIMD8<Float>(repeating: a)
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        var c = 0
        while c + 8 <= n {
            let o = c &* 4
            let v = ry.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                + va * rx.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            ry.storeBytes(of: v, toByteOffset: o, as: SIMD8<Float>.self)
            c &+= 8
        }
        while c < n {
            y[c] += a * x[c]
            c &+= 1
        }
    }

    /// y ← y + a0·x0 + a1·x1 over `n` floats: two updates in one pass over `y`.
    @inlinable
    public static func axpy2(
        _ a0: Float, _ x0: UnsafePointer<Float>, _ a1: Float, _ x1: UnsafePointer<Float>,
        _ y: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        let v0 = SIMD8<Float>(repeating: a0), v1 = SIMD8<Float>(repeating: a1)
        let r0 = UnsafeRawPointer(x0), r1 = UnsafeRawPointer(x1), ry = UnsafeMutableRawPointer(y)
        var c = 0
        while c + 8 <= n {
            let o = c &* 4
            let v = ry.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                + v0 * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                + v1 * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            ry.storeBytes(of: v, toByteOffset: o, as: SIMD8<Float>.self)
            c &+= 8
        }
        while c < n {
            // Same order as the vector lanes above (and as the tiled kernels): (y + a0·x0) + a1·x1.
            y[c] = y[c] + a0 * x0[c] + a1 * x1[c]
            c &+= 1
        }
    }

    /// Sparse times dense, one output row per sparse row:
    ///
    /// ```
    /// C[r] = beta·C[r] + Σ_{e in row r} values[map(e)] · B[columns[e]]      (beta is 0 or 1)
    /// ```
    /// where `map(e) = valueIndex[e]` when a value index is given (to read the values of the
    /// transposed pattern in the original entry order), else `e`. `B` and `C` are row-major with
    /// `k` columns. Rows `rows` only (the caller splits rows over threads).
    ///
    /// - Complexity: O(entries in those rows × k).
    @inlinable
    public static func spmmRows(
        _ rows: Range<Int>, rowStart: UnsafePointer<Int>, columns: UnsafePointer<Int32>,
        values: UnsafePointer<Float>, valueIndex: UnsafePointer<Int32>?,
        b: UnsafePointer<Float>, k: Int, c: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        for r in rows {
            let out = c + r &* k
            if !accumulate { out.update(repeating: 0, count: k) }
            let lo = rowStart[r], hi = rowStart[r &+ 1]
            // Two entries per pass over the output row halve its loads and stores.
            var e = lo
            if let valueIndex {
                while e &+ 1 < hi {
                    axpy2(values[Int(valueIndex[e])], b + Int(columns[e]) &* k,
                          values[Int(valueIndex[e &+ 1])], b + Int(columns[e &+ 1]) &* k, out, k)
                    e &+= 2
                }
                if e < hi { axpy(values[Int(valueIndex[e])], b + Int(columns[e]) &* k, out, k) }
            } else {
                while e &+ 1 < hi {
                    axpy2(values[e], b + Int(columns[e]) &* k, values[e &+ 1], b + Int(columns[e &+ 1]) &* k, out, k)
                    e &+= 2
                }
                if e < hi { axpy(values[e], b + Int(columns[e]) &* k, out, k) }
            }
        }
    }

    /// Dense times dense sampled at a sparse pattern:
    ///
    /// ```
    /// out[e] = X[r] · Y[columns[e]]     for every entry e of row r
    /// ```
    /// `X` and `Y` are row-major with `k` columns. Rows `rows` only.
    ///
    /// - Complexity: O(entries in those rows × k).
    @inlinable
    public static func sddmmRows(
        _ rows: Range<Int>, rowStart: UnsafePointer<Int>, columns: UnsafePointer<Int32>,
        x: UnsafePointer<Float>, y: UnsafePointer<Float>, k: Int, out: UnsafeMutablePointer<Float>
    ) {
        for r in rows {
            let xr = x + r &* k
            for e in rowStart[r]..<rowStart[r &+ 1] {
                out[e] = dot(xr, y + Int(columns[e]) &* k, k)
            }
        }
    }

    /// y[r] = A[r] · x for rows `rows` of a row-major matrix with `cols` columns.
    @inlinable
    public static func gemvRows(
        _ rows: Range<Int>, a: UnsafePointer<Float>, cols: Int, x: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>
    ) {
        for r in rows { y[r] = dot(a + r &* cols, x, cols) }
    }
}
