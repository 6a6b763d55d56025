import AutoRec
import Foundation

/// A named experiment: configurations in the `train --config` form, each run over several seeds
/// under one protocol, with the source's published figure where it has one.
struct Study: Sendable {
    /// How the data is split and whether the model is refitted.
    struct Procedure: Codable, Sendable, Equatable {
        /// `SplitOptions` method: random, per-user, ...
        var split: SplitOptions.Method
        /// Fraction of the ratings held out for testing.
        var testFraction: Double
        /// Fraction of the training part held out for early stopping (0: none, no early stopping).
        var validationFraction: Double
        /// Whether the model is retrained on training plus validation for the kept epoch count.
        var refit: Bool
        /// The data set's given split (`u1` for MovieLens 100K's u1.base/u1.test) when `split` is
        /// `given`; the seed then only draws the validation part and the initial weights.
        var given: String?

        /// `per-user 90/10, 10% of training for validation, no refit`.
        var text: String {
            var t = given.map { "given split \($0) (train/test)" }
                ?? "\(split.rawValue) split \(percentText(1 - testFraction))/\(percentText(testFraction)) (train/test)"
            t += validationFraction > 0
                ? ", \(percentText(validationFraction)) of training held out for early stopping"
                : ", no validation part (no early stopping)"
            return t + (refit ? ", refit on training + validation" : ", no refit")
        }

        /// The split options this protocol stands for.
        func splitOptions() throws -> SplitOptions {
            try SplitOptions.parse([
                "--split", split.rawValue, "--test-fraction", "\(testFraction)",
                "--validation-fraction", "\(validationFraction)",
            ] + (given.map { ["--given", $0] } ?? []))
        }
    }

    /// One row of the study: a label, its settings and the published figure.
    struct Configuration: Sendable {
        /// Short name in tables and legends (`decoder identity, encoder sigmoid`).
        var label: String
        /// `train --config` settings (option names without dashes), plus `groups` (train's
        /// `--groups`) or `"model": "biased-mf"` with `factors`, `epochs`, `learning-rate`,
        /// `regularization` (baseline's options) for the biased MF baseline.
        var settings: [String: JSONValue]
        /// The source's test RMSE for this configuration, if it gives one.
        var published: Double?

        init(_ label: String, _ settings: [String: JSONValue], published: Double? = nil) {
            self.label = label
            self.settings = settings
            self.published = published
        }
    }

    var name: String
    /// Where the configurations and the published figures come from.
    var source: String
    /// What the configurations vary.
    var varies: String
    var split: Procedure
    var configurations: [Configuration]
}

extension Study.Configuration {
    /// Whether this is the biased MF baseline rather than an AutoRec model.
    var isBiasedMF: Bool { settings["model"] == .string("biased-mf") }
}
