import ArgumentParser
import AutoRec
import Dispatch
import RecData
import RecMath

/// Release-mode benchmarks: they print figures; nothing here asserts a duration.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autorec-bench",
        abstract: "Speed and accuracy benchmarks (build with -c release).",
        subcommands: [ParseBench.self, AutoRecBench.self, GemmBench.self, KernelBench.self]
    )
}

struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse",
                                                    abstract: "Parse a generated ratings.dat file.")
    @Option(help: "Number of ratings in the generated file.") var ratings = 10_000_000
    @Option(help: "Seed of the generated file.") var seed: UInt64 = 1

    func run() throws {
        try runParseBenchmark(ratings: ratings, seed: seed)
    }
}
