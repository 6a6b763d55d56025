import ArgumentParser
import AutoRec
import Foundation
import RecData

/// `autorec evaluate`: score a saved model on a split's test part or on a whole rating file.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a saved model on the test part of a split, or on every rating of a file.",
        discussion: """
            Test ratings are predicted from the model's own training vectors; users or items the model \
            never saw take the --cold-start path. The same --data, split options and --seed as in \
            'train' give the same test part. A group model (train --groups --save) scores each user \
            with the model of the user's group, or with its model trained on everyone.

            A top-N model (rank --save) gets ranking metrics instead: --data is split again with the \
            protocol and seed saved in its folder (split options and --seed are not used), and the \
            validation and test parts are ranked as 'rank' ranked them (same data: same figures).

            Examples:
              autorec evaluate --model runs/i --data ~/data/ml-1m
              autorec evaluate --model runs/i --data ~/data/ml-100k/u1.test --all --ranking-k 10
              autorec evaluate --model runs/vae --data ~/data/ml-1m
            """)

    @Option(help: ArgumentHelp("A model folder written by 'train --save' or 'rank --save'.", valueName: "dir"))
    var model: String
    @OptionGroup var data: DataOptions
    @OptionGroup var splitOptions: SplitOptions
    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var runtime: RuntimeOptions
    @Flag(help: "Evaluate on every rating read from --data (no split).") var all = false

    func validate() throws {
        // A saved model was trained on one split; k-fold would silently score fold 1's test part only.
        if splitOptions.split == .kfold { throw ValidationError("evaluate takes one split; use --split random or given") }
    }

    func run() async throws {
        try checkOutputs(files: [evaluation.report])
        runtime.apply()
        try await data.fetchIfNeeded()
        if SavedModel.isTopN(model) { return try await runTopN() }
        let saved = try SavedModel.load(model)
        let (loaded, training) = (saved.model, saved.training)
        let test: RatingTable, description: String
        if all {
            test = try data.load().ratings
            description = "all of \(data.sourceDescription)"
        } else {
            let (parts, d) = try splitOptions.makeParts(data, seed: runtime.seed)
            guard let first = parts.first else { return }
            test = first.test
            description = "test part of \(d)"
        }
        let mapped = test.remapped(userIDs: training.userIDs, itemIDs: training.itemIDs, scale: training.scale)
        var train = training
        train.userIDs = mapped.userIDs
        train.itemIDs = mapped.itemIDs
        let clock = ContinuousClock(), start = clock.now
        let evaluator = try evaluation.evaluator()
        let result = try evaluator.evaluate(loaded, train: train, test: mapped)
        let ranking = evaluation.rankingK.map {
            RankingMetrics.evaluate(loaded, train: train, test: mapped, k: $0,
                                    relevanceThreshold: evaluation.relevanceThreshold)
        }
        let elapsed = clock.now - start
        let report = EvaluationReport(model: saved.name, configuration: try JSONValue(encoding: saved.configuration),
                                      test: result, validation: nil, ranking: ranking,
                                      seconds: Double(elapsed.components.seconds)
                                          + Double(elapsed.components.attoseconds) * 1e-18)
        if runtime.json { try printJSON(report) } else { printReport(report, splitDescription: description) }
        if let path = evaluation.report { try report.write(to: URL(fileURLWithPath: path)) }
    }
}
