import RecMath
import RecTestSupport
import Testing

@Suite struct SparseKernelTests {
    /// Hidden widths around the SIMD width, and a case large enough to run on several threads.
    static let shapes: [(rows: Int, cols: Int, k: Int)] = [
        (1, 1, 1), (5, 3, 7), (9, 11, 8), (13, 6, 9), (17, 19, 17), (120, 90, 65),
    ]
    static let cases = shapes.flatMap { s in [1, 2].map { (s.rows, s.cols, s.k, $0) } }

    @Test("sparse times dense matches the Double reference", arguments: cases)
    func spmm(rows: Int, cols: Int, k: Int, threads: Int) {
        Parallelism.withThreads(threads) {
            let a = Reference.randomCSR(rows: rows, cols: cols, density: 0.3, seed: UInt64(rows * 31 + k))
            let b = Reference.randomMatrix(rows: cols, cols: k, seed: 2)
            var c = Matrix(rows: rows, cols: k, repeating: 9)
            a.multiply(b, into: &c)
            let want = Reference.spmm(a, b)
            for r in 0..<rows {
                for j in 0..<k { #expect(abs(Double(c[r, j]) - want[r][j]) < 1e-4, "C[\(r), \(j)]") }
            }
            // Accumulating adds the product once more.
            a.multiply(b, into: &c, accumulate: true)
            for r in 0..<rows {
                for j in 0..<k { #expect(abs(Double(c[r, j]) - 2 * want[r][j]) < 2e-4, "2C[\(r), \(j)]") }
            }
        }
    }

    @Test("transposed sparse times dense reads values through the entry map", arguments: cases)
    func spmmTransposed(rows: Int, cols: Int, k: Int, threads: Int) {
        Parallelism.withThreads(threads) {
            let a = Reference.randomCSR(rows: rows, cols: cols, density: 0.3, seed: UInt64(rows * 7 + k))
            let b = Reference.randomMatrix(rows: rows, cols: k, seed: 3)
            let t = CSRTranspose(of: a)
            var c = Matrix(rows: cols, cols: k, repeating: -1)
            t.multiply(values: a.values, b, into: &c)
            let want = Reference.spmmTransposed(a, b)
            for r in 0..<cols {
                for j in 0..<k { #expect(abs(Double(c[r, j]) - want[r][j]) < 1e-4, "C[\(r), \(j)]") }
            }
            // The transposed pattern equals the explicit transpose.
            let explicit = a.transposed()
            #expect(t.rowStart == explicit.rowStart && t.columns == explicit.columns)
            #expect(t.entry.map { a.values[Int($0)] } == explicit.values)
        }
    }

    @Test("sampled dense product matches dot products at the pattern", arguments: cases)
    func sddmm(rows: Int, cols: Int, k: Int, threads: Int) {
        Parallelism.withThreads(threads) {
            let a = Reference.randomCSR(rows: rows, cols: cols, density: 0.3, seed: UInt64(rows + k))
            let x = Reference.randomMatrix(rows: rows, cols: k, seed: 4)
            let y = Reference.randomMatrix(rows: cols, cols: k, seed: 5)
            var out = [Float](repeating: 7, count: a.nonzeros)
            a.sampledProduct(x, y, into: &out)
            for r in 0..<rows {
                for e in a.rowStart[r]..<a.rowStart[r + 1] {
                    var s = 0.0
                    for j in 0..<k { s += Double(x[r, j]) * Double(y[Int(a.columns[e]), j]) }
                    #expect(abs(Double(out[e]) - s) < 1e-4, "entry \(e)")
                }
            }
        }
    }

    @Test("building from triplets sorts rows and keeps the last duplicate")
    func triplets() {
        let m = CSRMatrix(rows: 3, cols: 4, rowIndices: [2, 0, 2, 0, 2], columnIndices: [3, 1, 0, 1, 3],
                          values: [1, 2, 3, 4, 5])
        #expect(m.rowStart == [0, 1, 1, 3])
        #expect(m.columns == [1, 0, 3])
        #expect(m.values == [4, 3, 5])
    }
}
