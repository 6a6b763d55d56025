import ArgumentParser
import AutoRec
import Foundation
import RecTestSupport
import Testing

@testable import autorec

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension CLI {
    @Suite struct ServeCommandTests {
        @Test(
            "bad serve options are refused before anything starts",
            arguments: [
                (["--port", "70000"], "--port must be in 0...65535, got 70000"),
                (["--max-body", "10"], "--max-body must be at least 1024, got 10"),
            ])
        func badOptions(extra: [String], text: String) async throws {
            let error = await #expect(throws: (any Error).self) {
                try await autorec(["serve", "--model", "/nonexistent"] + extra)
            }
            #expect(message(for: try #require(error)) == text)
        }

        @Test("an empty token file and a bad model folder are errors naming the file")
        func badFiles() async throws {
            let folder = try TemporaryFolder()
            let token = try folder.write("  \n", to: "token")
            let model = try await Fixture.trainedModel(in: folder)
            let e1 = await #expect(throws: (any Error).self) {
                try await autorec("serve", "--model", model, "--token-file", token)
            }
            #expect(
                message(for: try #require(e1))
                    == "\(token): the token file must hold one token without spaces")
            let e2 = await #expect(throws: (any Error).self) {
                try await autorec("serve", "--model", folder.file("none"))
            }
            #expect(message(for: try #require(e2)).contains(folder.file("none")))
        }

        /// GETs `url` and returns (status, body), or nil when nothing answers.
        static func get(_ url: String) async -> (Int, [String: Any])? {
            guard let u = URL(string: url), let (data, response) = try? await URLSession.shared.data(from: u),
                let http = response as? HTTPURLResponse
            else { return nil }
            return (http.statusCode, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
        }

        @Test("the built tool serves on a free port, logs one line per request, and reloads on SIGHUP")
        func endToEnd() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            let uModel = folder.file("u-model")
            try await autorec(
                "train", "--data", Fixture.movieLens100K(in: folder), "--model", "u-autorec",
                "--hidden-units", "4", "--epochs", "3", "--patience", "0", "--save", uModel, "--quiet")
            let err = folder.file("stderr")
            _ = FileManager.default.createFile(atPath: err, contents: nil)
            let process = Process()
            process.executableURL = try Executable.location()
            process.arguments = ["serve", "--model", model, "--port", "0"]
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            func log() -> String {
                String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
            }
            var base: String?
            for _ in 0..<600 where base == nil {
                if let line = log().split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                    base = String(line.dropFirst("listening on ".count)).trimmingCharacters(in: ["/"])
                } else {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let url = try #require(base, "the server did not start: \(log())")
            #expect(url.hasPrefix("http://127.0.0.1:"))
            let (status, body) = try #require(await Self.get("\(url)/v1/users/1/recommendations?count=3"))
            #expect(status == 200 && (body["items"] as? [Any])?.count == 3)
            #expect(await Self.get("\(url)/ready")?.1["model"] as? String == "I-AutoRec")
            // Swap the folder's files for a U-AutoRec model and send SIGHUP.
            for name in [ModelDirectory.weightsFileName, ModelDirectory.modelFileName] {
                try FileManager.default.removeItem(atPath: "\(model)/\(name)")
                try FileManager.default.copyItem(atPath: "\(uModel)/\(name)", toPath: "\(model)/\(name)")
            }
            kill(process.processIdentifier, SIGHUP)
            var kind: String?
            for _ in 0..<200 where kind != "U-AutoRec" {
                try await Task.sleep(for: .milliseconds(50))
                kind = await Self.get("\(url)/ready")?.1["model"] as? String
            }
            #expect(kind == "U-AutoRec")
            process.terminate()
            process.waitUntilExit()
            #expect(log().contains("GET /v1/users/1/recommendations 200 "))
            #expect(log().contains(" ms (route /v1/users/{id}/recommendations)"))
        }
    }
}
