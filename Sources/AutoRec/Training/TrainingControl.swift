import Synchronization

/// A process-wide request to stop training early (set from a Ctrl-C handler).
///
/// The trainer checks it after every batch; when set, it finishes the batch, restores the best
/// weights seen so far and returns normally, so the caller can still save the model.
public enum TrainingControl {
    private static let flag = Atomic<Bool>(false)

    /// Asks the running training to stop after its current batch.
    public static func requestStop() { flag.store(true, ordering: .relaxed) }
    /// Whether a stop was requested.
    public static var stopRequested: Bool { flag.load(ordering: .relaxed) }
    /// Clears the request (before a new training run).
    public static func reset() { flag.store(false, ordering: .relaxed) }
}

/// What one epoch did.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The training objective E (summed, with the L2 term) at the end of the epoch.
    public var loss: Double
    /// RMSE over the training ratings seen during the epoch (with dropout, if any).
    public var trainRMSE: Double
    /// RMSE on the validation part, clipped to the scale (nil without validation).
    public var validationRMSE: Double?
    /// The learning rate used (Adam, SGD).
    public var learningRate: Float
    /// Wall-clock seconds of the epoch (training only, not validation).
    public var seconds: Double
}
