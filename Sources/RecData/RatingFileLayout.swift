/// How the ratings in a delimited text file are laid out: the separator, whether a header line
/// comes first, and which field holds what.
///
/// The MovieLens releases are presets (``RatingFileFormat``); any other delimited file is
/// described with `--separator` and `--columns` on the command line.
public struct RatingFileLayout: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What a field holds.
    public enum Column: String, Sendable, Hashable, Codable, CaseIterable {
        case user, item, rating, timestamp
        /// A field that is read past and ignored.
        case ignore
    }

    /// The field separator (one or more bytes, e.g. `"\t"`, `"::"`, `","`).
    public var separator: String
    /// Whether the first line is a header to skip.
    public var hasHeader: Bool
    /// What each field holds, in order; must contain `user`, `item` and `rating` exactly once.
    public var columns: [Column]

    public init(separator: String, hasHeader: Bool = false, columns: [Column]) {
        self.separator = separator
        self.hasHeader = hasHeader
        self.columns = columns
    }

    /// `separator "\t", columns user,item,rating,timestamp, header`.
    public var description: String {
        let sep = separator.map { $0 == "\t" ? "\\t" : String($0) }.joined()
        return "separator \"\(sep)\", columns \(columns.map(\.rawValue).joined(separator: ","))"
            + (hasHeader ? ", header" : "")
    }
}

/// The rating file formats the package reads and writes.
public enum RatingFileFormat: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// MovieLens 100K `u.data` and its split files: `user<TAB>item<TAB>rating<TAB>timestamp`.
    case ml100k = "ml-100k"
    /// MovieLens 1M and 10M `ratings.dat`: `user::item::rating::timestamp`.
    case ml1m = "ml-1m"
    /// MovieLens 20M, 25M and latest `ratings.csv`: header `userId,movieId,rating,timestamp`.
    case mlLatest = "ml-latest"
    /// Any other delimited text; needs a ``RatingFileLayout``.
    case delimited

    /// The layout of a preset format (`nil` for `delimited`).
    public var presetLayout: RatingFileLayout? {
        switch self {
        case .ml100k: RatingFileLayout(separator: "\t", columns: [.user, .item, .rating, .timestamp])
        case .ml1m: RatingFileLayout(separator: "::", columns: [.user, .item, .rating, .timestamp])
        case .mlLatest:
            RatingFileLayout(separator: ",", hasHeader: true, columns: [.user, .item, .rating, .timestamp])
        case .delimited: nil
        }
    }

    public var description: String { rawValue }
}
