import Foundation
import RecData
import RecMath

/// Times ``RatingReader`` on a generated MovieLens-1M-layout file (`user::item::rating::timestamp`).
///
/// Writes `ratings` ratings (about `ratings / 140` users over 10,007 items, half-star ratings,
/// ten-digit timestamps, every (user, item) pair once) to a temporary folder, reads it once to
/// warm up, then times three reads and prints the best as seconds and ratings per second.
///
/// - Parameters:
///   - ratings: Number of ratings in the generated file.
///   - seed: Seed of the generator.
func runParseBenchmark(ratings: Int, seed: UInt64) throws {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("autorec-parse-bench-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("ratings.dat").path
    let bytes = generateRatingsDat(ratings: ratings, seed: seed)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    print("parse: \(ratings) ratings, \(bytes.count / 1_000_000) MB, ml-1m layout (::)")

    let layout = RatingFileLayout(separator: "::", columns: [.user, .item, .rating, .timestamp])
    var best = Double.infinity
    var bestCPU = Double.infinity
    var checksum = 0
    var shape = ""
    for run in 0..<4 {
        let cpuStart = processCPUSeconds()
        let start = ContinuousClock.now
        let table = try RatingReader.read(path: path, layout: layout)
        let elapsed = start.duration(to: .now)
        let cpu = processCPUSeconds() - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        checksum &+= table.count &+ table.userCount &+ table.itemCount
        shape = "\(table.count) ratings, \(table.userCount) users, \(table.itemCount) items"
        if run > 0 {  // run 0 warms up
            best = min(best, seconds)
            bestCPU = min(bestCPU, cpu)
        }
    }
    print(
        String(
            format: "parse: %@; best of 3 %.3f s wall, %.1f M ratings/s; best CPU time %.3f s (checksum %d)",
            shape, best, Double(ratings) / best / 1e6, bestCPU, checksum))
}

/// User plus system CPU time of this process so far, in seconds; unlike wall time it does not
/// grow when other processes compete for the cores.
private func processCPUSeconds() -> Double {
    var t = timespec()
    guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 else { return 0 }
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The bytes of a `ratings.dat`-style file with `ratings` unique (user, item) pairs.
private func generateRatingsDat(ratings: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let itemCount = 10_007  // prime, so any step 1..<itemCount visits distinct items
    var out = [UInt8]()
    out.reserveCapacity(ratings * 30)
    var written = 0
    var user = 1
    while written < ratings {
        let count = min(ratings - written, 20 + rng.nextInt(below: 240))
        let offset = rng.nextInt(below: itemCount)
        let step = 1 + rng.nextInt(below: itemCount - 1)
        for j in 0..<count {
            let item = 1 + (offset + j * step) % itemCount
            let rating = Double(1 + rng.nextInt(below: 10)) / 2
            let timestamp = 900_000_000 + rng.nextInt(below: 400_000_000)
            let text = rating == rating.rounded() ? String(Int(rating)) : String(rating)
            out.append(contentsOf: "\(user)::\(item)::\(text)::\(timestamp)\n".utf8)
        }
        written += count
        user += 1
    }
    return out
}
