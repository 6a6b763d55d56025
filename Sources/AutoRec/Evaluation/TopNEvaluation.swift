import Foundation
import HeapModule
import RecData
import RecMath

/// A mean over users with its 95% confidence interval by the normal approximation over users:
/// mean ± 1.96·s/√n, s the sample standard deviation of the per-user values, n the users.
public struct MetricEstimate: Codable, Sendable, Equatable {
    /// The mean over users.
    public var mean: Double
    /// Half the width of the 95% interval, 1.96·s/√n (0 for one user).
    public var halfWidth: Double

    /// Creates an estimate from its fields.
    public init(mean: Double, halfWidth: Double) {
        self.mean = mean
        self.halfWidth = halfWidth
    }

    /// The estimate from a sum and a sum of squares over `n` users.
    init(sum: Double, squares: Double, n: Int) {
        guard n > 0 else {
            self.init(mean: 0, halfWidth: 0)
            return
        }
        let m = sum / Double(n)
        let variance = n > 1 ? max(0, (squares - Double(n) * m * m) / Double(n - 1)) : 0
        self.init(mean: m, halfWidth: 1.96 * (variance / Double(n)).squareRoot())
    }
}

/// Top-N metrics of one part under full ranking (every item the user has not had before is a
/// candidate), each a mean with a 95% interval over users (see ``MetricEstimate``); definitions
/// on ``RankingMetrics`` and ``UserRankingMetrics``.
public struct TopNMetrics: Codable, Sendable, Equatable {
    /// The cut-off K.
    public var k: Int
    /// Users evaluated (those with at least one relevant item).
    public var users: Int
    /// Recall@K divided by the user's relevant count |R_u| (RecBole's recall).
    public var recall: MetricEstimate
    /// Recall@K divided by min(K, |R_u|) (Liang et al. 2018).
    public var cappedRecall: MetricEstimate
    /// NDCG@K.
    public var ndcg: MetricEstimate
    /// MRR@K: reciprocal rank of the first relevant item within the top K, else 0.
    public var mrr: MetricEstimate
    /// Hit@K: share of users with a relevant item in their top K.
    public var hitRate: MetricEstimate
    /// Precision@K.
    public var precision: MetricEstimate
    /// MAP@K (AP normalised by min(K, |R_u|)).
    public var map: MetricEstimate
    /// Item coverage: distinct items in any user's top K over all items (one figure, no interval).
    public var coverage: Double

    /// The metrics in print order with their names, e.g. `("Recall@10", ...)`.
    public var named: [(name: String, value: MetricEstimate)] {
        [
            ("Recall@\(k)", recall), ("RecallMin@\(k)", cappedRecall), ("NDCG@\(k)", ndcg), ("MRR@\(k)", mrr),
            ("Hit@\(k)", hitRate), ("Precision@\(k)", precision), ("MAP@\(k)", map),
        ]
    }

    /// How the intervals were made, for reports.
    public static let intervalMethod = "95% interval, normal approximation over users: mean ± 1.96·s/√n"

    /// Ranks all items for each user of `part` and averages the metrics.
    ///
    /// - Parameters:
    ///   - part: The users, their inputs, excluded and relevant items.
    ///   - model: Scores all items; called from several threads at once.
    ///   - k: The cut-off K (default 10).
    /// - Complexity: O(users × (cost of scoring + items × log K)), users split over threads; one
    ///   partial sum per chunk, added in chunk order (fixed numbers for a thread count).
    public static func evaluate(_ part: RankingPart, model: some TopNModel, k: Int = 10) -> TopNMetrics {
        evaluate(part, itemCount: model.itemCount, k: k) { u, items, s in
            model.scores(user: u, items: items, into: &s)
        }
    }

    /// The same with a scoring closure writing every item's score for (user, input items).
    public static func evaluate(
        _ part: RankingPart, itemCount: Int, k: Int = 10,
        score: (_ user: Int32, _ input: [Int32], _ scores: inout [Float]) -> Void
    ) -> TopNMetrics {
        precondition(k >= 1, "TopNMetrics: k must be at least 1, got \(k)")
        let n = part.users.count
        let chunks = parallelChunkCount(n, minimumChunk: 8)
        var partials = [Sums](repeating: Sums(items: 0), count: chunks)
        partials.withUnsafeMutableBufferPointer { out in
            _ = parallelFor(n, minimumChunk: 8) { range, chunk in
                var sums = Sums(items: itemCount)
                var scores = [Float](repeating: 0, count: itemCount)
                var relevant = [Bool](repeating: false, count: itemCount)
                var heap = Heap<TopK._Candidate>(minimumCapacity: k)
                var ranked = [Int32]()
                for r in range {
                    let held = part.relevant[r].filter { $0 >= 0 && Int($0) < itemCount }
                    if held.isEmpty { continue }
                    for i in held { relevant[Int(i)] = true }
                    score(part.users[r], part.input[r], &scores)
                    for i in part.excluded[r] where i >= 0 && Int(i) < itemCount { scores[Int(i)] = .nan }
                    scores.withUnsafeBufferPointer { TopK.select($0, count: k, heap: &heap, into: &ranked) }
                    let m = UserRankingMetrics(ranked: ranked, k: k, relevantCount: held.count) {
                        relevant[Int($0)]
                    }
                    sums.add(m)
                    for i in ranked { sums.shown[Int(i)] = true }
                    for i in held { relevant[Int(i)] = false }
                }
                out[chunk] = sums
            }
        }
        var total = Sums(items: itemCount)
        for p in partials { total.merge(p) }
        func estimate(_ m: Int) -> MetricEstimate {
            MetricEstimate(sum: total.sum[m], squares: total.squares[m], n: total.users)
        }
        let covered = total.shown.reduce(0) { $0 + ($1 ? 1 : 0) }
        return TopNMetrics(
            k: k, users: total.users, recall: estimate(0), cappedRecall: estimate(1), ndcg: estimate(2),
            mrr: estimate(3), hitRate: estimate(4), precision: estimate(5), map: estimate(6),
            coverage: itemCount > 0 ? Double(covered) / Double(itemCount) : 0)
    }

    /// Per-chunk sums and sums of squares of the seven per-user metrics, and the items shown.
    struct Sums {
        var sum = [Double](repeating: 0, count: 7)
        var squares = [Double](repeating: 0, count: 7)
        var users = 0
        var shown: [Bool]

        init(items: Int) { shown = [Bool](repeating: false, count: items) }

        mutating func add(_ m: UserRankingMetrics) {
            let v = [
                m.recall, m.cappedRecall, m.ndcg, m.reciprocalRank, m.hit, m.precision, m.averagePrecision,
            ]
            for (j, x) in v.enumerated() {
                sum[j] += x
                squares[j] += x * x
            }
            users += 1
        }

        mutating func merge(_ o: Sums) {
            for j in 0..<7 {
                sum[j] += o.sum[j]
                squares[j] += o.squares[j]
            }
            users += o.users
            for (i, s) in o.shown.enumerated() where s { shown[i] = true }
        }
    }
}
