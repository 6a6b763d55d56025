import ArgumentParser
import Dispatch
import Foundation
import RecMath

/// Times the dense products of a hidden layer, `Matrix.gemm` in its three forms, at one shape, and
/// prints GFLOP/s (2·m·k·n per product) as the median of the repeats.
struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm", abstract: "Time the GEMM forms (A·B, Aᵀ·B, A·Bᵀ) at one shape and print GFLOP/s.")

    @Option(help: "Rows of the product (a batch).") var m = 256
    @Option(help: "Depth of the product.") var k = 512
    @Option(help: "Columns of the product.") var n = 256
    @Option(help: "Timed repeats per form (median reported).") var repeats = 30
    @Option(help: "Threads (0: all cores).") var threads = 0

    func run() {
        if threads > 0 { Parallelism.defaultThreads = threads }
        var rng = SplitMix64(seed: 1)
        let a = Matrix(rows: m, cols: k, gaussianStandardDeviation: 1, using: &rng)
        let at = a.transposed()
        let b = Matrix(rows: k, cols: n, gaussianStandardDeviation: 1, using: &rng)
        let bt = b.transposed()
        var c = Matrix(rows: m, cols: n)
        let flop = 2 * Double(m) * Double(k) * Double(n)
        let forms: [(String, () -> Void)] = [
            ("A·B", { Matrix.gemm(a, b, into: &c) }),
            ("Aᵀ·B", { Matrix.gemm(at, transposed: true, b, transposed: false, into: &c) }),
            ("A·Bᵀ", { Matrix.gemm(a, transposed: false, bt, transposed: true, into: &c) }),
        ]
        print("gemm \(m)x\(k) · \(k)x\(n), \(Parallelism.threads) threads, median of \(repeats)")
        for (name, body) in forms {
            let median = Self.medianSeconds(repeats: repeats, body)
            print("\(name)\t\(String(format: "%.2f", flop / median / 1e9)) GFLOP/s\t\(String(format: "%.3f", median * 1e3)) ms")
        }
    }

    /// Median wall-clock seconds of `repeats` calls of `body` after one warm-up call.
    static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        body()
        var seconds = [Double]()
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return seconds.sorted()[seconds.count / 2]
    }

    /// GFLOP/s of A·B at this shape with the current thread count, median of `repeats` after a warm-up.
    static func gflops(m: Int, k: Int, n: Int, repeats: Int) -> Double {
        var rng = SplitMix64(seed: 1)
        let a = Matrix(rows: m, cols: k, gaussianStandardDeviation: 1, using: &rng)
        let b = Matrix(rows: k, cols: n, gaussianStandardDeviation: 1, using: &rng)
        var c = Matrix(rows: m, cols: n)
        let median = medianSeconds(repeats: repeats) { Matrix.gemm(a, b, into: &c) }
        return 2 * Double(m) * Double(k) * Double(n) / median / 1e9
    }
}
