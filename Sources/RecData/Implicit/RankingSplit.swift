/// The users a ranking is computed for, with what the model sees and what counts as relevant.
public struct RankingPart: Sendable, Equatable {
    /// The evaluated users (indices into the split's ``RankingSplit/data``).
    public var users: [Int32]
    /// Per evaluated user: the items given to the model as the user's history (for `strong`, the
    /// folded-in items; otherwise the user's training items).
    public var input: [[Int32]]
    /// Per evaluated user: the items left out of the ranking (the input, plus the validation items
    /// when a test part follows one).
    public var excluded: [[Int32]]
    /// Per evaluated user: the held-out items, the relevant ones.
    public var relevant: [[Int32]]

    /// Creates a part from its columns (all four the same length).
    public init(users: [Int32], input: [[Int32]], excluded: [[Int32]], relevant: [[Int32]]) {
        precondition(
            users.count == input.count && users.count == excluded.count && users.count == relevant.count,
            "RankingPart: \(users.count) users, \(input.count) inputs, \(excluded.count) exclusions, "
                + "\(relevant.count) relevant lists")
        self.users = users
        self.input = input
        self.excluded = excluded
        self.relevant = relevant
    }
}

/// Implicit data prepared and split by a ``RankingProtocol``: the set after the threshold and the
/// k-core, the training interactions a model is fitted on, and the validation and test parts.
public struct RankingSplit: Sendable {
    /// The protocol, with the parameters it ran with.
    public let method: RankingProtocol
    /// The interactions after the threshold and the k-core (indices of every part refer to it).
    public let data: InteractionSet
    /// Per user index of ``data``: the items a model is fitted on (empty for `strong`'s held-out users).
    public let training: [[Int32]]
    /// The validation part (model selection).
    public let validation: RankingPart
    /// The test part.
    public let test: RankingPart

    /// Applies the protocol's threshold and k-core to `table`, then splits.
    ///
    /// - Throws: ``RankingProtocolError`` for bad parameters or data too small to split.
    public init(
        _ table: RatingTable, method: RankingProtocol, using rng: inout some RandomNumberGenerator
    ) throws(RankingProtocolError) {
        try method.validate()
        let set = InteractionSet(table, positive: method.positive).filtered(
            minUserInteractions: method.minUserInteractions, minItemInteractions: method.minItemInteractions)
        try self.init(filtered: set, method: method, using: &rng)
    }

    /// Splits a set already thresholded and filtered.
    ///
    /// - Complexity: O(n log n) (per-user sorts for leave-one-out, otherwise O(n)).
    public init(
        filtered set: InteractionSet, method: RankingProtocol, using rng: inout some RandomNumberGenerator
    ) throws(RankingProtocolError) {
        try method.validate()
        guard set.count > 0 else { throw .tooLittleData("no interactions left after filtering") }
        self.method = method
        let byUser = set.rowsByUser()
        switch method.kind {
        case .recbole:
            var parts = Parts(set.userCount)
            for (u, var rows) in byUser.enumerated() where !rows.isEmpty {
                let n = rows.count
                var nv = Int(Double(n) * method.validationFraction)
                var nt = Int(Double(n) * method.testFraction)
                // As RecBole: a part that would get less than one item gets one while training keeps two.
                if nt == 0 && n - nv - nt > 1 { nt = 1 }
                if nv == 0 && n - nv - nt > 1 { nv = 1 }
                partialShuffle(&rows, first: n, using: &rng)
                let items = rows.map { set.items[$0] }
                parts.add(
                    Int32(u), train: Array(items[(nv + nt)...]), validation: Array(items[nt..<(nt + nv)]),
                    test: Array(items[0..<nt]))
            }
            (training, validation, test) = parts.finish()
        case .leaveOneOut:
            var parts = Parts(set.userCount)
            for (u, var rows) in byUser.enumerated() where rows.count >= 3 {
                if set.hasTimestamps {
                    rows.sort {
                        set.timestamps[$0] < set.timestamps[$1]
                            || (set.timestamps[$0] == set.timestamps[$1] && $0 < $1)
                    }
                } else {
                    partialShuffle(&rows, first: rows.count, using: &rng)
                }
                let items = rows.map { set.items[$0] }
                parts.add(
                    Int32(u), train: Array(items.dropLast(2)), validation: [items[items.count - 2]],
                    test: [items[items.count - 1]])
            }
            (training, validation, test) = parts.finish()
        case .strong:
            let active = (0..<set.userCount).filter { !byUser[$0].isEmpty }
            guard active.count > 2 * method.heldOutUsers else {
                throw .tooLittleData(
                    "\(active.count) users, fewer than 2 x \(method.heldOutUsers) held out plus one")
            }
            var order = active
            partialShuffle(&order, first: order.count, using: &rng)
            let validationUsers = order[0..<method.heldOutUsers].sorted()
            let testUsers = order[method.heldOutUsers..<(2 * method.heldOutUsers)].sorted()
            var train = [[Int32]](repeating: [], count: set.userCount)
            var trainedItem = [Bool](repeating: false, count: set.itemCount)
            for u in order[(2 * method.heldOutUsers)...] {
                train[u] = byUser[u].map { set.items[$0] }
                for i in train[u] { trainedItem[Int(i)] = true }
            }
            func foldIn(_ users: [Int], _ rng: inout some RandomNumberGenerator) -> RankingPart {
                var part = RankingPart(users: [], input: [], excluded: [], relevant: [])
                for u in users {
                    var items = byUser[u].map { set.items[$0] }.filter { trainedItem[Int($0)] }
                    guard items.count >= 2 else { continue }
                    // int(0.2 · n) as Liang et al.'s code (the 1e-9 undoes 1 − 0.8 = 0.19999…).
                    let held = max(1, Int(Double(items.count) * (1 - method.foldInFraction) + 1e-9))
                    partialShuffle(&items, first: items.count, using: &rng)
                    part.users.append(Int32(u))
                    part.relevant.append(Array(items[0..<held]))
                    part.input.append(Array(items[held...]))
                    part.excluded.append(Array(items[held...]))
                }
                return part
            }
            training = train
            validation = foldIn(validationUsers, &rng)
            test = foldIn(testUsers, &rng)
        }
        data = set
        guard !test.users.isEmpty, !validation.users.isEmpty else {
            throw .tooLittleData("no user has enough interactions for a validation and a test item")
        }
    }

    /// Collects the three parts of the per-user protocols.
    private struct Parts {
        var train: [[Int32]]
        var validation = RankingPart(users: [], input: [], excluded: [], relevant: [])
        var test = RankingPart(users: [], input: [], excluded: [], relevant: [])

        init(_ users: Int) { train = [[Int32]](repeating: [], count: users) }

        mutating func add(_ u: Int32, train t: [Int32], validation v: [Int32], test s: [Int32]) {
            train[Int(u)] = t
            if !v.isEmpty {
                validation.users.append(u)
                validation.input.append(t)
                validation.excluded.append(t)
                validation.relevant.append(v)
            }
            if !s.isEmpty {
                test.users.append(u)
                test.input.append(t)
                test.excluded.append(t + v)
                test.relevant.append(s)
            }
        }

        func finish() -> ([[Int32]], RankingPart, RankingPart) { (train, validation, test) }
    }
}
