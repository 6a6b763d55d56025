import RecData
import RecMath

/// One AutoRec model per group of users, plus one trained on everyone (the deep-autoencoder
/// study's last experiment): users are split by their attributes (gender × age group) or by
/// k-means on their training rating vectors, each group large enough gets its own model trained
/// on its users' ratings only, and a prediction for a user is made by the model of the user's
/// group. Users in a group below ``minimumGroupSize``, or in none (no attributes), are served by
/// the model trained on everyone.
public struct GroupedAutoRec: RatingModel, Sendable {
    /// How users are split into groups.
    public enum Grouping: Sendable, Equatable, Codable, CustomStringConvertible {
        /// Gender × age group from the user catalog (up to 2 × 7 groups).
        case genderAge
        /// k-means with this many clusters on the users' training rating vectors (zero for unrated
        /// items), seeded by the configuration's seed.
        case kMeans(Int)

        /// Reads `gender-age` or `kmeans:K`.
        public init?(text: String) {
            if text == "gender-age" {
                self = .genderAge
                return
            }
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts[0] == "kmeans", let k = Int(parts[1]), k >= 1 else { return nil }
            self = .kMeans(k)
        }

        public var description: String {
            switch self {
            case .genderAge: "gender-age"
            case let .kMeans(k): "kmeans:\(k)"
            }
        }
    }

    /// The settings every model (the shared one and each group's) is trained with.
    public var configuration: AutoRecConfiguration
    /// How users are grouped.
    public var grouping: Grouping
    /// Groups with fewer users than this use the model trained on everyone. Default 50.
    public var minimumGroupSize = 50
    /// The users' attributes (needed by ``Grouping/genderAge``).
    public var users: UserCatalog?
    /// The stop request every model's training obeys.
    public var stopToken: StopToken = .interrupt

    /// The model trained on everyone.
    public private(set) var everyone: AutoRecModel?
    /// One model per group; nil for a group below the minimum size.
    public private(set) var groups: [AutoRecModel?] = []
    /// Each user's group, or −1 for none.
    public private(set) var groupOfUser: [Int] = []

    public init(configuration: AutoRecConfiguration, grouping: Grouping, users: UserCatalog? = nil) {
        self.configuration = configuration
        self.grouping = grouping
        self.users = users
    }

    /// A trained model put back together from its parts (``load(from:)``).
    init(
        grouping: Grouping, minimumGroupSize: Int, everyone: AutoRecModel, groups: [AutoRecModel?],
        groupOfUser: [Int]
    ) {
        self.init(configuration: everyone.configuration, grouping: grouping)
        self.minimumGroupSize = minimumGroupSize
        self.everyone = everyone
        self.groups = groups
        self.groupOfUser = groupOfUser
    }

    /// `grouped I-AutoRec`, `grouped Deep U-AutoRec`, ...: the name of the models it holds.
    public var modelName: String { "grouped \(AutoRecModel(configuration: configuration).modelName)" }

    /// Whether the shared model's final weights were refit on the validation ratings.
    public var trainedOnValidation: Bool { everyone?.trainedOnValidation ?? false }

    /// Trains the shared model, groups the users, then trains a model for each group that is large
    /// enough on its users' training (and validation) ratings.
    ///
    /// - Throws: ``ConfigurationError`` for a grouping that cannot run (no user attributes for
    ///   `genderAge`, k < 1), and whatever ``AutoRecModel/fit(_:validation:)`` throws.
    public mutating func fit(_ train: RatingTable, validation: RatingTable?) throws {
        var shared = AutoRecModel(configuration: configuration)
        shared.stopToken = stopToken
        try shared.fit(train, validation: validation)
        everyone = shared
        groupOfUser = try Self.assign(grouping, train: train, users: users, seed: configuration.seed)
        let count = (groupOfUser.max() ?? -1) + 1
        var sizes = [Int](repeating: 0, count: count)
        for g in groupOfUser where g >= 0 { sizes[g] += 1 }
        groups = []
        for g in 0..<count {
            guard sizes[g] >= minimumGroupSize, !stopToken.isStopRequested else {
                groups.append(nil)
                continue
            }
            let rows = (0..<train.count).filter { groupOfUser[Int(train.users[$0])] == g }
            let part = validation.map { v in v.selecting((0..<v.count).filter { groupOfUser[Int(v.users[$0])] == g }) }
            var model = AutoRecModel(configuration: configuration)
            model.stopToken = stopToken
            try model.fit(train.selecting(rows), validation: part.flatMap { $0.count > 0 ? $0 : nil })
            groups.append(model)
        }
    }

    /// The model that serves `user`: its group's, else the shared one.
    public func model(for user: Int32) -> AutoRecModel? {
        let u = Int(user)
        if u >= 0, u < groupOfUser.count, groupOfUser[u] >= 0, let m = groups[groupOfUser[u]] { return m }
        return everyone
    }

    public func predict(user: Int32, item: Int32) -> Float {
        model(for: user)?.predict(user: user, item: item) ?? 0
    }

    public func scores(forUser user: Int32, into scores: inout [Float]) {
        if let m = model(for: user) {
            m.scores(forUser: user, into: &scores)
        } else {
            for i in 0..<scores.count { scores[i] = 0 }
        }
    }

    /// Each user's group (−1: none).
    static func assign(_ grouping: Grouping, train: RatingTable, users: UserCatalog?, seed: UInt64) throws
        -> [Int]
    {
        switch grouping {
        case .genderAge:
            guard let users else {
                throw ConfigurationError.invalid("grouping by gender and age needs the users' attributes")
            }
            return (0..<train.userCount).map { u in
                guard u < users.count, let g = users.entries[u].gender?.uppercased(), g == "F" || g == "M",
                      let age = users.entries[u].age,
                      let a = SideFeatures.ageGroups.lastIndex(where: { age >= $0.0 })
                else { return -1 }
                return (g == "F" ? 0 : 1) * SideFeatures.ageGroups.count + a
            }
        case let .kMeans(k):
            guard k >= 1 else { throw ConfigurationError.invalid("k-means needs k >= 1, got \(k)") }
            return kMeans(train, k: k, seed: seed)
        }
    }

    /// Lloyd's k-means (10 rounds) on the users' rating vectors, centres started at k distinct
    /// seeded users; users without ratings get −1.
    ///
    /// - Complexity: O(rounds × (ratings × k + users × k + k × items)).
    static func kMeans(_ train: RatingTable, k: Int, seed: UInt64) -> [Int] {
        let n = train.itemCount
        let m = CSRMatrix(rows: train.userCount, cols: n, rowIndices: train.users, columnIndices: train.items,
                          values: train.ratings)
        let rated = (0..<m.rows).filter { m.count(ofRow: $0) > 0 }
        guard !rated.isEmpty else { return [Int](repeating: -1, count: m.rows) }
        var rng = SplitMix64(seed: seed)
        var pool = rated
        let centres = min(k, rated.count)
        var c = Matrix(rows: centres, cols: n)
        for j in 0..<centres {
            let pick = j + rng.nextInt(below: pool.count - j)
            pool.swapAt(j, pick)
            for e in m.rowStart[pool[j]]..<m.rowStart[pool[j] + 1] { c[j, Int(m.columns[e])] = m.values[e] }
        }
        var assignment = [Int](repeating: -1, count: m.rows)
        for _ in 0..<10 {
            // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²; ‖x‖² is the same for every centre.
            let norms = (0..<centres).map { j in (0..<n).reduce(0.0) { $0 + Double(c[j, $1] * c[j, $1]) } }
            for u in rated {
                var best = 0, bestDistance = Double.infinity
                for j in 0..<centres {
                    var dot = 0.0
                    for e in m.rowStart[u]..<m.rowStart[u + 1] { dot += Double(m.values[e] * c[j, Int(m.columns[e])]) }
                    let d = norms[j] - 2 * dot
                    if d < bestDistance { (best, bestDistance) = (j, d) }
                }
                assignment[u] = best
            }
            var sums = Matrix(rows: centres, cols: n)
            var members = [Int](repeating: 0, count: centres)
            for u in rated {
                let j = assignment[u]
                members[j] += 1
                for e in m.rowStart[u]..<m.rowStart[u + 1] { sums[j, Int(m.columns[e])] += m.values[e] }
            }
            for j in 0..<centres where members[j] > 0 {
                for i in 0..<n { c[j, i] = sums[j, i] / Float(members[j]) }
            }
        }
        return assignment
    }
}
