import ArgumentParser
import AutoRec
import Foundation
import RecData
import RecMath

/// `autorec study`: a named grid of configurations over several seeds, resumable, with tables and plots.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a named study (configurations x seeds) and write its table, JSON and plots; resumes where it stopped.",
        discussion: """
            Each configuration of the study is trained on seeds 1 to --seeds (each seed draws its own \
            split and initial weights) under the study's protocol (split, validation part, refit), and \
            tested. Every finished run is written to <out>/runs/<key>-seed<S>.json, where the key is a \
            digest of the configuration as trained, the protocol and the --epochs cap; a rerun reuses a \
            run whose key, seed and data (names, sizes and modification times of the data files) are \
            unchanged, so a killed study resumes where it stopped.

            Written into --out: results.md (the protocol, then one row per configuration: mean test RMSE \
            and MAE ± a 95% Student-t interval over seeds, train RMSE, epochs kept, seconds, the \
            published figure), results.json (every seed's run and configuration), curves.svg (mean \
            train and validation RMSE per epoch) and rmse.svg (test RMSE with its interval).

            Studies: \(StudyCatalog.all.map(\.name).joined(separator: ", ")) (--list says what each varies).

            Examples:
              autorec study --list
              autorec study autorec-paper --data ml-1m
              autorec study d2l --data ml-100k --seeds 5
              autorec study activations --data ml-100k --seeds 2 --epochs 3 --out /tmp/quick
            """)

    @Argument(help: "The study to run (see --list).") var name: String?

    @Flag(help: "List the studies: protocol, source and what each varies.") var list = false

    @Option(name: .long, help: ArgumentHelp(
        "A MovieLens folder, a rating file, or a downloaded data set's name (ml-100k, ml-1m, ...).",
        valueName: "path|name"))
    var data: String?

    @Option(help: "Train every configuration on seeds 1 to this.") var seeds = 3

    @Option(help: ArgumentHelp("Cap every run at this many epochs (a quick check; part of each run's key).",
                               valueName: "n"))
    var epochs: Int?

    @Option(help: ArgumentHelp("Study folder (default: studies/NAME).", valueName: "dir")) var out: String?

    @Option(help: "Threads for the parallel loops (default: all cores).") var threads: Int?

    @Flag(name: .shortAndLong, help: "Print no progress or log lines on stderr (warnings still show).")
    var quiet = false

    func validate() throws {
        if list { return }
        guard let name else { throw ValidationError("name a study (or --list): \(Self.known)") }
        guard StudyCatalog.study(named: name) != nil else {
            throw ValidationError("unknown study '\(name)'; known: \(Self.known)")
        }
        if data == nil { throw ValidationError("give --data") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let e = epochs, e < 1 { throw ValidationError("--epochs must be at least 1, got \(e)") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1, got \(t)") }
    }

    static var known: String { StudyCatalog.all.map(\.name).joined(separator: ", ") }

    func run() async throws {
        if list {
            print(Self.listing())
            return
        }
        guard let name, let study = StudyCatalog.study(named: name), let dataArgument = data else { return }
        Parallelism.defaultThreads = threads ?? 0
        Console.quiet = quiet
        let dataOptions = try DataOptions.parse(["--data", dataArgument])
        try await dataOptions.fetchIfNeeded()
        let folder = out ?? "studies/\(name)"
        let runs = folder + "/runs"
        try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        let fingerprint = try StudyRun.fingerprint(of: try dataOptions.resolvedPath())
        let split = try study.split.splitOptions()
        let trainer = StudyTrainer(data: dataOptions)
        let settings = study.configurations.map {
            StudyTrainer.effectiveSettings($0.settings, protocol: study.split, epochCap: epochs)
        }
        let keys = try settings.map { try StudyRun.key(settings: $0, protocol: study.split, epochCap: epochs) }
        let seedList = (1...seeds).map { UInt64($0) }
        var found = [[StudyRun?]](repeating: [StudyRun?](repeating: nil, count: seedList.count),
                                  count: study.configurations.count)
        var trained = 0, reused = 0
        log("study \(name) on \(dataOptions.displayName): \(study.configurations.count) configurations x "
            + "\(seeds) seeds; \(study.split.text)")
        for (s, seed) in seedList.enumerated() {
            var parts: Parts?
            for (c, configuration) in study.configurations.enumerated() {
                let path = runs + "/" + StudyRun.fileName(key: keys[c], seed: seed)
                if let run = StudyRun.reusable(at: path, key: keys[c], seed: seed, data: fingerprint) {
                    found[c][s] = run
                    reused += 1
                    continue
                }
                if parts == nil { parts = try split.makeParts(dataOptions, seed: seed).parts.first }
                guard let p = parts else { return }
                log("seed \(seed), \(configuration.label): training")
                let run = try trainer.run(label: configuration.label, settings: settings[c], key: keys[c], seed: seed,
                                          fingerprint: fingerprint, parts: p)
                try writeJSON(run, to: path)
                log("seed \(seed), \(configuration.label): test RMSE \(fixed(run.testRMSE)) (\(String(format: "%.1f", run.seconds)) s)")
                found[c][s] = run
                trained += 1
            }
        }
        let results = StudyResults(
            study: name, source: study.source, varies: study.varies, data: dataOptions.displayName, split: study.split,
            protocolText: study.split.text, seeds: seedList, epochCap: epochs,
            configurations: zip(study.configurations, found).map { StudyResults.Row($0, runs: $1.compactMap { $0 }) })
        try writeJSON(results, to: folder + "/results.json")
        try AtomicWriter.write(Data(results.markdown().utf8), to: folder + "/results.md")
        try results.curves().write(to: folder + "/curves.svg")
        try results.chart().write(to: folder + "/rmse.svg")
        print("study \(name) on \(dataOptions.displayName): \(study.split.text)")
        printTable(results.rows())
        log("\(trained) runs trained, \(reused) reused; wrote results.md, results.json, curves.svg and rmse.svg in \(folder)")
    }

    /// `--list`: each study's source, protocol, what it varies and its configurations.
    static func listing() -> String {
        StudyCatalog.all.map { s in
            var text = "\(s.name): \(s.varies)\n  protocol: \(s.split.text)\n  source: \(s.source)\n"
            text += "  configurations (\(s.configurations.count)): "
            text += s.configurations.map { c in c.label + (c.published.map { " [published \($0)]" } ?? "") }
                .joined(separator: "; ")
            return text
        }.joined(separator: "\n\n")
    }
}
