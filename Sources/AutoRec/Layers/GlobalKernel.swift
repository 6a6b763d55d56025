import RecMath

/// GLocal-K's global convolution (Han, Muller, Gao, Sun and Moon, CIKM 2021, "GLocal-K: Global and
/// Local Kernels for Recommender Systems"): the training matrix R (items × users, zero where
/// unrated) cross-correlated with a 3 × 3 kernel `gk` under 'SAME' zero padding, as TensorFlow's
/// `conv2d` does, then a ReLU:
///
/// ```
/// S[i, u] = Σ_{a, b ∈ {−1, 0, 1}} gk[a + 1][b + 1] · R[i + a, u + b]     (R = 0 outside its bounds)
/// X[i, u] = max(0, S[i, u])
/// ```
/// S can be non-zero only on P, the union of the 3 × 3 neighbourhoods of the observed ratings, so
/// S and X are computed on P's pattern (``neighbourhood(of:)``, at most 9 entries per rating) and
/// nothing of size items × users is ever formed. The gradient of the kernel:
///
/// ```
/// ∂gk[a + 1][b + 1] = Σ_{(i, u) ∈ P, S[i, u] > 0} ∂X[i, u] · R[i + a, u + b]
/// ```
/// (R is data: it has no gradient).
///
/// - Complexity: O(9 × ratings) per pass; the pattern is built once in O(ratings log ratings).
struct GlobalKernel {
    /// Taps of the kernel, row-major: `weights[3 (a + 1) + (b + 1)]` is gk[a + 1][b + 1].
    static let taps = 9
    let weights: [Float]

    init(weights: [Float]) {
        precondition(weights.count == Self.taps, "GlobalKernel: \(weights.count) weights, needs \(Self.taps)")
        self.weights = weights
    }

    /// P: the entries (i, u) within one row and one column of an entry of `r` (values zero).
    ///
    /// - Complexity: O(ratings log ratings).
    static func neighbourhood(of r: CSRMatrix) -> CSRMatrix {
        var start = [Int](repeating: 0, count: r.rows + 1)
        var columns = [Int32]()
        columns.reserveCapacity(3 * r.nonzeros)
        var row = [Int32]()
        for i in 0..<r.rows {
            row.removeAll(keepingCapacity: true)
            for a in max(0, i - 1)...min(r.rows - 1, i + 1) {
                for e in r.rowStart[a]..<r.rowStart[a + 1] {
                    let c = r.columns[e]
                    for u in max(0, c - 1)...min(Int32(r.cols - 1), c + 1) { row.append(u) }
                }
            }
            row.sort()
            var last: Int32 = -1
            for u in row where u != last {
                columns.append(u)
                last = u
            }
            start[i + 1] = columns.count
        }
        return CSRMatrix(rows: r.rows, cols: r.cols, rowStart: start, columns: columns,
                         values: [Float](repeating: 0, count: columns.count))
    }

    /// R's and P's arrays as pointers, for the loops over P's rows.
    private struct Walk: @unchecked Sendable {  // read-only views of arrays kept alive by `withWalk`
        let rows: Int, cols: Int
        let rs: UnsafeBufferPointer<Int>, rc: UnsafeBufferPointer<Int32>, rv: UnsafeBufferPointer<Float>
        let ps: UnsafeBufferPointer<Int>, pc: UnsafeBufferPointer<Int32>

        /// Calls `body(entry of P, tap, R value)` for every term gk[tap] · R[i + a, u + b] of the
        /// sums S[i, u] of row `i`, walking the three rows of R beside it against row i of P (both
        /// sorted by column, so each walk is linear).
        ///
        /// Every (i, c ± 1) in bounds is in P when R[i + a, c] is a rating, so the columns
        /// max(0, c − 1) … min(cols − 1, c + 1) sit at consecutive entries of P's row.
        @inline(__always)
        func forEachTerm(row i: Int, _ body: (_ entry: Int, _ tap: Int, _ value: Float) -> Void) {
            for a in -1...1 {
                let source = i + a
                guard source >= 0 && source < rows else { continue }
                var q = ps[i]
                for e in rs[source]..<rs[source + 1] {
                    let c = Int(rc[e])
                    let first = max(0, c - 1)
                    while Int(pc[q]) < first { q += 1 }
                    for u in first...min(cols - 1, c + 1) {
                        // R[i + a, c] = R[i + a, u + b] with b = c − u.
                        body(q + (u - first), 3 * (a + 1) + (c - u + 1), rv[e])
                    }
                }
            }
        }
    }

    /// Runs `body` with the pointers of `r` and `p`, valid for its duration only.
    private static func withWalk<T>(_ r: CSRMatrix, _ p: CSRMatrix, _ body: (Walk) -> T) -> T {
        precondition(p.rows == r.rows && p.cols == r.cols, "GlobalKernel: R \(r.rows)x\(r.cols), P \(p.rows)x\(p.cols)")
        return r.rowStart.withUnsafeBufferPointer { rs in
            r.columns.withUnsafeBufferPointer { rc in
                r.values.withUnsafeBufferPointer { rv in
                    p.rowStart.withUnsafeBufferPointer { ps in
                        p.columns.withUnsafeBufferPointer { pc in
                            body(Walk(rows: r.rows, cols: r.cols, rs: rs, rc: rc, rv: rv, ps: ps, pc: pc))
                        }
                    }
                }
            }
        }
    }

    /// S and X = max(0, S) at every entry of `p` (``neighbourhood(of:)`` of `r`).
    func forward(_ r: CSRMatrix, pattern p: CSRMatrix, preActivation s: inout [Float], output x: inout [Float]) {
        if s.count != p.nonzeros { s = [Float](repeating: 0, count: p.nonzeros) }
        if x.count != p.nonzeros { x = [Float](repeating: 0, count: p.nonzeros) }
        Self.withWalk(r, p) { walk in
            weights.withUnsafeBufferPointer { gk in
                s.withUnsafeMutableBufferPointer { sb in
                    x.withUnsafeMutableBufferPointer { xb in
                        // Chunk c writes the entries of its own rows of P only.
                        nonisolated(unsafe) let (gk, sb, xb) = (gk, sb, xb)
                        parallelFor(walk.rows, minimumChunk: 64) { range, _ in
                            for i in range {
                                for e in walk.ps[i]..<walk.ps[i + 1] { sb[e] = 0 }
                                walk.forEachTerm(row: i) { e, t, v in sb[e] += gk[t] * v }
                                for e in walk.ps[i]..<walk.ps[i + 1] { xb[e] = max(0, sb[e]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// ∂gk from ∂X at every entry of `p`, with the pre-activations `s` of
    /// ``forward(_:pattern:preActivation:output:)``.
    ///
    /// Partials are kept per chunk and summed in chunk order, so the result does not depend on timing.
    static func backward(_ r: CSRMatrix, pattern p: CSRMatrix, preActivation s: [Float], outputGradient dx: [Float])
        -> [Float]
    {
        precondition(s.count == p.nonzeros && dx.count == p.nonzeros,
                     "GlobalKernel.backward: P has \(p.nonzeros) entries, S \(s.count), ∂X \(dx.count)")
        let chunks = max(1, parallelChunkCount(r.rows, minimumChunk: 64))
        var partials = [Double](repeating: 0, count: chunks * taps)
        withWalk(r, p) { walk in
            s.withUnsafeBufferPointer { sb in
                dx.withUnsafeBufferPointer { db in
                    partials.withUnsafeMutableBufferPointer { out in
                        // Chunk c writes its own nine partials only.
                        nonisolated(unsafe) let (sb, db, out) = (sb, db, out)
                        parallelFor(walk.rows, minimumChunk: 64) { range, chunk in
                            var g = [Double](repeating: 0, count: taps)
                            for i in range {
                                walk.forEachTerm(row: i) { e, t, v in
                                    if sb[e] > 0 { g[t] += Double(db[e] * v) }
                                }
                            }
                            for t in 0..<taps { out[chunk * taps + t] = g[t] }
                        }
                    }
                }
            }
        }
        var total = [Double](repeating: 0, count: taps)
        for c in 0..<chunks { for t in 0..<taps { total[t] += partials[c * taps + t] } }
        return total.map { Float($0) }
    }
}
