/// k-fold cross-validation: the ratings are shuffled once and cut into `k` folds of sizes that
/// differ by at most one; fold `f`'s split holds out fold `f` and trains on the rest.
public struct KFold: Sendable {
    /// The number of folds.
    public let folds: Int
    private let foldOf: [Int32]

    /// Assigns every rating of `table` to one of `folds` folds.
    ///
    /// - Throws: ``SplitError/badFoldCount(_:ratings:)`` unless `2 <= folds <= table.count`.
    public init(_ table: RatingTable, folds: Int, using rng: inout some RandomNumberGenerator) throws(SplitError) {
        guard folds >= 2 && folds <= table.count else { throw .badFoldCount(folds, ratings: table.count) }
        var rows = Array(0..<table.count)
        partialShuffle(&rows, first: rows.count, using: &rng)
        var foldOf = [Int32](repeating: 0, count: table.count)
        let n = rows.count
        for f in 0..<folds {
            let lo = f * n / folds, hi = (f + 1) * n / folds
            for k in lo..<hi { foldOf[rows[k]] = Int32(f) }
        }
        self.folds = folds
        self.foldOf = foldOf
    }

    /// The split that holds out fold `fold` of `table` (the table the folds were made for).
    public func split(_ table: RatingTable, fold: Int) -> RatingSplit {
        precondition(table.count == foldOf.count, "KFold: made for \(foldOf.count) ratings, got \(table.count)")
        precondition(fold >= 0 && fold < folds, "KFold: fold \(fold) outside 0..<\(folds)")
        var trainRows = [Int](), testRows = [Int]()
        for r in 0..<foldOf.count {
            if Int(foldOf[r]) == fold { testRows.append(r) } else { trainRows.append(r) }
        }
        return RatingSplit(source: table, trainRows: trainRows, testRows: testRows)
    }
}
