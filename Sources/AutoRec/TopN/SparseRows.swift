import RecMath

/// A batch of sparse rows (users' item lists with one value per entry), for the input layer of
/// the implicit autoencoders and for CDAE's sampled output, whose cost follows the entries.
///
/// Row r holds entries `rowStart[r]..<rowStart[r + 1]` of ``columns`` and ``values``. The
/// products below are small sparse-times-dense loops over ``Kernels/axpy(_:_:_:_:)``:
///
/// ```
/// multiply:            C[r]   = Σ_{e ∈ row r} values[e] · B[columns[e]]         (C: rows × k)
/// addTransposeProduct: G[i]  += Σ_{e : columns[e] = i} values[e] · D[row(e)]    (G: cols × k)
/// ```
/// The second runs on the transpose (``CSRMatrix/transposed()``, the entries grouped by column)
/// so that threads write disjoint rows of G and the sums do not depend on the thread count.
struct SparseRows: Sendable {
    /// Number of columns (items).
    let cols: Int
    /// Entry range of each row; `rows + 1` offsets.
    var rowStart: [Int] = [0]
    /// Column (item) of each entry.
    var columns: [Int32] = []
    /// Value of each entry.
    var values: [Float] = []

    init(cols: Int) { self.cols = cols }

    var rows: Int { rowStart.count - 1 }

    /// Ends the current row.
    mutating func closeRow() { rowStart.append(columns.count) }

    /// Appends one entry to the current row.
    mutating func append(_ column: Int32, _ value: Float) {
        columns.append(column)
        values.append(value)
    }

    /// C = S·B: each output row the value-weighted sum of B's rows at the row's columns.
    ///
    /// - Parameters:
    ///   - b: `cols × k`.
    ///   - c: written, `rows × k`.
    /// - Complexity: O(entries × k), rows split over threads.
    func multiply(_ b: Matrix, into c: inout Matrix) {
        precondition(
            b.rows == cols && c.rows == rows && c.cols == b.cols,
            "SparseRows.multiply: S \(rows)x\(cols), B \(b.rows)x\(b.cols), C \(c.rows)x\(c.cols)")
        Self.product(rowStart, columns, values, b, into: &c, accumulate: false)
    }

    /// G += Sᵀ·D: each column's row of G gains the value-weighted sum of D's rows that use it.
    ///
    /// - Parameters:
    ///   - d: `rows × k`.
    ///   - g: `cols × k`, added to.
    /// - Complexity: O(entries × k + cols), columns split over threads.
    func addTransposeProduct(_ d: Matrix, into g: inout Matrix) {
        precondition(
            d.rows == rows && g.rows == cols && g.cols == d.cols,
            "SparseRows.addTransposeProduct: S \(rows)x\(cols), D \(d.rows)x\(d.cols), "
                + "G \(g.rows)x\(g.cols)")
        // Sᵀ in CSR form: the entries grouped by column, each with its row.
        let t = CSRMatrix(rows: rows, cols: cols, rowStart: rowStart, columns: columns, values: values)
            .transposed()
        Self.product(t.rowStart, t.columns, t.values, d, into: &g, accumulate: true)
    }

    /// C (+)= A·B for a sparse A given by its CSR arrays; output rows split over threads.
    private static func product(
        _ rowStart: [Int], _ columns: [Int32], _ values: [Float], _ b: Matrix, into c: inout Matrix,
        accumulate: Bool
    ) {
        let k = b.cols
        rowStart.withUnsafeBufferPointer { starts in
            columns.withUnsafeBufferPointer { cs in
                values.withUnsafeBufferPointer { vs in
                    b.storage.withUnsafeBufferPointer { bs in
                        c.storage.withUnsafeMutableBufferPointer { out in
                            guard let bBase = bs.baseAddress, let cBase = out.baseAddress else { return }
                            nonisolated(unsafe) let (starts, cs, vs, b0, c0) = (starts, cs, vs, bBase, cBase)  // disjoint rows
                            parallelFor(starts.count - 1, minimumChunk: 16) { range, _ in
                                for r in range {
                                    let row = c0 + r * k
                                    if !accumulate { row.update(repeating: 0, count: k) }
                                    for e in starts[r]..<starts[r + 1] {
                                        Kernels.axpy(vs[e], b0 + Int(cs[e]) * k, row, k)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// out[e] = X[row(e)] · Y[columns[e]] for every entry (the sampled scores of CDAE).
    ///
    /// - Parameters:
    ///   - x: `rows × k`.
    ///   - y: `cols × k`.
    ///   - out: written, one per entry.
    func sampledDot(_ x: Matrix, _ y: Matrix, into out: inout [Float]) {
        if out.count != columns.count { out = [Float](repeating: 0, count: columns.count) }
        // The same product RecMath has for any CSR pattern (the arrays are shared, not copied).
        CSRMatrix(rows: rows, cols: cols, rowStart: rowStart, columns: columns, values: values)
            .sampledProduct(x, y, into: &out)
    }
}
