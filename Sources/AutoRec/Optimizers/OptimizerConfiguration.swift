import RealModule

/// Which optimizer trains the network, and its settings.
///
/// Adam and SGD take one step per mini-batch; RProp and L-BFGS are full-batch methods (the
/// paper's own), one step per epoch over the whole training set.
public struct OptimizerConfiguration: Sendable, Equatable, Codable {
    /// The optimizer.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Adam (Kingma and Ba 2015), mini-batch.
        case adam
        /// SGD with (heavy-ball) momentum, mini-batch.
        case sgd
        /// iRprop− (Igel and Hüsken 2000), full batch.
        case rprop
        /// L-BFGS (Liu and Nocedal 1989) with a backtracking Armijo line search, full batch.
        case lbfgs
    }

    /// How the learning rate of Adam and SGD changes over epochs.
    public enum Schedule: Sendable, Equatable, Codable {
        /// Constant.
        case constant
        /// Multiplied by `factor` every `every` epochs.
        case step(every: Int, factor: Float)
        /// Multiplied by `gamma` every epoch.
        case exponential(gamma: Float)
        /// Cosine annealing from the base rate down to zero at the last epoch.
        case cosine

        /// Reads the command-line form: `constant`, `cosine`, `exp:GAMMA` or `step:EVERY:FACTOR`.
        public init?(text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            switch (parts.first, parts.count) {
            case ("constant", 1): self = .constant
            case ("cosine", 1): self = .cosine
            case ("exp", 2):
                guard let g = Float(parts[1]), g.isFinite else { return nil }
                self = .exponential(gamma: g)
            case ("step", 3):
                guard let every = Int(parts[1]), let factor = Float(parts[2]), factor.isFinite else { return nil }
                self = .step(every: every, factor: factor)
            default: return nil
            }
        }

        /// The command-line form read by ``init(text:)``.
        public var text: String {
            switch self {
            case .constant: "constant"
            case .cosine: "cosine"
            case let .exponential(gamma): "exp:\(gamma)"
            case let .step(every, factor): "step:\(every):\(factor)"
            }
        }
    }

    /// Default `.lbfgs`, the setting that reaches the paper's figure (see BENCHMARKS.md).
    public var kind: Kind = .lbfgs
    /// Base learning rate (Adam, SGD); default 0.001.
    public var learningRate: Float = 0.001
    /// SGD momentum; default 0.9.
    public var momentum: Float = 0.9
    /// Adam's β1, β2, ε.
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// L-BFGS: number of correction pairs kept; default 10.
    public var history: Int = 10
    /// RProp: initial and largest step; default 0.001 and 1.
    public var initialStep: Float = 0.001
    public var maximumStep: Float = 1
    /// Learning-rate schedule for Adam and SGD.
    public var schedule: Schedule = .constant

    public init(kind: Kind = .lbfgs) {
        self.kind = kind
    }

    /// Whether one step uses the whole training set.
    public var isFullBatch: Bool { kind == .rprop || kind == .lbfgs }

    /// The learning rate for a 0-based `epoch` of `epochs`.
    public func learningRate(epoch: Int, of epochs: Int) -> Float {
        switch schedule {
        case .constant: learningRate
        case let .step(every, factor): learningRate * Float.pow(factor, Float(epoch / max(1, every)))
        case let .exponential(gamma): learningRate * Float.pow(gamma, Float(epoch))
        case .cosine: learningRate * 0.5 * (1 + Float.cos(Float.pi * Float(epoch) / Float(max(1, epochs))))
        }
    }

    func validate() throws(ConfigurationError) {
        guard learningRate > 0 && learningRate.isFinite else {
            throw .invalid("the learning rate must be positive, got \(learningRate)")
        }
        guard (0..<1).contains(momentum) else { throw .invalid("momentum must be in [0, 1), got \(momentum)") }
        guard (0..<1).contains(beta1) && (0..<1).contains(beta2) else {
            throw .invalid("Adam's betas must be in [0, 1), got \(beta1), \(beta2)")
        }
        guard history >= 1 else { throw .invalid("L-BFGS history must be at least 1, got \(history)") }
        guard initialStep > 0 && maximumStep >= initialStep else {
            throw .invalid("RProp steps must satisfy 0 < initial <= maximum, got \(initialStep), \(maximumStep)")
        }
        if case let .step(every, factor) = schedule, every < 1 || !(factor > 0) {
            throw .invalid("a step schedule needs every >= 1 and factor > 0, got \(every), \(factor)")
        }
    }
}
