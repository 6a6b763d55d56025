import RecMath

/// The output layer evaluated only where there is a target: `r̂_ju = f(H[j] · W[u] + b[u])` for
/// the entries (j, u) of a sparse pattern, with `W` stored one row of width k per output.
///
/// - Complexity: O(entries × k) per pass, never O(rows × outputs).
struct SampledOutputLayer {
    /// f.
    let activation: Activation

    /// r̂ at every entry of `matrix` from the last hidden layer's output `h`; over `tiles` (the cache
    /// tiles of `matrix`) when given (same result, faster on large batches).
    func forward(
        weight w: Matrix, bias b: Matrix, matrix: CSRMatrix, tiles: CSRTiles? = nil, codes h: Matrix,
        into out: inout [Float]
    ) {
        if let tiles {
            tiles.sampledProduct(h, w, into: &out)
        } else {
            matrix.sampledProduct(h, w, into: &out)
        }
        let f = activation
        let n = out.count
        b.storage.withUnsafeBufferPointer { b in
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

    /// Adds ∂b[u] = Σ_j δ_ju and ∂W[u] = Σ_j δ_ju H[j] into the gradients and writes
    /// ∂H[j] = Σ_u δ_ju W[u].
    ///
    /// - Parameter delta: ∂E/∂(pre-activation output) at each entry of the batch, in entry order.
    func backward(
        _ delta: [Float], batch: SparseBatch, codes h: Matrix, weight w: Matrix, weightGradient dw: inout Matrix,
        biasGradient db: inout Matrix, codeGradient dh: inout Matrix
    ) {
        let m = batch.matrix
        for e in 0..<m.nonzeros { db.storage[Int(m.columns[e])] += delta[e] }
        if let tiles = batch.tiles {
            tiles.transpose.multiply(values: delta, h, into: &dw, accumulate: true)
            tiles.matrix.multiply(values: delta, w, into: &dh)
        } else {
            batch.transpose.multiply(values: delta, h, into: &dw, accumulate: true)
            m.multiply(w, values: delta, into: &dh)
        }
    }
}
