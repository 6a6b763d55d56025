/// How ratings are divided between a training part and a held-out part.
///
/// Every method is reproducible: random ones take a seeded generator, and both parts keep the
/// rows in their original file order.
public enum SplitMethod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Each rating goes to the held-out part with probability `fraction` (exactly
    /// `round(n * fraction)` ratings, chosen uniformly): the AutoRec paper's 90/10 protocol.
    case random(fraction: Double)
    /// Stratified by user: each user with n ratings holds out `round(n * fraction)` of them, chosen
    /// uniformly, and keeps at least one in training.
    case perUser(fraction: Double)
    /// A global cut in time: the latest `round(n * fraction)` ratings are held out (ties by file order).
    case temporal(fraction: Double)
    /// Each user's latest `round(n_u * fraction)` ratings are held out (at least one kept for training).
    case temporalPerUser(fraction: Double)
    /// Each user's latest `count` ratings are held out (leave-last-n; at least one kept for training).
    case latestPerUser(count: Int)

    /// Whether the method needs timestamps.
    public var needsTimestamps: Bool {
        switch self {
        case .random, .perUser: false
        case .temporal, .temporalPerUser, .latestPerUser: true
        }
    }

    /// Checks the fraction or count.
    public func validate() throws(SplitError) {
        switch self {
        case let .random(f), let .perUser(f), let .temporal(f), let .temporalPerUser(f):
            guard f > 0 && f < 1 else { throw .badFraction(f) }
        case let .latestPerUser(n):
            guard n >= 1 else { throw .badCount(n) }
        }
    }

    public var description: String {
        switch self {
        case let .random(f): "random \(percent(f)) held out"
        case let .perUser(f): "per-user stratified, \(percent(f)) of each user's ratings held out"
        case let .temporal(f): "temporal, latest \(percent(f)) of all ratings held out"
        case let .temporalPerUser(f): "temporal per user, latest \(percent(f)) of each user's ratings held out"
        case let .latestPerUser(n): "each user's latest \(n) rating\(n == 1 ? "" : "s") held out"
        }
    }
}

private func percent(_ f: Double) -> String {
    let p = f * 100
    return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
}

/// A split that cannot be made as asked.
public enum SplitError: Error, Sendable, Equatable, CustomStringConvertible {
    case badFraction(Double)
    case badCount(Int)
    case badFoldCount(Int, ratings: Int)
    case needsTimestamps(String)
    case emptyTable

    public var description: String {
        switch self {
        case let .badFraction(f): "the held-out fraction must be strictly between 0 and 1, got \(f)"
        case let .badCount(n): "the number of held-out ratings per user must be at least 1, got \(n)"
        case let .badFoldCount(k, n): "cannot make \(k) folds from \(n) ratings (need 2 <= folds <= ratings)"
        case let .needsTimestamps(what):
            "\(what) needs timestamps, and this data has none (help: use a random or per-user split)"
        case .emptyTable: "cannot split an empty rating table"
        }
    }
}
