import AutoRec
import RecData
import RecMath
import Testing

@Suite struct CachedModelTests {
    @Test("cached answers equal the model's for every user, count and exclusion set", arguments: [3, 6])
    func sameAnswers(depth: Int) throws {
        let r = try RecommenderSimilarTests.recommender(.item)
        let cached = CachedModel(r, depth: depth, capacity: 5)
        var rng = SplitMix64(seed: 9)
        for round in 0..<3 {
            for u in 0..<12 {
                let user = "u\(u)"
                for count in [1, 2, depth, depth + 2] {
                    let excluding = (0..<10).filter { _ in rng.nextDouble() < 0.3 }.map { "i\($0)" }
                    let want = try r.recommend(user: user, count: count, excluding: excluding)
                    let got = try cached.recommend(
                        user: user, count: count, candidates: nil, includeRated: false,
                        excluding: excluding)
                    #expect(
                        got.items == want.items && got.source == want.source,
                        "round \(round) user \(user) count \(count) excluding \(excluding)")
                }
            }
        }
        #expect(cached.cachedUsers == 5)
    }

    @Test("candidates, included rated items and unknown users go to the model and are not cached")
    func passThrough() throws {
        let r = try RecommenderSimilarTests.recommender(.item)
        let cached = CachedModel(r, depth: 4)
        let c = try cached.recommend(
            user: "u1", count: 3, candidates: ["i1", "i2", "i3", "i4"], includeRated: false,
            excluding: [])
        #expect(
            c.items == (try r.recommend(user: "u1", count: 3, candidates: ["i1", "i2", "i3", "i4"])).items)
        let all = try cached.recommend(
            user: "u1", count: 10, candidates: nil, includeRated: true, excluding: [])
        #expect(all.items == (try r.recommend(user: "u1", count: 10, includeRated: true)).items)
        let stranger = try cached.recommend(
            user: "ghost", count: 3, candidates: nil, includeRated: false, excluding: [])
        #expect(stranger.source == .newUser && cached.cachedUsers == 0)
    }
}
