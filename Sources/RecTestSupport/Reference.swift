import RealModule
import RecMath

/// Plain `Double` reference implementations that the kernels are tested against.
public enum Reference {
    /// y = A x for a row-major matrix.
    public static func gemv(_ a: Matrix, _ x: [Float]) -> [Double] {
        (0..<a.rows).map { r in
            var s = 0.0
            for c in 0..<a.cols { s += Double(a[r, c]) * Double(x[c]) }
            return s
        }
    }
}

extension Reference {
    /// A random sparse matrix with about `density` of its entries present, values in [-1, 1).
    public static func randomCSR(rows: Int, cols: Int, density: Double, seed: UInt64) -> CSRMatrix {
        var rng = SplitMix64(seed: seed)
        var r = [Int32](), c = [Int32](), v = [Float]()
        for i in 0..<rows {
            for j in 0..<cols where rng.nextDouble() < density {
                r.append(Int32(i)); c.append(Int32(j)); v.append(rng.nextFloat() * 2 - 1)
            }
        }
        return CSRMatrix(rows: rows, cols: cols, rowIndices: r, columnIndices: c, values: v)
    }

    /// A random dense matrix with entries in [-1, 1).
    public static func randomMatrix(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var rng = SplitMix64(seed: seed)
        return Matrix(rows: rows, cols: cols, storage: (0..<(rows * cols)).map { _ in rng.nextFloat() * 2 - 1 })
    }

    /// C = A·B in Double, with A sparse.
    public static func spmm(_ a: CSRMatrix, _ b: Matrix) -> [[Double]] {
        var c = [[Double]](repeating: [Double](repeating: 0, count: b.cols), count: a.rows)
        for r in 0..<a.rows {
            for e in a.rowStart[r]..<a.rowStart[r + 1] {
                for j in 0..<b.cols { c[r][j] += Double(a.values[e]) * Double(b[Int(a.columns[e]), j]) }
            }
        }
        return c
    }

    /// C = Aᵀ·B in Double, with A sparse.
    public static func spmmTransposed(_ a: CSRMatrix, _ b: Matrix) -> [[Double]] {
        var c = [[Double]](repeating: [Double](repeating: 0, count: b.cols), count: a.cols)
        for r in 0..<a.rows {
            for e in a.rowStart[r]..<a.rowStart[r + 1] {
                for j in 0..<b.cols { c[Int(a.columns[e])][j] += Double(a.values[e]) * Double(b[r, j]) }
            }
        }
        return c
    }
}

extension Reference {
    /// op(A)·op(B) in Double, row by row.
    public static func gemm(_ a: Matrix, transposed ta: Bool, _ b: Matrix, transposed tb: Bool) -> [[Double]] {
        let m = ta ? a.cols : a.rows, depth = ta ? a.rows : a.cols, n = tb ? b.rows : b.cols
        return (0..<m).map { i in
            (0..<n).map { j in
                var s = 0.0
                for p in 0..<depth {
                    s += Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j])
                }
                return s
            }
        }
    }

    /// log Σ_j exp(x[r, j]) for every row, in Double.
    public static func logSumExp(_ x: Matrix) -> [Double] {
        (0..<x.rows).map { r in
            let m = (0..<x.cols).map { Double(x[r, $0]) }.max() ?? -.infinity
            return m + Double.log((0..<x.cols).map { Double.exp(Double(x[r, $0]) - m) }.reduce(0, +))
        }
    }

    /// Row-wise softmax in Double.
    public static func softmax(_ x: Matrix) -> [[Double]] {
        let lse = logSumExp(x)
        return (0..<x.rows).map { r in (0..<x.cols).map { Double.exp(Double(x[r, $0]) - lse[r]) } }
    }
}
