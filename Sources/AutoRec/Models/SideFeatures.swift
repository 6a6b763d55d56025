import RecData
import RecMath

/// Side information as input features of the encoded entities: one sparse row per user (for
/// U-AutoRec) or per item (for I-AutoRec), appended to the rating vector at the input only (the
/// output stays the ratings), as in Strub, Mary and Gaudel's hybrid autoencoders.
///
/// - Users: gender (2), age group (7: the MovieLens-1M groups under 18, 18-24, 25-34, 35-44, 45-49,
///   50-55, 56+; exact MovieLens-100K ages fall into them) and occupation (one per name), one-hot.
/// - Items: genres (several may be set) and the release decade (before 1950, the 1950s … the
///   2010s, 2020 on), one-hot.
///
/// An entity without attributes has an empty row: zeros.
public struct SideFeatures: Sendable, Equatable {
    /// Features of each entity (rows = entity index, columns = features), values 1.
    public let matrix: CSRMatrix
    /// The name of each feature column (`gender=F`, `age=25-34`, `genre=Comedy`, `decade=1990s`).
    public let names: [String]

    /// Number of feature columns.
    public var width: Int { matrix.cols }
    /// Entities whose row is empty (no attribute known).
    public var missingCount: Int { (0..<matrix.rows).count { matrix.count(ofRow: $0) == 0 } }

    /// Features from an explicit matrix (shapes checked by the caller).
    public init(matrix: CSRMatrix, names: [String]) {
        precondition(names.count == matrix.cols, "SideFeatures: \(names.count) names for \(matrix.cols) columns")
        self.matrix = matrix
        self.names = names
    }

    /// Features of value 1 at the columns `columns(entry)` of each entry, in entry order.
    init<Entry>(rows entries: [Entry], names: [String], columns: (Entry) -> [Int]) {
        var rows = [Int32](), cols = [Int32]()
        for (r, entry) in entries.enumerated() {
            for c in columns(entry) {
                rows.append(Int32(r))
                cols.append(Int32(c))
            }
        }
        self.init(matrix: CSRMatrix(rows: entries.count, cols: names.count, rowIndices: rows, columnIndices: cols,
                                    values: [Float](repeating: 1, count: rows.count)),
                  names: names)
    }

    static let ageGroups = [(0, "<18"), (18, "18-24"), (25, "25-34"), (35, "35-44"), (45, "45-49"), (50, "50-55"),
                            (56, "56+")]

    /// One-hot user features from a catalog aligned with the user indices.
    public init(users catalog: UserCatalog) {
        let occupations = Array(Set(catalog.entries.compactMap(\.occupation))).sorted()
        let occupationColumn = Dictionary(uniqueKeysWithValues: occupations.enumerated().map { ($1, $0) })
        var names = ["gender=F", "gender=M"] + Self.ageGroups.map { "age=\($0.1)" }
        names += occupations.map { "occupation=\($0)" }
        self.init(rows: catalog.entries, names: names) { user in
            var mine = [Int]()
            if let g = user.gender?.uppercased(), g == "F" || g == "M" { mine.append(g == "F" ? 0 : 1) }
            // The last group whose lower bound the age reaches (the 1M codes are those bounds).
            if let age = user.age, let group = Self.ageGroups.lastIndex(where: { age >= $0.0 }) { mine.append(2 + group) }
            if let o = user.occupation, let c = occupationColumn[o] { mine.append(2 + Self.ageGroups.count + c) }
            return mine
        }
    }

    static let decades = ["<1950"] + (195...201).map { "\($0)0s" } + ["2020+"]

    /// Genre and release-decade features from a catalog aligned with the item indices.
    public init(items catalog: ItemCatalog) {
        let names = catalog.genreNames.map { "genre=\($0)" } + Self.decades.map { "decade=\($0)" }
        self.init(rows: catalog.entries, names: names) { item in
            var mine = item.genres.filter { $0 >= 0 && $0 < catalog.genreNames.count }
            if let year = item.year {
                mine.append(catalog.genreNames.count + min(Self.decades.count - 1, max(0, year / 10 - 194)))
            }
            return mine
        }
    }
}
