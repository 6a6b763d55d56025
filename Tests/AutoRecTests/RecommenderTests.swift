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
