import ArgumentParser
import AutoRec
import Foundation
import RecData
import RecMath

/// `autorec tune`: a grid or random search over model options, scored on validation only.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search model options on validation ratings (never the test part); write the best as a train --config file.",
        discussion: """
            The data is split as train would split it (same --split, --test-fraction and --seed), and the \
            test part is set aside unread. Each combination of the --search values is trained on the \
            training part and scored on validation: by default a --validation-fraction (0.1) of the \
            training part, the same one train uses for early stopping; with --folds K, on each of K folds \
            of the training part (trained on the others). Trials run without refit, so the validation \
            ratings stay unseen. A trial's score is its mean validation RMSE over folds with a 95% \
            Student-t interval (none for a single validation part).

            Written into --out: trials.md (the table printed), trials.json (every fold's figures), \
            trials.svg (dot-and-whisker chart of the trials) and best.json, the winner's settings, which \
            train --config accepts (command-line options still override it).

            Searchable keys: \(SearchSpace.keys.joined(separator: ", ")). Values are separated by \
            commas, keys by spaces; layer lists use / between widths (layers=64/32/64,128/64/128).

            Examples:
              autorec tune --data ml-100k --search 'l2=10,30,100,300 hidden-units=200,500'
              autorec tune --data ml-1m --model u-autorec --search 'l2=30,100,300' --folds 5 --out tune/u
              autorec tune --data ml-100k --optimizer adam --search 'code-dropout=0,0.1,0.3' --trials 2
              autorec train --data ml-100k --config tune/best.json
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var splitOptions: SplitOptions
    @Option(help: ArgumentHelp(configHelp, valueName: "file"))
    var config: String?
    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp(
        "Options and values to try, e.g. 'l2=10,30,100 hidden-units=200,500' (every combination).",
        valueName: "key=v1,v2 ..."))
    var search: String

    @Option(help: ArgumentHelp("Try this many combinations drawn at random (seeded) instead of all.",
                               valueName: "n"))
    var trials: Int?

    @Option(help: ArgumentHelp("Folder for trials.md, trials.json, trials.svg and best.json.", valueName: "dir"))
    var out = "tune"

    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        try refuseUnexpanded(config)
        if splitOptions.split == .kfold {
            throw ValidationError("tune sets the test part aside; use --folds K (folds of the training part), not --split kfold")
        }
        if let t = trials, t < 1 { throw ValidationError("--trials must be at least 1, got \(t)") }
        let space = try SearchSpace(search, base: modelOptions)
        if modelOptions.l2IsAuto && !space.dimensions.contains(where: { $0.key == "l2" }) {
            throw ValidationError("--l2 auto is train's; in tune, search it: --search 'l2=10,30,100,...'")
        }
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let files = TuneFiles(folder: out)
        try checkOutputs(files: files.all)
        runtime.apply()
        try await data.fetchIfNeeded()
        let space = try SearchSpace(search, base: modelOptions)
        var split = splitOptions
        split.validationFraction = split.requestedFolds == nil ? (split.validationFraction > 0 ? split.validationFraction : 0.1) : 0
        let (parts, description) = try split.makeParts(data, seed: runtime.seed)
        guard let p = parts.first else { return }
        // From here on only the training part (and validation carved from it) is used.
        let train = p.train
        var rng = SplitMix64(seed: runtime.seed)
        var scoring = [(train: RatingTable, validation: RatingTable)]()
        let protocolText: String
        if let k = split.requestedFolds {
            let kf = try KFold(train, folds: k, using: &rng)
            scoring = (0..<k).map { f in
                let s = kf.split(train, fold: f)
                return (s.train, s.test)
            }
            protocolText = "\(k) folds of the training part (\(train.count) ratings)"
        } else {
            guard let v = p.validation else { return }
            scoring = [(train, v)]
            protocolText = "\(percentText(split.validationFraction)) of the training part held out "
                + "(\(train.count) train, \(v.count) validation ratings)"
        }
        var order = Array(0..<space.count)
        if let n = trials, n < order.count {
            order.shuffle(using: &rng)
            order = Array(order.prefix(n)).sorted()
        }
        let evaluator = Evaluator(coldStart: .baseline, clip: true)
        let modelName = AutoRecModel(configuration: try modelOptions.configuration(seed: runtime.seed)).modelName
        log("tuning \(modelName) on \(data.displayName), \(description): \(order.count) of \(space.count) combinations, "
            + "scored on \(protocolText); the test part (\(p.test.count) ratings) is not used")
        var side: [AutoRecConfiguration.Orientation: SideFeatures] = [:]
        var results = [TuneReport.Trial]()
        for (n, index) in order.enumerated() {
            let point = space.point(index)
            var options = modelOptions
            for (key, value) in point { try options.set(key, value) }
            let config = try options.configuration(seed: runtime.seed)
            var features: SideFeatures?
            if modelOptions.sideInformation || modelOptions.sideEveryLayer {
                if side[config.orientation] == nil {
                    side[config.orientation] = try data.sideFeatures(for: config.orientation, train: train)
                }
                features = side[config.orientation]
            }
            var scores = [ValidationScore]()
            for fold in scoring {
                scores.append(try ValidationScore(config, train: fold.train, validation: fold.validation, side: features,
                                                  evaluator: evaluator))
            }
            let trial = TuneReport.Trial(
                settings: Dictionary(point.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                label: SearchSpace.text(point), folds: scores,
                configuration: ConfigFile.settings(of: config, model: modelOptions.model,
                                                   sideInformation: modelOptions.sideInformation))
            log("trial \(n + 1)/\(order.count) \(trial.label): validation RMSE \(trial.interval.text)")
            results.append(trial)
        }
        let report = TuneReport(data: data.displayName, model: modelName, split: description, scoring: protocolText,
                                seed: runtime.seed, trials: results)
        guard let best = report.best else { throw ValidationError("tune: no trial ran") }
        // Results first, then the winner, so a best.json always comes with the table behind it.
        try writeJSON(report, to: files.json)
        try AtomicWriter.write(Data(report.markdown().utf8), to: files.markdown)
        try report.chart().write(to: files.chart)
        try writeJSON(results[best].configuration, to: files.best)
        if runtime.json {
            try printJSON(report)
        } else {
            print("\(modelName) on \(data.displayName), \(description); scored on \(protocolText)")
            printTable(report.rows())
            print("\nbest: \(results[best].label) (validation RMSE \(results[best].interval.text)); "
                  + "train it with: autorec train --data \(data.data ?? "D") --config \(files.best)")
        }
        log("wrote \(files.all.compactMap { $0 }.joined(separator: ", "))")
    }
}

/// The files `tune` writes into its folder.
struct TuneFiles {
    var markdown: String, json: String, chart: String, best: String
    init(folder: String) {
        markdown = folder + "/trials.md"
        json = folder + "/trials.json"
        chart = folder + "/trials.svg"
        best = folder + "/best.json"
    }
    var all: [String?] { [markdown, json, chart, best] }
}

/// `trials.json`: the protocol and every trial's figures.
struct TuneReport: Codable {
    /// One combination's result.
    struct Trial: Codable {
        /// The searched options' values.
        var settings: [String: String]
        /// `l2=30 hidden-units=200`.
        var label: String
        /// One score per fold (one for a single validation part).
        var folds: [ValidationScore]
        /// Mean validation RMSE over folds with its 95% Student-t interval.
        var interval: ConfidenceInterval
        /// The `train --config` settings of this trial.
        var configuration: [String: JSONValue]

        init(settings: [String: String], label: String, folds: [ValidationScore], configuration: [String: JSONValue]) {
            self.settings = settings
            self.label = label
            self.folds = folds
            interval = ConfidenceInterval(folds.map(\.rmse))
            self.configuration = configuration
        }
    }

    var data: String
    var model: String
    var split: String
    var scoring: String
    var seed: UInt64
    var trials: [Trial]
    /// Index of the trial with the lowest mean validation RMSE (NaN scores never win).
    var best: Int?

    init(data: String, model: String, split: String, scoring: String, seed: UInt64, trials: [Trial]) {
        self.data = data
        self.model = model
        self.split = split
        self.scoring = scoring
        self.seed = seed
        self.trials = trials
        best = trials.indices.filter { trials[$0].interval.mean.isFinite }
            .min { trials[$0].interval.mean < trials[$1].interval.mean }
    }

    /// The table: one row per trial, the best marked with `*` in the last column.
    func rows() -> [[String]] {
        let keys = trials.first.map { t in t.label.split(separator: " ").map { String($0.prefix { $0 != "=" }) } } ?? []
        var rows = [["trial"] + keys + ["validation RMSE", "± 95%", "folds", "best epochs", "seconds", "best"]]
        for (i, t) in trials.enumerated() {
            let values = keys.map { t.settings[$0] ?? "" }
            let half = t.interval.halfWidth.isFinite ? fixed(t.interval.halfWidth) : "-"
            rows.append(["\(i + 1)"] + values + [
                fixed(t.interval.mean), half, "\(t.folds.count)",
                t.folds.map { "\($0.bestEpoch)" }.joined(separator: ","),
                String(format: "%.1f", t.folds.reduce(0) { $0 + $1.seconds }), i == best ? "*" : "",
            ])
        }
        return rows
    }

    /// `trials.md`: the protocol, then the table in Markdown.
    func markdown() -> String {
        let table = rows()
        var text = "# Tuning \(model) on \(data)\n\n"
        text += "Split: \(split), seed \(seed). Scored on \(scoring); the test part was not used. "
        text += "Validation RMSE is the mean over folds ± the half-width of a 95% Student-t interval; "
        text += "* marks the best (written to best.json).\n\n"
        for (r, row) in table.enumerated() {
            text += "| " + row.joined(separator: " | ") + " |\n"
            if r == 0 { text += "|" + String(repeating: " --- |", count: row.count) + "\n" }
        }
        return text
    }

    /// The dot-and-whisker chart of the trials' validation RMSE.
    func chart() -> IntervalChart {
        IntervalChart(title: "\(data): \(model), validation RMSE by trial", valueLabel: "validation RMSE (mean ± 95% interval)",
                      rows: trials.map { IntervalChart.Row(name: $0.label, $0.interval) })
    }
}
