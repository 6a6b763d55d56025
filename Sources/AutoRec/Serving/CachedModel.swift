import RecData
import Synchronization

/// A ``ServableModel`` that remembers each known user's best items, so a repeated
/// recommendation request costs a lookup instead of scoring every item again.
///
/// A model is immutable, so a user's ranking never changes while it serves (a reload brings a new
/// model and a new, empty cache). The cache keeps the top ``depth`` items of each user the model
/// knows (source ``Recommender/Source/model``), computed on the user's first request with no
/// candidates and rated items left out. A later request with `count` ≤ `depth` filters its extra
/// exclusions (stored ratings) out of that list: the result equals a fresh computation, because
/// leaving items out of a ranking keeps the order of the others. Requests with candidates, with
/// rated items included, or with more exclusions than the list can absorb go to the model.
/// At most ``capacity`` users are kept (later users are answered uncached).
public final class CachedModel: ServableModel {
    /// The model answering everything the cache does not.
    public let base: any ServableModel
    /// Items kept per user.
    public let depth: Int
    /// Users kept.
    public let capacity: Int
    private let lists = Mutex<[String: [Recommender.Recommendation]]>([:])

    public init(_ base: any ServableModel, depth: Int = 100, capacity: Int = 200_000) {
        self.base = base
        self.depth = depth
        self.capacity = capacity
    }

    /// How many users are cached now.
    public var cachedUsers: Int { lists.withLock { $0.count } }

    public func recommend(
        user: String, count: Int, candidates: [String]?, includeRated: Bool, excluding: [String]
    )
        throws(Recommender.RequestError) -> (items: [Recommender.Recommendation], source: Recommender.Source)
    {
        guard candidates == nil, !includeRated, count <= depth else {
            return try base.recommend(
                user: user, count: count, candidates: candidates, includeRated: includeRated,
                excluding: excluding)
        }
        var list = lists.withLock { $0[user] }
        if list == nil {
            let (top, source) = try base.recommend(
                user: user, count: depth, candidates: nil, includeRated: false,
                excluding: [])
            guard source == .model else {
                return try base.recommend(
                    user: user, count: count, candidates: nil, includeRated: false,
                    excluding: excluding)
            }
            lists.withLock { if $0.count < capacity { $0[user] = top } }
            list = top
        }
        let full = list ?? []
        let kept: [Recommender.Recommendation]
        if excluding.isEmpty {
            kept = full
        } else {
            let left = Set(excluding)
            kept = full.filter { !left.contains($0.item) }
        }
        // A list shorter than `depth` holds every item the user may get; otherwise it must still
        // have `count` items after the exclusions.
        guard kept.count >= count || full.count < depth else {
            return try base.recommend(
                user: user, count: count, candidates: nil, includeRated: false,
                excluding: excluding)
        }
        return (Array(kept.prefix(count)), .model)
    }

    public var kind: String { base.kind }
    public var scale: RatingScale { base.scale }
    public var userCount: Int { base.userCount }
    public var itemCount: Int { base.itemCount }
    public var foldInRefusal: Recommender.RequestError? { base.foldInRefusal }
    public func knowsItem(_ item: String) -> Bool { base.knowsItem(item) }
    public func predict(user: String, item: String) -> Recommender.Prediction {
        base.predict(user: user, item: item)
    }
    public func recommend(
        foldingIn ratings: [(item: String, rating: Float)], count: Int, candidates: [String]?
    )
        throws(Recommender.RequestError) -> (items: [Recommender.Recommendation], unknownItems: [String])
    {
        try base.recommend(foldingIn: ratings, count: count, candidates: candidates)
    }
    public func similarItems(to item: String, count: Int) throws(Recommender.RequestError)
        -> Recommender.SimilarItems
    {
        try base.similarItems(to: item, count: count)
    }
    public func searchItems(matching query: String, limit: Int) -> [Recommender.Recommendation] {
        base.searchItems(matching: query, limit: limit)
    }
    public func trainingRatings(ofUser user: String) -> [Recommender.RatedItem]? {
        base.trainingRatings(ofUser: user)
    }
}
