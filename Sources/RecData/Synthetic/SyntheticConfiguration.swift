/// The rating scale of a synthetic data set.
public enum SyntheticScale: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 1 to 5 stars in whole steps (MovieLens 100K and 1M, Netflix).
    case stars
    /// 0.5 to 5 stars in half steps (MovieLens 10M and later).
    case halfStars = "half-stars"
    /// Scores from 1 to 100 in whole steps.
    case scores

    /// The range and step of the ratings.
    public var ratingScale: RatingScale {
        switch self {
        case .stars: RatingScale(minimum: 1, maximum: 5, step: 1)
        case .halfStars: RatingScale(minimum: 0.5, maximum: 5, step: 0.5)
        case .scores: RatingScale(minimum: 1, maximum: 100, step: 1)
        }
    }

    /// A preference on the star scale (1 to 5 stars) mapped onto this scale, rounded to its step
    /// and clipped to its range. Scores map 1 star to 1 and 5 stars to 100 linearly.
    @inline(__always)
    func rating(fromStars y: Double) -> Float {
        switch self {
        case .stars: Float(min(max(y.rounded(), 1), 5))
        case .halfStars: Float(min(max((y * 2).rounded() / 2, 0.5), 5))
        case .scores: Float(min(max((1 + (y - 1) * 99 / 4).rounded(), 1), 100))
        }
    }

    /// The raw value: `stars`, `half-stars`, `scores`.
    public var description: String { rawValue }
}

/// Data sets whose sizes a synthetic data set can copy.
public enum SyntheticPreset: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// MovieLens 100K: 943 users, 1,682 items, 100,000 ratings, 1-5 stars.
    case ml100k = "ml-100k"
    /// MovieLens 1M: 6,040 users, 3,706 items, 1,000,209 ratings, 1-5 stars.
    case ml1m = "ml-1m"
    /// MovieLens 10M: 69,878 users, 10,677 items, 10,000,054 ratings, half stars.
    case ml10m = "ml-10m"
    /// Netflix Prize: 480,189 users, 17,770 items, 100,480,507 ratings, 1-5 stars.
    case netflix

    /// The raw value, e.g. `ml-1m`.
    public var description: String { rawValue }
}

/// What a synthetic, MovieLens-shaped data set looks like: its size, scale and the preference
/// model the ratings are drawn from.
///
/// Each rating is drawn from a low-rank model with biases and Gaussian noise, in star units,
/// then mapped onto the ``scale``, rounded to its step and clipped:
///
/// ```
/// y_ui = ȳ + b_u + b_i + p_u · q_i + ε,   b_u ~ 𝒩(0, σ_u²), b_i ~ 𝒩(0, σ_i²),
/// p_u, q_i ~ 𝒩(0, s² I) in ℝ^rank with rank · s⁴ = interactionVariance,   ε ~ 𝒩(0, noise²)
/// ```
///
/// The defaults (ȳ = 3.45, σ_u = 0.4, σ_i = 0.45, interaction variance 0.35, noise 0.7) give a
/// MovieLens-like histogram on 1-5 stars (mean about 3.54, since popular items are rated more and
/// a little higher; mode 4; about 3% ones; MovieLens 1M: 3.58, 4, 5.6%) in which a
/// bias-only predictor leaves about 0.35 of variance that a rank-``rank`` factorisation can learn.
///
/// Users rate ``minimumPerUser`` items plus a log-normal number more (spread
/// ``userActivitySpread``, at most 70% of the items unless the total needs more), scaled so the
/// total is ``ratings`` exactly; items are chosen without
/// repetition, with probability proportional to a log-normal popularity (spread
/// ``itemPopularitySpread``), and popular items are rated a little higher
/// (``popularityBiasCorrelation``). Every item gets at least one rating. Timestamps increase
/// within each user's ratings, inside `startTime ..< startTime + period`.
///
/// Decoding accepts any subset of the keys; missing ones take the defaults below.
public struct SyntheticConfiguration: Sendable, Hashable, Codable {
    /// Number of users (default 943).
    public var users = 943
    /// Number of items (default 1,682).
    public var items = 1682
    /// Total number of ratings, met exactly (default 100,000).
    public var ratings = 100_000
    /// Rank `r` of the user and item factors (default 10; 0 leaves only biases).
    public var rank = 10
    /// Standard deviation of the Gaussian noise, in stars (default 0.7).
    public var noise = 0.7
    /// Every user rates at least this many items (default 20, as in MovieLens).
    public var minimumPerUser = 20
    /// The rating scale (default 1-5 stars).
    public var scale = SyntheticScale.stars
    /// The global mean ȳ of the preferences, in stars (default 3.45; the ratings' mean comes out about 0.1 higher).
    public var globalMean = 3.45
    /// Standard deviation σ_u of the user biases, in stars (default 0.4).
    public var userBiasDeviation = 0.4
    /// Standard deviation σ_i of the item biases, in stars (default 0.45).
    public var itemBiasDeviation = 0.45
    /// Variance of the interaction term `p_u · q_i`, in stars² (default 0.35).
    public var interactionVariance = 0.35
    /// σ of the log-normal weight of each user's ratings beyond the minimum (default 1.1).
    public var userActivitySpread = 1.1
    /// σ of the log-normal popularity of items (default 1.2).
    public var itemPopularitySpread = 1.2
    /// Correlation between an item's bias and its log popularity (default 0.3).
    public var popularityBiasCorrelation = 0.3
    /// Whether the ratings get timestamps (default true).
    public var timestamps = true
    /// The earliest timestamp, Unix seconds (default 2000-01-01, 946,684,800).
    public var startTime: Int64 = 946_684_800
    /// Length of the period the timestamps fall in, seconds (default three years, 94,608,000).
    public var period: Int64 = 94_608_000

    /// The defaults: the size of MovieLens 100K on 1-5 stars.
    public init() {}

    /// The sizes and scale of a real data set, other settings at their defaults.
    public init(preset: SyntheticPreset) {
        switch preset {
        case .ml100k:
            (users, items, ratings) = (943, 1682, 100_000)
            startTime = 874_724_710  // 1997-09-20, as MovieLens 100K
            period = 18_000_000
        case .ml1m:
            (users, items, ratings) = (6040, 3706, 1_000_209)
            startTime = 956_703_932  // 2000-04-25, as MovieLens 1M
            period = 89_000_000
        case .ml10m:
            (users, items, ratings) = (69_878, 10_677, 10_000_054)
            scale = .halfStars
            globalMean = 3.35
            startTime = 822_873_600  // 1996
            period = 410_000_000
        case .netflix:
            (users, items, ratings) = (480_189, 17_770, 100_480_507)
            startTime = 942_192_000  // 1999-11
            period = 193_000_000
        }
    }

    /// Checks that a data set with these settings can exist.
    ///
    /// - Throws: ``SyntheticDataError/invalidConfiguration(_:)`` naming the setting and the fix.
    public func validate() throws(SyntheticDataError) {
        func fail(_ message: String) -> SyntheticDataError { .invalidConfiguration(message) }
        guard users >= 1, users <= Int(Int32.max) else {
            throw fail("users must be in 1...\(Int32.max), got \(users)")
        }
        guard items >= 1, items <= Int(Int32.max) else {
            throw fail("items must be in 1...\(Int32.max), got \(items)")
        }
        guard rank >= 0, rank <= 1000 else { throw fail("rank must be in 0...1000, got \(rank)") }
        guard minimumPerUser >= 1, minimumPerUser <= items else {
            throw fail("minimumPerUser must be in 1...items (\(items)), got \(minimumPerUser)")
        }
        let (least, leastOverflow) = users.multipliedReportingOverflow(by: minimumPerUser)
        guard !leastOverflow, ratings >= least else {
            throw fail(
                "ratings (\(ratings)) must be at least users x minimumPerUser"
                    + " (\(users) x \(minimumPerUser)); lower minimumPerUser or raise ratings")
        }
        guard ratings >= items else {
            throw fail("ratings (\(ratings)) must be at least items (\(items)) so that every item is rated")
        }
        let (most, mostOverflow) = users.multipliedReportingOverflow(by: items)
        guard mostOverflow || ratings <= most else {
            throw fail(
                "ratings (\(ratings)) cannot exceed users x items (\(users) x \(items)): each user rates an item once"
            )
        }
        for (name, value) in [
            ("noise", noise), ("userBiasDeviation", userBiasDeviation),
            ("itemBiasDeviation", itemBiasDeviation),
            ("interactionVariance", interactionVariance), ("userActivitySpread", userActivitySpread),
            ("itemPopularitySpread", itemPopularitySpread),
        ] {
            guard value.isFinite, value >= 0 else {
                throw fail("\(name) must be finite and not negative, got \(value)")
            }
        }
        guard userActivitySpread <= 5, itemPopularitySpread <= 5 else {
            throw fail("userActivitySpread and itemPopularitySpread must be at most 5 (log-normal σ)")
        }
        guard globalMean.isFinite else { throw fail("globalMean must be finite, got \(globalMean)") }
        guard abs(popularityBiasCorrelation) <= 1 else {
            throw fail("popularityBiasCorrelation must be in -1...1, got \(popularityBiasCorrelation)")
        }
        guard period >= 1 else { throw fail("period must be at least 1 second, got \(period)") }
        guard startTime >= 0, startTime <= Int64.max - period else {
            throw fail("startTime must be in 0...\(Int64.max - period), got \(startTime)")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case users, items, ratings, rank, noise, minimumPerUser, scale, globalMean, userBiasDeviation
        case itemBiasDeviation, interactionVariance, userActivitySpread, itemPopularitySpread
        case popularityBiasCorrelation, timestamps, startTime, period
    }

    /// Decodes the settings present; missing keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func take<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try take(.users, &users)
        try take(.items, &items)
        try take(.ratings, &ratings)
        try take(.rank, &rank)
        try take(.noise, &noise)
        try take(.minimumPerUser, &minimumPerUser)
        try take(.scale, &scale)
        try take(.globalMean, &globalMean)
        try take(.userBiasDeviation, &userBiasDeviation)
        try take(.itemBiasDeviation, &itemBiasDeviation)
        try take(.interactionVariance, &interactionVariance)
        try take(.userActivitySpread, &userActivitySpread)
        try take(.itemPopularitySpread, &itemPopularitySpread)
        try take(.popularityBiasCorrelation, &popularityBiasCorrelation)
        try take(.timestamps, &timestamps)
        try take(.startTime, &startTime)
        try take(.period, &period)
    }
}

/// Why a synthetic data set could not be made.
public enum SyntheticDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is out of range or the settings contradict each other.
    case invalidConfiguration(String)

    /// `invalid synthetic data configuration: …`.
    public var description: String {
        switch self {
        case let .invalidConfiguration(what): "invalid synthetic data configuration: \(what)"
        }
    }
}
