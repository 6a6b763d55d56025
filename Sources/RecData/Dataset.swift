import Foundation

/// A rating data set on disk: where its ratings are, how they are laid out, and which side
/// information files come with them.
///
/// Find one with ``detect(at:format:layout:)`` (a MovieLens folder or any delimited rating
/// file), then ``load(options:sideInformation:)`` it, or load one of its given train/test
/// splits with ``loadGivenSplit(named:options:)``.
///
/// ```swift
/// let data = try Dataset.detect(at: "ml-1m")
/// print(data)                     // MovieLens 1M (ratings.dat, user::item::rating::timestamp)
/// let loaded = try data.load()
/// print(loaded.ratings.count, loaded.items?.entries[0].title ?? "-")
/// ```
public struct Dataset: Sendable, Equatable, CustomStringConvertible {
    /// What kind of data set was found.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// MovieLens 100K folder (`u.data`, `u.user`, `u.item`, `u.genre`, given splits).
        case movieLens100K = "ml-100k"
        /// MovieLens 1M folder (`ratings.dat`, `users.dat`, `movies.dat`).
        case movieLens1M = "ml-1m"
        /// MovieLens 10M folder (`ratings.dat`, `movies.dat`, no `users.dat`).
        case movieLens10M = "ml-10m"
        /// MovieLens 20M/25M/latest folder (`ratings.csv`, `movies.csv`).
        case movieLensCSV = "ml-latest"
        /// A folder with only a tab-separated `ratings.tsv` (plus any MovieLens side files).
        case ratingsTSV = "ratings-tsv"
        /// A single rating file.
        case ratingFile = "file"
    }

    /// Which files hold side information, and in which MovieLens dialect.
    public enum SideInformation: Sendable, Equatable {
        /// No side information.
        case none
        /// `u.user`, `u.item` and optionally `u.genre` (pipe-separated, Latin-1).
        case movieLens100K(users: String?, items: String?, genres: String?)
        /// `users.dat` and `movies.dat` (`::`-separated).
        case movieLens1M(users: String?, movies: String?)
        /// `movies.csv` with a header.
        case movieLensCSV(movies: String)
    }

    /// What was found.
    public var kind: Kind
    /// The folder or file the data set was detected at, as given.
    public var path: String
    /// The rating file.
    public var ratingsPath: String
    /// How the rating file is laid out.
    public var layout: RatingFileLayout
    /// The side-information files found next to the ratings.
    public var sideInformation: SideInformation
    /// What was detected, e.g. `MovieLens 1M (ratings.dat, user::item::rating::timestamp)`.
    public var description: String
    /// The scale the ratings must keep to: the MovieLens release's for a MovieLens file (found
    /// by name or named with a format), `nil` for other files, whose scale is read from their
    /// ratings. Set it to fix the scale of any file (`--scale`). Loading uses it unless the
    /// ``ReadOptions`` passed have a scale of their own.
    public var knownScale: KnownScale?

    /// A data set with everything given; ``detect(at:format:layout:)`` is the usual way in.
    public init(
        kind: Kind, path: String, ratingsPath: String, layout: RatingFileLayout,
        sideInformation: SideInformation = .none, description: String, knownScale: KnownScale? = nil
    ) {
        self.kind = kind
        self.path = path
        self.ratingsPath = ratingsPath
        self.layout = layout
        self.sideInformation = sideInformation
        self.description = description
        self.knownScale = knownScale
    }

    /// `options` with this data set's ``knownScale`` when they have no scale of their own.
    public func readOptions(_ options: ReadOptions) -> ReadOptions {
        var chosen = options
        if chosen.scale == nil { chosen.scale = knownScale }
        return chosen
    }

    /// A data set read into memory: ratings and side information over one index space.
    public struct Loaded: Sendable, Equatable {
        /// All ratings.
        public var ratings: RatingTable
        /// Per user index, when the data set has user side information.
        public var users: UserCatalog?
        /// Per item index, when the data set has item side information.
        public var items: ItemCatalog?

        /// Ratings with optional catalogs aligned with their maps.
        public init(ratings: RatingTable, users: UserCatalog? = nil, items: ItemCatalog? = nil) {
            self.ratings = ratings
            self.users = users
            self.items = items
        }
    }

    /// Reads the ratings and, unless told not to, the side information.
    ///
    /// - Parameters:
    ///   - options: Duplicate policy, allowed rating range and scale for the rating file (the
    ///     scale defaults to ``knownScale``).
    ///   - sideInformation: Whether to read the user and item files too.
    /// - Returns: The ratings with catalogs aligned with their user and item indices.
    /// - Throws: ``RatingFileError`` naming the file and line of the first problem.
    /// - Complexity: O(bytes read).
    public func load(options: ReadOptions = .init(), sideInformation: Bool = true) throws(RatingFileError)
        -> Loaded
    {
        let ratings = try RatingReader.read(path: ratingsPath, layout: layout, options: readOptions(options))
        guard sideInformation else { return Loaded(ratings: ratings) }
        let (users, items) = try loadSideInformation(userIDs: ratings.userIDs, itemIDs: ratings.itemIDs)
        return Loaded(ratings: ratings, users: users, items: items)
    }

    /// Reads the side information for the given index space.
    ///
    /// Entities absent from the maps are skipped; indices absent from the files get empty
    /// entries.
    ///
    /// - Parameters:
    ///   - userIDs: The user map to align with.
    ///   - itemIDs: The item map to align with.
    /// - Returns: The catalogs the data set has (`nil` for a missing one).
    /// - Throws: ``RatingFileError`` naming the file and line of the first problem.
    public func loadSideInformation(userIDs: IDMap, itemIDs: IDMap) throws(RatingFileError)
        -> (users: UserCatalog?, items: ItemCatalog?)
    {
        switch sideInformation {
        case .none:
            return (nil, nil)
        case let .movieLens100K(users, items, genres):
            let u = try users.map { p throws(RatingFileError) in
                try CatalogReader.read100KUsers(path: p, userIDs: userIDs)
            }
            let i = try items.map { p throws(RatingFileError) in
                try CatalogReader.read100KItems(path: p, genrePath: genres, itemIDs: itemIDs)
            }
            return (u, i)
        case let .movieLens1M(users, movies):
            let u = try users.map { p throws(RatingFileError) in
                try CatalogReader.read1MUsers(path: p, userIDs: userIDs)
            }
            let i = try movies.map { p throws(RatingFileError) in
                try CatalogReader.readDatItems(path: p, itemIDs: itemIDs)
            }
            return (u, i)
        case let .movieLensCSV(movies):
            return (nil, try CatalogReader.readCSVItems(path: movies, itemIDs: itemIDs))
        }
    }

    // MARK: - Given splits

    /// Names of the train/test splits that come with the data set (`u1`...`u5`, `ua`, `ub` for
    /// MovieLens 100K), in that order; empty for other kinds.
    public var givenSplitNames: [String] {
        guard kind == .movieLens100K else { return [] }
        return ["u1", "u2", "u3", "u4", "u5", "ua", "ub"].filter { name in
            FileManager.default.fileExists(atPath: Self.join(path, "\(name).base"))
                && FileManager.default.fileExists(atPath: Self.join(path, "\(name).test"))
        }
    }

    /// Reads the given split `name` (`<name>.base` and `<name>.test`) over one index space.
    ///
    /// - Parameters:
    ///   - name: One of ``givenSplitNames``.
    ///   - options: Duplicate policy, allowed rating range and scale (by default ``knownScale``).
    /// - Returns: The training and test tables, sharing maps and scale.
    /// - Throws: ``RatingFileError/cannotOpen(path:reason:)`` for an unknown split, or the
    ///   first problem in either file.
    public func loadGivenSplit(named name: String, options: ReadOptions = .init()) throws(RatingFileError)
        -> (train: RatingTable, test: RatingTable)
    {
        guard givenSplitNames.contains(name) else {
            let known = givenSplitNames
            throw .cannotOpen(
                path: Self.join(path, "\(name).base"),
                reason: known.isEmpty
                    ? "\(description) has no given splits"
                    : "no given split '\(name)'; this data set has \(known.joined(separator: ", "))")
        }
        return try Self.readTrainTest(
            trainPath: Self.join(path, "\(name).base"), testPath: Self.join(path, "\(name).test"),
            layout: layout, options: readOptions(options))
    }

    /// Reads a training file and a test file into one index space.
    ///
    /// The test file continues the training file's maps, so the same raw id has the same index
    /// in both; both tables end up with the final (widest) maps and the scale of all their
    /// ratings together (or the one ``ReadOptions/scale`` fixes). Test-only users and items are
    /// cold starts: they have indices but no training ratings.
    ///
    /// - Parameters:
    ///   - trainPath: The training ratings.
    ///   - testPath: The test ratings.
    ///   - layout: The layout of both files.
    ///   - options: Duplicate policy, allowed rating range and scale, applied to each file.
    /// - Returns: The two tables.
    /// - Throws: The first ``RatingFileError`` in either file.
    public static func readTrainTest(
        trainPath: String, testPath: String, layout: RatingFileLayout, options: ReadOptions = .init()
    ) throws(RatingFileError) -> (train: RatingTable, test: RatingTable) {
        var train = try RatingReader.read(path: trainPath, layout: layout, options: options)
        var test = try RatingReader.read(
            path: testPath, layout: layout, options: options, userIDs: train.userIDs, itemIDs: train.itemIDs)
        train.userIDs = test.userIDs
        train.itemIDs = test.itemIDs
        let scale = RatingReader.scale(of: train.ratings + test.ratings, known: options.scale)
        train.scale = scale
        test.scale = scale
        return (train, test)
    }

    /// `folder/name`.
    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
