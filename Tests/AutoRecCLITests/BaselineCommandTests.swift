import Foundation
import RecTestSupport
import Testing

@testable import autorec

extension CLI {
    @Suite struct BaselineCommandTests {
        /// Runs `autorec arguments...` in process; returns the wall-clock seconds the caller saw.
        func timedRun(_ arguments: String...) async throws -> Double {
            let clock = ContinuousClock()
            let start = clock.now
            try await autorec(arguments)
            let elapsed = (clock.now - start).components
            return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        }

        /// Checks the fields every rating report has and returns its `test` part. The reported
        /// `seconds` must be positive and no more than `elapsed`, the time the whole run took.
        func checkedTest(_ report: [String: Any], elapsed: Double) throws -> [String: Any] {
            let test = try #require(report["test"] as? [String: Any])
            let rmse = try #require(test["rmse"] as? Double), mae = try #require(test["mae"] as? Double)
            #expect(rmse > 0 && rmse < 4 && mae > 0 && mae <= rmse)
            let cold = try #require(test["coldStart"] as? [String: Int])
            let count = try #require(test["count"] as? Int)
            #expect((cold["model"] ?? -1) + (cold["baseline"] ?? -1) + (cold["constant"] ?? -1) == count)
            let seconds = try #require(report["seconds"] as? Double)
            #expect(seconds > 0 && seconds <= elapsed, "reported \(seconds) s of a \(elapsed) s run")
            return test
        }

        @Test("baseline --split kfold --folds 3 reports the mean over three folds covering every rating")
        func kFold() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let path = folder.file("kfold.json")
            let elapsed = try await timedRun(
                "baseline", "--data", data, "--split", "kfold", "--folds", "3", "--report", path,
                "--quiet")
            let report = try jsonFile(path)
            let test = try checkedTest(report, elapsed: elapsed)
            #expect(test["count"] as? Int == Fixture.users * Fixture.perUser)
            let folds = try #require(report["folds"] as? [[String: Any]])
            #expect(folds.count == 3)
            // The summary's time is the sum of the folds' times.
            let foldSeconds = try folds.map { try #require($0["seconds"] as? Double) }
            #expect(foldSeconds.allSatisfy { $0 > 0 })
            #expect(abs(foldSeconds.reduce(0, +) - (report["seconds"] as? Double ?? -1)) < 1e-9)
            let foldRMSE = try folds.map { try #require(($0["test"] as? [String: Any])?["rmse"] as? Double) }
            let mean = foldRMSE.reduce(0, +) / 3
            #expect(abs(mean - (test["rmse"] as? Double ?? 0)) < 1e-12)
            #expect(report["rmseStandardDeviation"] is Double)
        }

        @Test(
            "baseline --split random holds out the test fraction",
            arguments: ["global-mean", "baseline", "biased-mf"])
        func randomSplit(model: String) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let path = folder.file("random.json")
            let elapsed = try await timedRun(
                "baseline", "--data", data, "--model", model, "--split", "random", "--test-fraction",
                "0.2", "--factors", "4", "--report", path, "--quiet")
            let report = try jsonFile(path)
            let test = try checkedTest(report, elapsed: elapsed)
            #expect(test["count"] as? Int == 60)
        }

        @Test(
            "--cold-start decides what happens to test ratings of a user or item unseen in training",
            arguments: [("baseline", "baseline"), ("exclude", "excluded"), ("3", "constant")])
        func coldStart(policy: String, path key: String) async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            let testFile = try Fixture.givenTest(in: folder, known: 6, newUser: 3, newItem: 2)
            let path = folder.file("cold.json")
            let elapsed = try await timedRun(
                "baseline", "--data", data, "--split", "given", "--test", testFile, "--cold-start", policy,
                "--report", path, "--quiet")
            let test = try checkedTest(try jsonFile(path), elapsed: elapsed)
            let cold = try #require(test["coldStart"] as? [String: Int])
            #expect(cold["model"] == 6)
            #expect(cold["newUser"] == 3 && cold["newItem"] == 2 && cold["newUserAndItem"] == 0)
            for other in ["baseline", "excluded", "constant"] {
                #expect(cold[other] == (other == key ? 5 : 0), "\(other)")
            }
            #expect(test["count"] as? Int == (key == "excluded" ? 6 : 11))
        }

        @Test("a constant cold-start prediction of 5 is worse than one of 3 on low ratings")
        func constantValueMatters() async throws {
            let folder = try TemporaryFolder()
            let data = try Fixture.movieLens100K(in: folder)
            // Unseen user 31 rates 4 and unseen item 21 gets 2: a constant 3 is off by 1 on each, 5 by 1 and 3.
            let testFile = try Fixture.givenTest(in: folder, known: 0, newUser: 1, newItem: 1)
            var rmse = [Double]()
            for constant in ["3", "5"] {
                let path = folder.file("c\(constant).json")
                try await autorec(
                    "baseline", "--data", data, "--split", "given", "--test", testFile, "--cold-start",
                    constant, "--no-clip", "--report", path, "--quiet")
                rmse.append(try #require((try jsonFile(path)["test"] as? [String: Any])?["rmse"] as? Double))
            }
            #expect(abs(rmse[0] - 1) < 1e-6)
            #expect(abs(rmse[1] - (5.0).squareRoot()) < 1e-6)
        }
    }
}
