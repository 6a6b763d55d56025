import ArgumentParser
import AutoRec
import Foundation
import RecData

/// `autorec baseline`: train and evaluate a classical baseline on a split.
struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Train and evaluate a baseline (global mean, bias baseline, biased MF) on a split.",
        discussion: """
            Models: global-mean; baseline (r = mu + b_u + b_i, fitted by ALS or SGD, as Surprise's \
            BaselineOnly); biased-mf (r = mu + b_u + b_i + q_i.p_u by SGD, as Surprise's SVD). \
            Defaults follow Surprise, so 5-fold figures compare with its published table.

            Examples:
              autorec baseline --data ~/data/ml-100k --model baseline --split kfold --folds 5
              autorec baseline --data ml-1m --model biased-mf --test-fraction 0.1 --report mf.json
              autorec baseline --data ~/data/ml-100k --split given --given u1 --ranking-k 10
            """)

    enum Model: String, ExpressibleByArgument, CaseIterable {
        case globalMean = "global-mean", baseline, biasedMF = "biased-mf"
    }

    @OptionGroup var data: DataOptions
    @OptionGroup var splitOptions: SplitOptions
    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var runtime: RuntimeOptions

    @Option(help: "global-mean, baseline or biased-mf.") var model: Model = .baseline
    @Option(help: "Bias baseline fitting: als or sgd.") var method: BaselinePredictor.Configuration.Method = .als
    @Option(help: "Epochs (default: 10 for ALS, 20 for SGD and biased-mf).") var epochs: Int?
    @Option(help: "Latent factors of biased-mf.") var factors = 100
    @Option(help: "SGD learning rate (baseline with sgd, biased-mf).") var learningRate: Float = 0.005
    @Option(help: "SGD regularisation (baseline with sgd, biased-mf).") var regularization: Float = 0.02

    func run() async throws {
        try checkOutputs(files: [evaluation.report])
        runtime.apply()
        try await data.fetchIfNeeded()
        let (parts, description) = try splitOptions.makeParts(data, seed: runtime.seed)
        let evaluator = try evaluation.evaluator()
        var reports = [EvaluationReport]()
        for (f, p) in parts.enumerated() {
            if parts.count > 1 { log("fold \(f + 1) of \(parts.count)") }
            let r: EvaluationReport
            switch model {
            case .globalMean:
                var m = GlobalMean()
                r = try evaluator.fitAndEvaluate(&m, name: "GlobalMean", configuration: m.configuration, train: p.train,
                                                 validation: p.validation, test: p.test,
                                                 rankingCutoff: evaluation.rankingK,
                                                 relevanceThreshold: evaluation.relevanceThreshold)
            case .baseline:
                let c = BaselinePredictor.Configuration(method: method, epochs: epochs, learningRate: learningRate,
                                                        regularization: regularization)
                try c.validate()
                var m = BaselinePredictor(configuration: c)
                r = try evaluator.fitAndEvaluate(&m, name: "BaselinePredictor", configuration: c, train: p.train,
                                                 validation: p.validation, test: p.test,
                                                 rankingCutoff: evaluation.rankingK,
                                                 relevanceThreshold: evaluation.relevanceThreshold)
            case .biasedMF:
                let c = BiasedMF.Configuration(factors: factors, epochs: epochs ?? 20, learningRate: learningRate,
                                               regularization: regularization, seed: runtime.seed &+ UInt64(f))
                try c.validate()
                var m = BiasedMF(configuration: c, logger: Console.logger)
                r = try evaluator.fitAndEvaluate(&m, name: "BiasedMF", configuration: c, train: p.train,
                                                 validation: p.validation, test: p.test,
                                                 rankingCutoff: evaluation.rankingK,
                                                 relevanceThreshold: evaluation.relevanceThreshold)
            }
            reports.append(r)
        }
        try emit(reports, description: description, json: runtime.json, reportPath: evaluation.report)
    }
}

extension BaselinePredictor.Configuration.Method: ExpressibleByArgument {}

/// Cross-validated summary: the mean and standard deviation over folds.
struct FoldSummary: Codable {
    var model: String
    var split: String
    var folds: [EvaluationReport]
    var test: RatingReport
    var rmseStandardDeviation: Double
    var seconds: Double
}

/// Prints reports (one, or the folds of a cross-validation with their mean) and writes the JSON report.
func emit(_ reports: [EvaluationReport], description: String, json: Bool, reportPath: String?) throws {
    if reports.count == 1, let r = reports.first {
        if json { try printJSON(r) } else { printReport(r, splitDescription: description) }
        if let path = reportPath { try r.write(to: URL(fileURLWithPath: path)) }
        return
    }
    let rmse = MetricSummary(reports.map(\.test.rmse)), mae = MetricSummary(reports.map(\.test.mae))
    var cold = ColdStartCounts()
    for r in reports {
        let c = r.test.coldStart
        cold.model += c.model; cold.baseline += c.baseline; cold.constant += c.constant; cold.excluded += c.excluded
        cold.newUser += c.newUser; cold.newItem += c.newItem; cold.newUserAndItem += c.newUserAndItem
    }
    let summary = FoldSummary(
        model: reports[0].model, split: description, folds: reports,
        test: RatingReport(rmse: rmse.mean, mae: mae.mean, count: reports.map(\.test.count).reduce(0, +),
                           coldStart: cold),
        rmseStandardDeviation: rmse.standardDeviation, seconds: reports.map(\.seconds).reduce(0, +))
    if json {
        try printJSON(summary)
    } else {
        print("\(summary.model) on \(description)")
        var rows = [["fold", "RMSE", "MAE", "ratings", "seconds"]]
        for (f, r) in reports.enumerated() {
            rows.append(["\(f + 1)", fixed(r.test.rmse), fixed(r.test.mae), "\(r.test.count)", fixed(r.seconds, 2)])
        }
        rows.append(["mean", fixed(rmse.mean), fixed(mae.mean), "", fixed(summary.seconds, 2)])
        rows.append(["std", fixed(rmse.standardDeviation), fixed(mae.standardDeviation), "", ""])
        printTable(rows)
        print("cold-start paths: model \(cold.model), baseline \(cold.baseline), constant \(cold.constant), "
              + "excluded \(cold.excluded)")
    }
    if let path = reportPath { try writeJSON(summary, to: path) }
}
