extension Kernels {
    /// One SGD step on a pair of factor vectors (matrix factorisation, Funk / Koren):
    ///
    /// ```
    /// p ← p + γ (e·q − λ·p)
    /// q ← q + γ (e·p_old − λ·q)
    /// ```
    /// over `n` floats, where `e` is the prediction error r − r̂ and both updates read the old
    /// values. Eight lanes at a time with a scalar tail; plain `*` and `+`.
    ///
    /// - Parameters:
    ///   - p: The user's factors (updated in place).
    ///   - q: The item's factors (updated in place); must not overlap `p`.
    ///   - n: The number of factors.
    ///   - error: e.
    ///   - rate: γ.
    ///   - penalty: λ.
    /// - Complexity: O(n), no allocation.
    @inlinable
    public static func factorPairStep(
        _ p: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ n: Int,
        error e: Float, rate g: Float, penalty l: Float
    ) {
        let ev = SIMD8<Float>(repeating: e)
        let gv = SIMD8<Float>(repeating: g)
        let lv = SIMD8<Float>(repeating: l)
        let rp = UnsafeMutableRawPointer(p)
        let rq = UnsafeMutableRawPointer(q)
        var c = 0
        while c + 8 <= n {
            let o = c &* 4
            let pv = rp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let qv = rq.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            rp.storeBytes(of: pv + gv * (ev * qv - lv * pv), toByteOffset: o, as: SIMD8<Float>.self)
            rq.storeBytes(of: qv + gv * (ev * pv - lv * qv), toByteOffset: o, as: SIMD8<Float>.self)
            c &+= 8
        }
        while c < n {
            let pc = p[c]
            let qc = q[c]
            p[c] = pc + g * (e * qc - l * pc)
            q[c] = qc + g * (e * pc - l * qc)
            c &+= 1
        }
    }
}
