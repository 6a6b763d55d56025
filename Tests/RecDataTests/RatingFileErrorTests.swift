import Foundation
import Testing

@testable import RecData

/// One test per malformed input: the exact error, and the exact message with file and line.
@Suite struct RatingFileErrorTests {
    /// Reads `text` as a file with `layout` and returns the error it throws.
    private func failure(
        _ text: String, _ layout: RatingFileLayout = tabLayout, options: ReadOptions = .init()
    ) -> (path: String, error: RatingFileError?) {
        let path = TestFiles.write(text)
        do {
            _ = try RatingReader.read(path: path, layout: layout, options: options)
            return (path, nil)
        } catch {
            return (path, error)
        }
    }

    @Test("a missing file cannot be opened")
    func missingFile() {
        let path = TestFiles.folder() + "/nothing.dat"
        #expect(throws: RatingFileError.cannotOpen(path: path, reason: "No such file or directory")) {
            try RatingReader.read(path: path, layout: tabLayout)
        }
        #expect(
            RatingFileError.cannotOpen(path: path, reason: "No such file or directory").description
                == "\(path): cannot open: No such file or directory")
    }

    @Test("a folder is not a rating file")
    func folderAsFile() {
        let path = TestFiles.folder()
        #expect(throws: RatingFileError.cannotOpen(path: path, reason: "it is a folder, not a file")) {
            try RatingReader.read(path: path, layout: tabLayout)
        }
    }

    @Test("a file without data lines is empty", arguments: ["", "\n\n  \n", "\u{FEFF}"])
    func emptyFile(text: String) {
        let (path, error) = failure(text)
        #expect(error == .emptyFile(path: path))
        #expect(error?.description == "\(path): no ratings in file")
    }

    @Test("a file with only a header is empty")
    func onlyHeader() {
        let (path, error) = failure("userId,movieId,rating,timestamp\r\n", csvLayout)
        #expect(error == .emptyFile(path: path))
    }

    @Test("a '::' file read as tab-separated names MovieLens 1M in its hint")
    func colonsAsTabs() {
        let (path, error) = failure("1::1193::5::978300760\n")
        #expect(
            error
                == .wrongFieldCount(
                    InputPosition(file: path, line: 1), expected: 4, found: 1,
                    hint: "looks like MovieLens 1M: pass --format ml-1m"))
        #expect(
            error?.description
                == "\(path):1: expected 4 fields, found 1 (looks like MovieLens 1M: pass --format ml-1m)")
    }

    @Test("a short line reports expected and found field counts")
    func shortLine() {
        let (path, error) = failure("1\t2\t3\t4\n1\t2\t3\n")
        #expect(error == .wrongFieldCount(InputPosition(file: path, line: 2), expected: 4, found: 3))
        #expect(error?.description == "\(path):2: expected 4 fields, found 3")
    }

    @Test("a long line reports all its fields")
    func longLine() {
        let (path, error) = failure("1::2::3::4::5::6\n", colonLayout)
        #expect(error?.description == "\(path):1: expected 4 fields, found 6")
    }

    @Test("a tab-separated file read as CSV hints at the tab")
    func tabsAsCommas() {
        let layout = RatingFileLayout(separator: ",", columns: [.user, .item, .rating])
        let (path, error) = failure("1\t2\t3\n", layout)
        #expect(
            error?.description == "\(path):1: expected 3 fields, found 1 "
                + "(looks tab-separated like MovieLens 100K: pass --format ml-100k or --separator '\\t')")
    }

    @Test("a rating that is not a number names the field and the text")
    func ratingNotANumber() {
        let (path, error) = failure("1\t2\t3\t4\n1\t3\tfive\t4\n")
        #expect(error == .notANumber(InputPosition(file: path, line: 2), field: "rating", text: "five"))
        #expect(error?.description == "\(path):2: rating is not a number: 'five'")
    }

    @Test("a header read as data hints at --header")
    func headerAsData() {
        let (path, error) = failure("user\titem\trating\ttime\n1\t2\t3\t4\n")
        #expect(
            error?.description == "\(path):1: rating is not a number: 'rating' "
                + "(the first line looks like a header: pass --header)")
    }

    @Test("a timestamp that is not an integer is reported")
    func timestampNotANumber() {
        let (path, error) = failure("1\t2\t3\t2001-01-01\n")
        #expect(
            error == .notANumber(InputPosition(file: path, line: 1), field: "timestamp", text: "2001-01-01"))
        #expect(error?.description == "\(path):1: timestamp is not a number: '2001-01-01'")
    }

    @Test("a timestamp past Int64 is reported; one of 19 digits within it is read")
    func longTimestamp() throws {
        let (path, error) = failure("1\t2\t3\t9223372036854775808\n")
        #expect(
            error
                == .notANumber(
                    InputPosition(file: path, line: 1), field: "timestamp", text: "9223372036854775808"))
        let table = try RatingReader.read(
            path: TestFiles.write("1\t2\t3\t-9223372036854775807\n"), layout: tabLayout)
        #expect(table.timestamps == [-9_223_372_036_854_775_807])
    }

    @Test("an empty id is reported", arguments: [("\t2\t3\t4\n", "user"), ("1\t\t3\t4\n", "item")])
    func emptyID(text: String, field: String) {
        let (path, error) = failure(text)
        #expect(error == .emptyField(InputPosition(file: path, line: 1), field: field))
        #expect(error?.description == "\(path):1: \(field) id is empty")
    }

    @Test("a rating that is not finite is reported", arguments: ["nan", "inf", "-infinity", "1e39", "-NaN"])
    func notFinite(text: String) {
        let (path, error) = failure("1\t2\t3\t4\n1\t3\t\(text)\t4\n")
        #expect(error == .ratingNotFinite(InputPosition(file: path, line: 2), text: text))
        #expect(error?.description == "\(path):2: rating is not finite: '\(text)'")
    }

    @Test("a rating outside the allowed range is reported")
    func outOfRange() {
        let (path, error) = failure("1\t2\t3\t4\n\n1\t3\t6\t4\n", options: .init(ratingRange: 1...5))
        #expect(error == .ratingOutOfRange(InputPosition(file: path, line: 3), value: 6, range: 1...5))
        #expect(error?.description == "\(path):3: rating 6 is outside the allowed range 1...5")
    }

    @Test("a rating off a known scale names the line, the scale and who set it")
    func offScale() {
        let (path, error) = failure("1\t2\t3\t4\n1\t3\t100\t4\n", options: .init(scale: .movieLens100K))
        #expect(
            error
                == .ratingOffScale(
                    InputPosition(file: path, line: 2), value: 100, scale: .stars, source: "MovieLens 100K",
                    hint: "pass --scale min:max[:step] if the file uses another scale"))
        #expect(
            error?.description == "\(path):2: rating 100 is not on the MovieLens 100K scale 1-5 (step 1) "
                + "(pass --scale min:max[:step] if the file uses another scale)")
    }

    @Test(
        "a rating between the steps of a known scale is off it, and so is a huge one",
        arguments: [("3.5", "3.5"), ("1e19", "1e+19"), ("0", "0")])
    func offGrid(text: String, shown: String) {
        let fixed = KnownScale.fixed(RatingScale.stars)
        let (path, error) = failure("1\t2\t\(text)\t4\n", options: .init(scale: fixed))
        #expect(error?.description == "\(path):1: rating \(shown) is not on the --scale scale 1-5 (step 1)")
    }

    @Test("control characters quoted from the data are escaped in the message")
    func escapedText() {
        let (path, error) = failure("1\t2\t\u{1B}[31mfive\u{1B}[0m\t4\n")
        #expect(
            error
                == .notANumber(
                    InputPosition(file: path, line: 1), field: "rating", text: "\u{1B}[31mfive\u{1B}[0m"))
        #expect(error?.description == "\(path):1: rating is not a number: '\\x1b[31mfive\\x1b[0m'")
    }

    @Test("invalid UTF-8 quoted from the data is shown byte by byte")
    func invalidUTF8() {
        let path = TestFiles.write(Array("1\t2\t3\tx".utf8) + [0xFF, 0x1B] + [0x0A])
        let error = #expect(throws: RatingFileError.self) {
            try RatingReader.read(path: path, layout: tabLayout)
        }
        #expect(error?.description == "\(path):1: timestamp is not a number: 'x\\xff\\x1b'")
    }

    @Test(
        "every message that quotes text escapes it",
        arguments: [
            RatingFileError.duplicatePair(
                InputPosition(file: "f", line: 2), user: "\u{1B}]0;x\u{07}", item: "i", firstLine: 1),
            .unexpectedValue(
                InputPosition(file: "f", line: 2), field: "gender", text: "\u{1B}c", expected: "M or F"),
            .badHeader(
                InputPosition(file: "f", line: 1), reason: "cannot tell the user column from '\u{1B}c'"),
            .unrecognizedLine(InputPosition(file: "f", line: 1), reason: "'\u{9B}2J' has 1 field"),
            .ratingNotFinite(InputPosition(file: "f", line: 1), text: "\u{1B}inf"),
            .notANumber(InputPosition(file: "f", line: 1), field: "age", text: "\r\u{1B}"),
            .cannotOpen(path: "f\u{1B}", reason: "x"),
        ])
    func everyCaseEscapes(error: RatingFileError) {
        #expect(
            !error.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        )
    }

    @Test("a duplicate pair names both lines and the raw ids")
    func duplicate() {
        let (path, error) = failure("9\t8\t1\t0\n1\t2\t3\t4\n\n7\t2\t3\t4\n1\t2\t5\t4\n1\t2\t1\t4\n")
        #expect(
            error == .duplicatePair(InputPosition(file: path, line: 5), user: "1", item: "2", firstLine: 2))
        #expect(
            error?.description == "\(path):5: user '1' rated item '2' again (first at line 2) "
                + "(choose a duplicate policy: keep-last or average)")
    }

    @Test("the earliest repeat in the file is the one reported")
    func earliestDuplicate() {
        let (path, error) = failure("5\t1\t1\n2\t1\t1\n2\t1\t2\n5\t1\t3\n", tab3Layout)
        #expect(
            error == .duplicatePair(InputPosition(file: path, line: 3), user: "2", item: "1", firstLine: 2))
    }

    @Test("a header with the wrong number of fields is reported")
    func headerFieldCount() {
        let (path, error) = failure("userId,movieId,rating\n1,2,3,4\n", csvLayout)
        #expect(
            error
                == .badHeader(
                    InputPosition(file: path, line: 1),
                    reason: "it has 3 fields, the layout has 4 columns"))
        #expect(error?.description == "\(path):1: bad header: it has 3 fields, the layout has 4 columns")
    }

    @Test("data where a header should be is reported")
    func dataAsHeader() {
        let (path, error) = failure("1,2,3.5,4\n1,3,4,4\n", csvLayout)
        #expect(
            error?.description == "\(path):1: bad header: rating field '3.5' is a number, "
                + "so the first line looks like data (the file has no header)")
    }

    @Test(
        "a layout without a user, item or rating column is rejected",
        arguments: [
            (
                RatingFileLayout(separator: "\t", columns: [.user, .item, .timestamp]),
                "bad layout: no 'rating' column in user,item,timestamp"
            ),
            (
                RatingFileLayout(separator: "\t", columns: [.user, .user, .item, .rating]),
                "bad layout: 'user' column given 2 times"
            ),
            (
                RatingFileLayout(separator: "", columns: [.user, .item, .rating]),
                "bad layout: empty separator"
            ),
        ])
    func badLayout(layout: RatingFileLayout, message: String) {
        let (_, error) = failure("1\t2\t3\n", layout)
        #expect(error?.description == message)
    }

    @Test("an unclosed quote in movies.csv is reported")
    func unterminatedQuote() throws {
        let dir = TestFiles.folder(with: [
            ("ratings.csv", "userId,movieId,rating,timestamp\n1,2,3,4\n"),
            ("movies.csv", "movieId,title,genres\n2,\"Open (1990),Drama\n"),
        ])
        let data = try Dataset.detect(at: dir)
        #expect(throws: RatingFileError.unterminatedQuote(InputPosition(file: dir + "/movies.csv", line: 2)))
        {
            try data.load()
        }
        #expect(
            RatingFileError.unterminatedQuote(InputPosition(file: "m.csv", line: 2)).description
                == "m.csv:2: quoted field is not closed")
    }

    @Test("a side-information line with the wrong field count is reported")
    func sideInformationFieldCount() throws {
        let dir = TestFiles.folder(with: [("u.data", "1\t2\t3\t4\n"), ("u.user", "1|24|M|writer\n")])
        let data = try Dataset.detect(at: dir)
        #expect(
            throws: RatingFileError.wrongFieldCount(
                InputPosition(file: dir + "/u.user", line: 1),
                expected: 5, found: 4)
        ) {
            try data.load()
        }
    }

    @Test("a side-information number that is not a number is reported")
    func sideInformationNumber() throws {
        let dir = TestFiles.folder(with: [
            ("ratings.dat", "1::2::3::4\n"), ("users.dat", "1::F::old::10::48067\n"),
        ])
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: dir).load() }
        #expect(error?.description == "\(dir)/users.dat:1: age is not a number: 'old'")
    }
}

@Suite struct SideInformationErrorTests {
    @Test("a u.item genre flag other than 0 or 1 is reported")
    func genreFlag() throws {
        let flags = (0..<19).map { $0 == 1 ? "2" : "0" }.joined(separator: "|")
        let dir = TestFiles.folder(with: [
            ("u.data", "1\t2\t3\t4\n"), ("u.item", "2|T (1990)|||url|\(flags)\n"),
        ])
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: dir).load() }
        #expect(error?.description == "\(dir)/u.item:1: genre flag 'Action' is '2', expected 0 or 1")
    }

    @Test("u.genre indices out of order are reported")
    func genreIndex() throws {
        let dir = TestFiles.folder(with: [
            ("u.data", "1\t2\t3\t4\n"), ("u.item", "2|T|||url|1\n"), ("u.genre", "unknown|0\nAction|2\n"),
        ])
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: dir).load() }
        #expect(error?.description == "\(dir)/u.genre:2: genre index is '2', expected 1")
    }

    @Test("a movies.csv without its header is reported")
    func moviesHeader() throws {
        let dir = TestFiles.folder(with: [
            ("ratings.csv", "userId,movieId,rating,timestamp\n1,2,3,4\n"), ("movies.csv", "2,Title,Drama\n"),
        ])
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: dir).load() }
        #expect(
            error?.description
                == "\(dir)/movies.csv:1: bad header: expected movieId,title,genres, found 2,Title,Drama")
    }
}
