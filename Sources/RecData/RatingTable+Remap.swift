extension RatingTable {
    /// The same ratings indexed by other maps: each raw id is looked up in (or added to) `userIDs`
    /// and `itemIDs`, which are returned extended with the ids they lacked.
    ///
    /// Used to score a rating file against a trained model's index space: ids the model never saw
    /// get new indices past its range, so they show up as cold starts.
    ///
    /// - Complexity: O(n) dictionary look-ups.
    public func remapped(userIDs: IDMap, itemIDs: IDMap, scale: RatingScale? = nil) -> RatingTable {
        var um = userIDs, im = itemIDs
        let uIndex = self.userIDs.rawIDs.map { um.intern($0) }
        let iIndex = self.itemIDs.rawIDs.map { im.intern($0) }
        return RatingTable(users: users.map { uIndex[Int($0)] }, items: items.map { iIndex[Int($0)] },
                           ratings: ratings, timestamps: timestamps, userIDs: um, itemIDs: im,
                           scale: scale ?? self.scale)
    }
}

extension RatingTable {
    /// This table's rows followed by `other`'s, which must share the same id maps (two parts of one split).
    public func appending(_ other: RatingTable) -> RatingTable {
        precondition(userIDs.count == other.userIDs.count && itemIDs.count == other.itemIDs.count,
                     "appending: tables over different index spaces (\(userIDs.count)x\(itemIDs.count) and "
                     + "\(other.userIDs.count)x\(other.itemIDs.count))")
        let t = hasTimestamps && other.hasTimestamps ? timestamps + other.timestamps : []
        return RatingTable(users: users + other.users, items: items + other.items, ratings: ratings + other.ratings,
                           timestamps: t, userIDs: userIDs, itemIDs: itemIDs, scale: scale)
    }
}
