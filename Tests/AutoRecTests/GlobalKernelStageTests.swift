@testable import AutoRec
import RecData
import RecMath
import RecTestSupport
import Testing

/// GLocal-K's fine-tuning objective in plain dense `Double`, written from the formula: every
/// weight times its kernel, the network on dense rows, m_i the mean of item i's reconstruction
/// over every user, gk = s Cᵀ m, X = ReLU(conv2d(R, gk)), and E at the ratings plus penalties.
struct ReferenceGLocal {
    let config: AutoRecConfiguration
    let r: CSRMatrix
    var users: Int { r.cols }

    /// E(θ): θ = the network's tensors, the kernel vectors, then C (items × 9). With `frozen`, gk is
    /// that constant instead of s Cᵀ m(θ) (the objective without the m path).
    func objective(_ t: [[Double]], frozen: [Double]? = nil) -> Double {
        let layers = config.hiddenLayers
        let shapes = AutoRecParameters.shapes(inputs: users, layers: layers)
        let kernel = config.kernel ?? .init(penalty: 0)
        let d = kernel.dimension
        var w = Array(t[0..<shapes.count])
        var penalty = 0.0
        for (m, i) in stride(from: 0, through: 2 * layers.count, by: 2).enumerated() {
            let (a, b) = (t[shapes.count + 2 * m], t[shapes.count + 2 * m + 1])
            for row in 0..<shapes[i].rows {
                for col in 0..<shapes[i].cols {
                    var dist = 0.0
                    for q in 0..<d { dist += (a[row * d + q] - b[col * d + q]) * (a[row * d + q] - b[col * d + q]) }
                    let k = max(0, 1 - dist)
                    let e = row * shapes[i].cols + col
                    w[i][e] = t[i][e] * k
                    penalty += 0.5 * (Double(config.l2) * t[i][e] * t[i][e] + Double(kernel.penalty) * k * k)
                }
            }
        }
        // f(x) over every user: sigmoid hidden layers, identity output.
        func network(_ x: [Double]) -> [Double] {
            var h = x
            for (l, k) in layers.enumerated() {
                let fanIn = h.count
                h = (0..<k).map { c in
                    var z = w[2 * l + 1][c]
                    for j in 0..<fanIn { z += w[2 * l][j * k + c] * h[j] }
                    return 1 / (1 + Double.exp(-z))
                }
            }
            let out = 2 * layers.count, kl = h.count
            return (0..<users).map { u in (0..<kl).reduce(w[out + 1][u]) { $0 + w[out][u * kl + $1] * h[$1] } }
        }
        let ref = ReferenceConvolution(r)
        let c = t[t.count - 1]
        var gk = [Double](repeating: 0, count: 9)
        for i in 0..<r.rows {
            let m = network(ref.r[i]).reduce(0, +) / Double(users)
            for q in 0..<9 { gk[q] += Double(config.globalKernel?.dotScale ?? 1) * c[i * 9 + q] * m }
        }
        gk = frozen ?? gk
        var e = 0.0
        for i in 0..<r.rows {
            let y = network((0..<users).map { max(0, ref.s(gk, i, $0)) })
            for q in r.rowStart[i]..<r.rowStart[i + 1] {
                let err = y[Int(r.columns[q])] - Double(r.values[q])
                e += 0.5 * err * err
            }
        }
        return e + penalty
    }
}

@Suite struct GlobalKernelStageTests {
    static func config(layers: [Int], dotScale: Float) -> AutoRecConfiguration {
        var c = AutoRecConfiguration.glocalK
        c.layers = layers
        c.l2 = 0.4
        // Vectors spread enough that some kernels are zero and some in between.
        c.kernel = .init(dimension: 2, penalty: 0.7, initialScale: 0.3)
        c.globalKernel = .init(dotScale: dotScale, fineTuneEpochs: 3, initialScale: 1)
        return c
    }

    @Test("the fine-tuning objective and its gradient (network through both uses, vectors, C) match a Double reference",
          arguments: [[3, 2], [4]], [Float(1), 3])
    func gradient(layers: [Int], dotScale: Float) throws {
        let c = Self.config(layers: layers, dotScale: dotScale)
        try c.validate()
        var table = TestTables.random(users: 6, items: 5, count: 13, seed: 23)
        // Ratings scaled down keep the sigmoids away from saturation.
        table.ratings = table.ratings.map { $0 / 5 }
        let data = AutoRecData(table, orientation: .item, fill: .zero)
        var rng = SplitMix64(seed: 3)
        var params = AutoRecParameters(inputs: 6, layers: layers, initialization: .fixed,
                                       scale: Float(layers.count), using: &rng)
        AutoRecNetwork(configuration: c).appendKernelVectors(&params, using: &rng)
        let settings = try #require(c.globalKernel)
        let tensors = params.tensors + [GlobalKernelStage.initialWeights(items: 5, settings: settings, using: &rng)]
        let stage = GlobalKernelStage(configuration: c, data: data)
        var grads = tensors.map { Matrix(rows: $0.rows, cols: $0.cols) }
        let (loss, _) = stage.lossAndGradient(tensors, grads: &grads)
        #expect(stage.kernel.contains { $0 > 0 } && stage.kernel.contains { $0 < 0 }, "gk \(stage.kernel)")

        let ref = ReferenceGLocal(config: c, r: data.matrix)
        var theta = tensors.map { $0.storage.map(Double.init) }
        let refLoss = ref.objective(theta)
        #expect(abs(loss - refLoss) <= 1e-4 * max(1, abs(refLoss)), "objective \(loss) vs reference \(refLoss)")
        let h = 1e-6
        let gk = stage.kernel.map(Double.init)
        // How far the largest network gradient moves when the m path is cut, in tolerances: the
        // check below could not pass with that path dropped.
        var mPath = 0.0
        for t in 0..<theta.count {
            for i in 0..<theta[t].count {
                let keep = theta[t][i]
                func difference(frozen: [Double]?) -> Double {
                    theta[t][i] = keep + h
                    let up = ref.objective(theta, frozen: frozen)
                    theta[t][i] = keep - h
                    let down = ref.objective(theta, frozen: frozen)
                    theta[t][i] = keep
                    return (up - down) / (2 * h)
                }
                let numeric = difference(frozen: nil)
                let analytic = Double(grads[t].storage[i])
                let tolerance = 1e-4 + 2e-3 * abs(numeric)
                #expect(abs(analytic - numeric) <= tolerance,
                        "tensor \(t) element \(i): analytic \(analytic), numeric \(numeric)")
                if t < theta.count - 1 {
                    mPath = max(mPath, abs(numeric - difference(frozen: gk)) / tolerance)
                }
            }
        }
        #expect(mPath > 10, "the m path moves the gradient by at most \(mPath) tolerances")
        #expect(grads[grads.count - 1].storage.contains { abs($0) > 1e-2 }, "C's gradient is not negligible")
    }

    @Test("the codes for prediction are the codes of the last evaluation's X")
    func codes() throws {
        let c = Self.config(layers: [3, 2], dotScale: 1)
        let table = TestTables.random(users: 6, items: 5, count: 13, seed: 23)
        let data = AutoRecData(table, orientation: .item, fill: .zero)
        var rng = SplitMix64(seed: 3)
        var params = AutoRecParameters(inputs: 6, layers: [3, 2], initialization: .fixed, scale: 0.5, using: &rng)
        AutoRecNetwork(configuration: c).appendKernelVectors(&params, using: &rng)
        let settings = try #require(c.globalKernel)
        let tensors = params.tensors + [GlobalKernelStage.initialWeights(items: 5, settings: settings, using: &rng)]
        let stage = GlobalKernelStage(configuration: c, data: data)
        var grads = tensors.map { Matrix(rows: $0.rows, cols: $0.cols) }
        _ = stage.lossAndGradient(tensors, grads: &grads)
        let h = GlobalKernelStage.codes(c, stage.networkParameters(tensors), data: data, kernel: stage.kernel)
        #expect(h == stage.codes)
        // And they differ from the codes of R itself: the convolution changed the input.
        #expect(h != AutoRecModel.allCodes(c, stage.networkParameters(tensors), data))
    }

    @Test("C starts as a normal truncated at two standard deviations")
    func initialWeights() {
        var rng = SplitMix64(seed: 1)
        let settings = AutoRecConfiguration.GlobalKernelSettings(initialScale: 0.1)
        let c = GlobalKernelStage.initialWeights(items: 400, settings: settings, using: &rng)
        #expect(c.rows == 400 && c.cols == 9)
        #expect(c.storage.allSatisfy { abs($0) <= 0.2 })
        let sd = (c.storage.reduce(0) { $0 + Double($1 * $1) } / Double(c.storage.count)).squareRoot()
        // A normal truncated at ±2σ keeps about 88% of σ.
        #expect(sd > 0.08 && sd < 0.095, "standard deviation \(sd)")
    }
}
