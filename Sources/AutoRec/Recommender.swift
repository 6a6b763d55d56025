import RecData
import RecMath

/// Answers predict and recommend questions about raw user and item ids from a trained AutoRec model.
///
/// Immutable after creation, so one instance can serve many threads. Unknown users or items get
/// the documented fallback of the bias baseline fitted on the model's training ratings
/// (r̄ + b_i for a new user, r̄ + b_u for a new item, r̄ for both), and every answer says which path
/// produced it.
public struct Recommender: Sendable {
    /// How a prediction was produced.
    public enum Source: String, Sendable, Codable {
        /// The autoencoder's reconstruction.
        case model
        /// The bias baseline, because the user had no training ratings.
        case newUser = "baseline: unknown user"
        /// The bias baseline, because the item had no training ratings.
        case newItem = "baseline: unknown item"
        /// The global mean, because neither was seen in training.
        case newUserAndItem = "baseline: unknown user and item"
        /// Fold-in: the reconstruction of ratings given at request time.
        case foldIn = "fold-in"
    }

    /// One predicted rating.
    public struct Prediction: Sendable, Codable, Equatable {
        public var user: String
        public var item: String
        /// The prediction, clipped to the rating scale.
        public var rating: Float
        public var source: Source
    }

    /// One recommended item.
    public struct Recommendation: Sendable, Codable, Equatable {
        public var item: String
        public var score: Float
        public var title: String?
    }

    /// One rating a user gave, with the item's title when known.
    public struct RatedItem: Sendable, Codable, Equatable {
        public var item: String
        public var rating: Float
        public var title: String?
    }

    /// Why a request cannot be answered.
    public enum RequestError: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownItems([String])
        case foldInNotSupported(String)
        case noRatings
        /// Fold-in: none of the given ids (`kind`: item or user) is known to the model.
        case noKnownIDs(kind: String, ids: [String])
        /// Fold-in: a rating outside the model's rating scale.
        case ratingOutOfScale(id: String, rating: Float, scale: RatingScale)

        /// The message, with control characters in the ids escaped (they come from requests).
        public var description: String { InputText.escaped(text) }

        private var text: String {
            switch self {
            case let .unknownItems(ids):
                "unknown item id\(ids.count == 1 ? "" : "s"): \(ids.prefix(5).joined(separator: ", "))"
                    + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
            case let .foldInNotSupported(why): why
            case .noRatings: "no ratings were given to fold in"
            case let .noKnownIDs(kind, ids):
                "none of the \(ids.count) rated \(kind)s is known to the model "
                    + "(\(ids.prefix(5).joined(separator: ", "))\(ids.count > 5 ? ", ..." : "")), so there is "
                    + "nothing to fold in (help: use the raw \(kind) ids of the training data)"
            case let .ratingOutOfScale(id, rating, scale):
                "the rating \(rating) of \(id) is outside the model's rating scale \(scale)"
            }
        }
    }

    /// The trained model (for a group model, its model trained on everyone).
    public let model: AutoRecModel
    /// The group model whose routing known users' predictions and rankings follow, when serving
    /// one (``init(grouped:training:items:)``).
    public let grouped: GroupedAutoRec?
    /// Its training ratings, with the raw-id maps.
    public let training: RatingTable
    /// Titles and genres, when known.
    public let items: ItemCatalog?
    private let baseline: BaselinePredictor
    private let userSeen: [Bool]
    private let itemSeen: [Bool]
    /// Row numbers of each user's ratings in `training`.
    private let ratingRows: [[Int32]]

    /// Wraps a trained model; fits the fallback baseline on `training` (milliseconds).
    public init(model: AutoRecModel, training: RatingTable, items: ItemCatalog? = nil) throws {
        try self.init(model, grouped: nil, training: training, items: items)
    }

    /// Wraps a trained group model: a known user's predictions and rankings come from the model
    /// of the user's group, or from the model trained on everyone when the group has none. Fold-in
    /// of a new user's (or item's) ratings and similar items use the model trained on everyone.
    ///
    /// - Parameter training: The training ratings of the model trained on everyone.
    /// - Throws: ``ConfigurationError`` when the model is not trained.
    public init(grouped: GroupedAutoRec, training: RatingTable, items: ItemCatalog? = nil) throws {
        guard let everyone = grouped.everyone else {
            throw ConfigurationError.invalid("the group model is not trained")
        }
        try self.init(everyone, grouped: grouped, training: training, items: items)
    }

    private init(_ model: AutoRecModel, grouped: GroupedAutoRec?, training: RatingTable, items: ItemCatalog?) throws {
        self.model = model
        self.grouped = grouped
        self.training = training
        self.items = items
        var b = BaselinePredictor()
        try b.fit(training, validation: nil)
        baseline = b
        userSeen = training.ratingsPerUser().map { $0 > 0 }
        itemSeen = training.ratingsPerItem().map { $0 > 0 }
        var rows = [[Int32]](repeating: [], count: training.userCount)
        for k in 0..<training.count { rows[Int(training.users[k])].append(Int32(k)) }
        ratingRows = rows
    }

    /// The predicted rating of `item` by `user` (raw ids), clipped to the scale.
    public func predict(user: String, item: String) -> Prediction {
        let u = training.userIDs.index(of: user).flatMap { userSeen[Int($0)] ? $0 : nil }
        let i = training.itemIDs.index(of: item).flatMap { itemSeen[Int($0)] ? $0 : nil }
        let value: Float, source: Source
        switch (u, i) {
        case let (u?, i?): (value, source) = (model(for: u).predict(user: u, item: i), .model)
        case let (nil, i?): (value, source) = (baseline.predict(user: -1, item: i), .newUser)
        case let (u?, nil): (value, source) = (baseline.predict(user: u, item: -1), .newItem)
        case (nil, nil): (value, source) = (baseline.predict(user: -1, item: -1), .newUserAndItem)
        }
        return Prediction(user: user, item: item, rating: training.scale.clip(value), source: source)
    }

    /// The model that answers for known user `u`: its group's, else ``model``.
    private func model(for u: Int32) -> AutoRecModel { grouped?.model(for: u) ?? model }

    /// The `count` best items for a known user, best first, with the items they rated in training
    /// left out (unless `includeRated`), optionally among `candidates` only.
    ///
    /// An unknown user gets the items with the highest baseline score r̄ + b_i (source `newUser`).
    /// - Parameter excluding: raw item ids to leave out as well (ratings given after training, such
    ///   as a service's stored ratings); ids the model does not know are ignored.
    /// - Throws: ``RequestError/unknownItems(_:)`` when a candidate id is unknown.
    /// - Complexity: O(items × hidden units) to score, O(items log count) to select.
    public func recommend(
        user: String, count: Int, candidates: [String]? = nil, includeRated: Bool = false,
        excluding: [String] = []
    ) throws(RequestError) -> (items: [Recommendation], source: Source) {
        var scores = [Float](repeating: 0, count: training.itemCount)
        var source = Source.model
        if let u = training.userIDs.index(of: user), userSeen[Int(u)] {
            model(for: u).scores(forUser: u, into: &scores)
            if !includeRated { for k in ratingRows[Int(u)] { scores[Int(training.items[Int(k)])] = -.infinity } }
        } else {
            source = .newUser
            for i in 0..<scores.count { scores[i] = baseline.predict(user: -1, item: Int32(i)) }
        }
        if !includeRated {
            for id in excluding { if let i = training.itemIDs.index(of: id) { scores[Int(i)] = -.infinity } }
        }
        return (try select(scores, count: count, candidates: candidates), source)
    }

    /// The items `user` rated in training with their ratings and titles, in training order
    /// (nil for a user the model does not know).
    ///
    /// - Complexity: O(ratings of the user).
    public func trainingRatings(ofUser user: String) -> [RatedItem]? {
        guard let u = training.userIDs.index(of: user), userSeen[Int(u)] else { return nil }
        return ratingRows[Int(u)].map { k in
            let i = training.items[Int(k)]
            return RatedItem(item: training.itemIDs.rawID(i), rating: training.ratings[Int(k)], title: items?[i].title)
        }
    }

    /// Recommendations for a user who was not in training, from ratings given now (U-AutoRec fold-in).
    ///
    /// - Parameter ratings: (raw item id, rating) pairs.
    /// - Returns: The recommendations (the rated items left out) and the given item ids the model
    ///   does not know, which took no part.
    /// - Throws: ``RequestError/foldInNotSupported(_:)`` for I-AutoRec, ``RequestError/noRatings``,
    ///   ``RequestError/ratingOutOfScale(id:rating:scale:)``, ``RequestError/noKnownIDs(kind:ids:)``.
    public func recommend(
        foldingIn ratings: [(item: String, rating: Float)], count: Int, candidates: [String]? = nil
    ) throws(RequestError) -> (items: [Recommendation], unknownItems: [String]) {
        guard model.configuration.orientation == .user else {
            throw .foldInNotSupported(
                "I-AutoRec encodes items, so a new user's ratings cannot be folded in without retraining "
                    + "(help: train with --model u-autorec, or recommend for a known user)")
        }
        let (known, unknown) = try foldInInputs(ratings.map { ($0.item, $0.rating) }, ids: training.itemIDs,
                                                kind: "item")
        var scores = model.reconstruct(inputs: known.map(\.0), values: known.map(\.1))
        for (i, _) in known { scores[Int(i)] = -.infinity }
        return (try select(scores, count: count, candidates: candidates), unknown)
    }

    /// Predicted ratings of a new item by every training user, from ratings given now (I-AutoRec fold-in).
    ///
    /// - Parameter ratings: (raw user id, rating) pairs.
    /// - Returns: (raw user id, clipped predicted rating) for every user, in index order, and the
    ///   given user ids the model does not know, which took no part.
    /// - Throws: as ``recommend(foldingIn:count:candidates:)``, for U-AutoRec and GLocal-K models.
    public func scoreNewItem(ratings: [(user: String, rating: Float)]) throws(RequestError)
        -> (users: [(user: String, rating: Float)], unknownUsers: [String])
    {
        guard model.configuration.orientation == .item else {
            throw .foldInNotSupported(
                "U-AutoRec encodes users, so a new item's ratings cannot be folded in without retraining "
                    + "(help: train with --model i-autorec)")
        }
        guard model.globalKernel == nil else {
            throw .foldInNotSupported(
                "GLocal-K convolves each item's ratings with its neighbours' in the training matrix, so a new item "
                    + "cannot be folded in without retraining (help: train with --model sparse-fc)")
        }
        let (known, unknown) = try foldInInputs(ratings.map { ($0.user, $0.rating) }, ids: training.userIDs,
                                                kind: "user")
        let out = model.reconstruct(inputs: known.map(\.0), values: known.map(\.1))
        let users = out.enumerated().map { (training.userIDs.rawID(Int32($0.offset)), training.scale.clip($0.element)) }
        return (users, unknown)
    }

    /// The fold-in ratings as (index, rating) for the ids the model knows, and the unknown ids.
    ///
    /// - Throws: ``RequestError/noRatings`` for an empty list, ``RequestError/ratingOutOfScale(id:rating:scale:)``
    ///   for a rating outside the training scale (a 1-5 model cannot read a 10), and
    ///   ``RequestError/noKnownIDs(kind:ids:)`` when no id is known.
    private func foldInInputs(_ ratings: [(String, Float)], ids: IDMap, kind: String) throws(RequestError)
        -> (known: [(Int32, Float)], unknown: [String])
    {
        try Self.foldInInputs(ratings, ids: ids, kind: kind, scale: training.scale)
    }

    /// ``foldInInputs(_:ids:kind:)`` against any rating scale (shared with ``TopNRecommender``).
    static func foldInInputs(_ ratings: [(String, Float)], ids: IDMap, kind: String, scale: RatingScale)
        throws(RequestError) -> (known: [(Int32, Float)], unknown: [String])
    {
        guard !ratings.isEmpty else { throw .noRatings }
        var known = [(Int32, Float)](), unknown = [String]()
        for (id, rating) in ratings {
            guard rating.isFinite, rating >= scale.minimum, rating <= scale.maximum else {
                throw .ratingOutOfScale(id: id, rating: rating, scale: scale)
            }
            if let index = ids.index(of: id) { known.append((index, rating)) } else { unknown.append(id) }
        }
        guard !known.isEmpty else { throw .noKnownIDs(kind: kind, ids: unknown) }
        return (known, unknown)
    }

    private func select(_ scores: [Float], count: Int, candidates: [String]?) throws(RequestError) -> [Recommendation] {
        try Self.select(scores, count: count, candidates: candidates, itemIDs: training.itemIDs, titles: items,
                        clip: training.scale)
    }

    /// The `count` best items of `scores` (−∞: left out), optionally among `candidates` only, with
    /// each score clipped to `clip` when given (ratings) or as is (ranking scores).
    ///
    /// - Throws: ``RequestError/unknownItems(_:)`` when a candidate id is unknown.
    static func select(
        _ scores: [Float], count: Int, candidates: [String]?, itemIDs: IDMap, titles: ItemCatalog?,
        clip: RatingScale?
    ) throws(RequestError) -> [Recommendation] {
        var s = scores
        if let candidates {
            var allowed = [Bool](repeating: false, count: s.count)
            var unknown = [String]()
            for c in candidates {
                if let i = itemIDs.index(of: c), Int(i) < s.count { allowed[Int(i)] = true } else { unknown.append(c) }
            }
            if !unknown.isEmpty { throw .unknownItems(unknown) }
            for i in 0..<s.count where !allowed[i] { s[i] = -.infinity }
        }
        for i in 0..<s.count where s[i] == -.infinity { s[i] = .nan }
        return TopK.select(s, count: count).map { i in
            Recommendation(item: itemIDs.rawID(i), score: clip?.clip(scores[Int(i)]) ?? scores[Int(i)],
                           title: titles?[i].title)
        }
    }
}
