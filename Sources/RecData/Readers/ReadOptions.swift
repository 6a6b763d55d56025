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
    /// When set, the scale the ratings must keep to: a rating off it is an error
    /// (``RatingFileError/ratingOffScale(_:value:scale:source:hint:)``) and the table gets this
    /// scale rather than one read from its ratings. `nil` (the default) reads the scale from the
    /// ratings. ``Dataset`` sets it for MovieLens files.
    public var scale: KnownScale?

    /// Options with the given duplicate policy, optional allowed rating range and scale.
    ///
    /// - Parameters:
    ///   - duplicates: What to do with a repeated (user, item) pair.
    ///   - ratingRange: The allowed ratings, or `nil` to accept every finite value.
    ///   - scale: The scale the ratings must keep to, or `nil` to read it from them.
    public init(
        duplicates: DuplicatePolicy = .error, ratingRange: ClosedRange<Float>? = nil, scale: KnownScale? = nil
    ) {
        self.duplicates = duplicates
        self.ratingRange = ratingRange
        self.scale = scale
    }
}
