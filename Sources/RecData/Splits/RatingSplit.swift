/// The two parts of a split, as row numbers into the table that was split and as tables.
///
/// Both parts share the source table's id maps and scale, so an index names the same user or
/// item in each, and rows keep their original order.
public struct RatingSplit: Sendable {
    /// Rows of the source table in the training part, ascending.
    public let trainRows: [Int]
    /// Rows of the source table in the held-out part, ascending.
    public let testRows: [Int]
    /// The training part.
    public let train: RatingTable
    /// The held-out part.
    public let test: RatingTable

    init(source: RatingTable, trainRows: [Int], testRows: [Int]) {
        self.trainRows = trainRows
        self.testRows = testRows
        train = source.selecting(trainRows)
        test = source.selecting(testRows)
    }

    /// Splits `table` by `method`.
    ///
    /// - Parameters:
    ///   - table: the ratings to split.
    ///   - method: how to choose the held-out part.
    ///   - rng: the seeded source of randomness (unused by the temporal methods).
    /// - Throws: ``SplitError`` for a bad fraction, an empty table or missing timestamps.
    /// - Complexity: O(n) for random splits, O(n log n) for the temporal ones.
    public init(
        _ table: RatingTable, method: SplitMethod, using rng: inout some RandomNumberGenerator
    ) throws(SplitError) {
        try method.validate()
        guard table.count > 0 else { throw .emptyTable }
        if method.needsTimestamps && !table.hasTimestamps { throw .needsTimestamps("a \(method) split") }
        var held = [Bool](repeating: false, count: table.count)
        switch method {
        case let .random(f):
            var rows = Array(0..<table.count)
            let k = min(table.count, Int((Double(table.count) * f).rounded()))
            partialShuffle(&rows, first: k, using: &rng)
            for r in rows[0..<k] { held[r] = true }
        case let .perUser(f):
            for var rows in Self.rowsByUser(table) where rows.count > 1 {
                let k = min(rows.count - 1, Int((Double(rows.count) * f).rounded()))
                partialShuffle(&rows, first: k, using: &rng)
                for r in rows[0..<k] { held[r] = true }
            }
        case let .temporal(f):
            let order = Self.byTime(Array(0..<table.count), table)
            let k = min(table.count, Int((Double(table.count) * f).rounded()))
            for r in order.suffix(k) { held[r] = true }
        case let .temporalPerUser(f):
            for rows in Self.rowsByUser(table) where rows.count > 1 {
                let k = min(rows.count - 1, Int((Double(rows.count) * f).rounded()))
                for r in Self.byTime(rows, table).suffix(k) { held[r] = true }
            }
        case let .latestPerUser(n):
            for rows in Self.rowsByUser(table) where rows.count > 1 {
                for r in Self.byTime(rows, table).suffix(min(n, rows.count - 1)) { held[r] = true }
            }
        }
        var trainRows = [Int](), testRows = [Int]()
        for r in 0..<table.count {
            if held[r] { testRows.append(r) } else { trainRows.append(r) }
        }
        self.init(source: table, trainRows: trainRows, testRows: testRows)
    }

    /// Rows of each user index, in file order (users with no rating get an empty list).
    static func rowsByUser(_ table: RatingTable) -> [[Int]] {
        var rows = [[Int]](repeating: [], count: table.userCount)
        for (r, u) in table.users.enumerated() { rows[Int(u)].append(r) }
        return rows
    }

    /// `rows` ordered by timestamp, ties kept in file order.
    static func byTime(_ rows: [Int], _ table: RatingTable) -> [Int] {
        rows.sorted { a, b in
            let ta = table.timestamps[a], tb = table.timestamps[b]
            return ta != tb ? ta < tb : a < b
        }
    }
}

/// Moves a uniform random choice of `first` elements to the front (the first `first` steps of a
/// Fisher-Yates shuffle); `first = a.count` shuffles the whole array. Written out so results never
/// depend on the standard library's algorithm. Used by the splits and by training's batch order.
///
/// - Complexity: O(first).
public func partialShuffle<T>(_ a: inout [T], first: Int, using rng: inout some RandomNumberGenerator) {
    let n = a.count
    guard n > 1 else { return }
    for i in 0..<min(first, n - 1) {
        let j = i + boundedRandom(n - i, using: &rng)
        if i != j { a.swapAt(i, j) }
    }
}

/// A uniform integer in `0..<bound` from 32 random bits (Lemire's multiply-shift).
func boundedRandom(_ bound: Int, using rng: inout some RandomNumberGenerator) -> Int {
    Int((((rng.next() as UInt64) >> 32) &* UInt64(bound)) >> 32)
}
