import AutoRec
import Foundation
import RecData
import Testing

/// Predicts one fixed value; records nothing (fit is a no-op).
struct FixedModel: RatingModel {
    var value: Float
    mutating func fit(_ train: RatingTable, validation: RatingTable?) throws {}
    func predict(user: Int32, item: Int32) -> Float { value }
}

/// Prefers lower item indices (5 − i); says it trained on its validation ratings when `refits` is set.
struct RefitModel: RatingModel {
    var refits: Bool
    var trainedOnValidation: Bool { refits }
    mutating func fit(_ train: RatingTable, validation: RatingTable?) throws {}
    func predict(user: Int32, item: Int32) -> Float { 5 - Float(item) }
}

@Suite struct EvaluatorTests {
    // Users 0, 1 and items 0, 1 have training ratings; user 2 and item 2 only appear in the test.
    static let train = BaselineFixtures.table(
        [(0, 0, 5), (0, 1, 3), (1, 0, 4), (1, 1, 2)], users: 3, items: 3)
    // Warm (0, 0); new user (2, 0); new item (0, 2), (1, 2); both new (2, 2).
    static let test = BaselineFixtures.table(
        [(0, 0, 4), (2, 0, 5), (0, 2, 1), (1, 2, 3), (2, 2, 2)], users: 3, items: 3)

    @Test("the baseline policy scores cold ratings with r̄ + b_i, r̄ + b_u, r̄")
    func baselinePolicy() throws {
        let (p, report) = try Evaluator().predictions(
            FixedModel(value: 4.5), train: Self.train, test: Self.test)
        var base = BaselinePredictor()
        try base.fit(Self.train, validation: nil)
        #expect(p[0] == 4.5)
        #expect(p[1] == base.mean + base.itemBiases[0])
        #expect(p[2] == base.mean + base.userBiases[0])
        #expect(p[3] == base.mean + base.userBiases[1])
        #expect(p[4] == base.mean)
        var want = ColdStartCounts()
        want.model = 1
        want.baseline = 4
        want.newUser = 1
        want.newItem = 2
        want.newUserAndItem = 1
        #expect(report.coldStart == want && report.count == 5)
        #expect(abs(report.rmse - RatingMetrics.rmse(predictions: p, ratings: Self.test.ratings)) < 1e-12)
    }

    @Test("the constant policy scores cold ratings with the constant")
    func constantPolicy() throws {
        let (p, report) = try Evaluator(coldStart: .constant(3)).predictions(
            FixedModel(value: 4.5), train: Self.train, test: Self.test)
        #expect(p == [4.5, 3, 3, 3, 3])
        #expect(
            report.coldStart.constant == 4 && report.coldStart.model == 1 && report.coldStart.baseline == 0)
        // errors 0.5, −2, 2, 0, 1 → RMSE sqrt(9.25/5), MAE 5.5/5.
        #expect(abs(report.rmse - (9.25 / 5).squareRoot()) < 1e-12 && abs(report.mae - 1.1) < 1e-12)
    }

    @Test("the exclude policy leaves cold ratings out and counts them")
    func excludePolicy() throws {
        let (p, report) = try Evaluator(coldStart: .exclude).predictions(
            FixedModel(value: 4.5), train: Self.train, test: Self.test)
        #expect(p[0] == 4.5 && p[1...].allSatisfy(\.isNaN))
        #expect(report.count == 1 && report.coldStart.excluded == 4 && report.coldStart.newItem == 2)
        #expect(abs(report.rmse - 0.5) < 1e-12)
    }

    @Test("predictions are clipped to the training scale unless clipping is off")
    func clipping() throws {
        let warm = BaselineFixtures.table([(0, 0, 4), (1, 1, 2)], users: 3, items: 3)
        let on = try Evaluator().evaluate(FixedModel(value: 7), train: Self.train, test: warm)
        let off = try Evaluator(clip: false).evaluate(FixedModel(value: 7), train: Self.train, test: warm)
        // Clipped to 5: errors 1, 3. Unclipped: 3, 5.
        #expect(abs(on.rmse - 5.0.squareRoot()) < 1e-12 && abs(on.mae - 2) < 1e-12)
        #expect(abs(off.rmse - 17.0.squareRoot()) < 1e-12)
    }

    @Test("with no cold ratings the baseline is never needed, even for an empty training set")
    func noColdRatings() throws {
        let empty = BaselineFixtures.table([], users: 1, items: 1)
        let warm = BaselineFixtures.table([(0, 0, 4)], users: 1, items: 1)
        let plan = try Evaluator().coldStartPlan(train: warm, test: warm)
        #expect(plan.warmRows == [0] && plan.counts.model == 1 && plan.counts.baseline == 0)
        // An empty training table makes the one test rating cold; the baseline cannot be fitted.
        #expect(throws: TrainingError.emptyTrainingSet(model: "BaselinePredictor")) {
            try Evaluator().coldStartPlan(train: empty, test: warm)
        }
    }

    @Test("an empty test part, or one whose every rating is excluded, is an error, not a NaN figure")
    func nothingToScore() throws {
        let empty = BaselineFixtures.table([], users: 3, items: 3)
        #expect(throws: EvaluationError.noRatings) {
            try Evaluator().evaluate(FixedModel(value: 3), train: Self.train, test: empty)
        }
        let cold = BaselineFixtures.table([(2, 0, 5), (0, 2, 1)], users: 3, items: 3)
        let error = #expect(throws: EvaluationError.allExcluded(2)) {
            try Evaluator(coldStart: .exclude).evaluate(FixedModel(value: 3), train: Self.train, test: cold)
        }
        #expect(error?.description.contains("--cold-start baseline") == true)
        var model = FixedModel(value: 3)
        #expect(throws: EvaluationError.noRatings) {
            try Evaluator().fitAndEvaluate(&model, name: "fixed", configuration: [String: Int](),
                                           train: Self.train, test: empty)
        }
    }

    @Test("after a refit, evaluation counts the validation ratings as training ratings")
    func refitEvaluation() throws {
        // User 2 is rated only in validation; its test rating is cold unless the model refit on validation.
        let validation = BaselineFixtures.table([(2, 0, 4)], users: 3, items: 3)
        let test = BaselineFixtures.table([(2, 1, 5)], users: 3, items: 3)
        for refit in [false, true] {
            var model = RefitModel(refits: refit)
            let report = try Evaluator().fitAndEvaluate(
                &model, name: "refit", configuration: [String: Int](), train: Self.train,
                validation: validation, test: test, rankingCutoff: 1)
            #expect(report.test.coldStart.newUser == (refit ? 0 : 1), "refit \(refit)")
            #expect((report.validation == nil) == refit, "refit \(refit)")
            // The model ranks item 0 first; after the refit user 2 has rated it (in validation), so it is
            // left out and the relevant item 1 leads the list.
            #expect(report.ranking?.hitRate == (refit ? 1 : 0), "refit \(refit)")
        }
    }

    @Test("cold-start policies round-trip through JSON as \"baseline\", \"exclude\", {\"constant\": 3}")
    func policyJSON() throws {
        for (policy, text) in [
            (ColdStartPolicy.baseline, "\"baseline\""), (.exclude, "\"exclude\""),
            (.constant(3), "{\"constant\":3}"),
        ] {
            let data = try JSONEncoder().encode(policy)
            #expect(String(decoding: data, as: UTF8.self) == text)
            #expect(try JSONDecoder().decode(ColdStartPolicy.self, from: data) == policy)
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ColdStartPolicy.self, from: Data("\"mean\"".utf8))
        }
    }
}
