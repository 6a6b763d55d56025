import AutoRec
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct RankCommandTests {
        @Test(
            "rank selects lambda on validation NDCG and reports the protocol, the test metrics and intervals")
        func report() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let path = folder.file("rank.json")
            try await autorec(
                "rank", "--data", data, "--protocol", "recbole", "--positive", "0", "--min-user-interactions",
                "5",
                "--min-item-interactions", "5", "--model", "ease", "--lambda", "1", "--lambda", "50",
                "--report", path, "--quiet")
            let r = try jsonFile(path)
            #expect(r["protocol"] as? String == "recbole" && r["model"] as? String == "ease")
            let parameters = try #require(r["parameters"] as? [String])
            #expect(
                parameters.contains("positive=every rating") && parameters.contains("min-user-interactions=5")
            )
            let candidates = try #require(r["candidates"] as? [[String: Any]])
            #expect(candidates.count == 2)
            let ndcg = try candidates.map {
                try #require(
                    (($0["validation"] as? [String: Any])?["ndcg"] as? [String: Any])?["mean"] as? Double)
            }
            let best = ndcg[1] > ndcg[0] ? "lambda=50" : "lambda=1"
            #expect(r["chosen"] as? String == best)
            let test = try #require(r["test"] as? [String: Any])
            #expect(test["users"] as? Int == Fixture.users)
            let recall = try #require(test["recall"] as? [String: Double])
            #expect(
                (recall["mean"] ?? -1) >= 0 && (recall["mean"] ?? 2) <= 1 && (recall["halfWidth"] ?? -1) >= 0)
        }

        @Test("--also-at reports the chosen model at more cut-offs, equal to a run at that cut-off")
        func alsoAt() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let common = [
                "rank", "--data", data, "--protocol", "recbole", "--positive", "0", "--min-user-interactions", "5",
                "--min-item-interactions", "5", "--model", "item-knn", "--neighbours", "5", "--quiet",
            ]
            try await autorec(common + ["--cutoff", "10", "--also-at", "3", "--also-at", "7", "--report", folder.file("a.json")])
            try await autorec(common + ["--cutoff", "3", "--report", folder.file("b.json")])
            let a = try jsonFile(folder.file("a.json"))
            let b = try jsonFile(folder.file("b.json"))
            let testAt = try #require(a["testAt"] as? [[String: Any]])
            let validationAt = try #require(a["validationAt"] as? [[String: Any]])
            #expect(testAt.map { $0["k"] as? Int } == [3, 7] && validationAt.map { $0["k"] as? Int } == [3, 7])
            #expect((a["test"] as? [String: Any])?["k"] as? Int == 10)
            let direct = try #require(b["test"] as? [String: Any])
            for metric in ["recall", "ndcg", "mrr", "hitRate", "map"] {
                let x = try #require((testAt[0][metric] as? [String: Double])?["mean"])
                let y = try #require((direct[metric] as? [String: Double])?["mean"])
                #expect(x == y, "\(metric)")
            }
            let recall3 = try #require((testAt[0]["recall"] as? [String: Double])?["mean"])
            let recall7 = try #require((testAt[1]["recall"] as? [String: Double])?["mean"])
            #expect(recall3 <= recall7 && recall7 > 0)
            await #expect {
                try await autorec(common + ["--also-at", "0"])
            } throws: { error in
                message(for: error).contains("--also-at must be at least 1")
            }
        }

        @Test("a protocol that cannot split the data says why")
        func tooFewUsers() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            await #expect {
                try await autorec(
                    "rank", "--data", data, "--protocol", "strong", "--held-out-users", "20", "--quiet")
            } throws: { error in
                message(for: error).contains("too little data")
            }
        }

        @Test(
            "rank trains an autoencoder with early stopping, selects --l2 on validation and reports epochs",
            arguments: ["mult-vae", "cdae"])
        func autoencoder(model: String) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let path = folder.file("rank.json")
            try await autorec(
                "rank", "--data", data, "--protocol", "recbole", "--positive", "0", "--min-user-interactions",
                "5", "--min-item-interactions", "5", "--model", model, "--hidden",
                model == "cdae" ? "4" : "8,4",
                "--epochs", "3", "--patience", "3", "--batch-size", "16", "--l2", "0", "--l2", "0.01",
                "--report", path, "--quiet")
            let r = try jsonFile(path)
            let candidates = try #require(r["candidates"] as? [[String: Any]])
            #expect(candidates.count == 2)
            for c in candidates { #expect((c["epochs"] as? [[String: Any]])?.count == 3) }
            #expect((r["chosen"] as? String)?.hasPrefix("l2=") == true)
        }

        @Test(
            "out-of-range autoencoder options are refused with the option's name",
            arguments: [["--negatives", "-1"], ["--hidden", "600,0"], ["--dropout", "1"]])
        func badOptions(option: [String]) async throws {
            await #expect {
                try await autorec(["rank", "--data", "x", "--model", "cdae"] + option)
            } throws: { error in
                message(for: error).contains(option[0])
            }
        }

        @Test(
            "rank --save writes a model folder; evaluate --model ranks its test part again with the same figures",
            arguments: ["mult-dae", "cdae", "ease"])
        func saveThenEvaluate(model: String) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let dir = folder.file("saved"), rank = folder.file("rank.json"), evaluated = folder.file("eval.json")
            try await autorec(
                "rank", "--data", data, "--protocol", "recbole", "--positive", "0", "--min-user-interactions", "5",
                "--min-item-interactions", "5", "--model", model, "--hidden", model == "cdae" ? "4" : "8,4",
                "--epochs", "2", "--batch-size", "16", "--lambda", "5", "--report", rank, "--save", dir,
                "--quiet")
            let saved = try SavedTopNModel.load(from: dir)
            #expect(saved.userIDs.count == Fixture.users && saved.description.rankingProtocol?.kind == .recbole)
            #expect(FileManager.default.fileExists(atPath: ModelDirectory(dir).reportPath))
            try await autorec("evaluate", "--model", dir, "--data", data, "--report", evaluated, "--quiet")
            let want = try #require(try jsonFile(rank)["test"] as? [String: Any])
            let got = try #require(try jsonFile(evaluated)["test"] as? [String: Any])
            for metric in ["ndcg", "recall", "mrr", "hitRate"] {
                let a = (want[metric] as? [String: Double])?["mean"], b = (got[metric] as? [String: Double])?["mean"]
                #expect(a != nil && a == b, "\(metric)")
            }
            await #expect {
                try await autorec("evaluate", "--model", dir, "--data", data, "--all", "--quiet")
            } throws: { error in
                message(for: error).contains("--all is for rating models")
            }
        }
    }
}
