import RecMath

/// L-BFGS (Liu and Nocedal 1989), full batch, with a backtracking Armijo line search.
///
/// Each iteration picks the direction `d = −H g` by the two-loop recursion over the last
/// `history` pairs `(s, y)` (H₀ = γ I with γ = s·y / y·y of the newest pair), tries the step
/// α = 1 (α = 1/‖g‖ on the first iteration), and halves it by quadratic interpolation until
/// `E(x + α d) ≤ E(x) + 10⁻⁴ α g·d`. A pair with s·y ≤ 10⁻¹⁰ is skipped, keeping H positive definite.
public struct LBFGSOptimizer {
    let history: Int
    var pairs: [(s: [Matrix], y: [Matrix], rho: Double)] = []

    public init(history: Int = 10) {
        self.history = history
    }

    /// One iteration from `params` where the objective is `loss` with gradient `gradients`;
    /// `evaluate(x, &g)` returns E(x) and writes ∇E(x) into `g`.
    ///
    /// - Returns: the new objective (params and gradients are updated in place) and how many
    ///   evaluations the line search used.
    public mutating func iterate(
        _ params: inout [Matrix], loss: Double, gradients: inout [Matrix],
        evaluate: (_ x: [Matrix], _ g: inout [Matrix]) -> Double
    ) -> (loss: Double, evaluations: Int) {
        var d = gradients.map { $0 }
        var alphas = [Double](repeating: 0, count: pairs.count)
        for k in stride(from: pairs.count - 1, through: 0, by: -1) {
            alphas[k] = pairs[k].rho * dotAll(pairs[k].s, d)
            axpyAll(-Float(alphas[k]), pairs[k].y, &d)
        }
        if let last = pairs.last {
            let gamma = 1 / (last.rho * dotAll(last.y, last.y))
            scaleAll(Float(gamma), &d)
        }
        for k in 0..<pairs.count {
            let beta = pairs[k].rho * dotAll(pairs[k].y, d)
            axpyAll(Float(alphas[k] - beta), pairs[k].s, &d)
        }
        scaleAll(-1, &d)
        var slope = dotAll(gradients, d)
        if !(slope < 0) {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            pairs.removeAll()
            d = gradients.map { $0 }
            scaleAll(-1, &d)
            slope = dotAll(gradients, d)
        }
        var alpha = pairs.isEmpty ? 1 / max(1e-12, dotAll(gradients, gradients).squareRoot()) : 1.0
        let x0 = params
        var trial = gradients
        var evaluations = 0
        var newLoss = loss
        while true {
            params = x0
            axpyAll(Float(alpha), d, &params)
            newLoss = evaluate(params, &trial)
            evaluations += 1
            if newLoss <= loss + 1e-4 * alpha * slope || evaluations >= 25 { break }
            // Minimiser of the quadratic through E(0), E'(0) and E(α), kept within [0.1α, 0.5α].
            let q = -slope * alpha * alpha / (2 * (newLoss - loss - slope * alpha))
            alpha = q.isFinite ? min(max(q, 0.1 * alpha), 0.5 * alpha) : 0.5 * alpha
        }
        var s = d
        scaleAll(Float(alpha), &s)
        var y = trial
        axpyAll(-1, gradients, &y)
        let sy = dotAll(s, y)
        if sy > 1e-10 {
            if pairs.count == history { pairs.removeFirst() }
            pairs.append((s, y, 1 / sy))
        }
        gradients = trial
        return (newLoss, evaluations)
    }
}

/// Σ over tensors of x·y, in Double with one partial per chunk.
func dotAll(_ x: [Matrix], _ y: [Matrix]) -> Double {
    var total = 0.0
    for t in 0..<x.count {
        let n = x[t].storage.count
        var partial = [Double](repeating: 0, count: max(1, parallelChunkCount(n, minimumChunk: 32_768)))
        x[t].storage.withUnsafeBufferPointer { xs in
            y[t].storage.withUnsafeBufferPointer { ys in
                partial.withUnsafeMutableBufferPointer { ps in
                    nonisolated(unsafe) let (xs, ys, ps) = (xs, ys, ps)  // chunk c writes partial c only
                    parallelFor(n, minimumChunk: 32_768) { range, c in
                        ps[c] = Double(Kernels.dot(xs.baseAddress! + range.lowerBound,
                                                   ys.baseAddress! + range.lowerBound, range.count))
                    }
                }
            }
        }
        total += partial.reduce(0, +)
    }
    return total
}

/// y ← y + a·x for every tensor.
func axpyAll(_ a: Float, _ x: [Matrix], _ y: inout [Matrix]) {
    for t in 0..<x.count { y[t].add(x[t], scaledBy: a) }
}

/// x ← a·x for every tensor.
func scaleAll(_ a: Float, _ x: inout [Matrix]) {
    for t in 0..<x.count {
        let n = x[t].storage.count
        x[t].storage.withUnsafeMutableBufferPointer { xs in
            nonisolated(unsafe) let xs = xs  // chunks write disjoint ranges
            parallelFor(n, minimumChunk: 32_768) { range, _ in
                for i in range { xs[i] *= a }
            }
        }
    }
}
