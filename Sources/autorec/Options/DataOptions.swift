import ArgumentParser
import AutoRecServer
import Foundation
import RecData

/// Where the ratings come from and how to read them.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A MovieLens folder, a rating file, or a downloaded data set's name (ml-100k, ml-1m, ...).",
        valueName: "path|name"))
    var data: String?

    @Option(help: ArgumentHelp(
        "An 'autorec serve --store' SQLite file: train on its ratings (with --data: added to the data's, "
            + "the stored rating winning).", valueName: "file"))
    var fromStore: String?

    @Option(help: ArgumentHelp("Rating file format: ml-100k, ml-1m, ml-latest or delimited (default: detected).",
                               valueName: "format"))
    var format: RatingFileFormat?

    @Option(help: ArgumentHelp("Field separator of a delimited file ('\\t' or 'tab' for a tab).", valueName: "text"))
    var separator: String?

    @Option(help: ArgumentHelp("Column order of a delimited file, from user, item, rating, timestamp, ignore.",
                               valueName: "list"))
    var columns: String?

    @Flag(help: "The delimited file starts with a header line.")
    var header = false

    @Option(help: "What to do with a repeated (user, item) pair: error, keep-last or average.")
    var duplicates: DuplicatePolicy = .error

    @Option(help: ArgumentHelp(
        "Rating scale, e.g. 1:5 or 0.5:5:0.5; a rating off it is an error "
            + "(default: the MovieLens release's, else read from the ratings).",
        valueName: "min:max[:step]"))
    var scale: String?

    func validate() throws {
        if data == nil && fromStore == nil { throw ValidationError("give --data (or --from-store FILE)") }
        _ = try fixedScale()
    }

    /// What the ratings are read from, for messages.
    var sourceDescription: String {
        [data, fromStore.map { "store \($0)" }].compactMap { $0 }.joined(separator: " + ")
    }

    /// The data set's name for titles: the last part of --data (and the store's file name).
    var displayName: String {
        [data, fromStore].compactMap { $0 }
            .map { URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent }
            .joined(separator: " + ")
    }

    /// The scale given with --scale, checked.
    func fixedScale() throws -> RatingScale? {
        guard let scale else { return nil }
        guard let parsed = RatingScale(argument: scale) else {
            throw ValidationError(
                "--scale '\(scale)' is not min:max or min:max:step with a positive step, e.g. 1:5 or 0.5:5:0.5")
        }
        if let problem = parsed.problem { throw ValidationError("--scale '\(scale)': \(problem)") }
        return parsed
    }

    /// The explicit layout, when --separator or --columns was given.
    func layout() throws -> RatingFileLayout? {
        guard separator != nil || columns != nil else { return nil }
        return try RatingFileLayout(separator: separator ?? "\t", hasHeader: header,
                                    columnList: columns ?? "user,item,rating,timestamp")
    }

    /// The data set at `--data` (a path, or a catalogue name resolved in the data directory),
    /// with the scale of --scale when given.
    func dataset() throws -> Dataset {
        var set = try Dataset.detect(at: try resolvedPath(), format: format, layout: try layout())
        if let fixed = try fixedScale() { set.knownScale = .fixed(fixed) }
        return set
    }

    /// How to read the data set's files: --duplicates and the data set's scale.
    func readOptions(for set: Dataset) -> ReadOptions {
        set.readOptions(ReadOptions(duplicates: duplicates))
    }

    /// Reads the whole data set, plus the store's ratings with --from-store.
    func load(sideInformation: Bool = false) throws -> Dataset.Loaded {
        var loaded: Dataset.Loaded?
        if data != nil {
            let set = try dataset()
            log("reading \(set.description) from \(set.path)")
            loaded = try set.load(options: readOptions(for: set), sideInformation: sideInformation)
            if let loaded { logScale(loaded.ratings.scale, of: set) }
        }
        guard let store = fromStore else {
            guard let loaded else { throw ValidationError("give --data (or --from-store FILE)") }
            return loaded
        }
        let stored = try SQLiteRatingStore.openExisting(path: store).allRatingsNow()
        log("reading \(stored.count) ratings from the store \(store)")
        guard !stored.isEmpty || loaded != nil else { throw ValidationError("\(store): the store holds no ratings") }
        // New ids are appended to the maps, so the data's catalogs stay aligned by index; a catalog
        // that no longer covers every index is dropped rather than read past its end.
        let merged = RatingTable.merging(stored, into: loaded?.ratings)
        return Dataset.Loaded(ratings: merged, users: loaded?.users.flatMap { $0.count >= merged.userCount ? $0 : nil },
                              items: loaded?.items.flatMap { $0.count >= merged.itemCount ? $0 : nil })
    }

    /// Says on stderr which scale the ratings got and why.
    func logScale(_ scale: RatingScale, of set: Dataset) {
        log("rating scale \(scale), \(Self.scaleSource(of: set))")
    }

    /// Where a data set's scale comes from, e.g. `read from the ratings (pass --scale ...)`.
    static func scaleSource(of set: Dataset) -> String {
        guard let known = set.knownScale else {
            return "read from the ratings (pass --scale min:max[:step] to fix it)"
        }
        return known.source == "--scale" ? "as given with --scale" : "the \(known.source) scale"
    }

    /// Downloads a catalogue data set named by `--data` when it is not installed yet (first use).
    func fetchIfNeeded() async throws {
        guard let data, !data.contains("/"), !FileManager.default.fileExists(atPath: data),
              let entry = DatasetCatalogue.entry(named: data)
        else { return }
        let directory = DataDirectory.resolve()
        guard DataDirectory.installedFolder(for: entry, in: directory) == nil else { return }
        let downloader = DatasetDownloader(dataDirectory: directory)
        log("\(entry.name) is not in \(directory.path) yet: downloading \(downloader.archiveURL(for: entry))")
        let bar = ProgressBar(entry.name)
        defer { bar.finish() }
        _ = try await downloader.install(entry) { done, total in bar.update(done, total) }
    }

    func resolvedPath() throws -> String {
        guard let data else {
            throw ValidationError("this needs --data: a store's ratings have no data folder or split files")
        }
        return try resolveDataArgument(data)
    }
}

extension RatingFileFormat: ExpressibleByArgument {}
extension DuplicatePolicy: ExpressibleByArgument {}
