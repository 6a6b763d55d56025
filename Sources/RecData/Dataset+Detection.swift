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
    /// A single file is known by its name first: `u.data` and the 100K split files (`u1.base`,
    /// ..., `ub.test`), `ratings.dat`, and a `ratings.csv` starting with the MovieLens header.
    /// Any other file is sniffed (``sniff(_:)``).
    ///
    /// A MovieLens file, found by name or named by `format`, gets its release's
    /// ``knownScale``; other files read their scale from their ratings.
    ///
    /// - Parameters:
    ///   - path: A folder or a rating file.
    ///   - format: A preset that overrides detection of the rating file's layout and sets the
    ///     release's scale (`.delimited` means sniff, even a file with a MovieLens name).
    ///   - layout: A layout that overrides both detection and `format`'s layout.
    /// - Returns: The data set, with a ``description`` of what was detected.
    /// - Throws: ``RatingFileError/unknownFormat(path:hint:)`` or
    ///   ``RatingFileError/unrecognizedLine(_:reason:)`` when nothing is recognised,
    ///   ``RatingFileError/cannotOpen(path:reason:)`` when `path` does not exist or cannot be
    ///   read (with the system's reason: permission denied, a symbolic link loop).
    public static func detect(
        at path: String, format: RatingFileFormat? = nil, layout: RatingFileLayout? = nil
    )
        throws(RatingFileError) -> Dataset
    {
        let override = layout ?? format?.presetLayout
        let formatScale = format.flatMap(knownScale(of:))
        guard let isFolder = try entry(path) else {
            throw .cannotOpen(path: path, reason: "no such file or folder")
        }
        guard isFolder else {
            return try detectFile(
                path, override: override, formatScale: formatScale, byName: format != .delimited)
        }
        guard let listing = opendir(path) else {
            throw .cannotOpen(path: path, reason: RatingFileError.reason(errno: errno))
        }
        closedir(listing)
        func has(_ name: String) throws(RatingFileError) -> String? {
            let p = join(path, name)
            return try entry(p) == nil ? nil : p
        }
        if let ratings = try has("u.data") {
            let chosen = override ?? RatingFileFormat.ml100k.presetLayout ?? Self.fallbackLayout
            return Dataset(
                kind: .movieLens100K, path: path, ratingsPath: ratings, layout: chosen,
                sideInformation: .movieLens100K(
                    users: try has("u.user"), items: try has("u.item"), genres: try has("u.genre")),
                description: "MovieLens 100K (u.data, \(describe(chosen)))",
                knownScale: formatScale ?? .movieLens100K)
        }
        if let ratings = try has("ratings.dat") {
            let users = try has("users.dat")
            let kind: Kind = users == nil ? .movieLens10M : .movieLens1M
            let name = users == nil ? "MovieLens 10M" : "MovieLens 1M"
            let chosen = override ?? RatingFileFormat.ml1m.presetLayout ?? Self.fallbackLayout
            return Dataset(
                kind: kind, path: path, ratingsPath: ratings, layout: chosen,
                sideInformation: .movieLens1M(users: users, movies: try has("movies.dat")),
                description: "\(name) (ratings.dat, \(describe(chosen)))",
                knownScale: formatScale ?? (users == nil ? .movieLens10M : .movieLens1M))
        }
        if let ratings = try has("ratings.csv") {
            let chosen = override ?? RatingFileFormat.mlLatest.presetLayout ?? Self.fallbackLayout
            return Dataset(
                kind: .movieLensCSV, path: path, ratingsPath: ratings, layout: chosen,
                sideInformation: try has("movies.csv").map { .movieLensCSV(movies: $0) } ?? .none,
                description: "MovieLens 20M/25M/latest (ratings.csv, \(describe(chosen)))",
                knownScale: formatScale ?? .movieLensCSV)
        }
        if let ratings = try has("ratings.tsv") {
            let chosen = try chosenLayout(override, ratings)
            let users = try has("users.dat"), movies = try has("movies.dat")
            let side: SideInformation =
                users == nil && movies == nil ? .none : .movieLens1M(users: users, movies: movies)
            let extra = side == .none ? "" : " with MovieLens 1M side information"
            return Dataset(
                kind: .ratingsTSV, path: path, ratingsPath: ratings, layout: chosen, sideInformation: side,
                description: "tab-separated ratings (ratings.tsv, \(describe(chosen)))\(extra)",
                knownScale: formatScale)
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

    /// The scale a MovieLens format fixes (`nil` for `delimited`).
    static func knownScale(of format: RatingFileFormat) -> KnownScale? {
        switch format {
        case .ml100k: .movieLens100K
        case .ml1m: .movieLensDat
        case .mlLatest: .movieLensCSV
        case .delimited: nil
        }
    }

    /// Whether `path` is a folder (`true`) or another file (`false`); `nil` when nothing is there.
    ///
    /// - Throws: ``RatingFileError/cannotOpen(path:reason:)`` with the system's reason when the
    ///   path cannot be looked at (no permission to search a folder on the way, a symbolic link
    ///   loop), rather than calling it missing.
    static func entry(_ path: String) throws(RatingFileError) -> Bool? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw .cannotOpen(path: path, reason: RatingFileError.reason(errno: code))
        }
        return (info.st_mode & S_IFMT) == S_IFDIR
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

    /// A single rating file: known by its name (unless `byName` is false, for an explicit
    /// `.delimited`), else sniffed, unless `override` gives the layout.
    private static func detectFile(
        _ path: String, override: RatingFileLayout?, formatScale: KnownScale?, byName useName: Bool
    ) throws(RatingFileError) -> Dataset {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let byName = useName ? try movieLensFile(named: name, at: path) : nil
        if override == nil, let (format, release, scale) = byName, let chosen = format.presetLayout {
            return Dataset(
                kind: .ratingFile, path: path, ratingsPath: path, layout: chosen,
                description: "rating file (\(name), \(release), \(describe(chosen)))",
                knownScale: formatScale ?? scale)
        }
        let chosen = try chosenLayout(override, path)
        let known: String
        switch chosen {
        case RatingFileFormat.ml100k.presetLayout: known = "MovieLens 100K layout, "
        case RatingFileFormat.ml1m.presetLayout: known = "MovieLens 1M/10M layout, "
        case RatingFileFormat.mlLatest.presetLayout: known = "MovieLens latest layout, "
        default: known = ""
        }
        return Dataset(
            kind: .ratingFile, path: path, ratingsPath: path, layout: chosen,
            description: "rating file (\(name), \(known)\(describe(chosen)))",
            knownScale: formatScale ?? byName?.scale)
    }

    /// The MovieLens format, release and scale of a rating file known by its name: `u.data`
    /// and the 100K split files `u1.base` ... `u5.test`, `ua.*`, `ub.*`; `ratings.dat`; a
    /// `ratings.csv` whose first line is the MovieLens header (other CSV files named so are
    /// sniffed). `nil` for other names.
    static func movieLensFile(named name: String, at path: String) throws(RatingFileError)
        -> (format: RatingFileFormat, release: String, scale: KnownScale)?
    {
        let splitNames = ["u1", "u2", "u3", "u4", "u5", "ua", "ub"].flatMap { ["\($0).base", "\($0).test"] }
        if name == "u.data" || splitNames.contains(name) {
            return (.ml100k, "MovieLens 100K", .movieLens100K)
        }
        if name == "ratings.dat" { return (.ml1m, "MovieLens 1M/10M", .movieLensDat) }
        guard name == "ratings.csv" else { return nil }
        let first = try TextFile(path: path, limit: 1 << 12).lines.first
        let header = first.map { TextFile.decode($0.bytes, .utf8OrLatin1) } ?? ""
        guard header.lowercased() == "userid,movieid,rating,timestamp" else { return nil }
        return (.mlLatest, "MovieLens 20M/25M/latest", .movieLensCSV)
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
    /// - Returns: The layout: the first separator among `::`, tab, `,`, `;` that splits each of
    ///   the first 50 lines into the same number (3 or more) of fields with a number as the
    ///   rating (the third field, or the one a header names); a header when the first line has
    ///   no numeric field at all.
    /// - Throws: ``RatingFileError/unrecognizedLine(_:reason:)`` naming the first line that
    ///   breaks the pattern of the lines before it (for the separator that fits most lines),
    ///   ``RatingFileError/unknownFormat(path:hint:)`` for more than 4 fields,
    ///   ``RatingFileError/emptyFile(path:)`` for a file without lines.
    public static func sniff(_ path: String) throws(RatingFileError) -> RatingFileLayout {
        try sniff(TextFile(path: path, limit: sniffedBytes))
    }

    /// ``sniff(_:)`` on a file's contents in memory: its first 64 KB as they would be read.
    ///
    /// Meant for data not in a file and for fuzzing: any bytes give a layout or an error,
    /// never a trap.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents (or their start).
    ///   - path: The name to give in error messages.
    /// - Returns: The layout, as ``sniff(_:)`` finds it.
    /// - Throws: As ``sniff(_:)``.
    public static func sniff(bytes: UnsafeRawBufferPointer, path: String) throws(RatingFileError)
        -> RatingFileLayout
    {
        try sniff(TextFile(bytes: Array(bytes.prefix(sniffedBytes)), path: path, limit: sniffedBytes))
    }

    /// How much of a file sniffing looks at.
    static let sniffedBytes = 1 << 16

    /// What one separator makes of the sampled lines.
    private struct Reading {
        var separator: String
        var fields: Int
        var header: [String]?
        /// Index in the sample of the first line that breaks the pattern, and how.
        var broken: (index: Int, reason: String)?
    }

    private static func sniff(_ file: TextFile) throws(RatingFileError) -> RatingFileLayout {
        let sample = Array(file.lines.prefix(50))
        let path = file.path
        guard let first = sample.first else { throw .emptyFile(path: path) }
        var best: Reading?
        for separator in ["::", "\t", ",", ";"] {
            guard let reading = read(sample, separator: separator) else { continue }
            guard let broken = reading.broken else {
                if let header = reading.header {
                    return try headerLayout(header, separator: separator, path: path)
                }
                switch reading.fields {
                case 3: return RatingFileLayout(separator: separator, columns: [.user, .item, .rating])
                case 4:
                    return RatingFileLayout(
                        separator: separator, columns: [.user, .item, .rating, .timestamp])
                default:
                    throw .unknownFormat(
                        path: path,
                        hint:
                            "found \(reading.fields) fields per line separated by '\(shown(separator))': "
                            + "pass --columns, e.g. --columns user,item,rating,timestamp,ignore")
                }
            }
            if best?.broken.map({ broken.index > $0.index }) ?? true { best = reading }
        }
        guard let best, let broken = best.broken else {
            throw .unrecognizedLine(
                file.at(first),
                reason: "no separator among '::', tab, ',' and ';' splits '\(excerpt(first))' "
                    + "into 3 or more fields: pass --separator and --columns")
        }
        let fix = ": fix the line, or pass --separator and --columns"
        if broken.index > 0 {
            let pattern = describe(sample[..<broken.index], best)
            throw .unrecognizedLine(file.at(sample[broken.index]), reason: broken.reason + pattern + fix)
        }
        // The first line broke it. When the lines after it agree, it is a bad data line (not
        // a header, not a sign of another format).
        let rest = sample.dropFirst()
        if let after = read(Array(rest), separator: best.separator), after.broken == nil, after.header == nil
        {
            throw .unrecognizedLine(file.at(first), reason: broken.reason + describe(rest, after) + fix)
        }
        throw .unrecognizedLine(file.at(first), reason: broken.reason + ": pass --separator and --columns")
    }

    /// ` (lines 1-29 have 4 fields separated by '\t')`: the pattern `lines` follow.
    private static func describe(_ lines: ArraySlice<TextFile.Line>, _ reading: Reading) -> String {
        guard let a = lines.first, let b = lines.last else { return "" }
        let span = a.number == b.number ? "line \(a.number) has" : "lines \(a.number)-\(b.number) have"
        return " (\(span) \(reading.fields) fields separated by '\(shown(reading.separator))')"
    }

    /// The sample split at `separator`, or `nil` when the first line has fewer than 3 fields.
    private static func read(_ sample: [TextFile.Line], separator: String) -> Reading? {
        let bytes = Array(separator.utf8)
        func fields(_ line: TextFile.Line) -> [String] {
            TextFile.split(line.bytes, separator: bytes).map { TextFile.decode($0, .utf8OrLatin1) }
        }
        guard let first = sample.first else { return nil }
        let names = fields(first)
        guard names.count >= 3 else { return nil }
        // A header names columns: no field of it is a number. A first line with numeric ids
        // and a bad rating is a broken data line, not a header.
        let isHeader = !names.contains { Double($0) != nil }
        var ratingField = 2
        if isHeader, let at = names.firstIndex(where: { isRatingName($0) }) { ratingField = at }
        var reading = Reading(separator: separator, fields: names.count, header: isHeader ? names : nil)
        for (index, line) in sample.enumerated() where !(isHeader && index == 0) {
            let f = fields(line)
            if f.count != names.count {
                reading.broken = (index, "'\(excerpt(line))' has \(f.count) field\(f.count == 1 ? "" : "s")")
                break
            }
            if Double(f[ratingField]) == nil {
                let which = ratingField == 2 ? "third field" : "rating field"
                reading.broken = (index, "the \(which), '\(f[ratingField])', is not a number")
                break
            }
        }
        return reading
    }

    /// A line as quoted in messages: its first 60 characters.
    private static func excerpt(_ line: TextFile.Line) -> String {
        let text = InputText.decode(line.bytes)
        return text.count > 60 ? String(text.prefix(60)) + "..." : text
    }

    /// A separator as typed: a tab as `\t`.
    private static func shown(_ separator: String) -> String { separator == "\t" ? "\\t" : separator }

    /// Whether a header field names the rating column.
    private static func isRatingName(_ raw: String) -> Bool {
        let name = raw.lowercased()
        return name.contains("rating") || name.contains("score")
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
            if isRatingName(name) { return .rating }
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
