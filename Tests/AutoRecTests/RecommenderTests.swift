import AutoRec
import RecData
import Testing

@Suite struct RecommenderTests {
    static func recommender(_ o: AutoRecConfiguration.Orientation) throws -> Recommender {
        var c = smallConfig(o)
        c.epochs = 5
        var m = AutoRecModel(configuration: c)
        let table = lowRankTable(users: 12, items: 10, density: 0.6, seed: 4)
        try m.fit(table, validation: nil)
        return try Recommender(model: m, training: table)
    }

    @Test("fold-in reports the ids it does not know and scores with the rest")
    func unknownIDsReported() throws {
        let u = try Self.recommender(.user)
        let (withUnknown, unknown) = try u.recommend(foldingIn: [("i1", 5), ("nope", 4), ("i3", 2)], count: 3)
        #expect(unknown == ["nope"])
        let (plain, none) = try u.recommend(foldingIn: [("i1", 5), ("i3", 2)], count: 3)
        #expect(none.isEmpty && plain == withUnknown)
        let i = try Self.recommender(.item)
        let scored = try i.scoreNewItem(ratings: [(user: "u2", rating: 4), (user: "ghost", rating: 3)])
        #expect(scored.unknownUsers == ["ghost"] && scored.users.count == 12)
    }

    @Test("GLocal-K recommends for known users but refuses a new item's fold-in: its input needs neighbours")
    func glocalFoldIn() throws {
        var c = AutoRecConfiguration.glocalK
        c.layers = [4, 3]
        c.epochs = 3
        c.globalKernel = .init(dotScale: 1, fineTuneEpochs: 2)
        var m = AutoRecModel(configuration: c)
        let table = lowRankTable(users: 12, items: 10, density: 0.6, seed: 4)
        try m.fit(table, validation: nil)
        let r = try Recommender(model: m, training: table)
        let error = #expect(throws: Recommender.RequestError.self) {
            try r.scoreNewItem(ratings: [(user: "u1", rating: 4)])
        }
        guard case let .foldInNotSupported(why)? = error else {
            Issue.record("expected foldInNotSupported, got \(String(describing: error))")
            return
        }
        #expect(why.hasPrefix("GLocal-K convolves"))
        #expect(try r.recommend(user: "u1", count: 3).items.count == 3)
    }

    @Test("a fold-in of only unknown ids says so, and names them")
    func onlyUnknown() throws {
        let u = try Self.recommender(.user)
        let error = #expect(throws: Recommender.RequestError.noKnownIDs(kind: "item", ids: ["x", "y"])) {
            try u.recommend(foldingIn: [("x", 5), ("y", 4)], count: 3)
        }
        #expect(error?.description.hasPrefix("none of the 2 rated items is known to the model (x, y)") == true)
        #expect(throws: Recommender.RequestError.noRatings) { try u.recommend(foldingIn: [], count: 3) }
    }

    @Test("a fold-in rating outside the model's scale is refused", arguments: [Float(0), 6, 100, .nan])
    func outOfScale(rating: Float) throws {
        let u = try Self.recommender(.user)
        let error = #expect(throws: Recommender.RequestError.self) {
            try u.recommend(foldingIn: [("i1", 4), ("i2", rating)], count: 3)
        }
        guard case let .ratingOutOfScale(id, _, scale)? = error else {
            Issue.record("expected ratingOutOfScale, got \(String(describing: error))")
            return
        }
        #expect(id == "i2" && scale == u.training.scale)
        let i = try Self.recommender(.item)
        #expect(throws: Recommender.RequestError.self) {
            try i.scoreNewItem(ratings: [(user: "u1", rating: rating)])
        }
    }

    @Test("a group model's recommender answers known users with their group's model, fold-in with everyone's")
    func grouped() throws {
        let m = try GroupedAutoRecFileTests.trained(.user)
        let table = GroupedAutoRecFileTests.table
        let r = try Recommender(grouped: m, training: table)
        let everyone = try #require(m.everyone)
        let group = try #require(m.groups[GroupedAutoRecFileTests.women])
        // User 0 is in the group with a model, user 25 in the one below the minimum.
        for (u, served) in [(0, group), (25, everyone)] as [(Int32, AutoRecModel)] {
            let user = table.userIDs.rawID(u)
            for i in 0..<24 as Range<Int32> {
                let p = r.predict(user: user, item: table.itemIDs.rawID(i))
                #expect(p.rating == table.scale.clip(served.predict(user: u, item: i)) && p.source == .model)
            }
            var scores = [Float](repeating: 0, count: 24)
            served.scores(forUser: u, into: &scores)
            let best = (0..<24).max { scores[$0] < scores[$1] }.map { table.itemIDs.rawID(Int32($0)) }
            let (top, source) = try r.recommend(user: user, count: 1, includeRated: true)
            #expect(top.map(\.item) == [best].compactMap { $0 } && source == .model)
        }
        #expect(r.predict(user: "u0", item: "i0").rating != table.scale.clip(everyone.predict(user: 0, item: 0)))
        let plain = try Recommender(model: everyone, training: table)
        #expect(try r.recommend(foldingIn: [("i1", 5), ("i3", 2)], count: 5).items
                == plain.recommend(foldingIn: [("i1", 5), ("i3", 2)], count: 5).items)
        #expect(r.kind == "grouped U-AutoRec")
    }

    @Test("ids quoted in a request error have their control characters escaped")
    func escapedIDs() throws {
        let u = try Self.recommender(.user)
        let error = #expect(throws: Recommender.RequestError.self) {
            try u.recommend(foldingIn: [("\u{1B}[31mred", 4)], count: 3)
        }
        let text = error?.description ?? ""
        #expect(text.contains("\\x1b[31mred") && !text.contains("\u{1B}"))
    }
}
