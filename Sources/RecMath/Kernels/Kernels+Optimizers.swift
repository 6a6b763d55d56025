extension Kernels {
    /// One Adam step (Kingma and Ba 2015) over `n` parameters:
    ///
    /// ```
    /// m ← β1 m + (1 − β1) g
    /// v ← β2 v + (1 − β2) g²
    /// p ← p − lr · (m / c1) / (√(v / c2) + ε)      c1 = 1 − β1^t, c2 = 1 − β2^t
    /// ```
    @inlinable
    public static func adam(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, _ n: Int,
        learningRate lr: Float, beta1 b1: Float, beta2 b2: Float, epsilon: Float, correction1 c1: Float,
        correction2 c2: Float
    ) {
        let a1 = 1 - b1, a2 = 1 - b2
        let step = lr / c1, inv2 = 1 / c2
        for i in 0..<n {
            let gi = g[i]
            let mi = b1 * m[i] + a1 * gi
            let vi = b2 * v[i] + a2 * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] -= step * mi / ((vi * inv2).squareRoot() + epsilon)
        }
    }

    /// One heavy-ball momentum SGD step: `u ← momentum · u + g;  p ← p − lr · u`.
    @inlinable
    public static func momentumStep(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ n: Int,
        learningRate lr: Float, momentum mu: Float
    ) {
        for i in 0..<n {
            let ui = mu * u[i] + g[i]
            u[i] = ui
            p[i] -= lr * ui
        }
    }

    /// One iRprop− step (Igel and Hüsken 2000): per-parameter step sizes `d` grow by 1.2 while the
    /// gradient keeps its sign and shrink by 0.5 when it flips (and that gradient is then ignored);
    /// `p ← p − sign(g) · d`. `previous` keeps the gradient used last time.
    @inlinable
    public static func rprop(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ previous: UnsafeMutablePointer<Float>,
        _ d: UnsafeMutablePointer<Float>, _ n: Int, minimumStep: Float, maximumStep: Float
    ) {
        for i in 0..<n {
            var gi = g[i]
            let s = gi * previous[i]
            if s > 0 {
                d[i] = min(d[i] * 1.2, maximumStep)
            } else if s < 0 {
                d[i] = max(d[i] * 0.5, minimumStep)
                gi = 0
            }
            if gi > 0 { p[i] -= d[i] } else if gi < 0 { p[i] += d[i] }
            previous[i] = gi
        }
    }
}
