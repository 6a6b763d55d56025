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

    /// The explicit layout, when --separator or --columns was given.
    func layout() throws -> RatingFileLayout? {
        guard separator != nil || columns != nil else { return nil }
        return try RatingFileLayout(separator: separator ?? "\t", hasHeader: header,
                                    columnList: columns ?? "user,item,rating,timestamp")
    }

    /// The data set at `--data` (a path, or a catalogue name resolved in the data directory).
    func dataset() throws -> Dataset {
        try Dataset.detect(at: try resolvedPath(), format: format, layout: try layout())
    }

    /// Reads the whole data set.
    func load(sideInformation: Bool = false) throws -> Dataset.Loaded {
        let set = try dataset()
        log("reading \(set.description) from \(set.path)")
        return try set.load(options: ReadOptions(duplicates: duplicates), sideInformation: sideInformation)
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
