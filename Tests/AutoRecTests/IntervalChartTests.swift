import AutoRec
import RecTestSupport
import Testing

@Suite struct IntervalChartTests {
    @Test("one labelled row per configuration, a dot each, a whisker (3 lines) where there is an interval")
    func rows() throws {
        let chart = IntervalChart(title: "ml-1m: test RMSE", valueLabel: "test RMSE", rows: [
            .init(name: "l2=10", ConfidenceInterval([0.90, 0.91, 0.92])),
            .init(name: "l2=100", ConfidenceInterval([0.85, 0.86, 0.84])),
            .init(name: "single seed", ConfidenceInterval([0.88])),
        ])
        let svg = try SVGInspector(chart.svg())
        #expect(svg.title == "ml-1m: test RMSE")
        #expect(svg.texts.contains("l2=10") && svg.texts.contains("l2=100") && svg.texts.contains("single seed"))
        #expect(svg.texts.contains("test RMSE"))
        #expect(svg.elementCounts["circle"] == 3)
        // Each whisker is a bar and two caps in the dots' colour; the single-seed row has none.
        let dot = try #require(svg.elements.first { $0.name == "circle" }?.attributes["fill"])
        #expect(svg.elements.count { $0.name == "line" && $0.attributes["stroke"] == dot } == 6)
        #expect(svg.rootAttributes["viewBox"] != nil)
    }
}
