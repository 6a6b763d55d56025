import Foundation
import RecData
import RecMath
import Testing

@Suite struct SyntheticDatasetTests {
    static func small(_ change: (inout SyntheticConfiguration) -> Void = { _ in }) -> SyntheticConfiguration {
        var c = SyntheticConfiguration()
        c.users = 300
        c.items = 200
        c.ratings = 15_000
        c.rank = 5
        change(&c)
        return c
    }

    static func generate(_ c: SyntheticConfiguration, seed: UInt64 = 1) throws -> RatingTable {
        var rng = SplitMix64(seed: seed)
        return try SyntheticDataset.generate(c, using: &rng)
    }

    @Test(
        "sizes are exact, every user has the minimum, every item a rating, no pair repeats",
        arguments: [(300, 200, 15_000, 20), (50, 400, 1_000, 20), (40, 30, 1_150, 25), (10, 1_000, 1_000, 1)])
    func shape(users: Int, items: Int, ratings: Int, minimum: Int) throws {
        let config = Self.small {
            $0.users = users; $0.items = items; $0.ratings = ratings; $0.minimumPerUser = minimum
        }
        let table = try Self.generate(config)
        #expect(table.count == ratings)
        #expect(table.userCount == users && table.itemCount == items)
        #expect(table.ratingsPerUser().allSatisfy { $0 >= minimum && $0 <= items })
        #expect(table.ratingsPerItem().allSatisfy { $0 >= 1 })
        var seen = Set<Int64>()
        for k in 0..<table.count { seen.insert(Int64(table.users[k]) << 32 | Int64(table.items[k])) }
        #expect(seen.count == ratings)
        #expect(table.userIDs.rawID(0) == "1" && table.itemIDs.rawID(Int32(items - 1)) == String(items))
    }

    @Test("ratings lie on the scale's grid and range", arguments: SyntheticScale.allCases)
    func scales(scale: SyntheticScale) throws {
        let table = try Self.generate(Self.small { $0.scale = scale })
        let s = scale.ratingScale
        #expect(table.scale == s)
        for r in table.ratings {
            #expect(r >= s.minimum && r <= s.maximum)
            #expect((r / s.step).rounded() * s.step == r)
        }
        // Every step of the scale is used, not just a few values.
        #expect(Set(table.ratings).count >= (scale == .scores ? 60 : 5))
    }

    @Test("1-5 stars look like MovieLens: mean about 3.5, mode 4, few ones")
    func histogram() throws {
        let table = try Self.generate(Self.small())
        var counts = [Int](repeating: 0, count: 6)
        for r in table.ratings { counts[Int(r)] += 1 }
        let mean = table.globalMean
        #expect(mean > 3.4 && mean < 3.7, "mean \(mean)")
        #expect(counts.indices.max(by: { counts[$0] < counts[$1] }) == 4, "counts \(counts)")
        #expect(Double(counts[1]) / Double(table.count) < 0.08, "counts \(counts)")
    }

    @Test("activity and popularity are long-tailed")
    func longTails() throws {
        let table = try Self.generate(Self.small())
        let perUser = table.ratingsPerUser().sorted()
        let perItem = table.ratingsPerItem().sorted()
        #expect(perUser[perUser.count - 1] >= 3 * perUser[perUser.count / 2], "users \(perUser)")
        #expect(perItem[perItem.count - 1] >= 4 * perItem[perItem.count / 2], "items \(perItem)")
    }

    @Test("timestamps increase within each user and stay in the period")
    func timestamps() throws {
        let config = Self.small()
        let table = try Self.generate(config)
        #expect(table.hasTimestamps)
        for k in 0..<table.count {
            #expect(
                table.timestamps[k] >= config.startTime
                    && table.timestamps[k] < config.startTime + config.period)
            if k > 0, table.users[k] == table.users[k - 1] {
                #expect(table.timestamps[k] > table.timestamps[k - 1])
            }
        }
        #expect(!(try Self.generate(Self.small { $0.timestamps = false })).hasTimestamps)
    }

    @Test("the same seed gives the same table, another seed another")
    func seeds() throws {
        let a = try Self.generate(Self.small(), seed: 9)
        #expect(a == (try Self.generate(Self.small(), seed: 9)))
        #expect(a.ratings != (try Self.generate(Self.small(), seed: 10)).ratings)
    }

    /// Held-out RMSE of biased matrix factorisation trained by SGD (rank 0: the bias baseline).
    static func heldOutRMSE(_ table: RatingTable, rank: Int) -> Double {
        var rng = SplitMix64(seed: 3)
        let test = (0..<table.count).map { _ in rng.next() % 10 == 0 }
        let mu = table.globalMean
        var bu = [Double](repeating: 0, count: table.userCount)
        var bi = [Double](repeating: 0, count: table.itemCount)
        var p = (0..<(table.userCount * rank)).map { _ in 0.1 * rng.nextGaussian() }
        var q = (0..<(table.itemCount * rank)).map { _ in 0.1 * rng.nextGaussian() }
        func predict(_ u: Int, _ i: Int) -> Double {
            var y = mu + bu[u] + bi[i]
            for f in 0..<rank { y += p[u * rank + f] * q[i * rank + f] }
            return y
        }
        let (rate, reg) = (0.01, 0.05)
        for _ in 0..<40 {
            for k in 0..<table.count where !test[k] {
                let u = Int(table.users[k]), i = Int(table.items[k])
                let e = Double(table.ratings[k]) - predict(u, i)
                bu[u] += rate * (e - reg * bu[u])
                bi[i] += rate * (e - reg * bi[i])
                for f in 0..<rank {
                    let (pf, qf) = (p[u * rank + f], q[i * rank + f])
                    p[u * rank + f] += rate * (e * qf - reg * pf)
                    q[i * rank + f] += rate * (e * pf - reg * qf)
                }
            }
        }
        var (sum, n) = (0.0, 0)
        for k in 0..<table.count where test[k] {
            let e = Double(table.ratings[k]) - predict(Int(table.users[k]), Int(table.items[k]))
            sum += e * e
            n += 1
        }
        return (sum / Double(n)).squareRoot()
    }

    @Test(
        "a matrix factorisation beats the bias baseline only when the data has low-rank signal",
        arguments: [(0.35, true), (0.0, false)])
    func learnableSignal(interactionVariance: Double, learnable: Bool) throws {
        let table = try Self.generate(
            Self.small {
                $0.users = 200; $0.items = 120; $0.ratings = 10_000; $0.rank = 3
                $0.interactionVariance = interactionVariance
            })
        let baseline = Self.heldOutRMSE(table, rank: 0)
        let factorised = Self.heldOutRMSE(table, rank: 3)
        if learnable {
            #expect(factorised < baseline - 0.04, "MF \(factorised), baseline \(baseline)")
        } else {
            #expect(factorised > baseline - 0.01, "MF \(factorised), baseline \(baseline)")
        }
    }

    @Test(
        "presets have the real data sets' sizes",
        arguments: [
            (SyntheticPreset.ml100k, 943, 1_682, 100_000, SyntheticScale.stars),
            (.ml1m, 6_040, 3_706, 1_000_209, .stars),
            (.ml10m, 69_878, 10_677, 10_000_054, .halfStars),
            (.netflix, 480_189, 17_770, 100_480_507, .stars),
        ])
    func presets(preset: SyntheticPreset, users: Int, items: Int, ratings: Int, scale: SyntheticScale) throws
    {
        let c = SyntheticConfiguration(preset: preset)
        #expect(c.users == users && c.items == items && c.ratings == ratings && c.scale == scale)
        try c.validate()
    }

    @Test(
        "impossible settings are refused with the reason",
        arguments: [
            (
                { @Sendable (c: inout SyntheticConfiguration) in c.ratings = 100 },
                "ratings (100) must be at least users x minimumPerUser (300 x 20); lower minimumPerUser or raise ratings"
            ),
            (
                { $0.ratings = 60_001 },
                "ratings (60001) cannot exceed users x items (300 x 200): each user rates an item once"
            ),
            ({ $0.minimumPerUser = 0 }, "minimumPerUser must be in 1...items (200), got 0"),
            ({ $0.noise = -1 }, "noise must be finite and not negative, got -1.0"),
            ({ $0.users = 0 }, "users must be in 1...2147483647, got 0"),
            (
                {
                    $0.minimumPerUser = 1; $0.ratings = 300; $0.items = 400
                },
                "ratings (300) must be at least items (400) so that every item is rated"
            ),
        ] as [(@Sendable (inout SyntheticConfiguration) -> Void, String)])
    func invalid(change: @Sendable (inout SyntheticConfiguration) -> Void, message: String) {
        #expect(throws: SyntheticDataError.invalidConfiguration(message)) {
            try Self.generate(Self.small(change))
        }
    }

    @Test("the configuration decodes from partial JSON with defaults and round-trips")
    func codable() throws {
        let json = Data(#"{"users": 10, "scale": "half-stars"}"#.utf8)
        let decoded = try JSONDecoder().decode(SyntheticConfiguration.self, from: json)
        var expected = SyntheticConfiguration()
        expected.users = 10
        expected.scale = .halfStars
        #expect(decoded == expected)
        let again = try JSONDecoder().decode(SyntheticConfiguration.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
    }
}
