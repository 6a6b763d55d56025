import ArgumentParser
import Foundation
import RecData
import RecMath

/// `autorec synth`: writes a synthetic MovieLens-shaped data set folder.
struct SynthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic MovieLens-shaped data set with a known low-rank structure.",
        discussion: """
            Ratings follow mu + user bias + item bias + (rank-r user factors . item factors) + noise, \
            rounded to the scale and clipped; user activity and item popularity are long-tailed, every \
            user rates at least --min-per-user items and every item is rated. A preset copies the size \
            of a real data set; the options after it change single settings. The folder gets u.data, \
            ratings.dat or ratings.csv, so every command that reads MovieLens folders reads it. \
            The summary goes to standard output, progress to standard error.

            Examples:
              autorec synth --preset ml-1m --out synthetic-ml-1m
              autorec synth --preset ml-100k --format ml-latest --out small --seed 7
              autorec synth --preset netflix --format ml-1m --out netflix-like
              autorec synth --users 500 --items 300 --ratings 20000 --rank 5 --scale half-stars --out tiny
            """
    )

    @Option(help: "Sizes to copy: \(SyntheticPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset: String = SyntheticPreset.ml100k.rawValue

    @Option(
        help:
            "File format: ml-100k (u.data), ml-1m (ratings.dat) or ml-latest (ratings.csv); default follows the preset."
    )
    var format: RatingFileFormat?

    @Option(help: "Folder to write (created if missing).")
    var out: String

    @Option(help: "Number of users (overrides the preset).")
    var users: Int?

    @Option(help: "Number of items (overrides the preset).")
    var items: Int?

    @Option(help: "Number of ratings, met exactly (overrides the preset).")
    var ratings: Int?

    @Option(help: "Rank of the hidden user and item factors (default 10).")
    var rank: Int?

    @Option(help: "Standard deviation of the rating noise, in stars (default 0.7).")
    var noise: Double?

    @Option(name: .customLong("min-per-user"), help: "Fewest ratings per user (default 20).")
    var minimumPerUser: Int?

    @Option(
        help: "Rating scale: stars (1-5), half-stars (0.5-5) or scores (1-100); default follows the preset.")
    var scale: String?

    @Option(help: "Random seed; the same seed gives the same files.")
    var seed: UInt64 = 42

    /// The configuration the options describe.
    func makeConfiguration() throws -> SyntheticConfiguration {
        guard let chosen = SyntheticPreset(rawValue: preset) else {
            throw ValidationError(
                "unknown preset '\(preset)'; known: \(SyntheticPreset.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        var c = SyntheticConfiguration(preset: chosen)
        if let users { c.users = users }
        if let items { c.items = items }
        if let ratings { c.ratings = ratings }
        if let rank { c.rank = rank }
        if let noise { c.noise = noise }
        if let minimumPerUser { c.minimumPerUser = minimumPerUser }
        if let scale {
            guard let s = SyntheticScale(rawValue: scale) else {
                throw ValidationError("unknown scale '\(scale)'; known: stars, half-stars, scores")
            }
            c.scale = s
        }
        do {
            try c.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return c
    }

    /// The file format to write.
    func fileFormat() throws -> RatingFileFormat {
        guard let format else { return preset == SyntheticPreset.ml100k.rawValue ? .ml100k : .ml1m }
        guard format != .delimited else {
            throw ValidationError("synth writes ml-100k, ml-1m or ml-latest files, not 'delimited'")
        }
        return format
    }

    func validate() throws {
        _ = try makeConfiguration()
        _ = try fileFormat()
    }

    func run() async throws {
        try AtomicWriter.checkWritableFolder(out, kind: nil, creatingParents: true)
        let config = try makeConfiguration()
        let format = try fileFormat()
        log(
            "generating \(config.ratings) ratings for \(config.users) users and \(config.items) items"
                + " (seed \(seed))")
        let clock = ContinuousClock()
        var rng = SplitMix64(seed: seed)
        let start = clock.now
        let table = try SyntheticDataset.generate(config, using: &rng)
        let generated = clock.now
        let file = try RatingWriter.writeDataset(
            table, format: format, into: URL(fileURLWithPath: out, isDirectory: true))
        let written = clock.now
        print(Self.summary(table, file: file, config: config, seed: seed))
        print(
            "generated in \(Self.seconds(generated - start)), written in \(Self.seconds(written - generated))"
        )
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return String(format: "%.2f s", s)
    }

    /// A few lines describing what was written.
    static func summary(_ table: RatingTable, file: URL, config: SyntheticConfiguration, seed: UInt64)
        -> String
    {
        func median(_ values: [Int]) -> Int { values.sorted()[values.count / 2] }
        let perUser = table.ratingsPerUser()
        let perItem = table.ratingsPerItem()
        let density = Double(table.count) / (Double(table.userCount) * Double(table.itemCount)) * 100
        var lines = [
            "wrote \(file.path)",
            "  \(table.count) ratings, \(table.userCount) users, \(table.itemCount) items,"
                + " density \(String(format: "%.2f", density))%, scale \(table.scale)",
            "  mean \(String(format: "%.3f", table.globalMean));"
                + " ratings per user min \(perUser.min() ?? 0), median \(median(perUser)), max \(perUser.max() ?? 0);"
                + " per item min \(perItem.min() ?? 0), median \(median(perItem)), max \(perItem.max() ?? 0)",
        ]
        if config.scale != .scores {
            var counts: [Float: Int] = [:]
            for r in table.ratings { counts[r, default: 0] += 1 }
            let shares = counts.keys.sorted().map { value in
                let label = value == value.rounded() ? String(Int(value)) : String(value)
                return
                    "\(label): \(String(format: "%.1f", Double(counts[value] ?? 0) * 100 / Double(table.count)))%"
            }
            lines.append("  histogram " + shares.joined(separator: "  "))
        }
        lines.append("  model: rank \(config.rank), noise \(config.noise), seed \(seed)")
        return lines.joined(separator: "\n")
    }
}
