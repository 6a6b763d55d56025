import AutoRec
import RecData
import RecMath
import Testing

@Suite struct RecommenderSimilarTests {
    static func recommender(_ o: AutoRecConfiguration.Orientation, titles: Bool = false) throws -> Recommender
    {
        var c = smallConfig(o)
        c.epochs = 5
        var m = AutoRecModel(configuration: c)
        let table = lowRankTable(users: 12, items: 10, density: 0.6, seed: 4)
        try m.fit(table, validation: nil)
        let catalog = ItemCatalog(
            entries: (0..<10).map { .init(title: ["Alien", "Aliens", "Heat", "Up"][$0 % 4] + " \($0)") },
            genreNames: [])
        return try Recommender(model: m, training: table, items: titles ? catalog : nil)
    }

    /// Cosine of rows a and b in Double.
    static func cosine(_ m: Matrix, _ a: Int, _ b: Int) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for c in 0..<m.cols {
            let x = Double(m.storage[a * m.cols + c]), y = Double(m.storage[b * m.cols + c])
            dot += x * y; na += x * x; nb += y * y
        }
        return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
    }

    @Test(
        "similar items rank by the cosine of the model's item vectors, the item itself left out",
        arguments: [AutoRecConfiguration.Orientation.item, .user])
    func similar(orientation: AutoRecConfiguration.Orientation) throws {
        let r = try Self.recommender(orientation)
        let vectors = orientation == .item ? r.model.codes : try #require(r.model.parameters).decoderWeight
        let s = try r.similarItems(to: "i3", count: 9)
        #expect(s.representation == (orientation == .item ? "code" : "decoder-row") && s.measure == "cosine")
        #expect(s.items.count == 9 && !s.items.contains { $0.item == "i3" })
        let expected = (0..<10).filter { $0 != 3 }.map { (id: "i\($0)", cos: Self.cosine(vectors, 3, $0)) }
            .sorted { $0.cos > $1.cos }
        #expect(s.items.map(\.item) == expected.map(\.id))
        for (got, want) in zip(s.items, expected) {
            #expect(abs(Double(got.score) - want.cos) < 1e-5, "\(got.item)")
        }
    }

    @Test("similar items of an unknown item throw unknownItems")
    func unknown() throws {
        let r = try Self.recommender(.item)
        #expect(throws: Recommender.RequestError.unknownItems(["nope"])) {
            try r.similarItems(to: "nope", count: 3)
        }
    }

    @Test("title search needs every word, ignores case, matches an exact id, and stops at the limit")
    func search() throws {
        let r = try Self.recommender(.item, titles: true)
        #expect(
            r.searchItems(matching: "alien", limit: 10).map(\.item) == ["i0", "i1", "i4", "i5", "i8", "i9"])
        #expect(r.searchItems(matching: "ALIENS 5", limit: 10).map(\.item) == ["i5"])
        #expect(r.searchItems(matching: "alien", limit: 2).map(\.item) == ["i0", "i1"])
        #expect(r.searchItems(matching: "i7", limit: 5).map(\.item) == ["i7"])
        #expect(r.searchItems(matching: "   ", limit: 5).isEmpty)
    }

    @Test("recommend leaves out the extra excluded ids, and a user's training ratings are listed")
    func excludingAndRated() throws {
        let r = try Self.recommender(.item)
        let all = try r.recommend(user: "u1", count: 10).items.map(\.item)
        let first = try #require(all.first)
        let without = try r.recommend(user: "u1", count: 10, excluding: [first, "unknown"]).items.map(\.item)
        #expect(without == Array(all.dropFirst()))
        let kept = try r.recommend(user: "u1", count: 10, includeRated: true, excluding: [first]).items.map(
            \.item)
        #expect(kept.contains(first))
        let rated = try #require(r.trainingRatings(ofUser: "u1"))
        let table = r.training
        let u = try #require(table.userIDs.index(of: "u1"))
        #expect(rated.count == (0..<table.count).count { table.users[$0] == u })
        #expect(r.trainingRatings(ofUser: "ghost") == nil)
    }
}
