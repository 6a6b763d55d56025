import RecData
import RecMath

/// Small generated rating tables for the AutoRec tests.
enum BaselineFixtures {
    /// A table over `users` × `items` indices (raw ids "u0", "i0", …) holding `triples`.
    static func table(
        _ triples: [(user: Int, item: Int, rating: Float)], users: Int, items: Int,
        scale: RatingScale = RatingScale(minimum: 1, maximum: 5, step: 1)
    ) -> RatingTable {
        var um = IDMap()
        var im = IDMap()
        for u in 0..<users { _ = um.intern("u\(u)") }
        for i in 0..<items { _ = im.intern("i\(i)") }
        return RatingTable(
            users: triples.map { Int32($0.user) }, items: triples.map { Int32($0.item) },
            ratings: triples.map(\.rating), userIDs: um, itemIDs: im, scale: scale)
    }

    /// Ratings r_ui = r̄ + b_u + b_i (+ p_u·q_i with `rank` > 0) for a random share of the pairs,
    /// split at random into train and test parts that share the id maps.
    ///
    /// Biases are drawn uniformly from ±`biasSpread` and centred to mean 0 so that r̄ is the
    /// global mean of the full matrix.
    static func generated(
        users: Int, items: Int, density: Double, testShare: Double = 0, rank: Int = 0,
        mean: Float = 3, biasSpread: Float = 0.5, seed: UInt64
    ) -> (train: RatingTable, test: RatingTable, userBiases: [Float], itemBiases: [Float]) {
        var rng = SplitMix64(seed: seed)
        func centred(_ n: Int) -> [Float] {
            let b = (0..<n).map { _ in (rng.nextFloat() * 2 - 1) * biasSpread }
            let m = b.reduce(0, +) / Float(n)
            return b.map { $0 - m }
        }
        let bu = centred(users)
        let bi = centred(items)
        let p = (0..<(users * rank)).map { _ in Float(rng.nextGaussian()) }
        let q = (0..<(items * rank)).map { _ in Float(rng.nextGaussian()) }
        var train: [(user: Int, item: Int, rating: Float)] = []
        var test: [(user: Int, item: Int, rating: Float)] = []
        for u in 0..<users {
            for i in 0..<items where rng.nextDouble() < density {
                var r = mean + bu[u] + bi[i]
                for f in 0..<rank { r += p[u * rank + f] * q[i * rank + f] }
                if rng.nextDouble() < testShare { test.append((u, i, r)) } else { train.append((u, i, r)) }
            }
        }
        let wide = RatingScale(minimum: -100, maximum: 100, step: 0)
        return (
            table(train, users: users, items: items, scale: wide),
            table(test, users: users, items: items, scale: wide), bu, bi
        )
    }
}
