import RecData

/// Mean and standard deviation of one metric over cross-validation folds.
public struct MetricSummary: Codable, Sendable, Equatable {
    /// The mean over folds.
    public var mean: Double
    /// The population standard deviation over folds (divides by the number of folds, as NumPy's
    /// default and Surprise's `cross_validate` printout).
    public var standardDeviation: Double

    /// Summarises `values`.
    ///
    /// - Parameter values: One value per fold; NaN for none.
    public init(_ values: [Double]) {
        let n = Double(values.count)
        mean = values.reduce(0, +) / n
        let m = mean
        standardDeviation = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
    }
}

/// Per-fold and summarised results of k-fold cross-validation.
public struct CrossValidationReport: Codable, Sendable, Equatable {
    /// One report per fold, in fold order.
    public var folds: [RatingReport]
    /// Wall-clock seconds of each fold (fit and evaluate).
    public var seconds: [Double]
    /// RMSE over folds.
    public var rmse: MetricSummary
    /// MAE over folds.
    public var mae: MetricSummary

    /// Creates a report from per-fold results.
    ///
    /// - Parameters:
    ///   - folds: The fold reports.
    ///   - seconds: Seconds per fold.
    public init(folds: [RatingReport], seconds: [Double]) {
        self.folds = folds
        self.seconds = seconds
        rmse = MetricSummary(folds.map(\.rmse))
        mae = MetricSummary(folds.map(\.mae))
    }
}

extension Evaluator {
    /// Fits a fresh model on each fold's training part and evaluates it on the fold's test part.
    ///
    /// The folds come from a splitter (RecData's k-fold split); each part shares the id maps.
    ///
    /// - Parameters:
    ///   - folds: `(train, test)` pairs.
    ///   - makeModel: Makes the unfitted model for fold `f` (0-based), e.g. with a per-fold seed.
    /// - Returns: Per-fold reports and their mean ± standard deviation.
    /// - Throws: Errors of `makeModel`, of fitting, or of the baseline fallback.
    /// - Complexity: folds × (fit + evaluate).
    public func crossValidate<Model: RatingModel>(
        folds: [(train: RatingTable, test: RatingTable)], makeModel: (_ fold: Int) throws -> Model
    ) throws -> CrossValidationReport {
        var reports = [RatingReport]()
        var seconds = [Double]()
        let clock = ContinuousClock()
        for (f, fold) in folds.enumerated() {
            let start = clock.now
            var model = try makeModel(f)
            try model.fit(fold.train, validation: nil)
            reports.append(try evaluate(model, train: fold.train, test: fold.test))
            seconds.append((clock.now - start).seconds)
        }
        return CrossValidationReport(folds: reports, seconds: seconds)
    }
}

extension Evaluator {
    /// Cross-validation over the splits of a splitter such as RecData's `KFold`.
    ///
    /// - Parameters:
    ///   - splits: One `RatingSplit` per fold.
    ///   - makeModel: Makes the unfitted model for fold `f` (0-based).
    /// - Returns: Per-fold reports and their mean ± standard deviation.
    /// - Throws: Errors of `makeModel`, of fitting, or of the baseline fallback.
    public func crossValidate<Model: RatingModel>(
        splits: [RatingSplit], makeModel: (_ fold: Int) throws -> Model
    ) throws -> CrossValidationReport {
        try crossValidate(folds: splits.map { (train: $0.train, test: $0.test) }, makeModel: makeModel)
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
