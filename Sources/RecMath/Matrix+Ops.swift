extension Matrix {
    /// self ← self + a·x, element-wise over equal shapes, split over threads.
    public mutating func add(_ x: Matrix, scaledBy a: Float) {
        precondition(rows == x.rows && cols == x.cols, "Matrix.add: \(rows)x\(cols) and \(x.rows)x\(x.cols)")
        let n = storage.count
        x.storage.withUnsafeBufferPointer { xs in
            storage.withUnsafeMutableBufferPointer { ys in
                nonisolated(unsafe) let (xs, ys) = (xs, ys)  // chunks write disjoint ranges
                parallelFor(n, minimumChunk: 32_768) { range, _ in
                    Kernels.axpy(a, xs.baseAddress! + range.lowerBound, ys.baseAddress! + range.lowerBound, range.count)
                }
            }
        }
    }

    /// Σ of squared elements, in `Double`, reduced in a fixed chunk order.
    public func sumOfSquares() -> Double {
        let n = storage.count
        var partial = [Double](repeating: 0, count: max(1, parallelChunkCount(n, minimumChunk: 32_768)))
        storage.withUnsafeBufferPointer { xs in
            partial.withUnsafeMutableBufferPointer { ps in
                nonisolated(unsafe) let (xs, ps) = (xs, ps)  // chunk c writes partial c only
                parallelFor(n, minimumChunk: 32_768) { range, c in
                    let p = xs.baseAddress! + range.lowerBound
                    ps[c] = Kernels.dotAccurate(p, p, range.count)
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// out ← Σ_r w[r] · row r (or the plain column sums when `weights` is nil), for `rows` in row order.
    ///
    /// - Complexity: O(rows × cols), split over threads with one partial per chunk.
    public func weightedRowSum(_ weights: [Float]?, rows range: Range<Int>? = nil, into out: inout [Float]) {
        let range = range ?? 0..<rows
        precondition(out.count == cols && (weights?.count ?? rows) >= range.upperBound,
                     "weightedRowSum: \(rows)x\(cols), out \(out.count), weights \(weights?.count ?? -1)")
        let k = cols
        let chunks = max(1, parallelChunkCount(range.count, minimumChunk: max(1, 16_384 / max(1, k))))
        var partial = [Float](repeating: 0, count: chunks * k)
        let w = weights ?? []
        storage.withUnsafeBufferPointer { xs in
            w.withUnsafeBufferPointer { ws in
                partial.withUnsafeMutableBufferPointer { ps in
                    nonisolated(unsafe) let (xs, ws, ps) = (xs, ws, ps)  // chunk c writes its own partial row
                    let weighted = weights != nil
                    parallelFor(range.count, minimumChunk: max(1, 16_384 / max(1, k))) { sub, c in
                        let dst = ps.baseAddress! + c * k
                        for r in sub {
                            let row = range.lowerBound + r
                            Kernels.axpy(weighted ? ws[row] : 1, xs.baseAddress! + row * k, dst, k)
                        }
                    }
                }
            }
        }
        for j in 0..<k { out[j] = 0 }
        for c in 0..<chunks {
            for j in 0..<k { out[j] += partial[c * k + j] }
        }
    }
}

extension Matrix {
    /// The transpose, as a new `cols × rows` matrix.
    ///
    /// - Complexity: O(rows × cols).
    public func transposed() -> Matrix {
        var t = Matrix(rows: cols, cols: rows)
        let (r, c) = (rows, cols)
        storage.withUnsafeBufferPointer { src in
            t.storage.withUnsafeMutableBufferPointer { dst in
                for i in 0..<r { for j in 0..<c { dst[j * r + i] = src[i * c + j] } }
            }
        }
        return t
    }
}
