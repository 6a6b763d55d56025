import AutoRec
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct TuneCommandTests {
        static let search = "l2=1,30 hidden-units=3,6"
        static let quick = ["--epochs", "4", "--patience", "2", "--seed", "3", "--quiet"]

        /// Rewrites the fixture's `u.data` so every rating of the test part that `--seed 3` draws is
        /// flipped to the far end of the scale (1 <-> 5, 3 -> 5): anything that read them would move.
        static func poisonTestPart(of data: String) throws -> Int {
            let split = try SplitOptions.parse([])
            let parts = try split.makeParts(try DataOptions.parse(["--data", data]), seed: 3).parts
            let test = try #require(parts.first?.test)
            var held = Set<String>()
            for r in 0..<test.count {
                held.insert(test.userIDs.rawID(test.users[r]) + "\t" + test.itemIDs.rawID(test.items[r]))
            }
            let lines = Fixture.ratingLines().map { line -> String in
                var f = line.split(separator: "\t").map(String.init)
                guard held.contains(f[0] + "\t" + f[1]) else { return line }
                f[2] = (Int(f[2]) ?? 3) <= 3 ? "5" : "1"
                return f.joined(separator: "\t")
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: data + "/u.data", atomically: true, encoding: .utf8)
            return held.count
        }

        @Test("tune never reads the test part: poisoned test ratings leave every trial and the winner unchanged",
              arguments: [[], ["--folds", "2"]])
        func neverReadsTest(scoring: [String]) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let clean = folder.file("clean"), poisoned = folder.file("poisoned")
            try await autorec(["tune", "--data", data, "--search", Self.search, "--out", clean] + Self.quick + scoring)
            let flipped = try Self.poisonTestPart(of: data)
            #expect(flipped == 30)
            // The same training run on the poisoned data reports another test RMSE: the poison is live.
            let a = folder.file("a.json"), b = folder.file("b.json")
            try await autorec(["train", "--data", data, "--report", a, "--config", clean + "/best.json"] + Self.quick)
            try await autorec(["tune", "--data", data, "--search", Self.search, "--out", poisoned] + Self.quick + scoring)
            let before = try jsonFile(clean + "/trials.json"), after = try jsonFile(poisoned + "/trials.json")
            let trials = try #require(before["trials"] as? [[String: Any]])
            #expect(trials.count == 4)
            func means(_ report: [String: Any]) -> [Double] {
                (report["trials"] as? [[String: Any]] ?? []).compactMap { ($0["interval"] as? [String: Any])?["mean"] as? Double }
            }
            #expect(means(before).count == 4 && means(before) == means(after))
            #expect(before["best"] as? Int == after["best"] as? Int)
            #expect(try String(contentsOfFile: clean + "/best.json", encoding: .utf8)
                    == String(contentsOfFile: poisoned + "/best.json", encoding: .utf8))
            #expect(try String(contentsOfFile: clean + "/trials.md", encoding: .utf8)
                    == String(contentsOfFile: poisoned + "/trials.md", encoding: .utf8))
            // Restore the clean file and train the same winner: the test figures differ.
            try (Fixture.ratingLines().joined(separator: "\n") + "\n").write(toFile: data + "/u.data", atomically: true, encoding: .utf8)
            try await autorec(["train", "--data", data, "--report", b, "--config", clean + "/best.json"] + Self.quick)
            let ta = try #require((try jsonFile(a)["test"] as? [String: Any])?["rmse"] as? Double)
            let tb = try #require((try jsonFile(b)["test"] as? [String: Any])?["rmse"] as? Double)
            #expect(ta != tb)
        }

        @Test("--folds gives a Student-t interval per trial; the winner is the lowest mean and best.json trains")
        func foldsAndWinner() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("t")
            try await autorec(["tune", "--data", data, "--search", "l2=1,100", "--folds", "3", "--out", out,
                               "--hidden-units", "4"] + Self.quick)
            let report = try jsonFile(out + "/trials.json")
            let trials = try #require(report["trials"] as? [[String: Any]])
            #expect(trials.count == 2)
            var means = [Double]()
            for t in trials {
                let folds = try #require(t["folds"] as? [[String: Any]])
                #expect(folds.count == 3)
                let rmse = folds.compactMap { $0["rmse"] as? Double }
                let ci = ConfidenceInterval(rmse)
                let interval = try #require(t["interval"] as? [String: Any])
                let half = try #require(interval["halfWidth"] as? Double), mean = try #require(interval["mean"] as? Double)
                #expect(abs(half - ci.halfWidth) < 1e-12 && abs(mean - ci.mean) < 1e-12, "\(half) \(mean) vs \(ci)")
                #expect(half > 0)
                means.append(ci.mean)
            }
            let best = try #require(report["best"] as? Int)
            #expect(means[best] == means.min())
            let winner = try jsonFile(out + "/best.json")
            #expect(winner["model"] as? String == "i-autorec" && winner["hidden-units"] as? Int == 4)
            #expect(winner["l2"] as? Double == (best == 0 ? 1 : 100))
            let svg = try SVGInspector(try String(contentsOfFile: out + "/trials.svg", encoding: .utf8))
            #expect(svg.texts.contains("l2=1") && svg.texts.contains("l2=100"))
            let md = try String(contentsOfFile: out + "/trials.md", encoding: .utf8)
            #expect(md.contains(" | * |\n") && md.contains("the test part was not used"))
        }

        @Test("--trials N runs N distinct combinations drawn with the seed")
        func randomSearch() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("t")
            try await autorec(["tune", "--data", data, "--search", "l2=1,10,100 hidden-units=2,3", "--trials", "2",
                               "--out", out] + Self.quick)
            let trials = try #require(try jsonFile(out + "/trials.json")["trials"] as? [[String: Any]])
            let labels = trials.compactMap { $0["label"] as? String }
            #expect(labels.count == 2 && Set(labels).count == 2)
        }

        @Test(
            "a bad --search is an error naming the key or the value, before any data is read",
            arguments: [
                ("l2=10 hidden=5", "--search: unknown key 'hidden' (searchable: l2, hidden-units"),
                ("l2=10,abc", "--search: l2=abc: "),
                ("code-dropout=0.2,1.5", "--search: code-dropout=1.5: "),
                ("encoder=sigmoid,bogus", "--search: encoder=bogus: "),
                ("l2", "--search: 'l2' is not KEY=V1,V2,..."),
                ("l2=1 l2=2", "--search: 'l2' is given twice"),
                ("dot-scale=0.5,1", "--search: dot-scale=0.5: --finetune-epochs and --dot-scale need --model glocal-k"),
                ("kernel-penalty=0.01,-1", "--search: kernel-penalty=-1: "),
            ])
        func badSearch(search: String, expected: String) throws {
            #expect {
                try AutoRecCommand.parseAsRoot(["tune", "--data", "/nonexistent", "--search", search])
            } throws: { error in
                message(for: error).hasPrefix(expected)
            }
        }

        @Test("the kernel options are searched: each point sets GLocal-K's λ_s, dot scale and fine-tuning budget")
        func kernelOptions() throws {
            let base = try ModelOptions.parse(["--model", "glocal-k"])
            let space = try SearchSpace("kernel-penalty=0.006,0.013 dot-scale=0.5,1 finetune-epochs=40",
                                        base: base)
            #expect(space.count == 4)
            let point = space.point(3)
            #expect(SearchSpace.text(point) == "kernel-penalty=0.013 dot-scale=1 finetune-epochs=40")
            var o = base
            for (key, value) in point { try o.set(key, value) }
            let c = try o.configuration(seed: 0)
            #expect(c.kernel?.penalty == 0.013 && c.globalKernel?.dotScale == 1 && c.globalKernel?.fineTuneEpochs == 40)
            #expect(c.l2 == (try base.configuration(seed: 0)).l2)
        }

        @Test("every searchable key is a key a configuration file accepts")
        func searchableKeysAreConfigKeys() {
            #expect(SearchSpace.keys.allSatisfy { ConfigFile.keys.contains($0) })
        }
    }
}
