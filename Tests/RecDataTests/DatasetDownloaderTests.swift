import Foundation
import RecTestSupport
import Testing

@testable import RecData

@Suite struct DatasetDownloaderTests {
    static let ratings = "1\t10\t4\t881000001\n2\t20\t3\t891000002\n"

    /// A zip holding `ml-TEST100K/u.data` (an archive folder named unlike the data set, as
    /// ml-10m.zip holds ml-10M100K/), its bytes and MD5.
    static func archive(in folder: TemporaryFolder) throws -> (bytes: [UInt8], md5: String) {
        try TestArchive.zip(
            folder: "ml-TEST100K", files: [("u.data", ratings), ("README", "readme")], in: folder.url)
    }

    static func entry(md5: String?) -> CatalogueEntry {
        CatalogueEntry(
            name: "ml-test", archiveFolder: "ml-TEST100K", md5: md5, ratingsFile: "u.data",
            format: .ml100k, summary: "test set")
    }

    /// Runs `body` with a data directory, an archive and a server answering `/ml-test.zip`.
    static func withServer(
        reply: (_ bytes: [UInt8]) -> LoopbackHTTPServer.Reply, maxRequests: Int = 2,
        _ body: (_ downloader: DatasetDownloader, _ server: LoopbackHTTPServer, _ md5: String) async throws ->
            Void
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (bytes, md5) = try archive(in: folder)
        let server = try LoopbackHTTPServer(routes: ["/ml-test.zip": reply(bytes)], maxRequests: maxRequests)
        defer { server.stop() }
        let downloader = DatasetDownloader(
            dataDirectory: folder.url.appendingPathComponent("data", isDirectory: true),
            baseURL: "http://127.0.0.1:\(server.port)", timeout: 5, environment: [:])
        try await body(downloader, server, md5)
    }

    static func contents(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    @Test("a download is checked, unpacked and renamed to the data set's name")
    func success() async throws {
        try await Self.withServer(reply: { .init(body: $0) }) { downloader, server, md5 in
            let seen = Progress()
            let outcome = try await downloader.install(Self.entry(md5: md5)) { done, total in
                seen.record(done, total)
            }
            let folder = downloader.dataDirectory.appendingPathComponent("ml-test", isDirectory: true)
            #expect(outcome == .installed(folder, checksumVerified: true))
            #expect(
                try String(contentsOf: folder.appendingPathComponent("u.data"), encoding: .utf8)
                    == Self.ratings)
            #expect(Self.contents(downloader.dataDirectory) == ["ml-test"])
            #expect(server.requests == ["/ml-test.zip"])
            let last = try #require(seen.last)
            #expect(last.0 > 0 && last.1 == last.0)
        }
    }

    @Test("a download removes what killed downloads of the same archive left behind")
    func staleLeftovers() async throws {
        try await Self.withServer(reply: { .init(body: $0) }) { downloader, _, md5 in
            let data = downloader.dataDirectory.path
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let dead = deadProcessID()
            FileManager.default.createFile(atPath: "\(data)/.ml-test.zip.tmp-\(dead)-0badf00d", contents: Data(count: 99))
            try FileManager.default.createDirectory(
                atPath: "\(data)/.ml-test.unpack.tmp-\(dead)-0badf00d", withIntermediateDirectories: false)
            _ = try await downloader.install(Self.entry(md5: md5))
            #expect(Self.contents(downloader.dataDirectory) == ["ml-test"])
        }
    }

    @Test("without a published checksum the download is installed unchecked and says so")
    func noChecksum() async throws {
        try await Self.withServer(reply: { .init(body: $0) }) { downloader, _, _ in
            let outcome = try await downloader.install(Self.entry(md5: nil))
            #expect(
                outcome
                    == .installed(
                        DataDirectory.folder(for: Self.entry(md5: nil), in: downloader.dataDirectory),
                        checksumVerified: false))
        }
    }

    @Test(
        "an installed data set is not downloaded again, also under the archive's folder name",
        arguments: ["ml-test", "ml-TEST100K"])
    func alreadyPresent(folderName: String) async throws {
        try await Self.withServer(reply: { .init(body: $0) }) { downloader, server, md5 in
            let folder = downloader.dataDirectory.appendingPathComponent(folderName, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(Self.ratings.utf8).write(to: folder.appendingPathComponent("u.data"))
            let outcome = try await downloader.install(Self.entry(md5: md5))
            #expect(outcome == .alreadyPresent(folder))
            #expect(server.requests.isEmpty)
        }
    }

    @Test("a wrong checksum fails and leaves nothing behind")
    func wrongChecksum() async throws {
        try await Self.withServer(reply: { .init(body: $0) }) { downloader, _, md5 in
            let wrong = String(repeating: "0", count: 32)
            await #expect(
                throws: DownloadError.checksumMismatch(
                    url: downloader.archiveURL(for: Self.entry(md5: wrong)), expected: wrong, actual: md5)
            ) {
                try await downloader.install(Self.entry(md5: wrong))
            }
            #expect(Self.contents(downloader.dataDirectory).isEmpty)
        }
    }

    @Test("a download cut short fails and leaves nothing behind")
    func truncated() async throws {
        try await Self.withServer(reply: { .init(body: $0, announcedLength: $0.count + 5000) }) {
            downloader, _, md5 in
            await #expect {
                try await downloader.install(Self.entry(md5: md5))
            } throws: { error in
                guard case let .truncated(_, received, expected) = error as? DownloadError else {
                    return false
                }
                return received < expected
            }
            #expect(Self.contents(downloader.dataDirectory).isEmpty)
        }
    }

    @Test("an HTTP error fails with the status and where to put the files by hand")
    func httpError() async throws {
        try await Self.withServer(reply: { _ in .init(status: 404, body: Array("gone".utf8)) }) {
            downloader, _, md5 in
            let folder = DataDirectory.folder(for: Self.entry(md5: md5), in: downloader.dataDirectory)
            await #expect(
                throws: DownloadError.httpStatus(
                    url: downloader.archiveURL(for: Self.entry(md5: md5)), status: 404, folder: folder.path,
                    file: "u.data")
            ) {
                try await downloader.install(Self.entry(md5: md5))
            }
            #expect(Self.contents(downloader.dataDirectory).isEmpty)
        }
    }

    @Test("an unreachable server fails at once, saying where to put the files by hand")
    func unreachable() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let port = try LoopbackHTTPServer.refusedPort()
        let downloader = DatasetDownloader(
            dataDirectory: folder.url, baseURL: "http://127.0.0.1:\(port)/", timeout: 5, environment: [:])
        let entry = Self.entry(md5: nil)
        await #expect {
            try await downloader.install(entry)
        } throws: { error in
            guard case .unreachable = error as? DownloadError else { return false }
            let text = "\(error)"
            return text.hasPrefix("cannot download http://127.0.0.1:\(port)/ml-test.zip: ")
                && text.contains("so that \(folder.url.path)/ml-test/u.data exists")
        }
        #expect(Self.contents(folder.url).isEmpty)
    }

    @Test("a folder without its ratings file is reported, not overwritten")
    func incompleteFolder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("ml-test"),
            withIntermediateDirectories: true)
        let downloader = DatasetDownloader(
            dataDirectory: folder.url, baseURL: "http://127.0.0.1:9/", environment: [:])
        await #expect(throws: DownloadError.incompleteFolder(folder.url.path + "/ml-test", missing: "u.data"))
        {
            try await downloader.install(Self.entry(md5: nil))
        }
    }

    @Test("the download URL comes from the parameter, then AUTOREC_DOWNLOAD_URL, then GroupLens")
    func baseURL() {
        let dir = URL(fileURLWithPath: "/tmp")
        let entry = DatasetCatalogue.entry(named: "ml-10m")
        #expect(
            entry.map { DatasetDownloader(dataDirectory: dir, environment: [:]).archiveURL(for: $0) }
                == "https://files.grouplens.org/datasets/movielens/ml-10m.zip")
        #expect(
            DatasetDownloader(dataDirectory: dir, environment: ["AUTOREC_DOWNLOAD_URL": "http://h/x"]).baseURL
                == "http://h/x/")
        #expect(
            DatasetDownloader(
                dataDirectory: dir, baseURL: "http://p/", environment: ["AUTOREC_DOWNLOAD_URL": "http://h/"]
            )
            .baseURL == "http://p/")
    }
}

/// Progress reports gathered from a background queue.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [(Int64, Int64?)] = []

    func record(_ done: Int64, _ total: Int64?) { lock.withLock { reports.append((done, total)) } }
    var last: (Int64, Int64?)? { lock.withLock { reports.last } }
}
