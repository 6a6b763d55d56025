import Foundation

/// One axis of a chart: a range with "nice" tick values (1, 2, 2.5 or 5 times a power of ten) and
/// a map from values to pixels.
struct PlotAxis {
    /// The axis range, widened to whole ticks.
    var lower: Double
    var upper: Double
    /// Tick values from `lower` to `upper`.
    var ticks: [Double]
    /// Decimals the tick labels need.
    var decimals: Int

    /// An axis covering `minimum...maximum` with about `count` ticks; a flat or empty range is
    /// widened so it still has ticks.
    init(minimum: Double, maximum: Double, count: Int = 5, integers: Bool = false) {
        var lo = minimum.isFinite ? minimum : 0
        var hi = maximum.isFinite ? maximum : 1
        if hi < lo { swap(&lo, &hi) }
        if hi - lo < 1e-12 {
            let pad = Swift.max(abs(lo) * 0.05, integers ? 1 : 0.01)
            lo -= pad
            hi += pad
        }
        let raw = (hi - lo) / Double(Swift.max(1, count))
        let power = pow(10, (log10(raw)).rounded(.down))
        var step = power
        for m in [1.0, 2, 2.5, 5, 10] where power * m >= raw {
            step = power * m
            break
        }
        if integers { step = Swift.max(1, step.rounded(.up)) }
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
        var values = [Double]()
        var k = 0
        while true {
            let v = lower + Double(k) * step
            if v > upper + step * 1e-9 || k > 100 { break }
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        ticks = values
        // Enough decimals to tell neighbouring ticks apart (2.5 needs one more than its power).
        let stepDecimals = Swift.max(0, Int((-log10(step)).rounded(.up)))
        decimals = integers ? 0 : stepDecimals + ((step / pow(10, -Double(stepDecimals))).truncatingRemainder(dividingBy: 1) > 1e-9 ? 1 : 0)
    }

    /// The label of tick `v`.
    func label(_ v: Double) -> String { String(format: "%.\(decimals)f", v) }

    /// Where `v` falls between pixel `from` (at `lower`) and pixel `to` (at `upper`).
    func position(_ v: Double, from: Double, to: Double) -> Double {
        from + (v - lower) / (upper - lower) * (to - from)
    }
}
