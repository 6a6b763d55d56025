import RealModule
import RecMath

/// The Collaborative Denoising Auto-Encoder (Wu, DuBois, Zheng, Ester, WSDM 2016).
///
/// For user u with binary item row y (corrupted during training: each entry dropped with
/// probability q, kept ones scaled by 1/(1 − q)):
///
/// ```
/// h   = g(ỹ W + V_u + b)          W: items × K, V_u: the user's vector (K), b: K; g = σ or another
///                                 ``Configuration/activation``
/// ŷ_i = σ(h · W'_i + b'_i)        W': items × K (one row per output item)
/// ```
/// The loss of a user sums over their positives and `negativeRatio` × as many negatives drawn
/// uniformly from the items they do not have (or, with ``Configuration/allNegatives``, every item
/// they do not have, as RecBole's CDAE does: the whole output row, items × K per user, dense by
/// definition): logistic, −y log ŷ − (1 − y) log(1 − ŷ), or
/// squared, (ŷ − y)². Batch losses are means over users, plus λ·(‖W‖² + ‖W'‖²) and λ·‖V_u‖²
/// for the batch's users (mean over the batch).
///
/// Defaults: K = 50 (the paper's comparisons), q = 0.5 and 5 negatives per positive (the
/// authors' code, `jasonyaw/CDAE`; RecBole also uses q = 0.5), logistic loss, λ = 0.
///
/// A user who had no training items (a folded-in user, or `nil`) gets the vector chosen by
/// ``Configuration/newUser``: zeros (only the item list speaks) or the mean of the trained
/// users' vectors.
public struct CDAE: TrainableTopNModel {
    /// The loss over a user's positives and sampled negatives.
    public enum Loss: String, Sendable, Codable, CaseIterable {
        /// Binary cross-entropy on ŷ = σ(z).
        case logistic
        /// (ŷ − y)² on ŷ = σ(z).
        case squared
    }

    /// The user vector of a user without training items.
    public enum NewUserVector: String, Sendable, Codable, CaseIterable {
        /// V_u = 0.
        case zeros
        /// V_u = the mean of the trained users' vectors.
        case mean
    }

    /// The model's settings.
    public struct Configuration: Sendable, Codable, Equatable {
        /// K, the code width.
        public var hidden: Int
        /// q, the input corruption (dropout) probability.
        public var corruption: Float
        /// Negatives sampled per positive.
        public var negativeRatio: Int
        /// Logistic or squared.
        public var loss: Loss
        /// λ.
        public var l2: Float
        /// A new user's vector.
        public var newUser: NewUserVector
        /// Seed of the initial weights and of the training stream.
        public var seed: UInt64
        /// g, the code layer's activation (nil: sigmoid, the paper's; RecBole uses ReLU).
        public var activation: Activation?
        /// Every item a user lacks is a negative, instead of `negativeRatio` sampled ones (nil: false).
        public var allNegatives: Bool?

        /// The code layer's activation in force.
        public var codeActivation: Activation { activation ?? .sigmoid }

        /// Creates a configuration (defaults in the type's documentation).
        public init(
            hidden: Int = 50, corruption: Float = 0.5, negativeRatio: Int = 5, loss: Loss = .logistic,
            l2: Float = 0, newUser: NewUserVector = .zeros, seed: UInt64 = 1, activation: Activation? = nil,
            allNegatives: Bool? = nil
        ) {
            self.hidden = hidden
            self.corruption = corruption
            self.negativeRatio = negativeRatio
            self.loss = loss
            self.l2 = l2
            self.newUser = newUser
            self.seed = seed
            self.activation = activation
            self.allNegatives = allNegatives
        }
    }

    /// The settings.
    public let configuration: Configuration
    public let itemCount: Int
    /// Users with a vector, `0..<userCount`.
    public let userCount: Int
    /// W, b, V, W', b' (shapes in the type's documentation).
    var parameters: [Matrix]
    /// Whether each user had training items (their vector was trained).
    var trained: [Bool]
    public internal(set) var trainingState: ImplicitTrainingState

    /// A model with Xavier-uniform W and W', small Gaussian V and zero biases.
    ///
    /// - Throws: ``TopNModelError/badConfiguration(_:)`` for a width, ratio or corruption out of range.
    public init(userCount: Int, itemCount: Int, configuration: Configuration) throws(TopNModelError) {
        let c = configuration
        guard itemCount > 0, userCount >= 0 else { throw .badConfiguration("no items") }
        guard c.hidden > 0 else {
            throw .badConfiguration("the hidden width must be positive, got \(c.hidden)")
        }
        guard c.negativeRatio >= 0 && c.negativeRatio <= 10_000 else {
            throw .badConfiguration("the negative ratio must lie in 0...10000, got \(c.negativeRatio)")
        }
        guard c.corruption >= 0 && c.corruption < 1 else {
            throw .badConfiguration("corruption must lie in [0, 1), got \(c.corruption)")
        }
        guard c.l2 >= 0 && c.l2.isFinite else {
            throw .badConfiguration("l2 must be at least 0, got \(c.l2)")
        }
        var rng = SplitMix64(seed: c.seed)
        let k = c.hidden
        func xavier(_ rows: Int) -> Matrix {
            let a = Float((6.0 / Double(rows + k)).squareRoot())
            var w = Matrix(rows: rows, cols: k)
            for e in 0..<w.storage.count { w.storage[e] = (2 * rng.nextFloat() - 1) * a }
            return w
        }
        let w = xavier(itemCount)
        let v = Matrix(rows: userCount, cols: k, gaussianStandardDeviation: 0.01, using: &rng)
        let wOut = xavier(itemCount)
        parameters = [w, Matrix(rows: 1, cols: k), v, wOut, Matrix(rows: 1, cols: itemCount)]
        self.configuration = c
        self.itemCount = itemCount
        self.userCount = userCount
        trained = [Bool](repeating: false, count: userCount)
        trainingState = ImplicitTrainingState(seed: rng.next())
    }

    /// The vector a user gets: their own when trained, else the ``Configuration/newUser`` choice.
    func userVector(_ user: Int32?, mean: [Float]) -> [Float] {
        if let u = user, u >= 0, Int(u) < userCount, trained[Int(u)] { return parameters[2].row(Int(u)) }
        return configuration.newUser == .mean ? mean : [Float](repeating: 0, count: configuration.hidden)
    }

    /// The mean of the trained users' vectors (zeros when none is trained).
    func meanUserVector() -> [Float] {
        let k = configuration.hidden
        var sum = [Float](repeating: 0, count: k)
        var n = 0
        for u in 0..<userCount where trained[u] {
            for c in 0..<k { sum[c] += parameters[2][u, c] }
            n += 1
        }
        return n == 0 ? sum : sum.map { $0 / Float(n) }
    }

    // MARK: - Scoring

    public func scores(user: Int32?, items: [Int32], into scores: inout [Float]) {
        precondition(scores.count == itemCount, "CDAE: \(scores.count) slots for \(itemCount) items")
        let k = configuration.hidden
        let needsMean =
            configuration.newUser == .mean
            && !(user.map { $0 >= 0 && Int($0) < userCount && trained[Int($0)] } ?? false)
        var h = userVector(user, mean: needsMean ? meanUserVector() : [])
        parameters[0].storage.withUnsafeBufferPointer { w in
            h.withUnsafeMutableBufferPointer { hs in
                guard let w0 = w.baseAddress, let h0 = hs.baseAddress else { return }
                for i in items where i >= 0 && Int(i) < itemCount { Kernels.axpy(1, w0 + Int(i) * k, h0, k) }
            }
        }
        let g = configuration.codeActivation
        for c in 0..<k { h[c] = g.apply(h[c] + parameters[1].storage[c]) }
        parameters[3].storage.withUnsafeBufferPointer { w in
            h.withUnsafeBufferPointer { hs in
                guard let w0 = w.baseAddress, let h0 = hs.baseAddress else { return }
                for j in 0..<itemCount {
                    scores[j] = Kernels.dot(h0, w0 + j * k, k) + parameters[4].storage[j]
                }
            }
        }
    }

    public func scoreMatrix(users: [Int32?], inputs: [[Int32]]) -> Matrix {
        var x = SparseRows(cols: itemCount)
        for list in inputs {
            for i in list where i >= 0 && Int(i) < itemCount { x.append(i, 1) }
            x.closeRow()
        }
        let h = hidden(x, users: users)
        var out = Matrix(rows: inputs.count, cols: itemCount)
        Matrix.gemm(h, transposed: false, parameters[3], transposed: true, into: &out)
        DenseLayer.addBiasAndActivate(&out, bias: parameters[4], activation: .identity)
        return out
    }

    /// h = g(x W + V_u + b) for a batch; `training` uses each user's own vector even before it
    /// was marked trained, scoring applies ``Configuration/newUser`` to untrained users.
    func hidden(_ x: SparseRows, users: [Int32?], training: Bool = false) -> Matrix {
        let k = configuration.hidden
        var pre = Matrix(rows: x.rows, cols: k)
        x.multiply(parameters[0], into: &pre)
        let mean = configuration.newUser == .mean ? meanUserVector() : []
        for (r, u) in users.enumerated() {
            let v = training ? parameters[2].row(Int(u ?? 0)) : userVector(u, mean: mean)
            for c in 0..<k { pre[r, c] += v[c] }
        }
        DenseLayer.addBiasAndActivate(&pre, bias: parameters[1], activation: configuration.codeActivation)
        return pre
    }
}
