import RecMath

/// L-BFGS (Liu and Nocedal 1989), full batch, with a backtracking Armijo line search.
///
/// Each iteration picks the direction `d = −H g` of the two-loop recursion over the last
/// `history` pairs `(s, y)` (H₀ = γ I with γ = s·y / y·y of the newest pair), tries the step
/// α = 1 (α = 1/‖g‖ on the first iteration), and shrinks it by quadratic interpolation until
/// `E(x + α d) ≤ E(x) + 10⁻⁴ α g·d`. A pair with s·y ≤ 10⁻¹⁰ is dropped, keeping H positive definite.
///
/// The recursion runs on coefficients, not on vectors (the "vector-free" form of Chen, Wang, Zhou
/// and Zhu, NeurIPS 2014): the optimizer keeps the Gram matrix of its stored vectors (the
/// directions, the gradient differences and the gradient), so `d = Σ δ_j b_j` costs one sweep over
/// the history instead of the 4 × history vector passes of the textbook loops, and that sweep also
/// yields d's products with every stored vector. After the step one more sweep forms
/// `y = g_new − g` and the products of `y` and `g_new` with the history. Per iteration that is
/// about 2 × (2 × history + 1) vector reads in total, against about 10 × history before.
///
/// Each `s = α d` is kept as the direction `d` and its step α (no pass to scale it), every stored
/// vector in one `Float` buffer. When the history is full the oldest pair is dropped before the
/// newest is formed, so a rejected newest pair leaves one pair fewer.
public struct LBFGSOptimizer {
    let history: Int

    /// A correction pair: `s = scale · D[d]`, `y = Y[y]`, `rho = 1 / s·y`.
    struct Pair: Equatable {
        var d: Int
        var y: Int
        var scale: Double
        var rho: Double
    }

    /// Live pairs, oldest first (slot numbers into `store`).
    private(set) var pairs: [Pair] = []
    /// `history + 1` direction slots (`0...history`) then `history` difference slots, each `size` floats.
    private var store: [Float] = []
    private var shapes: [(rows: Int, cols: Int)] = []
    private var offsets: [Int] = []
    private var size = 0
    private var freeD: [Int] = []
    private var freeY: [Int] = []
    /// Symmetric Gram matrix of the slots plus the gradient (index `gradientIndex`), row-major.
    private var gram: [Double] = []
    /// Whether `gram` holds the products of the live slots and the current gradient.
    private var gramValid = false
    /// The line search's gradient buffer (swapped with the caller's on acceptance).
    private var trial: [Matrix] = []

    public init(history: Int = 10) {
        self.history = history
    }

    private var slotCount: Int { 2 * history + 1 }
    private var gradientIndex: Int { slotCount }
    private var gramSide: Int { slotCount + 1 }

    /// One iteration from `params` where the objective is `loss` with gradient `gradients`;
    /// `evaluate(x, &g)` returns E(x) and writes ∇E(x) into `g`.
    ///
    /// - Returns: the new objective (params and gradients are updated in place) and how many
    ///   evaluations the line search used.
    /// - Complexity: two sweeps over the 2 × history + 1 stored vectors plus one pass over the
    ///   parameters per evaluation.
    public mutating func iterate(
        _ params: inout [Matrix], loss: Double, gradients: inout [Matrix],
        evaluate: (_ x: [Matrix], _ g: inout [Matrix]) -> Double
    ) -> (loss: Double, evaluations: Int) {
        if store.isEmpty { allocate(shapes: params.map { ($0.rows, $0.cols) }) }
        if trial.isEmpty { trial = zerosLike(params) }
        if !gramValid { rebuildGram(gradients) }
        let side = gramSide, gi = gradientIndex
        let work = freeD.removeLast()  // history + 1 direction slots, at most history pairs
        var delta = coefficients()
        var dots = combine(delta, into: work, gradients: gradients)
        var slope = dots[gi]
        if !(slope < 0) {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            clearPairs()
            delta = [Double](repeating: 0, count: side)
            delta[gi] = -1
            dots = combine(delta, into: work, gradients: gradients)
            slope = dots[gi]
        }
        for x in liveIndices() where x != gi { setGram(work, x, dots[x]) }
        setGram(work, work, dots[side])
        var alpha = pairs.isEmpty ? 1 / max(1e-12, gram[gi * side + gi].squareRoot()) : 1.0
        var evaluations = 0
        var newLoss = loss
        var moved = 0.0
        while true {
            axpyFromSlot(Float(alpha - moved), slot: work, into: &params)
            moved = alpha
            newLoss = evaluate(params, &trial)
            evaluations += 1
            if newLoss <= loss + 1e-4 * alpha * slope || evaluations >= 25 { break }
            // Minimiser of the quadratic through E(0), E'(0) and E(α), kept within [0.1α, 0.5α].
            let q = -slope * alpha * alpha / (2 * (newLoss - loss - slope * alpha))
            alpha = q.isFinite ? min(max(q, 0.1 * alpha), 0.5 * alpha) : 0.5 * alpha
        }
        if pairs.count == history {
            let oldest = pairs.removeFirst()
            freeD.append(oldest.d)
            freeY.append(oldest.y)
        }
        let ySlot = freeY.removeLast()
        differenceAndGram(ySlot: ySlot, newGradient: trial, oldGradient: gradients, extraSlots: [work])
        let sy = alpha * gram[work * side + ySlot]
        if sy > 1e-10 {
            pairs.append(Pair(d: work, y: ySlot, scale: alpha, rho: 1 / sy))
        } else {
            freeD.append(work)
            freeY.append(ySlot)
        }
        swap(&gradients, &trial)
        return (newLoss, evaluations)
    }

    // MARK: - Checkpoints

    /// The pairs as tensors, oldest first: the direction `d` (with `s = scale · d`), `y`, the scale and ρ.
    var savedPairs: [(d: [Matrix], y: [Matrix], scale: Double, rho: Double)] {
        pairs.map { p in (tensors(of: p.d), tensors(of: p.y), p.scale, p.rho) }
    }

    /// Restores pairs saved by ``savedPairs`` (oldest first); the Gram matrix is recomputed on the
    /// next iteration, with the same products an uninterrupted run kept.
    mutating func restore(pairs saved: [(d: [Matrix], y: [Matrix], scale: Double, rho: Double)]) {
        pairs = []
        guard let first = saved.first else { return }
        allocate(shapes: first.d.map { ($0.rows, $0.cols) })
        for p in saved.suffix(history) {
            let d = freeD.removeLast(), y = freeY.removeLast()
            write(p.d, toSlot: d)
            write(p.y, toSlot: y)
            pairs.append(Pair(d: d, y: y, scale: p.scale, rho: p.rho))
        }
        gramValid = false
    }

    // MARK: - Coefficients

    /// δ with `d = Σ δ_j b_j` over the slots and the gradient: the two-loop recursion run on the
    /// Gram matrix (`s_k · x = scale_k · D_k · x`).
    private func coefficients() -> [Double] {
        let side = gramSide
        var delta = [Double](repeating: 0, count: side)
        delta[gradientIndex] = 1
        func product(_ x: Int) -> Double {
            var s = 0.0
            for j in 0..<side where delta[j] != 0 { s += delta[j] * gram[j * side + x] }
            return s
        }
        var alphas = [Double](repeating: 0, count: pairs.count)
        for k in stride(from: pairs.count - 1, through: 0, by: -1) {
            let p = pairs[k]
            alphas[k] = p.rho * p.scale * product(p.d)
            delta[p.y] -= alphas[k]
        }
        if let last = pairs.last {
            let gamma = 1 / (last.rho * gram[last.y * side + last.y])
            for j in 0..<side { delta[j] *= gamma }
        }
        for k in 0..<pairs.count {
            let p = pairs[k]
            let beta = p.rho * product(p.y)
            delta[p.d] += (alphas[k] - beta) * p.scale
        }
        for j in 0..<side { delta[j] = -delta[j] }
        return delta
    }

    // MARK: - Storage

    private mutating func allocate(shapes newShapes: [(rows: Int, cols: Int)]) {
        shapes = newShapes
        offsets = []
        var total = 0
        for s in newShapes {
            offsets.append(total)
            total += s.rows * s.cols
        }
        size = total
        store = [Float](repeating: 0, count: slotCount * total)
        freeD = Array((0...history).reversed())
        freeY = Array((history + 1..<slotCount).reversed())
        gram = [Double](repeating: 0, count: gramSide * gramSide)
        gramValid = false
    }

    private mutating func clearPairs() {
        for p in pairs {
            freeD.append(p.d)
            freeY.append(p.y)
        }
        pairs.removeAll()
    }

    /// Gram indices of the live pairs' slots, then the gradient.
    private func liveIndices() -> [Int] { pairs.map(\.d) + pairs.map(\.y) + [gradientIndex] }

    private mutating func setGram(_ a: Int, _ b: Int, _ v: Double) {
        gram[a * gramSide + b] = v
        gram[b * gramSide + a] = v
    }

    private func tensors(of slot: Int) -> [Matrix] {
        shapes.indices.map { t in
            let lo = slot * size + offsets[t]
            return Matrix(rows: shapes[t].rows, cols: shapes[t].cols,
                          storage: Array(store[lo..<lo + shapes[t].rows * shapes[t].cols]))
        }
    }

    private mutating func write(_ x: [Matrix], toSlot slot: Int) {
        for t in x.indices {
            let lo = slot * size + offsets[t]
            store.replaceSubrange(lo..<lo + x[t].storage.count, with: x[t].storage)
        }
    }

    // MARK: - Sweeps

    /// Chunks of one tensor for the sweeps; fixed for a tensor size and thread count, so every
    /// product is summed in the same order whichever sweep computes it.
    private static let chunk = 16_384

    /// Runs `body(tensor, slotBase, gradient)` per tensor with the store's base pointer and that
    /// tensor's gradient.
    private mutating func perTensor(
        _ g: [Matrix], _ body: (Int, UnsafeMutablePointer<Float>, UnsafePointer<Float>) -> Void
    ) {
        let offsets = offsets
        store.withUnsafeMutableBufferPointer { st in
            guard let base = st.baseAddress else { return }
            for t in g.indices {
                g[t].storage.withUnsafeBufferPointer { gp in
                    guard let gb = gp.baseAddress else { return }
                    body(t, base + offsets[t], gb)
                }
            }
        }
    }

    /// Sums per-chunk partials of `width` products over every chunk of a tensor of `n` floats.
    private static func reduceChunks(
        _ n: Int, width: Int, into total: inout [Double],
        _ body: (_ range: Range<Int>, _ partial: UnsafeMutablePointer<Double>) -> Void
    ) {
        let chunks = max(1, parallelChunkCount(n, minimumChunk: chunk))
        var partials = [Double](repeating: 0, count: chunks * width)
        partials.withUnsafeMutableBufferPointer { ps in
            nonisolated(unsafe) let ps = ps  // chunk c writes partials c·width..<(c+1)·width only
            parallelFor(n, minimumChunk: chunk) { range, c in body(range, ps.baseAddress! + c * width) }
        }
        for c in 0..<chunks {
            for j in 0..<width { total[j] += partials[c * width + j] }
        }
    }

    /// Writes `d = Σ δ_j b_j` into slot `work` and returns d·b_x for every Gram index x of a live
    /// vector (zero elsewhere) and, at index `gramSide`, d·d.
    private mutating func combine(_ delta: [Double], into work: Int, gradients: [Matrix]) -> [Double] {
        let live = liveIndices(), gi = gradientIndex, size = size
        var dots = [Double](repeating: 0, count: live.count + 1)
        let coefficients = live.map { Float(delta[$0]) }
        perTensor(gradients) { t, base, g in
            let n = gradients[t].storage.count
            let out = base + work * size  // chunks write disjoint ranges
            // The sources, then the products' operands: the sources and d itself (read only while
            // the chunks run).
            nonisolated(unsafe) let sources = live.map { $0 == gi ? g : UnsafePointer(base + $0 * size) }
                + [UnsafePointer(out)]
            nonisolated(unsafe) let target = out
            Self.reduceChunks(n, width: live.count + 1, into: &dots) { range, partial in
                let lo = range.lowerBound
                withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: sources.count) { xs in
                    for j in sources.indices { xs[j] = sources[j] + lo }
                    coefficients.withUnsafeBufferPointer { c in
                        Kernels.combineAndDot(UnsafePointer(xs.baseAddress!), c.baseAddress!, live.count,
                                              target + lo, range.count, products: UnsafePointer(xs.baseAddress!),
                                              sources.count, dots: partial)
                    }
                }
            }
        }
        var byIndex = [Double](repeating: 0, count: gramSide + 1)
        for (j, x) in live.enumerated() { byIndex[x] = dots[j] }
        byIndex[gramSide] = dots[live.count]
        return byIndex
    }

    /// Forms `y = newGradient − oldGradient` in `ySlot` and sets the Gram rows of `y` and of the
    /// gradient (now `newGradient`) against the live slots, `extraSlots`, `y` and the gradient.
    private mutating func differenceAndGram(
        ySlot: Int, newGradient: [Matrix], oldGradient: [Matrix], extraSlots: [Int]
    ) {
        let gi = gradientIndex, size = size
        let others = pairs.map(\.d) + extraSlots + pairs.map(\.y) + [ySlot, gi]
        var dots = [Double](repeating: 0, count: 2 * others.count)
        store.withUnsafeMutableBufferPointer { st in
            let base = st.baseAddress!
            for t in newGradient.indices {
                let n = newGradient[t].storage.count
                newGradient[t].storage.withUnsafeBufferPointer { gNew in
                    oldGradient[t].storage.withUnsafeBufferPointer { gOld in
                        let tb = base + offsets[t]
                        // Read only while the chunks run (y's chunk is written by its own chunk only).
                        nonisolated(unsafe) let sources =
                            others.map { $0 == gi ? gNew.baseAddress! : UnsafePointer(tb + $0 * size) }
                        nonisolated(unsafe) let (y, gn, go) = (tb + ySlot * size, gNew.baseAddress!, gOld.baseAddress!)
                        let width = others.count
                        Self.reduceChunks(n, width: 2 * width, into: &dots) { range, partial in
                            // Block by block, so y's block is still in cache for its products.
                            var lo = range.lowerBound
                            sources.withUnsafeBufferPointer { xs in
                                while lo < range.upperBound {
                                    let m = min(Kernels.historyBlock, range.upperBound - lo)
                                    Kernels.difference(gn + lo, go + lo, y + lo, m)
                                    Kernels.dotsBlock(y + lo, gn + lo, xs.baseAddress!, width, offset: lo, m,
                                                      into: partial, partial + width)
                                    lo += m
                                }
                            }
                        }
                    }
                }
            }
        }
        let width = others.count
        for (j, x) in others.enumerated() {
            setGram(ySlot, x, dots[j])
            setGram(gi, x, dots[width + j])
        }
        gramValid = true
    }

    /// Recomputes every product of the live slots and `gradients` (after a restore, or at the start).
    private mutating func rebuildGram(_ gradients: [Matrix]) {
        let live = liveIndices(), gi = gradientIndex, size = size, width = live.count
        var dots = [Double](repeating: 0, count: width * width)
        perTensor(gradients) { t, base, g in
            let n = gradients[t].storage.count
            nonisolated(unsafe) let sources = live.map { $0 == gi ? g : UnsafePointer(base + $0 * size) }  // read only
            Self.reduceChunks(n, width: width * width, into: &dots) { range, partial in
                withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: width) { xs in
                    for j in 0..<width { xs[j] = sources[j] + range.lowerBound }
                    Kernels.blockDots(UnsafePointer(xs.baseAddress!), width, UnsafePointer(xs.baseAddress!), width,
                                      range.count, into: partial)
                }
            }
        }
        for (i, a) in live.enumerated() {
            for (j, b) in live.enumerated() { gram[a * gramSide + b] = dots[i * width + j] }
        }
        gramValid = true
    }

    /// params ← params + a · D[slot].
    private func axpyFromSlot(_ a: Float, slot: Int, into params: inout [Matrix]) {
        store.withUnsafeBufferPointer { st in
            for t in params.indices {
                let n = params[t].storage.count
                nonisolated(unsafe) let d = st.baseAddress! + slot * size + offsets[t]  // read only
                params[t].storage.withUnsafeMutableBufferPointer { ps in
                    nonisolated(unsafe) let ps = ps  // chunks write disjoint ranges
                    parallelFor(n, minimumChunk: 65_536) { range, _ in
                        Kernels.axpy(a, d + range.lowerBound, ps.baseAddress! + range.lowerBound, range.count)
                    }
                }
            }
        }
    }
}

/// Zero matrices of the same shapes.
func zerosLike(_ x: [Matrix]) -> [Matrix] { x.map { Matrix(rows: $0.rows, cols: $0.cols) } }
