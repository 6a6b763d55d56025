import Foundation
import RecMath
import Testing

@testable import RecData

@Suite struct RatingWriterTests {
    /// Three ratings over raw ids that are not their indices.
    static func sample(timestamps: [Int64] = [881000001, 891000002, 878000003]) -> RatingTable {
        RatingTable(
            users: [0, 1, 0], items: [0, 1, 2], ratings: [4, 3.5, 0.5], timestamps: timestamps,
            userIDs: IDMap(rawIDs: ["196", "22"]) ?? IDMap(),
            itemIDs: IDMap(rawIDs: ["242", "377", "51"]) ?? IDMap())
    }

    static func text(_ writer: RatingWriter, _ table: RatingTable) -> String {
        String(decoding: writer.encoded(table), as: UTF8.self)
    }

    @Test(
        "each MovieLens format is written with its separator, header and raw ids",
        arguments: [
            (
                RatingFileFormat.ml100k,
                "196\t242\t4\t881000001\n22\t377\t3.5\t891000002\n196\t51\t0.5\t878000003\n"
            ),
            (.ml1m, "196::242::4::881000001\n22::377::3.5::891000002\n196::51::0.5::878000003\n"),
            (
                .mlLatest,
                "userId,movieId,rating,timestamp\n196,242,4,881000001\n22,377,3.5,891000002\n"
                    + "196,51,0.5,878000003\n"
            ),
        ])
    func presets(format: RatingFileFormat, expected: String) throws {
        #expect(Self.text(try RatingWriter(format: format), Self.sample()) == expected)
    }

    @Test("a table without timestamps gets 0 where the layout wants one")
    func missingTimestamps() throws {
        let text = Self.text(try RatingWriter(format: .ml1m), Self.sample(timestamps: []))
        #expect(text == "196::242::4::0\n22::377::3.5::0\n196::51::0.5::0\n")
    }

    @Test("any delimited layout: column order, ignored fields, header")
    func delimited() throws {
        let layout = RatingFileLayout(
            separator: ";", hasHeader: true, columns: [.item, .ignore, .user, .rating])
        let text = Self.text(try RatingWriter(format: .delimited, layout: layout), Self.sample())
        #expect(text == "movieId;-;userId;rating\n242;;196;4\n377;;22;3.5\n51;;196;0.5\n")
    }

    @Test(
        "ratings are printed minimally",
        arguments: [
            (Float(4), "4"), (3.5, "3.5"), (0.5, "0.5"), (100, "100"), (-2, "-2"), (-1.5, "-1.5"),
            (0, "0"), (0.25, "0.25"), (0.1, "0.1"),
        ])
    func ratingText(value: Float, expected: String) {
        var bytes = [UInt8](repeating: 0, count: 64)
        let end = bytes.withUnsafeMutableBufferPointer { buffer in
            RatingWriter.appendRating(value, to: buffer.baseAddress.unsafelyUnwrapped, at: 0)
        }
        #expect(String(decoding: bytes[..<end], as: UTF8.self) == expected)
    }

    @Test(
        "integers are printed in decimal",
        arguments: [
            (Int64(0), "0"), (7, "7"), (10, "10"), (1_234_567_890, "1234567890"), (-45, "-45"),
            (Int64.max, "9223372036854775807"), (Int64.min, "-9223372036854775808"),
        ])
    func integerText(value: Int64, expected: String) {
        var bytes = [UInt8](repeating: 0, count: 64)
        let end = bytes.withUnsafeMutableBufferPointer { buffer in
            RatingWriter.appendInteger(value, to: buffer.baseAddress.unsafelyUnwrapped, at: 0)
        }
        #expect(String(decoding: bytes[..<end], as: UTF8.self) == expected)
    }

    @Test("flushing in small chunks gives the same bytes as one buffer", arguments: [1, 64, 1000])
    func chunked(chunkSize: Int) throws {
        var users: [Int32] = [], items: [Int32] = [], ratings: [Float] = []
        for k in 0..<500 {
            users.append(Int32(k % 37)); items.append(Int32(k % 53)); ratings.append(Float(k % 9 + 1) / 2)
        }
        let table = RatingTable(
            users: users, items: items, ratings: ratings,
            userIDs: IDMap(rawIDs: (0..<37).map { "user\($0)" }) ?? IDMap(),
            itemIDs: IDMap(rawIDs: (0..<53).map { String($0 * 1000) }) ?? IDMap())
        var writer = try RatingWriter(format: .mlLatest)
        let whole = writer.encoded(table)
        writer.chunkSize = chunkSize
        var pieces = 0
        var joined: [UInt8] = []
        writer.encode(table) { (chunk: UnsafeRawBufferPointer) in
            pieces += 1
            joined.append(contentsOf: chunk)
        }
        #expect(joined == whole)
        #expect(pieces > 1)
        #expect(whole.count(where: { $0 == 0x0A }) == 501)
    }

    @Test("write replaces the file atomically and leaves no temporary file")
    func writeFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("u.data")
        try "old contents".write(to: url, atomically: false, encoding: .utf8)
        let writer = try RatingWriter(format: .ml100k)
        try writer.write(Self.sample(), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == Self.text(writer, Self.sample()))
        #expect(try folder.contents() == ["u.data"])
    }

    @Test("a write into a missing folder fails clearly and leaves nothing")
    func writeIntoMissingFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("missing/ratings.dat")
        #expect {
            try RatingWriter(format: .ml1m).write(Self.sample(), to: url)
        } throws: { error in
            guard case let .cannotWrite(inner) = error as? RatingWriteError else { return false }
            return inner.path == url.path && "\(error)".hasPrefix("\(url.path): cannot write: ")
        }
        #expect(try folder.contents().isEmpty)
    }

    @Test(
        "layouts that cannot hold ratings are refused",
        arguments: [
            RatingFileLayout(separator: ",", columns: [.user, .item]),
            RatingFileLayout(separator: ",", columns: [.user, .user, .item, .rating]),
            RatingFileLayout(separator: "", columns: [.user, .item, .rating]),
        ])
    func invalidLayout(layout: RatingFileLayout) {
        #expect(throws: RatingWriteError.self) { try RatingWriter(layout: layout) }
    }

    @Test("delimited without a layout is refused with a clear message")
    func delimitedNeedsLayout() {
        #expect(
            throws: RatingWriteError.invalidLayout(
                "format 'delimited' needs a layout (separator and columns)")
        ) {
            try RatingWriter(format: .delimited)
        }
    }

    @Test(
        "a data set folder gets the conventional file name",
        arguments: [
            (RatingFileFormat.ml100k, "u.data"), (.ml1m, "ratings.dat"), (.mlLatest, "ratings.csv"),
        ])
    func datasetFolder(format: RatingFileFormat, name: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.url.appendingPathComponent("set/inner")
        let url = try RatingWriter.writeDataset(Self.sample(), format: format, into: target)
        #expect(url.lastPathComponent == name)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == [name])
    }
}

@Suite struct RatingWriterRoundTripTests {
    @Test(
        "a written data set folder is detected and read back to the same ratings",
        arguments: [
            (RatingFileFormat.ml100k, SyntheticScale.stars), (.ml1m, .stars), (.mlLatest, .halfStars),
        ])
    func roundTrip(format: RatingFileFormat, scale: SyntheticScale) throws {
        var config = SyntheticConfiguration()
        (config.users, config.items, config.ratings, config.scale) = (40, 30, 900, scale)
        var rng = SplitMix64(seed: 5)
        let table = try SyntheticDataset.generate(config, using: &rng)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try RatingWriter.writeDataset(table, format: format, into: folder.url)
        let read = try Dataset.detect(at: folder.url.path).load(sideInformation: false).ratings
        #expect(read.count == table.count)
        for k in 0..<table.count {
            #expect(read.userIDs.rawID(read.users[k]) == table.userIDs.rawID(table.users[k]))
            #expect(read.itemIDs.rawID(read.items[k]) == table.itemIDs.rawID(table.items[k]))
            #expect(read.ratings[k] == table.ratings[k])
            #expect(read.timestamps[k] == table.timestamps[k])
        }
    }
}
