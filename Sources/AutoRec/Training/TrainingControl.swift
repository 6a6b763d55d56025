import Synchronization

/// A request to stop a training run early, shared between the trainer and whoever asks.
///
/// The trainer checks its token after every batch; when a stop is requested it finishes the
/// batch, keeps the best weights seen so far and returns normally, so the caller can still
/// evaluate and save the model. Each model holds a token; by default the process-wide
/// ``interrupt`` token that the command-line tool's Ctrl-C handler sets. A test or a server gives
/// each run its own token, so one run's stop never reaches another.
public final class StopToken: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A token with no stop requested.
    public init() {}

    /// The process-wide token (set from a Ctrl-C handler).
    public static let interrupt = StopToken()

    /// Asks the run to stop after its current batch.
    public func requestStop() { flag.store(true, ordering: .relaxed) }
    /// Whether a stop was requested.
    public var isStopRequested: Bool { flag.load(ordering: .relaxed) }
    /// Clears the request (before a new training run).
    public func reset() { flag.store(false, ordering: .relaxed) }
}

/// The process-wide stop request: ``StopToken/interrupt``, for signal handlers.
public enum TrainingControl {
    /// Asks the running training to stop after its current batch.
    public static func requestStop() { StopToken.interrupt.requestStop() }
    /// Whether a stop was requested.
    public static var stopRequested: Bool { StopToken.interrupt.isStopRequested }
    /// Clears the request (before a new training run).
    public static func reset() { StopToken.interrupt.reset() }
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

    /// Creates a record (e.g. the mean of several seeds' epochs, for a learning-curve plot).
    public init(epoch: Int, loss: Double, trainRMSE: Double, validationRMSE: Double?, learningRate: Float,
                seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.trainRMSE = trainRMSE
        self.validationRMSE = validationRMSE
        self.learningRate = learningRate
        self.seconds = seconds
    }
}
