import AutoRec
import Foundation
import RecData
import RecMath
import Testing

@Suite struct TopNEvaluationTests {
    /// Scores fixed per user.
    struct Table: TopNModel {
        let rows: [[Float]]
        var itemCount: Int { rows[0].count }
        func scores(user: Int32?, items: [Int32], into scores: inout [Float]) {
            scores = rows[Int(user ?? 0)]
        }
    }

    @Test("means, intervals, MRR, both recalls, MAP and coverage on hand-made rankings")
    func handMade() {
        // 6 items. User 0: input {0} excluded; ranking 5, 4, 3, 2, 1 → relevant {4, 1}.
        // User 1: nothing excluded; ranking 0, 1, 2, ... → relevant {2}.
        let model = Table(rows: [[9, 1, 2, 3, 4, 5], [6, 5, 4, 3, 2, 1]])
        let part = RankingPart(
            users: [0, 1], input: [[0], []], excluded: [[0], []], relevant: [[4, 1], [2]])
        let m = TopNMetrics.evaluate(part, model: model, k: 3)
        // User 0 top 3: 5, 4, 3 → hit at 2: recall 1/2, capped 1/2, RR 1/2, NDCG d2/(1 + d2), AP (1/2)/2.
        // User 1 top 3: 0, 1, 2 → hit at 3: recall 1, capped 1, RR 1/3, NDCG d3/1, AP (1/3)/1.
        let d2 = 1 / log2(3.0), d3 = 0.5
        #expect(m.users == 2)
        #expect(abs(m.recall.mean - 0.75) < 1e-12 && abs(m.cappedRecall.mean - 0.75) < 1e-12)
        #expect(abs(m.mrr.mean - (0.5 + 1.0 / 3) / 2) < 1e-12)
        #expect(abs(m.ndcg.mean - (d2 / (1 + d2) + d3) / 2) < 1e-12)
        #expect(abs(m.map.mean - (0.25 + 1.0 / 3) / 2) < 1e-12)
        #expect(m.hitRate.mean == 1 && m.hitRate.halfWidth == 0)
        #expect(abs(m.precision.mean - 1.0 / 3) < 1e-12)
        // Recall values 0.5 and 1: s = √0.125, half-width 1.96·s/√2.
        #expect(abs(m.recall.halfWidth - 1.96 * (0.125 / 2).squareRoot()) < 1e-12)
        // Items shown: 5, 4, 3 and 0, 1, 2 → all 6.
        #expect(m.coverage == 1)
        // With k = 1 the two recalls part: user 0 has 2 relevant, capped divides by 1.
        let k1 = TopNMetrics.evaluate(part, model: model, k: 1)
        #expect(k1.recall.mean == 0 && k1.cappedRecall.mean == 0 && k1.coverage == 2.0 / 6)
        let k2 = TopNMetrics.evaluate(part, model: model, k: 2)
        #expect(abs(k2.recall.mean - 0.25) < 1e-12 && abs(k2.cappedRecall.mean - 0.25) < 1e-12)
    }

    @Test("a user whose relevant list is empty is skipped; the thread count does not change the figures")
    func skipsAndThreads() {
        let model = Table(rows: [[1, 2, 3], [3, 2, 1], [1, 1, 1]])
        let part = RankingPart(
            users: [0, 1, 2], input: [[], [], []], excluded: [[], [0], []],
            relevant: [[2], [1], []])
        let one = Parallelism.withThreads(1) { TopNMetrics.evaluate(part, model: model, k: 1) }
        let two = Parallelism.withThreads(2) { TopNMetrics.evaluate(part, model: model, k: 1) }
        #expect(one == two && one.users == 2 && one.hitRate.mean == 1 && one.mrr.mean == 1)
    }
}
