import RecMath

/// The output layer over whole rows: `R̂ = f(H Wᵀ + b)` for a dense batch (rows × outputs), with
/// `W` stored one row of width k per output, exactly as ``SampledOutputLayer`` stores it, so both
/// layers read the same parameters.
///
/// ```
/// R̂[j, u] = f(H[j] · W[u] + b[u])   for every row j and every output u
/// ```
/// Dense re-feeding needs every output (the output becomes the next step's input and target), and
/// so does any loss over a whole row (a softmax over the items): the loss computes δ from the full
/// output and this layer's backward pass takes it.
///
/// - Complexity: O(rows × outputs × k) per pass, as GEMMs split over threads.
struct DenseOutputLayer {
    /// f.
    let activation: Activation

    /// R̂ = f(H Wᵀ + b), every output of every row of the codes `h`.
    ///
    /// - Parameters:
    ///   - w: outputs × k, one row per output.
    ///   - b: 1 × outputs.
    ///   - h: the last hidden layer's output, rows × k.
    ///   - out: written, rows × outputs.
    func forward(weight w: Matrix, bias b: Matrix, codes h: Matrix, into out: inout Matrix) {
        precondition(b.storage.count == w.rows && out.rows == h.rows && out.cols == w.rows,
                     "DenseOutputLayer.forward: H \(h.rows)x\(h.cols), W \(w.rows)x\(w.cols), "
                         + "b \(b.rows)x\(b.cols), out \(out.rows)x\(out.cols)")
        Matrix.gemm(h, transposed: false, w, transposed: true, into: &out)
        DenseLayer.addBiasAndActivate(&out, bias: b, activation: activation)
    }

    /// Adds ∂W = δᵀ H and ∂b = Σ_rows δ into the gradients and writes ∂H = δ W.
    ///
    /// - Parameters:
    ///   - delta: ∂E/∂(pre-activation output), rows × outputs (the loss applies f' itself).
    ///   - h: the codes the forward pass decoded, rows × k.
    ///   - scratch: reused between calls for the column sums.
    ///   - dh: written, rows × k.
    func backward(
        _ delta: Matrix, codes h: Matrix, weight w: Matrix, weightGradient dw: inout Matrix,
        biasGradient db: inout Matrix, scratch: inout [Float], codeGradient dh: inout Matrix
    ) {
        Matrix.gemm(delta, transposed: true, h, into: &dw, accumulate: true)
        DenseLayer.addColumnSums(delta, into: &db, scratch: &scratch)
        Matrix.gemm(delta, w, into: &dh)
    }
}
