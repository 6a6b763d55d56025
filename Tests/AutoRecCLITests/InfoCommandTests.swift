import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct InfoCommandTests {
        @Test("info --json counts the ratings, users and items of a generated folder")
        func countsAsJSON() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let json = try #require(try Executable.json("info", "--data", data, "--json") as? [String: Any])
            #expect(json["ratings"] as? Int == Fixture.users * Fixture.perUser)
            #expect(json["users"] as? Int == Fixture.users)
            #expect(json["items"] as? Int == Fixture.items)
            #expect(json["itemsWithSideInformation"] as? Int == Fixture.items)
            let perItem = try #require(json["ratingsPerItem"] as? [String: Double])
            #expect(perItem["min"] == 15 && perItem["max"] == 15)
            let perUser = try #require(json["ratingsPerUser"] as? [String: Double])
            #expect(perUser["min"] == 10 && perUser["max"] == 10)
            let histogram = try #require(json["histogram"] as? [String: Int])
            #expect(histogram.values.reduce(0, +) == Fixture.users * Fixture.perUser)
            let density = try #require(json["density"] as? Double)
            #expect(abs(density - 0.5) < 1e-12)
        }

        @Test("info runs in process on a single rating file")
        func singleFile() async throws {
            let folder = try TemporaryFolder()
            let path = try folder.write(
                Fixture.ratingLines().joined(separator: "\n") + "\n", to: "ratings.tsv")
            try await autorec("info", "--data", path, "--quiet")
        }
    }
}
