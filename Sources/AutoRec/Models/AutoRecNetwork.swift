import RecMath

/// The parameters of a one-hidden-layer AutoRec, in the order optimizers see them.
///
/// With d inputs and k hidden units: `V` (d × k, row u = input u's encoder weights), `μ` (1 × k),
/// `W` (d × k, row u = output u's decoder weights), `b` (1 × d). Keeping one row per input in both
/// weight matrices makes every per-rating operation touch one contiguous row of k floats.
public struct AutoRecParameters: Sendable, Equatable {
    /// `[V, μ, W, b]`.
    public var tensors: [Matrix]

    static let encoderWeight = 0, encoderBias = 1, decoderWeight = 2, decoderBias = 3

    /// Parameters for `inputs` inputs and `hidden` units drawn as in the AutoRec authors' code:
    /// weights 𝒩(0, scale²), biases 𝒩(0, (scale/10)²).
    public init(inputs: Int, hidden: Int, scale: Float, using rng: inout SplitMix64) {
        tensors = [
            Matrix(rows: inputs, cols: hidden, gaussianStandardDeviation: scale, using: &rng),
            Matrix(rows: 1, cols: hidden, gaussianStandardDeviation: scale / 10, using: &rng),
            Matrix(rows: inputs, cols: hidden, gaussianStandardDeviation: scale, using: &rng),
            Matrix(rows: 1, cols: inputs, gaussianStandardDeviation: scale / 10, using: &rng),
        ]
    }

    /// Parameters from existing tensors (shapes checked by the caller).
    public init(tensors: [Matrix]) {
        self.tensors = tensors
    }

    /// V (inputs × hidden).
    public var encoderWeight: Matrix { tensors[Self.encoderWeight] }
    /// μ (1 × hidden).
    public var encoderBias: Matrix { tensors[Self.encoderBias] }
    /// W (inputs × hidden).
    public var decoderWeight: Matrix { tensors[Self.decoderWeight] }
    /// b (1 × inputs).
    public var decoderBias: Matrix { tensors[Self.decoderBias] }

    /// Zeros of the same shapes (a gradient buffer).
    func zeros() -> [Matrix] { tensors.map { Matrix(rows: $0.rows, cols: $0.cols) } }

    /// Whether every parameter is finite.
    public var isFinite: Bool { tensors.allSatisfy { $0.storage.allSatisfy(\.isFinite) } }
}

/// Scratch buffers of one forward and backward pass, reused between batches of equal shape.
final class AutoRecWorkspace {
    var code = Matrix(rows: 0, cols: 0)        // H = g(Z), before dropout
    var dropped = Matrix(rows: 0, cols: 0)     // H after code dropout (unused without it)
    var mask = [Float]()                        // 0 or 1/(1−p) per code unit
    var codeGradient = Matrix(rows: 0, cols: 0) // ∂E/∂H, then ∂E/∂Z
    var outputs = [Float]()                     // r̂ at each observed entry
    var delta = [Float]()                       // ∂E/∂(pre-activation output) at each entry
    var inputs = [Float]()                      // input values after input dropout
    var fillSum = [Float]()                     // Σ_u V[u] (column sums)
    var fillInput = [Float]()                   // Σ_u inputOffset[u] V[u]
    var scratch = [Float]()

    func prepare(rows: Int, hidden k: Int, entries: Int) {
        if code.rows != rows || code.cols != k {
            code = Matrix(rows: rows, cols: k)
            codeGradient = Matrix(rows: rows, cols: k)
        }
        if outputs.count != entries {
            outputs = [Float](repeating: 0, count: entries)
            delta = [Float](repeating: 0, count: entries)
        }
        if fillSum.count != k {
            fillSum = [Float](repeating: 0, count: k)
            fillInput = [Float](repeating: 0, count: k)
            scratch = [Float](repeating: 0, count: k)
        }
    }
}

/// The forward and backward passes of AutoRec over a sparse batch of rating vectors.
///
/// Cost per call: five passes over the batch's observed ratings, each k multiply-adds per rating
/// (encode, decode at observed entries, ∂W, ∂H, ∂V), plus O((rows + inputs) × k) dense work.
/// Nothing of size rows × inputs is ever formed.
struct AutoRecNetwork {
    let configuration: AutoRecConfiguration

    var hidden: Int { configuration.hiddenUnits }

    /// Z = V x_j + μ (+ the fill's dense part), then H = g(Z), for every row of `matrix`;
    /// `values` are the inputs at the entries (ratings minus fill, maybe dropped out).
    func encode(
        _ p: AutoRecParameters, matrix: CSRMatrix, globalRows: [Int32], values: [Float], data: AutoRecData,
        workspace ws: AutoRecWorkspace, into h: inout Matrix
    ) {
        let k = hidden
        matrix.multiply(p.encoderWeight, values: values, into: &h)
        if !data.zeroFill {
            if ws.fillSum.count != k {
                ws.fillSum = [Float](repeating: 0, count: k)
                ws.fillInput = [Float](repeating: 0, count: k)
            }
            p.encoderWeight.weightedRowSum(nil, into: &ws.fillSum)
            p.encoderWeight.weightedRowSum(data.inputOffset, into: &ws.fillInput)
        }
        let zeroFill = data.zeroFill
        let g = configuration.encoder
        p.encoderBias.storage.withUnsafeBufferPointer { mu in
            ws.fillSum.withUnsafeBufferPointer { s1 in
                ws.fillInput.withUnsafeBufferPointer { s2 in
                    data.rowOffset.withUnsafeBufferPointer { ro in
                        globalRows.withUnsafeBufferPointer { gr in
                            h.storage.withUnsafeMutableBufferPointer { hs in
                                // Chunks write disjoint rows of H.
                                nonisolated(unsafe) let (mu, s1, s2, ro, gr, hs) = (mu, s1, s2, ro, gr, hs)
                                parallelFor(matrix.rows, minimumChunk: max(1, 8192 / k)) { range, _ in
                                    for j in range {
                                        let row = hs.baseAddress! + j * k
                                        if zeroFill {
                                            for c in 0..<k { row[c] = g.apply(row[c] + mu[c]) }
                                        } else {
                                            let a = ro[Int(gr[j])]
                                            for c in 0..<k { row[c] = g.apply(row[c] + mu[c] + s2[c] + a * s1[c]) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// r̂ at every entry of `matrix` from codes `h`: `f(H[j] · W[u] + b[u])`.
    func decode(_ p: AutoRecParameters, matrix: CSRMatrix, codes h: Matrix, into out: inout [Float]) {
        matrix.sampledProduct(h, p.decoderWeight, into: &out)
        let f = configuration.decoder
        let n = out.count
        p.decoderBias.storage.withUnsafeBufferPointer { b in
            matrix.columns.withUnsafeBufferPointer { cols in
                out.withUnsafeMutableBufferPointer { o in
                    nonisolated(unsafe) let (b, cols, o) = (b, cols, o)  // chunks write disjoint entries
                    parallelFor(n, minimumChunk: 16_384) { range, _ in
                        for e in range { o[e] = f.apply(o[e] + b[Int(cols[e])]) }
                    }
                }
            }
        }
    }

    /// The batch objective and its gradient (written into `grads`, same shapes as the parameters).
    ///
    /// `penaltyShare` is the batch's share B/N of the L2 penalty. With `training`, dropout is drawn
    /// from `rng`; otherwise the pass is deterministic.
    /// - Returns: (objective, sum of squared errors at observed entries).
    func lossAndGradient(
        _ p: AutoRecParameters, batch: SparseBatch, data: AutoRecData, penaltyShare: Float,
        grads: inout [Matrix], workspace ws: AutoRecWorkspace, rng: inout SplitMix64, training: Bool
    ) -> (objective: Double, squaredError: Double) {
        let k = hidden
        let m = batch.matrix
        ws.prepare(rows: m.rows, hidden: k, entries: m.nonzeros)

        // Inputs: ratings minus fill, with input dropout.
        let base = batch.shiftedValues ?? m.values
        let pIn = configuration.inputDropout
        if training && pIn > 0 {
            let keep = 1 / (1 - pIn)
            ws.inputs = base
            for e in 0..<ws.inputs.count { ws.inputs[e] = rng.nextFloat() < pIn ? 0 : ws.inputs[e] * keep }
        }
        let inputs = training && pIn > 0 ? ws.inputs : base

        // Forward.
        encode(p, matrix: m, globalRows: batch.rows, values: inputs, data: data, workspace: ws, into: &ws.code)
        let pCode = configuration.codeDropout
        let dropout = training && pCode > 0
        if dropout {
            let keep = 1 / (1 - pCode)
            if ws.mask.count != ws.code.storage.count {
                ws.mask = [Float](repeating: 0, count: ws.code.storage.count)
            }
            for c in 0..<ws.mask.count { ws.mask[c] = rng.nextFloat() < pCode ? 0 : keep }
            ws.dropped = ws.code
            for c in 0..<ws.mask.count { ws.dropped.storage[c] *= ws.mask[c] }
        }
        decode(p, matrix: m, codes: dropout ? ws.dropped : ws.code, into: &ws.outputs)

        // Errors at observed entries: delta = (r̂ − r) f'(r̂).
        let f = configuration.decoder
        var squaredError = 0.0
        for e in 0..<m.nonzeros {
            let err = ws.outputs[e] - m.values[e]
            squaredError += Double(err * err)
            ws.delta[e] = err * f.derivative(output: ws.outputs[e])
        }

        // Backward. ∂b[u] = Σ_j delta_ju.
        for c in 0..<grads[3].storage.count { grads[3].storage[c] = 0 }
        for e in 0..<m.nonzeros { grads[3].storage[Int(m.columns[e])] += ws.delta[e] }
        // ∂W[u] = Σ_j delta_ju H[j] + λ_b W[u].
        batch.transpose.multiply(values: ws.delta, dropout ? ws.dropped : ws.code, into: &grads[2])
        // ∂H[j] = Σ_u delta_ju W[u], then ∂Z = ∂H ⊙ mask ⊙ g'(H).
        m.multiply(p.decoderWeight, values: ws.delta, into: &ws.codeGradient)
        let g = configuration.encoder
        let n = ws.code.storage.count
        ws.code.storage.withUnsafeBufferPointer { hs in
            ws.mask.withUnsafeBufferPointer { ms in
                ws.codeGradient.storage.withUnsafeMutableBufferPointer { ds in
                    nonisolated(unsafe) let (hs, ms, ds) = (hs, ms, ds)  // chunks write disjoint ranges
                    parallelFor(n, minimumChunk: 16_384) { range, _ in
                        for c in range {
                            ds[c] *= g.derivative(output: hs[c]) * (dropout ? ms[c] : 1)
                        }
                    }
                }
            }
        }
        // ∂μ = Σ_j ∂Z[j].
        ws.codeGradient.weightedRowSum(nil, into: &grads[1].storage)
        // ∂V[u] = Σ_j x_ju ∂Z[j] (observed part) + Σ_j fill(j,u) ∂Z[j] (dense part) + λ_b V[u].
        batch.transpose.multiply(values: inputs, ws.codeGradient, into: &grads[0])
        if !data.zeroFill {
            var rowOffsets = [Float](repeating: 0, count: m.rows)
            for j in 0..<m.rows { rowOffsets[j] = data.rowOffset[Int(batch.rows[j])] }
            ws.codeGradient.weightedRowSum(rowOffsets, into: &ws.scratch)
            let dmu = grads[1].storage
            for u in 0..<data.inputs {
                let a = data.inputOffset[u]
                for c in 0..<k { grads[0][u, c] += ws.scratch[c] + a * dmu[c] }
            }
        }
        let lambda = configuration.l2 * penaltyShare
        var penalty = 0.0
        if lambda > 0 {
            grads[0].add(p.encoderWeight, scaledBy: lambda)
            grads[2].add(p.decoderWeight, scaledBy: lambda)
            penalty = 0.5 * Double(lambda) * (p.encoderWeight.sumOfSquares() + p.decoderWeight.sumOfSquares())
        }
        return (0.5 * squaredError + penalty, squaredError)
    }
}
