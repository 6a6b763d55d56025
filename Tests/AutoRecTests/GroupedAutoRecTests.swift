@testable import AutoRec
import RecData
import RecMath
import Testing

@Suite struct GroupedAutoRecTests {
    static let table = lowRankTable(users: 30, items: 24, density: 0.5, seed: 8)

    /// Users 0-19: women 25-34; 20-27: men 25-34; 28-29: no attributes.
    static let users = UserCatalog(entries: (0..<30).map { u in
        u < 20 ? .init(age: 30, gender: "F") : u < 28 ? .init(age: 27, gender: "M") : .init()
    })

    @Test("each user is served by the group's model; small groups and users without attributes by everyone's")
    func routing() throws {
        var c = smallConfig(.user)
        c.epochs = 5
        var m = GroupedAutoRec(configuration: c, grouping: .genderAge, users: Self.users)
        m.minimumGroupSize = 10
        try m.fit(Self.table, validation: nil)
        let everyone = try #require(m.everyone)
        let women = SideFeatures.ageGroups.firstIndex { $0.1 == "25-34" }!
        let men = SideFeatures.ageGroups.count + women
        #expect(m.groupOfUser == (0..<30).map { $0 < 20 ? women : $0 < 28 ? men : -1 })
        let group = try #require(m.groups[women])
        #expect(m.groups[men] == nil, "8 users are below the minimum of 10")
        var s = [Float](repeating: 0, count: 24), t = s
        for u in [0, 7, 19] as [Int32] {
            for i in 0..<24 as Range<Int32> { #expect(m.predict(user: u, item: i) == group.predict(user: u, item: i)) }
            #expect(m.predict(user: u, item: 0) != everyone.predict(user: u, item: 0))
            m.scores(forUser: u, into: &s)
            group.scores(forUser: u, into: &t)
            #expect(s == t)
        }
        for u in [20, 27, 28, 29] as [Int32] {
            for i in 0..<24 as Range<Int32> { #expect(m.predict(user: u, item: i) == everyone.predict(user: u, item: i)) }
        }
        // The group's model saw only its users' ratings.
        #expect(group.data?.matrix.nonzeros == (0..<Self.table.count).count { Self.table.users[$0] < 20 })
    }

    @Test("grouping by attributes without a user catalog is refused")
    func needsCatalog() {
        var m = GroupedAutoRec(configuration: smallConfig(.user), grouping: .genderAge)
        #expect(throws: ConfigurationError.invalid("grouping by gender and age needs the users' attributes")) {
            try m.fit(Self.table, validation: nil)
        }
    }

    @Test("k-means separates two blocks of users with disjoint tastes, the same way for the same seed")
    func kMeans() {
        // Users 0-9 rate items 0-5 with 5; users 10-19 rate items 6-11 with 1; user 20 rates nothing.
        var u = [Int32](), i = [Int32](), r = [Float]()
        for user in 0..<20 {
            for item in 0..<6 {
                u.append(Int32(user))
                i.append(Int32(user < 10 ? item : 6 + item))
                r.append(user < 10 ? 5 : 1)
            }
        }
        var users = IDMap(), items = IDMap()
        for k in 0..<21 { _ = users.intern("u\(k)") }
        for k in 0..<12 { _ = items.intern("i\(k)") }
        let table = RatingTable(users: u, items: i, ratings: r, userIDs: users, itemIDs: items)
        let a = GroupedAutoRec.kMeans(table, k: 2, seed: 4)
        #expect(Set(a[0..<10]).count == 1 && Set(a[10..<20]).count == 1 && a[0] != a[10] && a[20] == -1)
        #expect(GroupedAutoRec.kMeans(table, k: 2, seed: 4) == a)
    }

    @Test("the grouping's text form", arguments: [("gender-age", GroupedAutoRec.Grouping.genderAge),
                                                 ("kmeans:4", .kMeans(4))])
    func text(text: String, grouping: GroupedAutoRec.Grouping) {
        #expect(GroupedAutoRec.Grouping(text: text) == grouping && grouping.description == text)
        #expect(GroupedAutoRec.Grouping(text: "kmeans:0") == nil && GroupedAutoRec.Grouping(text: "age") == nil)
    }
}
