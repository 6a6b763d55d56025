import RecData

/// A model that learns from a table of ratings and predicts a rating for a (user, item) pair.
///
/// Indices are the dense indices of the training table's `IDMap`s. `predict` may be
/// called for any index in range; for a user or item with no training rating the model returns
/// its own fallback (the evaluator applies the cold-start policy before asking, see
/// ``ColdStartPolicy``).
public protocol RatingModel {
    /// Learns from `train`; `validation`, when given, may drive early stopping.
    mutating func fit(_ train: RatingTable, validation: RatingTable?) throws

    /// The predicted rating r̂_ui, not clipped.
    func predict(user: Int32, item: Int32) -> Float

    /// Predictions for many pairs at once (a model may share work between pairs).
    func predict(users: [Int32], items: [Int32]) -> [Float]

    /// Writes r̂_ui for every item `i` in `0..<scores.count` into `scores[i]` (not clipped).
    ///
    /// Ranking metrics and top-N recommendation need one user's scores for all items. The default
    /// calls ``predict(user:item:)`` once per item; a model that can compute a whole row at once
    /// (AutoRec decodes a user's full vector) overrides it.
    ///
    /// - Parameters:
    ///   - user: The user index.
    ///   - scores: Output, one slot per item index; its count fixes the items scored.
    /// - Complexity: O(items) calls to ``predict(user:item:)`` for the default.
    func scores(forUser user: Int32, into scores: inout [Float])

    /// Whether the last `fit` trained the final weights on its validation ratings as well (a
    /// refit on training plus validation). Evaluation then treats `train + validation` as the
    /// training ratings: they decide which users and items are known, they are left out of
    /// ranking, and the validation part is no longer a held-out score. Default `false`.
    var trainedOnValidation: Bool { get }
}

extension RatingModel {
    /// `false`: the model trains on `train` only.
    public var trainedOnValidation: Bool { false }

    /// Calls ``predict(user:item:)`` for each pair.
    public func predict(users: [Int32], items: [Int32]) -> [Float] {
        precondition(users.count == items.count, "predict: \(users.count) users, \(items.count) items")
        var out = [Float](repeating: 0, count: users.count)
        for k in 0..<users.count { out[k] = predict(user: users[k], item: items[k]) }
        return out
    }

    /// Calls ``predict(user:item:)`` for each item index in `0..<scores.count`.
    public func scores(forUser user: Int32, into scores: inout [Float]) {
        for i in 0..<scores.count { scores[i] = predict(user: user, item: Int32(i)) }
    }
}
