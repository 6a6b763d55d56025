import Foundation
import HeapModule
import RecData
import RecMath

/// Top-K ranking quality, averaged over the users with at least one relevant test item.
///
/// For each such user u, all items are scored, the items u rated in training are removed, and the
/// K best remaining items form the list L_u (see ``TopK`` for the order of ties). With
/// R_u = the items of u's test ratings r_ui ≥ ``relevanceThreshold``, rel(p) = 1 when the item
/// at position p (1-based) of L_u is in R_u, else 0, and K_u = min(K, |R_u|):
///
/// ```
/// precision@K = (1/K) Σ_{p≤K} rel(p)
/// recall@K    = (1/|R_u|) Σ_{p≤K} rel(p)
/// (``UserRankingMetrics`` also keeps recall over K_u, and the reciprocal rank of the first hit)
/// DCG@K       = Σ_{p≤K} rel(p) / log2(p + 1)      IDCG@K = Σ_{p≤K_u} 1 / log2(p + 1)
/// NDCG@K      = DCG@K / IDCG@K
/// AP@K        = (1/K_u) Σ_{p≤K} rel(p) · precision@p       MAP@K = mean of AP@K
/// hit@K       = 1 if Σ_{p≤K} rel(p) > 0, else 0
/// ```
///
/// Each metric is the mean over users of the per-user value. Users whose test ratings are all
/// below the threshold are counted in ``usersWithoutRelevant`` and left out of the means.
/// Precision divides by K even when fewer than K items could be ranked. K is the cut-off
/// (``RankingMetrics/k`` in code and JSON); k alone is AutoRec's hidden size (<doc:Notation>).
public struct RankingMetrics: Codable, Sendable, Equatable {
    /// The cut-off K.
    public var k: Int
    /// A test rating at or above this value marks a relevant item (default 4 on a 1-5 scale).
    public var relevanceThreshold: Float
    /// Mean precision@K.
    public var precision: Double
    /// Mean recall@K.
    public var recall: Double
    /// Mean NDCG@K (binary relevance, log2 discount).
    public var ndcg: Double
    /// MAP@K (AP normalised by K_u = min(K, |R_u|)).
    public var map: Double
    /// Share of users with at least one relevant item in their top K.
    public var hitRate: Double
    /// Number of users averaged over (those with at least one relevant test item).
    public var users: Int
    /// Users with test ratings but none at or above the threshold (not averaged).
    public var usersWithoutRelevant: Int

    /// Creates a value from its fields.
    public init(
        k: Int, relevanceThreshold: Float, precision: Double, recall: Double, ndcg: Double, map: Double,
        hitRate: Double, users: Int, usersWithoutRelevant: Int
    ) {
        self.k = k
        self.relevanceThreshold = relevanceThreshold
        self.precision = precision
        self.recall = recall
        self.ndcg = ndcg
        self.map = map
        self.hitRate = hitRate
        self.users = users
        self.usersWithoutRelevant = usersWithoutRelevant
    }
}

/// One user's ranking metrics (the terms that ``RankingMetrics`` averages).
public struct UserRankingMetrics: Sendable, Equatable {
    /// precision@K.
    public var precision: Double
    /// recall@K, divided by the user's relevant count |R_u|.
    public var recall: Double
    /// recall@K divided by K_u = min(K, |R_u|) instead (Liang et al. 2018), so 1 is reachable.
    public var cappedRecall: Double
    /// 1/p for the first relevant item at position p ≤ K, else 0 (RecBole's MRR@K term).
    public var reciprocalRank: Double
    /// NDCG@K.
    public var ndcg: Double
    /// AP@K.
    public var averagePrecision: Double
    /// 1 when a relevant item is in the top K, else 0.
    public var hit: Double

    /// The metrics of one ranked list, as defined on ``RankingMetrics``.
    ///
    /// - Parameters:
    ///   - ranked: Item indices, best first; only the first `k` are read.
    ///   - k: The cut-off K, at least 1.
    ///   - relevantCount: |R_u|, at least 1.
    ///   - isRelevant: Whether an item is in R_u.
    /// - Complexity: O(K).
    public init(ranked: some Collection<Int32>, k: Int, relevantCount: Int, isRelevant: (Int32) -> Bool) {
        precondition(k >= 1 && relevantCount >= 1, "UserRankingMetrics: k \(k), relevant \(relevantCount)")
        var hits = 0
        var dcg = 0.0
        var apSum = 0.0
        var firstHit = 0
        for (p, item) in ranked.prefix(k).enumerated() where isRelevant(item) {
            hits += 1
            if firstHit == 0 { firstHit = p + 1 }
            dcg += 1 / log2(Double(p + 2))
            apSum += Double(hits) / Double(p + 1)
        }
        let m = min(k, relevantCount)
        var idcg = 0.0
        for p in 0..<m { idcg += 1 / log2(Double(p + 2)) }
        precision = Double(hits) / Double(k)
        recall = Double(hits) / Double(relevantCount)
        cappedRecall = Double(hits) / Double(m)
        reciprocalRank = firstHit > 0 ? 1 / Double(firstHit) : 0
        ndcg = dcg / idcg
        averagePrecision = apSum / Double(m)
        hit = hits > 0 ? 1 : 0
    }
}

extension RankingMetrics {
    /// Ranks all items for each test user with a scoring closure and averages the metrics.
    ///
    /// - Parameters:
    ///   - train: The training ratings; each user's training items are excluded from their list.
    ///   - test: The test ratings; those ≥ `relevanceThreshold` are the relevant items.
    ///   - k: The cut-off K (default 10).
    ///   - relevanceThreshold: Default 4, for a 1-5 scale (MovieLens); Liang et al. 2018 use the same.
    ///   - itemCount: Items to score, `0..<itemCount`; default: the larger of the two tables' item maps.
    ///   - score: Writes every item's score for a user into the buffer (count `itemCount`). It is
    ///     called from several threads at once (users in parallel) and must be safe for that.
    /// - Returns: The averaged metrics.
    /// - Complexity: O(users × (cost of `score` + items × log K)) spread over `Parallelism.threads`;
    ///   one partial sum per chunk, added in chunk order, so a thread count gives fixed numbers.
    public static func evaluate(
        train: RatingTable, test: RatingTable, k: Int = 10, relevanceThreshold: Float = 4,
        itemCount: Int? = nil, score: (_ user: Int32, _ scores: inout [Float]) -> Void
    ) -> RankingMetrics {
        precondition(k >= 1, "RankingMetrics: k must be at least 1, got \(k)")
        let users = max(train.userCount, test.userCount)
        let items = itemCount ?? max(train.itemCount, test.itemCount)
        let seen = CSRMatrix(
            rows: users, cols: max(items, train.itemCount), rowIndices: train.users,
            columnIndices: train.items, values: train.ratings)
        let held = CSRMatrix(
            rows: users, cols: max(items, test.itemCount), rowIndices: test.users,
            columnIndices: test.items, values: test.ratings)
        let chunks = parallelChunkCount(users, minimumChunk: 16)
        var partials = [Partial](repeating: Partial(), count: chunks)
        partials.withUnsafeMutableBufferPointer { out in
            _ = parallelFor(users, minimumChunk: 16) { range, chunk in
                // Scratch made once per chunk; chunk c writes out[c] only.
                var scores = [Float](repeating: 0, count: items)
                var relevant = [Bool](repeating: false, count: items)
                var heap = Heap<TopK._Candidate>(minimumCapacity: k)
                var ranked = [Int32]()
                ranked.reserveCapacity(k)
                var sum = Partial()
                for u in range {
                    let lo = held.rowStart[u]
                    let hi = held.rowStart[u + 1]
                    if lo == hi { continue }
                    var relevantCount = 0
                    for e in lo..<hi
                    where held.values[e] >= relevanceThreshold && Int(held.columns[e]) < items {
                        relevant[Int(held.columns[e])] = true
                        relevantCount += 1
                    }
                    if relevantCount == 0 {
                        sum.withoutRelevant += 1
                        continue
                    }
                    score(Int32(u), &scores)
                    for e in seen.rowStart[u]..<seen.rowStart[u + 1] where Int(seen.columns[e]) < items {
                        scores[Int(seen.columns[e])] = .nan
                    }
                    scores.withUnsafeBufferPointer { TopK.select($0, count: k, heap: &heap, into: &ranked) }
                    let m = UserRankingMetrics(ranked: ranked, k: k, relevantCount: relevantCount) {
                        relevant[Int($0)]
                    }
                    sum.add(m)
                    for e in lo..<hi where Int(held.columns[e]) < items {
                        relevant[Int(held.columns[e])] = false
                    }
                }
                out[chunk] = sum
            }
        }
        var total = Partial()
        for p in partials { total.merge(p) }
        let n = Double(max(total.users, 1))
        return RankingMetrics(
            k: k, relevanceThreshold: relevanceThreshold, precision: total.precision / n,
            recall: total.recall / n, ndcg: total.ndcg / n, map: total.ap / n, hitRate: total.hits / n,
            users: total.users, usersWithoutRelevant: total.withoutRelevant)
    }

    /// Ranks all items with a fitted model's ``RatingModel/scores(forUser:into:)``.
    ///
    /// - Parameters:
    ///   - model: A fitted model; read from several threads at once.
    ///   - train: Its training ratings (excluded from each user's list).
    ///   - test: The test ratings.
    ///   - k: The cut-off K (default 10).
    ///   - relevanceThreshold: Relevant when the test rating is ≥ this (default 4).
    /// - Returns: The averaged metrics (see ``RankingMetrics``).
    /// - Complexity: O(users × items × (cost of one prediction + log K)).
    public static func evaluate<Model: RatingModel>(
        _ model: Model, train: RatingTable, test: RatingTable, k: Int = 10, relevanceThreshold: Float = 4
    ) -> RankingMetrics {
        evaluate(train: train, test: test, k: k, relevanceThreshold: relevanceThreshold) { u, s in
            model.scores(forUser: u, into: &s)
        }
    }

    /// Per-chunk sums of the per-user metrics.
    struct Partial {
        var precision = 0.0
        var recall = 0.0
        var ndcg = 0.0
        var ap = 0.0
        var hits = 0.0
        var users = 0
        var withoutRelevant = 0

        mutating func add(_ m: UserRankingMetrics) {
            merge(
                Partial(
                    precision: m.precision, recall: m.recall, ndcg: m.ndcg, ap: m.averagePrecision,
                    hits: m.hit, users: 1))
        }

        mutating func merge(_ o: Partial) {
            precision += o.precision
            recall += o.recall
            ndcg += o.ndcg
            ap += o.ap
            hits += o.hits
            users += o.users
            withoutRelevant += o.withoutRelevant
        }
    }
}
