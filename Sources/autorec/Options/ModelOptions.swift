import ArgumentParser
import AutoRec

/// The AutoRec model and its training settings.
struct ModelOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case iAutoRec = "i-autorec", uAutoRec = "u-autorec"
    }

    @Option(help: "i-autorec (encode items' rating vectors) or u-autorec (encode users').")
    var model: Kind = .iAutoRec
    @Option(help: "Hidden units k.") var hiddenUnits = 500
    @Option(help: "Encoder activation g: identity, sigmoid, tanh, relu, leaky-relu, elu, selu.")
    var encoder: Activation = .sigmoid
    @Option(help: "Decoder activation f (same choices).") var decoder: Activation = .identity
    @Option(help: ArgumentHelp(
        "L2 penalty lambda in E = 1/2 sum (r - r^)^2 + lambda/2 (|W|^2 + |V|^2), summed over ratings "
            + "(default: 100 for i-autorec, 200 for u-autorec).", valueName: "lambda"))
    var l2: Float?
    @Option(help: "Dropout on the code layer during training.") var codeDropout: Float = 0
    @Option(help: "Dropout on observed inputs during training.") var inputDropout: Float = 0
    @Option(help: ArgumentHelp("Value of unobserved inputs: zero, user-mean, item-mean, or a number.",
                               valueName: "fill"))
    var fill = "zero"
    @Option(help: "lbfgs (full batch, default), rprop (full batch), adam or sgd (mini-batch).")
    var optimizer: OptimizerConfiguration.Kind = .lbfgs
    @Option(help: "Learning rate of adam and sgd.") var learningRate: Float = 0.001
    @Option(help: "Momentum of sgd.") var momentum: Float = 0.9
    @Option(help: ArgumentHelp("Learning-rate schedule of adam and sgd: constant, cosine, exp:GAMMA, step:EVERY:FACTOR.",
                               valueName: "schedule"))
    var schedule = "constant"
    @Option(help: "Maximum epochs (full-batch optimizers: iterations).") var epochs = 500
    @Option(help: "Vectors per mini-batch (adam, sgd).") var batchSize = 256
    @Option(help: "Stop after this many epochs without a better validation RMSE (0: never).") var patience = 30
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "After early stopping picks the epoch count, retrain on training plus validation ratings for that many epochs."))
    var refit = true
    @Option(help: "Standard deviation of the initial weights.") var initialScale: Float = 0.01

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
        switch fill {
        case "zero": c.fill = .zero
        case "user-mean": c.fill = .userMean
        case "item-mean": c.fill = .itemMean
        default:
            guard let v = Float(fill), v.isFinite else {
                throw ValidationError("--fill takes zero, user-mean, item-mean or a number, got '\(fill)'")
            }
            c.fill = .constant(v)
        }
        c.optimizer.kind = optimizer
        c.optimizer.learningRate = learningRate
        c.optimizer.momentum = momentum
        let parts = schedule.split(separator: ":").map(String.init)
        switch parts.first {
        case "constant": c.optimizer.schedule = .constant
        case "cosine": c.optimizer.schedule = .cosine
        case "exp" where parts.count == 2 && Float(parts[1]) != nil:
            c.optimizer.schedule = .exponential(gamma: Float(parts[1]) ?? 1)
        case "step" where parts.count == 3 && Int(parts[1]) != nil && Float(parts[2]) != nil:
            c.optimizer.schedule = .step(every: Int(parts[1]) ?? 1, factor: Float(parts[2]) ?? 1)
        default:
            throw ValidationError("--schedule takes constant, cosine, exp:GAMMA or step:EVERY:FACTOR, got '\(schedule)'")
        }
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
