import ArgumentParser
import Foundation
import RecData

/// `autorec download NAME`: fetches a MovieLens release into the data directory.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a MovieLens data set into the data directory (checked against its MD5).",
        discussion: """
            Data sets: \(DatasetCatalogue.names.joined(separator: ", ")).

            The data directory is $AUTOREC_DATA, else $XDG_CACHE_HOME/autorec, else ~/.cache/autorec; \
            a data set NAME is installed as DATA_DIR/NAME and other commands accept NAME as --data. \
            Nothing half-written is ever left at that path; running it again when the data set is \
            there does nothing. Offline? Download https://files.grouplens.org/datasets/movielens/NAME.zip \
            by hand and unzip it into the data directory. AUTOREC_DOWNLOAD_URL replaces the server.

            Examples:
              autorec download ml-1m
              autorec download ml-10m --data-dir /data/movielens
              autorec download --list
            """
    )

    @Argument(help: "The data set to download (see --list).")
    var name: String?

    @Option(
        name: .customLong("data-dir"),
        help: "Folder to install into (default: $AUTOREC_DATA, $XDG_CACHE_HOME/autorec or ~/.cache/autorec).")
    var dataDirectory: String?

    @Option(
        name: .customLong("base-url"),
        help: "Server folder to download NAME.zip from (default: $AUTOREC_DOWNLOAD_URL, else GroupLens).")
    var baseURL: String?

    @Option(help: "Seconds without data before giving up.")
    var timeout: Double = 20

    @Flag(help: "List the data sets that can be downloaded and whether each is installed.")
    var list = false

    func validate() throws {
        if !list && name == nil { throw ValidationError("name a data set to download, or pass --list") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive, got \(timeout)") }
    }

    var directory: URL {
        dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataDirectory.resolve()
    }

    func run() async throws {
        if list {
            for entry in DatasetCatalogue.entries {
                let installed = DataDirectory.installedFolder(for: entry, in: directory)
                print(
                    "\(entry.name.padding(toLength: 16, withPad: " ", startingAt: 0))"
                        + "\(installed.map { "installed in \($0.path)" } ?? "not installed")")
                print("    \(entry.summary)")
            }
            return
        }
        guard let name else { return }
        guard let entry = DatasetCatalogue.entry(named: name) else {
            throw DownloadError.unknownDataset(name, known: DatasetCatalogue.names)
        }
        let downloader = DatasetDownloader(dataDirectory: directory, baseURL: baseURL, timeout: timeout)
        if DataDirectory.installedFolder(for: entry, in: directory) == nil {
            log("downloading \(downloader.archiveURL(for: entry))")
        }
        let bar = ProgressBar(entry.name)
        let outcome: DatasetDownloader.Outcome
        do {
            outcome = try await downloader.install(entry) { done, total in bar.update(done, total) }
        } catch {
            bar.finish()
            throw error
        }
        bar.finish()
        switch outcome {
        case let .alreadyPresent(folder):
            print("\(entry.name) is already in \(folder.path); nothing downloaded")
        case let .installed(folder, verified):
            let check = verified ? "MD5 checked" : "no checksum is published for \(entry.name): not checked"
            print("installed \(entry.name) in \(folder.path) (\(check))")
        }
    }
}
