import Foundation
import RecMath
import Testing

@testable import AutoRec

/// Tiny implicit data shared by the top-N autoencoder tests.
enum ImplicitFixtures {
    /// A checkerboard: user u has the items i with (u + i) even; each user's held-out item is one
    /// of those (a different one for neighbouring users), the rest are their training items.
    static func checkerboard(users: Int = 16, items: Int = 8) -> (training: [[Int32]], held: [Int32]) {
        var training = [[Int32]](), held = [Int32]()
        for u in 0..<users {
            let mine = (0..<items).filter { (u + $0) % 2 == 0 }.map { Int32($0) }
            let h = mine[(u / 2) % mine.count]
            held.append(h)
            training.append(mine.filter { $0 != h })
        }
        return (training, held)
    }

    /// Whether every user's held-out item scores above every other item they do not have.
    static func ranksHeldOutFirst(_ model: some TopNModel, training: [[Int32]], held: [Int32]) -> Bool {
        var scores = [Float](repeating: 0, count: model.itemCount)
        for (u, list) in training.enumerated() {
            model.scores(user: Int32(u), items: list, into: &scores)
            let target = scores[Int(held[u])]
            for j in 0..<model.itemCount where j != Int(held[u]) && !list.contains(Int32(j)) {
                if !(scores[j] < target) { return false }
            }
        }
        return true
    }

    /// Central differences of `loss` at every coordinate of `params`, in Double.
    static func numericGradient(_ params: [[Double]], step: Double = 1e-5, _ loss: ([[Double]]) -> Double)
        -> [[Double]]
    {
        var out = params.map { [Double](repeating: 0, count: $0.count) }
        var p = params
        for t in params.indices {
            for k in params[t].indices {
                let x = p[t][k]
                p[t][k] = x + step
                let up = loss(p)
                p[t][k] = x - step
                let down = loss(p)
                p[t][k] = x
                out[t][k] = (up - down) / (2 * step)
            }
        }
        return out
    }
}

@Suite struct MultAutoencoderTests {
    static let lists: [[Int32]] = [[0, 2, 5], [1, 3], [4, 5, 6, 0], [2]]

    /// The objective in Double, written from the paper's formulas over the model's layers.
    static func referenceLoss(
        _ m: MultAutoencoder, _ p: [[Double]], lists: [[Int32]], epsilon: [[Double]], beta: Double
    ) -> Double {
        var total = 0.0
        for (r, list) in lists.enumerated() {
            var h = [Double](repeating: 0, count: m.itemCount)
            for i in list { h[Int(i)] = 1 / Double(list.count).squareRoot() }
            var kl = 0.0
            for (l, layer) in m.layers.enumerated() {
                let w = p[2 * l], b = p[2 * l + 1]
                var out = b
                for q in 0..<layer.inputs {
                    for j in 0..<layer.outputs { out[j] += h[q] * w[q * layer.outputs + j] }
                }
                if layer.activation == .tanh { out = out.map { Foundation.tanh($0) } }
                if l == m.head {
                    let d = layer.outputs / 2
                    h = (0..<d).map { out[$0] + epsilon[r][$0] * Foundation.exp(0.5 * out[d + $0]) }
                    for k in 0..<d {
                        kl += 0.5 * (-out[d + k] + Foundation.exp(out[d + k]) + out[k] * out[k] - 1)
                    }
                } else {
                    h = out
                }
            }
            let top = h.max() ?? 0
            let lse = top + Foundation.log(h.reduce(0) { $0 + Foundation.exp($1 - top) })
            total += Double(list.count) * lse - list.reduce(0) { $0 + h[Int($1)] } + beta * kl
        }
        var penalty = 0.0
        for l in m.layers.indices { penalty += p[2 * l].reduce(0) { $0 + $1 * $1 } }
        return total / Double(lists.count) + Double(m.configuration.l2) * penalty
    }

    @Test(
        "the DAE and VAE gradients match central differences of a Double reference, noise fixed",
        arguments: [MultAutoencoder.Variant.dae, .vae])
    func gradient(variant: MultAutoencoder.Variant) throws {
        let config = MultAutoencoder.Configuration(
            variant: variant, hidden: [5, 3], inputDropout: 0, l2: 0.01, seed: 3)
        var m = try MultAutoencoder(itemCount: 7, configuration: config)
        // Non-zero biases so that their gradients are exercised away from 0.
        var rng = SplitMix64(seed: 9)
        for t in stride(from: 1, to: m.parameters.count, by: 2) {
            for k in m.parameters[t].storage.indices { m.parameters[t].storage[k] = rng.nextFloat() - 0.5 }
        }
        let d = 3
        let eps = (0..<Self.lists.count).map { _ in (0..<d).map { _ in rng.nextGaussian() } }
        let epsMatrix = Matrix(rows: Self.lists.count, cols: d, storage: eps.flatMap { $0.map { Float($0) } })
        let beta: Float = 0.3
        var noRng = SplitMix64(seed: 0)
        let (loss, grads) = m.lossAndGradient(
            Self.lists, dropout: 0, epsilon: variant == .vae ? epsMatrix : nil, beta: beta, rng: &noRng)
        let p = m.parameters.map { $0.storage.map { Double($0) } }
        let ref = Self.referenceLoss(m, p, lists: Self.lists, epsilon: eps, beta: Double(beta))
        #expect(abs(loss.total - ref) < 1e-4 * max(1, abs(ref)))
        let numeric = ImplicitFixtures.numericGradient(p) {
            Self.referenceLoss(m, $0, lists: Self.lists, epsilon: eps, beta: Double(beta))
        }
        var worst = 0.0
        for t in p.indices {
            for k in p[t].indices {
                worst = max(
                    worst, abs(Double(grads[t].storage[k]) - numeric[t][k]) / max(1, abs(numeric[t][k])))
            }
        }
        #expect(worst < 1e-4, "worst relative gradient error \(worst)")
    }

    @Test(
        "batched scores (GEMMs) equal the one-user scoring path",
        arguments: [MultAutoencoder.Variant.dae, .vae])
    func batchEqualsSingle(variant: MultAutoencoder.Variant) throws {
        let m = try MultAutoencoder(itemCount: 7, configuration: .init(variant: variant, hidden: [5, 3]))
        let batch = m.scoreMatrix(users: [nil, nil, nil, nil], inputs: Self.lists)
        var s = [Float](repeating: 0, count: 7)
        for (r, list) in Self.lists.enumerated() {
            m.scores(user: nil, items: list, into: &s)
            for j in 0..<7 { #expect(abs(s[j] - batch[r, j]) < 1e-5) }
        }
    }

    @Test(
        "Mult-DAE and Mult-VAE rank every user's held-out checkerboard item first",
        arguments: [MultAutoencoder.Variant.dae, .vae])
    func checkerboard(variant: MultAutoencoder.Variant) throws {
        let (training, held) = ImplicitFixtures.checkerboard()
        var m = try MultAutoencoder(
            itemCount: 8, configuration: .init(variant: variant, hidden: [16, 4], inputDropout: 0.2, seed: 5))
        let options = ImplicitTrainingOptions(batchSize: 4, learningRate: 0.01)
        for _ in 0..<60 { _ = m.trainEpoch(training, options: options) }
        #expect(ImplicitFixtures.ranksHeldOutFirst(m, training: training, held: held))
    }

    @Test("the annealing step counts optimizer steps across epochs and survives a checkpoint")
    func annealingAcrossEpochsAndCheckpoint() throws {
        let (training, _) = ImplicitFixtures.checkerboard(users: 10, items: 6)
        let schedule = AnnealingSchedule(cap: 0.2, totalSteps: 40)
        let config = MultAutoencoder.Configuration(
            variant: .vae, hidden: [4, 2], annealing: schedule, seed: 2)
        let options = ImplicitTrainingOptions(batchSize: 4)  // 10 users: 3 steps per epoch
        var straight = try MultAutoencoder(itemCount: 6, configuration: config)
        for e in 1...3 {
            _ = straight.trainEpoch(training, options: options)
            #expect(straight.trainingState.steps == 3 * e)
            #expect(straight.beta == min(0.2, Float(3 * e) / 40))
        }
        var resumed = try MultAutoencoder(itemCount: 6, configuration: config)
        for _ in 1...2 { _ = resumed.trainEpoch(training, options: options) }
        let file = try JSONEncoder().encode(resumed)
        resumed = try JSONDecoder().decode(MultAutoencoder.self, from: file)
        #expect(resumed.trainingState.steps == 6 && resumed.trainingState.epochs == 2)
        _ = resumed.trainEpoch(training, options: options)
        #expect(resumed.trainingState.steps == 9)
        #expect(resumed.parameters == straight.parameters)
    }

    @Test("the schedule is min(cap, step / total) and stops at the cap")
    func schedule() {
        let s = AnnealingSchedule(cap: 0.2, totalSteps: 100)
        #expect(s.beta(step: 0) == 0)
        #expect(s.beta(step: 10) == 0.1)
        #expect(s.beta(step: 20) == 0.2)
        #expect(s.beta(step: 5000) == 0.2)
    }

    @Test("bad settings are errors, not traps")
    func badConfiguration() {
        #expect(throws: TopNModelError.self) {
            try MultAutoencoder(itemCount: 5, configuration: .init(variant: .vae, hidden: []))
        }
        #expect(throws: TopNModelError.self) {
            try MultAutoencoder(itemCount: 5, configuration: .init(variant: .dae, inputDropout: 1))
        }
    }
}
