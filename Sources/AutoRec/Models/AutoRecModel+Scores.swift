import RecMath

extension AutoRecModel {
    /// Scores of every item for `user`, computed as one matrix-vector product.
    ///
    /// I-AutoRec: `r̂_ui = f(H[i] · W[u] + b[u])` over the codes of all items; U-AutoRec:
    /// `r̂_ui = f(W[i] · H[u] + b[i])` from the user's code. Single-threaded, so callers may
    /// score many users in parallel.
    ///
    /// - Complexity: O(items × hidden units).
    public func scores(forUser user: Int32, into scores: inout [Float]) {
        guard let p = parameters else {
            for i in 0..<scores.count { scores[i] = data?.globalMean ?? 0 }
            return
        }
        let k = codes.cols
        let f = configuration.outputMap
        let u = Int(user)
        switch configuration.orientation {
        case .item:
            let n = min(scores.count, codes.rows)
            guard u < p.decoderWeight.rows else { return fallbackScores(&scores) }
            let bias = p.decoderBias.storage[u]
            codes.storage.withUnsafeBufferPointer { h in
                p.decoderWeight.storage.withUnsafeBufferPointer { w in
                    scores.withUnsafeMutableBufferPointer { s in
                        Kernels.gemvRows(0..<n, a: h.baseAddress!, cols: k, x: w.baseAddress! + u * k,
                                         y: s.baseAddress!)
                    }
                }
            }
            for i in 0..<n { scores[i] = f.apply(scores[i] + bias) }
            for i in n..<scores.count { scores[i] = data?.globalMean ?? 0 }
        case .user:
            guard u < codes.rows else { return fallbackScores(&scores) }
            let n = min(scores.count, p.decoderWeight.rows)
            codes.storage.withUnsafeBufferPointer { h in
                p.decoderWeight.storage.withUnsafeBufferPointer { w in
                    scores.withUnsafeMutableBufferPointer { s in
                        Kernels.gemvRows(0..<n, a: w.baseAddress!, cols: k, x: h.baseAddress! + u * k,
                                         y: s.baseAddress!)
                    }
                }
            }
            for i in 0..<n { scores[i] = f.apply(scores[i] + p.decoderBias.storage[i]) }
            for i in n..<scores.count { scores[i] = data?.globalMean ?? 0 }
        }
    }

    private func fallbackScores(_ scores: inout [Float]) {
        for i in 0..<scores.count { scores[i] = data?.globalMean ?? 0 }
    }

    /// Reconstructs a rating vector that was not in training (fold-in, no retraining): a new user's
    /// ratings of items for U-AutoRec, or a new item's ratings by users for I-AutoRec.
    ///
    /// The vector is encoded as training vectors are, `h = g(V x + μ)` (then through every further
    /// hidden layer), with unobserved inputs given the model's fill (a per-row mean fill uses the
    /// mean of `values`), and decoded to `f(W h + b)` over every input.
    ///
    /// - Parameters:
    ///   - inputs: indices of the observed inputs (items for U-AutoRec, users for I-AutoRec).
    ///   - values: their ratings.
    /// - Returns: one predicted rating per input index (unclipped).
    /// - Complexity: O((observed + inputs) × hidden units) plus one product per further hidden layer.
    public func reconstruct(inputs: [Int32], values: [Float]) -> [Float] {
        precondition(inputs.count == values.count, "reconstruct: \(inputs.count) inputs, \(values.count) values")
        guard let p = parameters, let data else { return [] }
        let k = p.encoderWeight.cols
        let n = data.inputs
        let v = p.encoderWeight
        var rowOffset: Float = 0
        switch configuration.fill {
        case .zero: rowOffset = 0
        case let .constant(c): rowOffset = c
        case .userMean, .itemMean:
            // The per-row mean is the new vector's own mean; the per-input mean is the model's.
            let perRow = (configuration.fill == .userMean) == (configuration.orientation == .user)
            if perRow { rowOffset = values.isEmpty ? data.globalMean : values.reduce(0, +) / Float(values.count) }
        }
        var z = p.encoderBias.storage
        if !data.zeroFill || rowOffset != 0 {
            var s1 = [Float](repeating: 0, count: k), s2 = [Float](repeating: 0, count: k)
            v.weightedRowSum(nil, into: &s1)
            v.weightedRowSum(data.inputOffset, into: &s2)
            for c in 0..<k { z[c] += rowOffset * s1[c] + s2[c] }
        }
        for (j, input) in inputs.enumerated() where Int(input) < n && input >= 0 {
            let x = values[j] - rowOffset - data.inputOffset[Int(input)]
            for c in 0..<k { z[c] += x * v[Int(input), c] }
        }
        let g = configuration.encoder, f = configuration.outputMap
        var h = z.map { g.apply($0) }
        // A new vector has no side features: with side information at every layer, each layer
        // reads zeros for them.
        let side = [Float](repeating: 0, count: AutoRecNetwork(configuration: configuration).sideWidthPerLayer(p))
        for l in 1..<max(1, p.hiddenLayerCount) {
            h += side
            let w = p.tensors[2 * l]
            var next = Matrix(rows: 1, cols: w.cols)
            DenseLayer(activation: g).forward(Matrix(rows: 1, cols: h.count, storage: h), weight: w,
                                              bias: p.tensors[2 * l + 1], into: &next)
            h = next.storage
        }
        h += side
        let width = h.count
        var out = [Float](repeating: 0, count: n)
        p.decoderWeight.storage.withUnsafeBufferPointer { w in
            h.withUnsafeBufferPointer { hs in
                out.withUnsafeMutableBufferPointer { o in
                    Kernels.gemvRows(0..<n, a: w.baseAddress!, cols: width, x: hs.baseAddress!, y: o.baseAddress!)
                }
            }
        }
        for i in 0..<n { out[i] = f.apply(out[i] + p.decoderBias.storage[i]) }
        return out
    }
}
