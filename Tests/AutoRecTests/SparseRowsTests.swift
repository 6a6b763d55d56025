import RecMath
import Testing

@testable import AutoRec

@Suite struct SparseRowsTests {
    /// Rows [(0, 2), (3, −1)], [], [(1, 0.5), (3, 4)] over 4 columns.
    static func sample() -> SparseRows {
        var s = SparseRows(cols: 4)
        s.append(0, 2)
        s.append(3, -1)
        s.closeRow()
        s.closeRow()
        s.append(1, 0.5)
        s.append(3, 4)
        s.closeRow()
        return s
    }

    static func dense(_ s: SparseRows) -> [[Float]] {
        (0..<s.rows).map { r in
            var row = [Float](repeating: 0, count: s.cols)
            for e in s.rowStart[r]..<s.rowStart[r + 1] { row[Int(s.columns[e])] += s.values[e] }
            return row
        }
    }

    @Test("S·B, Sᵀ·D (added) and the sampled dots equal dense products")
    func products() {
        let s = Self.sample()
        let a = Self.dense(s)
        var rng = SplitMix64(seed: 2)
        let b = Matrix(rows: 4, cols: 3, gaussianStandardDeviation: 1, using: &rng)
        var c = Matrix(rows: 3, cols: 3, repeating: 9)
        s.multiply(b, into: &c)
        for r in 0..<3 {
            for k in 0..<3 {
                let expected = (0..<4).reduce(Float(0)) { $0 + a[r][$1] * b[$1, k] }
                #expect(abs(c[r, k] - expected) < 1e-5)
            }
        }
        let d = Matrix(rows: 3, cols: 3, gaussianStandardDeviation: 1, using: &rng)
        var g = Matrix(rows: 4, cols: 3, repeating: 1)
        s.addTransposeProduct(d, into: &g)
        for i in 0..<4 {
            for k in 0..<3 {
                let expected = 1 + (0..<3).reduce(Float(0)) { $0 + a[$1][i] * d[$1, k] }
                #expect(abs(g[i, k] - expected) < 1e-5)
            }
        }
        var out = [Float]()
        s.sampledDot(d, b, into: &out)
        let rows = [0, 0, 2, 2]
        for e in 0..<4 {
            let expected = (0..<3).reduce(Float(0)) { $0 + d[rows[e], $1] * b[Int(s.columns[e]), $1] }
            #expect(abs(out[e] - expected) < 1e-5)
        }
    }
}
