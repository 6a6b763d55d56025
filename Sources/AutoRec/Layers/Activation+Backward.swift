import RecMath

extension Activation {
    /// ∂E/∂Z from ∂E/∂(dropped output), in place: `gradient ← gradient ⊙ mask ⊙ a'(Y)`, where
    /// `outputs` holds Y = a(Z) before dropout and `mask` the dropout mask (nil: none).
    ///
    /// - Complexity: O(elements), split over threads.
    func backward(outputs: Matrix, mask: [Float]?, gradient: inout Matrix) {
        precondition(outputs.rows == gradient.rows && outputs.cols == gradient.cols
                         && (mask?.count ?? outputs.storage.count) == outputs.storage.count,
                     "Activation.backward: outputs \(outputs.rows)x\(outputs.cols), gradient "
                         + "\(gradient.rows)x\(gradient.cols), mask \(mask?.count ?? -1)")
        let g = self
        let n = outputs.storage.count
        let masked = mask != nil
        let m = mask ?? []
        outputs.storage.withUnsafeBufferPointer { hs in
            m.withUnsafeBufferPointer { ms in
                gradient.storage.withUnsafeMutableBufferPointer { ds in
                    nonisolated(unsafe) let (hs, ms, ds) = (hs, ms, ds)  // chunks write disjoint ranges
                    parallelFor(n, minimumChunk: 16_384) { range, _ in
                        for c in range {
                            ds[c] *= g.derivative(output: hs[c]) * (masked ? ms[c] : 1)
                        }
                    }
                }
            }
        }
    }
}
