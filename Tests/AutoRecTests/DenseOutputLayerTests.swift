@testable import AutoRec
import RecMath
import RecTestSupport
import Testing

@Suite struct DenseOutputLayerTests {
    /// R̂ = f(H Wᵀ + b) in Double, from Double copies of H (rows × k), W (outputs × k) and b.
    static func reference(_ f: Activation, h: [Double], w: [Double], b: [Double], rows: Int, k: Int) -> [Double] {
        let n = b.count
        var out = [Double](repeating: 0, count: rows * n)
        for j in 0..<rows {
            for u in 0..<n {
                var z = b[u]
                for c in 0..<k { z += h[j * k + c] * w[u * k + c] }
                out[j * n + u] = ReferenceAutoRec.act(f, z)
            }
        }
        return out
    }

    /// Random codes, weights, biases and a weight per output entry: E = Σ c_ju R̂_ju is the objective
    /// whose δ = c ⊙ f'(R̂) the layer's backward pass takes.
    struct Case {
        let h: Matrix, w: Matrix, b: Matrix, c: Matrix
        init(rows: Int, outputs: Int, k: Int) {
            h = Reference.randomMatrix(rows: rows, cols: k, seed: UInt64(rows * 31 + k))
            w = Reference.randomMatrix(rows: outputs, cols: k, seed: UInt64(outputs * 17 + 3))
            b = Reference.randomMatrix(rows: 1, cols: outputs, seed: UInt64(outputs + 5))
            c = Reference.randomMatrix(rows: rows, cols: outputs, seed: 11)
        }
    }

    @Test("the gradient of every activation matches central differences at odd sizes",
          arguments: Activation.allCases, [(1, 1, 1), (3, 7, 5), (5, 9, 17)])
    func gradient(f: Activation, shape: (rows: Int, outputs: Int, k: Int)) {
        let (rows, n, k) = shape
        let t = Case(rows: rows, outputs: n, k: k)
        let layer = DenseOutputLayer(activation: f)
        var out = Matrix(rows: rows, cols: n)
        layer.forward(weight: t.w, bias: t.b, codes: t.h, into: &out)
        var delta = Matrix(rows: rows, cols: n)
        for e in 0..<delta.storage.count { delta.storage[e] = t.c.storage[e] * f.derivative(output: out.storage[e]) }
        // The parameter gradients are added to what is there: start them at 1.
        var dw = Matrix(rows: n, cols: k, repeating: 1), db = Matrix(rows: 1, cols: n, repeating: 1)
        var dh = Matrix(rows: rows, cols: k, repeating: 7)
        var scratch = [Float]()
        layer.backward(delta, codes: t.h, weight: t.w, weightGradient: &dw, biasGradient: &db, scratch: &scratch,
                       codeGradient: &dh)

        var theta = [t.h, t.w, t.b].map { $0.storage.map(Double.init) }
        let weights = t.c.storage.map(Double.init)
        func objective() -> Double {
            let r = Self.reference(f, h: theta[0], w: theta[1], b: theta[2], rows: rows, k: k)
            return zip(r, weights).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let analytic = [dh.storage, dw.storage.map { $0 - 1 }, db.storage.map { $0 - 1 }]
        let step = 1e-6
        for p in 0..<theta.count {
            for i in 0..<theta[p].count {
                let keep = theta[p][i]
                theta[p][i] = keep + step
                let up = objective()
                theta[p][i] = keep - step
                let down = objective()
                theta[p][i] = keep
                let numeric = (up - down) / (2 * step)
                #expect(abs(Double(analytic[p][i]) - numeric) <= 1e-4 + 1e-3 * abs(numeric),
                        "\(["∂H", "∂W", "∂b"][p])[\(i)]: analytic \(analytic[p][i]), numeric \(numeric)")
            }
        }
    }

    @Test("forward and backward equal the sampled layer over a full pattern, at 1 and 2 threads",
          arguments: [(1, 1, 1), (4, 9, 16), (7, 17, 5), (600, 37, 9)], [1, 2])
    func matchesSampled(shape: (rows: Int, outputs: Int, k: Int), threads: Int) {
        Parallelism.withThreads(threads) {
            let (rows, n, k) = shape
            let t = Case(rows: rows, outputs: n, k: k)
            for f in [Activation.identity, .sigmoid, .selu] {
                var dense = Matrix(rows: rows, cols: n)
                DenseOutputLayer(activation: f).forward(weight: t.w, bias: t.b, codes: t.h, into: &dense)
                let full = SparseBatch(dense: t.c)
                var sampled = [Float](repeating: 0, count: rows * n)
                SampledOutputLayer(activation: f).forward(weight: t.w, bias: t.b, matrix: full.matrix, codes: t.h,
                                                          into: &sampled)
                for e in 0..<sampled.count {
                    #expect(abs(dense.storage[e] - sampled[e]) <= 1e-5 * max(1, abs(sampled[e])), "R̂ entry \(e)")
                }
            }
            // δ = c: the two backward passes take the same δ, as a matrix and in entry order.
            var dw = (Matrix(rows: n, cols: k, repeating: 0.5), Matrix(rows: n, cols: k, repeating: 0.5))
            var db = (Matrix(rows: 1, cols: n, repeating: 2), Matrix(rows: 1, cols: n, repeating: 2))
            var dh = (Matrix(rows: rows, cols: k), Matrix(rows: rows, cols: k))
            var scratch = [Float]()
            DenseOutputLayer(activation: .identity).backward(
                t.c, codes: t.h, weight: t.w, weightGradient: &dw.0, biasGradient: &db.0, scratch: &scratch,
                codeGradient: &dh.0)
            SampledOutputLayer(activation: .identity).backward(
                t.c.storage, batch: SparseBatch(dense: t.c), codes: t.h, weight: t.w, weightGradient: &dw.1,
                biasGradient: &db.1, codeGradient: &dh.1)
            for (name, a, b) in [("∂W", dw.0, dw.1), ("∂b", db.0, db.1), ("∂H", dh.0, dh.1)] {
                for e in 0..<a.storage.count {
                    #expect(abs(a.storage[e] - b.storage[e]) <= 1e-5 * Float(max(rows, n)), "\(name)[\(e)]")
                }
            }
        }
    }
}
