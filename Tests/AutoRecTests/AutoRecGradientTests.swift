@testable import AutoRec
import RecData
import RecMath
import RecTestSupport
import RealModule
import Testing

/// A plain dense Double version of the AutoRec-family objective, written from the formula only:
/// every hidden layer `h_l = g(W_lᵀ d_{l−1} + b_l)` on a dense input vector (fill everywhere,
/// the ratings where observed), dropout as fixed masks, the output at observed entries only.
struct ReferenceAutoRec {
    var config: AutoRecConfiguration
    let data: AutoRecData
    let penaltyShare: Double
    /// Rows of the batch (global indices) in batch order; all rows by default.
    var rows: [Int]
    /// Per batch entry (in batch entry order): 0 or 1/(1−p); nil without input dropout.
    var inputMask: [Double]?
    /// Per hidden layer: batch rows × width, 0 or 1/(1−p); nil where the layer has no dropout.
    var layerMasks: [[Double]?]
    /// Per batch entry: whether masking noise hid it, and the Gaussian noise added to it.
    var hiddenEntries: [Bool]?
    var inputNoise: [Double]?

    init(config: AutoRecConfiguration, data: AutoRecData, penaltyShare: Double, rows: [Int]? = nil) {
        self.config = config
        self.data = data
        self.penaltyShare = penaltyShare
        self.rows = rows ?? Array(0..<data.rows)
        layerMasks = config.hiddenLayers.map { _ in nil }
    }

    /// Draws the masks the network draws from `rng` (input entries first, then each layer in order).
    mutating func drawMasks(entries: Int, using rng: inout SplitMix64) {
        let pIn = Double(config.inputDropout)
        if pIn > 0 {
            let keep = Double(1 / (1 - config.inputDropout))
            inputMask = (0..<entries).map { _ in Double(rng.nextFloat()) < pIn ? 0 : keep }
        }
        if let p = config.maskingNoise, p > 0 { hiddenEntries = (0..<entries).map { _ in rng.nextFloat() < p } }
        if let sigma = config.gaussianNoise, sigma > 0 {
            inputNoise = (0..<entries).map { e in
                let noise = Double(sigma * Float(rng.nextGaussian()))
                return hiddenEntries?[e] == true ? 0 : noise
            }
        }
        for (l, width) in config.hiddenLayers.enumerated() {
            let p = config.dropout(afterLayer: l)
            guard p > 0 else { continue }
            let keep = Double(1 / (1 - p))
            layerMasks[l] = (0..<(rows.count * width)).map { _ in rng.nextFloat() < p ? 0 : keep }
        }
    }

    static func act(_ a: Activation, _ z: Double) -> Double {
        switch a {
        case .identity: z
        case .sigmoid: 1 / (1 + Double.exp(-z))
        case .tanh: Double.tanh(z)
        case .relu: max(z, 0)
        case .leakyRelu: z > 0 ? z : 0.01 * z
        case .elu: z > 0 ? z : Double.exp(z) - 1
        case .selu: z > 0 ? 1.0507009873554805 * z : 1.0507009873554805 * 1.6732632423543772 * (Double.exp(z) - 1)
        }
    }

    /// The decoder's output, stretched onto the configuration's output range when it is bounded
    /// (written out per activation, apart from the code under test).
    static func output(_ config: AutoRecConfiguration, _ z: Double) -> Double {
        let y = act(config.decoder, z)
        guard let r = config.outputRange else { return y }
        let (low, high) = (Double(r.low), Double(r.high))
        switch config.decoder {
        case .sigmoid: return low + (high - low) * y
        case .tanh: return low + (high - low) * (y + 1) / 2
        default: return y
        }
    }

    /// E(θ) with θ given as Double copies of the tensors, in ``AutoRecParameters`` order; with
    /// kernelized weights the kernel vectors follow (rows' then columns' per weight matrix).
    func objective(_ t: [[Double]]) -> Double {
        guard let kernel = config.kernel else { return networkObjective(t) }
        let shapes = AutoRecParameters.shapes(inputs: data.inputs, layers: config.hiddenLayers,
                                              sideWidth: data.sideWidth, sideEveryLayer: config.sideEveryLayer == true)
        let weights = Array(stride(from: 0, through: 2 * config.hiddenLayers.count, by: 2))
        var effective = Array(t[0..<shapes.count])
        var penalty = 0.0
        let d = kernel.dimension
        for (m, w) in weights.enumerated() {
            let (a, b) = (t[shapes.count + 2 * m], t[shapes.count + 2 * m + 1])
            for r in 0..<shapes[w].rows {
                for c in 0..<shapes[w].cols {
                    let dist = (0..<d).reduce(0.0) { $0 + (a[r * d + $1] - b[c * d + $1]) * (a[r * d + $1] - b[c * d + $1]) }
                    let k = max(0, 1 - dist)
                    let i = r * shapes[w].cols + c
                    effective[w][i] = t[w][i] * k
                    penalty += 0.5 * penaltyShare * (Double(config.l2) * t[w][i] * t[w][i] + Double(kernel.penalty) * k * k)
                }
            }
        }
        var plain = self
        plain.config.kernel = nil
        plain.config.l2 = 0
        return plain.networkObjective(effective) + penalty
    }

    /// E(θ) over the network's own tensors, plain weights.
    func networkObjective(_ t: [[Double]]) -> Double {
        let n = data.inputs
        let widths = config.hiddenLayers
        let m = data.matrix
        var e = 0.0
        var entry = 0
        for (local, j) in rows.enumerated() {
            var x = (0..<n).map { Double(data.rowOffset[j] + data.inputOffset[$0]) }
            let first = entry
            for q in m.rowStart[j]..<m.rowStart[j + 1] {
                let fill = x[Int(m.columns[q])]
                let b = first + q - m.rowStart[j]
                var shifted = Float(m.values[q]) - Float(fill)
                if let mask = inputMask { shifted = Float(Double(shifted) * mask[b]) }
                if hiddenEntries?[b] == true { shifted = 0 }
                x[Int(m.columns[q])] = fill + Double(shifted) + (inputNoise?[b] ?? 0)
            }
            entry += m.rowStart[j + 1] - m.rowStart[j]
            // Layer 0 reads x through V (n × k₀, one row per input), and side features through U;
            // with side information at every layer, the later layers read [h | s] through W_l.
            var d = x
            var fanIn = n
            var s = [Double]()
            if config.sideEveryLayer == true, let side = data.side {
                s = [Double](repeating: 0, count: side.cols)
                for q in side.rowStart[j]..<side.rowStart[j + 1] { s[Int(side.columns[q])] = Double(side.values[q]) }
            }
            for (l, k) in widths.enumerated() {
                var h = [Double](repeating: 0, count: k)
                for c in 0..<k {
                    var z = t[2 * l + 1][c]
                    for u in 0..<fanIn { z += t[2 * l][u * k + c] * d[u] }
                    if l == 0, let side = data.side {
                        for q in side.rowStart[j]..<side.rowStart[j + 1] {
                            z += Double(side.values[q]) * t[t.count - 1][Int(side.columns[q]) * k + c]
                        }
                    }
                    h[c] = Self.act(config.encoder, z) * (layerMasks[l]?[local * k + c] ?? 1)
                }
                d = h + s
                fanIn = k + s.count
            }
            let out = t.count - (data.side == nil ? 2 : 3)
            for q in m.rowStart[j]..<m.rowStart[j + 1] {
                let u = Int(m.columns[q])
                var o = t[out + 1][u]
                for c in 0..<fanIn { o += t[out][u * fanIn + c] * d[c] }
                let err = Self.output(config, o) - Double(m.values[q])
                let hid = hiddenEntries?[first + q - m.rowStart[j]]
                let w = hid.map { Double($0 ? config.maskedWeight ?? 1 : config.visibleWeight ?? 1) } ?? 1
                e += 0.5 * w * err * err
            }
        }
        var sq = 0.0
        let tiedOutput = config.tiedWeights == true ? t.count - (data.side == nil ? 2 : 3) : -1
        for w in stride(from: 0, to: t.count, by: 2) where w != tiedOutput { sq += t[w].reduce(0) { $0 + $1 * $1 } }
        return e + 0.5 * Double(config.l2) * penaltyShare * sq
    }
}

@Suite struct AutoRecGradientTests {
    static let table = TestTables.random(users: 7, items: 6, count: 22, seed: 17)

    /// Every user rates every item: the data of a dense batch.
    static let fullTable = TestTables.random(users: 7, items: 6, count: 42, seed: 17)

    /// Compares the network's objective and gradient with the reference's at random weights, over
    /// all rows or the batch `rows`, with dropout masks drawn when `training`.
    ///
    /// With `dense`, every user rates every item and the batch is all rows as a dense batch
    /// (`SparseBatch(dense:)`, as re-feeding makes it), which runs the dense output layer; its
    /// values are given in full, so the fill must be zero.
    static func check(
        _ config: AutoRecConfiguration, share: Float = 1, rows: [Int32]? = nil, training: Bool = false,
        scale: Float = 0.3, sideWidth: Int = 0, dense: Bool = false, tiled: Bool = false
    ) {
        precondition(!dense || (rows == nil && config.fill == .zero), "a dense batch has every row and no fill")
        var rng = SplitMix64(seed: 3)
        var params = AutoRecParameters(inputs: config.orientation == .item ? 7 : 6, layers: config.hiddenLayers,
                                       sideWidth: sideWidth, sideEveryLayer: config.sideEveryLayer == true,
                                       initialization: .fixed, scale: scale, using: &rng)
        let tied = config.tiedWeights == true
        if tied { params.tensors[params.outputIndex] = params.tensors[0] }
        AutoRecNetwork(configuration: config).appendKernelVectors(&params, using: &rng)
        // Ratings scaled down keep the activations away from saturation, where differences are flat.
        var table = dense ? Self.fullTable : Self.table
        table.ratings = table.ratings.map { $0 / 5 }
        // Side features of any value, some rows without any.
        let entities = config.orientation == .item ? 6 : 7
        let side = sideWidth == 0 ? nil : SideFeatures(
            matrix: Reference.randomCSR(rows: entities, cols: sideWidth, density: 0.4, seed: 9),
            names: (0..<sideWidth).map { "f\($0)" })
        let data = AutoRecData(table, orientation: config.orientation, fill: config.fill, side: side)
        let net = AutoRecNetwork(configuration: config)
        var grads = params.zeros()
        var batch = dense
            ? SparseBatch(dense: Matrix(rows: data.rows, cols: data.inputs, storage: data.matrix.values),
                          side: data.side.map { ($0, CSRTranspose(of: $0)) })
            : rows.map { SparseBatch($0[...], of: data) } ?? SparseBatch(all: data)
        #expect(dense == (batch.dense != nil))
        #expect(batch.tiles == nil, "tiny batches keep the plain kernels")
        if tiled {
            // Blocks of 2 × 3 over 6 or 7 rows: several row and column blocks, a short last one.
            batch.tiles = .init(batch.matrix, batch.transpose, rowBlocks: (2, 2), columnBlock: 3)
        }
        var ref = ReferenceAutoRec(config: config, data: data, penaltyShare: Double(share),
                                   rows: rows?.map { Int($0) })
        if training {
            var copy = rng
            ref.drawMasks(entries: batch.matrix.nonzeros, using: &copy)
        }
        let (loss, _) = net.lossAndGradient(params, batch: batch, data: data, penaltyShare: share,
                                            grads: &grads, workspace: AutoRecWorkspace(), rng: &rng,
                                            training: training)
        var theta = params.tensors.map { $0.storage.map(Double.init) }
        let refLoss = ref.objective(theta)
        #expect(abs(loss - refLoss) <= 1e-4 * max(1, abs(refLoss)), "objective \(loss) vs reference \(refLoss)")
        let h = 1e-6
        // Tied, the output W is V itself: nudge both, and the shared gradient is in both copies.
        let out = params.outputIndex
        if tied { #expect(grads[out] == grads[0]) }
        for t in 0..<theta.count where !(tied && t == out) {
            for i in 0..<theta[t].count {
                let keep = theta[t][i]
                func set(_ x: Double) {
                    theta[t][i] = x
                    if tied && t == 0 { theta[out][i] = x }
                }
                set(keep + h)
                let up = ref.objective(theta)
                set(keep - h)
                let down = ref.objective(theta)
                set(keep)
                let numeric = (up - down) / (2 * h)
                let analytic = Double(grads[t].storage[i])
                #expect(abs(analytic - numeric) <= 2e-4 + 2e-3 * abs(numeric),
                        "tensor \(t) element \(i): analytic \(analytic), numeric \(numeric)")
            }
        }
    }

    @Test("gradient matches central differences for every encoder activation", arguments: Activation.allCases)
    func encoders(g: Activation) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 3
        c.encoder = g
        c.l2 = 0.5
        Self.check(c)
    }

    @Test("gradient matches central differences for every decoder activation", arguments: Activation.allCases)
    func decoders(f: Activation) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 4
        c.decoder = f
        c.l2 = 0
        Self.check(c)
    }

    @Test("a bounded decoder stretched onto the rating scale: sampled and dense outputs, one layer and deep",
          arguments: [Activation.sigmoid, .tanh, .relu])
    func outputRange(f: Activation) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 4
        c.decoder = f
        c.outputRange = .init(low: 1, high: 5)
        c.l2 = 0.2
        Self.check(c)
        Self.check(c, scale: 0.5, dense: true)
        c.layers = [3, 2, 3]
        c.encoder = .elu
        Self.check(c)
    }

    @Test("kernelized weights: weights, both vector sets and the kernel penalty, one layer and deep, side, fill, batch")
    func kernelized() {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 3
        c.l2 = 0.4
        // Vectors spread enough that some kernels are zero and some in between.
        c.kernel = .init(dimension: 2, penalty: 0.7, initialScale: 0.45)
        Self.check(c)
        c.layers = [3, 2]
        c.decoder = .sigmoid
        c.outputRange = .init(low: 0, high: 1)
        Self.check(c)
        c.fill = .userMean
        c.orientation = .user
        Self.check(c, share: 0.5, rows: [4, 1, 6], sideWidth: 2)
        c.sideEveryLayer = true
        Self.check(c, sideWidth: 2)
    }

    static let allFills: [AutoRecConfiguration.Fill] = [.zero, .constant(0.6), .userMean, .itemMean]

    @Test("gradient matches for every fill of unobserved inputs, both orientations",
          arguments: allFills, AutoRecConfiguration.Orientation.allCases)
    func fillModes(fill: AutoRecConfiguration.Fill, orientation: AutoRecConfiguration.Orientation) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 3
        c.fill = fill
        c.orientation = orientation
        c.encoder = .tanh
        c.l2 = 0.2
        Self.check(c)
    }

    @Test("the L2 term takes the batch's share of the penalty", arguments: [Float(1), 0.25])
    func penaltyShare(share: Float) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 2
        c.l2 = 3
        Self.check(c, share: share)
    }
}

@Suite struct DeepGradientTests {
    static func deep(_ layers: [Int], _ o: AutoRecConfiguration.Orientation = .user) -> AutoRecConfiguration {
        var c = AutoRecConfiguration()
        c.layers = layers
        c.orientation = o
        c.l2 = 0.3
        return c
    }

    @Test("a deep stack's gradient matches central differences for every hidden activation",
          arguments: Activation.allCases)
    func activations(g: Activation) {
        var c = Self.deep([3, 2, 4])
        c.encoder = g
        AutoRecGradientTests.check(c, scale: 0.5)
    }

    @Test("a deep stack's gradient matches for every output activation", arguments: Activation.allCases)
    func outputs(f: Activation) {
        var c = Self.deep([4, 3])
        c.encoder = .tanh
        c.decoder = f
        AutoRecGradientTests.check(c, scale: 0.5)
    }

    @Test("deep stacks of several depths and widths, both orientations",
          arguments: [[1, 1], [5, 1, 5], [2, 3, 4, 3], [9, 17]], AutoRecConfiguration.Orientation.allCases)
    func shapes(layers: [Int], orientation: AutoRecConfiguration.Orientation) {
        var c = Self.deep(layers, orientation)
        c.encoder = .elu
        AutoRecGradientTests.check(c, scale: 0.5)
    }

    @Test("a mini-batch with a non-zero fill takes its share of the penalty",
          arguments: AutoRecGradientTests.allFills)
    func miniBatch(fill: AutoRecConfiguration.Fill) {
        var c = Self.deep([3, 2, 3], .item)
        c.encoder = .selu
        c.fill = fill
        AutoRecGradientTests.check(c, share: 0.5, rows: [4, 1, 3], scale: 0.5)
    }

    @Test("dropout on inputs, on the code and per layer, with the masks held fixed",
          arguments: [(Float(0.3), Float(0.5), nil), (0, 0, [Float(0.4), 0, 0.2]), (0.2, 0, [0.5, 0.5, 0.5])])
    func dropout(input: Float, code: Float, perLayer: [Float]?) {
        var c = Self.deep([3, 4, 3])
        c.encoder = .sigmoid
        c.fill = .constant(0.4)
        c.inputDropout = input
        c.codeDropout = code
        c.layerDropout = perLayer
        AutoRecGradientTests.check(c, training: true, scale: 0.5)
    }

    @Test("denoising: masking noise with α/β loss weights and Gaussian noise, noise held fixed",
          arguments: [(Float(0.4), Float(2), Float(0.5), Float(0)), (0, 1, 1, 0.3), (0.3, 0.7, 1.5, 0.2)])
    func denoising(masking: Float, alpha: Float, beta: Float, sigma: Float) {
        for layers in [nil, [3, 2, 3]] as [[Int]?] {
            var c = AutoRecConfiguration()
            c.hiddenUnits = 3
            c.layers = layers
            c.encoder = .tanh
            c.fill = .userMean
            c.l2 = 0.2
            c.maskingNoise = masking
            c.maskedWeight = alpha
            c.visibleWeight = beta
            c.gaussianNoise = sigma
            c.inputDropout = 0.2
            AutoRecGradientTests.check(c, training: true, scale: 0.5)
        }
    }

    @Test("side features appended to the input, one layer and deep, any width, with a mini-batch and a fill",
          arguments: [1, 3, 8], [nil, [3, 2, 3]] as [[Int]?])
    func sideInformation(width: Int, layers: [Int]?) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 3
        c.layers = layers
        c.orientation = width == 3 ? .item : .user
        c.encoder = .sigmoid
        c.fill = .constant(0.5)
        c.l2 = 0.4
        AutoRecGradientTests.check(c, share: 0.5, rows: [3, 0, 5], scale: 0.5, sideWidth: width)
        AutoRecGradientTests.check(c, scale: 0.5, sideWidth: width)
    }

    @Test("side features at every layer: one layer and deep, with a mini-batch, a fill and dropout",
          arguments: [1, 4], [nil, [3, 2, 3]] as [[Int]?])
    func sideEveryLayer(width: Int, layers: [Int]?) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 3
        c.layers = layers
        c.sideEveryLayer = true
        c.orientation = width == 4 ? .item : .user
        c.encoder = .tanh
        c.fill = .userMean
        c.l2 = 0.3
        AutoRecGradientTests.check(c, share: 0.5, rows: [3, 0, 5], scale: 0.5, sideWidth: width)
        AutoRecGradientTests.check(c, scale: 0.5, sideWidth: width)
        c.layerDropout = layers.map { $0.map { _ in 0.3 } } ?? [0.3]
        AutoRecGradientTests.check(c, training: true, scale: 0.5, sideWidth: width)
    }

    @Test("tied weights: the decoder is the encoder transposed, one layer and symmetric stacks",
          arguments: [nil, [3, 2, 3], [4, 4]] as [[Int]?])
    func tiedWeights(layers: [Int]?) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 3
        c.layers = layers
        c.tiedWeights = true
        c.encoder = .elu
        c.fill = .itemMean
        c.l2 = 0.5
        AutoRecGradientTests.check(c, scale: 0.5)
        AutoRecGradientTests.check(c, share: 0.5, rows: [1, 4], scale: 0.5, sideWidth: 2)
    }

    @Test("a dense batch (re-feeding) through the dense output layer: every output activation, deep, tied, side features, noise",
          arguments: Activation.allCases)
    func denseBatch(f: Activation) {
        var c = AutoRecConfiguration()
        c.hiddenUnits = 3
        c.encoder = .sigmoid
        c.decoder = f
        c.l2 = 0.3
        AutoRecGradientTests.check(c, scale: 0.5, dense: true)
        c.layers = [3, 2, 3]
        c.encoder = .elu
        c.tiedWeights = f == .identity
        c.maskingNoise = 0.3
        c.maskedWeight = 1.5
        c.visibleWeight = 0.5
        c.gaussianNoise = 0.2
        c.codeDropout = 0.4
        AutoRecGradientTests.check(c, training: true, scale: 0.5, sideWidth: 2, dense: true)
        // Side information at every layer (untied: the output weights are wider).
        c.tiedWeights = nil
        c.sideEveryLayer = true
        AutoRecGradientTests.check(c, training: true, scale: 0.5, sideWidth: 2, dense: true)
    }

    @Test("over cache tiles the gradient matches too: one layer and deep, both orientations, a fill, a mini-batch",
          arguments: [([4], AutoRecConfiguration.Orientation.item), ([4, 3, 5], .item), ([3], .user), ([3, 4], .user)])
    func tiles(layers: [Int], orientation: AutoRecConfiguration.Orientation) {
        var config = Self.deep(layers, orientation)
        AutoRecGradientTests.check(config, tiled: true)
        config.fill = .userMean
        AutoRecGradientTests.check(config, tiled: true)
        AutoRecGradientTests.check(config, share: 0.5, rows: [4, 0, 2], tiled: true)
    }

    @Test("the tiled and the plain kernels give the same objective and gradient bit for bit, at 1 and 2 threads",
          arguments: [1, 2])
    func tilesEqualPlain(threads: Int) {
        Parallelism.withThreads(threads) {
            let config = Self.deep([5, 3, 5], .item)
            var rng = SplitMix64(seed: 5)
            let table = TestTables.random(users: 40, items: 30, count: 500, seed: 8)
            let data = AutoRecData(table, orientation: .item, fill: .itemMean)
            let params = AutoRecParameters(inputs: data.inputs, layers: config.hiddenLayers, initialization: .fixed,
                                           scale: 0.3, using: &rng)
            let net = AutoRecNetwork(configuration: config)
            let plain = SparseBatch(all: data)
            var tiled = plain
            tiled.tiles = .init(plain.matrix, plain.transpose, rowBlocks: (4, 7), columnBlock: 6)
            var g1 = params.zeros(), g2 = params.zeros()
            var r1 = rng, r2 = rng
            let a = net.lossAndGradient(params, batch: plain, data: data, penaltyShare: 1, grads: &g1,
                                        workspace: AutoRecWorkspace(), rng: &r1, training: false)
            let b = net.lossAndGradient(params, batch: tiled, data: data, penaltyShare: 1, grads: &g2,
                                        workspace: AutoRecWorkspace(), rng: &r2, training: false)
            #expect(a.objective == b.objective && a.squaredError == b.squaredError)
            #expect(g1 == g2)
        }
    }

    @Test("the one-layer case draws exactly the paper's tensors and names")
    func names() {
        var rng = SplitMix64(seed: 1)
        let one = AutoRecParameters(inputs: 5, hidden: 3, scale: 0.1, using: &rng)
        #expect(one.names == ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"])
        let deep = AutoRecParameters(inputs: 5, layers: [4, 2, 4], initialization: .lecun, scale: 0.1, using: &rng)
        #expect(deep.names == ["encoder.weight", "encoder.bias", "hidden.1.weight", "hidden.1.bias",
                               "hidden.2.weight", "hidden.2.bias", "decoder.weight", "decoder.bias"])
        #expect(deep.tensors.map { [$0.rows, $0.cols] } == [[5, 4], [1, 4], [4, 2], [1, 2], [2, 4], [1, 4], [5, 4], [1, 5]])
        #expect(deep.tensors[1].storage.allSatisfy { $0 == 0 }, "biases start at zero")
    }
}
