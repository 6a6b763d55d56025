import ArgumentParser
import RecMath

/// Threads, seed and output options shared by every command that computes.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "Seed of every random choice (splits, initial weights, batch order).")
    var seed: UInt64 = 42

    @Option(help: "Threads for the parallel loops (default: all cores).")
    var threads: Int?

    @Flag(help: "Print results as JSON instead of a table.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print no progress or log lines on stderr (warnings still show).")
    var quiet = false

    @Flag(help: "Also log debug lines (per-epoch figures of the baselines).")
    var verbose = false

    func validate() throws {
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1, got \(t)") }
    }

    /// Applies the thread count and the log level.
    func apply() {
        Parallelism.defaultThreads = threads ?? 0
        Console.quiet = quiet
        Console.verbose = verbose
    }
}
