import Foundation
import RecData
import Testing

/// Inputs on which the rating-file fuzzer (`Fuzz/Sources/FuzzRatingFiles`) once crashed, replayed
/// as the fuzzer feeds them: the first byte picks the file's name (so the format detection takes),
/// the rest is the file. Each read must load or throw a `RatingFileError`, and both must format.
@Suite struct FuzzFindingTests {
    static let names = ["u.data", "ratings.dat", "ratings.csv", "ratings.tsv", "scores.txt"]

    static var findings: [String] {
        let folder = TestFiles.fixture("fuzz-findings")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.sorted().map { "\(folder)/\($0)" }
    }

    @Test("each input that crashed the rating-file fuzzer reads or fails cleanly", arguments: findings)
    func replay(finding: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: finding))
        let choice = Int(try #require(bytes.first))
        let folder = TestFiles.folder()
        let path = "\(folder)/\(Self.names[choice % Self.names.count])"
        #expect(FileManager.default.createFile(atPath: path, contents: bytes.dropFirst()))
        var outcomes = [String]()
        for target in [folder, path] {
            outcomes.append(Self.read(target))
        }
        // Reaching this line is the point (the inputs trapped while formatting a huge rating); each
        // read ends in a table or in the reader's own error, never another kind.
        #expect(outcomes.allSatisfy { !$0.isEmpty && !$0.hasPrefix("unexpected error type") }, "\(outcomes)")
    }

    /// What reading `target` gives: the table's size and scale, or the reader's message.
    static func read(_ target: String) -> String {
        do {
            let loaded = try Dataset.detect(at: target).load()
            return "\(loaded.ratings.count) ratings, scale \(loaded.ratings.scale)"
        } catch {
            return (error as? RatingFileError)?.description ?? "unexpected error type: \(error)"
        }
    }

    @Test("the committed findings are present")
    func present() {
        #expect(Self.findings.count == 9)
    }
}
