import RecData
import RecMath
import RecTestSupport
import Testing

@Suite struct RatingSplitTests {
    static let table = TestTables.random(users: 40, items: 30, count: 700, seed: 3)

    static let methods: [SplitMethod] = [
        .random(fraction: 0.1), .random(fraction: 0.25), .perUser(fraction: 0.2),
        .temporal(fraction: 0.1), .temporalPerUser(fraction: 0.3), .latestPerUser(count: 2),
    ]

    @Test("parts are disjoint, their union is the input, rows keep file order", arguments: methods)
    func partition(method: SplitMethod) throws {
        var rng = SplitMix64(seed: 11)
        let s = try RatingSplit(Self.table, method: method, using: &rng)
        #expect(Set(s.trainRows).isDisjoint(with: s.testRows))
        #expect((s.trainRows + s.testRows).sorted() == Array(0..<Self.table.count))
        #expect(s.trainRows == s.trainRows.sorted() && s.testRows == s.testRows.sorted())
        #expect(s.train.count + s.test.count == Self.table.count)
        #expect(s.train.userIDs == Self.table.userIDs && s.test.itemIDs == Self.table.itemIDs)
        for (k, r) in s.testRows.enumerated() {
            #expect(s.test.ratings[k] == Self.table.ratings[r] && s.test.users[k] == Self.table.users[r])
        }
    }

    @Test("random split holds out round(n * fraction) ratings", arguments: [0.1, 0.2, 0.5, 0.9])
    func randomFraction(fraction: Double) throws {
        var rng = SplitMix64(seed: 5)
        let s = try RatingSplit(Self.table, method: .random(fraction: fraction), using: &rng)
        #expect(s.test.count == Int((Double(Self.table.count) * fraction).rounded()))
    }

    @Test("per-user split holds out round(n_u * fraction) of every user, keeping one for training")
    func stratified() throws {
        var rng = SplitMix64(seed: 5)
        let s = try RatingSplit(Self.table, method: .perUser(fraction: 0.2), using: &rng)
        let all = Self.table.ratingsPerUser(), test = s.test.ratingsPerUser()
        for u in 0..<all.count where all[u] > 0 {
            let want = all[u] > 1 ? min(all[u] - 1, Int((Double(all[u]) * 0.2).rounded())) : 0
            #expect(test[u] == want, "user \(u) has \(all[u]) ratings")
        }
    }

    @Test("same seed gives the same split, another seed another", arguments: methods.prefix(3))
    func reproducible(method: SplitMethod) throws {
        var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9), c = SplitMix64(seed: 10)
        let sa = try RatingSplit(Self.table, method: method, using: &a)
        let sb = try RatingSplit(Self.table, method: method, using: &b)
        let sc = try RatingSplit(Self.table, method: method, using: &c)
        #expect(sa.testRows == sb.testRows)
        #expect(sa.testRows != sc.testRows)
    }

    @Test("temporal split holds out exactly the latest ratings")
    func temporalCut() throws {
        var rng = SplitMix64(seed: 1)
        let s = try RatingSplit(Self.table, method: .temporal(fraction: 0.2), using: &rng)
        let latestTrain = s.train.timestamps.max() ?? 0
        let earliestTest = s.test.timestamps.min() ?? 0
        #expect(latestTrain <= earliestTest)
        #expect(s.test.count == 140)
    }

    @Test("latest-per-user split holds out each user's newest ratings")
    func latestPerUser() throws {
        var rng = SplitMix64(seed: 1)
        let s = try RatingSplit(Self.table, method: .latestPerUser(count: 1), using: &rng)
        var newestTest = [Int32: Int64](), newestTrain = [Int32: Int64]()
        for k in 0..<s.test.count { newestTest[s.test.users[k]] = s.test.timestamps[k] }
        for k in 0..<s.train.count {
            newestTrain[s.train.users[k]] = max(newestTrain[s.train.users[k]] ?? 0, s.train.timestamps[k])
        }
        for (u, t) in newestTest { #expect(t >= newestTrain[u] ?? 0, "user \(u)") }
        let multi = Self.table.ratingsPerUser().filter { $0 > 1 }.count
        #expect(s.test.count == multi)
    }

    @Test("bad requests are refused with a clear reason")
    func refusals() {
        var rng = SplitMix64(seed: 1)
        let noTime = TestTables.random(users: 5, items: 5, count: 10, seed: 1, timestamps: false)
        #expect(throws: SplitError.badFraction(1.5)) {
            try RatingSplit(Self.table, method: .random(fraction: 1.5), using: &rng)
        }
        #expect(throws: SplitError.needsTimestamps("a temporal, latest 10% of all ratings held out split")) {
            try RatingSplit(noTime, method: .temporal(fraction: 0.1), using: &rng)
        }
        #expect(throws: SplitError.badFoldCount(1, ratings: 700)) { try KFold(Self.table, folds: 1, using: &rng) }
    }

    @Test("k-fold puts every rating in exactly one test fold of balanced size", arguments: [2, 5, 7])
    func kFold(folds: Int) throws {
        var rng = SplitMix64(seed: 4)
        let kf = try KFold(Self.table, folds: folds, using: &rng)
        var seen = [Int](repeating: 0, count: Self.table.count)
        var sizes = [Int]()
        for f in 0..<folds {
            let s = kf.split(Self.table, fold: f)
            #expect(s.train.count + s.test.count == Self.table.count)
            for r in s.testRows { seen[r] += 1 }
            sizes.append(s.test.count)
        }
        #expect(seen.allSatisfy { $0 == 1 })
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
    }
}
