/// A sparse pattern reordered into cache tiles of (row block × column block), for products whose
/// dense operands are too large for the cache when walked in plain row order.
///
/// A plain CSR product reads one dense row of width k per entry, from anywhere in the dense
/// operand (12 MB for 6,040 rows of 500 floats): almost every read misses the core's cache. Here the
/// entries are grouped so that all the entries of rows `r₀ ..< r₀ + rowBlock` whose columns lie in
/// `c₀ ..< c₀ + columnBlock` are visited together; the dense rows such a tile touches then stay in
/// the cache while it is walked, and each is reused by every entry of its column in the tile.
///
/// Order of the stored entries: row block, then column block, then row, then column. A *segment*
/// is the entries of one row inside one column block; segment `(r, cb)` of row block `b` (first row
/// `r₀ = b · rowBlock`, `n` rows) has index `r₀ · columnBlocks + cb · n + (r − r₀)`, so the segments
/// of a tile are consecutive and a row block's tiles follow one another.
///
/// `entry[e]` is the index, in the caller's value order, of tiled entry `e` (the CSR entry order
/// for the tiles of a ``CSRMatrix``, the *original* matrix's entry order for the tiles of a
/// ``CSRTranspose``), so values computed in that order are read through it without being copied.
///
/// Build it once per pattern (full-batch training reuses one pattern every iteration).
/// Memory: O(rows × columnBlocks + nonzeros).
public struct CSRTiles: Sendable {
    /// Rows of the pattern.
    public let rows: Int
    /// Columns of the pattern.
    public let cols: Int
    /// Rows per row block (the last may be shorter).
    public let rowBlock: Int
    /// Columns per column block (the last may be shorter).
    public let columnBlock: Int
    /// Offsets of the segments into `columns` and `entry`; `rows × columnBlocks + 1` elements.
    public let segmentStart: [Int32]
    /// Column of each entry, in tile order.
    public let columns: [Int32]
    /// Value index of each entry, in tile order.
    public let entry: [Int32]
    /// Entries of the largest tile (the scratch a product gathers one tile's values into).
    public let largestTile: Int
    /// Entries of each row block, in order (to split row blocks over threads by their work).
    public let blockEntries: [Int]

    /// Number of row blocks.
    public var rowBlocks: Int { (rows + rowBlock - 1) / rowBlock }
    /// Number of column blocks (at least 1).
    public var columnBlocks: Int { max(1, (cols + columnBlock - 1) / columnBlock) }
    /// Number of stored entries.
    public var nonzeros: Int { columns.count }

    /// Block sizes that suit a hidden width of about 500 on a core with 1 MB of L2 (ML-1M, see
    /// BENCHMARKS.md): a column block's 64-column slice of the dense operand (128 KB) and a row
    /// block's slice of the output stay in L2 together. Results do not depend on the blocks.
    public static let defaultRowBlock = 512
    /// See ``defaultRowBlock``.
    public static let defaultColumnBlock = 512

    /// The tiles of a matrix's pattern; `entry` is the CSR entry index.
    ///
    /// - Complexity: O(nonzeros + rows × columnBlocks).
    public init(_ a: CSRMatrix, rowBlock: Int = defaultRowBlock, columnBlock: Int = defaultColumnBlock) {
        self.init(rows: a.rows, cols: a.cols, rowStart: a.rowStart, columns: a.columns, entry: nil,
                  rowBlock: rowBlock, columnBlock: columnBlock)
    }

    /// The tiles of a transposed pattern; `entry` is the *original* matrix's entry index.
    ///
    /// - Complexity: O(nonzeros + rows × columnBlocks) of the transpose.
    public init(_ t: CSRTranspose, rowBlock: Int = defaultRowBlock, columnBlock: Int = defaultColumnBlock) {
        self.init(rows: t.rows, cols: t.cols, rowStart: t.rowStart, columns: t.columns, entry: t.entry,
                  rowBlock: rowBlock, columnBlock: columnBlock)
    }

    /// Tiles from a CSR pattern whose rows have strictly increasing columns; `entry[e]` is the
    /// value index of CSR entry e (nil: e itself).
    init(
        rows: Int, cols: Int, rowStart: [Int], columns: [Int32], entry: [Int32]?, rowBlock: Int, columnBlock: Int
    ) {
        precondition(rowBlock > 0 && columnBlock > 0, "CSRTiles: blocks \(rowBlock)x\(columnBlock)")
        precondition(columns.count < Int(Int32.max), "CSRTiles: \(columns.count) entries exceed Int32 indexing")
        precondition(rowStart.count == rows + 1 && (entry?.count ?? columns.count) == columns.count,
                     "CSRTiles: \(rows) rows, \(rowStart.count) offsets, \(columns.count) entries")
        self.rows = rows
        self.cols = cols
        self.rowBlock = rowBlock
        self.columnBlock = columnBlock
        let blocks = max(1, (cols + columnBlock - 1) / columnBlock)
        var start = [Int32](repeating: 0, count: rows * blocks + 1)
        var tiledColumns = [Int32](repeating: 0, count: columns.count)
        var tiledEntry = [Int32](repeating: 0, count: columns.count)
        // Each row's entries are sorted by column, so a row's share of a column block is the run
        // that follows its share of the previous block: one cursor per row walks it once.
        var cursor = Array(rowStart.dropLast())
        var out = 0, segment = 0, largest = 0
        var perBlock = [Int]()
        var r0 = 0
        while r0 < rows {
            let r1 = min(rows, r0 + rowBlock)
            let blockStart = out
            for cb in 0..<blocks {
                let tileStart = out
                defer { largest = max(largest, out - tileStart) }
                let end = Int32(truncatingIfNeeded: min(cols, (cb + 1) * columnBlock))
                for r in r0..<r1 {
                    var e = cursor[r]
                    let hi = rowStart[r + 1]
                    while e < hi && columns[e] < end {
                        tiledColumns[out] = columns[e]
                        tiledEntry[out] = entry?[e] ?? Int32(truncatingIfNeeded: e)
                        out += 1
                        e += 1
                    }
                    cursor[r] = e
                    segment += 1
                    start[segment] = Int32(truncatingIfNeeded: out)
                }
            }
            perBlock.append(out - blockStart)
            r0 = r1
        }
        precondition(out == columns.count, "CSRTiles: rows are not sorted by column")
        segmentStart = start
        self.columns = tiledColumns
        self.entry = tiledEntry
        largestTile = largest
        blockEntries = perBlock
    }
}
