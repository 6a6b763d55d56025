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

    public mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float) {
        if moments.isEmpty {
            let zero = params.map { Matrix(rows: $0.rows, cols: $0.cols) }
            moments = [zero, zero]
        }
        t += 1
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let c1 = 1 - Float.pow(b1, t), c2 = 1 - Float.pow(b2, t)
        forEachChunk(&params, gradients, &moments) { p, g, s, n in
            Kernels.adam(p, g, s[0], s[1], n, learningRate: learningRate, beta1: b1, beta2: b2, epsilon: eps,
                         correction1: c1, correction2: c2)
        }
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
