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

@Suite struct RatingScaleFormattingTests {
    @Test(
        "huge, infinite and NaN bounds are formatted without trapping",
        arguments: [
            (RatingScale(minimum: 1, maximum: 1e19, step: 1), "1-1e+19 (step 1)"),
            (RatingScale(minimum: -3e38, maximum: .infinity, step: 0), "-3e+38-inf"),
            (RatingScale(minimum: .nan, maximum: 5, step: 0.5), "nan-5 (step 0.5)"),
            (RatingScale(minimum: 0.5, maximum: 5, step: 0.5), "0.5-5 (step 0.5)"),
        ])
    func hugeValues(scale: RatingScale, text: String) {
        #expect(scale.description == text)
    }

    @Test("a rating is on the scale when in range and on its grid")
    func contains() {
        #expect(RatingScale.stars.contains(3) && !RatingScale.stars.contains(3.5))
        #expect(!RatingScale.stars.contains(100) && !RatingScale.stars.contains(0))
        #expect(RatingScale.halfStars.contains(0.5) && RatingScale.halfStars.contains(4.5))
        #expect(!RatingScale.halfStars.contains(.nan) && !RatingScale.halfStars.contains(.infinity))
        let tenths = RatingScale(minimum: 0, maximum: 1, step: 0.1)
        #expect(tenths.contains(0.7) && !tenths.contains(0.75))
        #expect(RatingScale(minimum: 1, maximum: 100, step: 0).contains(37.25))
    }

    @Test(
        "--scale text is min:max or min:max:step",
        arguments: [
            ("1:5", RatingScale(minimum: 1, maximum: 5, step: 0)),
            ("0.5:5:0.5", RatingScale.halfStars),
            ("-10:10:1", RatingScale(minimum: -10, maximum: 10, step: 1)),
        ])
    func argument(text: String, scale: RatingScale) {
        #expect(RatingScale(argument: text) == scale)
    }

    @Test(
        "malformed --scale text is refused",
        arguments: ["5", "1:5:0", "1:5:-1", "a:5", "1:5:1:1", "", "1::5"])
    func badArgument(text: String) {
        #expect(RatingScale(argument: text) == nil)
    }

    @Test(
        "an unusable scale says why",
        arguments: [
            ("5:1", "the minimum 5 must be below the maximum 1"),
            ("3:3", "the minimum 3 must be below the maximum 3"),
            ("1:inf", "the bounds must be finite numbers, not 1 and inf"),
            ("nan:5", "the bounds must be finite numbers, not nan and 5"),
            ("1:5:inf", "the step must be a positive number, not inf"),
        ])
    func problems(text: String, problem: String) throws {
        #expect(try #require(RatingScale(argument: text)).problem == problem)
        #expect(RatingScale.stars.problem == nil)
    }
}
