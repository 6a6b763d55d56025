import RecMath

/// The fine-tuning objective of GLocal-K (Han et al., CIKM 2021) and its gradient, over the
/// pre-trained kernelized network's raw tensors and kernel vectors followed by C (items × 9).
///
/// With R the items × users training matrix (zero where unrated), f the network (its effective
/// weights W ⊙ K) and Ω the training ratings:
///
/// ```
/// m_i  = mean_u f(R)[i, u]  = H_L(R)[i] · mean_u W_out[u] + mean_u b_out[u]   (identity decoder)
/// gk   = dotScale · Cᵀ m                                                      (9 numbers, 3 × 3)
/// X    = ReLU(conv2d(R, gk))                                                  (``GlobalKernel``)
/// E    = ½ Σ_{(i,u) ∈ Ω} (f(X)[i, u] − R[i, u])²  +  λ₂/2 Σ W²  +  λ_s/2 Σ K²
/// ```
/// The gradient reaches the network through both of its uses (on X, and on R through m) and C
/// through gk. X lives on P, the 3 × 3 neighbourhoods of the ratings (at most 9 entries per
/// rating), and f(X) is decoded only at Ω, so a pass costs about what a pass of the pre-training
/// costs on 9 × the ratings at the input layer: nothing of size items × users is formed.
final class GlobalKernelStage {
    let network: AutoRecNetwork
    let settings: AutoRecConfiguration.GlobalKernelSettings
    let data: AutoRecData
    /// The training ratings: targets, and the network's input on the m path.
    let targets: SparseBatch
    /// P as a batch (its values are X, passed separately).
    let input: SparseBatch
    /// The pass on X, and the pass on R that gives m.
    let main = AutoRecWorkspace()
    let meanPass = AutoRecWorkspace()
    private var preActivation = [Float](), convolved = [Float](), inputGradient = [Float]()
    /// gk of the last evaluation (row-major 3 × 3).
    private(set) var kernel = [Float](repeating: 0, count: GlobalKernel.taps)

    /// - Precondition: the configuration has a ``AutoRecConfiguration/globalKernel`` and passed
    ///   ``AutoRecConfiguration/validate()``.
    init(configuration: AutoRecConfiguration, data: AutoRecData) {
        guard let settings = configuration.globalKernel else {
            preconditionFailure("GlobalKernelStage: the configuration has no global kernel")
        }
        network = AutoRecNetwork(configuration: configuration)
        self.settings = settings
        self.data = data
        targets = SparseBatch(all: data)
        input = SparseBatch(pattern: GlobalKernel.neighbourhood(of: data.matrix))
    }

    /// C's initial values: `items × 9`, 𝒩(0, initialScale²) truncated at two standard deviations.
    static func initialWeights(
        items: Int, settings: AutoRecConfiguration.GlobalKernelSettings, using rng: inout SplitMix64
    ) -> Matrix {
        var c = Matrix(rows: items, cols: GlobalKernel.taps)
        for e in 0..<c.storage.count {
            var z = rng.nextGaussian()
            while abs(z) > 2 { z = rng.nextGaussian() }
            c.storage[e] = Float(z) * settings.initialScale
        }
        return c
    }

    /// The codes of the last evaluation: the last hidden layer on X, one row per item.
    var codes: Matrix { main.code }

    /// The parameters the network computes with (W ⊙ K, no vectors) of `tensors` (C dropped).
    func networkParameters(_ tensors: [Matrix]) -> AutoRecParameters {
        network.effectiveParameters(AutoRecParameters(tensors: Array(tensors.dropLast())))
    }

    /// m_i for every item from the last hidden layer on R (`h`) and the effective output layer:
    /// `H[i] · w̄ + b̄`, where w̄ and b̄ are the means of the output weights' rows and biases.
    private static func itemMeans(_ e: AutoRecParameters, codes h: Matrix) -> (means: [Float], wbar: [Float]) {
        let n = e.decoderWeight.rows, k = h.cols
        var wbar = [Float](repeating: 0, count: k)
        e.decoderWeight.weightedRowSum(nil, into: &wbar)
        for c in 0..<k { wbar[c] /= Float(n) }
        let bbar = Float(e.decoderBias.storage.reduce(0.0) { $0 + Double($1) } / Double(n))
        var means = [Float](repeating: 0, count: h.rows)
        for i in 0..<h.rows {
            var s: Float = 0
            for c in 0..<k { s += h[i, c] * wbar[c] }
            means[i] = s + bbar
        }
        return (means, wbar)
    }

    /// gk = dotScale · Cᵀ m.
    private static func kernel(_ c: Matrix, means m: [Float], dotScale: Float) -> [Float] {
        var gk = [Double](repeating: 0, count: GlobalKernel.taps)
        for i in 0..<c.rows { for t in 0..<GlobalKernel.taps { gk[t] += Double(c[i, t] * m[i]) } }
        return gk.map { Float($0) * dotScale }
    }

    /// The objective E and its gradient (into `grads`, shaped as `tensors`: the network's raw
    /// tensors, the kernel vectors, then C); remembers gk and the codes on X.
    ///
    /// - Returns: (E, sum of squared errors at the training ratings).
    /// - Complexity: a pre-training pass over the ratings, a first layer over P (≤ 9 × ratings),
    ///   a forward and backward pass over the ratings for the m path and O(9 × ratings) for the
    ///   convolution.
    func lossAndGradient(_ tensors: [Matrix], grads: inout [Matrix]) -> (objective: Double, squaredError: Double) {
        let c = tensors[tensors.count - 1]
        let p = AutoRecParameters(tensors: Array(tensors.dropLast()))
        let kw = main.kernel
        network.effectiveTensors(p, into: kw)
        let e = AutoRecParameters(tensors: kw.effective)
        let plain = network.plainNetwork
        let r = data.matrix
        let depth = network.layers.count
        var rng = SplitMix64(seed: 0)  // unused: nothing is random in this stage

        // m: the network on R.
        meanPass.prepare(rows: data.rows, layers: network.layers, entries: 0)
        plain.forwardHidden(e, matrix: r, tiles: targets.tiles?.matrix, globalRows: targets.rows, values: r.values,
                            side: nil, data: data, workspace: meanPass, training: false, rng: &rng)
        let h = meanPass.code
        let (m, wbar) = Self.itemMeans(e, codes: h)
        kernel = Self.kernel(c, means: m, dotScale: settings.dotScale)

        // The network on X = ReLU(conv2d(R, gk)), decoded at the ratings.
        GlobalKernel(weights: kernel).forward(r, pattern: input.matrix, preActivation: &preActivation,
                                              output: &convolved)
        let result = plain.networkLossAndGradient(
            e, batch: targets, input: (input, convolved), data: data, penaltyShare: 1, grads: &kw.gradients,
            workspace: main, rng: &rng, training: false)

        // ∂X[i, u] = ∂Z₀[i] · V[u] on P, then ∂gk, ∂C and ∂m.
        if inputGradient.count != input.matrix.nonzeros {
            inputGradient = [Float](repeating: 0, count: input.matrix.nonzeros)
        }
        input.matrix.sampledProduct(main.gradients[0], e.encoderWeight, into: &inputGradient)
        let dgk = GlobalKernel.backward(r, pattern: input.matrix, preActivation: preActivation,
                                        outputGradient: inputGradient)
        let s = settings.dotScale
        var dc = Matrix(rows: c.rows, cols: c.cols)
        var dm = [Float](repeating: 0, count: c.rows)
        for i in 0..<c.rows {
            var sum: Float = 0
            for t in 0..<GlobalKernel.taps {
                dc[i, t] = s * m[i] * dgk[t]
                sum += c[i, t] * dgk[t]
            }
            dm[i] = s * sum
        }

        // The m path: ∂H_L(R)[i] = ∂m_i w̄, ∂W_out[u] += (1/n) Σ_i ∂m_i H[i], ∂b_out[u] += (1/n) Σ_i ∂m_i.
        let n = e.decoderWeight.rows, k = h.cols
        for i in 0..<h.rows { for col in 0..<k { meanPass.gradients[depth - 1][i, col] = dm[i] * wbar[col] } }
        var dh = [Float](repeating: 0, count: k)
        h.weightedRowSum(dm, into: &dh)
        let db = Float(dm.reduce(0.0) { $0 + Double($1) } / Double(n))
        let out = e.outputIndex
        for u in 0..<n {
            for col in 0..<k { kw.gradients[out][u, col] += dh[col] / Float(n) }
            kw.gradients[out + 1].storage[u] += db
        }
        plain.backwardHidden(e, batch: targets, values: r.values, data: data, workspace: meanPass,
                             grads: &kw.gradients, training: false, denseInput: false)

        let penalty = network.kernelBackward(p, workspace: kw, penaltyShare: 1,
                                             kernelPenalty: network.configuration.kernel?.penalty ?? 0,
                                             grads: &grads)
        grads[grads.count - 1] = dc
        return (result.objective + penalty, result.squaredError)
    }

    /// The codes of every item for prediction: the last hidden layer of the network with effective
    /// parameters `e` on X = ReLU(conv2d(R, gk)) of the training matrix.
    ///
    /// - Complexity: O(9 × ratings) for X and a forward pass with ≤ 9 × ratings at the input.
    static func codes(
        _ config: AutoRecConfiguration, _ e: AutoRecParameters, data: AutoRecData, kernel gk: [Float]
    ) -> Matrix {
        let input = SparseBatch(pattern: GlobalKernel.neighbourhood(of: data.matrix))
        var s = [Float](), x = [Float]()
        GlobalKernel(weights: gk).forward(data.matrix, pattern: input.matrix, preActivation: &s, output: &x)
        let ws = AutoRecWorkspace()
        ws.prepare(rows: data.rows, layers: config.hiddenLayers, entries: 0)
        var rng = SplitMix64(seed: 0)  // unused: no dropout outside training
        AutoRecNetwork(configuration: config).forwardHidden(
            e, matrix: input.matrix, tiles: input.tiles?.matrix, globalRows: input.rows, values: x, side: nil,
            data: data, workspace: ws, training: false, rng: &rng)
        return ws.code
    }
}
