/// A sparse matrix in compressed sparse row form, with `Float` values and `Int32` column indices.
///
/// Row `r` holds the entries `rowStart[r] ..< rowStart[r + 1]` of `columns` and `values`; within a
/// row the columns are strictly increasing. Memory is O(rows + nonzeros).
public struct CSRMatrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Offsets of each row's first entry; `rows + 1` elements, the last equal to `nonzeros`.
    public let rowStart: [Int]
    /// Column index of each entry.
    public let columns: [Int32]
    /// Value of each entry.
    public var values: [Float]

    /// Number of stored entries.
    public var nonzeros: Int { columns.count }

    /// A matrix from its three arrays; checks that they are consistent.
    public init(rows: Int, cols: Int, rowStart: [Int], columns: [Int32], values: [Float]) {
        precondition(rowStart.count == rows + 1, "CSR: rowStart has \(rowStart.count), needs \(rows + 1)")
        precondition(columns.count == values.count && rowStart.last == columns.count,
                     "CSR: \(columns.count) columns, \(values.count) values, last offset \(rowStart.last ?? -1)")
        self.rows = rows
        self.cols = cols
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from coordinate triplets (any order; a repeated (row, column) keeps the last).
    ///
    /// - Complexity: O(rows + cols + n log(max row length)) with a counting sort by row.
    public init(rows: Int, cols: Int, rowIndices: [Int32], columnIndices: [Int32], values: [Float]) {
        precondition(rowIndices.count == columnIndices.count && rowIndices.count == values.count,
                     "CSR: \(rowIndices.count) rows, \(columnIndices.count) columns, \(values.count) values")
        let n = values.count
        var start = [Int](repeating: 0, count: rows + 1)
        for r in rowIndices {
            precondition(r >= 0 && Int(r) < rows, "CSR: row \(r) outside 0..<\(rows)")
            start[Int(r) + 1] += 1
        }
        for r in 0..<rows { start[r + 1] += start[r] }
        var next = start
        var order = [Int](repeating: 0, count: n)
        for k in 0..<n {
            let r = Int(rowIndices[k])
            order[next[r]] = k
            next[r] += 1
        }
        var cols32 = [Int32](repeating: 0, count: n)
        var vals = [Float](repeating: 0, count: n)
        var outStart = [Int](repeating: 0, count: rows + 1)
        var out = 0
        for r in 0..<rows {
            // Stable sort of the row by column; a later duplicate overwrites an earlier one.
            let slice = order[start[r]..<start[r + 1]].sorted {
                columnIndices[$0] != columnIndices[$1] ? columnIndices[$0] < columnIndices[$1] : $0 < $1
            }
            var last: Int32 = -1
            for k in slice {
                let c = columnIndices[k]
                precondition(c >= 0 && Int(c) < cols, "CSR: column \(c) outside 0..<\(cols)")
                if c == last {
                    vals[out - 1] = values[k]
                } else {
                    cols32[out] = c
                    vals[out] = values[k]
                    out += 1
                    last = c
                }
            }
            outStart[r + 1] = out
        }
        cols32.removeLast(n - out)
        vals.removeLast(n - out)
        self.init(rows: rows, cols: cols, rowStart: outStart, columns: cols32, values: vals)
    }

    /// Number of entries in row `r`.
    @inlinable
    public func count(ofRow r: Int) -> Int { rowStart[r + 1] - rowStart[r] }

    /// The transpose, also in CSR form (so a CSC view of this matrix).
    ///
    /// - Complexity: O(rows + cols + nonzeros).
    public func transposed() -> CSRMatrix {
        var start = [Int](repeating: 0, count: cols + 1)
        for c in columns { start[Int(c) + 1] += 1 }
        for c in 0..<cols { start[c + 1] += start[c] }
        var next = start
        var tCols = [Int32](repeating: 0, count: nonzeros)
        var tVals = [Float](repeating: 0, count: nonzeros)
        for r in 0..<rows {
            for k in rowStart[r]..<rowStart[r + 1] {
                let c = Int(columns[k])
                tCols[next[c]] = Int32(r)
                tVals[next[c]] = values[k]
                next[c] += 1
            }
        }
        return CSRMatrix(rows: cols, cols: rows, rowStart: start, columns: tCols, values: tVals)
    }
}

extension CSRMatrix {
    /// The rows `rows` (in that order, repeats allowed) as a new matrix with `rows.count` rows.
    ///
    /// - Complexity: O(rows.count + entries of those rows).
    public func selectingRows(_ rows: [Int32]) -> CSRMatrix {
        var start = [Int](), cols = [Int32](), vals = [Float]()
        start.reserveCapacity(rows.count + 1)
        start.append(0)
        for r in rows {
            let lo = rowStart[Int(r)], hi = rowStart[Int(r) + 1]
            cols.append(contentsOf: columns[lo..<hi])
            vals.append(contentsOf: values[lo..<hi])
            start.append(cols.count)
        }
        return CSRMatrix(rows: rows.count, cols: self.cols, rowStart: start, columns: cols, values: vals)
    }
}
