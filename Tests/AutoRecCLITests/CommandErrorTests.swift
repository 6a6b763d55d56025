import ArgumentParser
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct CommandErrorTests {
        /// A fixture folder whose `u.data` has the rating `five` on line 3.
        func badFolder(_ folder: TemporaryFolder) throws -> (data: String, file: String) {
            var lines = Fixture.ratingLines()
            lines[2] = "3\t4\tfive\t881000001"
            let dir = folder.file("bad")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let file = try folder.write(lines.joined(separator: "\n") + "\n", to: "bad/u.data")
            return (dir, file)
        }

        @Test(
            "a non-numeric rating stops the command with the file and line",
            arguments: ["info", "baseline", "train"])
        func notANumber(command: String) async throws {
            let folder = try TemporaryFolder()
            let (data, file) = try badFolder(folder)
            let extra = command == "train" ? ["--hidden-units", "4"] : []
            await #expect {
                try await autorec([command, "--data", data, "--quiet"] + extra)
            } throws: { error in
                let text = message(for: error)
                return text.hasPrefix("\(file):3: ") && text.contains("rating") && text.contains("'five'")
            }
        }

        @Test(
            "invalid options fail validation with a message naming the option",
            arguments: [
                (
                    ["baseline", "--data", "x", "--test-fraction", "1.5"],
                    "--test-fraction must be between 0 and 1, got 1.5"
                ),
                (
                    ["train", "--data", "x", "--fill", "banana"],
                    "The value 'banana' is invalid for '--fill <fill>'"
                ),
                (["train", "--data", "x", "--schedule", "exp:fast"], "The value 'exp:fast' is invalid for '--schedule <schedule>'"),
                (["train", "--data", "x", "--hidden-units", "0"], "hidden units must be at least 1, got 0"),
                (
                    ["train", "--data", "x", "--layers", "512,0,512"],
                    "--layers 512,0,512: a layer of 0 units (each layer needs at least 1)"
                ),
                (["train", "--data", "x", "--layers", "64,,64"], "--layers 64,,64: '' is not a number"),
                (
                    ["train", "--data", "x", "--model", "deep-autorec", "--layer-dropout", "0.5,0.2"],
                    "--layer-dropout 0.5,0.2: 2 values for 3 hidden layers (--layers 512,256,512)"
                ),
                (
                    ["train", "--data", "x", "--layers", "8,8", "--layer-dropout", "0.5,1"],
                    "--layer-dropout 0.5,1: a dropout of 1.0 (each must be in [0, 1))"
                ),
                (
                    ["train", "--data", "x", "--layers", "8,4", "--tied-weights"],
                    "tied weights need the last hidden layer as wide as the first, got 8,4"
                ),
                (["train", "--data", "x", "--refeed-steps", "1"], "dense re-feeding needs a mini-batch optimizer"),
                (["train", "--data", "x", "--masking-noise", "1"], "masking noise must be in [0, 1), got 1.0"),
                (
                    ["train", "--data", "x", "--initialization", "big"],
                    "The value 'big' is invalid for '--initialization <rule>'"
                ),
                (
                    ["baseline", "--data", "x", "--cold-start", "maybe"],
                    "The value 'maybe' is invalid for '--cold-start <policy>'"
                ),
                (
                    ["baseline", "--data", "x", "--split", "kfold", "--folds", "1"],
                    "--folds must be at least 2, got 1"
                ),
                (
                    ["baseline", "--data", "x", "--split", "given"],
                    "--split given needs --given NAME or --test FILE"
                ),
                (["baseline", "--data", "x", "--threads", "0"], "--threads must be at least 1, got 0"),
                (["recommend", "--model", "m"], "give --user, or --ratings to fold in"),
                (
                    ["recommend", "--model", "m", "--user", "1", "--count", "0"],
                    "--count must be at least 1, got 0"
                ),
            ])
        func invalidOptions(arguments: [String], expected: String) throws {
            // Parsing validates: the data file "x" is never opened.
            #expect {
                try AutoRecCommand.parseAsRoot(arguments)
            } throws: { error in
                let text = message(for: error)
                let ok = text.contains(expected)
                if !ok { Issue.record("message was: \(text)") }
                return ok
            }
        }

        @Test("a missing data path is reported with the path")
        func missingData() async throws {
            let folder = try TemporaryFolder()
            let path = folder.file("nowhere")
            await #expect { try await autorec("info", "--data", path) } throws: {
                message(for: $0) == "\(path): cannot open: no such file or folder"
            }
        }
    }
}
