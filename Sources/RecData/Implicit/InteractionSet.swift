/// Implicit feedback: which users interacted with which items (binary, each pair once).
///
/// Made from explicit ratings by a threshold (``init(_:positive:)``: `positive: 4` keeps ratings
/// ≥ 4), or from an implicit file read as a ``RatingTable`` whose third column is a count (every
/// row kept with `positive: nil`). Users and items are dense `Int32` indices into ``userIDs`` and
/// ``itemIDs``; after ``filtered(minUserInteractions:minItemInteractions:)`` the maps hold only the
/// entities that remain.
public struct InteractionSet: Sendable, Equatable {
    /// User index of each interaction.
    public var users: [Int32]
    /// Item index of each interaction.
    public var items: [Int32]
    /// Unix timestamps, one per interaction, or empty when the source had none.
    public var timestamps: [Int64]
    /// Raw user ids.
    public var userIDs: IDMap
    /// Raw item ids.
    public var itemIDs: IDMap

    /// Creates a set from its columns; each (user, item) pair must appear at most once.
    public init(users: [Int32], items: [Int32], timestamps: [Int64] = [], userIDs: IDMap, itemIDs: IDMap) {
        precondition(users.count == items.count, "InteractionSet: \(users.count) users, \(items.count) items")
        precondition(
            timestamps.isEmpty || timestamps.count == users.count,
            "InteractionSet: \(timestamps.count) timestamps for \(users.count) interactions")
        self.users = users
        self.items = items
        self.timestamps = timestamps
        self.userIDs = userIDs
        self.itemIDs = itemIDs
    }

    /// The interactions of a rating table: rows with a rating ≥ `positive` (every row when `nil`),
    /// each (user, item) pair once (its first row), in table order, with the table's id maps.
    ///
    /// - Complexity: O(n) with a hash set of pairs.
    public init(_ table: RatingTable, positive: Float?) {
        var seen = Set<Int64>()
        var u = [Int32](), i = [Int32](), t = [Int64]()
        for r in 0..<table.count {
            if let p = positive, !(table.ratings[r] >= p) { continue }
            let key = Int64(table.users[r]) << 32 | Int64(UInt32(bitPattern: table.items[r]))
            guard seen.insert(key).inserted else { continue }
            u.append(table.users[r])
            i.append(table.items[r])
            if table.hasTimestamps { t.append(table.timestamps[r]) }
        }
        self.init(users: u, items: i, timestamps: t, userIDs: table.userIDs, itemIDs: table.itemIDs)
    }

    /// Number of interactions.
    public var count: Int { users.count }
    /// Whether every interaction has a timestamp.
    public var hasTimestamps: Bool { !timestamps.isEmpty }
    /// Size of the user index space.
    public var userCount: Int { userIDs.count }
    /// Size of the item index space.
    public var itemCount: Int { itemIDs.count }

    /// Row numbers of each user's interactions, in set order (one list per user index).
    public func rowsByUser() -> [[Int]] {
        var rows = [[Int]](repeating: [], count: userCount)
        for (r, u) in users.enumerated() { rows[Int(u)].append(r) }
        return rows
    }

    /// The k-core: drops users with fewer than `minUserInteractions` interactions and items with
    /// fewer than `minItemInteractions`, again and again until both hold for everyone left
    /// (dropping an item can take a user below the minimum, and the other way round). The id
    /// maps keep only the remaining entities, in their old order.
    ///
    /// - Complexity: O(n) per round; rounds until nothing changes.
    public func filtered(minUserInteractions: Int, minItemInteractions: Int) -> InteractionSet {
        var keep = [Bool](repeating: true, count: count)
        while true {
            var perUser = [Int](repeating: 0, count: userCount)
            var perItem = [Int](repeating: 0, count: itemCount)
            for r in 0..<count where keep[r] {
                perUser[Int(users[r])] += 1
                perItem[Int(items[r])] += 1
            }
            var changed = false
            for r in 0..<count where keep[r] {
                if perUser[Int(users[r])] < minUserInteractions
                    || perItem[Int(items[r])] < minItemInteractions
                {
                    keep[r] = false
                    changed = true
                }
            }
            if !changed { break }
        }
        return compacted(rows: (0..<count).filter { keep[$0] })
    }

    /// The given rows, with id maps reduced to the users and items they mention (old order kept).
    func compacted(rows: [Int]) -> InteractionSet {
        var userIndex = [Int32](repeating: -1, count: userCount)
        var itemIndex = [Int32](repeating: -1, count: itemCount)
        for r in rows {
            userIndex[Int(users[r])] = 0
            itemIndex[Int(items[r])] = 0
        }
        let um = Self.renumber(&userIndex, userIDs)
        let im = Self.renumber(&itemIndex, itemIDs)
        return InteractionSet(
            users: rows.map { userIndex[Int(users[$0])] }, items: rows.map { itemIndex[Int(items[$0])] },
            timestamps: hasTimestamps ? rows.map { timestamps[$0] } : [], userIDs: um, itemIDs: im)
    }

    /// Gives the marked (non-negative) entries new consecutive indices; returns the reduced map.
    private static func renumber(_ index: inout [Int32], _ ids: IDMap) -> IDMap {
        var map = IDMap()
        for k in index.indices where index[k] >= 0 {
            index[k] = map.intern(ids.rawID(Int32(k)))
        }
        return map
    }
}
