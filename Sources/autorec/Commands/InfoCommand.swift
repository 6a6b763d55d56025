import ArgumentParser
import Foundation
import RecData

/// `autorec info`: what a data set holds.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a rating data set: counts, density, rating histogram, activity quantiles.",
        discussion: """
            Examples:
              autorec info --data ~/data/ml-1m
              autorec info --data ml-100k --json
              autorec info --data ratings.csv --separator , --columns user,item,rating --header
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var runtime: RuntimeOptions

    struct Summary: Codable {
        var format: String
        var path: String
        var ratings: Int
        var users: Int
        var items: Int
        var density: Double
        var scale: String
        /// Where the scale comes from: a MovieLens release, --scale, or the ratings.
        var scaleSource: String
        var meanRating: Double
        var histogram: [String: Int]
        var ratingsPerUser: [String: Double]
        var ratingsPerItem: [String: Double]
        var timestamps: [String: Int64]?
        var usersWithSideInformation: Int?
        var itemsWithSideInformation: Int?
    }

    func run() async throws {
        runtime.apply()
        try await data.fetchIfNeeded()
        let set = try data.dataset()
        let loaded = try set.load(options: data.readOptions(for: set), sideInformation: true)
        let t = loaded.ratings
        let histogram = ratingHistogram(t.ratings)
        let quantiles: [(String, Double)] = [("min", 0), ("p25", 0.25), ("median", 0.5), ("p75", 0.75),
                                             ("p90", 0.9), ("p99", 0.99), ("max", 1)]
        func spread(_ counts: [Int]) -> [String: Double] {
            let sorted = counts.filter { $0 > 0 }.sorted()
            guard !sorted.isEmpty else { return [:] }
            var out = [String: Double]()
            for (name, q) in quantiles { out[name] = Double(sorted[Int((Double(sorted.count - 1) * q).rounded())]) }
            out["mean"] = Double(sorted.reduce(0, +)) / Double(sorted.count)
            return out
        }
        let summary = Summary(
            format: set.description, path: set.path, ratings: t.count, users: t.userCount, items: t.itemCount,
            density: Double(t.count) / Double(max(1, t.userCount * t.itemCount)), scale: t.scale.description,
            scaleSource: DataOptions.scaleSource(of: set), meanRating: t.globalMean,
            histogram: Dictionary(uniqueKeysWithValues: histogram.map { (ratingText($0.key), $0.value) }),
            ratingsPerUser: spread(t.ratingsPerUser()), ratingsPerItem: spread(t.ratingsPerItem()),
            timestamps: t.hasTimestamps ? ["first": t.timestamps.min() ?? 0, "last": t.timestamps.max() ?? 0] : nil,
            usersWithSideInformation: loaded.users?.describedCount, itemsWithSideInformation: loaded.items?.describedCount)
        if runtime.json { return try printJSON(summary) }
        print("\(summary.format)")
        print("path      \(summary.path)")
        print("ratings   \(t.count)   users \(t.userCount)   items \(t.itemCount)   density \(fixed(summary.density * 100, 3))%")
        print("scale     \(summary.scale), \(summary.scaleSource)   mean rating \(fixed(summary.meanRating))")
        if let f = summary.timestamps {
            let fmt = ISO8601DateFormatter()
            print("time      \(fmt.string(from: Date(timeIntervalSince1970: Double(f["first"] ?? 0)))) .. "
                  + "\(fmt.string(from: Date(timeIntervalSince1970: Double(f["last"] ?? 0))))")
        }
        if let u = summary.usersWithSideInformation { print("side info users described \(u)") }
        if let i = summary.itemsWithSideInformation { print("side info items described \(i)") }
        print("")
        var rows = [["rating", "count", "share"]]
        for r in histogram.keys.sorted() {
            let c = histogram[r] ?? 0
            rows.append([ratingText(r), "\(c)", fixed(100 * Double(c) / Double(max(1, t.count)), 1) + "%"])
        }
        printTable(rows)
        print("")
        var act = [["ratings per", "min", "p25", "median", "p75", "p90", "p99", "max", "mean"]]
        for (name, s) in [("user", summary.ratingsPerUser), ("item", summary.ratingsPerItem)] {
            act.append([name] + ["min", "p25", "median", "p75", "p90", "p99", "max"].map { fixed(s[$0] ?? 0, 0) }
                       + [fixed(s["mean"] ?? 0, 1)])
        }
        printTable(act)
    }
}

/// How many times each rating value occurs.
///
/// A rating scale has few values, so they are counted in a short list searched from the value seen
/// last (hashing ten million ratings into a dictionary took a tenth of `info` on 10 M ratings);
/// past 64 distinct values the rest go through a dictionary.
func ratingHistogram(_ ratings: [Float]) -> [Float: Int] {
    var keys = [Float](), counts = [Int]()
    var last = 0
    var overflow = [Float: Int]()
    for r in ratings {
        if last < keys.count, keys[last] == r {
            counts[last] += 1
            continue
        }
        if let k = keys.firstIndex(of: r) {
            counts[k] += 1
            last = k
        } else if keys.count < 64 {
            keys.append(r)
            counts.append(1)
            last = keys.count - 1
        } else {
            overflow[r, default: 0] += 1
        }
    }
    for (k, c) in zip(keys, counts) { overflow[k, default: 0] += c }
    return overflow
}

/// `4` or `3.5` (`1e+19` for a huge rating: never an integer conversion that could trap).
func ratingText(_ r: Float) -> String { RatingScale.format(r) }
