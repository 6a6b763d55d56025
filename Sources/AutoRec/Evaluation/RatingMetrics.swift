import RecData

/// Accumulates the errors of rating predictions for RMSE and MAE, in `Double`.
///
/// ```
/// RMSE = sqrt( (1/|T_s|) Σ (r̂_ui − r_ui)² )      MAE = (1/|T_s|) Σ |r̂_ui − r_ui|
/// ```
/// over the scored test ratings T_s (see <doc:Metrics>), where r̂_ui is first clipped to the
/// rating scale when a scale is given. Accumulators can be merged, so partial sums from parallel
/// chunks combine exactly as a sequential pass in chunk order.
public struct ErrorAccumulator: Sendable, Equatable {
    /// Σ (r̂ − r)².
    public private(set) var squaredError: Double = 0
    /// Σ |r̂ − r|.
    public private(set) var absoluteError: Double = 0
    /// Number of predictions added.
    public private(set) var count: Int = 0
    /// The scale predictions are clipped to before the error is taken, or `nil` for no clipping.
    public let clipping: RatingScale?

    /// An empty accumulator.
    ///
    /// - Parameter clipping: Clip each prediction to `minimum...maximum` of this scale first.
    public init(clipping: RatingScale? = nil) {
        self.clipping = clipping
    }

    /// Adds one prediction and its true rating.
    ///
    /// - Parameters:
    ///   - prediction: r̂_ui (clipped here when the accumulator clips).
    ///   - rating: r_ui.
    @inlinable
    public mutating func add(prediction: Float, rating: Float) {
        let p = clipping.map { $0.clip(prediction) } ?? prediction
        let d = Double(p) - Double(rating)
        _add(d)
    }

    @usableFromInline
    mutating func _add(_ d: Double) {
        squaredError += d * d
        absoluteError += abs(d)
        count += 1
    }

    /// Adds another accumulator's sums (for partials from parallel chunks).
    public mutating func merge(_ other: ErrorAccumulator) {
        squaredError += other.squaredError
        absoluteError += other.absoluteError
        count += other.count
    }

    /// Root mean squared error; NaN when nothing was added.
    public var rmse: Double { count > 0 ? (squaredError / Double(count)).squareRoot() : .nan }

    /// Mean absolute error; NaN when nothing was added.
    public var mae: Double { count > 0 ? absoluteError / Double(count) : .nan }
}

/// Rating-prediction metrics over parallel arrays of predictions and true ratings.
public enum RatingMetrics {
    /// Root mean squared error, sqrt((1/|T_s|) Σ (r̂ − r)²) over the ratings given, accumulated in
    /// `Double`.
    ///
    /// - Parameters:
    ///   - predictions: r̂ for each rating.
    ///   - ratings: The true r, same count.
    ///   - scale: When given, each prediction is clipped to the scale's range first.
    /// - Returns: The RMSE, or NaN for empty input.
    /// - Complexity: O(ratings.count).
    public static func rmse(predictions: [Float], ratings: [Float], clippingTo scale: RatingScale? = nil)
        -> Double
    {
        accumulate(predictions, ratings, scale).rmse
    }

    /// Mean absolute error, (1/|T_s|) Σ |r̂ − r| over the ratings given, accumulated in `Double`.
    ///
    /// - Parameters:
    ///   - predictions: r̂ for each rating.
    ///   - ratings: The true r, same count.
    ///   - scale: When given, each prediction is clipped to the scale's range first.
    /// - Returns: The MAE, or NaN for empty input.
    /// - Complexity: O(ratings.count).
    public static func mae(predictions: [Float], ratings: [Float], clippingTo scale: RatingScale? = nil)
        -> Double
    {
        accumulate(predictions, ratings, scale).mae
    }

    private static func accumulate(_ p: [Float], _ r: [Float], _ scale: RatingScale?) -> ErrorAccumulator {
        precondition(p.count == r.count, "RatingMetrics: \(p.count) predictions, \(r.count) ratings")
        var acc = ErrorAccumulator(clipping: scale)
        for k in 0..<p.count { acc.add(prediction: p[k], rating: r[k]) }
        return acc
    }
}
