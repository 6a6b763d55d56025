import Foundation

extension Dataset {
    /// What a folder is searched for, in this order.
    static let lookedFor =
        "looked for a folder with u.data (MovieLens 100K), ratings.dat (MovieLens 1M/10M), "
        + "ratings.csv (MovieLens 20M/25M/latest) or ratings.tsv, or a rating file"

    /// Finds the data set at a folder or file and works out its format.
    ///
    /// A folder is recognised by its rating file: `u.data` (MovieLens 100K), `ratings.dat`
    /// (MovieLens 1M with `users.dat`, else 10M), `ratings.csv` (MovieLens 20M/25M/latest),
    /// `ratings.tsv` (tab-separated, sniffed; MovieLens 1M side files are used if present).
    /// A single file is sniffed: separator `::`, tab, `,` or `;`, an optional header naming
    /// the columns, else 3 columns (user, item, rating) or 4 (plus timestamp).
    ///
    /// - Parameters:
    ///   - path: A folder or a rating file.
    ///   - format: A preset that overrides detection of the rating file's layout
    ///     (`.delimited` means sniff).
    ///   - layout: A layout that overrides both detection and `format`.
    /// - Returns: The data set, with a ``description`` of what was detected.
    /// - Throws: ``RatingFileError/unknownFormat(path:hint:)`` when nothing is recognised,
    ///   ``RatingFileError/cannotOpen(path:reason:)`` when `path` does not exist.
    public static func detect(
        at path: String, format: RatingFileFormat? = nil, layout: RatingFileLayout? = nil
    )
        throws(RatingFileError) -> Dataset
    {
        let override = layout ?? format?.presetLayout
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .cannotOpen(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else {
            return try detectFile(path, override: override)
        }
        func has(_ name: String) -> String? {
            let p = join(path, name)
            return FileManager.default.fileExists(atPath: p) ? p : nil
        }
        if let ratings = has("u.data") {
            return Dataset(
                kind: .movieLens100K, path: path, ratingsPath: ratings,
                layout: override ?? RatingFileFormat.ml100k.presetLayout ?? Self.fallbackLayout,
                sideInformation: .movieLens100K(
                    users: has("u.user"), items: has("u.item"), genres: has("u.genre")),
                description:
                    "MovieLens 100K (u.data, \(describe(override ?? RatingFileFormat.ml100k.presetLayout)))")
        }
        if let ratings = has("ratings.dat") {
            let users = has("users.dat")
            let kind: Kind = users == nil ? .movieLens10M : .movieLens1M
            let name = users == nil ? "MovieLens 10M" : "MovieLens 1M"
            let chosen = override ?? RatingFileFormat.ml1m.presetLayout ?? Self.fallbackLayout
            return Dataset(
                kind: kind, path: path, ratingsPath: ratings, layout: chosen,
                sideInformation: .movieLens1M(users: users, movies: has("movies.dat")),
                description: "\(name) (ratings.dat, \(describe(chosen)))")
        }
        if let ratings = has("ratings.csv") {
            let chosen = override ?? RatingFileFormat.mlLatest.presetLayout ?? Self.fallbackLayout
            return Dataset(
                kind: .movieLensCSV, path: path, ratingsPath: ratings, layout: chosen,
                sideInformation: has("movies.csv").map { .movieLensCSV(movies: $0) } ?? .none,
                description: "MovieLens 20M/25M/latest (ratings.csv, \(describe(chosen)))")
        }
        if let ratings = has("ratings.tsv") {
            let chosen = try chosenLayout(override, ratings)
            let users = has("users.dat"), movies = has("movies.dat")
            let side: SideInformation =
                users == nil && movies == nil ? .none : .movieLens1M(users: users, movies: movies)
            let extra = side == .none ? "" : " with MovieLens 1M side information"
            return Dataset(
                kind: .ratingsTSV, path: path, ratingsPath: ratings, layout: chosen, sideInformation: side,
                description: "tab-separated ratings (ratings.tsv, \(describe(chosen)))\(extra)")
        }
        let inside = subfoldersWithRatings(of: path)
        guard inside.isEmpty else {
            throw .unknownFormat(
                path: path,
                hint:
                    "no rating file here, but found rating data in \(inside.joined(separator: ", ")): pass one of those"
            )
        }
        throw .unknownFormat(path: path, hint: lookedFor)
    }

    /// The names of the subfolders of `path` that hold one of the rating files looked for, sorted.
    private static func subfoldersWithRatings(of path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().filter { name in
            ["u.data", "ratings.dat", "ratings.csv", "ratings.tsv"].contains { file in
                FileManager.default.fileExists(atPath: join(join(path, name), file))
            }
        }
    }

    /// `override` if given, else the sniffed layout of `path`.
    private static func chosenLayout(_ override: RatingFileLayout?, _ path: String) throws(RatingFileError)
        -> RatingFileLayout
    {
        if let override { return override }
        return try sniff(path)
    }

    /// Never used: every preset has a layout. Keeps detection free of force unwraps.
    private static let fallbackLayout = RatingFileLayout(separator: "\t", columns: [.user, .item, .rating])

    private static func detectFile(_ path: String, override: RatingFileLayout?) throws(RatingFileError)
        -> Dataset
    {
        let chosen = try chosenLayout(override, path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        let known: String
        switch chosen {
        case RatingFileFormat.ml100k.presetLayout: known = "MovieLens 100K layout, "
        case RatingFileFormat.ml1m.presetLayout: known = "MovieLens 1M/10M layout, "
        case RatingFileFormat.mlLatest.presetLayout: known = "MovieLens latest layout, "
        default: known = ""
        }
        return Dataset(
            kind: .ratingFile, path: path, ratingsPath: path, layout: chosen,
            description: "rating file (\(name), \(known)\(describe(chosen)))")
    }

    /// `user::item::rating::timestamp`, `header user,item,rating` for a comma, tab shown as `\t`.
    static func describe(_ layout: RatingFileLayout?) -> String {
        guard let layout else { return "" }
        let shown = layout.separator == "\t" ? "\\t" : layout.separator
        return (layout.hasHeader ? "header, " : "") + layout.columns.map(\.rawValue).joined(separator: shown)
    }

    /// Works out the layout of a rating file from its first lines.
    ///
    /// - Parameter path: The file.
    /// - Returns: The layout: the first separator among `::`, tab, `,`, `;` that splits every
    ///   sampled line into the same number (3 or more) of fields with a number in the third;
    ///   a header when only the first line's third field is not a number.
    /// - Throws: ``RatingFileError/unknownFormat(path:hint:)`` when no separator fits,
    ///   ``RatingFileError/emptyFile(path:)`` for a file without lines.
    public static func sniff(_ path: String) throws(RatingFileError) -> RatingFileLayout {
        let sample = Array(try TextFile(path: path, limit: 1 << 16).lines.prefix(50))
        guard let first = sample.first else { throw .emptyFile(path: path) }
        for separator in ["::", "\t", ",", ";"] {
            let bytes = Array(separator.utf8)
            let counts = sample.map { TextFile.split($0.bytes, separator: bytes).count }
            guard let n = counts.first, n >= 3, counts.allSatisfy({ $0 == n }) else { continue }
            // The third field of a data line is the rating; a header is a first line whose
            // third field is not a number while the next lines' are.
            func rating(_ line: TextFile.Line) -> Double? {
                Double(TextFile.decode(TextFile.split(line.bytes, separator: bytes)[2], .utf8OrLatin1))
            }
            let rest = sample.dropFirst()
            if rating(first) == nil, !rest.isEmpty, rest.allSatisfy({ rating($0) != nil }) {
                let head = TextFile.split(first.bytes, separator: bytes).map {
                    TextFile.decode($0, .utf8OrLatin1)
                }
                return try headerLayout(head, separator: separator, path: path)
            }
            guard sample.allSatisfy({ rating($0) != nil }) else { continue }
            switch n {
            case 3: return RatingFileLayout(separator: separator, columns: [.user, .item, .rating])
            case 4:
                return RatingFileLayout(separator: separator, columns: [.user, .item, .rating, .timestamp])
            default:
                throw .unknownFormat(
                    path: path,
                    hint:
                        "found \(n) fields per line separated by '\(separator == "\t" ? "\\t" : separator)': "
                        + "pass --columns, e.g. --columns user,item,rating,timestamp,ignore")
            }
        }
        throw .unknownFormat(
            path: path,
            hint: "no separator among '::', tab, ',' and ';' gives the same 3 or more fields on every line "
                + "with a rating in the third: "
                + "pass --separator and --columns")
    }

    /// The layout named by a header such as `userId,movieId,rating,timestamp`.
    private static func headerLayout(_ names: [String], separator: String, path: String)
        throws(RatingFileError)
        -> RatingFileLayout
    {
        let columns: [RatingFileLayout.Column] = names.map { raw in
            let name = raw.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            if name.contains("user") { return .user }
            if name.contains("item") || name.contains("movie") { return .item }
            if name.contains("rating") || name.contains("score") { return .rating }
            if name.contains("time") { return .timestamp }
            return .ignore
        }
        for needed in [RatingFileLayout.Column.user, .item, .rating]
        where columns.count(where: { $0 == needed }) != 1 {
            throw .badHeader(
                InputPosition(file: path, line: 1),
                reason:
                    "cannot tell the \(needed.rawValue) column from '\(names.joined(separator: separator))': pass --columns"
            )
        }
        return RatingFileLayout(separator: separator, hasHeader: true, columns: columns)
    }
}
