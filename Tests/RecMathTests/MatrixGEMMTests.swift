import RecMath
import RecTestSupport
import Testing

@Suite struct MatrixGEMMTests {
    /// (m, depth, n) around the 4-row block and the 16-column strip, one that runs on threads, and
    /// one deep enough for several column panels (depth 1,100: panels of 48 columns, the last of 5).
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (3, 5, 7), (4, 8, 16), (5, 9, 17), (9, 17, 33), (70, 61, 47),
                                            (6, 1_100, 101)]
    static let forms: [(Bool, Bool)] = [(false, false), (true, false), (false, true)]
    static let cases = shapes.flatMap { s in forms.flatMap { f in [1, 2].map { (s.0, s.1, s.2, f.0, f.1, $0) } } }

    @Test("A·B, Aᵀ·B and A·Bᵀ match the Double reference, written and accumulated", arguments: cases)
    func gemm(m: Int, depth: Int, n: Int, ta: Bool, tb: Bool, threads: Int) {
        Parallelism.withThreads(threads) {
            let a = Reference.randomMatrix(rows: ta ? depth : m, cols: ta ? m : depth, seed: UInt64(m * 13 + depth))
            let b = Reference.randomMatrix(rows: tb ? n : depth, cols: tb ? depth : n, seed: UInt64(n * 7 + 1))
            var c = Matrix(rows: m, cols: n, repeating: 5)
            Matrix.gemm(a, transposed: ta, b, transposed: tb, into: &c)
            let want = Reference.gemm(a, transposed: ta, b, transposed: tb)
            for i in 0..<m {
                for j in 0..<n {
                    #expect(abs(Double(c[i, j]) - want[i][j]) < 1e-4 * Double(depth), "C[\(i), \(j)]")
                }
            }
            Matrix.gemm(a, transposed: ta, b, transposed: tb, into: &c, accumulate: true)
            for i in 0..<m {
                for j in 0..<n {
                    #expect(abs(Double(c[i, j]) - 2 * want[i][j]) < 2e-4 * Double(depth), "2C[\(i), \(j)]")
                }
            }
        }
    }

    @Test("row-wise log-sum-exp and softmax match the Double reference, even for large entries",
          arguments: [(1, 1, 1), (3, 7, 1), (5, 17, 2), (40, 9, 2)])
    func logSumExp(rows: Int, cols: Int, threads: Int) {
        Parallelism.withThreads(threads) {
            var x = Reference.randomMatrix(rows: rows, cols: cols, seed: UInt64(rows + cols))
            // Entries near 100 overflow a naive exp-sum in Float.
            for e in 0..<x.storage.count where e % 3 == 0 { x.storage[e] += 100 }
            var out = [Float](repeating: 0, count: rows)
            x.logSumExpRows(into: &out)
            let want = Reference.logSumExp(x)
            for r in 0..<rows { #expect(abs(Double(out[r]) - want[r]) < 1e-4 * max(1, abs(want[r])), "row \(r)") }
            var s = x
            s.softmaxRows()
            let probabilities = Reference.softmax(x)
            for r in 0..<rows {
                var total = 0.0
                for j in 0..<cols {
                    let p = probabilities[r][j]
                    #expect(abs(Double(s[r, j]) - p) < 1e-5, "softmax[\(r), \(j)]")
                    total += Double(s[r, j])
                }
                #expect(abs(total - 1) < 1e-5)
            }
        }
    }
}
