import Foundation
import ZIPFoundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Downloads, checks and unpacks catalogue data sets into the data directory.
///
/// Nothing half-written ever sits at a final path: the archive is downloaded to a temporary file in
/// the data directory, checked against its published MD5, unpacked into a temporary folder there,
/// and only then renamed to `DATA_DIR/NAME`. Any failure removes the temporary file and folder.
///
/// ```swift
/// let downloader = DatasetDownloader(dataDirectory: DataDirectory.resolve())
/// let outcome = try await downloader.install(DatasetCatalogue.entry(named: "ml-1m")!) { done, total in
///     print(done, total ?? -1)
/// }
/// ```
public struct DatasetDownloader: Sendable {
    /// What ``install(_:progress:)`` did.
    public enum Outcome: Sendable, Equatable {
        /// The data set was already installed in this folder; nothing was downloaded.
        case alreadyPresent(URL)
        /// The data set was downloaded and installed in this folder; `checksumVerified` is false when
        /// the catalogue has no checksum for it.
        case installed(URL, checksumVerified: Bool)

        /// The installed folder.
        public var folder: URL {
            switch self {
            case let .alreadyPresent(url), let .installed(url, _): url
            }
        }
    }

    /// The folder data sets are installed in.
    public var dataDirectory: URL
    /// The URL prefix archives are fetched from (ends with `/`).
    public var baseURL: String
    /// Seconds without any data before a download is abandoned (connection refused fails at once).
    public var timeout: TimeInterval

    /// A downloader.
    ///
    /// - Parameters:
    ///   - dataDirectory: where data sets go (see ``DataDirectory/resolve(environment:)``).
    ///   - baseURL: where archives come from; default `$AUTOREC_DOWNLOAD_URL`, else GroupLens
    ///     (``DatasetCatalogue/defaultBaseURL``).
    ///   - timeout: idle timeout in seconds (default 20).
    ///   - environment: where `AUTOREC_DOWNLOAD_URL` is read from.
    public init(
        dataDirectory: URL, baseURL: String? = nil, timeout: TimeInterval = 20,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.dataDirectory = dataDirectory
        let base =
            baseURL ?? environment["AUTOREC_DOWNLOAD_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? DatasetCatalogue.defaultBaseURL
        self.baseURL = base.hasSuffix("/") ? base : base + "/"
        self.timeout = timeout
    }

    /// The archive's URL: ``baseURL`` followed by the archive name.
    public func archiveURL(for entry: CatalogueEntry) -> String { baseURL + entry.archiveName }

    /// Downloads, checks and installs `entry` unless it is already installed.
    ///
    /// - Parameters:
    ///   - entry: what to install (from ``DatasetCatalogue``, or any entry for tests).
    ///   - progress: called with bytes received so far and the expected total (when the server
    ///     says), on a background queue.
    /// - Returns: ``Outcome/alreadyPresent(_:)`` (no request made) or ``Outcome/installed(_:checksumVerified:)``.
    /// - Throws: ``DownloadError``: unreachable server or HTTP error (with where to put the files by
    ///   hand), truncated download, checksum mismatch, unpacking or file-system failure. Nothing is
    ///   left behind in the data directory on failure.
    public func install(
        _ entry: CatalogueEntry, progress: @escaping @Sendable (Int64, Int64?) -> Void = { _, _ in }
    ) async throws(DownloadError) -> Outcome {
        if let present = DataDirectory.installedFolder(for: entry, in: dataDirectory) {
            return .alreadyPresent(present)
        }
        let final = DataDirectory.folder(for: entry, in: dataDirectory)
        if FileManager.default.fileExists(atPath: final.path) {
            throw .incompleteFolder(final.path, missing: entry.ratingsFile)
        }
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(dataDirectory.path, reason: "cannot create the data directory: \(error)")
        }
        let urlText = archiveURL(for: entry)
        guard let url = URL(string: urlText), url.scheme != nil else {
            throw .invalidURL(urlText)
        }

        let archive: String
        do {
            // `.NAME.zip.tmp-PID-…`; the leftovers of killed downloads of the same archive go first.
            archive = try AtomicWriter.makeTemporaryFile(for: "\(dataDirectory.path)/.\(entry.archiveName)")
        } catch {
            throw .fileSystem(error.path, reason: error.reason)
        }
        defer { try? FileManager.default.removeItem(atPath: archive) }

        let digest = try await fetch(url, to: archive, entry: entry, progress: progress)
        if let expected = entry.md5, expected.lowercased() != digest {
            throw .checksumMismatch(url: urlText, expected: expected.lowercased(), actual: digest)
        }
        try unpack(archive: archive, entry: entry, into: final)
        return .installed(final, checksumVerified: entry.md5 != nil)
    }

    /// Unzips into a temporary folder in the data directory, then renames the data set's folder
    /// into place.
    private func unpack(archive: String, entry: CatalogueEntry, into final: URL) throws(DownloadError) {
        let staging: String
        do {
            staging = try AtomicWriter.makeTemporaryFolder(for: "\(dataDirectory.path)/.\(entry.name).unpack")
        } catch {
            throw .fileSystem(error.path, reason: error.reason)
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let stagingURL = URL(fileURLWithPath: staging, isDirectory: true)
        do {
            try FileManager.default.unzipItem(at: URL(fileURLWithPath: archive), to: stagingURL)
        } catch {
            throw .unpackFailed(archive: entry.archiveName, reason: "\(error)")
        }
        // The archive normally holds one folder (ml-10m.zip holds ml-10M100K/); accept the files at
        // the top level too.
        let candidates = [entry.archiveFolder, entry.name, ""].map {
            $0.isEmpty ? stagingURL : stagingURL.appendingPathComponent($0, isDirectory: true)
        }
        guard
            let inner = candidates.first(where: {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent(entry.ratingsFile).path)
            })
        else {
            throw .unpackFailed(
                archive: entry.archiveName,
                reason: "no \(entry.archiveFolder)/\(entry.ratingsFile) inside")
        }
        do {
            try AtomicWriter.move(inner.path, to: final.path)
        } catch {
            throw .fileSystem(error.path, reason: error.reason)
        }
    }

    /// Streams `url` into the file at `path`, computing its MD5 on the way; returns the hex digest.
    private func fetch(
        _ url: URL, to path: String, entry: CatalogueEntry,
        progress: @escaping @Sendable (Int64, Int64?) -> Void
    ) async throws(DownloadError) -> String {
        let folder = DataDirectory.folder(for: entry, in: dataDirectory)
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } catch {
            throw .fileSystem(path, reason: "\(error)")
        }
        defer { try? handle.close() }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 24 * 3600
        let delegate = DownloadDelegate(output: handle, progress: progress)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }

        let result: DownloadDelegate.Result = await withCheckedContinuation { continuation in
            delegate.start(session.dataTask(with: url), continuation: continuation)
        }
        let urlText = url.absoluteString
        if let writeError = result.writeError {
            throw .fileSystem(path, reason: writeError)
        }
        if let status = result.status, status != 200 {
            throw .httpStatus(url: urlText, status: status, folder: folder.path, file: entry.ratingsFile)
        }
        if let expected = result.expected, result.received < expected {
            throw .truncated(url: urlText, received: result.received, expected: expected)
        }
        if let failure = result.failure {
            throw .unreachable(url: urlText, reason: failure, folder: folder.path, file: entry.ratingsFile)
        }
        guard result.status != nil else {
            throw .unreachable(
                url: urlText, reason: "no response", folder: folder.path, file: entry.ratingsFile)
        }
        return result.digest
    }
}

/// Receives one download: writes the body to a file, hashes it, reports progress.
///
/// `@unchecked Sendable`: URLSession calls a delegate only on its delegate queue, which is serial
/// here (one operation at a time), and ``start(_:continuation:)`` sets the state before the task
/// is resumed, so the mutable state is never touched by two threads at once.
private final class DownloadDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Result: Sendable {
        var status: Int?
        var expected: Int64?
        var received: Int64 = 0
        var digest = ""
        var failure: String?
        var writeError: String?
    }

    private let output: FileHandle
    private let progress: @Sendable (Int64, Int64?) -> Void
    private var md5 = MD5()
    private var result = Result()
    private var continuation: CheckedContinuation<Result, Never>?

    init(output: FileHandle, progress: @escaping @Sendable (Int64, Int64?) -> Void) {
        self.output = output
        self.progress = progress
    }

    func start(_ task: URLSessionDataTask, continuation: CheckedContinuation<Result, Never>) {
        self.continuation = continuation
        task.resume()
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 200
        result.status = status
        result.expected = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        completionHandler(status == 200 ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard result.writeError == nil else { return }
        do {
            try output.write(contentsOf: data)
        } catch {
            result.writeError = "\(error)"
            dataTask.cancel()
            return
        }
        data.withUnsafeBytes { md5.update($0) }
        result.received += Int64(data.count)
        progress(result.received, result.expected)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error { result.failure = error.localizedDescription }
        result.digest = md5.hexDigest()
        continuation?.resume(returning: result)
        continuation = nil
    }
}

/// Why a data set could not be downloaded or found.
public enum DownloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached or the transfer broke off.
    case unreachable(url: String, reason: String, folder: String, file: String)
    /// The server answered with an HTTP status other than 200.
    case httpStatus(url: String, status: Int, folder: String, file: String)
    /// The server closed the connection before sending all it announced.
    case truncated(url: String, received: Int64, expected: Int64)
    /// The archive's MD5 is not the published one.
    case checksumMismatch(url: String, expected: String, actual: String)
    /// The archive could not be unpacked or does not hold the ratings file.
    case unpackFailed(archive: String, reason: String)
    /// A file or folder in the data directory could not be written.
    case fileSystem(String, reason: String)
    /// The download URL is not a URL.
    case invalidURL(String)
    /// The data set's folder exists but lacks its ratings file.
    case incompleteFolder(String, missing: String)
    /// A catalogue data set named on the command line has not been downloaded.
    case notInstalled(name: String, folder: String)
    /// A `--data` argument is neither an existing path nor a catalogue name.
    case noSuchData(String, known: [String])
    /// `autorec download` was given a name the catalogue does not have.
    case unknownDataset(String, known: [String])

    /// The message, with a hint where the fix is known.
    public var description: String {
        func byHand(_ url: String, _ folder: String, _ file: String) -> String {
            "hint: offline? Download \(url) by hand and unzip it so that \(folder)/\(file) exists"
        }
        switch self {
        case let .unreachable(url, reason, folder, file):
            return "cannot download \(url): \(reason)\n\(byHand(url, folder, file))"
        case let .httpStatus(url, status, folder, file):
            return "cannot download \(url): the server answered HTTP \(status)\n\(byHand(url, folder, file))"
        case let .truncated(url, received, expected):
            return "download of \(url) broke off after \(received) of \(expected) bytes; nothing was kept,"
                + " try again"
        case let .checksumMismatch(url, expected, actual):
            return "\(url): MD5 is \(actual), expected \(expected); the download was corrupted or the file"
                + " changed on the server, nothing was kept"
        case let .unpackFailed(archive, reason):
            return "cannot unpack \(archive): \(reason)"
        case let .fileSystem(path, reason):
            return "\(path): \(reason)"
        case let .invalidURL(url):
            return "'\(url)' is not a valid download URL (check AUTOREC_DOWNLOAD_URL)"
        case let .incompleteFolder(folder, missing):
            return "\(folder) exists but has no \(missing); remove it (or complete it) and try again"
        case let .notInstalled(name, folder):
            return
                "\(name) is not downloaded: run 'autorec download \(name)' first (or put the files in \(folder))"
        case let .noSuchData(argument, known):
            return "'\(argument)' is neither an existing file or folder nor a known data set"
                + " (\(known.joined(separator: ", ")))"
        case let .unknownDataset(name, known):
            return "unknown data set '\(name)'; known: \(known.joined(separator: ", "))"
        }
    }
}
