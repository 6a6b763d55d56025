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
    // Buffers reused from one iteration to the next: allocating (and first touching) a few
    // parameter-sized arrays per iteration cost as much as the arithmetic on ML-1M.
    private var direction: [Matrix] = []
    private var start: [Matrix] = []
    private var trial: [Matrix] = []
    private var spare: (s: [Matrix], y: [Matrix])?

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
        if direction.isEmpty {
            direction = zerosLike(params)
            start = zerosLike(params)
            trial = zerosLike(params)
        }
        copyAll(gradients, into: &direction)
        var alphas = [Double](repeating: 0, count: pairs.count)
        for k in stride(from: pairs.count - 1, through: 0, by: -1) {
            alphas[k] = pairs[k].rho * dotAll(pairs[k].s, direction)
            axpyAll(-Float(alphas[k]), pairs[k].y, &direction)
        }
        if let last = pairs.last {
            let gamma = 1 / (last.rho * dotAll(last.y, last.y))
            scaleAll(Float(gamma), &direction)
        }
        for k in 0..<pairs.count {
            let beta = pairs[k].rho * dotAll(pairs[k].y, direction)
            axpyAll(Float(alphas[k] - beta), pairs[k].s, &direction)
        }
        scaleAll(-1, &direction)
        var slope = dotAll(gradients, direction)
        if !(slope < 0) {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            pairs.removeAll()
            copyAll(gradients, into: &direction)
            scaleAll(-1, &direction)
            slope = dotAll(gradients, direction)
        }
        var alpha = pairs.isEmpty ? 1 / max(1e-12, dotAll(gradients, gradients).squareRoot()) : 1.0
        copyAll(params, into: &start)
        var evaluations = 0
        var newLoss = loss
        while true {
            copyAll(start, into: &params)
            axpyAll(Float(alpha), direction, &params)
            newLoss = evaluate(params, &trial)
            evaluations += 1
            if newLoss <= loss + 1e-4 * alpha * slope || evaluations >= 25 { break }
            // Minimiser of the quadratic through E(0), E'(0) and E(α), kept within [0.1α, 0.5α].
            let q = -slope * alpha * alpha / (2 * (newLoss - loss - slope * alpha))
            alpha = q.isFinite ? min(max(q, 0.1 * alpha), 0.5 * alpha) : 0.5 * alpha
        }
        // The new pair reuses the buffers of the pair it replaces.
        var s: [Matrix], y: [Matrix]
        if let b = spare {
            (s, y) = b
            spare = nil
        } else if pairs.count == history {
            let oldest = pairs.removeFirst()
            (s, y) = (oldest.s, oldest.y)
        } else {
            (s, y) = (zerosLike(params), zerosLike(params))
        }
        copyAll(direction, into: &s)
        scaleAll(Float(alpha), &s)
        copyAll(trial, into: &y)
        axpyAll(-1, gradients, &y)
        let sy = dotAll(s, y)
        if sy > 1e-10 {
            if pairs.count == history { pairs.removeFirst() }
            pairs.append((s, y, 1 / sy))
        } else {
            spare = (s, y)
        }
        swap(&gradients, &trial)
        return (newLoss, evaluations)
    }
}

/// Zero matrices of the same shapes.
func zerosLike(_ x: [Matrix]) -> [Matrix] { x.map { Matrix(rows: $0.rows, cols: $0.cols) } }

/// dst ← src element-wise into dst's existing storage (no allocation once dst is uniquely owned).
func copyAll(_ src: [Matrix], into dst: inout [Matrix]) {
    for t in 0..<src.count {
        let n = src[t].storage.count
        src[t].storage.withUnsafeBufferPointer { xs in
            dst[t].storage.withUnsafeMutableBufferPointer { ys in
                nonisolated(unsafe) let (xs, ys) = (xs, ys)  // chunks write disjoint ranges
                parallelFor(n, minimumChunk: 65_536) { range, _ in
                    (ys.baseAddress! + range.lowerBound).update(from: xs.baseAddress! + range.lowerBound,
                                                                count: range.count)
                }
            }
        }
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
                        ps[c] = Kernels.dotAccurate(xs.baseAddress! + range.lowerBound,
                                                 ys.baseAddress! + range.lowerBound, range.count)
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
