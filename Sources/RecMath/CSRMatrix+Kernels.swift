/// The transpose of a ``CSRMatrix``'s pattern, with the entry of the original matrix that each
/// transposed entry came from, so values computed in the original entry order (errors at
/// observed ratings, say) can be read column by column without being copied.
public struct CSRTranspose: Sendable {
    /// Rows of the transpose (the original's columns).
    public let rows: Int
    /// Columns of the transpose (the original's rows).
    public let cols: Int
    /// Row offsets of the transpose.
    public let rowStart: [Int]
    /// Column (original row) of each transposed entry.
    public let columns: [Int32]
    /// Original entry index of each transposed entry.
    public let entry: [Int32]

    /// Builds the transposed pattern of `a` by a counting sort on columns.
    ///
    /// - Complexity: O(rows + cols + nonzeros).
    public init(of a: CSRMatrix) {
        precondition(a.nonzeros < Int(Int32.max), "CSRTranspose: \(a.nonzeros) entries exceed Int32 indexing")
        var start = [Int](repeating: 0, count: a.cols + 1)
        for c in a.columns { start[Int(c) + 1] += 1 }
        for c in 0..<a.cols { start[c + 1] += start[c] }
        var next = start
        var cols = [Int32](repeating: 0, count: a.nonzeros)
        var entry = [Int32](repeating: 0, count: a.nonzeros)
        for r in 0..<a.rows {
            for e in a.rowStart[r]..<a.rowStart[r + 1] {
                let c = Int(a.columns[e])
                cols[next[c]] = Int32(r)
                entry[next[c]] = Int32(e)
                next[c] += 1
            }
        }
        rows = a.cols
        self.cols = a.rows
        rowStart = start
        columns = cols
        self.entry = entry
    }

    /// C = Aᵀ·B (or C += Aᵀ·B), where Aᵀ has this pattern and takes `values[entry[e]]` at entry e.
    ///
    /// - Parameters:
    ///   - values: one value per entry of the *original* matrix, in its entry order.
    ///   - b: a dense matrix with one row per original row (`cols` rows).
    ///   - c: the output, one row per original column (`rows` rows), same width as `b`.
    /// - Complexity: O(nonzeros × b.cols), rows split over threads.
    public func multiply(values: [Float], _ b: Matrix, into c: inout Matrix, accumulate: Bool = false) {
        precondition(values.count == columns.count && b.rows == cols && c.rows == rows && c.cols == b.cols,
                     "CSRTranspose.multiply: pattern \(rows)x\(cols) with \(columns.count) entries, "
                     + "\(values.count) values, B \(b.rows)x\(b.cols), C \(c.rows)x\(c.cols)")
        spmm(rowStart: rowStart, columns: columns, values: values, valueIndex: entry, b: b, c: &c,
             accumulate: accumulate)
    }
}

extension CSRMatrix {
    /// C = A·B (or C += A·B), with this matrix's values or `values` given in its entry order.
    ///
    /// ```
    /// C[r] = Σ_{e in row r} value[e] · B[columns[e]]
    /// ```
    /// - Complexity: O(nonzeros × b.cols), rows split over threads by their number of entries.
    public func multiply(_ b: Matrix, values: [Float]? = nil, into c: inout Matrix, accumulate: Bool = false) {
        precondition(b.rows == cols && c.rows == rows && c.cols == b.cols && (values?.count ?? nonzeros) == nonzeros,
                     "CSR.multiply: A \(rows)x\(cols) with \(nonzeros) entries, \(values?.count ?? nonzeros) values, "
                     + "B \(b.rows)x\(b.cols), C \(c.rows)x\(c.cols)")
        spmm(rowStart: rowStart, columns: columns, values: values ?? self.values, valueIndex: nil, b: b, c: &c,
             accumulate: accumulate)
    }

    /// out[e] = X[r] · Y[columns[e]] for every entry e of every row r: a dense product evaluated at
    /// this matrix's pattern only.
    ///
    /// - Complexity: O(nonzeros × x.cols), rows split over threads by their number of entries.
    public func sampledProduct(_ x: Matrix, _ y: Matrix, into out: inout [Float]) {
        precondition(x.rows == rows && y.rows == cols && x.cols == y.cols && out.count == nonzeros,
                     "CSR.sampledProduct: pattern \(rows)x\(cols) with \(nonzeros) entries, "
                     + "X \(x.rows)x\(x.cols), Y \(y.rows)x\(y.cols), out \(out.count)")
        let k = x.cols
        rowStart.withUnsafeBufferPointer { rs in
            columns.withUnsafeBufferPointer { cs in
                x.storage.withUnsafeBufferPointer { xs in
                    y.storage.withUnsafeBufferPointer { ys in
                        out.withUnsafeMutableBufferPointer { os in
                            // Each chunk writes the entries of its own rows only.
                            nonisolated(unsafe) let (rs, cs, xs, ys, os) = (rs, cs, xs, ys, os)
                            forEachRowChunk(rowStart: rs, rows: rows, work: k) { range in
                                Kernels.sddmmRows(range, rowStart: rs.baseAddress!, columns: cs.baseAddress!,
                                                  x: xs.baseAddress!, y: ys.baseAddress!, k: k,
                                                  out: os.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Shared body of the two sparse-times-dense products.
private func spmm(
    rowStart: [Int], columns: [Int32], values: [Float], valueIndex: [Int32]?, b: Matrix, c: inout Matrix,
    accumulate: Bool
) {
    let k = b.cols
    let rows = rowStart.count - 1
    let index = valueIndex ?? []
    rowStart.withUnsafeBufferPointer { rs in
        columns.withUnsafeBufferPointer { cs in
            values.withUnsafeBufferPointer { vs in
                index.withUnsafeBufferPointer { ix in
                    b.storage.withUnsafeBufferPointer { bs in
                        c.storage.withUnsafeMutableBufferPointer { out in
                            // Each chunk writes the output rows of its own range only.
                            nonisolated(unsafe) let (rs, cs, vs, ix, bs, out) = (rs, cs, vs, ix, bs, out)
                            let indexed = valueIndex != nil
                            forEachRowChunk(rowStart: rs, rows: rows, work: k) { range in
                                Kernels.spmmRows(range, rowStart: rs.baseAddress!, columns: cs.baseAddress!,
                                                 values: vs.baseAddress!,
                                                 valueIndex: indexed ? ix.baseAddress : nil,
                                                 b: bs.baseAddress!, k: k, c: out.baseAddress!,
                                                 accumulate: accumulate)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Runs `body` over chunks of rows holding about equal numbers of entries (plus rows), so that
/// long-tailed row lengths still split evenly over threads. Runs inline for small work.
func forEachRowChunk(rowStart: UnsafeBufferPointer<Int>, rows: Int, work: Int, _ body: (Range<Int>) -> Void) {
    guard rows > 0 else { return }
    let total = rowStart[rows] + rows
    // Below about 64k multiply-adds a thread hand-off costs more than it saves.
    let chunks = total &* max(1, work) < 65_536 ? 1 : parallelChunkCount(total, minimumChunk: 1)
    if chunks <= 1 {
        body(0..<rows)
        return
    }
    nonisolated(unsafe) let rs = rowStart
    parallelFor(chunks) { range, _ in
        for c in range {
            body(rowAtWork(rs, rows, total * c / chunks)..<rowAtWork(rs, rows, total * (c + 1) / chunks))
        }
    }
}

/// The first row whose cumulative work (entries plus rows before it) reaches `target`.
private func rowAtWork(_ rowStart: UnsafeBufferPointer<Int>, _ rows: Int, _ target: Int) -> Int {
    var lo = 0, hi = rows
    while lo < hi {
        let mid = (lo + hi) / 2
        if rowStart[mid] + mid < target { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
