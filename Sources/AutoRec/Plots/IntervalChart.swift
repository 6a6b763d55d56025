import RecData

/// A dot-and-whisker chart: one row per configuration, a dot at its mean and a whisker over its
/// interval (e.g. mean test RMSE ± a 95% Student-t interval over seeds or folds), written as a
/// stand-alone SVG document with a value axis, row labels and a title.
public struct IntervalChart: Sendable {
    /// One configuration's estimate.
    public struct Row: Sendable, Equatable {
        /// The row label.
        public var name: String
        /// The dot.
        public var mean: Double
        /// The whisker's ends (equal to `mean` for no whisker).
        public var lower: Double
        public var upper: Double

        /// Creates a row.
        public init(name: String, mean: Double, lower: Double, upper: Double) {
            self.name = name
            self.mean = mean
            self.lower = lower
            self.upper = upper
        }

        /// A row from an interval estimate.
        public init(name: String, _ interval: ConfidenceInterval) {
            self.init(name: name, mean: interval.mean, lower: interval.lower, upper: interval.upper)
        }
    }

    /// The title above the plot.
    public var title: String
    /// The value axis label (e.g. `validation RMSE`).
    public var valueLabel: String
    /// The rows, top to bottom.
    public var rows: [Row]
    /// Width of the picture in pixels (the height follows the number of rows).
    public var width = 760.0

    /// Creates a chart.
    public init(title: String, valueLabel: String, rows: [Row]) {
        self.title = title
        self.valueLabel = valueLabel
        self.rows = rows
    }

    /// The SVG document.
    ///
    /// - Complexity: O(rows).
    public func svg() -> String {
        let rowHeight = 26.0
        let labelWidth = min(320, 24 + 7 * Double(rows.map(\.name.count).max() ?? 0))
        let frame = PlotFrame(left: labelWidth, top: 48, right: width - 24,
                              bottom: 48 + rowHeight * Double(max(1, rows.count)) + 8)
        var canvas = SVGCanvas(width: width, height: frame.bottom + 56)
        let values = rows.flatMap { [$0.mean, $0.lower, $0.upper] }.filter(\.isFinite)
        let axis = PlotAxis(minimum: values.min() ?? 0, maximum: values.max() ?? 1, count: 6)
        frame.drawAxes(on: &canvas, x: axis, y: nil, title: title, xLabel: valueLabel, yLabel: "")
        for (r, row) in rows.enumerated() {
            let y = frame.top + rowHeight * (Double(r) + 0.5) + 4
            canvas.text(row.name, frame.left - 8, y + 4, size: 12, anchor: .end)
            guard row.mean.isFinite else { continue }
            let colour = SVGCanvas.palette[0]
            if row.lower.isFinite && row.upper.isFinite && row.upper > row.lower {
                let a = axis.position(row.lower, from: frame.left, to: frame.right)
                let b = axis.position(row.upper, from: frame.left, to: frame.right)
                canvas.line(a, y, b, y, stroke: colour, width: 2)
                canvas.line(a, y - 5, a, y + 5, stroke: colour, width: 2)
                canvas.line(b, y - 5, b, y + 5, stroke: colour, width: 2)
            }
            canvas.circle(axis.position(row.mean, from: frame.left, to: frame.right), y, radius: 4.5, fill: colour)
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
