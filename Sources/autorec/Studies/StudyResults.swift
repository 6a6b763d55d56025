import AutoRec
import Foundation

/// `results.json` of a study: the protocol, and per configuration every seed's run and the
/// intervals over seeds.
struct StudyResults: Codable {
    /// One configuration's row.
    struct Row: Codable {
        var label: String
        /// The study's settings of this configuration (`train --config` form).
        var settings: [String: JSONValue]
        var published: Double?
        /// Every seed's run, in seed order (each with the full configuration as trained).
        var runs: [StudyRun]
        /// Test RMSE: mean over seeds with its 95% Student-t interval.
        var testRMSE: ConfidenceInterval
        var testMAE: ConfidenceInterval
        var trainRMSE: Double
        var bestEpoch: Double
        var seconds: Double

        init(_ configuration: Study.Configuration, runs: [StudyRun]) {
            label = configuration.label
            settings = configuration.settings
            published = configuration.published
            self.runs = runs
            testRMSE = ConfidenceInterval(runs.map(\.testRMSE))
            testMAE = ConfidenceInterval(runs.map(\.testMAE))
            let n = Double(max(runs.count, 1))
            trainRMSE = runs.reduce(0) { $0 + $1.trainRMSE } / n
            bestEpoch = runs.reduce(0) { $0 + Double($1.bestEpoch) } / n
            seconds = runs.reduce(0) { $0 + $1.seconds }
        }

        /// The mean over seeds of each epoch's figures (over the seeds that reached it).
        var meanEpochs: [EpochRecord] {
            let last = runs.map(\.epochs.count).max() ?? 0
            return (0..<last).map { e in
                let reached = runs.compactMap { $0.epochs.count > e ? $0.epochs[e] : nil }
                let n = Double(reached.count)
                let validation = reached.compactMap(\.validationRMSE)
                return EpochRecord(
                    epoch: e + 1, loss: reached.reduce(0) { $0 + $1.loss } / n,
                    trainRMSE: reached.reduce(0) { $0 + $1.trainRMSE } / n,
                    validationRMSE: validation.isEmpty ? nil : validation.reduce(0, +) / Double(validation.count),
                    learningRate: reached.first?.learningRate ?? 0, seconds: reached.reduce(0) { $0 + $1.seconds } / n)
            }
        }
    }

    var study: String
    var source: String
    var varies: String
    var data: String
    var split: Study.Procedure
    /// `split.text`, for readers of the JSON.
    var protocolText: String
    var seeds: [UInt64]
    /// The `--epochs` cap, if any.
    var epochCap: Int?
    var configurations: [Row]
    /// Runs that stopped with a training error (divergence, non-finite loss), left out of the means:
    /// "seed S, label: why".
    var failures: [String]? = nil

    /// The table: one row per configuration.
    func rows() -> [[String]] {
        var rows = [["configuration", "test RMSE ± 95%", "test MAE ± 95%", "train RMSE", "epochs kept", "seconds",
                     "published"]]
        for r in configurations {
            rows.append([
                r.label, r.testRMSE.text, r.testMAE.text, fixed(r.trainRMSE), String(format: "%.1f", r.bestEpoch),
                String(format: "%.1f", r.seconds), r.published.map { String(format: "%.3f", $0) } ?? "",
            ])
        }
        return rows
    }

    /// `results.md`: the protocol, then the table.
    func markdown() -> String {
        var text = "# Study \(study) on \(data)\n\n"
        text += "Source: \(source).\n\n"
        text += "Protocol: \(split.text); seeds \(seeds.map(String.init).joined(separator: ", ")) (each seed "
        text += "draws its own split and initial weights)"
        if let epochCap { text += "; every run capped at \(epochCap) epochs (a quick check, not the protocol)" }
        text += ".\n\nVaries: \(varies).\n\n"
        text += "Test RMSE and MAE: mean over seeds ± the half-width of a 95% Student-t interval; train RMSE: "
        text += "the kept weights on the training part; epochs kept and train RMSE: mean over seeds; seconds: "
        text += "total over seeds; published: the source's test RMSE.\n\n"
        for (r, row) in rows().enumerated() {
            text += "| " + row.joined(separator: " | ") + " |\n"
            if r == 0 { text += "|" + String(repeating: " --- |", count: row.count) + "\n" }
        }
        if let failures, !failures.isEmpty {
            text += "\nRuns that failed, left out of their row's mean and interval:\n\n"
            text += failures.map { "- \($0)\n" }.joined()
        }
        return text
    }

    /// `curves.svg`: mean train and validation RMSE per epoch, one pair of lines per configuration.
    func curves() -> LineChart {
        LineChart.learningCurves(
            title: "\(data): study \(study), mean over \(seeds.count) seeds",
            runs: configurations.filter { !$0.runs.allSatisfy(\.epochs.isEmpty) }
                .map { LineChart.Run(label: $0.label, epochs: $0.meanEpochs) })
    }

    /// `rmse.svg`: test RMSE of each configuration with its interval.
    func chart() -> IntervalChart {
        IntervalChart(title: "\(data): study \(study), test RMSE over \(seeds.count) seeds",
                      valueLabel: "test RMSE (mean ± 95% interval)",
                      rows: configurations.map { IntervalChart.Row(name: $0.label, $0.testRMSE) })
    }
}
