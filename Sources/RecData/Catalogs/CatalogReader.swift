/// Readers for the MovieLens side-information files, aligned with existing id maps.
///
/// Each reader keeps only entities that already have an index in the given map and returns
/// one entry per index of that map.
enum CatalogReader {
    /// The 19 genres of MovieLens 100K in flag order, used when `u.genre` is missing.
    static let movieLens100KGenres = [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
        "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
        "Thriller", "War", "Western",
    ]

    /// MovieLens 1M occupation codes 0...20 (from its README).
    static let movieLens1MOccupations = [
        "other", "academic/educator", "artist", "clerical/admin", "college/grad student",
        "customer service", "doctor/health care", "executive/managerial", "farmer", "homemaker",
        "K-12 student", "lawyer", "programmer", "retired", "sales/marketing", "scientist",
        "self-employed", "technician/engineer", "tradesman/craftsman", "unemployed", "writer",
    ]

    // MARK: - Users

    /// MovieLens 100K `u.user`: `user id | age | gender | occupation | zip code`.
    static func read100KUsers(path: String, userIDs: IDMap) throws(RatingFileError) -> UserCatalog {
        let file = try TextFile(path: path)
        var entries = [UserCatalog.User](repeating: .init(), count: userIDs.count)
        for line in file.lines {
            let f = TextFile.split(line.bytes, separator: Array("|".utf8))
            guard f.count == 5 else { throw .wrongFieldCount(file.at(line), expected: 5, found: f.count) }
            guard let u = userIDs.index(of: TextFile.decode(f[0], .latin1)) else { continue }
            guard let age = TextFile.integer(f[1]) else {
                throw .notANumber(file.at(line), field: "age", text: TextFile.decode(f[1], .latin1))
            }
            entries[Int(u)] = UserCatalog.User(
                age: age, gender: TextFile.decode(f[2], .latin1),
                occupation: TextFile.decode(f[3], .latin1), zip: TextFile.decode(f[4], .latin1))
        }
        return UserCatalog(entries: entries)
    }

    /// MovieLens 1M `users.dat`: `UserID::Gender::Age::Occupation::Zip-code`, age and
    /// occupation as codes (occupations become names).
    static func read1MUsers(path: String, userIDs: IDMap) throws(RatingFileError) -> UserCatalog {
        let file = try TextFile(path: path)
        var entries = [UserCatalog.User](repeating: .init(), count: userIDs.count)
        for line in file.lines {
            let f = TextFile.split(line.bytes, separator: Array("::".utf8))
            guard f.count == 5 else { throw .wrongFieldCount(file.at(line), expected: 5, found: f.count) }
            guard let u = userIDs.index(of: TextFile.decode(f[0], .utf8OrLatin1)) else { continue }
            guard let age = TextFile.integer(f[2]) else {
                throw .notANumber(file.at(line), field: "age", text: TextFile.decode(f[2], .utf8OrLatin1))
            }
            guard let code = TextFile.integer(f[3]) else {
                throw .notANumber(
                    file.at(line), field: "occupation", text: TextFile.decode(f[3], .utf8OrLatin1))
            }
            let occupation =
                movieLens1MOccupations.indices.contains(code) ? movieLens1MOccupations[code] : String(code)
            entries[Int(u)] = UserCatalog.User(
                age: age, gender: TextFile.decode(f[1], .utf8OrLatin1), occupation: occupation,
                zip: TextFile.decode(f[4], .utf8OrLatin1))
        }
        return UserCatalog(entries: entries)
    }

    // MARK: - Items

    /// MovieLens 100K `u.item` (Latin-1): `id | title | release date | video release date |
    /// IMDb URL | 19 genre flags`; genre names from `u.genre` when `genrePath` is given.
    static func read100KItems(path: String, genrePath: String?, itemIDs: IDMap) throws(RatingFileError)
        -> ItemCatalog
    {
        let genres =
            try genrePath.map { path throws(RatingFileError) in try read100KGenres(path: path) }
            ?? movieLens100KGenres
        let file = try TextFile(path: path)
        let fieldCount = 5 + genres.count
        var entries = [ItemCatalog.Item](repeating: .init(), count: itemIDs.count)
        for line in file.lines {
            let f = TextFile.split(line.bytes, separator: Array("|".utf8))
            guard f.count == fieldCount else {
                throw .wrongFieldCount(file.at(line), expected: fieldCount, found: f.count)
            }
            guard let i = itemIDs.index(of: TextFile.decode(f[0], .latin1)) else { continue }
            let title = TextFile.decode(f[1], .latin1)
            var flags: [Int] = []
            for g in 0..<genres.count {
                switch Array(f[5 + g]) {
                case [UInt8(ascii: "1")]: flags.append(g)
                case [UInt8(ascii: "0")]: break
                default:
                    throw .notANumber(
                        file.at(line), field: "genre flag '\(genres[g])'",
                        text: TextFile.decode(f[5 + g], .latin1))
                }
            }
            // Release dates look like 01-Jan-1995; the title's year wins when both exist.
            let date = TextFile.decode(f[2], .latin1)
            let dateYear = date.count >= 4 ? Int(date.suffix(4)) : nil
            entries[Int(i)] = ItemCatalog.Item(
                title: title, year: ItemCatalog.year(inTitle: title) ?? dateYear, genres: flags)
        }
        return ItemCatalog(entries: entries, genreNames: genres)
    }

    /// MovieLens 100K `u.genre`: `name|index` lines, indices 0, 1, 2, ... in order.
    static func read100KGenres(path: String) throws(RatingFileError) -> [String] {
        let file = try TextFile(path: path)
        var names: [String] = []
        for line in file.lines {
            let f = TextFile.split(line.bytes, separator: Array("|".utf8))
            guard f.count == 2 else { throw .wrongFieldCount(file.at(line), expected: 2, found: f.count) }
            guard TextFile.integer(f[1]) == names.count else {
                throw .notANumber(
                    file.at(line), field: "genre index \(names.count)",
                    text: TextFile.decode(f[1], .latin1))
            }
            names.append(TextFile.decode(f[0], .latin1))
        }
        return names
    }

    /// MovieLens 1M/10M `movies.dat`: `MovieID::Title::Genre|Genre|...` (UTF-8, or Latin-1
    /// for a field that is not valid UTF-8).
    static func readDatItems(path: String, itemIDs: IDMap) throws(RatingFileError) -> ItemCatalog {
        let file = try TextFile(path: path)
        var rows: [(number: Int, fields: [String])] = []
        for line in file.lines {
            let f = TextFile.split(line.bytes, separator: Array("::".utf8))
            guard f.count == 3 else { throw .wrongFieldCount(file.at(line), expected: 3, found: f.count) }
            rows.append((line.number, f.map { TextFile.decode($0, .utf8OrLatin1) }))
        }
        return namedGenreCatalog(rows, itemIDs: itemIDs)
    }

    /// MovieLens 20M/25M/latest `movies.csv`: header `movieId,title,genres`, titles quoted
    /// when they hold commas or quotes.
    static func readCSVItems(path: String, itemIDs: IDMap) throws(RatingFileError) -> ItemCatalog {
        let file = try TextFile(path: path)
        var rows: [(number: Int, fields: [String])] = []
        for (k, line) in file.lines.enumerated() {
            let f = try TextFile.splitCSV(line.bytes, at: file.at(line))
            guard f.count == 3 else { throw .wrongFieldCount(file.at(line), expected: 3, found: f.count) }
            let fields = f.map { TextFile.decode($0, .utf8OrLatin1) }
            if k == 0 {
                guard fields[0].lowercased().hasPrefix("movie") || fields[0].lowercased().hasPrefix("item")
                else {
                    throw .badHeader(
                        file.at(line),
                        reason: "expected movieId,title,genres, found \(fields.joined(separator: ","))")
                }
                continue
            }
            rows.append((line.number, fields))
        }
        return namedGenreCatalog(rows, itemIDs: itemIDs)
    }

    /// Items from `(id, title, genres)` rows whose genres are names separated by `|`; genre
    /// indices in order of first appearance; `(no genres listed)` means none.
    private static func namedGenreCatalog(_ rows: [(number: Int, fields: [String])], itemIDs: IDMap)
        -> ItemCatalog
    {
        var entries = [ItemCatalog.Item](repeating: .init(), count: itemIDs.count)
        var names: [String] = []
        var genreIndex: [String: Int] = [:]
        for row in rows {
            guard let i = itemIDs.index(of: row.fields[0]) else { continue }
            var genres: [Int] = []
            for name in row.fields[2].split(separator: "|").map(String.init)
            where name != "(no genres listed)" {
                if let g = genreIndex[name] {
                    genres.append(g)
                } else {
                    genreIndex[name] = names.count
                    genres.append(names.count)
                    names.append(name)
                }
            }
            let title = row.fields[1]
            entries[Int(i)] = ItemCatalog.Item(
                title: title, year: ItemCatalog.year(inTitle: title), genres: genres.sorted())
        }
        return ItemCatalog(entries: entries, genreNames: names)
    }
}
