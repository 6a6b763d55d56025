import RecData

/// Scores a fitted model on a test table, applying a cold-start policy and clipping.
///
/// A test rating is *cold* when its user or its item has no rating in the training table (an
/// index outside the training maps counts as never seen). Warm ratings are predicted by the
/// model (one batched ``RatingModel/predict(users:items:)`` call); cold ones follow
/// ``coldStart``. With ``clip`` on, every prediction is clipped to the training table's
/// `RatingScale` before the errors are taken.
public struct Evaluator: Sendable, Equatable {
    /// What to do with cold ratings; default ``ColdStartPolicy/baseline``.
    public var coldStart: ColdStartPolicy
    /// Clip predictions to the training scale; default `true` (Surprise and the AutoRec code do).
    public var clip: Bool
    /// The fallback model's hyperparameters for ``ColdStartPolicy/baseline``; default ALS.
    public var baseline: BaselinePredictor.Configuration

    /// An evaluator.
    ///
    /// - Parameters:
    ///   - coldStart: The cold-start policy (baseline).
    ///   - clip: Clip predictions to the rating scale (true).
    ///   - baseline: Configuration of the fallback ``BaselinePredictor`` (ALS defaults).
    public init(
        coldStart: ColdStartPolicy = .baseline, clip: Bool = true,
        baseline: BaselinePredictor.Configuration = BaselinePredictor.Configuration()
    ) {
        self.coldStart = coldStart
        self.clip = clip
        self.baseline = baseline
    }

    /// Which test ratings the model scores and what the cold-start policy gives the others.
    ///
    /// A rating is warm when its user and its item both have a rating in `train` (an index outside
    /// the training maps counts as never seen); every other rating follows ``coldStart``.
    ///
    /// - Parameters:
    ///   - train: The ratings the model was fitted on (decide which users and items are known;
    ///     give μ, b_u, b_i to the baseline fallback).
    ///   - test: The ratings to score; shares `train`'s id maps.
    /// - Returns: The warm rows, one fallback value per test rating (NaN for warm and excluded
    ///   rows) and the counts of each path.
    /// - Throws: Errors of fitting the baseline fallback (only fitted when a cold rating needs it).
    /// - Complexity: O(test + training ratings).
    public func coldStartPlan(train: RatingTable, test: RatingTable) throws -> ColdStartPlan {
        var knownUser = [Bool](repeating: false, count: train.userCount)
        var knownItem = [Bool](repeating: false, count: train.itemCount)
        for u in train.users { knownUser[Int(u)] = true }
        for i in train.items { knownItem[Int(i)] = true }
        func known(_ table: [Bool], _ x: Int32) -> Bool { x >= 0 && Int(x) < table.count && table[Int(x)] }

        var plan = ColdStartPlan(
            fallback: [Float](repeating: .nan, count: test.count),
            excluded: [Bool](repeating: false, count: test.count))
        var coldRows = [Int]()
        plan.warmRows.reserveCapacity(test.count)
        for k in 0..<test.count {
            switch (known(knownUser, test.users[k]), known(knownItem, test.items[k])) {
            case (true, true): plan.warmRows.append(k); continue
            case (false, true): plan.counts.newUser += 1
            case (true, false): plan.counts.newItem += 1
            case (false, false): plan.counts.newUserAndItem += 1
            }
            coldRows.append(k)
        }
        plan.counts.model = plan.warmRows.count
        guard !coldRows.isEmpty else { return plan }
        switch coldStart {
        case .baseline:
            var fallback = BaselinePredictor(configuration: baseline)
            try fallback.fit(train, validation: nil)
            for k in coldRows { plan.fallback[k] = fallback.predict(user: test.users[k], item: test.items[k]) }
            plan.counts.baseline = coldRows.count
        case let .constant(c):
            for k in coldRows { plan.fallback[k] = c }
            plan.counts.constant = coldRows.count
        case .exclude:
            for k in coldRows { plan.excluded[k] = true }
            plan.counts.excluded = coldRows.count
        }
        return plan
    }

    /// The predictions used for each test rating and the resulting report.
    ///
    /// - Parameters:
    ///   - model: A model fitted on `train`.
    ///   - train: The training ratings (decide which users and items are known; give r̄, b_u, b_i).
    ///   - test: The ratings to score; shares `train`'s id maps.
    /// - Returns: One prediction per test rating (clipped when ``clip`` is on; NaN when excluded)
    ///   and the report.
    /// - Throws: ``EvaluationError`` when `test` is empty or every rating was excluded; errors of
    ///   fitting the baseline fallback (only fitted when a cold rating needs it).
    /// - Complexity: O(test ratings × prediction cost + training ratings).
    public func predictions<Model: RatingModel>(
        _ model: Model, train: RatingTable, test: RatingTable
    ) throws -> (predictions: [Float], report: RatingReport) {
        guard test.count > 0 else { throw EvaluationError.noRatings }
        let plan = try coldStartPlan(train: train, test: test)
        guard plan.counts.excluded < test.count else { throw EvaluationError.allExcluded(test.count) }
        var out = plan.fallback
        let warmRows = plan.warmRows
        let warm = model.predict(
            users: warmRows.map { test.users[$0] }, items: warmRows.map { test.items[$0] })
        for (j, k) in warmRows.enumerated() { out[k] = warm[j] }

        var acc = ErrorAccumulator()
        for k in 0..<test.count where !plan.excluded[k] {
            // A NaN from the model stays NaN (clip would hide it) and makes the metrics NaN.
            if clip && !out[k].isNaN { out[k] = train.scale.clip(out[k]) }
            acc.add(prediction: out[k], rating: test.ratings[k])
        }
        return (out, RatingReport(rmse: acc.rmse, mae: acc.mae, count: acc.count, coldStart: plan.counts))
    }

    /// The report alone (see ``predictions(_:train:test:)``).
    ///
    /// - Parameters:
    ///   - model: A model fitted on `train`.
    ///   - train: The training ratings.
    ///   - test: The ratings to score.
    /// - Returns: RMSE, MAE, count and cold-start counts.
    /// - Throws: Errors of fitting the baseline fallback.
    public func evaluate<Model: RatingModel>(_ model: Model, train: RatingTable, test: RatingTable) throws
        -> RatingReport
    {
        try predictions(model, train: train, test: test).report
    }
}

/// How an ``Evaluator`` scores a test table: the rows the model predicts and the cold-start
/// fallback of the others.
public struct ColdStartPlan: Sendable, Equatable {
    /// Rows (indices into the test table) whose user and item were both seen in training.
    public var warmRows: [Int] = []
    /// Per test row, the fallback prediction of a cold rating; NaN for warm and excluded rows.
    public var fallback: [Float]
    /// How many ratings took each path.
    public var counts = ColdStartCounts()

    /// Per test row, whether it is left out of the metrics (cold, with the `exclude` policy).
    public var excluded: [Bool]
}

/// A test part that gives no figure.
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part has no ratings at all.
    case noRatings
    /// Every one of this many ratings was cold and excluded by the cold-start policy.
    case allExcluded(Int)

    public var description: String {
        switch self {
        case .noRatings:
            "the test part has no ratings, so there is nothing to score "
                + "(help: check the test file or the split's --test-fraction)"
        case let .allExcluded(n):
            "all \(n) test ratings have a user or an item with no training rating and --cold-start exclude "
                + "left them out, so there is nothing to score (help: use --cold-start baseline)"
        }
    }
}
