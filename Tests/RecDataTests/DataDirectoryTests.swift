import Foundation
import RecData
import Testing

@Suite struct DataDirectoryTests {
    @Test(
        "the data directory is AUTOREC_DATA, else XDG_CACHE_HOME/autorec, else ~/.cache/autorec",
        arguments: [
            (["AUTOREC_DATA": "/d", "XDG_CACHE_HOME": "/x", "HOME": "/h"], "/d"),
            (["XDG_CACHE_HOME": "/x", "HOME": "/h"], "/x/autorec"),
            (["AUTOREC_DATA": "", "HOME": "/h"], "/h/.cache/autorec"),
        ])
    func resolve(environment: [String: String], expected: String) {
        #expect(DataDirectory.resolve(environment: environment).path == expected)
    }

    @Test("the catalogue has the MovieLens releases with GroupLens' checksums")
    func catalogue() throws {
        #expect(
            DatasetCatalogue.names == ["ml-100k", "ml-1m", "ml-10m", "ml-20m", "ml-25m", "ml-latest-small"])
        #expect(DatasetCatalogue.entry(named: "ML-1M")?.md5 == "c4d9eecfca2ab87c1945afe126590906")
        let tenM = try #require(DatasetCatalogue.entry(named: "ml-10m"))
        #expect(tenM.archiveFolder == "ml-10M100K" && tenM.archiveName == "ml-10m.zip")
        #expect(DatasetCatalogue.entry(named: "ml-latest-small")?.md5 == nil)
        #expect(DatasetCatalogue.entries.compactMap(\.md5).allSatisfy { $0.count == 32 })
    }

    @Test("--data: an existing path is used as is, an installed name maps to its folder")
    func resolveData() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("mine.csv")
        try Data("x".utf8).write(to: file)
        #expect(try DataDirectory.resolveDataArgument(file.path, dataDirectory: folder.url).path == file.path)
        // ml-10m unpacked by hand keeps the archive's folder name; it is still found.
        let byHand = folder.url.appendingPathComponent("ml-10M100K")
        try FileManager.default.createDirectory(at: byHand, withIntermediateDirectories: true)
        try Data("1::1::5::1\n".utf8).write(to: byHand.appendingPathComponent("ratings.dat"))
        #expect(
            try DataDirectory.resolveDataArgument("ml-10m", dataDirectory: folder.url).path == byHand.path)
    }

    @Test("--data: a known name not yet downloaded says how to get it")
    func notInstalled() {
        let dir = URL(fileURLWithPath: "/nonexistent/autorec")
        #expect(throws: DownloadError.notInstalled(name: "ml-1m", folder: "/nonexistent/autorec/ml-1m")) {
            try DataDirectory.resolveDataArgument("ml-1m", dataDirectory: dir)
        }
        #expect(
            DownloadError.notInstalled(name: "ml-1m", folder: "/d/ml-1m").description
                == "ml-1m is not downloaded: run 'autorec download ml-1m' first (or put the files in /d/ml-1m)"
        )
    }

    @Test("--data: anything else is refused with the known names")
    func unknown() {
        #expect(throws: DownloadError.noSuchData("nope.csv", known: DatasetCatalogue.names)) {
            try DataDirectory.resolveDataArgument(
                "nope.csv", dataDirectory: URL(fileURLWithPath: "/nonexistent"))
        }
    }

    @Test("--data: a symbolic link loop is taken as a path, so reading it names the loop")
    func symlinkLoop() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let a = folder.url.appendingPathComponent("a").path, b = folder.url.appendingPathComponent("b").path
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
        #expect(try DataDirectory.resolveDataArgument(a, dataDirectory: folder.url).path == a)
    }
}
