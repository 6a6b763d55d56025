/// A table of ratings `(user, item, rating[, timestamp])`, stored column by column.
///
/// Users and items are dense `Int32` indices into ``userIDs`` and ``itemIDs``. Parts of a split
/// share the maps of the table they came from, so an index means the same entity in every part;
/// an entity can therefore have an index and no rating in a given part (that is a cold start).
public struct RatingTable: Sendable, Equatable {
    /// User index of each rating.
    public var users: [Int32]
    /// Item index of each rating.
    public var items: [Int32]
    /// Rating values.
    public var ratings: [Float]
    /// Unix timestamps in seconds, one per rating, or empty when the source had none.
    public var timestamps: [Int64]
    /// Raw user ids.
    public var userIDs: IDMap
    /// Raw item ids.
    public var itemIDs: IDMap
    /// The scale of the data set this table came from (a split's parts keep the whole set's scale).
    public var scale: RatingScale

    public init(
        users: [Int32], items: [Int32], ratings: [Float], timestamps: [Int64] = [],
        userIDs: IDMap, itemIDs: IDMap, scale: RatingScale? = nil
    ) {
        precondition(users.count == items.count && users.count == ratings.count,
                     "RatingTable: \(users.count) users, \(items.count) items, \(ratings.count) ratings")
        precondition(timestamps.isEmpty || timestamps.count == ratings.count,
                     "RatingTable: \(timestamps.count) timestamps for \(ratings.count) ratings")
        self.users = users
        self.items = items
        self.ratings = ratings
        self.timestamps = timestamps
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.scale = scale ?? RatingScale(observing: ratings)
    }

    /// Number of ratings.
    public var count: Int { ratings.count }
    /// Whether every rating has a timestamp.
    public var hasTimestamps: Bool { !timestamps.isEmpty }
    /// Size of the user index space (users with or without ratings in this table).
    public var userCount: Int { userIDs.count }
    /// Size of the item index space.
    public var itemCount: Int { itemIDs.count }

    /// The rows at `rows`, in that order, with the same id maps and scale.
    public func selecting(_ rows: some Collection<Int>) -> RatingTable {
        var u = [Int32](); u.reserveCapacity(rows.count)
        var i = [Int32](); i.reserveCapacity(rows.count)
        var r = [Float](); r.reserveCapacity(rows.count)
        var t = [Int64](); if hasTimestamps { t.reserveCapacity(rows.count) }
        for k in rows {
            u.append(users[k]); i.append(items[k]); r.append(ratings[k])
            if hasTimestamps { t.append(timestamps[k]) }
        }
        return RatingTable(users: u, items: i, ratings: r, timestamps: t,
                           userIDs: userIDs, itemIDs: itemIDs, scale: scale)
    }

    /// Mean of all ratings (0 for an empty table).
    public var globalMean: Double {
        guard count > 0 else { return 0 }
        var s = 0.0
        for r in ratings { s += Double(r) }
        return s / Double(count)
    }

    /// Number of ratings of each user index.
    public func ratingsPerUser() -> [Int] {
        var c = [Int](repeating: 0, count: userCount)
        for u in users { c[Int(u)] += 1 }
        return c
    }

    /// Number of ratings of each item index.
    public func ratingsPerItem() -> [Int] {
        var c = [Int](repeating: 0, count: itemCount)
        for i in items { c[Int(i)] += 1 }
        return c
    }
}
