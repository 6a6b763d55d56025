import ArgumentParser
import Foundation
import RecData
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct DataOptionsTests {
        @Test(
            "--scale is checked before anything is read",
            arguments: [
                ("5:1", "--scale '5:1': the minimum 5 must be below the maximum 1"),
                ("1:inf", "--scale '1:inf': the bounds must be finite numbers, not 1 and inf"),
                ("1:5:0", "--scale '1:5:0' is not min:max or min:max:step with a positive step"),
                ("stars", "--scale 'stars' is not min:max or min:max:step with a positive step"),
            ])
        func invalidScale(text: String, expected: String) throws {
            #expect {
                try AutoRecCommand.parseAsRoot(["info", "--data", "x", "--scale", text])
            } throws: { error in
                message(for: error).contains(expected)
            }
        }

        @Test("a valid --scale reaches the data set")
        func scaleReachesDataset() throws {
            let folder = try TemporaryFolder()
            let path = try folder.write("1\t1\t3\t0\n", to: "ratings.tsv")
            let options = try DataOptions.parse(["--data", path, "--scale", "0.5:5:0.5"])
            #expect(try options.dataset().knownScale == .fixed(.halfStars))
            #expect(try DataOptions.parse(["--data", path]).dataset().knownScale == nil)
        }

        @Test("reading a file whose scale is inferred says so on stderr")
        func inferredScaleSaid() throws {
            let folder = try TemporaryFolder()
            let path = try folder.write(
                Fixture.ratingLines().joined(separator: "\n") + "\n", to: "ratings.tsv")
            let run = try Executable.run("split", "--data", path, "--out", folder.file("parts"))
            #expect(run.status == 0)
            #expect(
                run.standardError.contains(
                    "rating scale 1-5 (step 1), read from the ratings (pass --scale min:max[:step] to fix it)"
                ))
        }
    }
}
