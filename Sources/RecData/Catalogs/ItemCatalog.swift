/// What is known about each item, aligned with a ``RatingTable``'s item indices.
///
/// `entries[i]` describes the item with index `i`; an item missing from the side-information
/// file has an entry with every field `nil` and no genres. Items that appear only in the side
/// information (never rated) are left out, so the catalog never widens the index space.
public struct ItemCatalog: Sendable, Equatable {
    /// The side information of one item.
    public struct Item: Sendable, Equatable {
        /// The title as in the file, year included (`Toy Story (1995)`).
        public var title: String?
        /// The year in parentheses at the end of the title, else from the release date.
        public var year: Int?
        /// Indices into ``ItemCatalog/genreNames``, ascending.
        public var genres: [Int]

        /// An item with the given fields.
        public init(title: String? = nil, year: Int? = nil, genres: [Int] = []) {
            self.title = title
            self.year = year
            self.genres = genres
        }
    }

    /// One entry per item index.
    public var entries: [Item]
    /// Genre names; ``Item/genres`` indexes this list. MovieLens 100K: the order of `u.genre`
    /// (or its 19 flags); other releases: order of first appearance in the file.
    public var genreNames: [String]

    /// A catalog with one entry per item index.
    public init(entries: [Item], genreNames: [String]) {
        self.entries = entries
        self.genreNames = genreNames
    }

    /// Number of entries (the item index space).
    public var count: Int { entries.count }

    /// The entry of item index `item`.
    public subscript(item: Int32) -> Item { entries[Int(item)] }

    /// Number of items with a title.
    public var describedCount: Int { entries.count { $0.title != nil } }

    /// The year at the end of a title such as `Toy Story (1995)` (trailing spaces allowed).
    ///
    /// - Parameter title: A MovieLens title.
    /// - Returns: The year, or `nil` when the title does not end with `(dddd)`.
    public static func year(inTitle title: String) -> Int? {
        let bytes = Array(title.utf8.reversed().drop { $0 == UInt8(ascii: " ") }.reversed())
        guard bytes.count >= 6, bytes[bytes.count - 1] == UInt8(ascii: ")"),
            bytes[bytes.count - 6] == UInt8(ascii: "(")
        else { return nil }
        var year = 0
        for b in bytes[(bytes.count - 5)..<(bytes.count - 1)] {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            year = year * 10 + Int(b - UInt8(ascii: "0"))
        }
        return year
    }
}
