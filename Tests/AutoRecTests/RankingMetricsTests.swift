import AutoRec
import Foundation
import RecData
import RecMath
import Testing

@Suite struct RankingMetricsTests {
    static let d2 = 1 / log2(3.0)  // discount at position 2
    static let d4 = 1 / log2(5.0)  // discount at position 4

    @Test("one user's metrics match hand-computed values")
    func userValues() {
        // Ranked 10, 11, 12, 13, 14; relevant {11, 13, 99}: hits at positions 2 and 4.
        let relevant: Set<Int32> = [11, 13, 99]
        let m5 = UserRankingMetrics(ranked: [10, 11, 12, 13, 14], k: 5, relevantCount: 3) {
            relevant.contains($0)
        }
        #expect(abs(m5.precision - 0.4) < 1e-12)
        #expect(abs(m5.recall - 2.0 / 3) < 1e-12)
        #expect(abs(m5.ndcg - (Self.d2 + Self.d4) / (1 + Self.d2 + 0.5)) < 1e-12)
        #expect(abs(m5.averagePrecision - (0.5 + 0.5) / 3) < 1e-12)
        #expect(m5.hit == 1)
        // First hit at position 2; capped recall divides by min(5, 3) = 3 as well.
        #expect(m5.reciprocalRank == 0.5 && abs(m5.cappedRecall - 2.0 / 3) < 1e-12)
        // k = 3: only the hit at 2 counts; IDCG and AP still use min(k, |R|) = 3.
        let m3 = UserRankingMetrics(ranked: [10, 11, 12, 13, 14], k: 3, relevantCount: 3) {
            relevant.contains($0)
        }
        #expect(abs(m3.precision - 1.0 / 3) < 1e-12 && abs(m3.recall - 1.0 / 3) < 1e-12)
        #expect(abs(m3.ndcg - Self.d2 / (1 + Self.d2 + 0.5)) < 1e-12)
        #expect(abs(m3.averagePrecision - 0.5 / 3) < 1e-12)
        // k = 2 with |R| = 3: AP and IDCG normalise by min(2, 3) = 2.
        let m2 = UserRankingMetrics(ranked: [11, 13], k: 2, relevantCount: 3) { relevant.contains($0) }
        #expect(m2.ndcg == 1 && m2.averagePrecision == 1 && m2.precision == 1)
        #expect(abs(m2.recall - 2.0 / 3) < 1e-12)
        // Liang et al.'s recall divides by min(2, 3) = 2, so a full list scores 1.
        #expect(m2.cappedRecall == 1 && m2.reciprocalRank == 1)
        let miss = UserRankingMetrics(ranked: [10, 12], k: 2, relevantCount: 1) { relevant.contains($0) }
        #expect(miss.hit == 0 && miss.ndcg == 0 && miss.averagePrecision == 0)
        #expect(miss.reciprocalRank == 0 && miss.cappedRecall == 0)
    }

    @Test("training items are excluded, ties break by index, users without relevant items are counted apart")
    func tableValues() {
        let train = BaselineFixtures.table([(0, 0, 5), (1, 3, 5), (2, 1, 3)], users: 3, items: 4)
        // User 0: item 1 relevant, item 2 not; user 1: item 2 relevant; user 2: nothing ≥ 4.
        let test = BaselineFixtures.table([(0, 1, 5), (0, 2, 2), (1, 2, 4), (2, 0, 3)], users: 3, items: 4)
        let scores: [[Float]] = [
            [9, 1, 5, 3],  // item 0 excluded → 2, 3, 1: relevant item 1 is third
            [1, 2, 2, 10],  // item 3 excluded → tie 1, 2 → 1 first, relevant item 2 second
            [0, 0, 0, 0],
        ]
        let m = RankingMetrics.evaluate(train: train, test: test, k: 2) { u, s in s = scores[Int(u)] }
        // User 0: no hit. User 1: hit at 2 → precision 1/2, recall 1, NDCG d2/1, AP (1/2)/1.
        #expect(m.users == 2 && m.usersWithoutRelevant == 1)
        #expect(abs(m.precision - 0.25) < 1e-12 && abs(m.recall - 0.5) < 1e-12)
        #expect(abs(m.ndcg - Self.d2 / 2) < 1e-12 && abs(m.map - 0.25) < 1e-12 && m.hitRate == 0.5)
        let k3 = RankingMetrics.evaluate(train: train, test: test, k: 3) { u, s in s = scores[Int(u)] }
        #expect(k3.hitRate == 1)
    }

    @Test("the relevance threshold decides which test ratings count", arguments: [3.0, 4.5])
    func threshold(value: Float) {
        let train = BaselineFixtures.table([(0, 0, 5)], users: 1, items: 3)
        let test = BaselineFixtures.table([(0, 1, 4), (0, 2, 3)], users: 1, items: 3)
        let m = RankingMetrics.evaluate(train: train, test: test, k: 1, relevanceThreshold: value) { _, s in
            s = [0, 1, 2]
        }
        // Item 2 ranks first: a hit only when 3 counts as relevant.
        #expect(m.hitRate == (value <= 3 ? 1 : 0))
        #expect(m.users == (value <= 4 ? 1 : 0))
    }

    @Test("1 and 2 threads give the same metrics")
    func threads() throws {
        let data = BaselineFixtures.generated(
            users: 70, items: 25, density: 0.5, testShare: 0.3, rank: 2, seed: 9)
        var model = BaselinePredictor()
        try model.fit(data.train, validation: nil)
        let one = Parallelism.withThreads(1) {
            RankingMetrics.evaluate(model, train: data.train, test: data.test, k: 5, relevanceThreshold: 3)
        }
        let two = Parallelism.withThreads(2) {
            RankingMetrics.evaluate(model, train: data.train, test: data.test, k: 5, relevanceThreshold: 3)
        }
        #expect(one.users > 30 && one.users == two.users)
        #expect(abs(one.ndcg - two.ndcg) < 1e-12 && abs(one.map - two.map) < 1e-12)
        #expect(abs(one.precision - two.precision) < 1e-12 && abs(one.recall - two.recall) < 1e-12)
    }

    @Test("on a checkerboard with the diagonal held out, BiasedMF ranks the held-out item first")
    func checkerboard() throws {
        // r_ui = 5 when u + i is even, else 1. Training: every same-parity item but the diagonal,
        // and a random half of the other parity; the diagonal (u, u) is the test set.
        let n = 20
        var rng = SplitMix64(seed: 21)
        var train: [(user: Int, item: Int, rating: Float)] = []
        var test: [(user: Int, item: Int, rating: Float)] = []
        for u in 0..<n {
            for i in 0..<n {
                if u == i {
                    test.append((u, i, 5))
                } else if (u + i) % 2 == 0 {
                    train.append((u, i, 5))
                } else if rng.nextDouble() < 0.5 {
                    train.append((u, i, 1))
                }
            }
        }
        let trainTable = BaselineFixtures.table(train, users: n, items: n)
        var model = BiasedMF(configuration: .init(factors: 4, epochs: 60, learningRate: 0.03, seed: 2))
        try model.fit(trainTable, validation: nil)
        let m = RankingMetrics.evaluate(
            model, train: trainTable, test: BaselineFixtures.table(test, users: n, items: n), k: 1)
        #expect(m.users == n && m.hitRate >= 0.9, "hit rate @1 \(m.hitRate)")
    }
}
