import RecData

extension RatingTable {
    /// `base` (or nothing) plus `stored` ratings, the stored rating winning for a (user, item)
    /// both hold, with ids interned as the readers do (in order of first appearance).
    ///
    /// Timestamps are kept when `base` has them (or there is no base); the scale is read from
    /// the merged ratings.
    /// - Complexity: O(base + stored).
    public static func merging(_ stored: [StoredRating], into base: RatingTable?) -> RatingTable {
        var userIDs = base?.userIDs ?? IDMap(), itemIDs = base?.itemIDs ?? IDMap()
        var users = base?.users ?? [], items = base?.items ?? [], ratings = base?.ratings ?? []
        let keepTime = base.map(\.hasTimestamps) ?? true
        var times = keepTime ? base?.timestamps ?? [] : []
        var row = [Int64: Int](minimumCapacity: users.count + stored.count)
        func key(_ u: Int32, _ i: Int32) -> Int64 { Int64(u) << 32 | Int64(UInt32(bitPattern: i)) }
        for k in 0..<users.count { row[key(users[k], items[k])] = k }
        for s in stored {
            let u = userIDs.intern(s.user), i = itemIDs.intern(s.item)
            if let k = row[key(u, i)] {
                ratings[k] = s.rating
                if keepTime { times[k] = s.timestamp }
            } else {
                row[key(u, i)] = users.count
                users.append(u)
                items.append(i)
                ratings.append(s.rating)
                if keepTime { times.append(s.timestamp) }
            }
        }
        return RatingTable(
            users: users, items: items, ratings: ratings, timestamps: times,
            userIDs: userIDs, itemIDs: itemIDs)
    }
}
