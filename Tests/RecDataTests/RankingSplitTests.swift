import RecData
import RecMath
import RecTestSupport
import Testing

@Suite struct RankingSplitTests {
    static let table = TestTables.random(users: 60, items: 40, count: 1500, seed: 7)
    static let untimed = TestTables.random(users: 60, items: 40, count: 1500, seed: 7, timestamps: false)

    static func split(
        _ kind: RankingProtocol.Kind, seed: UInt64 = 1, heldOut: Int = 10, timestamps: Bool = true
    ) throws -> RankingSplit {
        var m = RankingProtocol.named(kind)
        m.positive = nil
        m.heldOutUsers = heldOut
        var rng = SplitMix64(seed: seed)
        return try RankingSplit(timestamps ? table : untimed, method: m, using: &rng)
    }

    static func pairs(_ u: Int32, _ items: [Int32]) -> Set<Int64> {
        Set(items.map { Int64(u) << 32 | Int64($0) })
    }

    @Test("recbole: every user's items split 80/10/10, parts disjoint and covering the user's items")
    func recbole() throws {
        let s = try Self.split(.recbole)
        let byUser = s.data.rowsByUser()
        #expect(s.validation.users == s.test.users)
        for (k, u) in s.test.users.enumerated() {
            let all = Set(byUser[Int(u)].map { s.data.items[$0] })
            let train = s.training[Int(u)], v = s.validation.relevant[k], t = s.test.relevant[k]
            #expect(
                Set(train).isDisjoint(with: v) && Set(train).isDisjoint(with: t) && Set(v).isDisjoint(with: t)
            )
            #expect(Set(train + v + t) == all && train.count + v.count + t.count == all.count)
            #expect(t.count == Int(Double(all.count) * 0.1) && v.count == Int(Double(all.count) * 0.1))
            #expect(s.test.input[k] == train && Set(s.test.excluded[k]) == Set(train + v))
            #expect(s.validation.excluded[k] == train)
        }
        #expect(s.method.description.hasPrefix("recbole (positive=every rating, min-user-interactions=10"))
    }

    @Test(
        "the same seed gives the same split, another seed another one",
        arguments: RankingProtocol.Kind.allCases)
    func seeds(kind: RankingProtocol.Kind) throws {
        // Leave-one-out orders by time when it can, so only the untimed table depends on the seed.
        let untimed = kind == .leaveOneOut
        let a = try Self.split(kind, seed: 3, timestamps: !untimed),
            b = try Self.split(kind, seed: 3, timestamps: !untimed)
        let c = try Self.split(kind, seed: 4, timestamps: !untimed)
        #expect(a.training == b.training && a.test == b.test && a.validation == b.validation)
        #expect(a.test != c.test || a.training != c.training)
        if kind == .leaveOneOut {
            let t3 = try Self.split(kind, seed: 3), t4 = try Self.split(kind, seed: 4)
            #expect(t3.test == t4.test && t3.training == t4.training)
        }
    }

    @Test("strong: held-out users are separate, fold-in and scored items split 80/20 over trained items")
    func strong() throws {
        let s = try Self.split(.strong, heldOut: 10)
        #expect(s.validation.users.count <= 10 && s.test.users.count <= 10 && !s.test.users.isEmpty)
        #expect(Set(s.validation.users).isDisjoint(with: s.test.users))
        var trained = Set<Int32>()
        for u in s.validation.users + s.test.users { #expect(s.training[Int(u)].isEmpty) }
        for items in s.training { trained.formUnion(items) }
        #expect(s.training.filter { !$0.isEmpty }.count == s.data.userCount - 20)
        let byUser = s.data.rowsByUser()
        for part in [s.validation, s.test] {
            for (k, u) in part.users.enumerated() {
                let mine = Set(byUser[Int(u)].map { s.data.items[$0] }).intersection(trained)
                let fold = part.input[k], held = part.relevant[k]
                #expect(Set(fold).isDisjoint(with: held) && Set(fold + held) == mine)
                #expect(held.count == max(1, Int(Double(mine.count) * 0.2)) && part.excluded[k] == fold)
            }
        }
    }

    @Test("leave-one-out: the latest item is the test item, the one before it the validation item")
    func leaveOneOut() throws {
        let s = try Self.split(.leaveOneOut)
        let byUser = s.data.rowsByUser()
        for (k, u) in s.test.users.enumerated() {
            let rows = byUser[Int(u)].sorted { s.data.timestamps[$0] < s.data.timestamps[$1] }
            #expect(s.test.relevant[k] == [s.data.items[rows[rows.count - 1]]])
            #expect(s.validation.relevant[k] == [s.data.items[rows[rows.count - 2]]])
            #expect(s.training[Int(u)].count == rows.count - 2)
            #expect(
                !Self.pairs(u, s.training[Int(u)]).contains(Int64(u) << 32 | Int64(s.test.relevant[k][0])))
        }
    }

    @Test("bad parameters and too little data are errors")
    func errors() {
        var m = RankingProtocol.named(.strong)
        m.heldOutUsers = 100
        var rng = SplitMix64(seed: 1)
        #expect(throws: RankingProtocolError.self) { try RankingSplit(Self.table, method: m, using: &rng) }
        m.foldInFraction = 1
        #expect(throws: RankingProtocolError.self) { try m.validate() }
    }
}
