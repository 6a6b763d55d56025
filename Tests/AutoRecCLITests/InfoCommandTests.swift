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

        @Test("info on a single rating file names the sniffed layout and counts its ratings")
        func singleFile() async throws {
            let folder = try TemporaryFolder()
            let lines = Fixture.ratingLines()
            let path = try folder.write(lines.joined(separator: "\n") + "\n", to: "ratings.tsv")
            let json = try #require(try Executable.json("info", "--data", path, "--json") as? [String: Any])
            #expect(
                json["format"] as? String
                    == "rating file (ratings.tsv, MovieLens 100K layout, user\\titem\\trating\\ttimestamp)")
            #expect(json["ratings"] as? Int == lines.count)
            #expect(json["users"] as? Int == Fixture.users && json["items"] as? Int == Fixture.items)
            let ratings = lines.map { Double($0.split(separator: "\t")[2]) ?? .nan }
            let mean = try #require(json["meanRating"] as? Double)
            #expect(abs(mean - ratings.reduce(0, +) / Double(ratings.count)) < 1e-6)
            let histogram = try #require(json["histogram"] as? [String: Int])
            for value in 1...5 {
                #expect(histogram["\(value)", default: 0] == ratings.filter { $0 == Double(value) }.count)
            }
            #expect(json["itemsWithSideInformation"] == nil)
        }
    }
}
