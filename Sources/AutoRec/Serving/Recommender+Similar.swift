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
        let m = vectors.matrix
        let n = min(m.rows, training.itemCount), k = m.cols
        var dots = [Float](repeating: 0, count: n)
        m.storage.withUnsafeBufferPointer { a in
            dots.withUnsafeMutableBufferPointer { y in
                // Row `target` of `a` is the query vector; gemvRows only reads it.
                Kernels.gemvRows(
                    0..<n, a: a.baseAddress!, cols: k, x: a.baseAddress! + Int(target) * k,
                    y: y.baseAddress!)
            }
        }
        var norms = [Float](repeating: 0, count: n)
        for r in 0..<n {
            var s: Float = 0
            for c in 0..<k { let v = m.storage[r * k + c]; s += v * v }
            norms[r] = s.squareRoot()
        }
        let q = norms[Int(target)]
        var cosine = [Float](repeating: 0, count: n)
        for r in 0..<n where norms[r] > 0 && q > 0 { cosine[r] = dots[r] / (norms[r] * q) }
        var ranked = cosine
        ranked[Int(target)] = .nan  // TopK skips NaN: never recommend the item itself
        let top = TopK.select(ranked, count: count).map { i in
            Recommendation(item: training.itemIDs.rawID(i), score: cosine[Int(i)], title: items?[i].title)
        }
        return SimilarItems(item: item, representation: vectors.name, measure: "cosine", items: top)
    }

    /// Items whose title contains every word of `query` (case-insensitive), or whose raw id equals
    /// `query`, in index order, at most `limit`.
    ///
    /// - Complexity: O(items × title length).
    public func searchItems(matching query: String, limit: Int) -> [Recommendation] {
        let words = query.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var out = [Recommendation]()
        guard !words.isEmpty, limit > 0 else { return out }
        if let i = training.itemIDs.index(of: query) {
            out.append(Recommendation(item: query, score: 1, title: items?[i].title))
        }
        guard let catalog = items else { return out }
        for i in 0..<min(catalog.count, training.itemCount) where out.count < limit {
            guard let title = catalog.entries[i].title else { continue }
            let lower = title.lowercased()
            let id = training.itemIDs.rawID(Int32(i))
            if id != query && words.allSatisfy({ lower.contains($0) }) {
                out.append(Recommendation(item: id, score: 1, title: title))
            }
        }
        return out
    }
}
