import AutoRec
import RecData
import RecMath
import Testing

@Suite struct TopNModelTests {
    /// A checkerboard: users of group g (0 or 1) have items of group g only; 6 items per group,
    /// 12 users per group; each user's held-out item is one of their group's items, the rest of
    /// the group's items are in training (item j of group g is held out by users j and j + 6).
    static func checkerboard() -> (training: [[Int32]], part: RankingPart) {
        var training = [[Int32]](), users = [Int32](), relevant = [[Int32]]()
        for u in 0..<24 {
            let g = u / 12
            let group = (0..<6).map { Int32(g * 6 + $0) }
            let held = group[u % 6]
            training.append(group.filter { $0 != held })
            users.append(Int32(u))
            relevant.append([held])
        }
        return (training, RankingPart(users: users, input: training, excluded: training, relevant: relevant))
    }

    @Test("item-kNN and EASE rank every user's held-out item first on a checkerboard")
    func checkerboard() throws {
        let (training, part) = Self.checkerboard()
        let models: [any TopNModel] = [
            ItemKNN(training: training, itemCount: 12, neighbours: 3),
            try EASE(training: training, itemCount: 12, lambda: 1),
        ]
        for model in models {
            let m = TopNMetrics.evaluate(part, model: model, k: 1)
            #expect(m.users == 24 && m.hitRate.mean == 1 && m.mrr.mean == 1 && m.ndcg.mean == 1)
        }
        // Popularity cannot: every item is equally popular, ties go to the lower index.
        let pop = TopNMetrics.evaluate(part, model: Popularity(training: training, itemCount: 12), k: 1)
        #expect(pop.hitRate.mean < 1)
    }

    @Test("item-kNN keeps only the k most similar items of each item; popularity counts")
    func neighboursAndCounts() {
        // Items 0 and 1 always together, 2 with 0 once.
        let training: [[Int32]] = [[0, 1], [0, 1], [0, 2]]
        let knn = ItemKNN(training: training, itemCount: 3, neighbours: 1)
        var s = [Float](repeating: 0, count: 3)
        knn.scores(user: nil, items: [0], into: &s)
        // Item 1's one neighbour is 0 (cos 2/√6); item 2's is 0 (1/√3); item 0's is 1, not itself.
        #expect(abs(s[1] - 2 / Float(6).squareRoot()) < 1e-6 && abs(s[2] - 1 / Float(3).squareRoot()) < 1e-6)
        #expect(s[0] == 0)
        knn.scores(user: nil, items: [2], into: &s)
        #expect(s == [0, 0, 0])
        var p = [Float](repeating: 0, count: 3)
        Popularity(training: training, itemCount: 3).scores(user: 0, items: [], into: &p)
        #expect(p == [3, 2, 1])
    }
}
