import RecMath

/// Everything that defines an AutoRec model and how it is trained.
///
/// The model (Sedhain, Menon, Sanner and Xie, WWW 2015) reconstructs a partially observed rating
/// vector `r` through one hidden layer:
///
/// ```
/// h(r) = f(W · g(V r + μ) + b)
/// ```
/// with g, f the encoder and decoder activations, V, μ the encoder weight and bias, W, b the
/// decoder's and k hidden units (symbols as in <doc:Notation>). I-AutoRec encodes each *item's*
/// vector of ratings over all users; U-AutoRec each *user's* vector over all items. Training
/// minimises, over the training ratings only,
///
/// ```
/// E = ½ Σ_{observed (u, i)} (r_ui − r̂_ui)²  +  (λ / 2) (‖W‖² + ‖V‖²)
/// ```
/// a *sum* over ratings (not a mean), biases not penalised. A mini-batch of B of the N encoded
/// vectors carries B/N of the penalty, so one epoch's batch objectives add up to E and λ means
/// the same for every batch size and optimizer. The published λ = 100 for ML-1M is on this scale.
public struct AutoRecConfiguration: Sendable, Equatable, Codable {
    /// Which vectors are encoded.
    public enum Orientation: String, Sendable, Codable, CaseIterable {
        /// I-AutoRec: one input vector per item, of length = number of users.
        case item
        /// U-AutoRec: one input vector per user, of length = number of items.
        case user
    }

    /// The value given to unobserved inputs (the loss never counts them).
    public enum Fill: Sendable, Equatable, Codable, CustomStringConvertible {
        /// Zero, as in the paper.
        case zero
        /// A constant, e.g. the middle of the scale.
        case constant(Float)
        /// The user's mean training rating (global mean for a user without ratings).
        case userMean
        /// The item's mean training rating (global mean for an item without ratings).
        case itemMean

        public var description: String {
            switch self {
            case .zero: "zero"
            case let .constant(c): "constant \(c)"
            case .userMean: "user mean"
            case .itemMean: "item mean"
            }
        }

        /// Reads the command-line form: `zero`, `user-mean`, `item-mean` or a finite number.
        public init?(text: String) {
            switch text {
            case "zero": self = .zero
            case "user-mean": self = .userMean
            case "item-mean": self = .itemMean
            default:
                guard let v = Float(text), v.isFinite else { return nil }
                self = .constant(v)
            }
        }

        /// The command-line form read by ``init(text:)``.
        public var text: String {
            switch self {
            case .zero: "zero"
            case let .constant(c): "\(c)"
            case .userMean: "user-mean"
            case .itemMean: "item-mean"
            }
        }

        /// JSON: `"zero"`, `"user-mean"`, `"item-mean"` or a number.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Float.self) {
                self = .constant(v)
                return
            }
            switch try c.decode(String.self) {
            case "zero": self = .zero
            case "user-mean": self = .userMean
            case "item-mean": self = .itemMean
            case let other:
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown fill '\(other)'")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .zero: try c.encode("zero")
            case let .constant(v): try c.encode(v)
            case .userMean: try c.encode("user-mean")
            case .itemMean: try c.encode("item-mean")
            }
        }
    }

    /// I- or U-AutoRec. Default `.item`.
    public var orientation: Orientation = .item
    /// Width of the code layer k. Default 500.
    public var hiddenUnits: Int = 500
    /// Encoder activation g. Default sigmoid.
    public var encoder: Activation = .sigmoid
    /// Decoder activation f. Default identity.
    public var decoder: Activation = .identity
    /// λ, the L2 penalty on W and V in the summed objective above. Default 100 (ML-1M, paper scale).
    public var l2: Float = 100
    /// Probability of dropping each code unit during training (inverted dropout). Default 0.
    public var codeDropout: Float = 0
    /// Probability of dropping each observed input during training (its input takes the fill
    /// value; the loss still counts it). Default 0.
    public var inputDropout: Float = 0
    /// Value of unobserved inputs. Default zero.
    public var fill: Fill = .zero
    /// Standard deviation of the initial weights (biases start at a tenth of it). Default 0.01.
    public var initialScale: Float = 0.01
    /// The optimizer and its settings.
    public var optimizer: OptimizerConfiguration = .init()
    /// Maximum number of epochs (an epoch is one pass over the training vectors; one iteration for
    /// the full-batch optimizers). Default 500.
    public var epochs: Int = 500
    /// Encoded vectors per mini-batch for Adam and SGD. Default 256.
    public var batchSize: Int = 256
    /// Stop after this many epochs without a better validation RMSE, and restore the best
    /// weights (0: never stop early). Default 30.
    public var patience: Int = 30
    /// After early stopping has chosen the number of epochs on the validation part, train again
    /// on training plus validation ratings, so the final model sees every training rating (see
    /// ``refitEpochFraction`` for where the refit starts and how long it runs). Default true (the
    /// command-line tool's `--no-refit` turns it off). Without validation ratings there is nothing
    /// to refit on and it has no effect.
    public var refit: Bool = true
    /// How long the refit runs, as a share of the epochs early stopping kept, and where it starts:
    /// a share below 1 continues from the early-stopped weights (a warm start) for
    /// `⌈share × kept epochs⌉` epochs; 1 retrains from fresh weights for exactly the kept epochs
    /// (the paper's protocol, and this package's behaviour before the warm start). nil: 0.2, which
    /// gave I-AutoRec the same test RMSE on ML-1M in a fifth of the refit's time (the ``uAutoRec``
    /// preset sets 1; BENCHMARKS.md).
    public var refitEpochFraction: Float?

    /// ``refitEpochFraction`` or its default.
    public var refitShare: Float { refitEpochFraction ?? 0.2 }

    /// The refit's epochs after early stopping kept `kept` epochs, and whether it starts from the
    /// early-stopped weights.
    public func refitPlan(kept: Int) -> (epochs: Int, warm: Bool) {
        // The share as its decimal (0.2, not 0.2000000030 from Float), so 0.2 × 30 is 6, not 7.
        let share = (Double(refitShare) * 1e6).rounded() / 1e6
        // Kernelized weights keep W ⊙ K, not the raw weights and vectors: nothing to continue from.
        guard share < 1, kernel == nil else { return (kept, false) }
        return (max(1, Int((share * Double(kept)).rounded(.up))), true)
    }
    /// Seed of every random choice (initial weights, batch order, dropout). Default 42.
    public var seed: UInt64 = 42
    /// Widths of the hidden layers of a deep model, input side first (`[512, 256, 512]`); nil
    /// means one hidden layer of ``hiddenUnits`` (the paper's AutoRec). Every hidden layer uses the
    /// encoder activation g; the output layer uses the decoder activation f.
    public var layers: [Int]?
    /// Dropout probability after each hidden layer (one per layer); nil puts ``codeDropout`` on
    /// the code layer (the middle one, index `layers.count / 2`) and nothing elsewhere.
    public var layerDropout: [Float]?
    /// How weights are drawn; nil means ``Initialization/fixed`` (the paper's 𝒩(0, initialScale²)).
    public var initialization: Initialization?
    /// Masking noise (Strub, Mary and Gaudel 2016): during training, each observed input is hidden
    /// (given the fill value) with this probability, and stays in the loss. nil or 0: none.
    public var maskingNoise: Float?
    /// α, the loss weight of the ratings masking noise hid from the input. nil: 1.
    public var maskedWeight: Float?
    /// β, the loss weight of the ratings the input showed. nil: 1.
    public var visibleWeight: Float?
    /// σ of additive Gaussian noise on every observed input during training. nil or 0: none.
    public var gaussianNoise: Float?

    /// Tied weights: the output layer's W is the input layer's V (both hold one row per input), so
    /// the decoder is the encoder transposed. Needs the last hidden layer as wide as the first.
    /// Both tensors are kept and receive the same summed gradient, so they stay equal. nil: untied.
    public var tiedWeights: Bool?

    /// Dense re-feeding (Kuchaiev and Ginsburg 2017): after each mini-batch step, this many more
    /// steps in which the batch's full output f(x) (every input, no dropout), clipped to the rating
    /// scale, is both input and target, the next one re-feeding the output of the previous; the
    /// dense step's error is weighted by the batch's observed / dense entries. nil or 0: none.
    /// Mini-batch optimizers only; each step costs O(batch × inputs × width).
    public var refeedSteps: Int?

    /// Side information at every layer (Strub, Mary and Gaudel's hybrid): besides the input, the
    /// side features are appended to the input of every further hidden layer and of the output
    /// layer, each with its own weights (extra rows of `W_l`, extra columns of the output `W`).
    /// Needs side features; nil or false: the input only.
    public var sideEveryLayer: Bool?

    /// Kernelized weights (Sparse FC, GLocal-K): every weight matrix (V, the hidden W's, the output
    /// W) is multiplied element-wise by a learned kernel `max(0, 1 − ‖a_r − b_c‖²)` over a vector per
    /// row and per column; ``l2`` then penalises the raw weights and the kernel gets its own penalty.
    /// nil: plain weights.
    public var kernel: KernelSettings?

    /// The learned kernel of every weight matrix (``KernelWeights``).
    public struct KernelSettings: Sendable, Hashable, Codable {
        /// d, the length of each row's and column's vector. Default 5 (both papers).
        public var dimension: Int
        /// λ_s: the objective adds λ_s/2 times the kernel's sum of squares.
        public var penalty: Float
        /// Standard deviation of the initial vectors; small, so every kernel starts near 1. Default 1e-3.
        public var initialScale: Float

        public init(dimension: Int = 5, penalty: Float, initialScale: Float = 1e-3) {
            self.dimension = dimension
            self.penalty = penalty
            self.initialScale = initialScale
        }
    }

    /// GLocal-K's global-kernel stage (Han et al., CIKM 2021): after the kernelized network is
    /// pre-trained (``epochs``), it is fine-tuned on the training matrix convolved with a learned
    /// 3 × 3 kernel (``GlobalKernelSettings``). Needs item-based vectors, kernelized weights, an
    /// identity decoder, zero fill, L-BFGS and no training noise or side information. nil: none.
    public var globalKernel: GlobalKernelSettings?

    /// The global-kernel stage of GLocal-K.
    ///
    /// With m_i the mean over all users of the network's reconstruction of item i and C a learned
    /// items × 9 matrix, the kernel is `gk = dotScale · Cᵀ m` (3 × 3), and the network's input
    /// becomes `X = ReLU(conv2d(R, gk))` ('SAME' zero padding) over items × users.
    public struct GlobalKernelSettings: Sendable, Hashable, Codable {
        /// The scale of the dot product Cᵀ m. Default 0.5 (the authors' ML-1M value; ML-100K: 1).
        public var dotScale: Float
        /// Maximum fine-tuning epochs (L-BFGS iterations), early-stopped on validation like
        /// pre-training. Default 300 (the authors' ML-1M budget, 30 × 10 iterations).
        public var fineTuneEpochs: Int
        /// Standard deviation of C's initial entries, drawn from a normal truncated at two
        /// standard deviations. Default 0.1.
        public var initialScale: Float

        public init(dotScale: Float = 0.5, fineTuneEpochs: Int = 300, initialScale: Float = 0.1) {
            self.dotScale = dotScale
            self.fineTuneEpochs = fineTuneEpochs
            self.initialScale = initialScale
        }
    }

    /// The rating interval a bounded decoder (sigmoid, tanh) is stretched onto:
    /// `r̂ = low + (high − low) · (f(z) − a) / (b − a)`, where (a, b) is f's output interval, so a
    /// sigmoid decoder predicts on the rating scale rather than in (0, 1). Training sets it to the
    /// training data's rating scale when the decoder is bounded and it is nil; an unbounded decoder
    /// ignores it. nil with a bounded decoder (model files written before it existed): f's own output.
    public var outputRange: OutputRange?

    /// A closed interval of ratings, `low < high`.
    public struct OutputRange: Sendable, Hashable, Codable {
        public var low: Float
        public var high: Float

        public init(low: Float, high: Float) {
            self.low = low
            self.high = high
        }
    }

    /// Whether a training pass draws anything at random (input or layer dropout, denoising), so
    /// its codes differ from the model's.
    public var hasTrainingNoise: Bool {
        inputDropout > 0 || isDenoising || hiddenLayers.indices.contains { dropout(afterLayer: $0) > 0 }
    }

    /// Whether training corrupts its inputs with masking or Gaussian noise (denoising).
    public var isDenoising: Bool { (maskingNoise ?? 0) > 0 || (gaussianNoise ?? 0) > 0 }

    /// How the weights of a network are first drawn (biases: a tenth of the scale for `fixed`,
    /// zero otherwise).
    public enum Initialization: String, Sendable, Codable, CaseIterable {
        /// 𝒩(0, initialScale²), as the AutoRec authors' code.
        case fixed
        /// LeCun normal, 𝒩(0, 1/fan_in): keeps SELU self-normalising.
        case lecun
        /// Glorot (Xavier) normal, 𝒩(0, 2/(fan_in + fan_out)): sigmoid, tanh, identity.
        case glorot
        /// He normal, 𝒩(0, 2/fan_in): ReLU and its relatives.
        case he

        /// The initialisation suited to a hidden activation.
        public static func suited(to activation: Activation) -> Initialization {
            switch activation {
            case .selu: .lecun
            case .relu, .leakyRelu, .elu: .he
            case .identity, .sigmoid, .tanh: .glorot
            }
        }

        /// The standard deviation of a weight matrix with these fans.
        func standardDeviation(fanIn: Int, fanOut: Int, fixedScale: Float) -> Float {
            switch self {
            case .fixed: fixedScale
            case .lecun: (1 / Float(max(1, fanIn))).squareRoot()
            case .glorot: (2 / Float(max(1, fanIn + fanOut))).squareRoot()
            case .he: (2 / Float(max(1, fanIn))).squareRoot()
            }
        }
    }

    /// The hidden layers' widths, input side first: ``layers`` or `[hiddenUnits]`.
    public var hiddenLayers: [Int] { layers ?? [hiddenUnits] }

    /// The hidden layers as the command line writes them: `512,256,512`.
    public var layerText: String { hiddenLayers.map(String.init).joined(separator: ",") }

    /// Width of the last hidden layer (the representation the output layer decodes).
    public var codeWidth: Int { hiddenLayers.last ?? hiddenUnits }

    /// Dropout probability after hidden layer `l`.
    public func dropout(afterLayer l: Int) -> Float {
        if let d = layerDropout { return l < d.count ? d[l] : 0 }
        return l == hiddenLayers.count / 2 ? codeDropout : 0
    }

    /// Whether this is the paper's one-hidden-layer AutoRec (no ``layers`` list of two or more).
    public var isShallow: Bool { hiddenLayers.count == 1 }

    public init() {}

    /// The paper's I-AutoRec on ML-1M: 500 sigmoid units, identity output, λ = 100, full-batch L-BFGS.
    public static var iAutoRec: AutoRecConfiguration { AutoRecConfiguration() }

    /// U-AutoRec: the same network over users' vectors, with λ = 200 (tuned on validation, BENCHMARKS.md),
    /// refit from fresh weights for the kept epochs (``refitEpochFraction`` 1): on ML-1M the warm
    /// refit that suits I-AutoRec cost U-AutoRec test RMSE (0.8800 at a fifth, 0.8823 at half the
    /// kept epochs, against 0.8790 from fresh weights; BENCHMARKS.md).
    public static var uAutoRec: AutoRecConfiguration {
        var c = AutoRecConfiguration()
        c.orientation = .user
        c.l2 = 200
        c.refitEpochFraction = 1
        return c
    }

    /// The deep-autoencoder study's best model (Kuchaiev and Ginsburg's recipe on MovieLens-1M):
    /// user-based, hidden layers [512, 256, 512], SELU, identity output, dropout 0.8 on the
    /// 256-unit code, zero fill, LeCun-normal weights, Adam (learning rate 1e-4, batches of 256).
    public static var deepAutoRec: AutoRecConfiguration {
        var c = AutoRecConfiguration()
        c.orientation = .user
        c.layers = [512, 256, 512]
        c.encoder = .selu
        c.decoder = .identity
        c.codeDropout = 0.8
        c.initialization = .lecun
        c.optimizer = OptimizerConfiguration(kind: .adam)
        c.optimizer.learningRate = 1e-4
        c.l2 = 0
        return c
    }

    /// Sparse FC (Muller, Martel and Indiveri 2018): item-based, two kernelized layers of 500 sigmoid
    /// units and a kernelized identity output, 5-dimensional kernel vectors, Glorot weights, full-batch
    /// L-BFGS, with the penalties of the authors' ML-1M code (λ₂ = 60, λ_s = 0.013) and up to their
    /// 1,000 iterations.
    public static var sparseFC: AutoRecConfiguration {
        var c = AutoRecConfiguration()
        c.epochs = 1000
        c.layers = [500, 500]
        c.encoder = .sigmoid
        c.decoder = .identity
        c.initialization = .glorot
        c.l2 = 60
        c.kernel = KernelSettings(dimension: 5, penalty: 0.013)
        return c
    }

    /// GLocal-K (Han, Muller, Gao, Sun and Moon, CIKM 2021): the Sparse FC network (item-based, two
    /// kernelized layers of 500 sigmoid units, kernelized identity output, 5-dimensional kernel
    /// vectors, L-BFGS) with the authors' ML-1M recipe: λ₂ = 70, λ_s = 0.018, up to 1,000
    /// pre-training iterations (their 20 × 50), then up to 300 fine-tuning iterations (30 × 10)
    /// with the global kernel at dot scale 0.5. Both stages stop early on validation.
    public static var glocalK: AutoRecConfiguration {
        var c = sparseFC
        c.l2 = 70
        c.kernel = KernelSettings(dimension: 5, penalty: 0.018)
        c.epochs = 1000
        c.globalKernel = GlobalKernelSettings()
        return c
    }

    /// Checks every setting.
    public func validate() throws(ConfigurationError) {
        guard hiddenUnits >= 1 else { throw .invalid("hidden units must be at least 1, got \(hiddenUnits)") }
        if let layers {
            guard !layers.isEmpty else { throw .invalid("the layer list is empty") }
            if let w = layers.first(where: { $0 < 1 }) {
                throw .invalid("a layer of \(w) units (each layer needs at least 1)")
            }
        }
        if tiedWeights == true, hiddenLayers.first != hiddenLayers.last {
            throw .invalid("tied weights need the last hidden layer as wide as the first, got \(layerText)")
        }
        if sideEveryLayer == true && tiedWeights == true {
            throw .invalid("tied weights cannot be combined with side information at every layer (the output weights are wider)")
        }
        if let r = refeedSteps {
            guard r >= 0 else { throw .invalid("re-feeding steps must be >= 0, got \(r)") }
            if r > 0 && optimizer.isFullBatch {
                throw .invalid("dense re-feeding needs a mini-batch optimizer (adam or sgd), not \(optimizer.kind.rawValue)")
            }
        }
        if let k = kernel {
            guard k.dimension >= 1 && k.dimension <= 1024 else {
                throw .invalid("the kernel dimension must be in 1...1024, got \(k.dimension)")
            }
            guard k.penalty >= 0 && k.penalty.isFinite else {
                throw .invalid("the kernel penalty must be finite and >= 0, got \(k.penalty)")
            }
            guard k.initialScale > 0 && k.initialScale.isFinite else {
                throw .invalid("the kernel's initial scale must be positive, got \(k.initialScale)")
            }
            if tiedWeights == true { throw .invalid("kernelized weights cannot be tied") }
        }
        if let gk = globalKernel {
            guard orientation == .item else { throw .invalid("the global kernel (GLocal-K) needs item-based vectors") }
            guard kernel != nil else { throw .invalid("the global kernel (GLocal-K) needs kernelized weights") }
            guard decoder == .identity else {
                throw .invalid("the global kernel (GLocal-K) needs the identity decoder, not \(decoder.rawValue)")
            }
            guard fill == .zero else { throw .invalid("the global kernel (GLocal-K) needs zero fill, not \(fill)") }
            guard optimizer.kind == .lbfgs else {
                throw .invalid("the global kernel (GLocal-K) is trained with lbfgs, not \(optimizer.kind.rawValue)")
            }
            guard !hasTrainingNoise else {
                throw .invalid("the global kernel (GLocal-K) cannot be combined with dropout or denoising")
            }
            guard sideEveryLayer != true else {
                throw .invalid("the global kernel (GLocal-K) cannot be combined with side information")
            }
            guard gk.dotScale.isFinite else { throw .invalid("the dot scale must be finite, got \(gk.dotScale)") }
            guard gk.fineTuneEpochs >= 1 else {
                throw .invalid("fine-tuning epochs must be at least 1, got \(gk.fineTuneEpochs)")
            }
            guard gk.initialScale > 0 && gk.initialScale.isFinite else {
                throw .invalid("the global kernel's initial scale must be positive, got \(gk.initialScale)")
            }
        }
        if let r = outputRange, !(r.low.isFinite && r.high.isFinite && r.low < r.high) {
            throw .invalid("the output range needs finite bounds with low < high, got \(r.low)...\(r.high)")
        }
        if let m = maskingNoise, !(0..<1).contains(m) {
            throw .invalid("masking noise must be in [0, 1), got \(m)")
        }
        for (name, w) in [("masked", maskedWeight), ("visible", visibleWeight)] {
            if let w, !(w >= 0 && w.isFinite) { throw .invalid("the \(name) weight must be finite and >= 0, got \(w)") }
        }
        if let g = gaussianNoise, !(g >= 0 && g.isFinite) {
            throw .invalid("Gaussian noise must be finite and >= 0, got \(g)")
        }
        if let d = layerDropout {
            guard d.count == hiddenLayers.count else {
                throw .invalid("\(d.count) dropout values for \(hiddenLayers.count) hidden layers")
            }
            if let p = d.first(where: { !(0..<1).contains($0) }) {
                throw .invalid("layer dropout must be in [0, 1), got \(p)")
            }
        }
        guard l2 >= 0 && l2.isFinite else { throw .invalid("the L2 penalty must be finite and >= 0, got \(l2)") }
        guard (0..<1).contains(codeDropout) else { throw .invalid("code dropout must be in [0, 1), got \(codeDropout)") }
        guard (0..<1).contains(inputDropout) else {
            throw .invalid("input dropout must be in [0, 1), got \(inputDropout)")
        }
        guard initialScale > 0 && initialScale.isFinite else {
            throw .invalid("the initial weight scale must be positive, got \(initialScale)")
        }
        guard epochs >= 1 else { throw .invalid("epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw .invalid("the batch size must be at least 1, got \(batchSize)") }
        guard patience >= 0 else { throw .invalid("patience must be >= 0, got \(patience)") }
        if let f = refitEpochFraction, !(f > 0 && f <= 1) {
            throw .invalid("the refit's share of the kept epochs must be in (0, 1], got \(f)")
        }
        try optimizer.validate()
    }
}

/// A setting that cannot work, with the reason.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case let .invalid(why): "invalid configuration: \(why)"
        }
    }
}
