import ArgumentParser
import Dispatch
import RecData
import RecMath

/// Times the five sparse passes of one full-batch AutoRec gradient on a data set's training part,
/// the plain CSR kernels and the tiled ones alternately in one run (so load from other processes
/// hits both alike), and prints each pass's median and the useful GFLOP/s of the five together.
struct KernelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Time the sparse passes of a full-batch gradient: plain CSR kernels against cache tiles.")

    @Option(help: "Data folder or rating file.") var data: String
    @Option(help: "item (rows are items, inputs users) or user.") var orientation = "item"
    @Option(help: "Hidden units k.") var hidden = 500
    @Option(help: "Timed repeats of each pass and kernel (median printed).") var repeats = 7
    @Option(help: "Rows per row block of the tiles.") var rowBlock = CSRTiles.defaultRowBlock
    @Option(help: "Columns per column block of the tiles.") var columnBlock = CSRTiles.defaultColumnBlock
    @Option(help: "Threads (0: all cores).") var threads = 0
    @Option(help: "Seed of the 90% training split (as `autorec-bench autorec`).") var seed: UInt64 = 1
    @Flag(help: "Also time this build's dense GEMM (1024^3) and print the share.") var gemm = false

    func run() throws {
        Parallelism.defaultThreads = threads
        let table = try Dataset.detect(at: data).load(sideInformation: false).ratings
        var rng = SplitMix64(seed: seed)
        let train = try RatingSplit(table, method: .random(fraction: 0.1), using: &rng).train
        let byItem = orientation == "item"
        let a = CSRMatrix(rows: byItem ? table.itemCount : table.userCount,
                          cols: byItem ? table.userCount : table.itemCount,
                          rowIndices: byItem ? train.items : train.users,
                          columnIndices: byItem ? train.users : train.items, values: train.ratings)
        let k = hidden
        let t0 = now()
        let transpose = CSRTranspose(of: a)
        let t1 = now()
        let tiles = CSRTiles(a, rowBlock: rowBlock, columnBlock: columnBlock)
        let transposeTiles = CSRTiles(transpose, rowBlock: rowBlock, columnBlock: columnBlock)
        let t2 = now()
        print("pattern \(a.rows)x\(a.cols), \(a.nonzeros) entries, k = \(k), \(Parallelism.threads) threads; "
              + "tiles \(rowBlock)x\(columnBlock); build: transpose \(ms(t1 - t0)), both tilings \(ms(t2 - t1))")

        var g = SplitMix64(seed: 2)
        let v = Matrix(rows: a.cols, cols: k, gaussianStandardDeviation: 0.03, using: &g)
        let w = Matrix(rows: a.cols, cols: k, gaussianStandardDeviation: 0.03, using: &g)
        let h = Matrix(rows: a.rows, cols: k, gaussianStandardDeviation: 0.5, using: &g)
        let delta = (0..<a.nonzeros).map { _ in g.nextFloat() - 0.5 }
        var out = Matrix(rows: a.rows, cols: k), grad = Matrix(rows: a.cols, cols: k)
        var entries = [Float](repeating: 0, count: a.nonzeros)
        let passes: [(name: String, plain: () -> Void, tiled: () -> Void)] = [
            ("Z = X·V", { a.multiply(v, into: &out) }, { tiles.multiply(values: a.values, v, into: &out) }),
            ("H·Wᵀ at pattern", { a.sampledProduct(h, w, into: &entries) },
             { tiles.sampledProduct(h, w, into: &entries) }),
            ("∂H = Δ·W", { a.multiply(w, values: delta, into: &out) },
             { tiles.multiply(values: delta, w, into: &out) }),
            ("∂W += Δᵀ·H", { transpose.multiply(values: delta, h, into: &grad, accumulate: true) },
             { transposeTiles.multiply(values: delta, h, into: &grad, accumulate: true) }),
            ("∂V += Xᵀ·∂Z", { transpose.multiply(values: a.values, h, into: &grad, accumulate: true) },
             { transposeTiles.multiply(values: a.values, h, into: &grad, accumulate: true) }),
        ]
        // The tiled products sum the same terms in the same order: check it on this data.
        var same = true
        for pass in passes {
            out.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            grad.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            pass.plain()
            let (o1, g1, e1) = (out, grad, entries)
            out.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            grad.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            pass.tiled()
            same = same && o1 == out && g1 == grad && e1 == entries
        }
        print("tiled results equal the plain ones bit for bit: \(same)")
        let flopPerPass = 2 * Double(a.nonzeros) * Double(k)
        var totals = (plain: 0.0, tiled: 0.0)
        print("pass\tplain ms\ttiled ms\tspeed-up")
        for pass in passes {
            pass.plain()
            pass.tiled()
            var plain = [Double](), tiled = [Double]()
            for _ in 0..<max(1, repeats) {
                plain.append(timed(pass.plain))
                tiled.append(timed(pass.tiled))
            }
            let (p, t) = (median(plain), median(tiled))
            totals.plain += p
            totals.tiled += t
            print("\(pass.name)\t\(ms(p))\t\(ms(t))\t\(String(format: "%.2f", p / t))x")
        }
        let useful = 5 * flopPerPass / 1e9
        print(String(format: "five passes: plain %.1f ms (%.1f GFLOP/s useful), tiled %.1f ms (%.1f GFLOP/s useful)",
                     totals.plain * 1e3, useful / totals.plain, totals.tiled * 1e3, useful / totals.tiled))
        if gemm {
            let machine = GemmBench.gflops(m: 1024, k: 1024, n: 1024, repeats: 5)
            print(String(format: "GEMM (this build, 1024^3): %.1f GFLOP/s; tiled passes / GEMM = %.0f%%", machine,
                         100 * useful / totals.tiled / machine))
        }
    }

    private func timed(_ body: () -> Void) -> Double {
        let start = now()
        body()
        return now() - start
    }

    private func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }

    private func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1e3) }
}
