import ArgumentParser
import AutoRec
import Foundation
import RecData

/// `autorec train`: train I- or U-AutoRec on a split, evaluate it, optionally save it.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train I-AutoRec, U-AutoRec or a deep AutoRec on a split, evaluate it on the test part, and save it.",
        discussion: """
            The default is the AutoRec paper's I-AutoRec: 500 sigmoid hidden units, identity \
            output, lambda = 100 (U-AutoRec: 200), full-batch L-BFGS, on a random 90/10 split with \
            10% of the training part held out for early stopping; after stopping, training continues \
            from the kept weights on training plus validation ratings for a fifth of the chosen number \
            of epochs (--refit-fraction 1, the u-autorec default, retrains from fresh weights for all \
            of them, the paper's protocol; --no-refit keeps the early-stopped weights). The objective is \
            E = 1/2 sum over observed (r - r^)^2 + lambda/2 (|W|^2 + |V|^2), summed (not averaged) \
            over ratings; mini-batches take their share of the penalty.

            --model deep-autorec (or --layers with two or more widths) trains a deep autoencoder \
            (Kuchaiev and Ginsburg 2017): the preset is user-based [512,256,512], SELU, dropout 0.8 on \
            the code layer, zero fill, Adam at 1e-4; the penalty then covers every weight matrix.

            --l2 auto trains the preset's lambda times 0.1, 0.3, 1, 3 and 10 on the training part, \
            scores each on the validation part (no refit), and runs the final model with the lowest; the \
            report's l2Search lists them. --config FILE reads model settings from a JSON object of option \
            names to values (as tune writes them); options on the command line override it.

            Ctrl-C stops after the current batch, keeps the best weights, evaluates and saves.

            Examples:
              autorec train --data ~/data/ml-1m
              autorec train --data ml-1m --model u-autorec --save runs/u
              autorec train --data ml-100k --split given --given u1 --report u1.json
              autorec train --data ml-1m --optimizer adam --learning-rate 0.003
              autorec train --data ml-1m --encoder elu --fill user-mean --code-dropout 0.1
              autorec train --data ml-1m --model deep-autorec
              autorec train --data ml-1m --model u-autorec --layers 256,512,256 --encoder elu --optimizer adam
              autorec train --data ml-1m --model deep-autorec --masking-noise 0.25 --visible-weight 0.5 --refeed-steps 1
              autorec train --data ml-1m --checkpoint i.ckpt --save runs/i
              autorec train --data ml-1m --checkpoint i.ckpt --save runs/i --resume i.ckpt
              autorec train --data ml-1m --from-store ratings.sqlite --save runs/i2
              autorec train --data ml-1m --model u-autorec --groups gender-age --save runs/groups
              autorec train --data ml-100k --plot curves.svg
              autorec train --data ml-100k --l2 auto
              autorec train --data ml-100k --config tune/best.json --epochs 100
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var splitOptions: SplitOptions
    @Option(help: ArgumentHelp(configHelp, valueName: "file"))
    var config: String?
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var runtime: RuntimeOptions

    @Option(help: ArgumentHelp("Save the trained model folder here (written atomically).", valueName: "dir"))
    var save: String?

    @Option(help: ArgumentHelp(
        "Write the learning curves (train and validation RMSE per epoch) as an SVG chart here (written "
            + "atomically).", valueName: "file"))
    var plot: String?

    @Option(help: ArgumentHelp("Write the training state to this file every --checkpoint-every epochs.",
                               valueName: "file"))
    var checkpoint: String?

    @Option(help: "Epochs between checkpoints.") var checkpointEvery = 10

    @Option(help: ArgumentHelp("Continue a killed run from its checkpoint file (same data, seed and options).",
                               valueName: "file"))
    var resume: String?

    @Option(help: ArgumentHelp(
        "Train one model per group of users besides one on everyone: gender-age (needs u.user or users.dat) or "
            + "kmeans:K on the users' rating vectors; each user is served by the group's model. --save "
            + "writes all the models in one folder; --checkpoint and --resume are refused.",
        valueName: "grouping"))
    var groups: GroupedAutoRec.Grouping?

    @Option(help: "Groups with fewer users than this are served by the model trained on everyone.")
    var groupMinimum = 50

    func validate() throws {
        try refuseUnexpanded(config)
        if checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)") }
        if splitOptions.split == .kfold { throw ValidationError("train takes one split; use --split random or given") }
        if let g = groups {
            if modelOptions.l2IsAuto { throw ValidationError("--l2 auto cannot be combined with --groups \(g) yet") }
            if groupMinimum < 1 { throw ValidationError("--group-minimum must be at least 1, got \(groupMinimum)") }
            if checkpoint != nil || resume != nil {
                throw ValidationError("--groups \(g): group models cannot be checkpointed or resumed yet; "
                                      + "leave out --checkpoint and --resume")
            }
        }
    }

    func run() async throws {
        try checkOutputs(files: [checkpoint, evaluation.report, plot], modelFolder: save)
        runtime.apply()
        try await data.fetchIfNeeded()
        var config = try modelOptions.configuration(seed: runtime.seed)
        var split = splitOptions
        if split.validationFraction == 0 && (config.patience > 0 || modelOptions.l2IsAuto) {
            split.validationFraction = 0.1
        }
        let (parts, description) = try split.makeParts(data, seed: runtime.seed)
        guard let p = parts.first else { return }
        if p.validation == nil { config.patience = 0 }
        log("\(AutoRecModel(configuration: config).modelName)\(config.isShallow ? "" : " [\(config.layerText)]"), \(description): train \(p.train.count), "
            + "validation \(p.validation?.count ?? 0), test \(p.test.count) ratings")
        var l2Search: L2Search?
        let usesSide = groups == nil && (modelOptions.sideInformation || modelOptions.sideEveryLayer)
        let side = usesSide ? try data.sideFeatures(for: config.orientation, train: p.train) : nil
        if modelOptions.l2IsAuto, let v = p.validation {
            let search = try L2Search(candidates: modelOptions.l2Candidates(), config: config, train: p.train,
                                      validation: v, side: side, evaluator: try evaluation.evaluator())
            config.l2 = search.chosen
            log(search.summary)
            l2Search = search
        }
        if let grouping = groups {
            return try await trainGroups(grouping, config: config, parts: p, description: description)
        }
        var model = AutoRecModel(configuration: config)
        model.sideFeatures = side
        model.checkpointPath = checkpoint
        model.checkpointEvery = checkpoint == nil ? 0 : checkpointEvery
        model.resumePath = resume
        if let r = resume { log("resuming from \(r)") }
        let progress = TrainingProgress()
        model.onBatch = { b, n in progress.batch(b, of: n) }
        model.onEpoch = { r in progress.epoch(r) }
        let stop = InterruptHandler.install()
        defer { stop.remove() }
        let evaluator = try evaluation.evaluator()
        model.validationColdStart = evaluator.coldStart
        let report = try evaluator.fitAndEvaluate(
            &model, name: model.modelName, configuration: config, train: p.train, validation: p.validation,
            test: p.test, rankingCutoff: evaluation.rankingK, relevanceThreshold: evaluation.relevanceThreshold)
        progress.finish()
        if let c = model.validationCounts, c.model < (p.validation?.count ?? 0) {
            log("validation: \(c.model) ratings scored by the model; \(describeCold(c))")
        }
        let outcome = TrainingOutcome(model)
        log(outcome.summary)
        var training = TrainingReport(report: report, split: description, epochs: model.history,
                                      bestEpoch: model.bestEpoch, stoppedEarly: model.stoppedEarly)
        training.refitEpochs = model.refitHistory
        training.refitInterrupted = model.refitInterrupted
        training.stopReason = model.stopReason
        training.validationColdStart = model.validationCounts
        // The kept epoch's (GLocal-K keeps a fine-tuning epoch even if pre-training scored lower).
        training.bestValidationRMSE = model.history.indices.contains(model.bestEpoch - 1)
            ? model.history[model.bestEpoch - 1].validationRMSE : model.history.compactMap(\.validationRMSE).min()
        if model.pretrainingEpochs > 0 {
            log("GLocal-K: pre-training kept epoch \(model.pretrainingBestEpoch) of \(model.pretrainingEpochs), "
                + "fine-tuning epoch \(model.bestEpoch - model.pretrainingEpochs) of "
                + "\(model.history.count - model.pretrainingEpochs)")
        }
        training.l2Search = l2Search
        if runtime.json {
            try printJSON(training)
        } else {
            printReport(report, splitDescription: description)
            if let l2Search { print(l2Search.summary) }
            if let v = training.bestValidationRMSE {
                print("validation RMSE \(fixed(v)) at epoch \(model.bestEpoch); \(outcome.summary)")
            }
        }
        // The model first: a report path that cannot be written must not lose the trained model.
        if let dir = save {
            try model.save(to: dir, userIDs: p.train.userIDs, itemIDs: p.train.itemIDs,
                           dataPath: data.data == nil ? nil : try data.resolvedPath(), report: training)
            log("saved \(dir)")
        }
        if let path = evaluation.report { try writeJSON(training, to: path) }
        try writePlot(model.history, refit: model.refitHistory, model: model.modelName, config: config)
    }
}

extension TrainCommand {
    /// `--groups`: trains the shared and the per-group models, evaluates the routed predictions.
    func trainGroups(
        _ grouping: GroupedAutoRec.Grouping, config: AutoRecConfiguration, parts p: Parts,
        description: String
    ) async throws {
        let users = try data.groupUsers(for: grouping, parts: p)
        var model = GroupedAutoRec(configuration: config, grouping: grouping, users: users)
        model.minimumGroupSize = groupMinimum
        let stop = InterruptHandler.install()
        defer { stop.remove() }
        let evaluator = try evaluation.evaluator()
        let report = try evaluator.fitAndEvaluate(
            &model, name: model.modelName, configuration: config,
            train: p.train, validation: p.validation, test: p.test, rankingCutoff: evaluation.rankingK,
            relevanceThreshold: evaluation.relevanceThreshold)
        let trained = model.groups.count { $0 != nil }
        log("groups (\(grouping)): \(model.groups.count) found, \(trained) with their own model; "
            + "\(model.groupOfUser.count { $0 < 0 || model.groups[$0] == nil }) users served by the model on everyone")
        let training = TrainingReport(report: report, split: description, epochs: model.everyone?.history ?? [],
                                      bestEpoch: model.everyone?.bestEpoch ?? 0,
                                      stoppedEarly: model.everyone?.stoppedEarly ?? false)
        if runtime.json { try printJSON(training) } else { printReport(report, splitDescription: description) }
        // The model first: a report path that cannot be written must not lose the trained models.
        if let dir = save {
            try model.save(to: dir, userIDs: p.train.userIDs, itemIDs: p.train.itemIDs,
                           dataPath: data.data == nil ? nil : try data.resolvedPath(), report: training)
            log("saved \(dir)")
        }
        if let path = evaluation.report { try writeJSON(training, to: path) }
        try writePlot(model.everyone?.history ?? [], refit: model.everyone?.refitHistory ?? [],
                      model: model.modelName + " (model on everyone)", config: config)
    }

    /// `--plot`: the run's learning curves, titled with the data set and the model; the refit
    /// on training + validation, if any, is its own train curve.
    func writePlot(_ history: [EpochRecord], refit: [EpochRecord], model: String, config: AutoRecConfiguration)
        throws
    {
        guard let plot else { return }
        var runs = [LineChart.Run(label: "", epochs: history)]
        if !refit.isEmpty { runs.append(LineChart.Run(label: "refit", epochs: refit)) }
        let layers = config.isShallow ? "\(config.hiddenUnits) units" : "layers \(config.layerText)"
        let title = "\(data.displayName): \(model), \(layers), lambda \(config.l2)"
        try LineChart.learningCurves(title: title, runs: runs).write(to: plot)
        log("wrote \(plot)")
    }
}

/// Help of `--config` (train and tune).
let configHelp = """
    A JSON object of model settings, option names to values, e.g. {"model": "u-autorec", "l2": 30, \
    "layers": [512, 256, 512], "refit": false} (what tune writes as best.json); options on the command \
    line override it.
    """

/// `--config` is replaced by the file's options before parsing (``ConfigFile/expand(_:)``); one
/// that reaches a command (after `--`, or parsed without the expansion) would be silently ignored.
func refuseUnexpanded(_ config: String?) throws {
    if let config {
        throw ValidationError("--config \(config) was not expanded: give it as an option before any '--'")
    }
}

/// The `--report` JSON of a training run: the evaluation report's fields plus the epochs.
struct TrainingReport: Codable {
    var model: String
    var split: String
    var configuration: JSONValue
    var test: RatingReport
    var validation: RatingReport?
    var ranking: RankingMetrics?
    var seconds: Double
    var epochs: [EpochRecord]
    var secondsPerEpoch: Double
    var bestEpoch: Int
    var stoppedEarly: Bool
    /// Validation RMSE of the kept epoch, measured before any refit.
    var bestValidationRMSE: Double?
    /// Epochs of the refit on training plus validation ratings (empty without refit).
    var refitEpochs: [EpochRecord] = []
    /// A stop request cut the refit short; the early-stopped weights were kept.
    var refitInterrupted = false
    /// Why the epoch loop ended: `epoch-limit` (with validation: it may not have converged),
    /// `patience` or `interrupted`.
    var stopReason: AutoRecModel.StopReason = .epochLimit
    /// How the validation ratings that drove early stopping were scored (model or cold-start path).
    var validationColdStart: ColdStartCounts?
    /// `--l2 auto`: the penalties tried, their validation RMSE and the one chosen.
    var l2Search: L2Search?

    init(report r: EvaluationReport, split: String, epochs: [EpochRecord], bestEpoch: Int, stoppedEarly: Bool) {
        model = r.model
        self.split = split
        configuration = r.configuration
        test = r.test
        validation = r.validation
        ranking = r.ranking
        seconds = r.seconds
        self.epochs = epochs
        let sorted = epochs.map(\.seconds).sorted()
        secondsPerEpoch = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        self.bestEpoch = bestEpoch
        self.stoppedEarly = stoppedEarly
    }
}

/// How a training run ended, in words: early stopping, the epoch limit, or an interruption.
struct TrainingOutcome {
    var summary: String

    init(_ model: AutoRecModel) {
        // GLocal-K: the limit of the stage that ended the run, fine-tuning's after pre-training's epochs.
        let epochs = model.configuration.globalKernel.map { model.pretrainingEpochs + $0.fineTuneEpochs }
            ?? model.configuration.epochs
        let ran = model.history.count
        let validated = model.history.last?.validationRMSE != nil
        var text: String
        switch model.stopReason {
        case .patience: text = "early stopping after epoch \(ran) of \(epochs); kept epoch \(model.bestEpoch)"
        case .interrupted:
            text = "interrupted after epoch \(ran) of \(epochs)" + (validated ? "; kept epoch \(model.bestEpoch)" : "")
        case .epochLimit where validated:
            text = "reached the epoch limit (\(epochs)) without early stopping, so it may not have converged "
                + "(best validation at epoch \(model.bestEpoch); help: raise "
                + "\(model.configuration.globalKernel == nil ? "--epochs" : "--finetune-epochs"))"
        case .epochLimit: text = "trained the full \(epochs) epochs"
        }
        if model.refitInterrupted {
            text += "; the refit on training + validation was interrupted after \(model.refitHistory.count) of "
                + "\(model.configuration.refitPlan(kept: model.bestEpoch).epochs) epochs, so the early-stopped "
                + "weights (trained without the validation ratings) were kept"
        } else if model.trainedOnValidation {
            let warm = model.configuration.refitPlan(kept: model.bestEpoch).warm
            text += "; then refit on training + validation for \(model.refitHistory.count) epochs"
                + (warm ? " from the kept weights" : " from fresh weights")
        }
        summary = text
    }
}

extension GroupedAutoRec.Grouping: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}

/// `12 cold (new user 10, new item 2) took the baseline`: the cold-start paths of a part.
func describeCold(_ c: ColdStartCounts) -> String {
    let cold = c.newUser + c.newItem + c.newUserAndItem
    let path = c.baseline > 0 ? "took the baseline" : c.constant > 0 ? "took the constant" : "were excluded"
    return "\(cold) cold (new user \(c.newUser), new item \(c.newItem), both \(c.newUserAndItem)) \(path)"
}

/// Writes any encodable value as pretty JSON, atomically.
func writeJSON(_ value: some Encodable, to path: String) throws {
    try ReportJSON.writeAtomically(try ReportJSON.encode(value), to: URL(fileURLWithPath: path))
}
