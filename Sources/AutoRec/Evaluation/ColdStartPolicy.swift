/// What the evaluator does with a test rating whose user or item has no training rating.
///
/// A model has never seen such an entity, so its prediction says little; the policy makes the
/// choice explicit and ``ColdStartCounts`` reports how many ratings took each path.
///
/// JSON: `"baseline"`, `"exclude"` or `{"constant": 3}`.
public enum ColdStartPolicy: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Predict with a ``BaselinePredictor`` fitted on the training part (its default, ALS):
    /// r̄ + b_i for a new user, r̄ + b_u for a new item, r̄ when both are new. The default.
    case baseline
    /// Predict this constant (the AutoRec authors' code uses 3).
    case constant(Float)
    /// Leave the rating out of the metrics (counted as excluded).
    case exclude

    /// `baseline`, `constant(3.0)`, `exclude`.
    public var description: String {
        switch self {
        case .baseline: "baseline"
        case let .constant(c): "constant(\(c))"
        case .exclude: "exclude"
        }
    }

    /// Reads the command-line form: `baseline`, `exclude` or a finite number (a constant).
    public init?(text: String) {
        switch text {
        case "baseline": self = .baseline
        case "exclude": self = .exclude
        default:
            guard let c = Float(text), c.isFinite else { return nil }
            self = .constant(c)
        }
    }

    /// The command-line form read by ``init(text:)``.
    public var text: String {
        switch self {
        case .baseline: "baseline"
        case .exclude: "exclude"
        case let .constant(c): "\(c)"
        }
    }

    private enum Keys: String, CodingKey { case constant }

    /// Reads `"baseline"`, `"exclude"` or `{"constant": <number>}`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for any other string.
    public init(from decoder: any Decoder) throws {
        if let c = try? decoder.container(keyedBy: Keys.self) {
            self = .constant(try c.decode(Float.self, forKey: .constant))
            return
        }
        let s = try decoder.singleValueContainer()
        switch try s.decode(String.self) {
        case "baseline": self = .baseline
        case "exclude": self = .exclude
        case let other:
            throw DecodingError.dataCorruptedError(
                in: s,
                debugDescription:
                    "unknown cold-start policy '\(other)' (expected baseline, exclude or {\"constant\": 3})")
        }
    }

    /// Writes `"baseline"`, `"exclude"` or `{"constant": <number>}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .baseline:
            var s = encoder.singleValueContainer()
            try s.encode("baseline")
        case .exclude:
            var s = encoder.singleValueContainer()
            try s.encode("exclude")
        case let .constant(v):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(v, forKey: .constant)
        }
    }
}

/// How many test ratings took each path of the evaluator, and why.
///
/// `model + baseline + constant + excluded` is the number of test ratings;
/// `newUser + newItem + newUserAndItem` is the number of cold ratings, which went to
/// `baseline`, `constant` or `excluded` according to the ``ColdStartPolicy``.
public struct ColdStartCounts: Codable, Sendable, Equatable {
    /// Scored by the model (user and item both seen in training).
    public var model = 0
    /// Scored by the baseline fallback.
    public var baseline = 0
    /// Scored by the constant.
    public var constant = 0
    /// Left out of the metrics.
    public var excluded = 0
    /// Cold ratings whose user was new and item known.
    public var newUser = 0
    /// Cold ratings whose item was new and user known.
    public var newItem = 0
    /// Cold ratings whose user and item were both new.
    public var newUserAndItem = 0

    /// All zero.
    public init() {}
}
