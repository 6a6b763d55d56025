import Foundation
import RecMath
import Testing

@testable import AutoRec

@Suite struct CDAETests {
    static let lists: [[Int32]] = [[0, 2, 5], [1, 3], [4, 5, 6, 0]]

    /// The objective in Double over fixed targets, from the paper's formulas.
    static func referenceLoss(
        _ m: CDAE, _ p: [[Double]], users: [Int], lists: [[Int32]], targets: CDAE.Targets
    ) -> Double {
        let k = m.configuration.hidden
        func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        var total = 0.0
        for (r, u) in users.enumerated() {
            var h = (0..<k).map { p[1][$0] + p[2][u * k + $0] }
            for i in lists[r] { for c in 0..<k { h[c] += p[0][Int(i) * k + c] } }
            switch m.configuration.codeActivation {
            case .relu: h = h.map { max(0, $0) }
            case .tanh: h = h.map { Foundation.tanh($0) }
            default: h = h.map(sigmoid)
            }
            for e in targets.entries.rowStart[r]..<targets.entries.rowStart[r + 1] {
                let i = Int(targets.entries.columns[e])
                var s = p[4][i]
                for c in 0..<k { s += h[c] * p[3][i * k + c] }
                let y = Double(targets.labels[e]), yhat = sigmoid(s)
                switch m.configuration.loss {
                case .logistic: total -= y * Foundation.log(yhat) + (1 - y) * Foundation.log(1 - yhat)
                case .squared: total += (yhat - y) * (yhat - y)
                }
            }
        }
        let l2 = Double(m.configuration.l2)
        var penalty = 0.0
        for t in [0, 3] { penalty += l2 * p[t].reduce(0) { $0 + $1 * $1 } }
        for u in users {
            for c in 0..<k { penalty += l2 * p[2][u * k + c] * p[2][u * k + c] / Double(users.count) }
        }
        return total / Double(users.count) + penalty
    }

    @Test(
        "the gradient matches central differences of a Double reference, corruption off",
        arguments: [(CDAE.Loss.logistic, Activation.sigmoid), (.squared, .sigmoid), (.logistic, .relu), (.squared, .tanh)])
    func gradient(loss: CDAE.Loss, activation: Activation) throws {
        let config = CDAE.Configuration(hidden: 4, negativeRatio: 2, loss: loss, l2: 0.01, seed: 3,
                                        activation: activation)
        var m = try CDAE(userCount: 4, itemCount: 7, configuration: config)
        var rng = SplitMix64(seed: 8)
        for k in m.parameters[2].storage.indices { m.parameters[2].storage[k] = rng.nextFloat() - 0.5 }
        for k in m.parameters[4].storage.indices { m.parameters[4].storage[k] = rng.nextFloat() - 0.5 }
        let users = [0, 1, 3]
        let targets = m.targets(Self.lists, rng: &rng)
        let (value, grads) = m.lossAndGradient(
            users: users.map { Int32($0) }, lists: Self.lists, targets: targets, corruption: 0, rng: &rng)
        let p = m.parameters.map { $0.storage.map { Double($0) } }
        let ref = Self.referenceLoss(m, p, users: users, lists: Self.lists, targets: targets)
        #expect(abs(value - ref) < 1e-4 * max(1, ref))
        let numeric = ImplicitFixtures.numericGradient(p) {
            Self.referenceLoss(m, $0, users: users, lists: Self.lists, targets: targets)
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

    @Test("negatives are items the user does not have, ratio times the positives")
    func negatives() throws {
        let m = try CDAE(userCount: 3, itemCount: 7, configuration: .init(negativeRatio: 3))
        var rng = SplitMix64(seed: 1)
        let t = m.targets(Self.lists, rng: &rng)
        for (r, list) in Self.lists.enumerated() {
            let range = t.entries.rowStart[r]..<t.entries.rowStart[r + 1]
            #expect(range.count == 4 * list.count)
            for e in range where t.labels[e] == 0 { #expect(!list.contains(t.entries.columns[e])) }
        }
    }

    @Test("with every negative, a user's targets are each item once: positives 1, the rest 0")
    func allNegatives() throws {
        let m = try CDAE(userCount: 3, itemCount: 7, configuration: .init(negativeRatio: 3, allNegatives: true))
        var rng = SplitMix64(seed: 1)
        let t = m.targets(Self.lists, rng: &rng)
        for (r, list) in Self.lists.enumerated() {
            let range = t.entries.rowStart[r]..<t.entries.rowStart[r + 1]
            #expect(Set(range.map { t.entries.columns[$0] }) == Set(0..<7) && range.count == 7)
            for e in range { #expect((t.labels[e] == 1) == list.contains(t.entries.columns[e])) }
        }
    }

    @Test("CDAE ranks every user's held-out checkerboard item first")
    func checkerboard() throws {
        let (training, held) = ImplicitFixtures.checkerboard()
        var m = try CDAE(
            userCount: training.count, itemCount: 8, configuration: .init(hidden: 8, corruption: 0.2, seed: 4)
        )
        let options = ImplicitTrainingOptions(batchSize: 4, learningRate: 0.02)
        for _ in 0..<80 { _ = m.trainEpoch(training, options: options) }
        #expect(ImplicitFixtures.ranksHeldOutFirst(m, training: training, held: held))
    }

    @Test(
        "a new user gets zeros or the mean of the trained vectors, as configured; batch equals single",
        arguments: [CDAE.NewUserVector.zeros, .mean])
    func newUser(policy: CDAE.NewUserVector) throws {
        var m = try CDAE(userCount: 3, itemCount: 7, configuration: .init(hidden: 4, newUser: policy))
        _ = m.trainEpoch([[0, 1], [2, 3], []], options: ImplicitTrainingOptions(batchSize: 2))
        #expect(m.trained == [true, true, false])
        let v = m.userVector(nil, mean: m.meanUserVector())
        let expected =
            policy == .zeros
            ? [Float](repeating: 0, count: 4)
            : (0..<4).map { (m.parameters[2][0, $0] + m.parameters[2][1, $0]) / 2 }
        #expect(v == expected)
        // User 2 had no training items: treated as new.
        #expect(m.userVector(2, mean: m.meanUserVector()) == expected)
        let batch = m.scoreMatrix(users: [nil, 0, 2], inputs: Self.lists)
        var s = [Float](repeating: 0, count: 7)
        for (r, u) in [nil, 0, 2 as Int32?].enumerated() {
            m.scores(user: u, items: Self.lists[r], into: &s)
            for j in 0..<7 { #expect(abs(s[j] - batch[r, j]) < 1e-5) }
        }
    }
}
