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
        var entries = [UserCatalog.User](repeating: .init(), count: userIDs.count)
        for r in try TextFile(path: path).records(separator: "|", fields: 5, encoding: .latin1) {
            guard let u = userIDs.index(of: r.fields[0]) else { continue }
            entries[Int(u)] = UserCatalog.User(
                age: try r.integer(1, "age"), gender: r.fields[2], occupation: r.fields[3], zip: r.fields[4])
        }
        return UserCatalog(entries: entries)
    }

    /// MovieLens 1M `users.dat`: `UserID::Gender::Age::Occupation::Zip-code`, age and
    /// occupation as codes (occupations become names).
    static func read1MUsers(path: String, userIDs: IDMap) throws(RatingFileError) -> UserCatalog {
        var entries = [UserCatalog.User](repeating: .init(), count: userIDs.count)
        for r in try TextFile(path: path).records(separator: "::", fields: 5, encoding: .utf8OrLatin1) {
            guard let u = userIDs.index(of: r.fields[0]) else { continue }
            let code = try r.integer(3, "occupation")
            let occupation =
                movieLens1MOccupations.indices.contains(code) ? movieLens1MOccupations[code] : String(code)
            entries[Int(u)] = UserCatalog.User(
                age: try r.integer(2, "age"), gender: r.fields[1], occupation: occupation, zip: r.fields[4])
        }
        return UserCatalog(entries: entries)
    }

    // MARK: - Items

    /// MovieLens 100K `u.item` (Latin-1): `id | title | release date | video release date |
    /// IMDb URL | 19 genre flags`; genre names from `u.genre` when `genrePath` is given.
    static func read100KItems(path: String, genrePath: String?, itemIDs: IDMap) throws(RatingFileError)
        -> ItemCatalog
    {
        var genres = movieLens100KGenres
        if let genrePath { genres = try read100KGenres(path: genrePath) }
        var entries = [ItemCatalog.Item](repeating: .init(), count: itemIDs.count)
        let file = try TextFile(path: path)
        for r in try file.records(separator: "|", fields: 5 + genres.count, encoding: .latin1) {
            guard let i = itemIDs.index(of: r.fields[0]) else { continue }
            var flags: [Int] = []
            for g in 0..<genres.count {
                switch r.fields[5 + g] {
                case "1": flags.append(g)
                case "0": break
                default:
                    throw .unexpectedValue(
                        r.position, field: "genre flag '\(genres[g])'", text: r.fields[5 + g],
                        expected: "0 or 1")
                }
            }
            // Release dates look like 01-Jan-1995; the title's year wins when both exist.
            let title = r.fields[1]
            let dateYear = r.fields[2].count >= 4 ? Int(r.fields[2].suffix(4)) : nil
            entries[Int(i)] = ItemCatalog.Item(
                title: title, year: ItemCatalog.year(inTitle: title) ?? dateYear, genres: flags)
        }
        return ItemCatalog(entries: entries, genreNames: genres)
    }

    /// MovieLens 100K `u.genre`: `name|index` lines, indices 0, 1, 2, ... in order.
    static func read100KGenres(path: String) throws(RatingFileError) -> [String] {
        var names: [String] = []
        for r in try TextFile(path: path).records(separator: "|", fields: 2, encoding: .latin1) {
            guard r.fields[1] == String(names.count) else {
                throw .unexpectedValue(
                    r.position, field: "genre index", text: r.fields[1], expected: "\(names.count)")
            }
            names.append(r.fields[0])
        }
        return names
    }

    /// MovieLens 1M/10M `movies.dat`: `MovieID::Title::Genre|Genre|...` (UTF-8, or Latin-1
    /// for a field that is not valid UTF-8).
    static func readDatItems(path: String, itemIDs: IDMap) throws(RatingFileError) -> ItemCatalog {
        let records = try TextFile(path: path).records(separator: "::", fields: 3, encoding: .utf8OrLatin1)
        return namedGenreCatalog(records, itemIDs: itemIDs)
    }

    /// MovieLens 20M/25M/latest `movies.csv`: header `movieId,title,genres`, titles quoted
    /// when they hold commas or quotes.
    static func readCSVItems(path: String, itemIDs: IDMap) throws(RatingFileError) -> ItemCatalog {
        let records = try TextFile(path: path).records(separator: nil, fields: 3, encoding: .utf8OrLatin1)
        if let header = records.first {
            let id = header.fields[0].lowercased()
            guard id.hasPrefix("movie") || id.hasPrefix("item") else {
                throw .badHeader(
                    header.position,
                    reason: "expected movieId,title,genres, found \(header.fields.joined(separator: ","))")
            }
        }
        return namedGenreCatalog(records.dropFirst(), itemIDs: itemIDs)
    }

    /// Items from `(id, title, genres)` rows whose genres are names separated by `|`; genre
    /// indices in order of first appearance; `(no genres listed)` means none.
    private static func namedGenreCatalog(_ rows: some Sequence<TextFile.Record>, itemIDs: IDMap)
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
