import ArgumentParser
import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct ExecutableTests {
        @Test("the built tool exits non-zero and prints file:line: on stderr for a bad rating file")
        func badFile() throws {
            let folder = try TemporaryFolder()
            var lines = Fixture.ratingLines()
            lines[4] = "5\t6\tlots\t881000001"
            let file = try folder.write(lines.joined(separator: "\n") + "\n", to: "ratings.data")
            // The format is given: sniffing a lone file would reject the bad line as an unknown format.
            let r = try Executable.run("info", "--data", file, "--format", "ml-100k")
            #expect(r.status != 0)
            #expect(r.standardError.contains("\(file):5: "))
            #expect(r.standardError.contains("'lots'"))
            #expect(r.standardOutput.isEmpty)
        }

        @Test("autorec --help lists the subcommands")
        func help() throws {
            let r = try Executable.run("--help")
            #expect(r.status == 0)
            for name in ["info", "baseline", "rank", "train", "evaluate", "predict", "recommend"] {
                #expect(r.standardOutput.contains("\n  \(name) "), "\(name)")
            }
        }

        @Test("a report that cannot be written exits with status 1 and the path, without usage text")
        func unwritableReport() throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            for arguments in [["--split", "random"], ["--split", "kfold", "--folds", "2"]] {
                let report = folder.file("missing/report.json")
                let r = try Executable.run(
                    ["baseline", "--data", data, "--report", report, "-q"] + arguments)
                #expect(r.status == 1)
                #expect(r.standardError.hasPrefix("Error: \(report): cannot write: "))
                #expect(!r.standardError.contains("Usage"))
            }
        }

        @Test("an unknown option exits with the usage status and names the option")
        func unknownOption() throws {
            let r = try Executable.run("train", "--data", "x", "--hiden-units", "5")
            #expect(r.status == 64)
            #expect(r.standardError.contains("--hiden-units"))
        }
    }
}
