import HeapModule

/// Selection of the k best-scored items of a score vector.
///
/// Order: higher score first; equal scores by lower item index, so the result never depends on
/// the heap's internal order. NaN scores are skipped: a caller excludes an item (one the user
/// rated in training) by setting its score to NaN.
public enum TopK {
    /// A candidate in the selection heap; `<` means "ranks below".
    @usableFromInline
    struct _Candidate: Comparable {
        @usableFromInline var score: Float
        @usableFromInline var item: Int32

        @inlinable
        init(score: Float, item: Int32) {
            self.score = score
            self.item = item
        }

        @inlinable
        static func < (a: _Candidate, b: _Candidate) -> Bool {
            a.score < b.score || (a.score == b.score && a.item > b.item)
        }
    }

    /// The indices of the `k` highest scores, best first, skipping NaN.
    ///
    /// - Parameters:
    ///   - scores: One score per item index.
    ///   - k: How many to keep; fewer come back when fewer scores are not NaN.
    /// - Returns: Item indices, best first.
    /// - Complexity: O(items × log k) with a min-heap of the k best so far
    ///   (swift-collections' `Heap`, a min-max heap).
    public static func select(_ scores: [Float], count k: Int) -> [Int32] {
        var heap = Heap<_Candidate>()
        var out = [Int32]()
        scores.withUnsafeBufferPointer { s in select(s, count: k, heap: &heap, into: &out) }
        return out
    }

    /// The in-place form: reuses `heap` (left empty) and `out` (replaced by the result).
    static func select(
        _ scores: UnsafeBufferPointer<Float>, count k: Int, heap: inout Heap<_Candidate>,
        into out: inout [Int32]
    ) {
        out.removeAll(keepingCapacity: true)
        guard k > 0 else { return }
        for i in 0..<scores.count {
            let s = scores[i]
            if s.isNaN { continue }
            let c = _Candidate(score: s, item: Int32(truncatingIfNeeded: i))
            if heap.count < k {
                heap.insert(c)
            } else if let worst = heap.min, worst < c {
                heap.replaceMin(with: c)
            }
        }
        let n = heap.count
        out.append(contentsOf: repeatElement(0, count: n))
        var pos = n - 1
        while let c = heap.popMin() {
            out[pos] = c.item
            pos -= 1
        }
    }
}
