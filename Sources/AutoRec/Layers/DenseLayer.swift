import RecMath

/// A fully connected hidden layer over a dense batch: `H = g(X W + b)`, with `W` stored
/// `inputs × outputs` (row p holds input p's weights) so that every product is a row-major GEMM.
struct DenseLayer {
    /// g.
    let activation: Activation

    /// H = g(X W + b).
    ///
    /// - Complexity: O(rows × inputs × outputs).
    func forward(_ x: Matrix, weight w: Matrix, bias b: Matrix, into h: inout Matrix) {
        Matrix.gemm(x, w, into: &h)
        let n = h.cols, g = activation
        b.storage.withUnsafeBufferPointer { bs in
            h.storage.withUnsafeMutableBufferPointer { hs in
                nonisolated(unsafe) let (bs, hs) = (bs, hs)  // chunks write disjoint rows
                parallelFor(h.rows, minimumChunk: max(1, 8192 / max(1, n))) { range, _ in
                    for r in range {
                        let row = hs.baseAddress! + r * n
                        for c in 0..<n { row[c] = g.apply(row[c] + bs[c]) }
                    }
                }
            }
        }
    }

    /// Adds ∂W = Xᵀ ∂Z and ∂b = Σ_rows ∂Z into the gradients, and writes ∂X = ∂Z Wᵀ.
    ///
    /// - Parameter dz: ∂E/∂Z (after the activation's derivative and dropout mask).
    /// - Complexity: O(rows × inputs × outputs) per product.
    func backward(
        _ dz: Matrix, input x: Matrix, weight w: Matrix, weightGradient dw: inout Matrix,
        biasGradient db: inout Matrix, scratch: inout [Float], inputGradient dx: inout Matrix
    ) {
        Matrix.gemm(x, transposed: true, dz, into: &dw, accumulate: true)
        if scratch.count != dz.cols { scratch = [Float](repeating: 0, count: dz.cols) }
        dz.weightedRowSum(nil, into: &scratch)
        for c in 0..<dz.cols { db.storage[c] += scratch[c] }
        Matrix.gemm(dz, transposed: false, w, transposed: true, into: &dx)
    }
}
