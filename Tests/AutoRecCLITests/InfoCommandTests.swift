import Foundation
import RecMath
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct InfoCommandTests {
        @Test("the rating histogram counts every value, past the short list's 64 too", arguments: [1, 10, 200])
        func histogramCounts(distinct: Int) {
            var rng = SplitMix64(seed: UInt64(distinct))
            let ratings = (0..<5_000).map { _ in Float(rng.next() % UInt64(distinct)) * 0.5 }
            var want = [Float: Int]()
            for r in ratings { want[r, default: 0] += 1 }
            #expect(ratingHistogram(ratings) == want)
        }

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

        @Test("a huge rating is shown, not a trap: in a sniffed file it widens the scale it reads")
        func hugeRating() throws {
            let folder = try TemporaryFolder()
            let path = try folder.write("1\t1\t3\t0\n1\t2\t1e19\t0\n2\t1\t4\t0\n", to: "ratings.tsv")
            let json = try #require(try Executable.json("info", "--data", path, "--json") as? [String: Any])
            #expect(json["scale"] as? String == "3-1e+19 (step 1)")
            #expect(
                json["scaleSource"] as? String
                    == "read from the ratings (pass --scale min:max[:step] to fix it)")
            let histogram = try #require(json["histogram"] as? [String: Int])
            #expect(histogram["1e+19"] == 1)
        }

        @Test("a huge rating in a MovieLens u.data is an error at its line, exit 1")
        func hugeRatingInUData() throws {
            let folder = try TemporaryFolder()
            try FileManager.default.createDirectory(
                atPath: folder.file("r"), withIntermediateDirectories: true)
            try folder.write("1\t1\t3\t0\n1\t2\t1e19\t0\n2\t1\t4\t0\n", to: "r/u.data")
            let run = try Executable.run("info", "--data", folder.file("r"))
            #expect(run.status == 1)
            #expect(
                run.standardError.contains(
                    "r/u.data:2: rating 1e+19 is not on the MovieLens 100K scale 1-5 (step 1)"))
        }

        @Test("--scale fixes the scale info reports and refuses ratings off it")
        func fixedScale() async throws {
            let folder = try TemporaryFolder()
            let path = try folder.write("1\t1\t3\t0\n1\t2\t7\t0\n", to: "ratings.tsv")
            let json = try #require(
                try Executable.json("info", "--data", path, "--scale", "0:10", "--json") as? [String: Any])
            #expect(json["scale"] as? String == "0-10 (step 1)")
            #expect(json["scaleSource"] as? String == "as given with --scale")
            await #expect {
                try await autorec("info", "--data", path, "--scale", "1:5", "--quiet")
            } throws: { error in
                message(for: error) == "\(path):2: rating 7 is not on the --scale scale 1-5"
            }
        }
    }
}
