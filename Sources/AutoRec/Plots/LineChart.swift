import RecData

/// A line chart of several series over a shared x axis (learning curves: x = epoch, y = RMSE),
/// written as a stand-alone SVG document with axes, ticks, axis labels, a legend and a title.
///
/// ```swift
/// var chart = LineChart(title: "ml-100k: I-AutoRec", xLabel: "epoch", yLabel: "RMSE")
/// chart.series.append(.init(name: "train", points: [(1, 1.1), (2, 0.95)]))
/// try chart.write(to: "curves.svg")
/// ```
public struct LineChart: Sendable {
    /// One named line.
    public struct Series: Sendable {
        /// The legend text.
        public var name: String
        /// Points in x order; a non-finite y breaks the line there.
        public var points: [Point]
        /// Draw dashed (e.g. the training curve beside a solid validation curve).
        public var dashed: Bool

        /// Creates a series.
        public init(name: String, points: [Point], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
    }

    /// One point of a series.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(_ x: Double, _ y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// The title above the plot.
    public var title: String
    /// The x axis label.
    public var xLabel: String
    /// The y axis label.
    public var yLabel: String
    /// The lines, drawn and listed in the legend in this order.
    public var series: [Series] = []
    /// Whether x values are whole numbers (epochs): ticks are then integers.
    public var integerX = true
    /// Size of the picture in pixels.
    public var width = 760.0, height = 460.0

    /// Creates an empty chart.
    public init(title: String, xLabel: String, yLabel: String, series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The SVG document.
    ///
    /// - Complexity: O(points).
    public func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xAxis = PlotAxis(minimum: finite.map(\.x).min() ?? 0, maximum: finite.map(\.x).max() ?? 1,
                             count: 8, integers: integerX)
        let yAxis = PlotAxis(minimum: finite.map(\.y).min() ?? 0, maximum: finite.map(\.y).max() ?? 1, count: 6)
        let legendWidth = min(240, 40 + 7 * Double(series.map(\.name.count).max() ?? 0))
        let frame = PlotFrame(left: 72, top: 48, right: width - 24 - legendWidth, bottom: height - 56)
        frame.drawAxes(on: &canvas, x: xAxis, y: yAxis, title: title, xLabel: xLabel, yLabel: yLabel)
        for (s, line) in series.enumerated() {
            let colour = SVGCanvas.palette[s % SVGCanvas.palette.count]
            var run = [(x: Double, y: Double)]()
            func flush() {
                if run.count == 1, let p = run.first { canvas.circle(p.x, p.y, radius: 2.5, fill: colour) }
                if run.count > 1 { canvas.polyline(run, stroke: colour, dash: line.dashed ? "6 4" : nil) }
                run = []
            }
            for p in line.points {
                guard p.x.isFinite && p.y.isFinite else {
                    flush()
                    continue
                }
                run.append((xAxis.position(p.x, from: frame.left, to: frame.right),
                            yAxis.position(p.y, from: frame.bottom, to: frame.top)))
            }
            flush()
            // Legend entry: a short sample of the line, then the name.
            let ly = frame.top + 8 + Double(s) * 20
            let lx = frame.right + 16
            canvas.line(lx, ly - 4, lx + 24, ly - 4, stroke: colour, width: 2, dash: line.dashed ? "6 4" : nil)
            canvas.text(line.name, lx + 30, ly, size: 12)
        }
        return canvas.document(title: title)
    }

    /// Writes ``svg()`` to `path` atomically (temporary file in the same folder, then rename).
    ///
    /// - Throws: ``FileWriteError`` naming the file and the system's reason.
    public func write(to path: String) throws(FileWriteError) {
        try writeSVG(svg(), to: path)
    }
}

/// The plotting rectangle of a chart, and the axes, grid, labels and title drawn around it.
struct PlotFrame {
    var left: Double, top: Double, right: Double, bottom: Double

    /// Draws the frame, grid lines and tick labels of both axes, the axis labels and the title.
    /// A nil `x` leaves the x axis without ticks (the interval chart's rows are labelled instead).
    func drawAxes(on canvas: inout SVGCanvas, x: PlotAxis?, y: PlotAxis?, title: String, xLabel: String,
                  yLabel: String) {
        canvas.text(title, (left + right) / 2, 28, size: 16, anchor: .middle, bold: true)
        if let x {
            for t in x.ticks {
                let px = x.position(t, from: left, to: right)
                canvas.line(px, top, px, bottom, stroke: "#e5e5e5")
                canvas.line(px, bottom, px, bottom + 5)
                canvas.text(x.label(t), px, bottom + 19, size: 11, anchor: .middle)
            }
        }
        if let y {
            for t in y.ticks {
                let py = y.position(t, from: bottom, to: top)
                canvas.line(left, py, right, py, stroke: "#e5e5e5")
                canvas.line(left - 5, py, left, py)
                canvas.text(y.label(t), left - 8, py + 4, size: 11, anchor: .end)
            }
        }
        canvas.rect(left, top, right - left, bottom - top, fill: "none", stroke: "#000")
        canvas.text(xLabel, (left + right) / 2, bottom + 42, size: 13, anchor: .middle)
        if !yLabel.isEmpty {
            let cy = (top + bottom) / 2
            canvas.text(yLabel, 20, cy, size: 13, anchor: .middle, rotate: -90)
        }
    }
}
