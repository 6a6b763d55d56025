import Foundation
import RecData
import RecMath
import Testing

@testable import AutoRec

@Suite struct TopNRecommenderTests {
    /// User u's training items as fold-in ratings of 5 (above the fixture's threshold 4).
    static func ownItems(_ u: Int) -> [(item: String, rating: Float)] {
        TopNFixtures.training[u].map { (item: "i\($0)", rating: 5) }
    }

    @Test(
        "Mult-VAE/DAE: fold-in of a known user's own items gives the same list and scores as recommending for the user",
        arguments: [TopNModelDescription.Kind.multVAE, .multDAE])
    func foldInMatchesKnownUser(kind: TopNModelDescription.Kind) throws {
        let r = TopNRecommender(try TopNFixtures.fitted(kind))
        for u in 0..<(TopNFixtures.users - 1) {
            let (known, source) = try r.recommend(user: "u\(u)", count: 5)
            let (folded, unknown) = try r.recommend(foldingIn: Self.ownItems(u), count: 5)
            #expect(source == .model && unknown.isEmpty)
            #expect(known == folded, "user u\(u)")
            #expect(Set(known.map(\.item)).isDisjoint(with: Self.ownItems(u).map(\.item)))
        }
    }

    @Test(
        "CDAE folds in with its new-user vector (zeros or the trained users' mean), not a known user's own",
        arguments: CDAE.NewUserVector.allCases)
    func cdaeNewUserVector(choice: CDAE.NewUserVector) throws {
        let saved = try TopNFixtures.fitted(.cdae, newUser: choice)
        let cdae = try #require(saved.model as? CDAE)
        // The vector a new user should get, computed here from the trained users' rows.
        let k = cdae.configuration.hidden
        let trainedUsers = (0..<TopNFixtures.users).filter { !TopNFixtures.training[$0].isEmpty }
        let vector: [Float] = (0..<k).map { c in
            choice == .zeros
                ? 0 : trainedUsers.reduce(Float(0)) { $0 + cdae.parameters[2][$1, c] } / Float(trainedUsers.count)
        }
        // The same model with user 0's own vector replaced by it: its list for u0 is the fold-in's.
        var swapped = cdae
        for c in 0..<k { swapped.parameters[2][0, c] = vector[c] }
        let expected = TopNRecommender(
            try SavedTopNModel(
                model: swapped, training: saved.training, userIDs: saved.userIDs, itemIDs: saved.itemIDs,
                scale: .stars, positive: 4))
        let r = TopNRecommender(saved)
        let (folded, _) = try r.recommend(foldingIn: Self.ownItems(0), count: 6)
        let want = try expected.recommend(user: "u0", count: 6).items
        #expect(folded.map(\.item) == want.map(\.item))
        for (a, b) in zip(folded, want) { #expect(abs(a.score - b.score) < 1e-5) }
        // User 0's own trained vector gives other scores.
        #expect(try r.recommend(user: "u0", count: 6).items.map(\.score) != folded.map(\.score))
    }

    @Test("fold-in counts only ratings >= the saved threshold as items, but leaves every given item out")
    func foldInThreshold() throws {
        let r = TopNRecommender(try TopNFixtures.fitted(.multDAE))
        let all = TopNFixtures.items
        let positives: [(item: String, rating: Float)] = [("i1", 5), ("i4", 4)]
        let (withLow, _) = try r.recommend(foldingIn: positives + [("i7", 2)], count: all)
        let (without, _) = try r.recommend(foldingIn: positives, count: all)
        #expect(withLow == without.filter { $0.item != "i7" })
        // Nothing positive: the popularity list.
        let (low, _) = try r.recommend(foldingIn: [("i7", 1)], count: 3)
        #expect(low == (try r.recommend(user: "nobody", count: 3, excluding: ["i7"]).items))
        #expect(throws: Recommender.RequestError.ratingOutOfScale(id: "i1", rating: 9, scale: .stars)) {
            try r.recommend(foldingIn: [("i1", 9)], count: 3)
        }
    }

    @Test("a user without training items, or unknown, gets the most popular items (source new-user)")
    func popularityFallback() throws {
        let r = TopNRecommender(try TopNFixtures.fitted(.cdae))
        let counts = Popularity(training: TopNFixtures.training, itemCount: TopNFixtures.items).counts
        for user in ["u11", "stranger"] {
            let (list, source) = try r.recommend(user: user, count: 3)
            #expect(source == .newUser)
            #expect(list.map(\.score) == Array(counts.sorted(by: >).prefix(3)))
        }
        #expect(r.trainingRatings(ofUser: "u11") == nil && r.trainingRatings(ofUser: "u0")?.count == 4)
    }

    @Test("predict returns the item's ranking score for a known user, and says which fallback answered")
    func predict() throws {
        let saved = try TopNFixtures.fitted(.ease)
        let r = TopNRecommender(saved)
        let scores = TopNFixtures.allScores(saved)[2]
        let p = r.predict(user: "u2", item: "i5")
        #expect(p.rating == scores[5] && p.source == .model)
        #expect(r.predict(user: "u2", item: "nope").source == .newItem)
        #expect(r.predict(user: "u11", item: "i5").source == .newUser)
        // Ranking scores are not clipped to the rating scale.
        let (list, _) = try r.recommend(user: "u2", count: 10, includeRated: true)
        #expect(list.map(\.score) == scores.sorted(by: >))
    }

    @Test(
        "similar items: cosine of the decoder's item vectors, best first, the item itself left out",
        arguments: [TopNModelDescription.Kind.multDAE, .cdae])
    func similar(kind: TopNModelDescription.Kind) throws {
        let saved = try TopNFixtures.fitted(kind)
        let r = TopNRecommender(saved)
        // Item j's decoder vector: W'_j for CDAE, column j of the last weight for Mult.
        func vector(_ j: Int) -> [Double] {
            if let c = saved.model as? CDAE { return c.parameters[3].row(j).map(Double.init) }
            let m = (saved.model as? MultAutoencoder)?.parameters.dropLast().last ?? Matrix(rows: 0, cols: 0)
            return (0..<m.rows).map { Double(m[$0, j]) }
        }
        func cosine(_ a: [Double], _ b: [Double]) -> Double {
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        let s = try r.similarItems(to: "i3", count: 4)
        #expect(s.representation == "decoder-row" && s.items.count == 4 && !s.items.map(\.item).contains("i3"))
        let reference = (0..<TopNFixtures.items).filter { $0 != 3 }.map { ($0, cosine(vector(3), vector($0))) }
            .sorted { $0.1 > $1.1 }
        #expect(s.items.map(\.item) == reference.prefix(4).map { "i\($0.0)" })
        for (got, want) in zip(s.items, reference) { #expect(abs(Double(got.score) - want.1) < 1e-5) }
        #expect(throws: Recommender.RequestError.unknownItems(["nope"])) { try r.similarItems(to: "nope", count: 3) }
    }

    @Test("popularity has no item vectors: similar items is refused with the reason")
    func popularityHasNoVectors() throws {
        let r = TopNRecommender(try TopNFixtures.fitted(.popularity))
        #expect {
            try r.similarItems(to: "i1", count: 3)
        } throws: { error in
            (error as? Recommender.RequestError)?.description.contains("no item vectors") == true
        }
    }
}
