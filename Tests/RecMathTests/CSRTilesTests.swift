import RecMath
import RecTestSupport
import Testing

@Suite struct CSRTilesTests {
    /// A random pattern with row 3 and column 10 left empty (when they exist).
    static func pattern(rows: Int, cols: Int, seed: UInt64) -> CSRMatrix {
        let a = Reference.randomCSR(rows: rows, cols: cols, density: 0.3, seed: seed)
        var r = [Int32](), c = [Int32](), v = [Float]()
        for i in 0..<a.rows where i != 3 {
            for e in a.rowStart[i]..<a.rowStart[i + 1] where a.columns[e] != 10 {
                r.append(Int32(i)); c.append(a.columns[e]); v.append(a.values[e])
            }
        }
        return CSRMatrix(rows: rows, cols: cols, rowIndices: r, columnIndices: c, values: v)
    }

    /// Odd shapes, hidden widths around the 8- and 64-column slices, block sizes that do and do not
    /// divide the shape (and one block bigger than the matrix), at 1 and 2 threads. The last shape
    /// is large enough to run on several threads.
    static let cases: [(rows: Int, cols: Int, k: Int, block: Int, threads: Int)] = {
        var c = [(rows: Int, cols: Int, k: Int, block: Int, threads: Int)]()
        for k in [1, 7, 33, 64, 71, 130] {
            for block in [5, 16, 512] {
                for threads in [1, 2] { c.append((37, 53, k, block, threads)) }
            }
            c.append((1, 1, k, 5, 1))
        }
        return c + [(200, 150, 71, 16, 1), (200, 150, 71, 16, 2)]
    }()

    @Test("the tiles hold every entry once, grouped by row block, column block and row")
    func layout() {
        let a = Self.pattern(rows: 37, cols: 53, seed: 1)
        let t = CSRTiles(a, rowBlock: 5, columnBlock: 7)
        #expect(t.segmentStart.count == 37 * 8 + 1)
        #expect(t.entry.sorted() == (0..<Int32(a.nonzeros)).map { $0 })
        var segment = 0
        for b in 0..<t.rowBlocks {
            let r0 = b * 5, n = min(37, r0 + 5) - r0
            for cb in 0..<t.columnBlocks {
                for r in r0..<(r0 + n) {
                    for e in Int(t.segmentStart[segment])..<Int(t.segmentStart[segment + 1]) {
                        let original = Int(t.entry[e])
                        #expect(original >= a.rowStart[r] && original < a.rowStart[r + 1], "entry \(e) row \(r)")
                        #expect(t.columns[e] == a.columns[original])
                        #expect(Int(t.columns[e]) / 7 == cb, "entry \(e) column block")
                    }
                    segment += 1
                }
            }
        }
        #expect(segment == 37 * 8)
    }

    @Test("tiled sparse times dense matches the Double reference and the plain kernel exactly", arguments: cases)
    func spmm(rows: Int, cols: Int, k: Int, block: Int, threads: Int) {
        Parallelism.withThreads(threads) {
            let a = Self.pattern(rows: rows, cols: cols, seed: UInt64(rows * 31 + k))
            let b = Reference.randomMatrix(rows: cols, cols: k, seed: 2)
            let tiles = CSRTiles(a, rowBlock: block, columnBlock: block + 2)
            var c = Matrix(rows: rows, cols: k, repeating: 9)
            tiles.multiply(values: a.values, b, into: &c)
            let want = Reference.spmm(a, b)
            for r in 0..<rows {
                for j in 0..<k { #expect(abs(Double(c[r, j]) - want[r][j]) < 1e-4, "C[\(r), \(j)]") }
            }
            var plain = Matrix(rows: rows, cols: k, repeating: -3)
            a.multiply(b, into: &plain)
            #expect(c == plain)
            // Accumulating adds the product once more, as the plain kernel does.
            tiles.multiply(values: a.values, b, into: &c, accumulate: true)
            a.multiply(b, into: &plain, accumulate: true)
            #expect(c == plain)
        }
    }

    @Test("tiled transposed product reads the original values through the entry map", arguments: cases)
    func spmmTransposed(rows: Int, cols: Int, k: Int, block: Int, threads: Int) {
        Parallelism.withThreads(threads) {
            let a = Self.pattern(rows: rows, cols: cols, seed: UInt64(rows * 7 + k))
            let b = Reference.randomMatrix(rows: rows, cols: k, seed: 3)
            let transpose = CSRTranspose(of: a)
            let tiles = CSRTiles(transpose, rowBlock: block + 1, columnBlock: block)
            var c = Matrix(rows: cols, cols: k, repeating: -1)
            tiles.multiply(values: a.values, b, into: &c)
            let want = Reference.spmmTransposed(a, b)
            for r in 0..<cols {
                for j in 0..<k { #expect(abs(Double(c[r, j]) - want[r][j]) < 1e-4, "C[\(r), \(j)]") }
            }
            var plain = Matrix(rows: cols, cols: k)
            transpose.multiply(values: a.values, b, into: &plain)
            #expect(c == plain)
        }
    }

    @Test("tiled sampled product matches the Double reference and the plain kernel exactly", arguments: cases)
    func sddmm(rows: Int, cols: Int, k: Int, block: Int, threads: Int) {
        Parallelism.withThreads(threads) {
            let a = Self.pattern(rows: rows, cols: cols, seed: UInt64(rows + k))
            let x = Reference.randomMatrix(rows: rows, cols: k, seed: 4)
            let y = Reference.randomMatrix(rows: cols, cols: k, seed: 5)
            var out = [Float](repeating: 7, count: a.nonzeros)
            CSRTiles(a, rowBlock: block, columnBlock: block).sampledProduct(x, y, into: &out)
            for r in 0..<rows {
                for e in a.rowStart[r]..<a.rowStart[r + 1] {
                    var s = 0.0
                    for j in 0..<k { s += Double(x[r, j]) * Double(y[Int(a.columns[e]), j]) }
                    #expect(abs(Double(out[e]) - s) < 1e-4, "entry \(e)")
                }
            }
            var plain = [Float](repeating: 0, count: a.nonzeros)
            a.sampledProduct(x, y, into: &plain)
            #expect(out == plain)
        }
    }

    @Test("a pattern without entries gives zeros and leaves an accumulated output alone")
    func empty() {
        let a = CSRMatrix(rows: 4, cols: 3, rowStart: [0, 0, 0, 0, 0], columns: [], values: [])
        let tiles = CSRTiles(a, rowBlock: 2, columnBlock: 2)
        let b = Reference.randomMatrix(rows: 3, cols: 9, seed: 6)
        var c = Matrix(rows: 4, cols: 9, repeating: 5)
        tiles.multiply(values: [], b, into: &c, accumulate: true)
        #expect(c == Matrix(rows: 4, cols: 9, repeating: 5))
        tiles.multiply(values: [], b, into: &c)
        #expect(c == Matrix(rows: 4, cols: 9))
        var out = [Float]()
        tiles.sampledProduct(Matrix(rows: 4, cols: 9), b, into: &out)
        #expect(out.isEmpty)
    }
}
