import RecData
import RecMath

/// Small generated rating tables for tests.
public enum TestTables {
    /// A table of `count` distinct (user, item) pairs with ratings 1-5 and timestamps; users get
    /// raw ids `u0, u1, ...`, items `i0, i1, ...`. Every user appears at least once when
    /// `count >= users`.
    public static func random(
        users: Int, items: Int, count: Int, seed: UInt64, timestamps: Bool = true
    ) -> RatingTable {
        precondition(count <= users * items, "TestTables: \(count) pairs do not fit \(users)x\(items)")
        var rng = SplitMix64(seed: seed)
        var seen = Set<Int>()
        var u = [Int32](), i = [Int32](), r = [Float](), t = [Int64]()
        func add(_ user: Int, _ item: Int) {
            guard seen.insert(user * items + item).inserted else { return }
            u.append(Int32(user)); i.append(Int32(item))
            r.append(Float(1 + rng.nextInt(below: 5)))
            t.append(Int64(1_000_000 + rng.nextInt(below: 1_000_000)))
        }
        for user in 0..<min(users, count) { add(user, rng.nextInt(below: items)) }
        while u.count < count { add(rng.nextInt(below: users), rng.nextInt(below: items)) }
        var userIDs = IDMap(), itemIDs = IDMap()
        for k in 0..<users { _ = userIDs.intern("u\(k)") }
        for k in 0..<items { _ = itemIDs.intern("i\(k)") }
        return RatingTable(users: u, items: i, ratings: r, timestamps: timestamps ? t : [],
                           userIDs: userIDs, itemIDs: itemIDs)
    }
}
