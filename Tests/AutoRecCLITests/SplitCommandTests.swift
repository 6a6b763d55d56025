import Foundation
import RecData
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct SplitCommandTests {
        @Test("split writes disjoint parts whose union is the input, the same for the same seed")
        func writesParts() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let a = folder.file("a"), b = folder.file("b")
            for out in [a, b] {
                try await autorec("split", "--data", data, "--out", out, "--validation-fraction", "0.2", "--seed", "5",
                                  "--quiet")
            }
            let layout = try #require(RatingFileFormat.ml100k.presetLayout)
            func lines(_ path: String) throws -> [String] {
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            }
            let parts = try ["train", "validation", "test"].map { try lines("\(a)/\($0).tsv") }
            #expect(parts.map(\.count) == [216, 54, 30])
            let all = Set(parts.flatMap { $0 })
            #expect(all.count == 300)
            #expect(all == Set(try lines(data + "/u.data")))
            #expect(try lines("\(a)/test.tsv") == lines("\(b)/test.tsv"))
            let test = try RatingReader.read(path: "\(a)/test.tsv", layout: layout)
            #expect(test.count == 30)
        }

        @Test("k-fold split writes one folder per fold, each rating in exactly one test part")
        func folds() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("cv")
            try await autorec("split", "--data", data, "--out", out, "--split", "kfold", "--folds", "3",
                              "--output-format", "ml-latest", "--quiet")
            var tests = [String]()
            for f in 1...3 {
                let text = try String(contentsOfFile: "\(out)/fold-\(f)/test.csv", encoding: .utf8)
                let rows = text.split(separator: "\n").dropFirst().map(String.init)
                #expect(text.hasPrefix("userId,movieId,rating,timestamp"))
                tests += rows
            }
            #expect(tests.count == 300 && Set(tests).count == 300)
        }

        @Test("splitting again into the same folder replaces it whole: no part of the earlier split stays")
        func replacesEarlierSplit() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let out = folder.file("parts")
            try await autorec("split", "--data", data, "--out", out, "--validation-fraction", "0.2", "--quiet")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted()
                    == ["test.tsv", "train.tsv", "validation.tsv"])
            try await autorec("split", "--data", data, "--out", out, "--seed", "9", "--quiet")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["test.tsv", "train.tsv"])
            try await autorec("split", "--data", data, "--out", out, "--split", "kfold", "--folds", "2", "--quiet")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["fold-1", "fold-2"])
            #expect(try folder.contents() == ["ml", "parts"])
        }

        @Test("a folder that does not hold a split is never replaced")
        func refusesOtherFolder() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            await #expect {
                try await autorec("split", "--data", data, "--out", data, "--quiet")
            } throws: { error in
                message(for: error) == "\(data): cannot write: the folder exists and holds no train, validation or "
                    + "test part or fold-N folder of an earlier split; refusing to replace it (choose a new path)"
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: data).sorted() == ["u.data", "u.item"])
        }
    }
}
