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

    /// The predictions used for each test rating and the resulting report.
    ///
    /// - Parameters:
    ///   - model: A model fitted on `train`.
    ///   - train: The training ratings (decide which users and items are known; give r̄, b_u, b_i).
    ///   - test: The ratings to score; shares `train`'s id maps.
    /// - Returns: One prediction per test rating (clipped when ``clip`` is on; NaN when excluded)
    ///   and the report.
    /// - Throws: Errors of fitting the baseline fallback (only fitted when a cold rating needs it).
    /// - Complexity: O(test ratings × prediction cost + training ratings).
    public func predictions<Model: RatingModel>(
        _ model: Model, train: RatingTable, test: RatingTable
    ) throws -> (predictions: [Float], report: RatingReport) {
        var knownUser = [Bool](repeating: false, count: train.userCount)
        var knownItem = [Bool](repeating: false, count: train.itemCount)
        for u in train.users { knownUser[Int(u)] = true }
        for i in train.items { knownItem[Int(i)] = true }
        func known(_ table: [Bool], _ x: Int32) -> Bool { x >= 0 && Int(x) < table.count && table[Int(x)] }

        var counts = ColdStartCounts()
        var warmRows = [Int]()
        var coldRows = [Int]()
        warmRows.reserveCapacity(test.count)
        for k in 0..<test.count {
            let ku = known(knownUser, test.users[k])
            let ki = known(knownItem, test.items[k])
            switch (ku, ki) {
            case (true, true): warmRows.append(k); continue
            case (false, true): counts.newUser += 1
            case (true, false): counts.newItem += 1
            case (false, false): counts.newUserAndItem += 1
            }
            coldRows.append(k)
        }

        var out = [Float](repeating: .nan, count: test.count)
        let warm = model.predict(
            users: warmRows.map { test.users[$0] }, items: warmRows.map { test.items[$0] })
        for (j, k) in warmRows.enumerated() { out[k] = warm[j] }
        counts.model = warmRows.count

        if !coldRows.isEmpty {
            switch coldStart {
            case .baseline:
                var fallback = BaselinePredictor(configuration: baseline)
                try fallback.fit(train, validation: nil)
                for k in coldRows { out[k] = fallback.predict(user: test.users[k], item: test.items[k]) }
                counts.baseline = coldRows.count
            case let .constant(c):
                for k in coldRows { out[k] = c }
                counts.constant = coldRows.count
            case .exclude:
                counts.excluded = coldRows.count
            }
        }

        var scored = [Bool](repeating: true, count: test.count)
        if case .exclude = coldStart { for k in coldRows { scored[k] = false } }
        var acc = ErrorAccumulator()
        for k in 0..<test.count where scored[k] {
            // A NaN from the model stays NaN (clip would hide it) and makes the metrics NaN.
            if clip && !out[k].isNaN { out[k] = train.scale.clip(out[k]) }
            acc.add(prediction: out[k], rating: test.ratings[k])
        }
        return (out, RatingReport(rmse: acc.rmse, mae: acc.mae, count: acc.count, coldStart: counts))
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
