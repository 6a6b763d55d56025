@testable import AutoRec
import RecData
import RecMath
import RecTestSupport
import RealModule
import Testing

/// A plain dense Double version of the AutoRec objective, written from the formula only.
struct ReferenceAutoRec {
    let config: AutoRecConfiguration
    let data: AutoRecData
    let penaltyShare: Double

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

    /// E(θ) with θ given as Double copies of [V, μ, W, b].
    func objective(_ t: [[Double]]) -> Double {
        let n = data.inputs, k = config.hiddenUnits
        let m = data.matrix
        var e = 0.0
        for j in 0..<data.rows {
            var x = (0..<n).map { Double(data.rowOffset[j] + data.inputOffset[$0]) }
            for q in m.rowStart[j]..<m.rowStart[j + 1] { x[Int(m.columns[q])] = Double(m.values[q]) }
            var h = [Double](repeating: 0, count: k)
            for c in 0..<k {
                var z = t[1][c]
                for u in 0..<n { z += t[0][u * k + c] * x[u] }
                h[c] = Self.act(config.encoder, z)
            }
            for q in m.rowStart[j]..<m.rowStart[j + 1] {
                let u = Int(m.columns[q])
                var o = t[3][u]
                for c in 0..<k { o += t[2][u * k + c] * h[c] }
                let err = Self.act(config.decoder, o) - Double(m.values[q])
                e += 0.5 * err * err
            }
        }
        let sq = (t[0] + t[2]).reduce(0) { $0 + $1 * $1 }
        return e + 0.5 * Double(config.l2) * penaltyShare * sq
    }
}

@Suite struct AutoRecGradientTests {
    static let table = TestTables.random(users: 7, items: 6, count: 22, seed: 17)

    static func check(_ config: AutoRecConfiguration, share: Float = 1) {
        var rng = SplitMix64(seed: 3)
        let params = AutoRecParameters(inputs: config.orientation == .item ? 7 : 6, hidden: config.hiddenUnits,
                                       scale: 0.3, using: &rng)
        // Ratings scaled down keep the activations away from saturation, where differences are flat.
        var table = Self.table
        table.ratings = table.ratings.map { $0 / 5 }
        let data = AutoRecData(table, orientation: config.orientation, fill: config.fill)
        let net = AutoRecNetwork(configuration: config)
        var grads = params.zeros()
        let (loss, _) = net.lossAndGradient(params, batch: SparseBatch(all: data), data: data, penaltyShare: share,
                                            grads: &grads, workspace: AutoRecWorkspace(), rng: &rng, training: false)
        let ref = ReferenceAutoRec(config: config, data: data, penaltyShare: Double(share))
        var theta = params.tensors.map { $0.storage.map(Double.init) }
        let refLoss = ref.objective(theta)
        #expect(abs(loss - refLoss) <= 1e-4 * max(1, abs(refLoss)), "objective \(loss) vs reference \(refLoss)")
        let h = 1e-6
        for t in 0..<theta.count {
            for i in 0..<theta[t].count {
                let keep = theta[t][i]
                theta[t][i] = keep + h
                let up = ref.objective(theta)
                theta[t][i] = keep - h
                let down = ref.objective(theta)
                theta[t][i] = keep
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
