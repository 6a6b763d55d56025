import AutoRec
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct ConfigFileTests {
        @Test(
            "settings(of:) written as JSON and read back builds the same configuration",
            arguments: [
                ["--model", "i-autorec"],
                ["--model", "u-autorec", "--l2", "30", "--hidden-units", "200", "--no-refit", "--fill", "user-mean"],
                ["--model", "deep-autorec", "--layers", "16,8,16", "--layer-dropout", "0,0.5,0", "--encoder", "elu",
                 "--learning-rate", "0.003", "--schedule", "step:10:0.5", "--masking-noise", "0.2", "--tied-weights"],
                ["--model", "i-autorec", "--optimizer", "adam", "--batch-size", "64", "--code-dropout", "0.05",
                 "--input-dropout", "0.1", "--initialization", "he", "--epochs", "25", "--patience", "0"],
                ["--model", "sparse-fc", "--kernel-dimension", "3", "--kernel-penalty", "0.02", "--l2", "30"],
                ["--model", "glocal-k", "--finetune-epochs", "12", "--dot-scale", "1", "--epochs", "40"],
                ["--model", "u-autorec", "--kernel-penalty", "0.5", "--decoder", "sigmoid"],
            ])
        func roundTrip(options: [String]) throws {
            let parsed = try ModelOptions.parse(options)
            let config = try parsed.configuration(seed: 9)
            let folder = try TemporaryFolder()
            let path = folder.file("c.json")
            let settings = ConfigFile.settings(of: config, model: parsed.model, sideInformation: false)
            try ReportJSON.encode(settings).write(to: URL(fileURLWithPath: path))
            var arguments = try ConfigFile.options(inFile: path)
            let s = try #require(arguments.firstIndex { $0.hasPrefix("--seed=") })
            #expect(arguments[s] == "--seed=9")
            arguments.remove(at: s)
            #expect(try ModelOptions.parse(arguments).configuration(seed: 9) == config)
        }

        @Test("train --config takes the file's settings; options on the command line override them")
        func overrides() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let config = try folder.write(
                #"{"model": "u-autorec", "hidden-units": 6, "l2": 30, "epochs": 3, "refit": false, "seed": 5}"#,
                to: "c.json")
            let report = folder.file("r.json")
            try await autorec("train", "--data", data, "--l2", "7", "--config", config, "--quiet", "--report", report)
            let c = try #require(try jsonFile(report)["configuration"] as? [String: Any])
            #expect(c["orientation"] as? String == "user" && c["hiddenUnits"] as? Int == 6)
            #expect(c["l2"] as? Double == 7 && c["epochs"] as? Int == 3 && c["refit"] as? Bool == false)
            #expect(c["seed"] as? Int == 5)
        }

        @Test(
            "a bad file is an error naming the file and the line",
            arguments: [
                ("{\n  \"l2\": 30,\n  \"hiden-units\": 5\n}", "c.json:3: unknown key 'hiden-units' (known: "),
                ("{\n  \"l2\": 30,\n  \"encoder\": \"sigmoidal\"\n}", "c.json:3: encoder: "),
                ("{\n  \"l2\": [1, \"a\"]\n}", "c.json:2: l2: a list may hold numbers only"),
                ("{\n  \"l2\": -3\n}", "c.json:2: l2: invalid configuration: the L2 penalty must be finite and >= 0, got -3.0"),
                ("{\n  \"l2\": 30,\n  \"seed\": \"x\"\n}", "c.json:3: seed: 'x' is not a seed"),
                ("[1, 2]", "c.json:1: expected a JSON object of option names to values"),
                ("{\n  \"l2\": 30,\n  oops\n}", "c.json:3: not valid JSON: "),
            ])
        func errors(text: String, expected: String) async throws {
            let folder = try TemporaryFolder()
            let path = try folder.write(text, to: "c.json")
            await #expect {
                try await autorec("train", "--data", folder.path, "--config", path)
            } throws: { error in
                message(for: error).hasPrefix(folder.path + "/" + expected)
            }
        }

        @Test("the built tool expands --config too; a bad file exits non-zero with file:line on stderr")
        func executable() throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let good = try folder.write(#"{"hidden-units": 3, "epochs": 2}"#, to: "good.json")
            let json = try #require(try Executable.json("train", "--data", data, "--config", good, "--json", "--quiet")
                                    as? [String: Any])
            let c = try #require(json["configuration"] as? [String: Any])
            #expect(c["hiddenUnits"] as? Int == 3 && c["epochs"] as? Int == 2)
            let bad = try folder.write("{\n  \"epochs\": 2,\n  \"hiden\": 3\n}", to: "bad.json")
            let r = try Executable.run("train", "--data", data, "--config", bad)
            #expect(r.status != 0)
            #expect(r.standardError.contains("\(bad):3: unknown key 'hiden'"))
        }

        @Test("a missing file is an error naming it; --config of other commands is left alone")
        func missing() throws {
            #expect(throws: ConfigFileError.unreadable(path: "/nonexistent/c.json", reason: "no such file")) {
                try ConfigFile.expand(["train", "--config", "/nonexistent/c.json"])
            }
            #expect(try ConfigFile.expand(["serve", "--config", "x"]) == ["serve", "--config", "x"])
        }
    }
}
