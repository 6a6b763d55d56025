import ArgumentParser
import Foundation
import RecData
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

    @Test("synth writes a folder in the chosen format that the readers detect", arguments: [
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

    @Test("synth refuses impossible settings before doing anything", arguments: [
        ["--ratings", "10"], ["--scale", "tenths"], ["--format", "delimited"], ["--preset", "ml-5m"],
    ])
    func refuses(extra: [String]) throws {
        #expect(throws: (any Error).self) {
            _ = try AutoRecCommand.parseAsRoot(["synth", "--out", Self.folder()] + extra)
        }
    }

    @Test("the options override the preset")
    func configuration() throws {
        let command = try #require(try AutoRecCommand.parseAsRoot([
            "synth", "--preset", "ml-10m", "--users", "100", "--ratings", "200000", "--noise", "0.5", "--scale", "scores", "--out", "x",
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
        _ = FileManager.default.createFile(atPath: dir + "/ml-100k/u.data", contents: Data("1\t1\t5\t0\n".utf8))
        try await Self.run(["download", "ml-100k", "--data-dir", dir])
        try await Self.run(["download", "--list", "--data-dir", dir])
    }

    @Test("download refuses an unknown name with the known ones")
    func downloadUnknown() async throws {
        await #expect(throws: DownloadError.unknownDataset("ml-5m", known: DatasetCatalogue.names)) {
            try await Self.run(["download", "ml-5m", "--data-dir", Self.folder()])
        }
    }
}
