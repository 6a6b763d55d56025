import RecData
import RecMath

extension Recommender {
    /// Items closest to one item, by cosine similarity of the model's item representation.
    public struct SimilarItems: Sendable, Codable, Equatable {
        /// The item asked about.
        public var item: String
        /// What vector stands for an item: `code` (I-AutoRec's hidden code h(r_i) of the item's
        /// ratings) or `decoder-row` (U-AutoRec's decoder weight row W[i]).
        public var representation: String
        /// The measure: `cosine`.
        public var measure: String
        /// Nearest items first; `score` is the cosine similarity in -1...1.
        public var items: [Recommendation]
    }

    /// The item vectors the model holds: I-AutoRec's codes (one row per item), U-AutoRec's decoder
    /// weights (one row per item), with the name of the representation.
    private var itemVectors: (matrix: Matrix, name: String)? {
        switch model.configuration.orientation {
        case .item: return (model.codes, "code")
        case .user: return model.parameters.map { ($0.decoderWeight, "decoder-row") }
        }
    }

    /// The `count` items most similar to `item`, by cosine similarity of the model's item vectors
    /// (the item itself left out; items with an all-zero vector score 0).
    ///
    /// - Throws: ``RequestError/unknownItems(_:)`` when the model does not know `item`.
    /// - Complexity: O(items × hidden units).
    public func similarItems(to item: String, count: Int) throws(RequestError) -> SimilarItems {
        guard let target = training.itemIDs.index(of: item), let vectors = itemVectors,
            Int(target) < vectors.matrix.rows, vectors.matrix.cols > 0
        else { throw .unknownItems([item]) }
        let top = Self.cosineNeighbours(of: Int(target), in: vectors.matrix, rows: training.itemCount, count: count)
            .map { i, cosine in
                Recommendation(item: training.itemIDs.rawID(i), score: cosine, title: items?[i].title)
            }
        return SimilarItems(item: item, representation: vectors.name, measure: "cosine", items: top)
    }

    /// The `count` rows of `m` (among its first `rows`) with the highest cosine similarity to row
    /// `target`, best first, the row itself left out; a row of zeros has cosine 0.
    ///
    /// - Complexity: O(rows × m.cols).
    static func cosineNeighbours(of target: Int, in m: Matrix, rows: Int, count: Int)
        -> [(index: Int32, cosine: Float)]
    {
        let n = min(m.rows, rows), k = m.cols
        precondition(target >= 0 && target < n && k > 0, "cosineNeighbours: row \(target) of \(n)x\(k)")
        var dots = [Float](repeating: 0, count: n)
        m.storage.withUnsafeBufferPointer { a in
            dots.withUnsafeMutableBufferPointer { y in
                guard let a0 = a.baseAddress, let y0 = y.baseAddress else { return }
                // Row `target` of `a` is the query vector; gemvRows only reads it.
                Kernels.gemvRows(0..<n, a: a0, cols: k, x: a0 + target * k, y: y0)
            }
        }
        var norms = [Float](repeating: 0, count: n)
        for r in 0..<n {
            var s: Float = 0
            for c in 0..<k { let v = m.storage[r * k + c]; s += v * v }
            norms[r] = s.squareRoot()
        }
        let q = norms[target]
        var cosine = [Float](repeating: 0, count: n)
        for r in 0..<n where norms[r] > 0 && q > 0 { cosine[r] = dots[r] / (norms[r] * q) }
        var ranked = cosine
        ranked[target] = .nan  // TopK skips NaN: never the item itself
        return TopK.select(ranked, count: count).map { ($0, cosine[Int($0)]) }
    }

    /// Items whose title contains every word of `query` (case-insensitive), or whose raw id equals
    /// `query`, in index order, at most `limit`.
    ///
    /// - Complexity: O(items × title length).
    public func searchItems(matching query: String, limit: Int) -> [Recommendation] {
        Self.searchItems(matching: query, limit: limit, itemIDs: training.itemIDs, titles: items,
                         itemCount: training.itemCount)
    }

    /// ``searchItems(matching:limit:)`` over any id map and catalog (shared with ``TopNRecommender``).
    static func searchItems(
        matching query: String, limit: Int, itemIDs: IDMap, titles: ItemCatalog?, itemCount: Int
    ) -> [Recommendation] {
        let words = query.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var out = [Recommendation]()
        guard !words.isEmpty, limit > 0 else { return out }
        if let i = itemIDs.index(of: query) {
            out.append(Recommendation(item: query, score: 1, title: titles?[i].title))
        }
        guard let catalog = titles else { return out }
        for i in 0..<min(catalog.count, itemCount) where out.count < limit {
            guard let title = catalog.entries[i].title else { continue }
            let lower = title.lowercased()
            let id = itemIDs.rawID(Int32(i))
            if id != query && words.allSatisfy({ lower.contains($0) }) {
                out.append(Recommendation(item: id, score: 1, title: title))
            }
        }
        return out
    }
}
