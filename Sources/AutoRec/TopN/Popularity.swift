/// Most-popular baseline: every user gets the items with the most training interactions.
public struct Popularity: TopNModel {
    /// Training interactions of each item.
    public let counts: [Float]

    public var itemCount: Int { counts.count }

    /// Counts the items of `training` (one item list per user).
    public init(training: [[Int32]], itemCount: Int) {
        var c = [Float](repeating: 0, count: itemCount)
        for items in training {
            for i in items where Int(i) < itemCount { c[Int(i)] += 1 }
        }
        counts = c
    }

    public func scores(user: Int32?, items: [Int32], into scores: inout [Float]) {
        precondition(
            scores.count == counts.count, "Popularity: \(scores.count) slots for \(counts.count) items")
        for j in counts.indices { scores[j] = counts[j] }
    }
}
