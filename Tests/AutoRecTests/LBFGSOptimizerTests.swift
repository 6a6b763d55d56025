@testable import AutoRec
import RecMath
import Testing

/// A smooth convex test objective over two tensors: Σ a_i (x_i − c_i)² / 2 + Σ b_i x_i⁴ / 4, with
/// curvatures a_i spread over two orders of magnitude so L-BFGS needs its history.
private struct Objective {
    let a: [Double], b: [Double], c: [Double]
    let shapes: [(Int, Int)]

    init(shapes: [(Int, Int)], seed: UInt64) {
        self.shapes = shapes
        let n = shapes.reduce(0) { $0 + $1.0 * $1.1 }
        var rng = SplitMix64(seed: seed)
        a = (0..<n).map { _ in 1 + 99 * rng.nextDouble() }
        b = (0..<n).map { _ in 0.5 * rng.nextDouble() }
        c = (0..<n).map { _ in rng.nextGaussian() }
    }

    func value(_ x: [Double], gradient g: inout [Double]) -> Double {
        var e = 0.0
        for i in x.indices {
            let d = x[i] - c[i]
            e += a[i] * d * d / 2 + b[i] * x[i] * x[i] * x[i] * x[i] / 4
            g[i] = a[i] * d + b[i] * x[i] * x[i] * x[i]
        }
        return e
    }

    func tensors(_ x: [Double]) -> [Matrix] {
        var lo = 0
        return shapes.map { s in
            defer { lo += s.0 * s.1 }
            return Matrix(rows: s.0, cols: s.1, storage: x[lo..<lo + s.0 * s.1].map(Float.init))
        }
    }

    func flat(_ x: [Matrix]) -> [Double] { x.flatMap { $0.storage.map(Double.init) } }
}

/// The textbook L-BFGS (two-loop recursion over stored vectors, same line search), in Double.
private struct ReferenceLBFGS {
    let history: Int
    var pairs: [(s: [Double], y: [Double], rho: Double)] = []

    func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }

    mutating func iterate(_ x: inout [Double], loss: Double, g: inout [Double], f: Objective) -> Double {
        var d = g
        var alphas = [Double](repeating: 0, count: pairs.count)
        for k in stride(from: pairs.count - 1, through: 0, by: -1) {
            alphas[k] = pairs[k].rho * dot(pairs[k].s, d)
            for i in d.indices { d[i] -= alphas[k] * pairs[k].y[i] }
        }
        if let last = pairs.last {
            let gamma = 1 / (last.rho * dot(last.y, last.y))
            for i in d.indices { d[i] *= gamma }
        }
        for k in pairs.indices {
            let beta = pairs[k].rho * dot(pairs[k].y, d)
            for i in d.indices { d[i] += (alphas[k] - beta) * pairs[k].s[i] }
        }
        for i in d.indices { d[i] = -d[i] }
        let slope = dot(g, d)
        var alpha = pairs.isEmpty ? 1 / dot(g, g).squareRoot() : 1.0
        let start = x
        var trial = g, newLoss = loss, evaluations = 0
        while true {
            for i in x.indices { x[i] = start[i] + alpha * d[i] }
            newLoss = f.value(x, gradient: &trial)
            evaluations += 1
            if newLoss <= loss + 1e-4 * alpha * slope || evaluations >= 25 { break }
            let q = -slope * alpha * alpha / (2 * (newLoss - loss - slope * alpha))
            alpha = q.isFinite ? min(max(q, 0.1 * alpha), 0.5 * alpha) : 0.5 * alpha
        }
        let s = d.map { alpha * $0 }
        let y = zip(trial, g).map { $0 - $1 }
        let sy = dot(s, y)
        if sy > 1e-10 {
            if pairs.count == history { pairs.removeFirst() }
            pairs.append((s, y, 1 / sy))
        }
        g = trial
        return newLoss
    }
}

@Suite struct LBFGSOptimizerTests {
    /// Two tensors, one longer than a sweep chunk (16,384) so two threads split it.
    static let shapes = [(37, 1_000), (1, 13)]

    @Test("the vector-free iterates equal the textbook two-loop recursion's, to float tolerance",
          arguments: [(3, 1), (3, 2), (10, 2)])
    func matchesTwoLoopRecursion(history: Int, threads: Int) {
        let f = Objective(shapes: Self.shapes, seed: 4)
        var x = [Double](repeating: 0, count: f.a.count), g = x
        var loss = f.value(x, gradient: &g)
        var reference = ReferenceLBFGS(history: history)
        var params = f.tensors(x), gradients = f.tensors(g)
        var floatLoss = loss
        var optimizer = LBFGSOptimizer(history: history)
        Parallelism.withThreads(threads) {
            for iteration in 1...14 {
                loss = reference.iterate(&x, loss: loss, g: &g, f: f)
                floatLoss = optimizer.iterate(&params, loss: floatLoss, gradients: &gradients) { p, grad in
                    var gd = [Double](repeating: 0, count: f.a.count)
                    let e = f.value(f.flat(p), gradient: &gd)
                    grad = f.tensors(gd)
                    return e
                }.loss
                let got = f.flat(params)
                let worst = zip(got, x).map { abs($0 - $1) }.max() ?? 0
                // Float iterates against Double ones (|x| about 1, curvatures 1-100): rounding grows
                // to a few 1e-4 over the run; a wrong recursion is off by 1e-1 or more.
                #expect(worst < 1e-3, "iteration \(iteration): largest difference \(worst)")
                #expect(abs(floatLoss - loss) <= 1e-4 * abs(loss) + 1e-6, "iteration \(iteration)")
            }
        }
        // It converged (and the comparison was not between two stalled runs).
        #expect(reference.pairs.count == history && loss < 0.5 * f.value([Double](repeating: 0, count: f.a.count),
                                                                          gradient: &g))
    }

    @Test("pairs saved and restored continue with bit-identical iterates (checkpoints)")
    func restoredPairsContinueExactly() {
        let f = Objective(shapes: Self.shapes, seed: 9)
        func evaluate(_ p: [Matrix], _ grad: inout [Matrix]) -> Double {
            var gd = [Double](repeating: 0, count: f.a.count)
            let e = f.value(f.flat(p), gradient: &gd)
            grad = f.tensors(gd)
            return e
        }
        var params = f.tensors([Double](repeating: 0, count: f.a.count))
        var gradients = params
        var loss = evaluate(params, &gradients)
        var whole = LBFGSOptimizer(history: 4)
        for _ in 0..<6 { loss = whole.iterate(&params, loss: loss, gradients: &gradients, evaluate: evaluate).loss }
        var resumed = LBFGSOptimizer(history: 4)
        resumed.restore(pairs: whole.savedPairs)
        #expect(resumed.pairs.map(\.rho) == whole.pairs.map(\.rho) && resumed.pairs.count == 4)
        var (p2, g2, l2) = (params, gradients, loss)
        for _ in 0..<4 {
            loss = whole.iterate(&params, loss: loss, gradients: &gradients, evaluate: evaluate).loss
            l2 = resumed.iterate(&p2, loss: l2, gradients: &g2, evaluate: evaluate).loss
        }
        #expect(p2 == params && l2 == loss)
    }
}
