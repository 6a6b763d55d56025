import ArgumentParser
import AutoRec
import Foundation
import RecData

/// `autorec train`: train I- or U-AutoRec on a split, evaluate it, optionally save it.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train I-AutoRec or U-AutoRec on a split, evaluate it on the test part, and save it.",
        discussion: """
            The default is the AutoRec paper's I-AutoRec: 500 sigmoid hidden units, identity \
            output, lambda = 100 (U-AutoRec: 200), full-batch L-BFGS, on a random 90/10 split with \
            10% of the training part held out for early stopping; after stopping, the model is \
            retrained on training plus validation ratings for the chosen number of epochs \
            (--no-refit keeps the early-stopped weights). The objective is \
            E = 1/2 sum over observed (r - r^)^2 + lambda/2 (|W|^2 + |V|^2), summed (not averaged) \
            over ratings; mini-batches take their share of the penalty.

            Ctrl-C stops after the current batch, keeps the best weights, evaluates and saves.

            Examples:
              autorec train --data ~/data/ml-1m
              autorec train --data ml-1m --model u-autorec --save runs/u
              autorec train --data ml-100k --split given --given u1 --report u1.json
              autorec train --data ml-1m --optimizer adam --learning-rate 0.003
              autorec train --data ml-1m --encoder elu --fill user-mean --code-dropout 0.1
              autorec train --data ml-1m --checkpoint i.ckpt --save runs/i
              autorec train --data ml-1m --checkpoint i.ckpt --save runs/i --resume i.ckpt
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var splitOptions: SplitOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var runtime: RuntimeOptions

    @Option(help: ArgumentHelp("Save the trained model folder here (written atomically).", valueName: "dir"))
    var save: String?

    @Option(help: ArgumentHelp("Write the training state to this file every --checkpoint-every epochs.",
                               valueName: "file"))
    var checkpoint: String?

    @Option(help: "Epochs between checkpoints.") var checkpointEvery = 10

    @Option(help: ArgumentHelp("Continue a killed run from its checkpoint file (same data, seed and options).",
                               valueName: "file"))
    var resume: String?

    func validate() throws {
        if checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)") }
        if splitOptions.split == .kfold { throw ValidationError("train takes one split; use --split random or given") }
    }

    func run() async throws {
        try checkOutputs(files: [checkpoint, evaluation.report], modelFolder: save)
        runtime.apply()
        try await data.fetchIfNeeded()
        var config = try modelOptions.configuration(seed: runtime.seed)
        var split = splitOptions
        if split.validationFraction == 0 && config.patience > 0 { split.validationFraction = 0.1 }
        let (parts, description) = try split.makeParts(data, seed: runtime.seed)
        guard let p = parts.first else { return }
        if p.validation == nil { config.patience = 0 }
        log("\(config.orientation == .item ? "I" : "U")-AutoRec, \(description): train \(p.train.count), "
            + "validation \(p.validation?.count ?? 0), test \(p.test.count) ratings")
        var model = AutoRecModel(configuration: config)
        model.checkpointPath = checkpoint
        model.checkpointEvery = checkpoint == nil ? 0 : checkpointEvery
        model.resumePath = resume
        if let r = resume { log("resuming from \(r)") }
        let progress = ProgressLine(enabled: !runtime.quiet)
        model.onBatch = { b, n in progress.batch(b, of: n) }
        model.onEpoch = { r in progress.epoch(r) }
        let stop = InterruptHandler.install()
        defer { stop.remove() }
        let evaluator = try evaluation.evaluator()
        var report = try evaluator.fitAndEvaluate(
            &model, name: model.modelName, configuration: config, train: p.train, validation: p.validation,
            test: p.test, rankingCutoff: evaluation.rankingK, relevanceThreshold: evaluation.relevanceThreshold)
        progress.finish()
        if model.stoppedEarly { log("stopped after epoch \(model.history.count); kept epoch \(model.bestEpoch)") }
        if !model.refitHistory.isEmpty {
            // The refit trained on the validation ratings: scoring them now would say nothing.
            report.validation = nil
            log("refit on training plus validation ratings for \(model.refitHistory.count) epochs")
        }
        var training = TrainingReport(report: report, split: description, epochs: model.history,
                                      bestEpoch: model.bestEpoch, stoppedEarly: model.stoppedEarly)
        training.refitEpochs = model.refitHistory
        training.bestValidationRMSE = model.history.compactMap(\.validationRMSE).min()
        if runtime.json {
            try printJSON(training)
        } else {
            printReport(report, splitDescription: description)
            if let v = training.bestValidationRMSE {
                print("early stopping: validation RMSE \(fixed(v)) at epoch \(model.bestEpoch) of \(model.history.count)"
                      + (model.refitHistory.isEmpty ? "" : ", then refit on training + validation"))
            }
        }
        // The model first: a report path that cannot be written must not lose the trained model.
        if let dir = save {
            try model.save(to: dir, userIDs: p.train.userIDs, itemIDs: p.train.itemIDs,
                           dataPath: try data.resolvedPath(), report: training)
            log("saved \(dir)")
        }
        if let path = evaluation.report { try writeJSON(training, to: path) }
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

/// Writes any encodable value as pretty JSON, atomically.
func writeJSON(_ value: some Encodable, to path: String) throws {
    try ReportJSON.writeAtomically(try ReportJSON.encode(value), to: URL(fileURLWithPath: path))
}
