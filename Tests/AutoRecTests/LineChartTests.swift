import AutoRec
import Foundation
import RecData
import RecTestSupport
import Testing

@Suite struct LineChartTests {
    static func epochs(_ n: Int, validated: Bool) -> [EpochRecord] {
        (1...n).map { e in
            EpochRecord(epoch: e, loss: 10, trainRMSE: 1.2 / Double(e), validationRMSE: validated ? 1 + 0.1 / Double(e) : nil,
                        learningRate: 0.001, seconds: 0.1)
        }
    }

    @Test("learning curves are well-formed SVG with size, viewBox, title, axis labels and one legend entry per series")
    func learningCurves() throws {
        let chart = LineChart.learningCurves(
            title: "ml-100k: I-AutoRec", runs: [.init(label: "", epochs: Self.epochs(12, validated: true))])
        let svg = try SVGInspector(chart.svg())
        #expect(svg.rootAttributes["width"] != nil && svg.rootAttributes["height"] != nil)
        #expect(svg.rootAttributes["viewBox"]?.hasPrefix("0 0 ") == true)
        #expect(svg.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(svg.title == "ml-100k: I-AutoRec")
        #expect(svg.texts.contains("ml-100k: I-AutoRec"))
        #expect(svg.texts.contains("epoch") && svg.texts.contains("RMSE"))
        #expect(svg.texts.contains("train RMSE") && svg.texts.contains("validation RMSE"))
        #expect(svg.elementCounts["polyline"] == 2)
        // Tick labels on both axes: epochs 0...12 in whole numbers, and RMSE values with decimals.
        #expect(svg.texts.contains("12") && svg.texts.contains { $0.contains(".") })
    }

    @Test("a run without validation has only its train series; labelled runs prefix their series names")
    func seriesNames() throws {
        let chart = LineChart.learningCurves(
            title: "t", runs: [.init(label: "l2=10", epochs: Self.epochs(3, validated: false)),
                               .init(label: "l2=30", epochs: Self.epochs(3, validated: true))])
        #expect(chart.series.map(\.name) == ["l2=10 train RMSE", "l2=30 train RMSE", "l2=30 validation RMSE"])
        let svg = try SVGInspector(chart.svg())
        #expect(svg.elementCounts["polyline"] == 3)
    }

    @Test("markup characters and control characters in names are escaped, so the document still parses")
    func escaping() throws {
        let name = "a<b & \"c\" 'd' > e\u{1}"
        let chart = LineChart(title: name, xLabel: "x & y", yLabel: "<y>",
                              series: [.init(name: name, points: [.init(1, 1), .init(2, 2)])])
        let svg = try SVGInspector(chart.svg())
        #expect(svg.title == "a<b & \"c\" 'd' > e")
        #expect(svg.texts.contains("x & y") && svg.texts.contains("<y>"))
    }

    @Test("a non-finite value breaks the line; a series of one point is a dot; an empty chart still parses")
    func gaps() throws {
        let chart = LineChart(title: "gaps", xLabel: "x", yLabel: "y", series: [
            .init(name: "broken", points: [.init(1, 1), .init(2, 2), .init(3, .nan), .init(4, 1), .init(5, 3)]),
            .init(name: "single", points: [.init(2, 1.5)]),
        ])
        let svg = try SVGInspector(chart.svg())
        #expect(svg.elementCounts["polyline"] == 2)
        #expect(svg.elementCounts["circle"] == 1)
        #expect(try SVGInspector(LineChart(title: "empty", xLabel: "x", yLabel: "y").svg()).title == "empty")
    }

    @Test("write puts the document at the path atomically and a missing folder is a FileWriteError")
    func write() throws {
        let folder = try TemporaryFolder()
        let chart = LineChart.learningCurves(title: "w", runs: [.init(label: "", epochs: Self.epochs(2, validated: true))])
        try chart.write(to: folder.file("c.svg"))
        let text = try String(contentsOfFile: folder.file("c.svg"), encoding: .utf8)
        #expect(text == chart.svg())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["c.svg"])
        #expect(throws: FileWriteError.self) { try chart.write(to: folder.file("missing/c.svg")) }
    }
}
