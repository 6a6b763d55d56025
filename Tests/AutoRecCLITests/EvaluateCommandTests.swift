import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct EvaluateCommandTests {
        @Test("evaluate --all scores every rating of a file with the saved model")
        func evaluateAll() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            let path = folder.file("all.json")
            try await autorec(
                "evaluate", "--model", model, "--data", folder.file("ml"), "--all", "--report", path,
                "--quiet")
            let test = try #require(try jsonFile(path)["test"] as? [String: Any])
            #expect(test["count"] as? Int == Fixture.users * Fixture.perUser)
            #expect((test["coldStart"] as? [String: Int])?["model"] == Fixture.users * Fixture.perUser)
        }

        @Test(
            "evaluate on given files applies the cold-start policy and adds ranking metrics with --ranking-k")
        func givenFilesWithRanking() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            let test = try Fixture.givenTest(in: folder, known: 6, newUser: 2)
            let path = folder.file("given.json")
            try await autorec(
                "evaluate", "--model", model, "--data", folder.file("ml"), "--split", "given", "--test", test,
                "--cold-start", "exclude", "--ranking-k", "5", "--relevance-threshold", "1", "--report", path,
                "--quiet")
            let report = try jsonFile(path)
            let part = try #require(report["test"] as? [String: Any])
            #expect(part["count"] as? Int == 6)
            let cold = try #require(part["coldStart"] as? [String: Int])
            #expect(cold["excluded"] == 2 && cold["newUser"] == 2 && cold["model"] == 6)
            let ranking = try #require(report["ranking"] as? [String: Any])
            #expect(ranking["k"] as? Int == 5)
            // Ranking averages over every test user with a relevant item, the unseen one too:
            // --cold-start applies to the rating metrics only.
            #expect(ranking["users"] as? Int == 7)
        }

        @Test("evaluate refuses --split kfold")
        func noKFold() throws {
            #expect {
                try AutoRecCommand.parseAsRoot([
                    "evaluate", "--model", "m", "--data", "x", "--split", "kfold",
                ])
            } throws: {
                message(for: $0).contains("evaluate takes one split")
            }
        }
    }
}
