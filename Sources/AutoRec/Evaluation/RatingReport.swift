/// The rating-prediction quality of a model on one test table.
///
/// JSON: `{"rmse": 0.87, "mae": 0.68, "count": 100021, "coldStart": {"model": …, …}}`.
/// `rmse` and `mae` are NaN when no rating was scored (written as `"nan"` by
/// ``EvaluationReport/write(to:)``).
public struct RatingReport: Codable, Sendable, Equatable {
    /// Root mean squared error over the scored ratings.
    public var rmse: Double
    /// Mean absolute error over the scored ratings.
    public var mae: Double
    /// Number of ratings scored (test ratings minus excluded ones).
    public var count: Int
    /// The path each test rating took.
    public var coldStart: ColdStartCounts

    /// Creates a report from its fields.
    public init(rmse: Double, mae: Double, count: Int, coldStart: ColdStartCounts = ColdStartCounts()) {
        self.rmse = rmse
        self.mae = mae
        self.count = count
        self.coldStart = coldStart
    }
}
