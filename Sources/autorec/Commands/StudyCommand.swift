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

            Studies: \(StudyCatalog.all.map(\.name).joined(separator: ", ")) (--list says what each varies). \
            'all' runs every study into <out>/NAME (default studies/NAME) with one shared <out>/runs, \
            so a configuration two studies share trains once per seed, and writes <out>/suite.md with \
            each study's runs and seconds; a study on a given split the data lacks (accuracy-record-u1 \
            needs MovieLens 100K's u1) is skipped and listed as such.

            Examples:
              autorec study --list
              autorec study autorec-paper --data ml-1m
              autorec study d2l --data ml-100k --seeds 5
              autorec study all --data ml-100k --out studies-100k
              autorec study activations --data ml-100k --seeds 2 --epochs 3 --out /tmp/quick
            """)

    @Argument(help: "The study to run (see --list), or 'all' for every study.") var name: String?

    @Flag(help: "List the studies: protocol, source and what each varies.") var list = false

    @Option(name: .long, help: ArgumentHelp(
        "A MovieLens folder, a rating file, or a downloaded data set's name (ml-100k, ml-1m, ...).",
        valueName: "path|name"))
    var data: String?

    @Option(help: "Train every configuration on seeds 1 to this.") var seeds = 3

    @Option(help: ArgumentHelp("Cap every run at this many epochs (a quick check; part of each run's key).",
                               valueName: "n"))
    var epochs: Int?

    @Option(help: ArgumentHelp("Study folder (default: studies/NAME; for 'all': studies, one folder per study).",
                               valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Folder of the finished runs (default: <out>/runs); studies given one folder share "
                               + "the runs of configurations they have in common.", valueName: "dir"))
    var runs: String?

    @Option(help: "Threads for the parallel loops (default: all cores).") var threads: Int?

    @Flag(name: .shortAndLong, help: "Print no progress or log lines on stderr (warnings still show).")
    var quiet = false

    func validate() throws {
        if list { return }
        guard let name else { throw ValidationError("name a study (or --list): \(Self.known)") }
        guard name == Self.everyStudy || StudyCatalog.study(named: name) != nil else {
            throw ValidationError("unknown study '\(name)'; known: \(Self.known)")
        }
        if data == nil { throw ValidationError("give --data") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let e = epochs, e < 1 { throw ValidationError("--epochs must be at least 1, got \(e)") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1, got \(t)") }
    }

    static var known: String { (StudyCatalog.all.map(\.name) + [everyStudy]).joined(separator: ", ") }

    func run() async throws {
        if list {
            print(Self.listing())
            return
        }
        guard let name, let dataArgument = data else { return }
        Parallelism.defaultThreads = threads ?? 0
        Console.quiet = quiet
        let dataOptions = try DataOptions.parse(["--data", dataArgument])
        try await dataOptions.fetchIfNeeded()
        let fingerprint = try StudyRun.fingerprint(of: try dataOptions.resolvedPath())
        guard name == Self.everyStudy else {
            guard let study = StudyCatalog.study(named: name) else { return }
            let folder = out ?? "studies/\(name)"
            try runStudy(study, folder: folder, runs: runs ?? folder + "/runs", data: dataOptions,
                         fingerprint: fingerprint)
            return
        }
        try runSuite(StudyCatalog.all, data: dataOptions, fingerprint: fingerprint)
    }

    /// The whole suite: one folder per study under `--out`, one shared runs folder, so a
    /// configuration two studies share (the shallow recipe, the deep preset) trains once per seed;
    /// a study on a given split the data lacks is skipped. Writes `<out>/suite.md`.
    func runSuite(_ studies: [Study], data dataOptions: DataOptions, fingerprint: String) throws {
        let root = out ?? "studies"
        var lines = ["| Study | Runs | Trained | Reused | Seconds of training |", "|---|---|---|---|---|"]
        let clock = ContinuousClock(), start = clock.now
        var trainedSeconds = 0.0
        let givenSplits = try dataOptions.dataset().givenSplitNames
        for study in studies {
            if let given = study.split.given, !givenSplits.contains(given) {
                lines.append("| \(study.name) | skipped: \(dataOptions.displayName) has no given split \(given) | | | |")
                continue
            }
            let t = try runStudy(study, folder: root + "/" + study.name, runs: runs ?? root + "/runs",
                                 data: dataOptions, fingerprint: fingerprint)
            trainedSeconds += t.seconds
            lines.append("| \(study.name) | \(t.trained + t.reused) | \(t.trained) | \(t.reused) | "
                + String(format: "%.0f", t.seconds) + " |")
        }
        let wall = (clock.now - start).components.seconds
        lines.append("")
        lines.append("Every study on \(dataOptions.displayName), \(seeds) seeds: \(String(format: "%.0f", trainedSeconds)) s "
            + "of training this time, \(wall) s wall clock (runs reused from an earlier call count in neither).")
        try AtomicWriter.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: root + "/suite.md")
        print(lines.last ?? "")
        log("wrote \(root)/suite.md")
    }

    /// The name that runs every study.
    static let everyStudy = "all"

    /// What one study's call did: runs trained and reused, and the seconds the trained ones took.
    struct Tally {
        var trained = 0
        var reused = 0
        var seconds = 0.0
    }

    /// Trains what `runs` does not hold yet of `study`, then writes its tables and plots into `folder`.
    @discardableResult
    func runStudy(_ study: Study, folder: String, runs runsFolder: String, data dataOptions: DataOptions,
                  fingerprint: String) throws -> Tally {
        let name = study.name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: runsFolder, withIntermediateDirectories: true)
        let split = try study.split.splitOptions()
        let trainer = StudyTrainer(data: dataOptions)
        let settings = study.configurations.map {
            StudyTrainer.effectiveSettings($0.settings, protocol: study.split, epochCap: epochs)
        }
        let keys = try settings.map { try StudyRun.key(settings: $0, protocol: study.split, epochCap: epochs) }
        let seedList = (1...seeds).map { UInt64($0) }
        var found = [[StudyRun?]](repeating: [StudyRun?](repeating: nil, count: seedList.count),
                                  count: study.configurations.count)
        var tally = Tally()
        var failures = [String]()
        log("study \(name) on \(dataOptions.displayName): \(study.configurations.count) configurations x "
            + "\(seeds) seeds; \(study.split.text)")
        for (s, seed) in seedList.enumerated() {
            var parts: Parts?
            for (c, configuration) in study.configurations.enumerated() {
                let path = runsFolder + "/" + StudyRun.fileName(key: keys[c], seed: seed)
                if var run = StudyRun.reusable(at: path, key: keys[c], seed: seed, data: fingerprint) {
                    run.label = configuration.label  // another study may have trained it under its own label
                    found[c][s] = run
                    tally.reused += 1
                    continue
                }
                if parts == nil { parts = try split.makeParts(dataOptions, seed: seed).parts.first }
                guard let p = parts else { return tally }
                log("seed \(seed), \(configuration.label): training")
                let run: StudyRun
                do {
                    run = try trainer.run(label: configuration.label, settings: settings[c], key: keys[c], seed: seed,
                                          fingerprint: fingerprint, parts: p)
                } catch let error as TrainingError {
                    // One diverged seed should not cost the study's other runs: recorded, not kept.
                    let failure = "seed \(seed), \(configuration.label): \(error)"
                    Console.logger.warning("\(failure); left out of the results")
                    failures.append(failure)
                    continue
                }
                try writeJSON(run, to: path)
                log("seed \(seed), \(configuration.label): test RMSE \(fixed(run.testRMSE)) (\(String(format: "%.1f", run.seconds)) s)")
                found[c][s] = run
                tally.trained += 1
                tally.seconds += run.seconds
            }
        }
        let results = StudyResults(
            study: name, source: study.source, varies: study.varies, data: dataOptions.displayName, split: study.split,
            protocolText: study.split.text, seeds: seedList, epochCap: epochs,
            configurations: zip(study.configurations, found).map { StudyResults.Row($0, runs: $1.compactMap { $0 }) },
            failures: failures.isEmpty ? nil : failures)
        try writeJSON(results, to: folder + "/results.json")
        try AtomicWriter.write(Data(results.markdown().utf8), to: folder + "/results.md")
        try results.curves().write(to: folder + "/curves.svg")
        try results.chart().write(to: folder + "/rmse.svg")
        print("study \(name) on \(dataOptions.displayName): \(study.split.text)")
        printTable(results.rows())
        log("\(tally.trained) runs trained, \(tally.reused) reused; wrote results.md, results.json, curves.svg and "
            + "rmse.svg in \(folder)")
        return tally
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
