import ArgumentParser
import AutoRec
import Foundation

/// The AutoRec model and its training settings.
struct ModelOptions: ParsableArguments {
    /// Every default below is the library's (`AutoRecConfiguration`), so the two cannot drift apart.
    private static let defaults = AutoRecConfiguration.iAutoRec
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case iAutoRec = "i-autorec", uAutoRec = "u-autorec", deepAutoRec = "deep-autorec", sparseFC = "sparse-fc"
        case glocalK = "glocal-k"

        /// The library's preset for this model.
        var preset: AutoRecConfiguration {
            switch self {
            case .iAutoRec: .iAutoRec
            case .uAutoRec: .uAutoRec
            case .deepAutoRec: .deepAutoRec
            case .sparseFC: .sparseFC
            case .glocalK: .glocalK
            }
        }
    }

    @Option(help: ArgumentHelp(
        "i-autorec (encode items' rating vectors), u-autorec (encode users'), or deep-autorec: the deep-autoencoder "
            + "study's best, user-based, layers 512,256,512, selu, dropout 0.8 on the 256-unit code, zero fill, "
            + "LeCun init, adam with learning rate 1e-4 and no L2; or sparse-fc: item-based, layers 500,500, sigmoid, "
            + "every weight times a learned kernel over 5-dimensional vectors (Sparse FC), glorot init, lbfgs, "
            + "L2 60 and kernel penalty 0.013; or glocal-k: that network with L2 70 and kernel penalty 0.018, "
            + "pre-trained (--epochs, default 1000), then fine-tuned (--finetune-epochs) on the ratings convolved "
            + "with a learned 3x3 global kernel (GLocal-K); any option below overrides a preset's value."))
    var model: Kind = .iAutoRec
    @Option(help: "Hidden units k of the one-hidden-layer models.") var hiddenUnits = Self.defaults.hiddenUnits
    @Option(help: ArgumentHelp(
        "Widths of the hidden layers of a deep model, input side first (deep-autorec: 512,256,512); one width "
            + "is the paper's model.", valueName: "w1,w2,..."))
    var layers: String?
    @Option(help: ArgumentHelp(
        "Encoder activation g of every hidden layer: identity, sigmoid, tanh, relu, leaky-relu, elu, selu "
            + "(default: sigmoid; deep-autorec: selu).", valueName: "activation"))
    var encoder: Activation?
    @Option(help: "Decoder activation f (same choices).") var decoder = Self.defaults.decoder
    @Option(help: ArgumentHelp(
        "Dropout probability after each hidden layer, one per layer (default: --code-dropout on the middle "
            + "layer only).", valueName: "p1,p2,..."))
    var layerDropout: String?
    @Option(help: ArgumentHelp(
        "Initial weights: fixed (N(0, --initial-scale^2), the paper's), lecun, glorot or he "
            + "(default: fixed; deep-autorec: lecun).", valueName: "rule"))
    var initialization: AutoRecConfiguration.Initialization?
    @Option(help: ArgumentHelp(
        "Denoising: hide each observed input with this probability during training (it stays in the loss).",
        valueName: "p"))
    var maskingNoise: Float?
    @Option(help: ArgumentHelp("Loss weight alpha of the ratings masking noise hid (default 1).", valueName: "alpha"))
    var maskedWeight: Float?
    @Option(help: ArgumentHelp("Loss weight beta of the ratings the input showed (default 1).", valueName: "beta"))
    var visibleWeight: Float?
    @Option(help: ArgumentHelp("Denoising: add N(0, sigma^2) noise to each visible input during training.",
                               valueName: "sigma"))
    var gaussianNoise: Float?
    @Option(help: ArgumentHelp(
        "Dense re-feeding: after each mini-batch step, this many steps with the batch's full output, clipped "
            + "to the rating scale, as input and target, its error weighted by observed / dense entries (adam, "
            + "sgd; costs batch x items x width per step).", valueName: "n"))
    var refeedSteps: Int?
    @Flag(help: ArgumentHelp(
        "Tie the output weights to the input weights (decoder = encoder transposed; needs the last hidden "
            + "layer as wide as the first)."))
    var tiedWeights = false
    @Flag(help: ArgumentHelp(
        "Append side information to every input vector: users' gender, age group and occupation (u.user, "
            + "users.dat) for user-based models, items' genres and release decade (u.item, movies.dat) for item-based; "
            + "entities without attributes get zeros."))
    var sideInformation = false
    @Flag(help: ArgumentHelp(
        "Append the side information to the input of every layer, hidden and output, each with its own weights "
            + "(Strub et al.'s hybrid; implies --side-information)."))
    var sideEveryLayer = false
    @Option(help: ArgumentHelp(
        "L2 penalty lambda in E = 1/2 sum (r - r^)^2 + lambda/2 (|W|^2 + |V|^2), summed over ratings "
            + "(default: 100 for i-autorec, 200 for u-autorec, 0 for deep-autorec), or auto: train picks it from "
            + "the preset's value times 0.1, 0.3, 1, 3, 10 (deep-autorec: 0.1 to 10) by validation RMSE.",
        valueName: "lambda|auto"))
    var l2: L2Choice?
    @Option(help: ArgumentHelp(
        "Kernelized weights: length d of the vector each weight row and column learns; every weight is "
            + "multiplied by max(0, 1 - |a_row - b_col|^2) (default: none; sparse-fc: 5).", valueName: "d"))
    var kernelDimension: Int?
    @Option(help: ArgumentHelp(
        "Kernelized weights: the kernel's L2 penalty lambda_s (default with --kernel-dimension: 0.013).",
        valueName: "lambda_s"))
    var kernelPenalty: Float?
    @Option(help: ArgumentHelp(
        "glocal-k: maximum fine-tuning epochs (lbfgs iterations) after pre-training, early-stopped on validation "
            + "like pre-training (default 300).", valueName: "n"))
    var finetuneEpochs: Int?
    @Option(help: ArgumentHelp(
        "glocal-k: scale of the dot product of the items' mean reconstructions with C that gives the 3x3 "
            + "global kernel (default 0.5, the authors' ML-1M value; their ML-100K value is 1).", valueName: "s"))
    var dotScale: Float?
    @Option(help: ArgumentHelp("Dropout on the code layer during training (default: 0; deep-autorec: 0.8).",
                               valueName: "p"))
    var codeDropout: Float?
    @Option(help: "Dropout on observed inputs during training.") var inputDropout = Self.defaults.inputDropout
    @Option(help: ArgumentHelp("Value of unobserved inputs: zero, user-mean, item-mean, or a number.",
                               valueName: "fill"))
    var fill = Self.defaults.fill
    @Option(help: ArgumentHelp(
        "lbfgs (full batch, default), rprop (full batch), adam (deep-autorec's) or sgd (mini-batch).",
        valueName: "optimizer"))
    var optimizer: OptimizerConfiguration.Kind?
    @Option(help: ArgumentHelp("Learning rate of adam and sgd (default: 0.001; deep-autorec: 0.0001).",
                               valueName: "rate"))
    var learningRate: Float?
    @Option(help: "Momentum of sgd.") var momentum = Self.defaults.optimizer.momentum
    @Option(help: ArgumentHelp("Learning-rate schedule of adam and sgd: constant, cosine, exp:GAMMA, step:EVERY:FACTOR.",
                               valueName: "schedule"))
    var schedule = Self.defaults.optimizer.schedule
    @Option(help: ArgumentHelp(
        "Maximum epochs (full-batch optimizers: iterations; default: 500; sparse-fc: 1000; glocal-k: 1000 of "
            + "pre-training).", valueName: "n"))
    var epochs: Int?
    @Option(help: "Vectors per mini-batch (adam, sgd).") var batchSize = Self.defaults.batchSize
    @Option(help: "Stop after this many epochs without a better validation RMSE (0: never).") var patience = Self.defaults.patience
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "After early stopping picks the epoch count, retrain on training plus validation ratings for that many epochs."))
    var refit = Self.defaults.refit
    @Option(help: ArgumentHelp(
        "Share of the kept epochs the refit runs (default 0.2; u-autorec: 1): below 1 it continues from the "
            + "early-stopped weights; 1 retrains from fresh weights for all of them (the paper's protocol).",
        valueName: "share"))
    var refitFraction: Float?
    @Option(help: "Standard deviation of the initial weights.") var initialScale = Self.defaults.initialScale

    /// Rejects a bad --fill, --schedule, --layers or model setting while parsing, before any data is read.
    func validate() throws {
        _ = try configuration(seed: 0)
    }

    /// A comma-separated list of `T`, or a message naming the option, the text and what is wrong.
    static func list<T: LosslessStringConvertible>(_ text: String, option: String, _ check: (T) -> String?) throws
        -> [T]
    {
        var values = [T]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let v = T(item) else {
                throw ValidationError("\(option) \(text): '\(item)' is not a number")
            }
            if let problem = check(v) { throw ValidationError("\(option) \(text): \(problem)") }
            values.append(v)
        }
        return values
    }

    /// The configuration these options describe, checked.
    func configuration(seed: UInt64) throws -> AutoRecConfiguration {
        var c = model.preset
        if let layers {
            c.layers = try Self.list(layers, option: "--layers") { (w: Int) in
                w < 1 ? "a layer of \(w) units (each layer needs at least 1)" : nil
            }
        }
        if let layerDropout {
            let p = try Self.list(layerDropout, option: "--layer-dropout") { (p: Float) in
                (0..<1).contains(p) ? nil : "a dropout of \(p) (each must be in [0, 1))"
            }
            guard p.count == c.hiddenLayers.count else {
                throw ValidationError("--layer-dropout \(layerDropout): \(p.count) values for "
                                      + "\(c.hiddenLayers.count) hidden layers (--layers \(c.layerText))")
            }
            c.layerDropout = p
        }
        c.hiddenUnits = hiddenUnits
        c.encoder = encoder ?? c.encoder
        c.decoder = decoder
        if case let .value(v) = l2 { c.l2 = v }
        c.codeDropout = codeDropout ?? c.codeDropout
        c.inputDropout = inputDropout
        c.fill = fill
        c.initialization = initialization ?? c.initialization
        c.maskingNoise = maskingNoise ?? c.maskingNoise
        c.maskedWeight = maskedWeight ?? c.maskedWeight
        c.visibleWeight = visibleWeight ?? c.visibleWeight
        c.gaussianNoise = gaussianNoise ?? c.gaussianNoise
        c.refeedSteps = refeedSteps ?? c.refeedSteps
        if tiedWeights { c.tiedWeights = true }
        if kernelDimension != nil || kernelPenalty != nil {
            var k = c.kernel ?? .init(penalty: AutoRecConfiguration.sparseFC.kernel?.penalty ?? 0)
            k.dimension = kernelDimension ?? k.dimension
            k.penalty = kernelPenalty ?? k.penalty
            c.kernel = k
        }
        if sideEveryLayer { c.sideEveryLayer = true }
        if finetuneEpochs != nil || dotScale != nil {
            guard var g = c.globalKernel else {
                throw ValidationError("--finetune-epochs and --dot-scale need --model glocal-k")
            }
            g.fineTuneEpochs = finetuneEpochs ?? g.fineTuneEpochs
            g.dotScale = dotScale ?? g.dotScale
            c.globalKernel = g
        }
        c.optimizer.kind = optimizer ?? c.optimizer.kind
        c.optimizer.learningRate = learningRate ?? c.optimizer.learningRate
        c.optimizer.momentum = momentum
        c.optimizer.schedule = schedule
        c.epochs = epochs ?? c.epochs
        c.batchSize = batchSize
        c.patience = patience
        c.initialScale = initialScale
        c.refit = refit
        c.refitEpochFraction = refitFraction ?? c.refitEpochFraction
        c.seed = seed
        do { try c.validate() } catch { throw ValidationError(error.description) }
        return c
    }
}

/// `--l2`: a penalty, or `auto` (chosen on the validation part before the final run).
enum L2Choice: Equatable, ExpressibleByArgument {
    case value(Float)
    case auto

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let v = Float(argument) {
            self = .value(v)
        } else {
            return nil
        }
    }
}

extension ModelOptions {
    /// Whether `--l2 auto` asks for the penalty to be chosen on validation.
    var l2IsAuto: Bool { l2 == .auto }

    /// The penalties `--l2 auto` tries: the preset's λ times 0.1, 0.3, 1, 3 and 10 (10 ... 1000 for
    /// I-AutoRec's 100), or 0.1 ... 10 for a preset without a penalty (deep-autorec).
    func l2Candidates() -> [Float] {
        let base = model.preset.l2 > 0 ? model.preset.l2 : 1
        return [0.1, 0.3, 1, 3, 10].map { Float(Double(base) * $0) }
    }
}

extension Activation: ExpressibleByArgument {}
extension OptimizerConfiguration.Kind: ExpressibleByArgument {}
extension AutoRecConfiguration.Initialization: ExpressibleByArgument {}

extension AutoRecConfiguration.Fill: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
    public var defaultValueDescription: String { text }
}

extension OptimizerConfiguration.Schedule: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
    public var defaultValueDescription: String { text }
}
