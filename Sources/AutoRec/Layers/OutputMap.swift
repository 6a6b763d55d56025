import RecMath

/// The decoder's activation followed by an affine stretch onto the rating scale:
/// `r̂ = offset + gain · f(z)`.
///
/// A bounded decoder (sigmoid, tanh) with an ``AutoRecConfiguration/outputRange`` maps f's output
/// interval (a, b) onto [low, high]: `gain = (high − low) / (b − a)`, `offset = low − gain · a`.
/// Everything else is f itself (offset 0, gain 1). The layers compute f(z); the network stretches
/// the outputs and puts `gain · f'(z)` into the chain rule, so the loss stays in rating units and λ
/// keeps its meaning.
struct OutputMap: Sendable {
    /// f.
    let activation: Activation
    let offset: Float
    let gain: Float

    init(activation: Activation, range: AutoRecConfiguration.OutputRange?) {
        self.activation = activation
        if let range, let (a, b) = activation.outputBounds, range.high > range.low {
            gain = (range.high - range.low) / (b - a)
            offset = range.low - gain * a
        } else {
            gain = 1
            offset = 0
        }
    }

    /// Whether the outputs are f's own (nothing to stretch).
    var isPlain: Bool { gain == 1 && offset == 0 }

    /// The activation the loss should differentiate through: f when plain, otherwise identity
    /// (the stretch's chain factor is applied by ``chain(outputs:delta:)``).
    var lossActivation: Activation { isPlain ? activation : .identity }

    /// `offset + gain · f(z)`.
    @inline(__always)
    func apply(_ z: Float) -> Float { offset + gain * activation.apply(z) }

    /// Stretches outputs already holding f(z), in place.
    func stretch(_ values: inout [Float]) {
        guard !isPlain else { return }
        let (o, g) = (offset, gain)
        values.withUnsafeMutableBufferPointer { p in
            nonisolated(unsafe) let p = p  // chunks write disjoint ranges
            parallelFor(p.count, minimumChunk: 65_536) { range, _ in
                for i in range { p[i] = o + g * p[i] }
            }
        }
    }

    /// `delta[e] ← delta[e] · gain · f'(z_e)`, from the stretched outputs (∂loss/∂r̂ in, ∂loss/∂z out).
    func chain(outputs: [Float], delta: inout [Float]) {
        guard !isPlain else { return }
        precondition(outputs.count == delta.count, "OutputMap.chain: \(outputs.count) outputs, \(delta.count) deltas")
        let (o, g, f) = (offset, gain, activation)
        outputs.withUnsafeBufferPointer { y in
            delta.withUnsafeMutableBufferPointer { d in
                nonisolated(unsafe) let (y, d) = (y, d)  // chunks write disjoint ranges
                parallelFor(d.count, minimumChunk: 65_536) { range, _ in
                    for i in range { d[i] *= g * f.derivative(output: (y[i] - o) / g) }
                }
            }
        }
    }
}

extension AutoRecConfiguration {
    /// The decoder with its stretch onto ``outputRange``.
    var outputMap: OutputMap { OutputMap(activation: decoder, range: outputRange) }
}
