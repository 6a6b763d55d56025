import ArgumentParser
import Foundation
import RecData

/// Where the ratings come from and how to read them.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A MovieLens folder, a rating file, or a downloaded data set's name (ml-100k, ml-1m, ...).",
        valueName: "path|name"))
    var data: String

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
        _ = try fixedScale()
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

    /// Reads the whole data set.
    func load(sideInformation: Bool = false) throws -> Dataset.Loaded {
        let set = try dataset()
        log("reading \(set.description) from \(set.path)")
        let loaded = try set.load(options: readOptions(for: set), sideInformation: sideInformation)
        logScale(loaded.ratings.scale, of: set)
        return loaded
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
        guard !data.contains("/"), !FileManager.default.fileExists(atPath: data),
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
        try resolveDataArgument(data)
    }
}

extension RatingFileFormat: ExpressibleByArgument {}
extension DuplicatePolicy: ExpressibleByArgument {}
