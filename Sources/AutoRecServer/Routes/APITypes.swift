import AutoRec
import Hummingbird
import RecData

/// Which path produced an answer: a stable `code` and a `message` in words.
struct SourceInfo: Codable, Sendable, Equatable {
    var code: String
    var message: String

    init(_ source: Recommender.Source) {
        code = source.code
        message = source.message
    }
}

/// `GET /v1/users/{id}/recommendations` and `POST /v1/recommendations`.
struct RecommendationsResponse: ResponseCodable, Sendable {
    var user: String?
    var model: String
    var version: String
    var source: SourceInfo
    var items: [Recommender.Recommendation]
    /// Fold-in: rated item ids the model does not know (they took no part).
    var unknownItems: [String]?

    enum CodingKeys: String, CodingKey {
        case user, model, version, source, items
        case unknownItems = "unknown_items"
    }
}

/// One (item, rating) of a request body.
struct ItemRating: Codable, Sendable {
    var item: String
    var rating: Float

    enum CodingKeys: String, CodingKey { case item, rating }

    init(item: String, rating: Float) {
        self.item = item
        self.rating = rating
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        item = try c.decode(String.self, forKey: .item)
        rating = try c.decode(Float.self, forKey: .rating)
    }
}

/// `POST /v1/recommendations`: a new visitor's ratings.
struct FoldInRequest: Codable, Sendable {
    var ratings: [ItemRating]
    var count: Int?
    var candidates: [String]?

    enum CodingKeys: String, CodingKey { case ratings, count, candidates }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ratings = try c.decode([ItemRating].self, forKey: .ratings)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        candidates = try c.decodeIfPresent([String].self, forKey: .candidates)
    }
}

/// `POST /v1/users/{id}/ratings`.
struct RatingsRequest: Codable, Sendable {
    var ratings: [ItemRating]

    enum CodingKeys: String, CodingKey { case ratings }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        ratings = try decoder.container(keyedBy: CodingKeys.self).decode([ItemRating].self, forKey: .ratings)
    }
}

/// The answer to a rating write: how many were stored.
struct RatingsStored: ResponseCodable, Sendable {
    var user: String
    var stored: Int
}

/// `GET /v1/users/{id}/ratings`: training ratings (if the model knows the user) and stored ones.
struct UserRatingsResponse: ResponseCodable, Sendable {
    var user: String
    var known: Bool
    var training: [Recommender.RatedItem]
    var stored: [StoredRating]
}

/// `POST /v1/predictions`.
struct PredictionsRequest: Codable, Sendable {
    struct Pair: Codable, Sendable {
        var user: String
        var item: String

        enum CodingKeys: String, CodingKey { case user, item }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            user = try c.decode(String.self, forKey: .user)
            item = try c.decode(String.self, forKey: .item)
        }
    }

    var pairs: [Pair]

    enum CodingKeys: String, CodingKey { case pairs }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        pairs = try decoder.container(keyedBy: CodingKeys.self).decode([Pair].self, forKey: .pairs)
    }
}

struct PredictionsResponse: ResponseCodable, Sendable {
    struct Answer: Codable, Sendable {
        var user: String
        var item: String
        var rating: Float
        var source: SourceInfo
    }

    var model: String
    var version: String
    var predictions: [Answer]
}

struct SimilarItemsResponse: ResponseCodable, Sendable {
    var model: String
    var version: String
    var item: String
    var representation: String
    var measure: String
    var items: [Recommender.Recommendation]
}

struct ItemSearchResponse: ResponseCodable, Sendable {
    struct Match: Codable, Sendable {
        var item: String
        var title: String?
    }

    var query: String
    var items: [Match]
}

struct HealthResponse: ResponseCodable, Sendable {
    var status: String
    var model: String?
    var version: String?
    var path: String?
    var scale: RatingScale?
}

struct ReloadResponse: ResponseCodable, Sendable {
    var model: String
    var version: String
    var previousVersion: String

    enum CodingKeys: String, CodingKey {
        case model, version
        case previousVersion = "previous_version"
    }
}

extension Recommender.RequestError {
    /// This error as an HTTP answer, naming `field`.
    func apiError(field: String) -> APIError {
        switch self {
        case .unknownItems: APIError(.badRequest, code: "unknown-item", field: field, description)
        case .foldInNotSupported:
            APIError(.unprocessableContent, code: "fold-in-not-supported", field: field, description)
        case .noRatings: APIError(.badRequest, code: "empty", field: field, description)
        case .noKnownIDs: APIError(.unprocessableContent, code: "no-known-items", field: field, description)
        case .ratingOutOfScale: APIError(.badRequest, code: "out-of-range", field: field, description)
        }
    }
}
