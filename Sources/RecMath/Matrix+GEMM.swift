import RealModule

extension Matrix {
    /// C = op(A)·op(B) (or C += op(A)·op(B)), where op transposes when asked; A·B, Aᵀ·B and A·Bᵀ
    /// are supported (the three products of a dense layer's forward and backward passes).
    ///
    /// Output rows are split over threads, so no two threads write one row and the result does not
    /// depend on the thread count.
    ///
    /// - Complexity: O(C.rows × C.cols × depth).
    public static func gemm(
        _ a: Matrix, transposed ta: Bool = false, _ b: Matrix, transposed tb: Bool = false, into c: inout Matrix,
        accumulate: Bool = false
    ) {
        let (m, depth) = ta ? (a.cols, a.rows) : (a.rows, a.cols)
        let (depthB, n) = tb ? (b.cols, b.rows) : (b.rows, b.cols)
        precondition(!(ta && tb) && depth == depthB && c.rows == m && c.cols == n,
                     "gemm: A\(ta ? "ᵀ" : "") \(a.rows)x\(a.cols), B\(tb ? "ᵀ" : "") \(b.rows)x\(b.cols), "
                     + "C \(c.rows)x\(c.cols)")
        // Chunks of about 64k multiply-adds or more; four rows per register block.
        let minimumRows = max(4, 65_536 / max(1, depth * n))
        // A·Bᵀ runs as A·(Bᵀ) on a transposed copy of B: the register-blocked kernel reads B's rows
        // contiguously, and the copy (n × depth) costs one pass against m passes of the product.
        let right = tb ? b.transposed() : b
        a.storage.withUnsafeBufferPointer { aBuffer in
            right.storage.withUnsafeBufferPointer { bBuffer in
                c.storage.withUnsafeMutableBufferPointer { cBuffer in
                    guard let a0 = aBuffer.baseAddress, let b0 = bBuffer.baseAddress, let c0 = cBuffer.baseAddress
                    else { return }
                    nonisolated(unsafe) let (ap, bp, cp) = (a0, b0, c0)  // chunk writes its own rows of C only
                    parallelFor(m, minimumChunk: minimumRows) { rows, _ in
                        Kernels.gemmRows(rows, a: ap, rowStride: ta ? 1 : depth, depthStride: ta ? m : 1,
                                         depth: depth, b: bp, n: n, c: cp, accumulate: accumulate)
                    }
                }
            }
        }
    }

    /// `out[r] = log Σ_j exp(self[r, j])` for every row, stable against overflow.
    ///
    /// - Complexity: O(rows × cols), rows split over threads.
    public func logSumExpRows(into out: inout [Float]) {
        precondition(out.count == rows, "logSumExpRows: \(rows)x\(cols), out \(out.count)")
        let n = cols
        storage.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { os in
                guard let x0 = xs.baseAddress, let o0 = os.baseAddress else { return }
                nonisolated(unsafe) let (x, o) = (x0, o0)  // chunk writes its own rows only
                parallelFor(rows, minimumChunk: max(1, 16_384 / max(1, n))) { range, _ in
                    Kernels.logSumExpRows(range, x: x, n: n, out: o)
                }
            }
        }
    }

    /// Replaces every row by its softmax, `exp(x − logΣexp(x))`, in place.
    ///
    /// - Complexity: O(rows × cols), rows split over threads.
    public mutating func softmaxRows() {
        var lse = [Float](repeating: 0, count: rows)
        logSumExpRows(into: &lse)
        let n = cols
        let count = rows
        lse.withUnsafeBufferPointer { ls in
            storage.withUnsafeMutableBufferPointer { xs in
                guard let x0 = xs.baseAddress, let l0 = ls.baseAddress else { return }
                nonisolated(unsafe) let (x, l) = (x0, l0)  // chunk writes its own rows only
                parallelFor(count, minimumChunk: max(1, 16_384 / max(1, n))) { range, _ in
                    for r in range {
                        let row = x + r * n
                        for j in 0..<n { row[j] = Float.exp(row[j] - l[r]) }
                    }
                }
            }
        }
    }
}
