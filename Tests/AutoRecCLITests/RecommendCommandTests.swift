import AutoRec
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct RecommendCommandTests {
        /// The recommendations of `autorec recommend arguments... --json`.
        func recommendations(_ arguments: String...) throws -> [(item: String, score: Double, title: String?)]
        {
            let list = try #require(
                try Executable.json(["recommend", "--json"] + arguments) as? [[String: Any]])
            return try list.map {
                (
                    try #require($0["item"] as? String), try #require($0["score"] as? Double),
                    $0["title"] as? String
                )
            }
        }

        @Test("recommend leaves out the items the user rated in training, best first, with titles")
        func excludesRated() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            // User 1 rated the 10 odd item ids in training; asking for 20 gives the 10 others.
            let list = try recommendations("--model", model, "--user", "1", "--count", "20")
            #expect(list.map(\.item).sorted { Int($0)! < Int($1)! } == (1...10).map { "\(2 * $0)" })
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(list.allSatisfy { $0.title == "Film \($0.item) (19\(70 + Int($0.item)!))" })

            let all = try recommendations("--model", model, "--user", "1", "--count", "20", "--include-rated")
            #expect(all.count == 20)
            let top3 = try recommendations("--model", model, "--user", "1", "--count", "3")
            #expect(top3.map(\.item) == list.prefix(3).map(\.item))
        }

        @Test("--candidates ranks only the given items, and an unknown candidate id is an error")
        func candidates() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            // 5 was rated by user 1 in training, so only 2 and 4 remain.
            let list = try recommendations("--model", model, "--user", "1", "--candidates", "2, 4,5")
            #expect(Set(list.map(\.item)) == ["2", "4"])
            await #expect(throws: Recommender.RequestError.unknownItems(["999"])) {
                try await autorec("recommend", "--model", model, "--user", "1", "--candidates", "2,999")
            }
            let failed = try Executable.run(
                "recommend", "--model", model, "--user", "1", "--candidates", "2,999")
            #expect(failed.status != 0)
            #expect(failed.standardError.contains("unknown item id: 999"))
        }

        @Test("an unknown user gets the items with the best baseline score, none left out")
        func unknownUser() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            let list = try recommendations("--model", model, "--user", "99", "--count", "20")
            #expect(list.count == 20)
            let (m, training) = try AutoRecModel.load(from: model)
            let expected = try Recommender(model: m, training: training).recommend(user: "99", count: 20)
            #expect(expected.source == .newUser)
            #expect(list.map(\.item) == expected.items.map(\.item))
        }

        @Test("I-AutoRec scores a new item from ratings given with --new-item --ratings")
        func newItem() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            let ratings = try folder.write("1\t5\n2\t4\n3\t5\n", to: "item.tsv")
            let r = try Executable.run(
                "recommend", "--model", model, "--new-item", "--ratings", ratings, "--count", "4", "--json")
            try #require(r.status == 0, "\(r.standardError)")
            let list = try #require(
                try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [[String: Any]])
            let users = list.compactMap { $0["user"] as? String },
                scores = list.compactMap { $0["rating"] as? Double }
            #expect(users.count == 4 && scores.count == 4)
            #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
            let (m, training) = try AutoRecModel.load(from: model)
            let expected = try Recommender(model: m, training: training)
                .scoreNewItem(ratings: [("1", 5), ("2", 4), ("3", 5)]).users
            let best = try #require(expected.max { $0.rating < $1.rating })
            #expect(Float(scores[0]) == best.rating)
        }

        @Test("U-AutoRec and a deep model fold in a new user's ratings given with --ratings",
              arguments: [["--model", "u-autorec"], ["--model", "deep-autorec", "--layers", "8,4,8"]])
        func foldIn(model options: [String]) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let test = try Fixture.givenTest(in: folder)
            let model = folder.file("model")
            try await autorec(
                ["train", "--data", data, "--split", "given", "--test", test, "--hidden-units", "8", "--epochs", "5",
                 "--patience", "0", "--save", model, "--quiet"] + options)
            let ratings = try folder.write("# a new user\n1\t5\n3,1\n7 4\n", to: "mine.tsv")
            let list = try recommendations("--model", model, "--ratings", ratings, "--count", "5")
            #expect(list.count == 5)
            #expect(Set(list.map(\.item)).isDisjoint(with: ["1", "3", "7"]))
            let (m, training) = try AutoRecModel.load(from: model)
            let expected = try Recommender(model: m, training: training)
                .recommend(foldingIn: [("1", 5), ("3", 1), ("7", 4)], count: 5).items
            #expect(list.map(\.item) == expected.map(\.item))
            #expect(zip(list, expected).allSatisfy { Float($0.score) == $1.score })
        }

        @Test("I-AutoRec cannot fold in a new user, and says what to do instead")
        func noFoldInForItemModel() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            let ratings = try folder.write("1\t5\n", to: "mine.tsv")
            await #expect { try await autorec("recommend", "--model", model, "--ratings", ratings) } throws: {
                message(for: $0).contains("--model u-autorec")
            }
        }

        @Test("a malformed --ratings line is reported with its file and line")
        func badRatingsFile() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder, "--model", "u-autorec")
            let ratings = try folder.write("1\t5\n3\tgood\n", to: "mine.tsv")
            await #expect { try await autorec("recommend", "--model", model, "--ratings", ratings) } throws: {
                message(for: $0).hasPrefix("\(ratings):2: ")
            }
        }

        @Test("fold-in names the ids it ignored on stderr and refuses a rating outside the model's scale")
        func foldInChecks() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder, "--model", "u-autorec")
            let ratings = try folder.write("1\t5\n999\t4\n", to: "mine.tsv")
            let r = try Executable.run("recommend", "--model", model, "--ratings", ratings, "--count", "3")
            try #require(r.status == 0, "\(r.standardError)")
            #expect(r.standardError.contains("warning: ignored 1 item id the model does not know: 999"))
            let bad = try folder.write("1\t5\n3\t10\n", to: "bad.tsv")
            await #expect { try await autorec("recommend", "--model", model, "--ratings", bad) } throws: {
                message(for: $0).contains("the rating 10.0 of 3 is outside the model's rating scale")
            }
            let unknown = try folder.write("998\t5\n999\t4\n", to: "unknown.tsv")
            await #expect { try await autorec("recommend", "--model", model, "--ratings", unknown) } throws: {
                message(for: $0).hasPrefix("none of the 2 rated items is known to the model (998, 999)")
            }
        }

        @Test("a folder saved by rank --save recommends for a known user and folds in a new user's ratings")
        func topNFolder() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let dir = folder.file("vae")
            try await autorec(
                "rank", "--data", data, "--protocol", "recbole", "--positive", "0", "--min-user-interactions", "5",
                "--min-item-interactions", "5", "--model", "mult-vae", "--hidden", "8,4", "--epochs", "2",
                "--batch-size", "16", "--save", dir, "--quiet")
            let saved = try SavedTopNModel.load(from: dir)
            let user1 = try #require(saved.userIDs.index(of: "1"))
            let had = Set(saved.training[Int(user1)].map { saved.itemIDs.rawID($0) })
            let list = try recommendations("--model", dir, "--user", "1", "--count", "5")
            #expect(list.count == 5 && had.isDisjoint(with: list.map(\.item)))
            #expect(list.allSatisfy { $0.title?.hasPrefix("Film ") == true })
            let ratings = try folder.write("2\t5\n4\t5\n", to: "mine.tsv")
            let folded = try recommendations("--model", dir, "--ratings", ratings, "--count", "5")
            #expect(folded.count == 5 && !folded.map(\.item).contains("2") && !folded.map(\.item).contains("4"))
            let printed = try Executable.run("recommend", "--model", dir, "--user", "1", "--count", "3")
            #expect(printed.status == 0 && printed.standardOutput.contains(list[0].item))
            // A truncated weights file: the error names it.
            let weights = ModelDirectory(dir).weightsPath
            let bytes = try #require(FileManager.default.contents(atPath: weights))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: weights))
            await #expect {
                try await autorec("recommend", "--model", dir, "--user", "1")
            } throws: { error in
                message(for: error).hasPrefix(weights + ":")
            }
        }
    }
}
