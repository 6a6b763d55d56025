/// What is known about each user, aligned with a ``RatingTable``'s user indices.
///
/// `entries[u]` describes the user with index `u`; a user missing from the side-information
/// file has an entry with every field `nil`. Users that appear only in the side information
/// (no rating) are left out, so the catalog never widens the index space.
public struct UserCatalog: Sendable, Equatable {
    /// The side information of one user; any field may be missing.
    public struct User: Sendable, Equatable {
        /// Age in years (MovieLens 100K), or the age-group code of MovieLens 1M
        /// (1: under 18, 18: 18-24, 25: 25-34, 35: 35-44, 45: 45-49, 50: 50-55, 56: 56+).
        public var age: Int?
        /// `M` or `F` as in the file.
        public var gender: String?
        /// Occupation name (MovieLens 1M codes are turned into their names).
        public var occupation: String?
        /// Zip code as text (it may have letters or a dash).
        public var zip: String?

        /// A user with the given fields.
        public init(age: Int? = nil, gender: String? = nil, occupation: String? = nil, zip: String? = nil) {
            self.age = age
            self.gender = gender
            self.occupation = occupation
            self.zip = zip
        }
    }

    /// One entry per user index.
    public var entries: [User]

    /// A catalog with one entry per user index.
    public init(entries: [User]) { self.entries = entries }

    /// Number of entries (the user index space).
    public var count: Int { entries.count }

    /// The entry of user index `user`.
    public subscript(user: Int32) -> User { entries[Int(user)] }

    /// Number of users with at least one known field.
    public var describedCount: Int {
        entries.count { $0.age != nil || $0.gender != nil || $0.occupation != nil || $0.zip != nil }
    }
}
