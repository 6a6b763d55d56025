import RecMath

/// A weight matrix multiplied element-wise by a learned kernel (Muller, Martel and Indiveri 2018,
/// "Kernelized Synaptic Weight Matrices"; also GLocal-K):
///
/// ```
/// K[r, c]  = max(0, 1 − ‖a_r − b_c‖²)       a: rows × d, b: cols × d
/// W̃[r, c]  = W[r, c] · K[r, c]
/// penalty  = λ₂/2 Σ W² + λ_s/2 Σ K²
/// ```
/// Any layer reads W̃ where it read W, so the sparse input layer's fill algebra, the dense layers
/// and the output layer are unchanged; only the parameters and their gradients pass through here:
///
/// ```
/// ∂W     = ∂W̃ ⊙ K + λ₂ W
/// ∂K     = ∂W̃ ⊙ W + λ_s K
/// ∂a_r   = Σ_c ∂K[r, c] · (−2)(a_r − b_c)   over the c with K[r, c] > 0
/// ∂b_c   = Σ_r ∂K[r, c] · 2(a_r − b_c)      over the r with K[r, c] > 0
/// ```
/// - Complexity: O(rows × cols × d) per pass, split over threads; small next to a gradient over
///   the ratings for d = 5.
struct KernelWeights {
    /// Weight W (rows × cols), row vectors a (rows × d), column vectors b (cols × d).
    let weight: Matrix
    let rowVectors: Matrix
    let columnVectors: Matrix

    /// Writes K into `kernel` and W̃ = W ⊙ K into `effective` (both rows × cols, resized if needed).
    func forward(kernel: inout Matrix, effective: inout Matrix) {
        let (rows, cols, d) = (weight.rows, weight.cols, rowVectors.cols)
        precondition(rowVectors.rows == rows && columnVectors.rows == cols && columnVectors.cols == d,
                     "KernelWeights: W \(rows)x\(cols), a \(rowVectors.rows)x\(rowVectors.cols), "
                         + "b \(columnVectors.rows)x\(columnVectors.cols)")
        if kernel.rows != rows || kernel.cols != cols { kernel = Matrix(rows: rows, cols: cols) }
        if effective.rows != rows || effective.cols != cols { effective = Matrix(rows: rows, cols: cols) }
        weight.storage.withUnsafeBufferPointer { w in
            rowVectors.storage.withUnsafeBufferPointer { a in
                columnVectors.storage.withUnsafeBufferPointer { b in
                    kernel.storage.withUnsafeMutableBufferPointer { k in
                        effective.storage.withUnsafeMutableBufferPointer { e in
                            nonisolated(unsafe) let (w, a, b, k, e) = (w, a, b, k, e)  // chunks write disjoint rows
                            parallelFor(rows, minimumChunk: max(1, 16_384 / max(1, cols * d))) { range, _ in
                                for r in range {
                                    for c in 0..<cols {
                                        var dist: Float = 0
                                        for t in 0..<d {
                                            let x = a[r * d + t] - b[c * d + t]
                                            dist += x * x
                                        }
                                        let kv = max(0, 1 - dist)
                                        k[r * cols + c] = kv
                                        e[r * cols + c] = w[r * cols + c] * kv
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// From ∂E/∂W̃ (`effectiveGradient`) and the `kernel` of ``forward(kernel:effective:)``, writes
    /// ∂W, ∂a and ∂b with the two penalties added, and returns the penalty λ₂/2 ΣW² + λ_s/2 ΣK².
    ///
    /// - Parameter scratch: reused between calls (holds ∂K).
    func backward(
        effectiveGradient g: Matrix, kernel: Matrix, l2: Float, kernelPenalty ls: Float,
        weightGradient dw: inout Matrix, rowGradient da: inout Matrix, columnGradient db: inout Matrix,
        scratch dk: inout Matrix
    ) -> Double {
        let (rows, cols, d) = (weight.rows, weight.cols, rowVectors.cols)
        precondition(g.rows == rows && g.cols == cols && kernel.rows == rows && kernel.cols == cols
                         && dw.rows == rows && dw.cols == cols && da.rows == rows && da.cols == d
                         && db.rows == cols && db.cols == d,
                     "KernelWeights.backward: shapes do not match W \(rows)x\(cols), d = \(d)")
        if dk.rows != rows || dk.cols != cols { dk = Matrix(rows: rows, cols: cols) }
        // ∂W, ∂K and ∂a, row by row (each chunk writes its own rows).
        weight.storage.withUnsafeBufferPointer { w in
            g.storage.withUnsafeBufferPointer { g in
                kernel.storage.withUnsafeBufferPointer { k in
                    rowVectors.storage.withUnsafeBufferPointer { a in
                        columnVectors.storage.withUnsafeBufferPointer { b in
                            dw.storage.withUnsafeMutableBufferPointer { dw in
                                dk.storage.withUnsafeMutableBufferPointer { dk in
                                    da.storage.withUnsafeMutableBufferPointer { da in
                                        nonisolated(unsafe) let (w, g, k, a, b, dw, dk, da) = (w, g, k, a, b, dw, dk, da)
                                        parallelFor(rows, minimumChunk: max(1, 16_384 / max(1, cols * d))) { range, _ in
                                            for r in range {
                                                for t in 0..<d { da[r * d + t] = 0 }
                                                for c in 0..<cols {
                                                    let i = r * cols + c
                                                    dw[i] = g[i] * k[i] + l2 * w[i]
                                                    let dki = g[i] * w[i] + ls * k[i]
                                                    dk[i] = dki
                                                    guard k[i] > 0 else { continue }
                                                    for t in 0..<d { da[r * d + t] -= 2 * dki * (a[r * d + t] - b[c * d + t]) }
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
        }
        // ∂b, by column ranges (each chunk writes its own columns, walking every row in order).
        kernel.storage.withUnsafeBufferPointer { k in
            dk.storage.withUnsafeBufferPointer { dk in
                rowVectors.storage.withUnsafeBufferPointer { a in
                    columnVectors.storage.withUnsafeBufferPointer { b in
                        db.storage.withUnsafeMutableBufferPointer { db in
                            nonisolated(unsafe) let (k, dk, a, b, db) = (k, dk, a, b, db)
                            parallelFor(cols, minimumChunk: max(1, 16_384 / max(1, rows * d))) { range, _ in
                                for c in range { for t in 0..<d { db[c * d + t] = 0 } }
                                for r in 0..<rows {
                                    for c in range {
                                        let i = r * cols + c
                                        guard k[i] > 0 else { continue }
                                        for t in 0..<d { db[c * d + t] += 2 * dk[i] * (a[r * d + t] - b[c * d + t]) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return 0.5 * Double(l2) * weight.sumOfSquares() + 0.5 * Double(ls) * kernel.sumOfSquares()
    }
}
