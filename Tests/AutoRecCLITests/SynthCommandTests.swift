import ArgumentParser
import Foundation
import RecData
import RecTestSupport
import Testing

@testable import autorec

@Suite struct SynthCommandTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("autorec-cli-\(UUID().uuidString)").path
    }

    static func run(_ arguments: [String]) async throws {
        var command = try AutoRecCommand.parseAsRoot(arguments)
        guard var runnable = command as? AsyncParsableCommand else {
            try command.run()
            return
        }
        try await runnable.run()
    }

    @Test(
        "synth writes a folder in the chosen format that the readers detect",
        arguments: [
            ("ml-100k", "u.data"), ("ml-1m", "ratings.dat"), ("ml-latest", "ratings.csv"),
        ])
    func writesFolder(format: String, file: String) async throws {
        let out = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        try await Self.run([
            "synth", "--preset", "ml-100k", "--users", "30", "--items", "25", "--ratings", "700",
            "--rank", "3", "--format", format, "--out", out, "--seed", "3",
        ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == [file])
        let table = try Dataset.detect(at: out).load(sideInformation: false).ratings
        #expect(table.count == 700 && table.userCount == 30 && table.itemCount == 25)
    }

    @Test(
        "synth refuses impossible settings before doing anything",
        arguments: [
            (["--ratings", "10"], "ratings (10) must be at least"),
            (["--scale", "tenths"], "unknown scale 'tenths'"),
            (["--format", "delimited"], "not 'delimited'"), (["--preset", "ml-5m"], "unknown preset 'ml-5m'"),
        ])
    func refuses(extra: [String], reason: String) throws {
        let out = Self.folder()
        #expect {
            _ = try AutoRecCommand.parseAsRoot(["synth", "--out", out] + extra)
        } throws: { error in
            let text = message(for: error)
            if !text.contains(reason) { Issue.record("message was: \(text)") }
            return text.contains(reason)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("an --out that is a file is refused before any rating is generated")
    func outIsAFile() async throws {
        let folder = try TemporaryFolder()
        let out = try folder.write("notes", to: "notes.txt")
        await #expect {
            try await Self.run(["synth", "--preset", "ml-100k", "--out", out])
        } throws: { error in
            message(for: error) == "\(out): cannot write: it exists and is not a folder"
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "notes")
    }

    @Test("the options override the preset")
    func configuration() throws {
        let command = try #require(
            try AutoRecCommand.parseAsRoot([
                "synth", "--preset", "ml-10m", "--users", "100", "--ratings", "200000", "--noise", "0.5",
                "--scale", "scores", "--out", "x",
            ]) as? SynthCommand)
        let c = try command.makeConfiguration()
        #expect(c.users == 100 && c.items == 10_677 && c.noise == 0.5 && c.scale == .scores)
        #expect(try command.fileFormat() == .ml1m)
    }

    @Test("download finds an installed data set without touching the network")
    func downloadAlreadyPresent() async throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/ml-100k", withIntermediateDirectories: true)
        let ratings = Data("1\t1\t5\t0\n".utf8)
        _ = FileManager.default.createFile(atPath: dir + "/ml-100k/u.data", contents: ratings)
        // Nothing listens on port 9 of the loopback: any request would fail the command.
        let r = try Executable.run(
            "download", "ml-100k", "--data-dir", dir, "--base-url", "http://127.0.0.1:9/", "--timeout", "2")
        #expect(r.status == 0, "\(r.standardError)")
        #expect(r.standardOutput == "ml-100k is already in \(dir)/ml-100k; nothing downloaded\n")
        #expect(FileManager.default.contents(atPath: dir + "/ml-100k/u.data") == ratings)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["ml-100k"])

        let list = try Executable.run("download", "--list", "--data-dir", dir)
        #expect(list.status == 0)
        let rows = list.standardOutput.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(rows.count == DatasetCatalogue.entries.count)
        for row in rows {
            let name = row.prefix { $0 != " " }
            let expected = name == "ml-100k" ? "installed in \(dir)/ml-100k" : "not installed"
            #expect(row.hasSuffix(expected), "\(row)")
        }
    }

    @Test("download refuses an unknown name with the known ones")
    func downloadUnknown() async throws {
        await #expect(throws: DownloadError.unknownDataset("ml-5m", known: DatasetCatalogue.names)) {
            try await Self.run(["download", "ml-5m", "--data-dir", Self.folder()])
        }
    }

    @Test("download fetches, checks and installs a data set from the server it is given")
    func downloadFromServer() async throws {
        let dir = URL(fileURLWithPath: Self.folder(), isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // ml-latest-small has no published checksum, so any archive is accepted.
        let (bytes, _) = try TestArchive.zip(
            folder: "ml-latest-small",
            files: [("ratings.csv", "userId,movieId,rating,timestamp\n1,2,3.5,4\n")],
            in: dir)
        let server = try LoopbackHTTPServer(
            routes: ["/ml-latest-small.zip": .init(body: bytes)], maxRequests: 1)
        defer { server.stop() }
        let data = dir.appendingPathComponent("data").path
        try await Self.run([
            "download", "ml-latest-small", "--data-dir", data, "--base-url",
            "http://127.0.0.1:\(server.port)/",
        ])
        #expect(FileManager.default.fileExists(atPath: data + "/ml-latest-small/ratings.csv"))
        #expect(
            try DataDirectory.resolveDataArgument(
                "ml-latest-small", dataDirectory: URL(fileURLWithPath: data)
            )
            .path == data + "/ml-latest-small")
        #expect(server.requests == ["/ml-latest-small.zip"])
    }
}
