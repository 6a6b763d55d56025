import RecData
import RecMath

/// How the implicit autoencoders (``MultAutoencoder``, ``CDAE``) are trained: Adam on
/// mini-batches of users, early stopping on validation NDCG.
public struct ImplicitTrainingOptions: Sendable, Codable, Equatable {
    /// Most epochs (Liang et al.: 200).
    public var epochs: Int
    /// Users per mini-batch (Liang et al.: 500).
    public var batchSize: Int
    /// Adam's step size (Liang et al.: 1e-3).
    public var learningRate: Float
    /// Epochs without a better validation NDCG before stopping (RecBole's `stopping_step`: 10).
    public var patience: Int

    /// Creates options; the defaults are Liang et al.'s and RecBole's.
    public init(epochs: Int = 200, batchSize: Int = 500, learningRate: Float = 1e-3, patience: Int = 10) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.patience = patience
    }
}

/// What training keeps from one epoch to the next and in checkpoints: the optimizer steps taken
/// (the KL annealing schedule reads it), the epochs, the random stream and Adam's moments.
public struct ImplicitTrainingState: Sendable, Codable {
    /// Optimizer steps since training began (never reset between epochs).
    public internal(set) var steps = 0
    /// Epochs trained.
    public internal(set) var epochs = 0
    /// The random stream (shuffles, dropout masks, negatives, reparameterisation noise).
    var rng: SplitMix64
    /// Adam's moments and step count (``AdamOptimizer/state``).
    var adam: [String: Matrix] = [:]

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// One Adam step on `params`; counts it.
    mutating func step(_ params: inout [Matrix], gradients: [Matrix], learningRate: Float) {
        var optimizer = AdamOptimizer()
        optimizer.state = adam
        adam = [:]  // the optimizer holds the only reference: its moments update in place
        optimizer.step(&params, gradients: gradients, learningRate: learningRate)
        adam = optimizer.state
        steps += 1
    }

    /// The users with items, in a fresh random order, cut into batches.
    mutating func batches(_ lists: [[Int32]], size: Int) -> [[Int]] {
        var users = lists.indices.filter { !lists[$0].isEmpty }
        for k in stride(from: users.count - 1, to: 0, by: -1) {
            users.swapAt(k, rng.nextInt(below: k + 1))
        }
        return stride(from: 0, to: users.count, by: max(1, size)).map {
            Array(users[$0..<min(users.count, $0 + max(1, size))])
        }
    }
}

/// A top-N model trained by epochs that can score many users at once.
public protocol TrainableTopNModel: TopNModel, Codable {
    /// Epochs, steps, random stream and optimizer state so far.
    var trainingState: ImplicitTrainingState { get }
    /// One pass over the users of `training` (one item list per user index); returns the mean
    /// loss per batch.
    mutating func trainEpoch(_ training: [[Int32]], options: ImplicitTrainingOptions) -> Double
    /// Scores of every item for each (user, items) pair, one row each (the batched form of
    /// ``TopNModel/scores(user:items:into:)``, as GEMMs).
    func scoreMatrix(users: [Int32?], inputs: [[Int32]]) -> Matrix
}

/// One epoch of a fit: loss, validation NDCG and time.
public struct ImplicitEpoch: Sendable, Codable, Equatable {
    /// Epoch number, from 1.
    public var epoch: Int
    /// Mean training loss per batch.
    public var loss: Double
    /// Validation NDCG at the cut-off.
    public var validationNDCG: Double
    /// Seconds of training (without the validation ranking).
    public var seconds: Double
}

extension TopNMetrics {
    /// ``evaluate(_:itemCount:k:score:)`` with the part's scores computed in one batch by
    /// ``TrainableTopNModel/scoreMatrix(users:inputs:)`` (users × items floats of memory).
    public static func evaluate(_ part: RankingPart, batchModel model: some TrainableTopNModel, k: Int = 10)
        -> TopNMetrics
    {
        let scores = model.scoreMatrix(users: part.users.map { $0 }, inputs: part.input)
        var row = [Int32: Int]()
        for (r, u) in part.users.enumerated() { row[u] = r }
        let n = model.itemCount
        return evaluate(part, itemCount: n, k: k) { u, _, s in
            guard let r = row[u] else { return }
            scores.storage.withUnsafeBufferPointer { p in
                for j in 0..<n { s[j] = p[r * n + j] }
            }
        }
    }
}

/// Fits a ``TrainableTopNModel`` with early stopping on validation NDCG.
public enum ImplicitTrainer {
    /// Trains up to `options.epochs` epochs, ranks the validation part after each and keeps the
    /// model of the best epoch; stops after `options.patience` epochs without a better NDCG@k.
    ///
    /// - Parameters:
    ///   - log: called after every epoch with a one-line summary.
    /// - Returns: the epochs run; `model` is the best one.
    public static func fit<Model: TrainableTopNModel>(
        _ model: inout Model, training: [[Int32]], validation: RankingPart, k: Int,
        options: ImplicitTrainingOptions, log: (String) -> Void = { _ in }
    ) -> [ImplicitEpoch] {
        var history = [ImplicitEpoch]()
        var best: (model: Model, ndcg: Double, epoch: Int)?
        let clock = ContinuousClock()
        for e in 1...max(1, options.epochs) {
            let start = clock.now
            let loss = model.trainEpoch(training, options: options)
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let ndcg = TopNMetrics.evaluate(validation, batchModel: model, k: k).ndcg.mean
            history.append(ImplicitEpoch(epoch: e, loss: loss, validationNDCG: ndcg, seconds: seconds))
            let improved = best.map { ndcg > $0.ndcg } ?? true
            if improved { best = (model, ndcg, e) }
            log("epoch \(e): loss \(loss), validation NDCG@\(k) \(ndcg), \(seconds) s\(improved ? " *" : "")")
            if let b = best, e - b.epoch >= options.patience { break }
        }
        if let b = best { model = b.model }
        return history
    }
}
