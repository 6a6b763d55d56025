import RecMath
import Testing

@testable import RecData

let tabLayout = RatingFileLayout(separator: "\t", columns: [.user, .item, .rating, .timestamp])
let colonLayout = RatingFileLayout(separator: "::", columns: [.user, .item, .rating, .timestamp])
let csvLayout = RatingFileLayout(
    separator: ",", hasHeader: true, columns: [.user, .item, .rating, .timestamp])
let tab3Layout = RatingFileLayout(separator: "\t", columns: [.user, .item, .rating])

@Suite struct RatingReaderTests {
    @Test(
        "each MovieLens layout reads into the same columns",
        arguments: [
            ("ml-100k/u.data", tabLayout, 5),
            ("ml-1m/ratings.dat", colonLayout, 3),
            ("ml-10m/ratings.dat", colonLayout, 3),
            ("ml-latest/ratings.csv", csvLayout, 3),
            ("tsv/ratings.tsv", tab3Layout, 3),
        ])
    func movieLensLayouts(file: String, layout: RatingFileLayout, count: Int) throws {
        let table = try RatingReader.read(path: TestFiles.fixture(file), layout: layout)
        #expect(table.count == count)
        #expect(table.hasTimestamps == layout.columns.contains(.timestamp))
    }

    @Test("ids become dense indices in order of first appearance and map back")
    func denseIndices() throws {
        let path = TestFiles.write("7\t10\t5\t1\n3\t10\t3\t2\n7\t20\t4\t3\n5\t30\t1\t4\n")
        let t = try RatingReader.read(path: path, layout: tabLayout)
        #expect(t.users == [0, 1, 0, 2])
        #expect(t.items == [0, 0, 1, 2])
        #expect(t.ratings == [5, 3, 4, 1])
        #expect(t.timestamps == [1, 2, 3, 4])
        #expect(t.userIDs.rawIDs == ["7", "3", "5"])
        #expect(t.itemIDs.rawIDs == ["10", "20", "30"])
        #expect(t.userIDs.index(of: "5") == 2)
        #expect(t.itemIDs.rawID(1) == "20")
    }

    @Test("text ids, zero-padded ids and large numeric ids stay distinct raw ids")
    func idKinds() throws {
        let path = TestFiles.write("u1,01,1\nu1,1,2\n99999999999,0,3\n4194304,1,4\nu1,00,5\n")
        let layout = RatingFileLayout(separator: ",", columns: [.user, .item, .rating])
        let t = try RatingReader.read(path: path, layout: layout)
        #expect(t.userIDs.rawIDs == ["u1", "99999999999", "4194304"])
        #expect(t.itemIDs.rawIDs == ["01", "1", "0", "00"])
        #expect(t.items == [0, 1, 2, 1, 3])
    }

    @Test("continuing maps keeps known indices and appends new ids")
    func continuedMaps() throws {
        let train = try RatingReader.read(
            path: TestFiles.write("1\t5\t3\t0\n2\t6\t4\t0\n"), layout: tabLayout)
        let test = try RatingReader.read(
            path: TestFiles.write("2\t5\t1\t0\n3\t6\t2\t0\n1\t7\t5\t0\n"), layout: tabLayout,
            userIDs: train.userIDs, itemIDs: train.itemIDs)
        #expect(test.users == [1, 2, 0])
        #expect(test.items == [0, 1, 2])
        #expect(test.userIDs.rawIDs == ["1", "2", "3"])
        #expect(test.itemIDs.rawIDs == ["5", "6", "7"])
    }

    @Test("a continued map with text, padded and large numeric ids keeps every index")
    func continuedMixedMaps() throws {
        let known = try #require(IDMap(rawIDs: ["a", "01", "1", "5000000", "7"]))
        let t = try RatingReader.read(
            path: TestFiles.write("1,x,1\n5000000,x,2\n01,x,3\na,x,4\nb,x,5\n7,x,1\n8,x,2\n"),
            layout: RatingFileLayout(separator: ",", columns: [.user, .item, .rating]),
            userIDs: known)
        #expect(t.users == [2, 3, 1, 0, 5, 4, 6])
        #expect(t.userIDs.rawIDs == ["a", "01", "1", "5000000", "7", "b", "8"])
    }

    @Test("a file with no new ids returns the continued maps unchanged")
    func noNewIDs() throws {
        let train = try RatingReader.read(path: TestFiles.write("1\t5\t3\n2\t6\t4\n"), layout: tab3Layout)
        let test = try RatingReader.read(
            path: TestFiles.write("2\t5\t1\n"), layout: tab3Layout, userIDs: train.userIDs,
            itemIDs: train.itemIDs)
        #expect(test.userIDs == train.userIDs && test.itemIDs == train.itemIDs)
    }

    @Test("CRLF line ends, a byte-order mark, blank lines and a missing final newline are accepted")
    func lineEnds() throws {
        let bytes: [UInt8] =
            [0xEF, 0xBB, 0xBF] + Array("1::2::3::4\r\n\r\n5::6::2.5::7\r\n  \n8::9::1::0".utf8)
        let t = try RatingReader.read(path: TestFiles.write(bytes), layout: colonLayout)
        #expect(t.userIDs.rawIDs == ["1", "5", "8"])
        #expect(t.ratings == [3, 2.5, 1])
        #expect(t.timestamps == [4, 7, 0])
    }

    @Test("chunk boundaries anywhere in the file give the same table", arguments: [4, 5, 7, 16, 1 << 16])
    func chunkBoundaries(chunkSize: Int) throws {
        let text =
            "\u{FEFF}17::2::3::4\r\n5::6000000000::2.5::7\n"
            + String(repeating: "x", count: 40) + "::9::1::0\n\n1::2::4::5"
        let path = TestFiles.write(text)
        let t = try RatingReader.read(
            path: path, layout: colonLayout, options: .init(),
            userIDs: IDMap(), itemIDs: IDMap(), chunkSize: chunkSize)
        #expect(t.userIDs.rawIDs == ["17", "5", String(repeating: "x", count: 40), "1"])
        #expect(t.itemIDs.rawIDs == ["2", "6000000000", "9"])
        #expect(t.ratings == [3, 2.5, 1, 4])
    }

    @Test(
        "the scale is read from the ratings",
        arguments: [
            ("1\t1\t1\n1\t2\t5\n1\t3\t3\n", RatingScale(minimum: 1, maximum: 5, step: 1)),
            ("1\t1\t0.5\n1\t2\t5.0\n1\t3\t3.5\n", RatingScale(minimum: 0.5, maximum: 5, step: 0.5)),
            ("1\t1\t1\n1\t2\t100\n1\t3\t37\n", RatingScale(minimum: 1, maximum: 100, step: 1)),
            ("1\t1\t-0.2\n1\t2\t0.9\n", RatingScale(minimum: -0.2, maximum: 0.9, step: 0.1)),
        ])
    func scales(text: String, scale: RatingScale) throws {
        let t = try RatingReader.read(path: TestFiles.write(text), layout: tab3Layout)
        #expect(t.scale == scale)
    }

    @Test(
        "ratings in other notations are parsed like Float(String)",
        arguments: [
            "4", "4.0", "+3.5", "0.25", "1e1", "2.E0", ".5", "10.125",
        ])
    func notations(text: String) throws {
        let t = try RatingReader.read(path: TestFiles.write("1\t1\t\(text)\n"), layout: tab3Layout)
        #expect(t.ratings == [try #require(Float(text))])
    }

    @Test("an ignored column is skipped and columns may come in any order")
    func columnOrder() throws {
        let layout = RatingFileLayout(separator: ";", columns: [.rating, .ignore, .item, .user])
        let t = try RatingReader.read(path: TestFiles.write("4;x;10;1\n2;y;11;1\n"), layout: layout)
        #expect(t.ratings == [4, 2])
        #expect(t.itemIDs.rawIDs == ["10", "11"])
        #expect(t.userIDs.rawIDs == ["1"])
        #expect(!t.hasTimestamps)
    }

    @Test("the fast decimal parser agrees with Float(String) on a grid of values")
    func decimalParser() {
        var texts = ["0", "5", "0.1", "0.3", "2.675", "123456789012345678", "-0.5", "4.99999"]
        for k in 0...200 { texts.append(String(Double(k) * 0.05)) }
        for text in texts {
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { b -> Float? in
                guard let base = b.baseAddress else { return nil }
                return ByteParsing.decimal(base, 0, b.count)
            }
            #expect(fast == Float(text), "\(text)")
        }
    }
}

@Suite struct RatingReaderBytesTests {
    @Test("reading bytes in memory gives the table reading the file gives")
    func bytesMatchFile() throws {
        let text = "\u{FEFF}7\t10\t5\t1\r\n\n3\t10\t3\t2\n7\t20\t4\t3"
        let fromFile = try RatingReader.read(path: TestFiles.write(text), layout: tabLayout)
        let fromBytes = try Array(text.utf8).withUnsafeBytes { b throws(RatingFileError) in
            try RatingReader.read(bytes: b, path: "mem", layout: tabLayout)
        }
        #expect(fromBytes == fromFile)
    }

    @Test("an error from bytes names the given path and the line")
    func bytesError() {
        let error = #expect(throws: RatingFileError.self) {
            try Array("1\t2\t3\t4\n1\t2\n".utf8).withUnsafeBytes { b throws(RatingFileError) in
                try RatingReader.read(bytes: b, path: "mem", layout: tabLayout)
            }
        }
        #expect(error == .wrongFieldCount(InputPosition(file: "mem", line: 2), expected: 4, found: 2))
    }

    /// Bytes drawn mostly from the characters rating lines are made of, so lines get far.
    static func noise(_ rng: inout SplitMix64, count: Int) -> [UInt8] {
        let alphabet =
            Array("0123456789\t\n:,;.-+eEinfaINF \r\"".utf8) + [0x00, 0x1B, 0xEF, 0xBB, 0xBF, 0xFF]
        return (0..<count).map { _ in alphabet[rng.nextInt(below: alphabet.count)] }
    }

    @Test("random bytes give a table or an error, never a trap", arguments: [1, 2, 3])
    func noTrap(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let layouts = [tabLayout, colonLayout, csvLayout, tab3Layout]
        for round in 0..<300 {
            let bytes = Self.noise(&rng, count: rng.nextInt(below: 200))
            let layout = layouts[round % layouts.count]
            let options = ReadOptions(
                duplicates: [.error, .keepLast, .average][round % 3],
                scale: round % 2 == 0 ? .movieLensDat : nil)
            bytes.withUnsafeBytes { b in
                _ = try? RatingReader.read(bytes: b, path: "noise", layout: layout, options: options)
                _ = try? Dataset.sniff(bytes: b, path: "noise")
            }
        }
    }
}
