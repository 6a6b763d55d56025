import Foundation
import RecData

/// A model configuration with a value outside its allowed range.
///
/// Thrown by each model's `Configuration.validate()` before any training starts, so a bad
/// command-line option or JSON file is reported with the field's name and the accepted range.
public struct ModelConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model whose configuration was rejected (`BiasedMF`).
    public var model: String
    /// The configuration field (`learningRate`).
    public var field: String
    /// The rejected value, as text.
    public var value: String
    /// What the field accepts (`a finite number > 0`).
    public var expected: String

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - model: The model's name.
    ///   - field: The configuration field.
    ///   - value: The rejected value, as text.
    ///   - expected: What the field accepts.
    public init(model: String, field: String, value: String, expected: String) {
        self.model = model
        self.field = field
        self.value = value
        self.expected = expected
    }

    /// `BiasedMF: factors is 0, expected an integer >= 1`.
    public var description: String { "\(model): \(field) is \(value), expected \(expected)" }
}

/// Training went wrong in a way the data or hyperparameters caused.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A loss or weight became NaN or infinite after `epoch` (1-based).
    case nonFinite(model: String, epoch: Int)
    /// The training table has no ratings.
    case emptyTrainingSet(model: String)
    /// The training RMSE after `epoch` exceeded `limit`: the optimizer is diverging, though the
    /// numbers are still finite.
    case diverged(model: String, epoch: Int, rmse: Double, limit: Double)

    /// The training RMSE past which a run counts as diverging: ten times the width of the
    /// rating scale (at least 10), far beyond any prediction a working model makes (predicting
    /// a constant anywhere on the scale stays below one width).
    public static func divergenceLimit(_ scale: RatingScale) -> Double {
        10 * max(1, Double(scale.maximum) - Double(scale.minimum))
    }

    /// A one-line message with a hint.
    public var description: String {
        switch self {
        case let .nonFinite(model, epoch):
            "\(model): the loss or the weights became NaN or infinite in epoch \(epoch) "
                + "(help: lower the learning rate, raise the L2 penalty, or switch to the L-BFGS optimizer)"
        case let .diverged(model, epoch, rmse, limit):
            "\(model): training diverged in epoch \(epoch): the training RMSE reached \(String(format: "%.4g", rmse)), "
                + "beyond \(String(format: "%g", limit)) (ten times the rating scale's width); no model was kept "
                + "(help: lower the learning rate, raise the L2 penalty, or switch to the L-BFGS optimizer)"
        case let .emptyTrainingSet(model):
            "\(model): the training set has no ratings (help: check the split and the input file)"
        }
    }
}

extension ModelConfigurationError {
    /// Throws unless `value` is finite and `> 0` (or `>= 0` when `allowZero`).
    static func checkPositive(
        _ value: Float, _ field: String, model: String, allowZero: Bool = false
    ) throws(ModelConfigurationError) {
        let ok = value.isFinite && (allowZero ? value >= 0 : value > 0)
        if !ok {
            throw ModelConfigurationError(
                model: model, field: field, value: "\(value)",
                expected: allowZero ? "a finite number >= 0" : "a finite number > 0")
        }
    }

    /// Throws unless `value >= minimum`.
    static func checkAtLeast(
        _ value: Int, _ minimum: Int, _ field: String, model: String
    ) throws(ModelConfigurationError) {
        if value < minimum {
            throw ModelConfigurationError(
                model: model, field: field, value: "\(value)", expected: "an integer >= \(minimum)")
        }
    }
}
