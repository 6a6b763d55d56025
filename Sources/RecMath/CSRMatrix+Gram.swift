extension CSRMatrix {
    /// The Gram matrix G = XᵀX of this `rows × cols` matrix X, dense `cols × cols`, row-major, in
    /// `Double`: G[i][j] = Σ_r X[r][i]·X[r][j].
    ///
    /// Built from the transpose: for each output row i, every row r holding column i adds
    /// X[r][i]·X[r][·]. Output rows are split over threads (no two threads write one row).
    ///
    /// - Complexity: O(Σ_r nnz(r)²) multiply-adds, O(cols²) memory.
    public func gram() -> [Double] {
        let n = cols
        var g = [Double](repeating: 0, count: n * n)
        let t = transposed()
        g.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress
            parallelFor(n, minimumChunk: 8) { range, _ in
                guard let base else { return }
                for i in range {
                    let row = base + i * n
                    for e in t.rowStart[i]..<t.rowStart[i + 1] {
                        let r = Int(t.columns[e])
                        let xi = Double(t.values[e])
                        for k in rowStart[r]..<rowStart[r + 1] {
                            row[Int(columns[k])] += xi * Double(values[k])
                        }
                    }
                }
            }
        }
        return g
    }
}
