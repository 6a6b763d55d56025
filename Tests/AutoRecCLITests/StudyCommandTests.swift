import AutoRec
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct StudyCommandTests {
        /// d2l on the tiny fixture: 2 configurations (I-AutoRec, biased MF) x 2 seeds, 2 epochs each.
        static func study(_ data: String, out: String, epochs: String = "2") async throws {
            try await autorec(["study", "d2l", "--data", data, "--seeds", "2", "--epochs", epochs, "--out", out, "--quiet"])
        }

        static func runFiles(_ out: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: out + "/runs").filter { $0.hasSuffix(".json") }.sorted()
        }

        static func modified(_ path: String) throws -> Date {
            try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        }

        /// results.json with every `seconds` field dropped (a retrained run takes its own time).
        static func figures(_ path: String) throws -> String {
            func strip(_ v: Any) -> Any {
                if let d = v as? [String: Any] {
                    return d.filter { $0.key != "seconds" }.mapValues(strip)
                }
                if let a = v as? [Any] { return a.map(strip) }
                return v
            }
            let data = try JSONSerialization.data(withJSONObject: strip(try jsonFile(path)), options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }

        @Test("a killed study resumes: kept runs are reused untouched, missing ones retrained, same results.json")
        func resume() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("s")
            try await Self.study(data, out: out)
            let files = try Self.runFiles(out)
            #expect(files.count == 4)
            let before = try Self.figures(out + "/results.json")
            // The "kill": results gone, one run of each configuration gone, the others kept.
            for name in ["results.json", "results.md", "curves.svg", "rmse.svg"] {
                try FileManager.default.removeItem(atPath: out + "/" + name)
            }
            let deleted = files.filter { $0.hasSuffix("-seed2.json") }, kept = files.filter { $0.hasSuffix("-seed1.json") }
            #expect(deleted.count == 2 && kept.count == 2)
            for name in deleted { try FileManager.default.removeItem(atPath: out + "/runs/" + name) }
            let keptTimes = try kept.map { try Self.modified(out + "/runs/" + $0) }
            let keptBytes = kept.map { FileManager.default.contents(atPath: out + "/runs/" + $0) }
            try await Task.sleep(for: .milliseconds(20))
            try await Self.study(data, out: out)
            #expect(try Self.runFiles(out) == files)
            #expect(try kept.map { try Self.modified(out + "/runs/" + $0) } == keptTimes)
            #expect(kept.map { FileManager.default.contents(atPath: out + "/runs/" + $0) } == keptBytes)
            #expect(try Self.figures(out + "/results.json") == before)
        }

        @Test("a changed configuration gets new runs; changed data retrains the existing ones")
        func invalidation() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("s")
            try await Self.study(data, out: out)
            let first = try Self.runFiles(out)
            // Another epoch cap is another configuration as trained: new keys beside the old runs.
            try await Self.study(data, out: out, epochs: "3")
            let both = try Self.runFiles(out)
            #expect(both.count == 8 && Set(first).isSubset(of: Set(both)))
            let three = both.filter { !first.contains($0) }
            let fingerprint = try #require(try jsonFile(out + "/runs/" + three[0])["data"] as? String)
            // New ratings in u.data: the same keys, retrained on the new data.
            try (Fixture.ratingLines(seed: 99).joined(separator: "\n") + "\n")
                .write(toFile: data + "/u.data", atomically: true, encoding: .utf8)
            try await Self.study(data, out: out, epochs: "3")
            #expect(try Self.runFiles(out) == both)
            for name in three {
                let run = try jsonFile(out + "/runs/" + name)
                #expect(run["data"] as? String != fingerprint)
            }
            let results = try jsonFile(out + "/results.json")
            let rows = try #require(results["configurations"] as? [[String: Any]])
            for row in rows {
                for run in row["runs"] as? [[String: Any]] ?? [] { #expect(run["data"] as? String != fingerprint) }
            }
        }

        @Test("keys digest the configuration as trained: a default spelled out shares the key, a changed value does not")
        func canonicalKeys() throws {
            let p = StudyCatalog.deepProtocol
            func key(_ s: [String: JSONValue]) throws -> String {
                try StudyRun.key(settings: StudyTrainer.effectiveSettings(s, protocol: p, epochCap: nil), protocol: p,
                                 epochCap: nil)
            }
            let shallow = StudyCatalog.shallow
            // U-AutoRec's encoder is sigmoid, its decoder identity and its fill zero by default.
            let spelled = StudyCatalog.merged(shallow, ["encoder": .string("sigmoid"), "decoder": .string("identity"),
                                                        "fill": .string("zero")])
            #expect(try key(spelled) == key(shallow))
            #expect(try key(StudyCatalog.merged(shallow, ["encoder": .string("tanh")])) != key(shallow))
            #expect(try key(StudyCatalog.merged(shallow, ["side-information": .bool(true)])) != key(shallow))
            #expect(try key(StudyCatalog.merged(shallow, ["groups": .string("kmeans:4")])) != key(shallow))
            #expect(try StudyRun.key(settings: shallow, protocol: p, epochCap: 5) != key(shallow))
        }

        @Test("studies given one --runs folder train a shared configuration once and label it their own way")
        func sharedRuns() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let runs = folder.file("runs")
            for name in ["gaussian-noise", "dropout-noise"] {
                try await autorec(["study", name, "--data", data, "--seeds", "1", "--epochs", "1", "--out",
                                   folder.file(name), "--runs", runs, "--quiet"])
            }
            // 5 Gaussian levels and 4 masking levels, "no noise" (the shallow recipe) in both: 8 runs.
            let files = try FileManager.default.contentsOfDirectory(atPath: runs).filter { $0.hasSuffix(".json") }
            #expect(files.count == 8)
            func firstRun(_ study: String) throws -> [String: Any] {
                let rows = try #require(try jsonFile(folder.file(study) + "/results.json")["configurations"]
                    as? [[String: Any]])
                return try #require((rows.first?["runs"] as? [[String: Any]])?.first)
            }
            let gaussian = try firstRun("gaussian-noise"), masking = try firstRun("dropout-noise")
            #expect(gaussian["label"] as? String == "no noise" && masking["label"] as? String == "no noise")
            #expect(gaussian["key"] as? String == masking["key"] as? String)
            #expect(gaussian["testRMSE"] as? Double == masking["testRMSE"] as? Double)
        }

        @Test("a suite trains each distinct configuration once, skips a missing given split, writes suite.md")
        func wholeSuite() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("suite")
            let d2l = try #require(StudyCatalog.study(named: "d2l"))
            // A second study holding d2l's I-AutoRec under another label and spelling, and one more model.
            let book = d2l.configurations[0].settings
            let other = Study(name: "other", source: "test", varies: "test", split: d2l.split, configurations: [
                Study.Configuration("the recipe again", StudyCatalog.merged(book, ["decoder": .string("identity")])),
                Study.Configuration("10 units", StudyCatalog.merged(book, ["hidden-units": .integer(10)])),
            ])
            var u9 = other
            u9.name = "u9"
            u9.split.given = "u9"
            let command = try StudyCommand.parse(["all", "--data", data, "--seeds", "1", "--epochs", "1", "--out", out])
            Console.quiet = true
            let options = try DataOptions.parse(["--data", data])
            try command.runSuite([d2l, other, u9], data: options,
                                 fingerprint: try StudyRun.fingerprint(of: try options.resolvedPath()))
            let suite = try String(contentsOfFile: out + "/suite.md", encoding: .utf8)
            #expect(suite.contains("| d2l | 2 | 2 | 0 |"))
            #expect(suite.contains("| other | 2 | 1 | 1 |"))
            #expect(suite.contains("| u9 | skipped: "))
            #expect(!FileManager.default.fileExists(atPath: out + "/u9"))
            let files = try FileManager.default.contentsOfDirectory(atPath: out + "/runs").filter { $0.hasSuffix(".json") }
            #expect(files.count == 3)
            let rows = try #require(try jsonFile(out + "/other/results.json")["configurations"] as? [[String: Any]])
            #expect((rows.first?["runs"] as? [[String: Any]])?.first?["label"] as? String == "the recipe again")
        }

        @Test("a diverged run is recorded as failed and left out; the study's other runs still finish")
        func divergedRun() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("studies")
            let d2l = try #require(StudyCatalog.study(named: "d2l"))
            let book = d2l.configurations[0].settings
            let study = Study(name: "wild", source: "test", varies: "test", split: d2l.split, configurations: [
                Study.Configuration("far too fast", StudyCatalog.merged(book, [
                    "learning-rate": .number(1000), "encoder": .string("identity"), "code-dropout": .number(0),
                ])),
                Study.Configuration("the recipe", book),
            ])
            let command = try StudyCommand.parse(["all", "--data", data, "--seeds", "1", "--epochs", "2", "--out", out])
            Console.quiet = true
            let options = try DataOptions.parse(["--data", data])
            try command.runSuite([study], data: options,
                                 fingerprint: try StudyRun.fingerprint(of: try options.resolvedPath()))
            let results = try jsonFile(out + "/wild/results.json")
            let failures = try #require(results["failures"] as? [String])
            #expect(failures.count == 1 && failures[0].hasPrefix("seed 1, far too fast:"))
            let rows = try #require(results["configurations"] as? [[String: Any]])
            #expect((rows[0]["runs"] as? [Any])?.count == 0 && (rows[1]["runs"] as? [Any])?.count == 1)
            let markdown = try String(contentsOfFile: out + "/wild/results.md", encoding: .utf8)
            #expect(markdown.contains("Runs that failed") && markdown.contains("- seed 1, far too fast:"))
        }

        @Test("results.md prints the protocol and each row's Student-t interval; the SVGs hold every configuration")
        func outputs() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("s")
            try await Self.study(data, out: out)
            let md = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
            let study = try #require(StudyCatalog.study(named: "d2l"))
            #expect(md.contains("Protocol: \(study.split.text)"))
            let rows = try #require(try jsonFile(out + "/results.json")["configurations"] as? [[String: Any]])
            #expect(rows.count == study.configurations.count)
            for (row, configuration) in zip(rows, study.configurations) {
                let runs = try #require(row["runs"] as? [[String: Any]])
                #expect(runs.count == 2)
                let interval = ConfidenceInterval(runs.compactMap { $0["testRMSE"] as? Double })
                #expect(interval.halfWidth.isFinite)
                #expect(md.contains("| \(configuration.label) | \(interval.text) |"))
                #expect((runs.first?["configuration"] as? [String: Any])?["epochs"] as? Int == 2)
                // Both models ran their 2 epochs and kept the last (biased MF has no early stopping).
                #expect(runs.allSatisfy { $0["bestEpoch"] as? Int == 2 }, "\(configuration.label)")
            }
            let curves = try SVGInspector(try String(contentsOfFile: out + "/curves.svg", encoding: .utf8))
            // Biased MF has no epochs to plot; I-AutoRec has train curves (no validation in d2l).
            #expect(curves.texts.contains("I-AutoRec, the book's recipe train RMSE"))
            #expect(!curves.texts.contains { $0.hasPrefix("biased MF") })
            let rmse = try SVGInspector(try String(contentsOfFile: out + "/rmse.svg", encoding: .utf8))
            for c in study.configurations { #expect(rmse.texts.contains(c.label)) }
        }

        @Test("validation curves are averaged over the seeds that reached each epoch")
        func meanEpochs() {
            func record(_ e: Int, _ t: Double, _ v: Double?) -> EpochRecord {
                EpochRecord(epoch: e, loss: 0, trainRMSE: t, validationRMSE: v, learningRate: 0, seconds: 0)
            }
            func run(_ epochs: [EpochRecord]) -> StudyRun {
                StudyRun(key: "k", label: "x", seed: 1, data: "d", configuration: [:], model: .null, testRMSE: 1, testMAE: 1,
                         trainRMSE: 1, bestEpoch: 1, epochs: epochs, seconds: 0)
            }
            let row = StudyResults.Row(Study.Configuration("x", [:]),
                                       runs: [run([record(1, 1, 2), record(2, 3, 4)]), run([record(1, 3, 4)])])
            #expect(row.meanEpochs.map(\.trainRMSE) == [2, 3])
            #expect(row.meanEpochs.map(\.validationRMSE) == [3, 4])
        }

        @Test("--list names every study with its protocol; an unknown name is an error listing the known ones")
        func listAndUnknown() async throws {
            let listing = StudyCommand.listing()
            for s in StudyCatalog.all {
                #expect(listing.contains("\(s.name): \(s.varies)\n  protocol: \(s.split.text)"))
            }
            #expect(StudyCatalog.all.count == 12)
            let r = try Executable.run(["study", "nonesuch", "--data", "x"])
            #expect(r.status != 0)
            #expect(r.standardError.contains("unknown study 'nonesuch'; known: \(StudyCommand.known)"))
            #expect(StudyCommand.known.hasSuffix(", all"))
        }

        @Test("every configuration of every study is valid: train options parse and keys differ within a study")
        func catalogue() throws {
            for s in StudyCatalog.all {
                var keys = Set<String>()
                for c in s.configurations {
                    let settings = StudyTrainer.effectiveSettings(c.settings, protocol: s.split, epochCap: nil)
                    keys.insert(try StudyRun.key(settings: settings, protocol: s.split, epochCap: nil))
                    if c.isBiasedMF {
                        _ = try StudyTrainer.biasedMF(settings, seed: 1)
                        continue
                    }
                    var model = settings
                    _ = try StudyTrainer.grouping(model.removeValue(forKey: "groups"))
                    // Parses the options as ModelOptions, which builds and validates the configuration.
                    _ = try ConfigFile.arguments(for: model, path: s.name) { _ in 1 }
                }
                #expect(keys.count == s.configurations.count, "\(s.name): two configurations train the same")
            }
        }
    }
}
