import RealModule

/// A small, fast, seedable random number generator (SplitMix64, Steele, Lea and Flood 2014).
///
/// Every random choice in the package takes one of these so that a run with the same seed and
/// thread count gives the same numbers. The state is one `UInt64`; the output passes BigCrush.
///
/// ```
/// z = (state += 0x9E3779B97F4A7C15)
/// z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
/// z = (z ^ (z >> 27)) * 0x94D049BB133111EB
/// return z ^ (z >> 31)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The generator's whole state.
    public var state: UInt64

    /// Creates a generator from a seed; equal seeds give equal streams.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform `Float` in `[0, 1)` built from the top 24 bits.
    @inlinable
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Double` in `[0, 1)` built from the top 53 bits.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; bias below 2^-32 for bounds under 2^32).
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// A standard normal sample (Box-Muller, one of the pair).
    @inlinable
    public mutating func nextGaussian() -> Double {
        var u = nextDouble()
        while u <= .leastNormalMagnitude { u = nextDouble() }
        let v = nextDouble()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    /// A generator for a numbered sub-stream (for a chunk of parallel work), independent of the parent.
    public func substream(_ index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: state ^ (UInt64(truncatingIfNeeded: index) &* 0xD6E8_FEB8_6659_FD93))
        return SplitMix64(seed: mixer.next())
    }
}

@usableFromInline
func _log(_ x: Double) -> Double {
    Double.log(x)
}

@usableFromInline
func _cos(_ x: Double) -> Double {
    Double.cos(x)
}
