import RecMath

/// Item-based k-nearest neighbours with cosine similarity (as RecBole's ItemKNN, shrink 0).
///
/// sim(i, j) = |U_i ∩ U_j| / √(|U_i|·|U_j|) over the training users U. For each item j only its
/// `neighbours` most similar other items keep their similarity (W[i][j] = sim(i, j) when i is
/// among them, else 0), and score_j = Σ_{i ∈ items} W[i][j].
public struct ItemKNN: TopNModel {
    /// Neighbours kept per item.
    public let neighbours: Int
    let weights: ItemItemWeights

    public var itemCount: Int { weights.itemCount }

    /// Fits on `training` (one item list per user).
    ///
    /// - Complexity: O(Σ_u |items_u|²) for the co-occurrences, O(items² log k) for the neighbours;
    ///   items² floats of memory.
    public init(training: [[Int32]], itemCount: Int, neighbours: Int = 100) {
        precondition(neighbours >= 1, "ItemKNN: neighbours must be at least 1, got \(neighbours)")
        self.neighbours = neighbours
        let n = itemCount
        let g = InteractionMatrix.make(training, itemCount: n).gram()
        var w = [Float](repeating: 0, count: n * n)
        w.withUnsafeMutableBufferPointer { wb in
            guard let out = wb.baseAddress else { return }
            parallelFor(n, minimumChunk: 16) { range, _ in
                var sims = [Float](repeating: 0, count: n)
                for j in range {
                    let gjj = g[j * n + j]
                    for i in 0..<n {
                        let d = (g[i * n + i] * gjj).squareRoot()
                        sims[i] = i == j || d == 0 || g[j * n + i] == 0 ? .nan : Float(g[j * n + i] / d)
                    }
                    for i in TopK.select(sims, count: neighbours) { out[Int(i) * n + j] = sims[Int(i)] }
                }
            }
        }
        weights = ItemItemWeights(weights: w, itemCount: n)
    }

    /// A model from saved weights (``SavedTopNModel``).
    init(neighbours: Int, weights: ItemItemWeights) {
        self.neighbours = neighbours
        self.weights = weights
    }

    public func scores(user: Int32?, items: [Int32], into scores: inout [Float]) {
        weights.scores(items: items, into: &scores)
    }
}
