import RecMath
import RealModule

/// An optimizer that updates parameters from their gradient, one step at a time.
///
/// State (moments, step sizes) is made on the first step from the parameters' shapes, and can be
/// read and restored by name for checkpoints.
public protocol Optimizer {
    /// p ← update(p, g) for every tensor.
    mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float)
    /// The optimizer's state, by name (empty before the first step).
    var state: [String: Matrix] { get set }
    /// ``step(_:gradients:learningRate:)`` on the gradient plus the L2 term `decay[t] · p` of each
    /// tensor t, added here rather than by the caller, so an optimizer can fold it into its own pass.
    ///
    /// - Returns: the penalty Σ_t (decay[t] / 2) ‖p_t‖² at the parameters before the step.
    mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float, decay: [Float]) -> Double
}

extension Optimizer {
    /// The unfused form: adds the L2 term to a copy of the gradient, then steps.
    public mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float, decay: [Float])
        -> Double
    {
        var g = gradients
        var penalty = 0.0
        for t in params.indices where decay[t] > 0 {
            g[t].add(params[t], scaledBy: decay[t])
            penalty += 0.5 * Double(decay[t]) * params[t].sumOfSquares()
        }
        step(&params, gradients: g, learningRate: learningRate)
        return penalty
    }
}

/// Runs `body(p, g, state..., n)` over every tensor, on contiguous chunks split over threads.
///
/// Each optimizer keeps one or two state tensors per parameter tensor. They are moved out of
/// `states` while their buffers are borrowed, so every pointer lives only inside its closure.
func forEachChunk(
    _ params: inout [Matrix], _ grads: [Matrix], _ states: inout [[Matrix]],
    _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>], Int) -> Void
) {
    precondition(states.count <= 2, "forEachChunk: at most two state tensors, got \(states.count)")
    for t in 0..<params.count {
        let n = params[t].storage.count
        var first = Matrix(rows: 0, cols: 0), second = Matrix(rows: 0, cols: 0)
        if states.count > 0 { swap(&first, &states[0][t]) }
        if states.count > 1 { swap(&second, &states[1][t]) }
        let count = states.count
        first.storage.withUnsafeMutableBufferPointer { a in
            second.storage.withUnsafeMutableBufferPointer { b in
                grads[t].storage.withUnsafeBufferPointer { gs in
                    params[t].storage.withUnsafeMutableBufferPointer { ps in
                        let statePointers = [a.baseAddress, b.baseAddress].prefix(count).compactMap { $0 }
                        nonisolated(unsafe) let (gs, ps, pointers) = (gs, ps, statePointers)  // chunks touch disjoint ranges
                        parallelFor(n, minimumChunk: 32_768) { range, _ in
                            let lo = range.lowerBound
                            body(ps.baseAddress! + lo, gs.baseAddress! + lo, pointers.map { $0 + lo }, range.count)
                        }
                    }
                }
            }
        }
        if states.count > 0 { swap(&first, &states[0][t]) }
        if states.count > 1 { swap(&second, &states[1][t]) }
    }
}

/// Adam, mini-batch.
public struct AdamOptimizer: Optimizer {
    var beta1: Float, beta2: Float, epsilon: Float
    var t = 0
    var moments: [[Matrix]] = []

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Makes the moments on the first step, counts the step and returns the bias corrections.
    private mutating func begin(_ params: [Matrix]) -> (c1: Float, c2: Float) {
        if moments.isEmpty {
            let zero = params.map { Matrix(rows: $0.rows, cols: $0.cols) }
            moments = [zero, zero]
        }
        t += 1
        return (1 - Float.pow(beta1, t), 1 - Float.pow(beta2, t))
    }

    public mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float) {
        let (c1, c2) = begin(params)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        forEachChunk(&params, gradients, &moments) { p, g, s, n in
            Kernels.adam(p, g, s[0], s[1], n, learningRate: learningRate, beta1: b1, beta2: b2, epsilon: eps,
                         correction1: c1, correction2: c2)
        }
    }

    /// The fused step: one pass per chunk adds `decay · p` to the gradient as it is read, updates
    /// both moments and the parameters, and sums p² for the penalty (no separate pass for the L2
    /// term, the penalty or the update). Bit-identical parameters and moments to the unfused step.
    public mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float, decay: [Float])
        -> Double
    {
        let (c1, c2) = begin(params)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        var penalty = 0.0
        for i in params.indices {
            let n = params[i].storage.count
            let chunks = max(1, parallelChunkCount(n, minimumChunk: 32_768))
            var partial = [Double](repeating: 0, count: chunks)
            let lambda = decay[i]
            // Moved out while their buffers are borrowed, so each pointer lives only inside its closure.
            var m = Matrix(rows: 0, cols: 0), v = Matrix(rows: 0, cols: 0)
            swap(&m, &moments[0][i])
            swap(&v, &moments[1][i])
            m.storage.withUnsafeMutableBufferPointer { ms in
                v.storage.withUnsafeMutableBufferPointer { vs in
                    gradients[i].storage.withUnsafeBufferPointer { gs in
                        params[i].storage.withUnsafeMutableBufferPointer { ps in
                            partial.withUnsafeMutableBufferPointer { sums in
                                // Chunk c touches elements of its range and partial c only.
                                nonisolated(unsafe) let (ms, vs, gs, ps, sums) = (ms, vs, gs, ps, sums)
                                parallelFor(n, minimumChunk: 32_768) { range, c in
                                    let lo = range.lowerBound
                                    sums[c] = Kernels.adamDecayed(
                                        ps.baseAddress! + lo, gs.baseAddress! + lo, ms.baseAddress! + lo,
                                        vs.baseAddress! + lo, range.count, decay: lambda, learningRate: learningRate,
                                        beta1: b1, beta2: b2, epsilon: eps, correction1: c1, correction2: c2)
                                }
                            }
                        }
                    }
                }
            }
            swap(&m, &moments[0][i])
            swap(&v, &moments[1][i])
            if lambda > 0 { penalty += 0.5 * Double(lambda) * partial.reduce(0, +) }
        }
        return penalty
    }

    public var state: [String: Matrix] {
        get {
            guard !moments.isEmpty else { return [:] }
            var s = ["adam.t": Matrix(rows: 1, cols: 1, storage: [Float(t)])]
            for (i, m) in moments[0].enumerated() { s["adam.m.\(i)"] = m }
            for (i, v) in moments[1].enumerated() { s["adam.v.\(i)"] = v }
            return s
        }
        set {
            guard let tt = newValue["adam.t"] else { moments = []; t = 0; return }
            t = Int(tt.storage[0])
            let count = newValue.keys.filter { $0.hasPrefix("adam.m.") }.count
            moments = [(0..<count).compactMap { newValue["adam.m.\($0)"] },
                       (0..<count).compactMap { newValue["adam.v.\($0)"] }]
        }
    }
}

/// SGD with heavy-ball momentum, mini-batch.
public struct MomentumOptimizer: Optimizer {
    var momentum: Float
    var velocity: [[Matrix]] = []

    public init(momentum: Float = 0.9) {
        self.momentum = momentum
    }

    public mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float) {
        if velocity.isEmpty { velocity = [params.map { Matrix(rows: $0.rows, cols: $0.cols) }] }
        let mu = momentum
        forEachChunk(&params, gradients, &velocity) { p, g, s, n in
            Kernels.momentumStep(p, g, s[0], n, learningRate: learningRate, momentum: mu)
        }
    }

    public var state: [String: Matrix] {
        get {
            guard let v = velocity.first else { return [:] }
            return Dictionary(uniqueKeysWithValues: v.enumerated().map { ("sgd.velocity.\($0.offset)", $0.element) })
        }
        set {
            let count = newValue.keys.filter { $0.hasPrefix("sgd.velocity.") }.count
            velocity = count == 0 ? [] : [(0..<count).compactMap { newValue["sgd.velocity.\($0)"] }]
        }
    }
}

/// iRprop−, full batch: the learning rate is ignored; each parameter has its own step size.
public struct RPropOptimizer: Optimizer {
    var initialStep: Float, maximumStep: Float
    var buffers: [[Matrix]] = []  // previous gradient, step sizes

    public init(initialStep: Float = 0.001, maximumStep: Float = 1) {
        self.initialStep = initialStep
        self.maximumStep = maximumStep
    }

    public mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate _: Float) {
        if buffers.isEmpty {
            buffers = [params.map { Matrix(rows: $0.rows, cols: $0.cols) },
                       params.map { Matrix(rows: $0.rows, cols: $0.cols, repeating: initialStep) }]
        }
        let (lo, hi) = (Float(1e-9), maximumStep)
        forEachChunk(&params, gradients, &buffers) { p, g, s, n in
            Kernels.rprop(p, g, s[0], s[1], n, minimumStep: lo, maximumStep: hi)
        }
    }

    public var state: [String: Matrix] {
        get {
            guard buffers.count == 2 else { return [:] }
            var s = [String: Matrix]()
            for (i, m) in buffers[0].enumerated() { s["rprop.previous.\(i)"] = m }
            for (i, m) in buffers[1].enumerated() { s["rprop.step.\(i)"] = m }
            return s
        }
        set {
            let count = newValue.keys.filter { $0.hasPrefix("rprop.previous.") }.count
            buffers = count == 0 ? [] : [(0..<count).compactMap { newValue["rprop.previous.\($0)"] },
                                         (0..<count).compactMap { newValue["rprop.step.\($0)"] }]
        }
    }
}
