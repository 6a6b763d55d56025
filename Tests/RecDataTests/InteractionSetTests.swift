import RecData
import Testing

@Suite struct InteractionSetTests {
    /// Users u0..u3, items i0..i3; (user, item, rating).
    static func table(_ rows: [(Int, Int, Float)]) -> RatingTable {
        var um = IDMap(), im = IDMap()
        for k in 0..<4 { _ = um.intern("u\(k)"); _ = im.intern("i\(k)") }
        return RatingTable(
            users: rows.map { Int32($0.0) }, items: rows.map { Int32($0.1) },
            ratings: rows.map(\.2), userIDs: um, itemIDs: im)
    }

    @Test("the threshold keeps ratings at or above it, each pair once")
    func threshold() {
        let t = Self.table([(0, 0, 5), (0, 1, 3.5), (1, 1, 4), (2, 3, 1), (1, 1, 5)])
        let s = InteractionSet(t, positive: 4)
        #expect(s.users == [0, 1] && s.items == [0, 1])
        let all = InteractionSet(t, positive: nil)
        #expect(all.count == 4 && all.users == [0, 0, 1, 2] && all.items == [0, 1, 1, 3])
        #expect(all.userIDs == t.userIDs)
    }

    @Test("k-core filtering iterates until every user and item meets its minimum")
    func kCore() {
        // u0: i0 i1 i2; u1: i0 i1; u2: i0 i3; u3: i2.
        let t = Self.table([
            (0, 0, 5), (0, 1, 5), (0, 2, 5), (1, 0, 5), (1, 1, 5), (2, 0, 5), (2, 3, 5), (3, 2, 5),
        ])
        let s = InteractionSet(t, positive: nil).filtered(minUserInteractions: 2, minItemInteractions: 2)
        // Round 1: u3 (1) and i3 (1) go, and then u2 has 1 and i2 has 1 left; round 2 drops them;
        // u0 and u1 keep i0 and i1 (2 each).
        #expect(s.count == 4)
        #expect(s.userIDs.rawIDs == ["u0", "u1"] && s.itemIDs.rawIDs == ["i0", "i1"])
        #expect(Set(zip(s.users, s.items).map { "\($0)-\($1)" }) == ["0-0", "0-1", "1-0", "1-1"])
        let once = InteractionSet(t, positive: nil).filtered(minUserInteractions: 1, minItemInteractions: 1)
        #expect(once.count == t.count && once.userIDs == t.userIDs)
        let none = InteractionSet(t, positive: nil).filtered(minUserInteractions: 4, minItemInteractions: 1)
        #expect(none.count == 0 && none.userCount == 0)
    }
}
