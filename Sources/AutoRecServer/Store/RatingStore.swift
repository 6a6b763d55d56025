/// One rating a service stored: raw ids, the value, and when it was stored (Unix seconds).
public struct StoredRating: Sendable, Codable, Equatable {
    public var user: String
    public var item: String
    public var rating: Float
    public var timestamp: Int64

    public init(user: String, item: String, rating: Float, timestamp: Int64) {
        self.user = user
        self.item = item
        self.rating = rating
        self.timestamp = timestamp
    }
}

/// Where a service keeps the ratings its users give, keyed by (user, item).
///
/// `save` is all-or-nothing and durable when it returns: a rating it acknowledged survives a
/// crash of the process. A later rating of the same (user, item) replaces the earlier one.
/// ``SQLiteRatingStore`` is the embedded implementation; a client-server database (PostgreSQL
/// through PostgresNIO, for many writers) can conform the same way.
public protocol RatingStore: Sendable {
    /// Stores `ratings` in one transaction, replacing earlier ratings of the same (user, item).
    func save(_ ratings: [StoredRating]) async throws
    /// The ratings of one user, oldest first.
    func ratings(ofUser user: String) async throws -> [StoredRating]
    /// Every stored rating, oldest first (for retraining).
    func allRatings() async throws -> [StoredRating]
}
