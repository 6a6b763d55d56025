/// What to do when a file rates the same (user, item) pair more than once.
public enum DuplicatePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stop with ``RatingFileError/duplicatePair(_:user:item:firstLine:)`` naming both lines.
    case error
    /// Keep only the last rating of the pair, at the position of that last line.
    case keepLast = "keep-last"
    /// Keep one rating, at the position of the first line, whose value is the mean of all the
    /// pair's ratings and whose timestamp is the last one's.
    case average
}

/// Options for ``RatingReader``.
public struct ReadOptions: Sendable, Hashable {
    /// What to do with a repeated (user, item) pair; `.error` by default.
    public var duplicates: DuplicatePolicy
    /// When set, a rating outside this range is an error
    /// (``RatingFileError/ratingOutOfRange(_:value:range:)``).
    public var ratingRange: ClosedRange<Float>?

    /// Options with the given duplicate policy and optional allowed rating range.
    ///
    /// - Parameters:
    ///   - duplicates: What to do with a repeated (user, item) pair.
    ///   - ratingRange: The allowed ratings, or `nil` to accept every finite value.
    public init(duplicates: DuplicatePolicy = .error, ratingRange: ClosedRange<Float>? = nil) {
        self.duplicates = duplicates
        self.ratingRange = ratingRange
    }
}
