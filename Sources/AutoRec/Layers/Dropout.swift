import RecMath

/// Inverted dropout on a layer's output: each unit is kept with probability 1 − p and then
/// scaled by 1/(1 − p), so the expected output is unchanged and inference needs no rescaling.
struct Dropout {
    /// Probability of dropping a unit.
    let probability: Float

    /// Draws a fresh mask (0 or 1/(1 − p) per element, in element order from `rng`) and writes
    /// `outputs ⊙ mask` into `dropped`.
    func forward(_ outputs: Matrix, mask: inout [Float], dropped: inout Matrix, using rng: inout SplitMix64) {
        let keep = 1 / (1 - probability)
        if mask.count != outputs.storage.count { mask = [Float](repeating: 0, count: outputs.storage.count) }
        for c in 0..<mask.count { mask[c] = rng.nextFloat() < probability ? 0 : keep }
        dropped = outputs
        for c in 0..<mask.count { dropped.storage[c] *= mask[c] }
    }
}
