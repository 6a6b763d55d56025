import Foundation

/// Where downloaded data sets live, and how a `--data` argument becomes a path.
///
/// The data directory is `$AUTOREC_DATA` when set, else `$XDG_CACHE_HOME/autorec`, else
/// `~/.cache/autorec`. A catalogue data set `NAME` is installed as the folder `DATA_DIR/NAME`.
public enum DataDirectory {
    /// The data directory for an environment (the process's by default).
    ///
    /// - Parameter environment: variables to read `AUTOREC_DATA`, `XDG_CACHE_HOME` and `HOME` from.
    /// - Returns: the folder; it may not exist yet.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["AUTOREC_DATA"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            return URL(fileURLWithPath: cache, isDirectory: true).appendingPathComponent(
                "autorec", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".cache/autorec", isDirectory: true)
    }

    /// The folder a catalogue data set is installed in: `dataDirectory/NAME`.
    public static func folder(for entry: CatalogueEntry, in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent(entry.name, isDirectory: true)
    }

    /// The installed folder of `entry`, if its ratings file is there: `dataDirectory/NAME`, or the
    /// archive's own folder name (`ml-10M100K`) for files unpacked by hand.
    public static func installedFolder(for entry: CatalogueEntry, in dataDirectory: URL) -> URL? {
        var candidates = [folder(for: entry, in: dataDirectory)]
        if entry.archiveFolder != entry.name {
            candidates.append(dataDirectory.appendingPathComponent(entry.archiveFolder, isDirectory: true))
        }
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent(entry.ratingsFile).path)
        }
    }

    /// Turns a `--data` argument into a path.
    ///
    /// An existing file or folder is used as it is. Otherwise a catalogue name (`ml-1m`) maps to
    /// its installed folder in the data directory.
    ///
    /// - Parameters:
    ///   - argument: what the user gave.
    ///   - dataDirectory: the data directory (see ``resolve(environment:)``).
    /// - Returns: the file or folder to read.
    /// - Throws: ``DownloadError/notInstalled(name:folder:)`` for a known name not downloaded yet,
    ///   ``DownloadError/noSuchData(_:known:)`` for anything else.
    public static func resolveDataArgument(_ argument: String, dataDirectory: URL) throws(DownloadError)
        -> URL
    {
        // lstat, not fileExists: a symbolic link loop or a dangling link is still something at
        // that path, and reading it gives the real reason rather than "no such data set".
        var info = stat()
        if lstat(argument, &info) == 0 {
            return URL(fileURLWithPath: argument)
        }
        guard let entry = DatasetCatalogue.entry(named: argument) else {
            throw .noSuchData(argument, known: DatasetCatalogue.names)
        }
        guard let installed = installedFolder(for: entry, in: dataDirectory) else {
            throw .notInstalled(name: entry.name, folder: folder(for: entry, in: dataDirectory).path)
        }
        return installed
    }
}
