/// The range and step of the ratings in a data set.
///
/// MovieLens 100K/1M: 1...5 step 1; MovieLens 10M and later: 0.5...5 step 0.5; scores: 1...100.
/// A MovieLens file gets its release's scale (``KnownScale``), other files the scale read from
/// their ratings unless one is given. Predictions are clipped to `minimum...maximum`.
public struct RatingScale: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Smallest rating seen.
    public var minimum: Float
    /// Largest rating seen.
    public var maximum: Float
    /// The largest step that every rating is a multiple of (away from `minimum`), or 0 when the
    /// ratings are not on a grid (continuous scores).
    public var step: Float

    /// Whole stars, 1...5 step 1 (MovieLens 100K and 1M).
    public static let stars = RatingScale(minimum: 1, maximum: 5, step: 1)
    /// Half stars, 0.5...5 step 0.5 (MovieLens 10M, 20M, 25M, 32M and latest).
    public static let halfStars = RatingScale(minimum: 0.5, maximum: 5, step: 0.5)

    /// A scale with the given bounds and step (0 for no grid); see ``problem`` for the checks.
    public init(minimum: Float, maximum: Float, step: Float) {
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
    }

    /// Reads the scale from ratings: min, max and the coarsest grid among 1, 0.5, 0.25, 0.1 that fits.
    public init(observing ratings: some Sequence<Float>) {
        var lo = Float.infinity
        var hi = -Float.infinity
        var onGrid: [(Float, Bool)] = [(1, true), (0.5, true), (0.25, true), (0.1, true)]
        for r in ratings {
            lo = min(lo, r)
            hi = max(hi, r)
            for g in 0..<onGrid.count where onGrid[g].1 {
                let q = r / onGrid[g].0
                if abs(q - q.rounded()) > 1e-3 { onGrid[g].1 = false }
            }
        }
        if lo > hi {
            self.init(minimum: 0, maximum: 0, step: 0)
            return
        }
        self.init(minimum: lo, maximum: hi, step: onGrid.first(where: { $0.1 })?.0 ?? 0)
    }

    /// Reads `minimum:maximum` or `minimum:maximum:step`, as typed after `--scale`.
    ///
    /// - Parameter text: For example `1:5`, `0.5:5:0.5`, `1:100:1`.
    /// - Returns: The scale (step 0 when none is given), or `nil` when the text is not two or
    ///   three numbers separated by `:`, or when the step is given and not positive. Check
    ///   ``problem`` for the bounds.
    public init?(argument text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let values = parts.map { Float(String($0)) }
        guard let lo = values[0], let hi = values[1] else { return nil }
        var step: Float = 0
        if values.count == 3 {
            guard let s = values[2], s > 0 else { return nil }
            step = s
        }
        self.init(minimum: lo, maximum: hi, step: step)
    }

    /// Why the scale cannot be used, or `nil`: both bounds finite with `minimum < maximum`, and
    /// a finite step that is 0 (no grid) or positive.
    public var problem: String? {
        guard minimum.isFinite, maximum.isFinite else {
            return
                "the bounds must be finite numbers, not \(Self.format(minimum)) and \(Self.format(maximum))"
        }
        guard minimum < maximum else {
            return "the minimum \(Self.format(minimum)) must be below the maximum \(Self.format(maximum))"
        }
        guard step.isFinite, step >= 0 else {
            return "the step must be a positive number, not \(Self.format(step))"
        }
        return nil
    }

    /// Whether `value` lies in `minimum...maximum` and, when there is a step, on the grid
    /// `minimum + k · step` (within a thousandth of a step, for decimal steps such as 0.1).
    @inlinable
    public func contains(_ value: Float) -> Bool {
        guard value >= minimum, value <= maximum else { return false }
        guard step > 0 else { return true }
        let q = (value - minimum) / step
        return abs(q - q.rounded()) <= 1e-3
    }

    /// `value` clipped to `minimum...maximum`.
    @inlinable
    public func clip(_ value: Float) -> Float { min(max(value, minimum), maximum) }

    /// `1-5 (step 1)`.
    public var description: String {
        let f = Self.format
        return step > 0 ? "\(f(minimum))-\(f(maximum)) (step \(f(step)))" : "\(f(minimum))-\(f(maximum))"
    }

    /// A rating as people write it: `4` rather than `4.0`, `3.5`; huge, infinite and NaN
    /// values as Swift prints them (`1e+19`, `inf`), never through an integer conversion that
    /// could trap.
    public static func format(_ x: Float) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
