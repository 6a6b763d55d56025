import RecData

/// Predicts the mean of the training ratings for every pair: r̂_ui = r̄.
///
/// The floor every model must beat. On MovieLens 100K its RMSE is about 1.13, on 1M about 1.12.
public struct GlobalMean: RatingModel, Sendable {
    /// GlobalMean has no hyperparameters; the type exists so every model reads the same way.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The only configuration.
        public init() {}

        /// Always succeeds.
        public func validate() throws(ModelConfigurationError) {}
    }

    /// The configuration (empty).
    public let configuration: Configuration
    /// r̄, the mean of the training ratings (0 before fitting).
    public private(set) var mean: Float = 0

    /// An unfitted model.
    ///
    /// - Parameter configuration: The (empty) configuration.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Sets r̄ to the mean of `train`'s ratings, accumulated in `Double`.
    ///
    /// - Parameters:
    ///   - train: The training ratings.
    ///   - validation: Ignored.
    /// - Throws: ``TrainingError/emptyTrainingSet(model:)`` when `train` is empty.
    /// - Complexity: O(ratings).
    public mutating func fit(_ train: RatingTable, validation: RatingTable?) throws {
        guard train.count > 0 else { throw TrainingError.emptyTrainingSet(model: "GlobalMean") }
        mean = Float(train.globalMean)
    }

    /// Returns r̄ for any pair.
    public func predict(user: Int32, item: Int32) -> Float { mean }

    /// Fills `scores` with r̄.
    public func scores(forUser user: Int32, into scores: inout [Float]) {
        for i in 0..<scores.count { scores[i] = mean }
    }
}
