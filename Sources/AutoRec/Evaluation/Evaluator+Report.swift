import RecData

extension Evaluator {
    /// Fits `model` on `train`, evaluates it on `validation` (when given) and `test`, optionally
    /// computes top-K metrics, and times the whole run.
    ///
    /// The one call behind a `train`/`evaluate` command: its result is written with
    /// ``EvaluationReport/write(to:)``.
    ///
    /// - Parameters:
    ///   - model: The unfitted model; fitted in place (with `validation` passed to its `fit`).
    ///   - name: The model's name for the report (`BiasedMF`).
    ///   - configuration: The model's configuration, stored as JSON in the report.
    ///   - train: The training ratings.
    ///   - validation: Validation ratings, or `nil`.
    ///   - test: Test ratings.
    ///   - rankingCutoff: K for ``RankingMetrics`` on the test set, or `nil` to skip ranking.
    ///   - relevanceThreshold: Test ratings ≥ this are relevant for ranking (default 4).
    /// - Returns: The report; `seconds` covers fitting and all evaluation. When the model says it
    ///   ``RatingModel/trainedOnValidation`` (a refit), test scoring and ranking take
    ///   `train + validation` as the training ratings and the report has no validation part.
    /// - Throws: Errors of fitting, of the cold-start baseline, or of converting `configuration`.
    public func fitAndEvaluate<Model: RatingModel>(
        _ model: inout Model, name: String, configuration: some Encodable, train: RatingTable,
        validation: RatingTable? = nil, test: RatingTable, rankingCutoff: Int? = nil,
        relevanceThreshold: Float = 4
    ) throws -> EvaluationReport {
        let clock = ContinuousClock()
        let start = clock.now
        guard test.count > 0 else { throw EvaluationError.noRatings }
        try model.fit(train, validation: validation)
        // After a refit the model has learnt the validation ratings: they are training ratings now
        // (known users and items, excluded from ranking) and no longer a held-out score.
        let fitted = model.trainedOnValidation ? validation.map { train.appending($0) } ?? train : train
        let validationReport =
            model.trainedOnValidation ? nil : try validation.map { try evaluate(model, train: train, test: $0) }
        let testReport = try evaluate(model, train: fitted, test: test)
        let ranking = rankingCutoff.map {
            RankingMetrics.evaluate(
                model, train: fitted, test: test, k: $0, relevanceThreshold: relevanceThreshold)
        }
        return EvaluationReport(
            model: name, configuration: try JSONValue(encoding: configuration), test: testReport,
            validation: validationReport, ranking: ranking,
            seconds: (clock.now - start).seconds)
    }
}
