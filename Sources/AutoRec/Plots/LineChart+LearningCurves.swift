extension LineChart {
    /// One run's curves for ``learningCurves(title:runs:)``: a label and its epoch records.
    public struct Run: Sendable {
        /// Prefix of the run's series names (empty for a single run).
        public var label: String
        /// The epochs, in order.
        public var epochs: [EpochRecord]

        /// Creates a run.
        public init(label: String, epochs: [EpochRecord]) {
            self.label = label
            self.epochs = epochs
        }
    }

    /// Learning curves: for each run, its training RMSE per epoch (dashed) and, when it was
    /// validated, its validation RMSE per epoch (solid), x = epoch and y = RMSE.
    ///
    /// Series are named `train RMSE` and `validation RMSE`, prefixed with the run's label when it
    /// has one (`l2=30 validation RMSE`).
    ///
    /// - Parameters:
    ///   - title: The chart title (say the data set and the model).
    ///   - runs: The runs, each drawn in its own colour pair.
    /// - Returns: The chart, ready for ``svg()`` or ``write(to:)``.
    public static func learningCurves(title: String, runs: [Run]) -> LineChart {
        var chart = LineChart(title: title, xLabel: "epoch", yLabel: "RMSE")
        for run in runs {
            let prefix = run.label.isEmpty ? "" : run.label + " "
            chart.series.append(Series(name: prefix + "train RMSE",
                                       points: run.epochs.map { Point(Double($0.epoch), $0.trainRMSE) },
                                       dashed: true))
            if run.epochs.contains(where: { $0.validationRMSE != nil }) {
                chart.series.append(Series(
                    name: prefix + "validation RMSE",
                    points: run.epochs.map { Point(Double($0.epoch), $0.validationRMSE ?? .nan) }))
            }
        }
        return chart
    }
}
