import RecData
import RecMath

/// Serves a top-N model on implicit feedback (``SavedTopNModel``: Mult-VAE, Mult-DAE, CDAE,
/// EASE, item-kNN, popularity) behind ``ServableModel``.
///
/// Scores are the model's **ranking scores** (Mult-VAE/DAE: the logits before the softmax; CDAE:
/// the output before the sigmoid; EASE and item-kNN: summed item weights; popularity: training
/// counts), not ratings: only their order means something, and they are never clipped to the
/// rating scale.
///
/// - A known user (one with training items) is scored from those items (and, for CDAE, their
///   trained vector); the training items are left out unless asked for.
/// - A user without training items, or unknown, gets the most popular training items (source
///   ``Recommender/Source/newUser``).
/// - Fold-in: the given items with a rating >= the folder's `positive` threshold (every given
///   item when it has none) are the new user's items; every given item is left out of the result.
///   Mult-VAE/DAE encode the list exactly as a known user's; CDAE uses its new-user vector (zeros
///   or the mean of the trained users' vectors, as saved in its configuration). With no positive
///   item the answer is the popularity list.
/// - ``predict(user:item:)`` returns the ranking score of the item for the user (popularity for a
///   user without training items, 0 for an unknown item), under the name `rating`.
/// - Similar items: cosine of the decoder's item vectors (Mult: the output layer's weights into
///   the item; CDAE: W'ᵢ) or, for EASE and item-kNN, of the item-item weights into the item.
///   Popularity has no item vectors and refuses.
public struct TopNRecommender: ServableModel {
    /// The model with its ids and training items.
    public let saved: SavedTopNModel
    /// Titles and genres, when known.
    public let items: ItemCatalog?
    /// Training interactions per item: the fallback ranking.
    private let popularity: [Float]
    /// One row per item, and the representation's name; nil for popularity.
    private let itemVectors: (matrix: Matrix, name: String)?

    /// Wraps a saved model (computes the popularity fallback and the item vectors once).
    public init(_ saved: SavedTopNModel, items: ItemCatalog? = nil) {
        self.saved = saved
        self.items = items
        popularity = Popularity(training: saved.training, itemCount: saved.itemIDs.count).counts
        switch saved.model {
        case let m as MultAutoencoder:
            // The last layer's weight is `inputs × items`: item j's vector is its column.
            itemVectors = (m.parameters[m.parameters.count - 2].transposed(), "decoder-row")
        case let m as CDAE:
            itemVectors = (m.parameters[3], "decoder-row")
        case let m as EASE:
            itemVectors = (Self.itemItemColumns(m.weights), "weight-column")
        case let m as ItemKNN:
            itemVectors = (Self.itemItemColumns(m.weights), "weight-column")
        default:
            itemVectors = nil
        }
    }

    /// The item × item weights transposed: row j holds the weights that score item j.
    private static func itemItemColumns(_ w: ItemItemWeights) -> Matrix {
        Matrix(rows: w.itemCount, cols: w.itemCount, storage: w.weights).transposed()
    }

    public var kind: String { saved.description.model.rawValue }
    public var scale: RatingScale { saved.description.scale }
    public var userCount: Int { saved.userIDs.count }
    public var itemCount: Int { saved.itemIDs.count }
    /// Every top-N model folds in a new user's items.
    public var foldInRefusal: Recommender.RequestError? { nil }
    public func knowsItem(_ item: String) -> Bool { saved.itemIDs.index(of: item) != nil }

    /// The index of a user with training items, nil otherwise.
    private func knownUser(_ user: String) -> Int32? {
        guard let u = saved.userIDs.index(of: user), !saved.training[Int(u)].isEmpty else { return nil }
        return u
    }

    /// The model's scores of every item for known user `u`.
    private func scores(user u: Int32) -> [Float] {
        var s = [Float](repeating: 0, count: itemCount)
        saved.model.scores(user: u, items: saved.training[Int(u)], into: &s)
        return s
    }

    public func predict(user: String, item: String) -> Recommender.Prediction {
        let u = knownUser(user)
        let i = saved.itemIDs.index(of: item)
        let value: Float, source: Recommender.Source
        switch (u, i) {
        case let (u?, i?): (value, source) = (scores(user: u)[Int(i)], .model)
        case let (nil, i?): (value, source) = (popularity[Int(i)], .newUser)
        case (_?, nil): (value, source) = (0, .newItem)
        case (nil, nil): (value, source) = (0, .newUserAndItem)
        }
        return Recommender.Prediction(user: user, item: item, rating: value, source: source)
    }

    public func recommend(
        user: String, count: Int, candidates: [String]? = nil, includeRated: Bool = false,
        excluding: [String] = []
    ) throws(Recommender.RequestError) -> (items: [Recommender.Recommendation], source: Recommender.Source) {
        var s: [Float], source: Recommender.Source
        if let u = knownUser(user) {
            (s, source) = (scores(user: u), .model)
            if !includeRated { for i in saved.training[Int(u)] { s[Int(i)] = -.infinity } }
        } else {
            (s, source) = (popularity, .newUser)
        }
        if !includeRated {
            for id in excluding { if let i = saved.itemIDs.index(of: id) { s[Int(i)] = -.infinity } }
        }
        return (try select(s, count: count, candidates: candidates), source)
    }

    public func recommend(
        foldingIn ratings: [(item: String, rating: Float)], count: Int, candidates: [String]? = nil
    ) throws(Recommender.RequestError) -> (items: [Recommender.Recommendation], unknownItems: [String]) {
        let (known, unknown) = try Recommender.foldInInputs(
            ratings.map { ($0.item, $0.rating) }, ids: saved.itemIDs, kind: "item", scale: scale)
        let threshold = saved.description.positive
        let positives = known.filter { pair in threshold.map { pair.1 >= $0 } ?? true }.map(\.0)
        var s: [Float]
        if positives.isEmpty {
            s = popularity
        } else {
            s = [Float](repeating: 0, count: itemCount)
            saved.model.scores(user: nil, items: positives, into: &s)
        }
        for (i, _) in known { s[Int(i)] = -.infinity }
        return (try select(s, count: count, candidates: candidates), unknown)
    }

    /// The `count` items most similar to `item` by cosine of the model's item vectors.
    ///
    /// - Throws: ``Recommender/RequestError/unknownItems(_:)`` for an unknown item;
    ///   ``Recommender/RequestError/foldInNotSupported(_:)`` (with the reason) for popularity.
    /// - Complexity: O(items × vector length).
    public func similarItems(to item: String, count: Int) throws(Recommender.RequestError)
        -> Recommender.SimilarItems
    {
        guard let target = saved.itemIDs.index(of: item) else { throw .unknownItems([item]) }
        guard let vectors = itemVectors, vectors.matrix.cols > 0 else {
            throw .foldInNotSupported("\(kind) has no item vectors, so it cannot find similar items")
        }
        let top = Recommender.cosineNeighbours(of: Int(target), in: vectors.matrix, rows: itemCount, count: count)
            .map { i, cosine in
                Recommender.Recommendation(item: saved.itemIDs.rawID(i), score: cosine, title: items?[i].title)
            }
        return Recommender.SimilarItems(item: item, representation: vectors.name, measure: "cosine", items: top)
    }

    public func searchItems(matching query: String, limit: Int) -> [Recommender.Recommendation] {
        Recommender.searchItems(
            matching: query, limit: limit, itemIDs: saved.itemIDs, titles: items, itemCount: itemCount)
    }

    /// A known user's training items, each with rating 1 (an interaction: the folder keeps no
    /// rating values); nil for a user without training items.
    public func trainingRatings(ofUser user: String) -> [Recommender.RatedItem]? {
        guard let u = knownUser(user) else { return nil }
        return saved.training[Int(u)].map { i in
            Recommender.RatedItem(item: saved.itemIDs.rawID(i), rating: 1, title: items?[i].title)
        }
    }

    private func select(_ scores: [Float], count: Int, candidates: [String]?) throws(Recommender.RequestError)
        -> [Recommender.Recommendation]
    {
        try Recommender.select(
            scores, count: count, candidates: candidates, itemIDs: saved.itemIDs, titles: items, clip: nil)
    }
}
