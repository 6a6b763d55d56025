import AutoRec
import Testing

@Suite struct ConfidenceIntervalTests {
    @Test("1...5: mean 3, s = sqrt(2.5), half-width t(0.975; 4) s / sqrt(5) = 2.776445 x 0.707107")
    func fivePoints() {
        let ci = ConfidenceInterval([1, 2, 3, 4, 5])
        #expect(ci.mean == 3 && ci.count == 5)
        #expect(abs(ci.standardDeviation - 1.5811388) < 1e-6)
        #expect(abs(ci.halfWidth - 1.9632432) < 1e-6)
        #expect(abs(ci.lower - 1.0367568) < 1e-6 && abs(ci.upper - 4.9632432) < 1e-6)
    }

    @Test("two folds 0.90, 0.92: s = 0.0141421, half-width t(0.975; 1) x 0.01 = 0.127062")
    func twoPoints() {
        let ci = ConfidenceInterval([0.90, 0.92])
        #expect(abs(ci.mean - 0.91) < 1e-12)
        #expect(abs(ci.halfWidth - 0.12706205) < 1e-7)
        #expect(ci.text == "0.9100 ± 0.1271")
    }

    @Test("one value has no interval (NaN half-width, text is the mean alone); none has a NaN mean")
    func degenerate() {
        let one = ConfidenceInterval([0.87])
        #expect(one.mean == 0.87 && one.halfWidth.isNaN && one.count == 1)
        #expect(one.text == "0.8700")
        #expect(ConfidenceInterval([]).mean.isNaN)
    }

    @Test("t quantiles: table values, and the expansion beyond 30 within 1e-5 of published ones",
          arguments: [(1, 12.706205), (2, 4.302653), (5, 2.570582), (10, 2.228139), (30, 2.042272),
                      (31, 2.039513), (40, 2.021075), (60, 2.000298), (120, 1.979930)])
    func quantiles(df: Int, t: Double) {
        #expect(abs(ConfidenceInterval.t975(degreesOfFreedom: df) - t) < 1e-5, "df \(df)")
    }
}
