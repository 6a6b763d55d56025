import AutoRec
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct PredictCommandTests {
        @Test("predict prints the saved model's clipped prediction, or the baseline for an unknown user")
        func predict() async throws {
            let folder = try TemporaryFolder()
            let model = try await Fixture.trainedModel(in: folder)
            let (m, training) = try AutoRecModel.load(from: model)
            let recommender = try Recommender(model: m, training: training)
            for (user, item, source) in [
                ("1", "2", "model"), ("5", "5", "model"), ("99", "2", "baseline: unknown user"),
            ] {
                let json = try #require(
                    try Executable.json("predict", "--model", model, "--user", user, "--item", item, "--json")
                        as? [String: Any])
                let rating = try #require(json["rating"] as? Double)
                #expect(json["source"] as? String == source)
                #expect(json["user"] as? String == user && json["item"] as? String == item)
                #expect(Float(rating) == recommender.predict(user: user, item: item).rating)
                #expect((1...5).contains(rating))
            }
        }

        @Test("predict of a model folder that does not exist fails with the path in the message")
        func missingModel() async throws {
            let folder = try TemporaryFolder()
            let path = folder.file("nothing")
            await #expect {
                try await autorec("predict", "--model", path, "--user", "1", "--item", "1")
            } throws: {
                message(for: $0).contains(path)
            }
        }
    }
}
