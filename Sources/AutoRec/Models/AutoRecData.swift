import RecData
import RecMath

/// Training ratings arranged for one orientation of AutoRec: a sparse matrix with one row per
/// encoded vector (items for I-AutoRec) and one column per input (users), its transposed pattern,
/// and the fill of unobserved inputs split into a per-row and a per-input offset.
///
/// The fill value of the unobserved input (row j, input u) is `rowOffset[j] + inputOffset[u]`
/// (a constant, a user's mean or an item's mean all have this form), which lets the encoder add
/// it algebraically: `V x_j = Σ_u fill(j,u) V[u] + Σ_{observed} (r_ju − fill(j,u)) V[u]`.
public struct AutoRecData: Sendable {
    /// Ratings, rows = encoded vectors, columns = inputs.
    public let matrix: CSRMatrix
    /// The transposed pattern of `matrix` (rows = inputs).
    public let transpose: CSRTranspose
    /// Per-row part of the fill.
    public let rowOffset: [Float]
    /// Per-input part of the fill.
    public let inputOffset: [Float]
    /// Whether every fill offset is zero (the paper's setting: nothing to add).
    public let zeroFill: Bool
    /// Number of training ratings in each row (0: the encoded entity is cold).
    public let rowCounts: [Int]
    /// Number of training ratings of each input.
    public let inputCounts: [Int]
    /// Mean training rating.
    public let globalMean: Float
    /// Side features of each row (rows × features), appended to the input only; nil without.
    public let side: CSRMatrix?

    /// Number of side-feature columns (0 without side information).
    public var sideWidth: Int { side?.cols ?? 0 }

    /// Arranges `table` for `orientation`, with `fill` computed from the table's own ratings.
    ///
    /// - Complexity: O(users + items + ratings).
    /// - Parameter side: features of the encoded entities (users for `.user`, items for `.item`),
    ///   one row per entity of the table; nil for none.
    public init(
        _ table: RatingTable, orientation: AutoRecConfiguration.Orientation, fill: AutoRecConfiguration.Fill,
        side: SideFeatures? = nil
    ) {
        let byItem = orientation == .item
        let rows = byItem ? table.itemCount : table.userCount
        let inputs = byItem ? table.userCount : table.itemCount
        let rowIdx = byItem ? table.items : table.users
        let colIdx = byItem ? table.users : table.items
        let matrix = CSRMatrix(rows: rows, cols: inputs, rowIndices: rowIdx, columnIndices: colIdx,
                               values: table.ratings)
        let transpose = CSRTranspose(of: matrix)
        let rowCounts = (0..<rows).map { matrix.count(ofRow: $0) }
        let inputCounts = (0..<inputs).map { transpose.rowStart[$0 + 1] - transpose.rowStart[$0] }
        let globalMean = Float(table.globalMean)
        self.matrix = matrix
        self.transpose = transpose
        self.rowCounts = rowCounts
        self.inputCounts = inputCounts
        self.globalMean = globalMean

        var rowMean = [Float](repeating: globalMean, count: rows)
        var inputMean = [Float](repeating: globalMean, count: inputs)
        var rowSum = [Double](repeating: 0, count: rows), inputSum = [Double](repeating: 0, count: inputs)
        for j in 0..<rows {
            for e in matrix.rowStart[j]..<matrix.rowStart[j + 1] {
                rowSum[j] += Double(matrix.values[e])
                inputSum[Int(matrix.columns[e])] += Double(matrix.values[e])
            }
        }
        for j in 0..<rows where rowCounts[j] > 0 { rowMean[j] = Float(rowSum[j] / Double(rowCounts[j])) }
        for u in 0..<inputs where inputCounts[u] > 0 { inputMean[u] = Float(inputSum[u] / Double(inputCounts[u])) }

        var ro = [Float](repeating: 0, count: rows), io = [Float](repeating: 0, count: inputs)
        switch fill {
        case .zero: break
        case let .constant(c): ro = [Float](repeating: c, count: rows)
        case .userMean: if byItem { io = inputMean } else { ro = rowMean }
        case .itemMean: if byItem { ro = rowMean } else { io = inputMean }
        }
        rowOffset = ro
        inputOffset = io
        zeroFill = !ro.contains { $0 != 0 } && !io.contains { $0 != 0 }
        if let side {
            precondition(side.matrix.rows == rows, "AutoRecData: \(side.matrix.rows) side rows for \(rows) rows")
        }
        self.side = side?.matrix
    }

    /// A context without fill for `rows` vectors of `inputs` values that are given in full (the
    /// dense batches of re-feeding): no ratings, every offset zero.
    init(unfilledRows rows: Int, inputs: Int) {
        matrix = CSRMatrix(rows: rows, cols: inputs, rowStart: [Int](repeating: 0, count: rows + 1), columns: [],
                           values: [])
        transpose = CSRTranspose(of: matrix)
        rowOffset = [Float](repeating: 0, count: rows)
        inputOffset = [Float](repeating: 0, count: inputs)
        zeroFill = true
        rowCounts = [Int](repeating: 0, count: rows)
        inputCounts = [Int](repeating: 0, count: inputs)
        globalMean = 0
        side = nil
    }

    /// Number of encoded vectors.
    public var rows: Int { matrix.rows }
    /// Length of each vector.
    public var inputs: Int { matrix.cols }
}

/// A mini-batch: some rows of the training matrix, renumbered `0..<count`, with their transposed
/// pattern for the per-input gradients.
struct SparseBatch {
    /// Global row index of each local row.
    let rows: [Int32]
    /// The rows' ratings (local rows × all inputs).
    let matrix: CSRMatrix
    /// Transposed pattern of `matrix`.
    let transpose: CSRTranspose
    /// Each rating minus the fill of its position (`nil` when the fill is zero: the ratings themselves).
    let shiftedValues: [Float]?
    /// The rows' side features (local rows × features) and their transposed pattern; nil without.
    let side: (matrix: CSRMatrix, transpose: CSRTranspose)?
    /// The values as rows × inputs when every input of every row is an entry (a dense batch, whose
    /// output layer then runs as GEMMs); nil for a sparse batch.
    let dense: Matrix?
    /// Cache tiles of `matrix` and of `transpose` for the sparse passes (same results as the plain
    /// kernels, faster on large batches); nil for a batch too small to split into row blocks.
    var tiles: BatchTiles?

    /// The tiles of both orientations of a batch's pattern.
    struct BatchTiles {
        /// Tiles of the batch (rows × inputs): the forward product, the sampled output, ∂H.
        let matrix: CSRTiles
        /// Tiles of its transpose (inputs × rows): the per-input weight gradients ∂V and ∂W.
        let transpose: CSRTiles

        /// Tiles for a batch with at least `minimumRows` rows (and inputs) and `minimumEntries`
        /// entries, else nil. Mini-batches of 256 rows (the Adam default) stay on the plain
        /// kernels: a tiling built per batch did not pay there (BENCHMARKS.md, issue 14).
        ///
        /// Row blocks are at most ``CSRTiles/defaultRowBlock`` rows and at least an eighth of the
        /// rows (so the blocks split over threads); the results do not depend on them.
        init?(_ m: CSRMatrix, _ t: CSRTranspose, minimumRows: Int = 1024, minimumEntries: Int = 100_000) {
            guard m.rows >= minimumRows && t.rows >= minimumRows && m.nonzeros >= minimumEntries else { return nil }
            func rowBlock(_ rows: Int) -> Int { min(CSRTiles.defaultRowBlock, max(32, rows / 8)) }
            self.init(m, t, rowBlocks: (rowBlock(m.rows), rowBlock(t.rows)),
                      columnBlock: CSRTiles.defaultColumnBlock)
        }

        /// Tiles of the given block sizes whatever the batch's size (tests run them on tiny data).
        init(_ m: CSRMatrix, _ t: CSRTranspose, rowBlocks: (matrix: Int, transpose: Int), columnBlock: Int) {
            matrix = CSRTiles(m, rowBlock: rowBlocks.matrix, columnBlock: columnBlock)
            transpose = CSRTiles(t, rowBlock: rowBlocks.transpose, columnBlock: columnBlock)
        }
    }

    /// The side features of `rows` (global indices) of `side`.
    static func sideRows(_ rows: [Int32], of side: CSRMatrix?) -> (matrix: CSRMatrix, transpose: CSRTranspose)? {
        guard let side else { return nil }
        let m = side.selectingRows(rows)
        return (m, CSRTranspose(of: m))
    }

    /// The whole training set as one batch (shares the data's arrays).
    init(all data: AutoRecData) {
        rows = (0..<data.rows).map { Int32($0) }
        matrix = data.matrix
        transpose = data.transpose
        shiftedValues = Self.shift(matrix, rows: rows, data)
        side = data.side.map { ($0, CSRTranspose(of: $0)) }
        dense = nil
        tiles = BatchTiles(matrix, transpose)
    }

    /// A batch over every row of `pattern` (rows numbered as in the data), without fill or side
    /// features: an input pattern whose values are passed separately (GLocal-K's convolved matrix).
    init(pattern: CSRMatrix) {
        rows = (0..<pattern.rows).map { Int32($0) }
        matrix = pattern
        transpose = CSRTranspose(of: pattern)
        shiftedValues = nil
        side = nil
        dense = nil
        tiles = BatchTiles(matrix, transpose)
    }

    /// `r − rowOffset[row] − inputOffset[input]` at every entry, or nil for a zero fill.
    static func shift(_ m: CSRMatrix, rows: [Int32], _ data: AutoRecData) -> [Float]? {
        if data.zeroFill { return nil }
        var v = m.values
        for j in 0..<m.rows {
            let a = data.rowOffset[Int(rows[j])]
            for e in m.rowStart[j]..<m.rowStart[j + 1] { v[e] -= a + data.inputOffset[Int(m.columns[e])] }
        }
        return v
    }

    /// A dense batch: every input of every row of `values` is an entry (rows renumbered 0..<rows).
    init(dense values: Matrix, side: (matrix: CSRMatrix, transpose: CSRTranspose)? = nil) {
        let n = values.cols
        rows = (0..<values.rows).map { Int32($0) }
        let columns = (0..<values.rows).flatMap { _ in (0..<n).map { Int32($0) } }
        matrix = CSRMatrix(rows: values.rows, cols: n, rowStart: (0...values.rows).map { $0 * n }, columns: columns,
                           values: values.storage)
        transpose = CSRTranspose(of: matrix)
        shiftedValues = nil
        self.side = side
        dense = values
        tiles = nil
    }

    /// The batch of `rows` (global indices) of `data`.
    init(_ rows: ArraySlice<Int32>, of data: AutoRecData) {
        self.rows = Array(rows)
        matrix = data.matrix.selectingRows(self.rows)
        transpose = CSRTranspose(of: matrix)
        shiftedValues = Self.shift(matrix, rows: self.rows, data)
        side = Self.sideRows(self.rows, of: data.side)
        dense = nil
        tiles = BatchTiles(matrix, transpose)
    }
}
