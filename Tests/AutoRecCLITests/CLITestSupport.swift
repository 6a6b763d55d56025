import ArgumentParser
import Foundation
import RecMath
import RecTestSupport
import Testing

@testable import autorec

/// Every command-line test, run one at a time: commands set process-wide options (thread count,
/// quiet, the training stop flag, the Ctrl-C handler).
@Suite(.serialized) struct CLI {}

/// Tiny generated MovieLens-style files.
enum Fixture {
    static let users = 30
    static let items = 20
    static let perUser = 10

    /// `user<TAB>item<TAB>rating<TAB>timestamp` lines: user u (ids 1...30) rates the 10 items
    /// `(u + 2j) mod 20` (ids 1...20), so every item has 15 ratings; ratings 1...5 follow a user
    /// and an item effect plus seeded noise, so there is something to learn.
    static func ratingLines(seed: UInt64 = 11) -> [String] {
        var rng = SplitMix64(seed: seed)
        var lines = [String]()
        for u in 0..<users {
            for j in 0..<perUser {
                let i = (u + 2 * j) % items
                let value = 3.0 + Double(u % 3 - 1) * 0.8 + Double(i % 5 - 2) * 0.5 + rng.nextGaussian() * 0.5
                let rating = min(5, max(1, Int(value.rounded())))
                lines.append("\(u + 1)\t\(i + 1)\t\(rating)\t\(880_000_000 + 1000 * u + j)")
            }
        }
        return lines
    }

    /// `u.item` lines: `id|title|date||url|19 genre flags`.
    static func itemLines() -> [String] {
        (1...items).map { i in
            let flags = (0..<19).map { $0 == i % 19 ? "1" : "0" }.joined(separator: "|")
            return "\(i)|Film \(i) (19\(70 + i))|01-Jan-19\(70 + i)||http://example.invalid/\(i)|\(flags)"
        }
    }

    /// A MovieLens 100K-style folder (`u.data`, `u.item`) inside `folder`; returns its path.
    @discardableResult
    static func movieLens100K(in folder: TemporaryFolder, name: String = "ml") throws -> String {
        try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true)
        try folder.write(ratingLines().joined(separator: "\n") + "\n", to: "\(name)/u.data")
        try folder.write(itemLines().joined(separator: "\n") + "\n", to: "\(name)/u.item")
        return folder.file(name)
    }
}

extension Fixture {
    /// A `u.data`-layout test file for `--split given --test`: user n rates item n + 1 (which it did
    /// not rate in `u.data`) for n = 1...known, then come `newUser` ratings by a user `31` unseen in
    /// training and `newItem` ratings of an item `21` unseen in training by known users 2, 3, ...
    static func givenTest(
        in folder: TemporaryFolder, known: Int = 6, newUser: Int = 0, newItem: Int = 0
    ) throws -> String {
        var lines = [String]()
        for u in 0..<known { lines.append("\(u + 1)\t\((u + 1) % items + 1)\t\(1 + u % 5)\t890000000") }
        for k in 0..<newUser { lines.append("31\t\(k + 1)\t4\t890000000") }
        for k in 0..<newItem { lines.append("\(k + 2)\t21\t2\t890000000") }
        return try folder.write(lines.joined(separator: "\n") + "\n", to: "test.data")
    }

    /// Trains a tiny model on the whole fixture (`--split given`, no validation) and saves it;
    /// returns the model folder. User 1 rated the odd item ids 1, 3, ..., 19 in training.
    static func trainedModel(in folder: TemporaryFolder, _ extra: String...) async throws -> String {
        let data = try movieLens100K(in: folder)
        let test = try givenTest(in: folder)
        let model = folder.file("model")
        try await autorec(
            [
                "train", "--data", data, "--split", "given", "--test", test, "--hidden-units", "8",
                "--epochs", "5", "--patience", "0", "--save", model, "--quiet",
            ] + extra)
        return model
    }
}

/// Runs `autorec arguments...` in this process as the tool would: expand `--config`, parse (which
/// validates), then run.
///
/// Standard output is left alone, not captured: Swift Testing reports every event of the tests
/// running in parallel on the same file descriptor, so a capture would swallow their lines. Tests
/// read results from `--report` and `--save` files, or run the built tool (``Executable``).
///
/// - Throws: whatever parsing, validation or the command throws.
func autorec(_ arguments: String...) async throws { try await autorec(arguments) }

/// Runs `autorec arguments...` in this process; see ``autorec(_:)-(String...)``.
func autorec(_ arguments: [String]) async throws {
    // `--threads` sets the process-wide default every other test's parallel loops read.
    guard !arguments.contains("--threads") else {
        Issue.record("run --threads with Executable.run: in process it would change other tests' count")
        return
    }
    let parsed = try AutoRecCommand.parseAsRoot(try ConfigFile.expand(arguments))
    guard var command = parsed as? AsyncParsableCommand else {
        Issue.record(
            "'\(arguments.joined(separator: " "))' parsed to a non-async command \(type(of: parsed))")
        return
    }
    try await command.run()
}

/// The message the tool prints (after `Error: `) for an error thrown by ``autorec(_:)``.
func message(for error: any Error) -> String {
    AutoRecCommand.message(for: error)
}

/// The `autorec` executable that `swift build` puts beside the test bundle, run as a subprocess.
enum Executable {
    /// What one run printed and how it ended.
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// `.build/<configuration>/autorec`: the first `autorec` file found in the folders holding
    /// this test process's executable or bundles, or up to three levels above them.
    static func location() throws -> URL {
        var starts = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
            URL(fileURLWithPath: CommandLine.arguments[0]),
        ]
        starts += Bundle.allBundles.map(\.bundleURL)
        for start in starts {
            var folder = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("autorec")
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder),
                    !isFolder.boolValue,
                    FileManager.default.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "autorec (built beside the tests)"])
    }

    /// Runs `autorec arguments...` and waits for it.
    static func run(_ arguments: String...) throws -> Result { try run(arguments) }

    /// Runs `autorec arguments...` and waits for it.
    static func run(_ arguments: [String]) throws -> Result {
        let folder = try TemporaryFolder()
        let out = folder.file("stdout"), err = folder.file("stderr")
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = try location()
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        func text(_ path: String) -> String {
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        return Result(status: process.terminationStatus, standardOutput: text(out), standardError: text(err))
    }

    /// Runs `autorec arguments...`, expects success, and decodes its standard output as JSON.
    static func json(_ arguments: String...) throws -> Any { try json(arguments) }

    /// Runs `autorec arguments...`, expects success, and decodes its standard output as JSON.
    static func json(_ arguments: [String]) throws -> Any {
        let r = try run(arguments)
        try #require(r.status == 0, "autorec \(arguments.joined(separator: " ")) failed: \(r.standardError)")
        return try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8))
    }
}

/// Decodes a JSON file (a `--report`) into a dictionary.
func jsonFile(_ path: String) throws -> [String: Any] {
    let data = try #require(FileManager.default.contents(atPath: path), "\(path) was not written")
    let value = try JSONSerialization.jsonObject(with: data)
    return try #require(value as? [String: Any], "\(path) is not a JSON object")
}
