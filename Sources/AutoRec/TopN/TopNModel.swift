import RecMath

/// A model that scores every item for a user from the user's items (implicit feedback).
///
/// Scores rank items; only their order matters. A known user is passed with their index and
/// training items; a new user (fold-in) with `user: nil` and the items they have. Conforming
/// types are read from several threads at once.
public protocol TopNModel: Sendable {
    /// Items scored, `0..<itemCount`.
    var itemCount: Int { get }
    /// Writes a score for every item into `scores` (count ``itemCount``).
    ///
    /// - Parameters:
    ///   - user: The user's index in the training data, or `nil` for a folded-in user.
    ///   - items: The user's items (training items, or a new user's list).
    func scores(user: Int32?, items: [Int32], into scores: inout [Float])
}

/// Implicit training data as a `users × items` CSR matrix of ones.
public enum InteractionMatrix {
    /// One row per entry of `lists` (the user's items), value 1 at each listed item.
    public static func make(_ lists: [[Int32]], itemCount: Int) -> CSRMatrix {
        var start = [0], cols = [Int32]()
        start.reserveCapacity(lists.count + 1)
        for items in lists {
            cols.append(contentsOf: items.sorted())
            start.append(cols.count)
        }
        return CSRMatrix(
            rows: lists.count, cols: itemCount, rowStart: start, columns: cols,
            values: [Float](repeating: 1, count: cols.count))
    }
}

/// Scores as the sum of the rows of an item × item weight matrix at the user's items:
/// score_j = Σ_{i ∈ items} W[i][j] (item-kNN and EASE).
struct ItemItemWeights: Sendable {
    /// Row-major `items × items`.
    let weights: [Float]
    let itemCount: Int

    func scores(items: [Int32], into scores: inout [Float]) {
        let n = itemCount
        precondition(scores.count == n, "item-item scores: \(scores.count) slots for \(n) items")
        for j in 0..<n { scores[j] = 0 }
        weights.withUnsafeBufferPointer { w in
            scores.withUnsafeMutableBufferPointer { s in
                guard let w = w.baseAddress, let s = s.baseAddress else { return }
                for i in items where i >= 0 && Int(i) < n {
                    let row = w + Int(i) * n
                    for j in 0..<n { s[j] += row[j] }
                }
            }
        }
    }
}
