import AutoRec
import RecData
import Testing

@Suite struct RatingMetricsTests {
    let scale = RatingScale(minimum: 1, maximum: 5, step: 1)

    @Test("RMSE and MAE match hand-computed values")
    func handValues() {
        // errors 0, −1, −2: RMSE = sqrt(5/3), MAE = 1.
        #expect(
            abs(RatingMetrics.rmse(predictions: [1, 2, 3], ratings: [1, 3, 5]) - (5.0 / 3).squareRoot())
                < 1e-12)
        #expect(abs(RatingMetrics.mae(predictions: [1, 2, 3], ratings: [1, 3, 5]) - 1) < 1e-12)
    }

    @Test("clipping to the scale happens before the error is taken")
    func clipping() {
        let p: [Float] = [0, 6, 3.5]
        let r: [Float] = [1, 5, 3]
        // Clipped: 1, 5, 3.5 → errors 0, 0, 0.5. Unclipped: −1, 1, 0.5.
        #expect(
            abs(RatingMetrics.rmse(predictions: p, ratings: r, clippingTo: scale) - (0.25 / 3).squareRoot())
                < 1e-12)
        #expect(abs(RatingMetrics.mae(predictions: p, ratings: r, clippingTo: scale) - 0.5 / 3) < 1e-12)
        #expect(abs(RatingMetrics.rmse(predictions: p, ratings: r) - (2.25 / 3).squareRoot()) < 1e-12)
        #expect(abs(RatingMetrics.mae(predictions: p, ratings: r) - 2.5 / 3) < 1e-12)
    }

    @Test("empty input gives NaN; merged partials equal one pass")
    func accumulator() {
        #expect(RatingMetrics.rmse(predictions: [], ratings: []).isNaN)
        var whole = ErrorAccumulator(clipping: scale)
        var left = ErrorAccumulator(clipping: scale)
        var right = ErrorAccumulator(clipping: scale)
        let pairs: [(Float, Float)] = [(0.5, 1), (4.2, 4), (5.5, 3), (2, 2), (3.3, 1)]
        for (k, (p, r)) in pairs.enumerated() {
            whole.add(prediction: p, rating: r)
            if k < 2 { left.add(prediction: p, rating: r) } else { right.add(prediction: p, rating: r) }
        }
        left.merge(right)
        #expect(left.count == 5 && left.rmse == whole.rmse && left.mae == whole.mae)
    }
}
