import RealModule
import RecMath

/// Mult-DAE and Mult-VAE (Liang, Krishnan, Hoffman, Jebara, WWW 2018): autoencoders over a
/// user's binary item row with a multinomial likelihood.
///
/// The input is the user's row x, L2-normalised (x/√n for n items), with input dropout during
/// training (kept entries scaled by 1/(1 − p)). Layers are `tanh` except the heads:
///
/// - Mult-DAE with `hidden` [600, 200]: items → 600 → 200 → 600 → items;
/// - Mult-VAE with `hidden` [600, 200]: items → 600 → [μ | log σ²] (2 × 200, linear);
///   z = μ + ε ⊙ σ with ε ~ 𝒩(0, I) from the model's seeded SplitMix64 stream (z = μ when scoring);
///   decoder 200 → 600 → items.
///
/// The logits z of the last layer (linear) feed a softmax over **all** items: the loss
/// −Σ_i x_i log softmax(z)_i is dense by definition, and so is the output layer (a GEMM over
/// every item). Mult-VAE adds β·KL(q(z|x) ‖ 𝒩(0, I)), with β annealed by ``AnnealingSchedule``
/// over optimizer steps; both add λ·Σ‖W‖² over the weight matrices (not the biases) when
/// ``Configuration/l2`` is positive. Losses are means over the users of a batch.
///
/// The first layer is a sparse product over the user's items (its cost follows the
/// interactions); the others are GEMMs. Scores are the logits (softmax keeps their order).
public struct MultAutoencoder: TrainableTopNModel {
    /// Which model.
    public enum Variant: String, Sendable, Codable, CaseIterable {
        /// Mult-DAE: a denoising autoencoder.
        case dae = "mult-dae"
        /// Mult-VAE: a variational autoencoder.
        case vae = "mult-vae"
    }

    /// The model's settings.
    public struct Configuration: Sendable, Codable, Equatable {
        /// DAE or VAE.
        public var variant: Variant
        /// Encoder widths, the last the code (latent) width; the decoder mirrors them.
        public var hidden: [Int]
        /// Probability of dropping an input entry during training.
        public var inputDropout: Float
        /// λ of the weight penalty λ·Σ‖W‖².
        public var l2: Float
        /// KL annealing (VAE only).
        public var annealing: AnnealingSchedule
        /// Seed of the initial weights and of the training stream.
        public var seed: UInt64

        /// Creates a configuration; the defaults are Liang et al.'s ([600, 200], dropout 0.5,
        /// cap 0.2 over 200,000 steps) with no weight penalty (RecBole's default).
        public init(
            variant: Variant, hidden: [Int] = [600, 200], inputDropout: Float = 0.5, l2: Float = 0,
            annealing: AnnealingSchedule = AnnealingSchedule(), seed: UInt64 = 1
        ) {
            self.variant = variant
            self.hidden = hidden
            self.inputDropout = inputDropout
            self.l2 = l2
            self.annealing = annealing
            self.seed = seed
        }
    }

    /// One layer's shape and activation.
    struct Layer: Sendable, Codable, Equatable {
        var inputs: Int
        var outputs: Int
        var activation: Activation
    }

    /// The settings.
    public let configuration: Configuration
    public let itemCount: Int
    /// The layers, encoder then decoder.
    let layers: [Layer]
    /// Index of the Gaussian head [μ | log σ²] (VAE), else `nil`.
    let head: Int?
    /// W₀, b₀, W₁, b₁, …; Wₗ is `inputs × outputs`, bₗ `1 × outputs`.
    var parameters: [Matrix]
    public internal(set) var trainingState: ImplicitTrainingState

    /// A model with Xavier-uniform weights and zero biases from `configuration.seed`.
    ///
    /// - Throws: ``TopNModelError/badConfiguration(_:)`` for empty or non-positive widths or a
    ///   dropout outside [0, 1).
    public init(itemCount: Int, configuration: Configuration) throws(TopNModelError) {
        let c = configuration
        guard itemCount > 0 else { throw .badConfiguration("no items") }
        guard !c.hidden.isEmpty, c.hidden.allSatisfy({ $0 > 0 }) else {
            throw .badConfiguration("hidden widths must be positive, got \(c.hidden)")
        }
        guard c.inputDropout >= 0 && c.inputDropout < 1 else {
            throw .badConfiguration("input dropout must lie in [0, 1), got \(c.inputDropout)")
        }
        guard c.l2 >= 0 && c.l2.isFinite else {
            throw .badConfiguration("l2 must be at least 0, got \(c.l2)")
        }
        guard c.annealing.cap >= 0 && c.annealing.totalSteps >= 0 else {
            throw .badConfiguration("the annealing cap and steps must be at least 0")
        }
        let (layers, head) = Self.layers(itemCount: itemCount, configuration: c)
        var rng = SplitMix64(seed: c.seed)
        var params = [Matrix]()
        for l in layers {
            let a = Float((6.0 / Double(l.inputs + l.outputs)).squareRoot())
            var w = Matrix(rows: l.inputs, cols: l.outputs)
            for k in 0..<w.storage.count { w.storage[k] = (2 * rng.nextFloat() - 1) * a }
            params.append(w)
            params.append(Matrix(rows: 1, cols: l.outputs))
        }
        self.configuration = c
        self.itemCount = itemCount
        self.layers = layers
        self.head = head
        parameters = params
        trainingState = ImplicitTrainingState(seed: rng.next())
    }

    /// The layer stack of a configuration, and the index of the VAE's head.
    static func layers(itemCount n: Int, configuration c: Configuration) -> ([Layer], Int?) {
        let latent = c.hidden[c.hidden.count - 1]
        let inner = Array(c.hidden.dropLast())
        var dims: [Int]
        var layers = [Layer]()
        var head: Int?
        switch c.variant {
        case .dae:
            dims = [n] + c.hidden + inner.reversed() + [n]
        case .vae:
            dims = [n] + inner
            for k in 0..<(dims.count - 1) {
                layers.append(Layer(inputs: dims[k], outputs: dims[k + 1], activation: .tanh))
            }
            head = layers.count
            layers.append(Layer(inputs: dims[dims.count - 1], outputs: 2 * latent, activation: .identity))
            dims = [latent] + inner.reversed() + [n]
        }
        for k in 0..<(dims.count - 1) {
            let last = k == dims.count - 2
            layers.append(Layer(inputs: dims[k], outputs: dims[k + 1], activation: last ? .identity : .tanh))
        }
        return (layers, head)
    }

    /// The KL weight β the next optimizer step uses.
    public var beta: Float {
        configuration.variant == .vae ? configuration.annealing.beta(step: trainingState.steps) : 0
    }

    // MARK: - Scoring

    public func scores(user: Int32?, items: [Int32], into scores: inout [Float]) {
        precondition(
            scores.count == itemCount, "MultAutoencoder: \(scores.count) slots for \(itemCount) items")
        let valid = items.filter { $0 >= 0 && Int($0) < itemCount }
        var h = [Float](repeating: 0, count: layers[0].outputs)
        let k0 = layers[0].outputs
        let x = valid.isEmpty ? 0 : 1 / Float(valid.count).squareRoot()
        parameters[0].storage.withUnsafeBufferPointer { w in
            h.withUnsafeMutableBufferPointer { hs in
                guard let w0 = w.baseAddress, let h0 = hs.baseAddress else { return }
                for i in valid { Kernels.axpy(x, w0 + Int(i) * k0, h0, k0) }
            }
        }
        for c in 0..<k0 { h[c] = layers[0].activation.apply(h[c] + parameters[1].storage[c]) }
        for l in 1..<layers.count {
            // The head keeps μ only: its first half of columns.
            let width = l == head ? layers[l].outputs / 2 : layers[l].outputs
            var out = Array(parameters[2 * l + 1].storage[0..<width])
            let stride = layers[l].outputs
            parameters[2 * l].storage.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { os in
                    guard let w0 = w.baseAddress, let o0 = os.baseAddress else { return }
                    for p in 0..<h.count where h[p] != 0 { Kernels.axpy(h[p], w0 + p * stride, o0, width) }
                }
            }
            if l != head { layers[l].activation.apply(&out) }
            h = out
        }
        for j in 0..<itemCount { scores[j] = h[j] }
    }

    public func scoreMatrix(users: [Int32?], inputs: [[Int32]]) -> Matrix {
        var rng = SplitMix64(seed: 0)
        let pass = forward(input(inputs, dropout: 0, rng: &rng), epsilon: nil)
        return pass.activations[layers.count - 1]
    }

    // MARK: - Forward pass

    /// The rows x/√n of `lists` with entries dropped with probability `dropout` (kept ones
    /// scaled by 1/(1 − dropout)); ids outside the items are ignored.
    func input(_ lists: [[Int32]], dropout: Float, rng: inout SplitMix64) -> SparseRows {
        var x = SparseRows(cols: itemCount)
        x.rowStart.reserveCapacity(lists.count + 1)
        for list in lists {
            let valid = list.filter { $0 >= 0 && Int($0) < itemCount }
            let value = valid.isEmpty ? 0 : 1 / Float(valid.count).squareRoot() / (1 - dropout)
            for i in valid where dropout == 0 || rng.nextFloat() >= dropout { x.append(i, value) }
            x.closeRow()
        }
        return x
    }

    /// Every layer's output for a batch, and the VAE's code z and noise ε.
    struct Pass {
        var activations: [Matrix]
        var code: Matrix?
        var epsilon: Matrix?
    }

    /// Runs the layers over `x`; the VAE's code is μ + ε ⊙ σ with `epsilon` (`rows × latent`),
    /// or μ when `epsilon` is nil.
    func forward(_ x: SparseRows, epsilon: Matrix?) -> Pass {
        let rows = x.rows
        var pass = Pass(activations: [], code: nil, epsilon: epsilon)
        for (l, layer) in layers.enumerated() {
            var out = Matrix(rows: rows, cols: layer.outputs)
            if l == 0 {
                x.multiply(parameters[0], into: &out)
                DenseLayer.addBiasAndActivate(&out, bias: parameters[1], activation: layer.activation)
            } else {
                let source = head.map { l == $0 + 1 } ?? false ? pass.code : pass.activations[l - 1]
                DenseLayer(activation: layer.activation).forward(
                    source ?? pass.activations[l - 1], weight: parameters[2 * l], bias: parameters[2 * l + 1],
                    into: &out)
            }
            if l == head {
                let d = layer.outputs / 2
                var z = Matrix(rows: rows, cols: d)
                MultinomialLikelihood.sample(out, epsilon: epsilon ?? Matrix(rows: rows, cols: d), into: &z)
                pass.code = z
            }
            pass.activations.append(out)
        }
        return pass
    }
}

/// A top-N model's settings are out of range.
public enum TopNModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is out of range.
    case badConfiguration(String)

    public var description: String {
        switch self {
        case let .badConfiguration(s): "top-N model: \(s)"
        }
    }
}
