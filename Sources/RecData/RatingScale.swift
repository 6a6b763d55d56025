/// The range and step of the ratings in a data set, read from the data.
///
/// MovieLens 100K/1M: 1...5 step 1; MovieLens 10M and later: 0.5...5 step 0.5; scores: 1...100.
/// Predictions are clipped to `minimum...maximum`.
public struct RatingScale: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Smallest rating seen.
    public var minimum: Float
    /// Largest rating seen.
    public var maximum: Float
    /// The largest step that every rating is a multiple of (away from `minimum`), or 0 when the
    /// ratings are not on a grid (continuous scores).
    public var step: Float

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

    /// `value` clipped to `minimum...maximum`.
    @inlinable
    public func clip(_ value: Float) -> Float { min(max(value, minimum), maximum) }

    /// `1-5 (step 1)`.
    public var description: String {
        func f(_ x: Float) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        return step > 0 ? "\(f(minimum))-\(f(maximum)) (step \(f(step)))" : "\(f(minimum))-\(f(maximum))"
    }
}
