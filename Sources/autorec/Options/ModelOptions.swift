import ArgumentParser
import AutoRec

/// The AutoRec model and its training settings.
struct ModelOptions: ParsableArguments {
    /// Every default below is the library's (`AutoRecConfiguration`), so the two cannot drift apart.
    private static let defaults = AutoRecConfiguration.iAutoRec
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case iAutoRec = "i-autorec", uAutoRec = "u-autorec"
    }

    @Option(help: "i-autorec (encode items' rating vectors) or u-autorec (encode users').")
    var model: Kind = .iAutoRec
    @Option(help: "Hidden units k.") var hiddenUnits = Self.defaults.hiddenUnits
    @Option(help: "Encoder activation g: identity, sigmoid, tanh, relu, leaky-relu, elu, selu.")
    var encoder = Self.defaults.encoder
    @Option(help: "Decoder activation f (same choices).") var decoder = Self.defaults.decoder
    @Option(help: ArgumentHelp(
        "L2 penalty lambda in E = 1/2 sum (r - r^)^2 + lambda/2 (|W|^2 + |V|^2), summed over ratings "
            + "(default: 100 for i-autorec, 200 for u-autorec).", valueName: "lambda"))
    var l2: Float?
    @Option(help: "Dropout on the code layer during training.") var codeDropout = Self.defaults.codeDropout
    @Option(help: "Dropout on observed inputs during training.") var inputDropout = Self.defaults.inputDropout
    @Option(help: ArgumentHelp("Value of unobserved inputs: zero, user-mean, item-mean, or a number.",
                               valueName: "fill"))
    var fill = Self.defaults.fill
    @Option(help: "lbfgs (full batch, default), rprop (full batch), adam or sgd (mini-batch).")
    var optimizer = Self.defaults.optimizer.kind
    @Option(help: "Learning rate of adam and sgd.") var learningRate = Self.defaults.optimizer.learningRate
    @Option(help: "Momentum of sgd.") var momentum = Self.defaults.optimizer.momentum
    @Option(help: ArgumentHelp("Learning-rate schedule of adam and sgd: constant, cosine, exp:GAMMA, step:EVERY:FACTOR.",
                               valueName: "schedule"))
    var schedule = Self.defaults.optimizer.schedule
    @Option(help: "Maximum epochs (full-batch optimizers: iterations).") var epochs = Self.defaults.epochs
    @Option(help: "Vectors per mini-batch (adam, sgd).") var batchSize = Self.defaults.batchSize
    @Option(help: "Stop after this many epochs without a better validation RMSE (0: never).") var patience = Self.defaults.patience
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "After early stopping picks the epoch count, retrain on training plus validation ratings for that many epochs."))
    var refit = Self.defaults.refit
    @Option(help: "Standard deviation of the initial weights.") var initialScale = Self.defaults.initialScale

    /// Rejects a bad --fill, --schedule or model setting while parsing, before any data is read.
    func validate() throws {
        _ = try configuration(seed: 0)
    }

    /// The configuration these options describe, checked.
    func configuration(seed: UInt64) throws -> AutoRecConfiguration {
        var c = model == .iAutoRec ? AutoRecConfiguration.iAutoRec : .uAutoRec
        c.hiddenUnits = hiddenUnits
        c.encoder = encoder
        c.decoder = decoder
        c.l2 = l2 ?? c.l2
        c.codeDropout = codeDropout
        c.inputDropout = inputDropout
        c.fill = fill
        c.optimizer.kind = optimizer
        c.optimizer.learningRate = learningRate
        c.optimizer.momentum = momentum
        c.optimizer.schedule = schedule
        c.epochs = epochs
        c.batchSize = batchSize
        c.patience = patience
        c.initialScale = initialScale
        c.refit = refit
        c.seed = seed
        do { try c.validate() } catch { throw ValidationError(error.description) }
        return c
    }
}

extension Activation: ExpressibleByArgument {}
extension OptimizerConfiguration.Kind: ExpressibleByArgument {}

extension AutoRecConfiguration.Fill: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
    public var defaultValueDescription: String { text }
}

extension OptimizerConfiguration.Schedule: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
    public var defaultValueDescription: String { text }
}
