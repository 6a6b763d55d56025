import RecData
import Testing

@Suite struct RatingScaleTests {
    @Test("scale is read from the data", arguments: [
        ([1, 5, 3] as [Float], RatingScale(minimum: 1, maximum: 5, step: 1)),
        ([0.5, 5, 3.5], RatingScale(minimum: 0.5, maximum: 5, step: 0.5)),
        ([1, 100, 37], RatingScale(minimum: 1, maximum: 100, step: 1)),
        ([0.13, 0.9], RatingScale(minimum: 0.13, maximum: 0.9, step: 0)),
    ])
    func observe(ratings: [Float], expected: RatingScale) {
        #expect(RatingScale(observing: ratings) == expected)
    }
}
