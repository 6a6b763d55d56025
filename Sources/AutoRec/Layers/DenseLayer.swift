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
        Self.addBiasAndActivate(&h, bias: b, activation: activation)
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
        Self.addColumnSums(dz, into: &db, scratch: &scratch)
        Matrix.gemm(dz, transposed: false, w, transposed: true, into: &dx)
    }

    /// z ← g(z + b) for every row z of `z` (b: 1 × z.cols).
    ///
    /// - Complexity: O(rows × cols), rows split over threads.
    static func addBiasAndActivate(_ z: inout Matrix, bias b: Matrix, activation g: Activation) {
        precondition(b.storage.count == z.cols, "addBiasAndActivate: Z \(z.rows)x\(z.cols), b \(b.rows)x\(b.cols)")
        let n = z.cols
        b.storage.withUnsafeBufferPointer { bs in
            z.storage.withUnsafeMutableBufferPointer { zs in
                nonisolated(unsafe) let (bs, zs) = (bs, zs)  // chunks write disjoint rows
                parallelFor(z.rows, minimumChunk: max(1, 8192 / max(1, n))) { range, _ in
                    for r in range {
                        let row = zs.baseAddress! + r * n
                        for c in 0..<n { row[c] = g.apply(row[c] + bs[c]) }
                    }
                }
            }
        }
    }

    /// b ← b + Σ_rows δ (the bias gradient of a layer whose pre-activation gradient is δ).
    static func addColumnSums(_ delta: Matrix, into db: inout Matrix, scratch: inout [Float]) {
        if scratch.count != delta.cols { scratch = [Float](repeating: 0, count: delta.cols) }
        delta.weightedRowSum(nil, into: &scratch)
        for c in 0..<delta.cols { db.storage[c] += scratch[c] }
    }
}
