import RecMath

/// EASE (Steck 2019): a linear item × item model with a zero diagonal, in closed form.
///
/// With X the binary `users × items` training matrix and P = (XᵀX + λI)⁻¹:
/// B = I − P·diagMat(1 ⊘ diag(P)), i.e. B[i][j] = −P[i][j] / P[j][j] off the diagonal and
/// B[j][j] = 0; score_j = Σ_{i ∈ items} B[i][j]. The inverse is ``Cholesky/inverse(_:n:)`` in
/// `Double` (O(items³), split over threads; about 6 s for the 3,123 items of ML-1M under
/// `recbole`, 2 cores).
public struct EASE: TopNModel {
    /// The L2 penalty λ.
    public let lambda: Double
    let weights: ItemItemWeights

    public var itemCount: Int { weights.itemCount }

    /// Fits on `training` (one item list per user).
    ///
    /// - Throws: ``EASEError/notPositiveDefinite`` when XᵀX + λI cannot be factored (λ ≤ 0 with
    ///   an item nobody has).
    public init(training: [[Int32]], itemCount: Int, lambda: Double = 500) throws(EASEError) {
        let n = itemCount
        var g = InteractionMatrix.make(training, itemCount: n).gram()
        for i in 0..<n { g[i * n + i] += lambda }
        guard let p = Cholesky.inverse(g, n: n) else { throw .notPositiveDefinite(lambda: lambda) }
        var b = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where i != j { b[i * n + j] = Float(-p[i * n + j] / p[j * n + j]) }
        }
        self.lambda = lambda
        weights = ItemItemWeights(weights: b, itemCount: n)
    }

    /// A model from saved weights (``SavedTopNModel``).
    init(lambda: Double, weights: ItemItemWeights) {
        self.lambda = lambda
        self.weights = weights
    }

    public func scores(user: Int32?, items: [Int32], into scores: inout [Float]) {
        weights.scores(items: items, into: &scores)
    }

    /// B[i][j], for tests and inspection.
    public func weight(_ i: Int, _ j: Int) -> Float { weights.weights[i * itemCount + j] }
}

/// EASE could not be fitted.
public enum EASEError: Error, Sendable, Equatable, CustomStringConvertible {
    /// XᵀX + λI is not positive definite.
    case notPositiveDefinite(lambda: Double)

    public var description: String {
        switch self {
        case let .notPositiveDefinite(l):
            "EASE: X'X + lambda I is not positive definite with lambda \(l) (use a positive lambda)"
        }
    }
}
