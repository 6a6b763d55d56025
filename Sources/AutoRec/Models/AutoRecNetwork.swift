import RecMath

/// The parameters of an AutoRec-family network, as an ordered list of named tensors that
/// optimizers, checkpoints and model files all read.
///
/// With d inputs and hidden layers of widths k₀ … k_{L−1}:
/// - `V` (d × k₀, row u = input u's weights) and `μ` (1 × k₀): the sparse input layer;
/// - `W_l` (k_{l−1} × k_l) and `b_l` (1 × k_l) for each further hidden layer l = 1 … L−1;
/// - `W` (d × k_{L−1}, row u = output u's weights) and `b` (1 × d): the output layer;
/// - with side information of F features, `V_s` (F × k₀) last: the side features' input weights.
///
/// With side information at every layer (``AutoRecConfiguration/sideEveryLayer``), each further
/// hidden layer and the output layer read their input with the F side features appended, so
/// `W_l` has k_{l−1} + F rows and the output `W` has k_{L−1} + F columns; no tensor is added.
///
/// The one-hidden-layer AutoRec is `[V, μ, W, b]`. Keeping one row per input in both the input
/// and output weights makes every per-rating operation touch one contiguous row.
public struct AutoRecParameters: Sendable, Equatable {
    /// The tensors, in the order above.
    public var tensors: [Matrix]

    /// Parameters for `inputs` inputs and one hidden layer of `hidden` units drawn as in the
    /// AutoRec authors' code: weights 𝒩(0, scale²), biases 𝒩(0, (scale/10)²).
    public init(inputs: Int, hidden: Int, scale: Float, using rng: inout SplitMix64) {
        self.init(inputs: inputs, layers: [hidden], initialization: .fixed, scale: scale, using: &rng)
    }

    /// Parameters for `inputs` inputs and hidden layers `layers`, drawn in tensor order.
    ///
    /// `fixed` draws weights 𝒩(0, scale²) and biases 𝒩(0, (scale/10)²); the others draw weights
    /// with the standard deviation of their rule (fan-in and fan-out of each matrix: d and k₀ for
    /// `V`, k_{L−1} and d for the output `W`) and start biases at zero.
    public init(
        inputs: Int, layers: [Int], sideWidth: Int = 0, sideEveryLayer: Bool = false,
        initialization: AutoRecConfiguration.Initialization, scale: Float, using rng: inout SplitMix64
    ) {
        let shapes = Self.shapes(inputs: inputs, layers: layers, sideWidth: sideWidth, sideEveryLayer: sideEveryLayer)
        var t = [Matrix]()
        for (i, s) in shapes.enumerated() {
            if i % 2 == 0 {
                // The output weights are stored one row per output: their fan-in is the row width.
                // The side weights feed the first layer as V does: fan-in d + F, fan-out k₀.
                let output = i == shapes.count - 2 - (sideWidth > 0 ? 1 : 0)
                if sideWidth > 0 && i == shapes.count - 1 {
                    let sd = initialization.standardDeviation(fanIn: inputs + sideWidth, fanOut: s.cols,
                                                              fixedScale: scale)
                    t.append(Matrix(rows: s.rows, cols: s.cols, gaussianStandardDeviation: sd, using: &rng))
                    continue
                }
                let sd = initialization.standardDeviation(fanIn: output ? s.cols : s.rows,
                                                          fanOut: output ? s.rows : s.cols, fixedScale: scale)
                t.append(Matrix(rows: s.rows, cols: s.cols, gaussianStandardDeviation: sd, using: &rng))
            } else if initialization == .fixed {
                t.append(Matrix(rows: 1, cols: s.cols, gaussianStandardDeviation: scale / 10, using: &rng))
            } else {
                t.append(Matrix(rows: 1, cols: s.cols))
            }
        }
        tensors = t
    }

    /// Parameters from existing tensors (shapes checked by the caller).
    public init(tensors: [Matrix]) {
        self.tensors = tensors
    }

    /// Number of hidden layers.
    public var hiddenLayerCount: Int { tensors.count / 2 - 1 }

    /// Whether the last tensor is the side features' weight `V_s` (the list then has odd length).
    public var hasSideWeight: Bool { tensors.count % 2 == 1 }

    /// Index of the output layer's weight `W` (its bias follows).
    public var outputIndex: Int { tensors.count - (hasSideWeight ? 3 : 2) }

    /// `V_s` (features × k₀), or nil without side information.
    public var sideWeight: Matrix? { hasSideWeight ? tensors[tensors.count - 1] : nil }

    /// V (inputs × k₀).
    public var encoderWeight: Matrix { tensors[0] }
    /// μ (1 × k₀).
    public var encoderBias: Matrix { tensors[1] }
    /// The output layer's W (inputs × last hidden width).
    public var decoderWeight: Matrix { tensors[outputIndex] }
    /// The output layer's b (1 × inputs).
    public var decoderBias: Matrix { tensors[outputIndex + 1] }

    /// The names of the tensors, in order: `encoder.weight`, `encoder.bias`, `hidden.1.weight`,
    /// `hidden.1.bias`, …, `decoder.weight`, `decoder.bias`.
    public var names: [String] {
        var n = ["encoder.weight", "encoder.bias"]
        for l in 1..<max(1, hiddenLayerCount) { n += ["hidden.\(l).weight", "hidden.\(l).bias"] }
        return n + ["decoder.weight", "decoder.bias"] + (hasSideWeight ? ["side.weight"] : [])
    }

    /// (name, tensor) in order.
    public var named: [(name: String, tensor: Matrix)] { Array(zip(names, tensors)) }

    /// The shapes (rows, cols) of every tensor for `inputs` inputs and these hidden layers.
    /// With `sideEveryLayer`, every further hidden layer's `W_l` has `sideWidth` more rows and the
    /// output `W` as many more columns.
    static func shapes(inputs: Int, layers: [Int], sideWidth: Int = 0, sideEveryLayer: Bool = false)
        -> [(rows: Int, cols: Int)]
    {
        let extra = sideEveryLayer ? sideWidth : 0
        var s = [(inputs, layers[0]), (1, layers[0])]
        for l in 1..<max(1, layers.count) { s += [(layers[l - 1] + extra, layers[l]), (1, layers[l])] }
        return s + [(inputs, layers[layers.count - 1] + extra), (1, inputs)]
            + (sideWidth > 0 ? [(sideWidth, layers[0])] : [])
    }

    /// Zeros of the same shapes (a gradient buffer).
    func zeros() -> [Matrix] { tensors.map { Matrix(rows: $0.rows, cols: $0.cols) } }

    /// Whether every parameter is finite.
    public var isFinite: Bool { tensors.allSatisfy { $0.storage.allSatisfy(\.isFinite) } }
}

/// Scratch buffers of one forward and backward pass, reused between batches of equal shape.
final class AutoRecWorkspace {
    /// Per hidden layer: H_l = g(Z_l) before dropout.
    var hidden = [Matrix]()
    /// Per hidden layer: H_l after dropout (empty matrix where the layer has none).
    var dropped = [Matrix]()
    /// Per hidden layer: the dropout mask, 0 or 1/(1−p) per unit.
    var masks = [[Float]]()
    /// Per hidden layer: ∂E/∂H_l, then ∂E/∂Z_l.
    var gradients = [Matrix]()
    var outputs = [Float]()  // r̂ at each target entry
    var delta = [Float]()    // ∂E/∂(pre-activation output) at each entry
    var denseOutputs = Matrix(rows: 0, cols: 0)  // r̂ over a dense batch (rows × inputs)
    var denseDelta = Matrix(rows: 0, cols: 0)    // ∂E/∂(pre-activation output) over a dense batch
    var inputs = [Float]()   // input values after input dropout and noise
    var weights = [Float]()  // loss weight per entry under masking noise
    var scratch = [Float]()
    /// Side information at every layer: per hidden layer, its output (after dropout) with the side
    /// features appended, as the next layer reads it; and ∂E/∂ of such an input.
    var withSide = [Matrix]()
    var sideGradient = Matrix(rows: 0, cols: 0)
    let input = SparseInputLayer.Workspace()
    /// Kernelized weights: the effective tensors, kernels and their gradients.
    let kernel = KernelWorkspace()

    /// What the output layer decodes: the last hidden layer's output, with the side features
    /// appended when they enter every layer.
    var code: Matrix { withSide.last ?? hidden.last ?? Matrix(rows: 0, cols: 0) }

    func prepare(rows: Int, layers: [Int], entries: Int) {
        if hidden.count != layers.count || hidden.first?.rows != rows
            || zip(hidden, layers).contains(where: { $0.cols != $1 })
        {
            hidden = layers.map { Matrix(rows: rows, cols: $0) }
            gradients = hidden
            dropped = layers.map { _ in Matrix(rows: 0, cols: 0) }
            masks = layers.map { _ in [] }
            withSide = []
        }
        if outputs.count != entries {
            outputs = [Float](repeating: 0, count: entries)
            delta = [Float](repeating: 0, count: entries)
        }
    }

    /// Sizes the buffers of a dense batch's output layer.
    func prepareDense(rows: Int, outputs n: Int) {
        if denseOutputs.rows != rows || denseOutputs.cols != n {
            denseOutputs = Matrix(rows: rows, cols: n)
            denseDelta = Matrix(rows: rows, cols: n)
        }
    }
}

/// Buffers of kernelized weights (``KernelWeights``), reused between passes.
final class KernelWorkspace {
    /// The network's tensors with each kernelized weight replaced by W ⊙ K.
    var effective = [Matrix]()
    /// K of each kernelized weight.
    var kernels = [Matrix]()
    /// ∂E/∂ of the effective tensors.
    var gradients = [Matrix]()
    /// ∂K, one weight at a time.
    var scratch = Matrix(rows: 0, cols: 0)
}

/// The forward and backward passes of an AutoRec-family network over a sparse batch of rating
/// vectors: a ``SparseInputLayer``, then a ``DenseLayer`` per further hidden layer, then a
/// ``SampledOutputLayer`` at the observed ratings, trained with a ``ReconstructionLoss``.
///
/// Cost per call: five passes over the batch's observed ratings, each (width of the layer it
/// touches) multiply-adds per rating, plus three GEMMs per further hidden layer and
/// O((rows + inputs) × k) dense work. Nothing of size rows × inputs is formed for a sparse batch.
/// A dense batch (re-feeding, `SparseBatch(dense:)`) and ``denseOutputs(_:batch:data:workspace:)``
/// use the ``DenseOutputLayer`` instead (three GEMMs of rows × inputs × k), and a dense batch
/// without fill reads its input as a matrix (two more GEMMs) rather than through its pattern.
struct AutoRecNetwork {
    let configuration: AutoRecConfiguration
    var loss: any ReconstructionLoss = MaskedSquaredError()

    init(configuration: AutoRecConfiguration) {
        self.configuration = configuration
    }

    var layers: [Int] { configuration.hiddenLayers }

    /// The output of every hidden layer, without dropout, for the rows of `matrix` (`values`: the
    /// inputs at its entries); the last one is what the output layer decodes.
    ///
    /// With `denseInput` (a dense batch in a fill-free context: `values` are all rows × inputs, row
    /// after row) the first layer runs as a GEMM, `g(X V + S V_s + μ)`, instead of over the pattern.
    func forwardHidden(
        _ p: AutoRecParameters, matrix: CSRMatrix, tiles: CSRTiles? = nil, globalRows: [Int32], values: [Float],
        side: CSRMatrix?, data: AutoRecData, workspace ws: AutoRecWorkspace, training: Bool, rng: inout SplitMix64,
        denseInput: Bool = false
    ) {
        let g = configuration.encoder
        if denseInput {
            let x = Matrix(rows: matrix.rows, cols: matrix.cols, storage: values)
            Matrix.gemm(x, p.tensors[0], into: &ws.hidden[0])
            if let side, let vs = p.sideWeight { side.multiply(vs, into: &ws.hidden[0], accumulate: true) }
            DenseLayer.addBiasAndActivate(&ws.hidden[0], bias: p.tensors[1], activation: g)
        } else {
            SparseInputLayer(activation: g).forward(
                weight: p.tensors[0], bias: p.tensors[1], matrix: matrix, tiles: tiles, globalRows: globalRows,
                values: values,
                side: side.flatMap { s in p.sideWeight.map { (s, $0) } }, data: data, workspace: ws.input,
                into: &ws.hidden[0])
        }
        let f = sideWidthPerLayer(p)
        if f > 0 && ws.withSide.count != layers.count {
            ws.withSide = layers.map { Matrix(rows: matrix.rows, cols: $0 + f) }
        } else if f == 0 {
            ws.withSide = []
        }
        for l in 0..<layers.count {
            let pDrop = configuration.dropout(afterLayer: l)
            if training && pDrop > 0 {
                Dropout(probability: pDrop).forward(ws.hidden[l], mask: &ws.masks[l], dropped: &ws.dropped[l],
                                                    using: &rng)
            }
            var input = training && pDrop > 0 ? ws.dropped[l] : ws.hidden[l]
            if f > 0 {
                Self.append(side, width: f, to: input, into: &ws.withSide[l])
                input = ws.withSide[l]
            }
            if l + 1 < layers.count {
                DenseLayer(activation: g).forward(input, weight: p.tensors[2 * (l + 1)],
                                                  bias: p.tensors[2 * (l + 1) + 1], into: &ws.hidden[l + 1])
            }
        }
    }

    /// F, the side features' width, when they enter every layer (``AutoRecConfiguration/sideEveryLayer``);
    /// otherwise 0.
    func sideWidthPerLayer(_ p: AutoRecParameters) -> Int {
        configuration.sideEveryLayer == true ? p.decoderWeight.cols - layers[layers.count - 1] : 0
    }

    /// `out = [x | S]`: the rows of `x` with their side features appended as `width` more columns
    /// (zeros without side features, e.g. a folded-in user).
    ///
    /// - Complexity: O(rows × (x.cols + width)).
    static func append(_ side: CSRMatrix?, width: Int, to x: Matrix, into out: inout Matrix) {
        let k = x.cols, n = k + width
        if out.rows != x.rows || out.cols != n { out = Matrix(rows: x.rows, cols: n) }
        x.storage.withUnsafeBufferPointer { xs in
            out.storage.withUnsafeMutableBufferPointer { os in
                for r in 0..<x.rows {
                    let row = os.baseAddress! + r * n
                    row.update(from: xs.baseAddress! + r * k, count: k)
                    (row + k).update(repeating: 0, count: width)
                    guard let side, r < side.rows else { continue }
                    for e in side.rowStart[r]..<side.rowStart[r + 1] { row[k + Int(side.columns[e])] = side.values[e] }
                }
            }
        }
    }

    /// `out` = the first `k` columns of `x`.
    static func leadingColumns(_ x: Matrix, _ k: Int, into out: inout Matrix) {
        for r in 0..<x.rows {
            for c in 0..<k { out.storage[r * k + c] = x.storage[r * x.cols + c] }
        }
    }

    /// r̂ at every entry of `matrix` from the last hidden layer's output `h`: `f(H[j] · W[u] + b[u])`
    /// (over `tiles`, the cache tiles of `matrix`, when given).
    func decode(
        _ p: AutoRecParameters, matrix: CSRMatrix, tiles: CSRTiles? = nil, codes h: Matrix, into out: inout [Float]
    ) {
        SampledOutputLayer(activation: configuration.decoder).forward(
            weight: p.decoderWeight, bias: p.decoderBias, matrix: matrix, tiles: tiles, codes: h, into: &out)
        configuration.outputMap.stretch(&out)
    }

    /// The full output `f(x)` (every input, not only the observed ones) of every row of `batch`,
    /// without dropout or noise: rows × inputs.
    ///
    /// - Complexity: O(rows × inputs × k) for the output layer.
    func denseOutputs(_ p: AutoRecParameters, batch: SparseBatch, data: AutoRecData, workspace ws: AutoRecWorkspace)
        -> Matrix
    {
        let m = batch.matrix
        ws.prepare(rows: m.rows, layers: layers, entries: ws.outputs.count)
        var rng = SplitMix64(seed: 0)  // unused: nothing random outside training
        forwardHidden(p, matrix: m, tiles: batch.tiles?.matrix, globalRows: batch.rows,
                      values: batch.shiftedValues ?? m.values,
                      side: batch.side?.matrix, data: data, workspace: ws, training: false, rng: &rng,
                      denseInput: batch.dense != nil && data.zeroFill)
        var out = Matrix(rows: m.rows, cols: data.inputs)
        DenseOutputLayer(activation: configuration.decoder).forward(
            weight: p.decoderWeight, bias: p.decoderBias, codes: ws.code, into: &out)
        configuration.outputMap.stretch(&out.storage)
        return out
    }

    /// The batch objective and its gradient (written into `grads`, same shapes as the parameters).
    ///
    /// `penaltyShare` is the batch's share B/N of the L2 penalty, which covers every weight matrix
    /// (not the biases). With `training`, noise is drawn from `rng` in this order: input dropout,
    /// masking noise, Gaussian noise (one draw per entry each), then each hidden layer's dropout
    /// mask; otherwise the pass is deterministic.
    /// - Returns: (objective, sum of squared errors at observed entries).
    ///
    /// With kernelized weights (``AutoRecConfiguration/kernel``) `p` and `grads` hold the raw
    /// tensors followed by the kernel vectors (see ``kernelTensorCount``); the pass runs on the
    /// effective weights and ``KernelWeights`` carries the gradient back.
    func lossAndGradient(
        _ p: AutoRecParameters, batch: SparseBatch, data: AutoRecData, penaltyShare: Float,
        grads: inout [Matrix], workspace ws: AutoRecWorkspace, rng: inout SplitMix64, training: Bool
    ) -> (objective: Double, squaredError: Double) {
        guard let kernel = configuration.kernel else {
            return networkLossAndGradient(p, batch: batch, data: data, penaltyShare: penaltyShare, grads: &grads,
                                          workspace: ws, rng: &rng, training: training)
        }
        let kw = ws.kernel
        effectiveTensors(p, into: kw)
        let r = plainNetwork.networkLossAndGradient(
            AutoRecParameters(tensors: kw.effective), batch: batch, data: data, penaltyShare: penaltyShare,
            grads: &kw.gradients, workspace: ws, rng: &rng, training: training)
        let penalty = kernelBackward(p, workspace: kw, penaltyShare: penaltyShare, kernelPenalty: kernel.penalty,
                                     grads: &grads)
        return (r.objective + penalty, r.squaredError)
    }

    /// The same network on plain weights without the L2 penalty: what runs on the effective
    /// tensors W ⊙ K (λ₂ goes on the raw weights in
    /// ``kernelBackward(_:workspace:penaltyShare:kernelPenalty:grads:)``).
    var plainNetwork: AutoRecNetwork {
        var plain = configuration
        plain.kernel = nil
        plain.l2 = 0
        var inner = AutoRecNetwork(configuration: plain)
        inner.loss = loss
        return inner
    }

    /// From ∂E/∂ of the effective tensors (`kw.gradients`, filled by a pass on `kw.effective`), writes
    /// the gradients of the raw tensors and kernel vectors of `p` into `grads` (the first
    /// `p.tensors.count` of them), with both penalties; returns the penalty.
    func kernelBackward(
        _ p: AutoRecParameters, workspace kw: KernelWorkspace, penaltyShare: Float, kernelPenalty: Float,
        grads: inout [Matrix]
    ) -> Double {
        var penalty = 0.0
        let n = p.tensors.count - kernelTensorCount
        let weights = Self.kernelWeightIndices(networkTensors: n)
        for t in 0..<n where !weights.contains(t) { grads[t] = kw.gradients[t] }
        for (m, t) in weights.enumerated() {
            // Moved out while written, so the three gradients can be passed inout without copies.
            var dw = Matrix(rows: 0, cols: 0), da = dw, db = dw
            swap(&dw, &grads[t])
            swap(&da, &grads[n + 2 * m])
            swap(&db, &grads[n + 2 * m + 1])
            penalty += KernelWeights(weight: p.tensors[t], rowVectors: p.tensors[n + 2 * m],
                                     columnVectors: p.tensors[n + 2 * m + 1]).backward(
                effectiveGradient: kw.gradients[t], kernel: kw.kernels[m], l2: configuration.l2 * penaltyShare,
                kernelPenalty: kernelPenalty * penaltyShare, weightGradient: &dw, rowGradient: &da,
                columnGradient: &db, scratch: &kw.scratch)
            swap(&dw, &grads[t])
            swap(&da, &grads[n + 2 * m])
            swap(&db, &grads[n + 2 * m + 1])
        }
        return penalty
    }

    /// Number of kernel-vector tensors after the network's own: two (rows' and columns' vectors)
    /// per weight matrix V, W_l and output W with kernelized weights, none without.
    var kernelTensorCount: Int { configuration.kernel == nil ? 0 : 2 * (layers.count + 1) }

    /// Indices of V, the hidden W_l and the output W among `networkTensors` tensors (not V_s).
    static func kernelWeightIndices(networkTensors n: Int) -> [Int] {
        Array(stride(from: 0, to: n - (n % 2 == 1 ? 3 : 2) + 1, by: 2))
    }

    /// W ⊙ K for every kernelized weight, biases (and V_s) as they are, into the workspace; sizes
    /// its gradient buffers to match.
    func effectiveTensors(_ p: AutoRecParameters, into kw: KernelWorkspace) {
        let n = p.tensors.count - kernelTensorCount
        let weights = Self.kernelWeightIndices(networkTensors: n)
        if kw.effective.count != n { kw.effective = Array(p.tensors[0..<n]) }
        if kw.kernels.count != weights.count { kw.kernels = weights.map { _ in Matrix(rows: 0, cols: 0) } }
        for t in 0..<n where !weights.contains(t) { kw.effective[t] = p.tensors[t] }
        for (m, t) in weights.enumerated() {
            KernelWeights(weight: p.tensors[t], rowVectors: p.tensors[n + 2 * m], columnVectors: p.tensors[n + 2 * m + 1])
                .forward(kernel: &kw.kernels[m], effective: &kw.effective[t])
        }
        if kw.gradients.count != n
            || zip(kw.gradients, kw.effective).contains(where: { $0.storage.count != $1.storage.count })
        {
            kw.gradients = kw.effective.map { Matrix(rows: $0.rows, cols: $0.cols) }
        }
    }

    /// The parameters the network computes with: with kernelized weights, each weight times its
    /// kernel and the vectors dropped (what predictions, codes and model files use); otherwise `p`.
    func effectiveParameters(_ p: AutoRecParameters) -> AutoRecParameters {
        guard configuration.kernel != nil else { return p }
        let kw = KernelWorkspace()
        effectiveTensors(p, into: kw)
        return AutoRecParameters(tensors: kw.effective)
    }

    /// Appends the kernel vectors of every kernelized weight to freshly drawn network parameters,
    /// drawn 𝒩(0, initialScale²) after everything else (so plain models draw what they always did).
    func appendKernelVectors(_ p: inout AutoRecParameters, using rng: inout SplitMix64) {
        guard let kernel = configuration.kernel else { return }
        for t in Self.kernelWeightIndices(networkTensors: p.tensors.count) {
            let w = p.tensors[t]
            for rows in [w.rows, w.cols] {
                p.tensors.append(Matrix(rows: rows, cols: kernel.dimension, gaussianStandardDeviation: kernel.initialScale,
                                        using: &rng))
            }
        }
    }

    /// ``lossAndGradient(_:batch:data:penaltyShare:grads:workspace:rng:training:)`` over the
    /// network's own tensors.
    ///
    /// With `input` (GLocal-K's convolved matrix), the first layer reads that pattern and those
    /// values instead of the batch's own, whose ratings stay the targets; `input` needs a zero fill
    /// and no training noise, and its rows are the batch's rows.
    func networkLossAndGradient(
        _ p: AutoRecParameters, batch: SparseBatch, input: (batch: SparseBatch, values: [Float])? = nil,
        data: AutoRecData, penaltyShare: Float, grads: inout [Matrix], workspace ws: AutoRecWorkspace,
        rng: inout SplitMix64, training: Bool
    ) -> (objective: Double, squaredError: Double) {
        precondition(input == nil || (data.zeroFill && !(training && configuration.hasTrainingNoise)
                                      && input?.batch.matrix.rows == batch.matrix.rows),
                     "networkLossAndGradient: a separate input needs a zero fill, no noise and the batch's rows")
        let m = batch.matrix
        let depth = layers.count
        // A dense batch decodes into its own rows × inputs buffers; the per-entry ones keep their size.
        ws.prepare(rows: m.rows, layers: layers, entries: batch.dense == nil ? m.nonzeros : ws.outputs.count)
        for t in 0..<grads.count { grads[t].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }

        // Inputs: ratings minus fill, with input dropout.
        let base = batch.shiftedValues ?? m.values
        let pIn = configuration.inputDropout
        if training && pIn > 0 {
            let keep = 1 / (1 - pIn)
            ws.inputs = base
            for e in 0..<ws.inputs.count { ws.inputs[e] = rng.nextFloat() < pIn ? 0 : ws.inputs[e] * keep }
        }
        let pMask = training ? configuration.maskingNoise ?? 0 : 0
        let sigma = training ? configuration.gaussianNoise ?? 0 : 0
        let noisy = training && (pIn > 0 || pMask > 0 || sigma > 0)
        if noisy && pIn == 0 { ws.inputs = base }
        var hidden = [Bool]()
        if pMask > 0 {
            let alpha = configuration.maskedWeight ?? 1, beta = configuration.visibleWeight ?? 1
            if ws.weights.count != base.count { ws.weights = [Float](repeating: 0, count: base.count) }
            hidden = [Bool](repeating: false, count: base.count)
            for e in 0..<ws.inputs.count {
                hidden[e] = rng.nextFloat() < pMask
                // A hidden rating's input is its fill: the shifted value is zero.
                if hidden[e] { ws.inputs[e] = 0 }
                ws.weights[e] = hidden[e] ? alpha : beta
            }
        }
        if sigma > 0 {
            // One draw per entry; only the inputs left visible get it.
            for e in 0..<ws.inputs.count {
                let noise = sigma * Float(rng.nextGaussian())
                if hidden.isEmpty || !hidden[e] { ws.inputs[e] += noise }
            }
        }
        let inputs = input?.values ?? (noisy ? ws.inputs : base)
        let inputBatch = input?.batch ?? batch

        // Forward.
        // A dense batch without fill (re-feeding) reads its input as a matrix: GEMMs, no pattern.
        let denseInput = inputBatch.dense != nil && data.zeroFill
        forwardHidden(p, matrix: inputBatch.matrix, tiles: inputBatch.tiles?.matrix, globalRows: inputBatch.rows,
                      values: inputs, side: inputBatch.side?.matrix, data: data, workspace: ws, training: training,
                      rng: &rng, denseInput: denseInput)
        func layerOutput(_ l: Int) -> Matrix { self.layerOutput(l, p, workspace: ws, training: training) }
        func backInto(_ l: Int, _ body: (inout Matrix) -> Void) {
            self.backInto(l, p, workspace: ws, body)
        }
        let f = configuration.decoder
        let map = configuration.outputMap
        let weights = pMask > 0 ? ws.weights : nil
        let out = p.outputIndex
        let objective: Double, squaredError: Double
        if let targets = batch.dense {
            // Every entry of every row: the whole output as GEMMs, entries in row-major order (the
            // order of the batch's full pattern, so the noise weights line up).
            ws.prepareDense(rows: m.rows, outputs: targets.cols)
            let layer = DenseOutputLayer(activation: f)
            layer.forward(weight: p.decoderWeight, bias: p.decoderBias, codes: layerOutput(depth - 1),
                          into: &ws.denseOutputs)
            map.stretch(&ws.denseOutputs.storage)
            (objective, squaredError) = loss.evaluate(
                outputs: ws.denseOutputs.storage, targets: targets.storage, weights: weights,
                activation: map.lossActivation, delta: &ws.denseDelta.storage)
            map.chain(outputs: ws.denseOutputs.storage, delta: &ws.denseDelta.storage)
            withPair(&grads, out) { dw, db in
                backInto(depth - 1) { dh in
                    layer.backward(ws.denseDelta, codes: layerOutput(depth - 1), weight: p.decoderWeight,
                                   weightGradient: &dw, biasGradient: &db, scratch: &ws.scratch, codeGradient: &dh)
                }
            }
        } else {
            decode(p, matrix: m, tiles: batch.tiles?.matrix, codes: layerOutput(depth - 1), into: &ws.outputs)
            (objective, squaredError) = loss.evaluate(
                outputs: ws.outputs, targets: m.values, weights: weights, activation: map.lossActivation,
                delta: &ws.delta)
            map.chain(outputs: ws.outputs, delta: &ws.delta)
            withPair(&grads, out) { dw, db in
                backInto(depth - 1) { dh in
                    SampledOutputLayer(activation: f).backward(
                        ws.delta, batch: batch, codes: layerOutput(depth - 1), weight: p.decoderWeight,
                        weightGradient: &dw, biasGradient: &db, codeGradient: &dh)
                }
            }
        }

        backwardHidden(p, batch: inputBatch, values: inputs, data: data, workspace: ws, grads: &grads,
                       training: training, denseInput: denseInput)

        let lambda = configuration.l2 * penaltyShare
        let tied = configuration.tiedWeights == true
        var penalty = 0.0
        if lambda > 0 {
            // Every weight matrix: V, the hidden W's, the output W and (last, with side information) V_s;
            // tied, the shared V = W once.
            for t in stride(from: 0, to: grads.count, by: 2) where !(tied && t == out) {
                grads[t].add(p.tensors[t], scaledBy: lambda)
                penalty += p.tensors[t].sumOfSquares()
            }
            penalty *= 0.5 * Double(lambda)
        }
        if tied {
            // One shared tensor: its gradient is the sum of both uses, given to both copies.
            grads[0].add(grads[out], scaledBy: 1)
            grads[out] = grads[0]
        }
        return (objective + penalty, squaredError)
    }

    /// What layer l + 1 (or the output layer) read in the last forward pass: with side information
    /// at every layer, layer l's output with the side features appended.
    private func layerOutput(_ l: Int, _ p: AutoRecParameters, workspace ws: AutoRecWorkspace, training: Bool)
        -> Matrix
    {
        sideWidthPerLayer(p) > 0 ? ws.withSide[l]
            : training && configuration.dropout(afterLayer: l) > 0 ? ws.dropped[l] : ws.hidden[l]
    }

    /// Runs `body` on ∂E/∂ of what layer l + 1 read and leaves it in layer l's gradient, minus the
    /// side columns.
    private func backInto(_ l: Int, _ p: AutoRecParameters, workspace ws: AutoRecWorkspace,
                          _ body: (inout Matrix) -> Void) {
        let sideWidth = sideWidthPerLayer(p)
        guard sideWidth > 0 else { return body(&ws.gradients[l]) }
        let rows = ws.gradients[l].rows
        if ws.sideGradient.rows != rows || ws.sideGradient.cols != layers[l] + sideWidth {
            ws.sideGradient = Matrix(rows: rows, cols: layers[l] + sideWidth)
        }
        body(&ws.sideGradient)
        Self.leadingColumns(ws.sideGradient, layers[l], into: &ws.gradients[l])
    }

    /// Backward from ∂E/∂H of the last hidden layer (in `ws.gradients`, after a forward pass over
    /// `batch` with inputs `values` into `ws`) through every hidden layer and the input layer:
    /// adds the gradients of V, μ, each W_l, b_l (and V_s) into `grads` and leaves ∂E/∂Z₀ in
    /// `ws.gradients[0]`.
    func backwardHidden(
        _ p: AutoRecParameters, batch: SparseBatch, values inputs: [Float], data: AutoRecData,
        workspace ws: AutoRecWorkspace, grads: inout [Matrix], training: Bool, denseInput: Bool
    ) {
        let g = configuration.encoder
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let drop = training && configuration.dropout(afterLayer: l) > 0
            g.backward(outputs: ws.hidden[l], mask: drop ? ws.masks[l] : nil, gradient: &ws.gradients[l])
            if l > 0 {
                let dz = ws.gradients[l]
                let input = layerOutput(l - 1, p, workspace: ws, training: training)
                withPair(&grads, 2 * l) { dw, db in
                    backInto(l - 1, p, workspace: ws) { dx in
                        DenseLayer(activation: g).backward(
                            dz, input: input, weight: p.tensors[2 * l], weightGradient: &dw,
                            biasGradient: &db, scratch: &ws.scratch, inputGradient: &dx)
                    }
                }
            }
        }
        let m = batch.matrix
        withPair(&grads, 0) { dv, dmu in
            if denseInput {
                // ∂V = Xᵀ ∂Z, ∂μ = Σ_rows ∂Z (no ∂X: the input is data).
                let x = Matrix(rows: m.rows, cols: m.cols, storage: inputs)
                Matrix.gemm(x, transposed: true, ws.gradients[0], into: &dv, accumulate: true)
                DenseLayer.addColumnSums(ws.gradients[0], into: &dmu, scratch: &ws.scratch)
            } else {
                SparseInputLayer(activation: g).backward(
                    ws.gradients[0], batch: batch, values: inputs, data: data, workspace: ws.input,
                    weightGradient: &dv, biasGradient: &dmu)
            }
        }
        if let side = batch.side, p.hasSideWeight {
            // ∂V_s[f] = Σ_j s_jf ∂Z[j].
            side.transpose.multiply(values: side.matrix.values, ws.gradients[0], into: &grads[grads.count - 1],
                                    accumulate: true)
        }
    }
}

/// Runs `body` on tensors `i` (a weight's gradient) and `i + 1` (its bias's) of `tensors`, moved
/// out while it runs so that both can be passed `inout` without copying their storage.
func withPair(_ tensors: inout [Matrix], _ i: Int, _ body: (inout Matrix, inout Matrix) -> Void) {
    var a = Matrix(rows: 0, cols: 0), b = Matrix(rows: 0, cols: 0)
    swap(&a, &tensors[i])
    swap(&b, &tensors[i + 1])
    body(&a, &b)
    swap(&a, &tensors[i])
    swap(&b, &tensors[i + 1])
}
