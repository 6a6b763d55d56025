import AutoRec
import Foundation
import RecData
import RecMath
import Testing

@Suite struct EvaluationReportTests {
    static func report(rmse: Double = 0.9) throws -> EvaluationReport {
        var counts = ColdStartCounts()
        counts.model = 9
        counts.baseline = 1
        counts.newItem = 1
        return EvaluationReport(
            model: "BiasedMF", configuration: try JSONValue(encoding: BiasedMF.Configuration(factors: 7)),
            test: RatingReport(rmse: rmse, mae: 0.7, count: 10, coldStart: counts), seconds: 1.5)
    }

    @Test("the JSON has test.rmse, test.mae, test.count, test.coldStart and seconds")
    func shape() throws {
        let data = try Self.report().jsonData()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let test = try #require(json["test"] as? [String: Any])
        #expect(
            test["rmse"] as? Double == 0.9 && test["mae"] as? Double == 0.7 && test["count"] as? Int == 10)
        let cold = try #require(test["coldStart"] as? [String: Any])
        #expect(
            cold["baseline"] as? Int == 1 && cold["newItem"] as? Int == 1 && cold["excluded"] as? Int == 0)
        #expect(json["seconds"] as? Double == 1.5 && json["model"] as? String == "BiasedMF")
        let configuration = try #require(json["configuration"] as? [String: Any])
        #expect(configuration["factors"] as? Int == 7)
    }

    @Test("write replaces the file atomically and reads back equal; NaN is written as \"nan\"")
    func writeAndRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("autorec-report-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("report.json")
        try Self.report().write(to: url)
        try Self.report(rmse: 0.8).write(to: url)
        let back = try JSONDecoder().decode(EvaluationReport.self, from: Data(contentsOf: url))
        #expect(back == (try Self.report(rmse: 0.8)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.json"])
        let nan = try Self.report(rmse: .nan).jsonData()
        #expect(String(decoding: nan, as: UTF8.self).contains("\"rmse\" : \"nan\""))
        #expect(try EvaluationReport(jsonData: nan).test.rmse.isNaN)
    }

    @Test("writing into a missing folder throws the shared FileWriteError naming the file")
    func missingFolder() throws {
        let url = URL(fileURLWithPath: "/nonexistent-autorec-folder/report.json")
        #expect {
            try Self.report().write(to: url)
        } throws: { error in
            (error as? FileWriteError)?.description.hasPrefix("/nonexistent-autorec-folder/report.json: cannot write: ")
                == true
        }
    }

    @Test("a report written to /dev/null leaves it a character device")
    func devNull() throws {
        try Self.report().write(to: URL(fileURLWithPath: "/dev/null"))
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }
}

@Suite struct CrossValidationTests {
    @Test("mean and population standard deviation of 1, 2, 3 are 2 and sqrt(2/3)")
    func summary() {
        let s = MetricSummary([1, 2, 3])
        #expect(s.mean == 2 && abs(s.standardDeviation - (2.0 / 3).squareRoot()) < 1e-12)
    }

    @Test("each fold gets a fresh model, its report equals a direct evaluation")
    func folds() throws {
        let data = BaselineFixtures.generated(users: 15, items: 10, density: 0.8, seed: 13)
        let table = data.train
        let folds = (0..<3).map { f in
            (
                train: table.selecting((0..<table.count).filter { $0 % 3 != f }),
                test: table.selecting((0..<table.count).filter { $0 % 3 == f })
            )
        }
        var made: [Int] = []
        let cv = try Evaluator().crossValidate(folds: folds) { f in
            made.append(f)
            return BaselinePredictor()
        }
        #expect(made == [0, 1, 2] && cv.folds.count == 3 && cv.seconds.count == 3)
        for (f, fold) in folds.enumerated() {
            var model = BaselinePredictor()
            try model.fit(fold.train, validation: nil)
            #expect(cv.folds[f] == (try Evaluator().evaluate(model, train: fold.train, test: fold.test)))
        }
        #expect(cv.rmse == MetricSummary(cv.folds.map(\.rmse)))
    }

    @Test("RecData's KFold splits give the same report as their (train, test) pairs")
    func kFold() throws {
        let table = BaselineFixtures.generated(users: 15, items: 10, density: 0.8, seed: 14).train
        var rng = SplitMix64(seed: 1)
        let folds = try KFold(table, folds: 3, using: &rng)
        let splits = (0..<3).map { folds.split(table, fold: $0) }
        let bySplits = try Evaluator().crossValidate(splits: splits) { _ in BaselinePredictor() }
        let byPairs = try Evaluator().crossValidate(folds: splits.map { ($0.train, $0.test) }) { _ in
            BaselinePredictor()
        }
        #expect(bySplits.folds == byPairs.folds && bySplits.folds.map(\.count).reduce(0, +) == table.count)
    }
}

@Suite struct FitAndEvaluateTests {
    @Test("fitAndEvaluate fits once and reports test, validation and ranking like the separate calls")
    func matchesSeparateCalls() throws {
        let data = BaselineFixtures.generated(users: 20, items: 12, density: 0.7, testShare: 0.3, seed: 17)
        let configuration = BaselinePredictor.Configuration(method: .sgd)
        var model = BaselinePredictor(configuration: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        // Two threads for both rankings: the same chunks, so the same sums to the last bit.
        let report = try Parallelism.withThreads(2) {
            try Evaluator().fitAndEvaluate(
                &model, name: "BaselinePredictor", configuration: configuration, train: data.train,
                validation: data.test, test: data.test, rankingCutoff: 3, relevanceThreshold: 3)
        }
        let elapsed = (clock.now - start).components
        let direct = try Evaluator().evaluate(model, train: data.train, test: data.test)
        #expect(report.test == direct && report.validation == direct)
        let ranking = try #require(report.ranking)
        let again = Parallelism.withThreads(2) {
            RankingMetrics.evaluate(model, train: data.train, test: data.test, k: 3, relevanceThreshold: 3)
        }
        #expect(ranking == again && ranking.users > 0)
        #expect(report.configuration == (try JSONValue(encoding: configuration)))
        // The reported time is the call's own: positive, and within what the caller measured.
        let callerSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        #expect(report.seconds > 0 && report.seconds <= callerSeconds)
        #expect(model.userBiases.contains { $0 != 0 })
    }
}
