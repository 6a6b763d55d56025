import Testing

@testable import RecData

@Suite struct KnownScaleTests {
    @Test(
        "a table gets the narrowest allowed scale that holds its ratings",
        arguments: [
            ([1, 2, 5] as [Float], RatingScale.stars),
            ([2, 4], .stars),
            ([1, 3.5, 5], .halfStars),
            ([0.5, 4], .halfStars),
        ])
    func narrowest(values: [Float], expected: RatingScale) {
        let observed = RatingScale(observing: values)
        #expect(KnownScale.movieLensDat.scale(forDistinct: values, observed: observed) == expected)
    }

    @Test("a fixed scale without a step takes the step the ratings show")
    func fixedWithoutStep() {
        let known = KnownScale.fixed(RatingScale(minimum: 0, maximum: 100, step: 0))
        let values: [Float] = [10, 20, 55]
        #expect(
            known.scale(forDistinct: values, observed: RatingScale(observing: values))
                == RatingScale(minimum: 0, maximum: 100, step: 1))
    }

    @Test("the allowed scale is the widest choice, and the description names the source")
    func described() {
        #expect(KnownScale.movieLensDat.allowed == .halfStars)
        #expect(KnownScale.movieLens100K.description == "MovieLens 100K scale 1-5 (step 1)")
        #expect(KnownScale(source: "empty", choices: []).allowed == .halfStars)
    }
}
