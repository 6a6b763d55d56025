import Foundation

/// Makes synthetic, MovieLens-shaped rating data sets with a known low-rank structure.
///
/// See ``SyntheticConfiguration`` for the model. The result is a ``RatingTable`` whose rows are
/// grouped by user (users `1`...`U`, items `1`...`I` as raw ids), each user's ratings in time order.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let table = try SyntheticDataset.generate(SyntheticConfiguration(preset: .ml1m), using: &rng)
/// try RatingWriter.writeDataset(table, format: .ml1m, into: URL(filePath: "synthetic-ml-1m"))
/// ```
public enum SyntheticDataset {
    /// Draws a data set.
    ///
    /// Only one 64-bit seed is taken from `rng`; the same seed gives the same table.
    ///
    /// - Parameters:
    ///   - configuration: sizes, scale and model; checked with
    ///     ``SyntheticConfiguration/validate()`` first.
    ///   - rng: the source of the seed.
    /// - Returns: a table of exactly `configuration.ratings` ratings.
    /// - Throws: ``SyntheticDataError/invalidConfiguration(_:)``.
    /// - Complexity: O(ratings × rank) time in the common case; memory 12 bytes per rating (20 with
    ///   timestamps) plus O((users + items) × rank).
    public static func generate(
        _ configuration: SyntheticConfiguration, using rng: inout some RandomNumberGenerator
    ) throws(SyntheticDataError) -> RatingTable {
        try configuration.validate()
        var generator = Generator(configuration, seed: rng.next())
        return generator.run()
    }
}

/// The state of one generation run.
private struct Generator {
    let config: SyntheticConfiguration
    var random: SyntheticRandom

    init(_ config: SyntheticConfiguration, seed: UInt64) {
        self.config = config
        random = SyntheticRandom(seed: seed)
    }

    mutating func run() -> RatingTable {
        let userCount = config.users
        let itemCount = config.items
        let counts = userCounts()

        // Item popularity (log-normal weights) and the item biases that lean on it.
        var popularityZ = [Double](repeating: 0, count: itemCount)
        var weights = [Double](repeating: 0, count: itemCount)
        for i in 0..<itemCount {
            popularityZ[i] = random.gaussian()
            weights[i] = exp(config.itemPopularitySpread * popularityZ[i])
        }
        let rho = config.popularityBiasCorrelation
        var itemBias = [Double](repeating: 0, count: itemCount)
        for i in 0..<itemCount {
            let own = random.gaussian()
            itemBias[i] =
                config.itemBiasDeviation * (rho * popularityZ[i] + (1 - rho * rho).squareRoot() * own)
        }

        // Rows grouped by user; items drawn per user without repetition.
        let total = config.ratings
        var users = [Int32](repeating: 0, count: total)
        var items = [Int32](repeating: 0, count: total)
        let alias = AliasTable(weights: weights)
        var chosenBy = [Int32](repeating: -1, count: itemCount)
        var start = 0
        for u in 0..<userCount {
            let n = counts[u]
            for k in start..<(start + n) { users[k] = Int32(u) }
            drawItems(
                user: Int32(u), count: n, into: &items, at: start, alias: alias, weights: weights,
                chosenBy: &chosenBy)
            start += n
        }
        coverEveryItem(&items, itemCount: itemCount)

        let ratings = drawRatings(users: users, items: items, itemBias: itemBias)
        var timestamps: [Int64] = []
        if config.timestamps { timestamps = drawTimestamps(counts: counts) }

        let userIDs = IDMap(rawIDs: (1...userCount).map(String.init)) ?? IDMap()
        let itemIDs = IDMap(rawIDs: (1...itemCount).map(String.init)) ?? IDMap()
        return RatingTable(
            users: users, items: items, ratings: ratings, timestamps: timestamps,
            userIDs: userIDs, itemIDs: itemIDs, scale: config.scale.ratingScale)
    }

    /// Ratings per user: the minimum plus a log-normal share of the rest, capped at 70% of the
    /// items (at all of them when the total needs it), adding up to the requested total exactly.
    mutating func userCounts() -> [Int] {
        let m = config.minimumPerUser
        // Nobody rates more than 70% of the items (MovieLens 1M's busiest user rated 62%) unless the
        // requested total needs it.
        let softCap = max(m, config.items * 7 / 10)
        let capTotal = config.users.multipliedReportingOverflow(by: softCap)
        let cap = (capTotal.overflow || capTotal.partialValue < config.ratings ? config.items : softCap) - m
        var extra = config.ratings - config.users * m
        var weights = [Double](repeating: 0, count: config.users)
        var sum = 0.0
        for u in 0..<config.users {
            weights[u] = exp(config.userActivitySpread * random.gaussian())
            sum += weights[u]
        }
        var counts = [Int](repeating: m, count: config.users)
        let share = Double(extra) / sum
        for u in 0..<config.users {
            let a = min(cap, Int((weights[u] * share).rounded(.down)))
            counts[u] += a
            extra -= a
        }
        // What rounding down and the caps left over goes one at a time round the users, starting
        // at a random user; validate() guarantees the room exists.
        var u = random.below(config.users)
        while extra > 0 {
            if counts[u] < m + cap {
                counts[u] += 1
                extra -= 1
            }
            u = u + 1 == config.users ? 0 : u + 1
        }
        return counts
    }

    /// Draws `count` distinct items for user `user`, popularity-weighted, into `items[at...]`.
    ///
    /// Rejection from the alias table while that is cheap; once too many draws hit items the user
    /// already has (heavy users under a steep popularity curve), the rest are taken by
    /// Efraimidis-Spirakis keys `-log(U) / w_i` over the items not yet chosen, which samples
    /// without replacement with the same weights.
    mutating func drawItems(
        user: Int32, count: Int, into items: inout [Int32], at start: Int, alias: AliasTable,
        weights: [Double], chosenBy: inout [Int32]
    ) {
        var filled = 0
        if count * 2 <= config.items {
            var budget = 4 * count + 64
            while filled < count, budget > 0 {
                let i = alias.draw(&random)
                if chosenBy[i] != user {
                    chosenBy[i] = user
                    items[start + filled] = Int32(i)
                    filled += 1
                } else {
                    budget -= 1
                }
            }
        }
        guard filled < count else { return }
        var keyed: [(key: Double, item: Int32)] = []
        keyed.reserveCapacity(config.items)
        for i in 0..<config.items where chosenBy[i] != user {
            keyed.append((-log(random.unitOpen()) / weights[i], Int32(i)))
        }
        keyed.sort { $0.key < $1.key }
        for (_, i) in keyed.prefix(count - filled) {
            chosenBy[Int(i)] = user
            items[start + filled] = i
            filled += 1
        }
    }

    /// Gives every item without a rating one, replacing a random row whose item has more than one
    /// (the row's user cannot already have the unrated item, so no pair repeats).
    mutating func coverEveryItem(_ items: inout [Int32], itemCount: Int) {
        var perItem = [Int](repeating: 0, count: itemCount)
        for i in items { perItem[Int(i)] += 1 }
        for j in 0..<itemCount where perItem[j] == 0 {
            while true {
                let k = random.below(items.count)
                let old = Int(items[k])
                if perItem[old] > 1 {
                    perItem[old] -= 1
                    perItem[j] = 1
                    items[k] = Int32(j)
                    break
                }
            }
        }
    }

    /// `y = ȳ + b_u + b_i + p_u · q_i + ε` for every row, mapped onto the scale.
    mutating func drawRatings(users: [Int32], items: [Int32], itemBias: [Double]) -> [Float] {
        let r = config.rank
        // Component deviation s with r s⁴ equal to the interaction variance.
        let s = r > 0 ? (config.interactionVariance / Double(r)).squareRoot().squareRoot() : 0
        var userFactors = [Float](repeating: 0, count: config.users * r)
        var itemFactors = [Float](repeating: 0, count: config.items * r)
        for k in 0..<userFactors.count { userFactors[k] = Float(s * random.gaussian()) }
        for k in 0..<itemFactors.count { itemFactors[k] = Float(s * random.gaussian()) }
        var userBias = [Double](repeating: 0, count: config.users)
        for u in 0..<config.users { userBias[u] = config.userBiasDeviation * random.gaussian() }

        let mean = config.globalMean
        let noise = config.noise
        let scale = config.scale
        var ratings = [Float](repeating: 0, count: users.count)
        userFactors.withUnsafeBufferPointer { p in
            itemFactors.withUnsafeBufferPointer { q in
                ratings.withUnsafeMutableBufferPointer { out in
                    for k in 0..<users.count {
                        let u = Int(users[k])
                        let i = Int(items[k])
                        var dot: Float = 0
                        let pu = u * r
                        let qi = i * r
                        for f in 0..<r { dot += p[pu + f] * q[qi + f] }
                        let y = mean + userBias[u] + itemBias[i] + Double(dot) + noise * random.gaussian()
                        out[k] = scale.rating(fromStars: y)
                    }
                }
            }
        }
        return ratings
    }

    /// Timestamps increasing within each user's rows: the user starts at a uniform time in the
    /// period and stays active for an exponential share of what is left of it.
    mutating func drawTimestamps(counts: [Int]) -> [Int64] {
        var out = [Int64](repeating: 0, count: config.ratings)
        let period = Double(config.period)
        var row = 0
        for n in counts {
            let begin = random.unit() * period * 0.95
            let span = min(period - begin, -log(random.unitOpen()) * period * 0.1 + 60)
            var previous = Int64.min
            for k in 0..<n {
                let at = begin + span * (Double(k) + random.unit()) / Double(n)
                var t = config.startTime + min(Int64(at), config.period - 1)
                if t <= previous { t = previous + 1 }
                out[row] = t
                previous = t
                row += 1
            }
        }
        return out
    }
}

/// Vose's alias method: O(1) draws from a fixed discrete distribution after O(n) set-up.
private struct AliasTable {
    var probability: [Double]
    var alias: [Int32]

    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        probability = [Double](repeating: 1, count: n)
        alias = Array(0..<Int32(n))
        var small: [Int] = []
        var large: [Int] = []
        for i in 0..<n {
            if scaled[i] < 1 { small.append(i) } else { large.append(i) }
        }
        while let s = small.popLast(), let l = large.popLast() {
            probability[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        // Whatever remains (rounding) keeps probability 1, drawing itself.
    }

    @inline(__always)
    func draw(_ random: inout SyntheticRandom) -> Int {
        let i = random.below(probability.count)
        return random.unit() < probability[i] ? i : Int(alias[i])
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014) with the draws the generator needs; kept here because
/// RecData does not import RecMath, and concrete so the hot loops are not generic.
struct SyntheticRandom {
    var state: UInt64
    /// The second value of the last Box-Muller pair, when unused.
    var spare: Double?

    init(seed: UInt64) {
        state = seed
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `(0, 1]`, safe for `log`.
    @inline(__always)
    mutating func unitOpen() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

    /// Uniform in `0..<bound` (Lemire's multiply-shift on the top 32 bits).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        if bound <= Int(UInt32.max) { return Int(((next() >> 32) &* UInt64(bound)) >> 32) }
        return Int(next() % UInt64(bound))
    }

    /// A standard normal draw (Box-Muller; both values of each pair are used).
    @inline(__always)
    mutating func gaussian() -> Double {
        if let z = spare {
            spare = nil
            return z
        }
        let radius = (-2 * log(unitOpen())).squareRoot()
        let angle = 2 * Double.pi * unit()
        spare = radius * sin(angle)
        return radius * cos(angle)
    }
}
