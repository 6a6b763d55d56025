import RecData
import RecMath

extension AutoRecModel {
    /// The validation part as early stopping scores it: the warm ratings as a pattern the network
    /// decodes every epoch, and the cold ones with their fixed cold-start fallback.
    ///
    /// A validation rating whose user or item has no training rating would otherwise be decoded
    /// from an input the network never learnt (an untrained weight row), which inflates the
    /// validation RMSE well above the test RMSE that applies the cold-start policy; early stopping
    /// then compares the wrong figures.
    struct Validator {
        /// Warm ratings over (encoded rows × inputs); entry order matches `truth`.
        let pattern: CSRMatrix
        let truth: [Float]
        /// Σ (clipped fallback − rating)² over the scored cold ratings (constant across epochs).
        let coldSquaredError: Double
        /// Scored ratings: warm plus cold ones not excluded.
        let scoredCount: Int
        /// How many ratings took each path.
        let counts: ColdStartCounts

        init(
            _ validation: RatingTable, train: RatingTable, policy: ColdStartPolicy,
            orientation: AutoRecConfiguration.Orientation, rows: Int, inputs: Int
        ) throws {
            let plan = try Evaluator(coldStart: policy).coldStartPlan(train: train, test: validation)
            var cold = 0.0
            var coldCount = 0
            for k in 0..<validation.count where !plan.fallback[k].isNaN {
                let d = Double(train.scale.clip(plan.fallback[k]) - validation.ratings[k])
                cold += d * d
                coldCount += 1
            }
            let warm = validation.selecting(plan.warmRows)
            let byItem = orientation == .item
            pattern = CSRMatrix(rows: rows, cols: inputs, rowIndices: byItem ? warm.items : warm.users,
                                columnIndices: byItem ? warm.users : warm.items, values: warm.ratings)
            truth = pattern.values
            coldSquaredError = cold
            scoredCount = plan.warmRows.count + coldCount
            counts = plan.counts
        }

        /// RMSE over the scored validation ratings: clipped reconstructions at the warm ones, the
        /// fallback at the cold ones; NaN when nothing is scored.
        func rmse(_ config: AutoRecConfiguration, _ p: AutoRecParameters, codes: Matrix, scale: RatingScale)
            -> Double
        {
            var out = [Float](repeating: 0, count: pattern.nonzeros)
            AutoRecNetwork(configuration: config).decode(p, matrix: pattern, codes: codes, into: &out)
            var s = coldSquaredError
            for e in 0..<out.count {
                let d = Double(scale.clip(out[e]) - truth[e])
                s += d * d
            }
            return scoredCount == 0 ? .nan : (s / Double(scoredCount)).squareRoot()
        }
    }
}
