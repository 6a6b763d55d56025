import Foundation
import RecData
import Testing

@Suite struct DatasetTests {
    @Test(
        "each MovieLens folder kind is detected and described",
        arguments: [
            (
                "ml-100k", Dataset.Kind.movieLens100K,
                "MovieLens 100K (u.data, user\\titem\\trating\\ttimestamp)"
            ),
            ("ml-1m", .movieLens1M, "MovieLens 1M (ratings.dat, user::item::rating::timestamp)"),
            ("ml-10m", .movieLens10M, "MovieLens 10M (ratings.dat, user::item::rating::timestamp)"),
            (
                "ml-latest", .movieLensCSV,
                "MovieLens 20M/25M/latest (ratings.csv, header, user,item,rating,timestamp)"
            ),
            (
                "tsv", .ratingsTSV,
                "tab-separated ratings (ratings.tsv, user\\titem\\trating) with MovieLens 1M side information"
            ),
        ])
    func folders(folder: String, kind: Dataset.Kind, description: String) throws {
        let data = try Dataset.detect(at: TestFiles.fixture(folder))
        #expect(data.kind == kind)
        #expect(data.description == description)
    }

    @Test(
        "a single file is sniffed",
        arguments: [
            (
                "1::2::3::4\n5::6::4::7\n",
                RatingFileLayout(separator: "::", columns: [.user, .item, .rating, .timestamp]),
                "rating file (ratings.txt, MovieLens 1M/10M layout, user::item::rating::timestamp)"
            ),
            (
                "1\t2\t3\n", RatingFileLayout(separator: "\t", columns: [.user, .item, .rating]),
                "rating file (ratings.txt, user\\titem\\trating)"
            ),
            (
                "userId,movieId,rating,timestamp\r\n1,2,3.5,4\r\n",
                RatingFileLayout(
                    separator: ",", hasHeader: true, columns: [.user, .item, .rating, .timestamp]),
                "rating file (ratings.txt, MovieLens latest layout, header, user,item,rating,timestamp)"
            ),
            (
                "item;user;score\na;b;4\n",
                RatingFileLayout(separator: ";", hasHeader: true, columns: [.item, .user, .rating]),
                "rating file (ratings.txt, header, item;user;rating)"
            ),
            (
                "u1,i1,5\nu2,i1,3\n", RatingFileLayout(separator: ",", columns: [.user, .item, .rating]),
                "rating file (ratings.txt, user,item,rating)"
            ),
        ])
    func sniffedFiles(text: String, layout: RatingFileLayout, description: String) throws {
        let data = try Dataset.detect(at: TestFiles.write(text))
        #expect(data.kind == .ratingFile)
        #expect(data.layout == layout)
        #expect(data.description == description)
        let dataLines = text.split(whereSeparator: \.isNewline).count - (layout.hasHeader ? 1 : 0)
        #expect(try data.load().ratings.count == dataLines)
    }

    @Test("a given format or layout overrides detection")
    func overrides() throws {
        let path = TestFiles.write("1,2,3,4\n")
        let byFormat = try Dataset.detect(at: path, format: .mlLatest)
        #expect(byFormat.layout.hasHeader)
        let layout = RatingFileLayout(separator: ",", columns: [.item, .user, .rating, .ignore])
        let byLayout = try Dataset.detect(at: path, format: .ml1m, layout: layout)
        #expect(byLayout.layout == layout)
        let folder = try Dataset.detect(at: TestFiles.fixture("tsv"), format: .ml100k)
        #expect(folder.layout == tabLayout)
    }

    @Test("a folder with no rating file is an unknown format")
    func unknownFolder() {
        let dir = TestFiles.folder(with: [("notes.txt", "hello\n")])
        #expect(
            throws: RatingFileError.unknownFormat(
                path: dir,
                hint: "looked for a folder with u.data (MovieLens 100K), "
                    + "ratings.dat (MovieLens 1M/10M), ratings.csv (MovieLens 20M/25M/latest) or ratings.tsv, or a rating file"
            )
        ) {
            try Dataset.detect(at: dir)
        }
    }

    @Test("a folder holding data set folders names them")
    func parentFolder() throws {
        let dir = TestFiles.folder()
        for (name, file) in [("b-set", "ratings.dat"), ("a-set", "u.data"), ("empty", "notes.txt")] {
            try FileManager.default.createDirectory(
                atPath: dir + "/" + name, withIntermediateDirectories: true)
            FileManager.default.createFile(
                atPath: dir + "/" + name + "/" + file, contents: Data("1\t2\t3\n".utf8))
        }
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: dir) }
        #expect(
            error?.description == "\(dir): unknown rating data format "
                + "(no rating file here, but found rating data in a-set, b-set: pass one of those)")
    }

    @Test("a file that is not ratings names its first line")
    func unknownFile() throws {
        let path = TestFiles.write("1::Some Title (1990)::Drama\n2::Other (1991)::Comedy\n")
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: path) }
        #expect(
            error
                == .unrecognizedLine(
                    InputPosition(file: path, line: 1),
                    reason: "the third field, 'Drama', is not a number: pass --separator and --columns"))
        #expect(
            error?.description
                == "\(path):1: unknown rating data format: the third field, 'Drama', is not a number: "
                + "pass --separator and --columns")
    }

    @Test("a line no separator splits is named")
    func noSeparator() throws {
        let path = TestFiles.write("hello world\n1\t2\t3\n")
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: path) }
        #expect(
            error?.description
                == "\(path):1: unknown rating data format: no separator among '::', tab, ',' and ';' "
                + "splits 'hello world' into 3 or more fields: pass --separator and --columns")
    }

    /// `count` good `u.data` lines, numbered from user 1.
    static func goodLines(_ count: Int) -> String {
        (1...count).map { "\($0)\t\($0 % 7 + 1)\t\($0 % 5 + 1)\t88000\($0)\n" }.joined()
    }

    @Test(
        "a bad line among the first 50 of a sniffed file is named with what broke",
        arguments: [
            ("1\t2\n", "'1\\t2' has 2 fields (lines 1-29 have 4 fields separated by '\\t')"),
            (
                "1\t2\tfour\t5\n",
                "the third field, 'four', is not a number (lines 1-29 have 4 fields separated by '\\t')"
            ),
        ])
    func sniffNamesLine(bad: String, what: String) throws {
        let path = TestFiles.write(Self.goodLines(29) + bad + Self.goodLines(5))
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: path) }
        #expect(
            error?.description == "\(path):30: unknown rating data format: \(what): "
                + "fix the line, or pass --separator and --columns")
    }

    @Test("a bad first data line is not called a header")
    func badFirstLine() throws {
        let path = TestFiles.write("1\t1\tx\t0\n" + Self.goodLines(3))
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: path) }
        #expect(
            error?.description
                == "\(path):1: unknown rating data format: the third field, 'x', is not a number "
                + "(lines 2-4 have 4 fields separated by '\\t'): fix the line, or pass --separator and --columns"
        )
        let named = TestFiles.write("1\t1\tx\t0\n" + Self.goodLines(3), name: "u.data")
        let fromReader = #expect(throws: RatingFileError.self) { try Dataset.detect(at: named).load() }
        #expect(fromReader == .notANumber(InputPosition(file: named, line: 1), field: "rating", text: "x"))
    }

    @Test(
        "a single file with a MovieLens name is read in that format, so a bad line is named by the reader",
        arguments: [
            ("u.data", "MovieLens 100K", "\t"), ("u3.test", "MovieLens 100K", "\t"),
            ("ub.base", "MovieLens 100K", "\t"),
            ("ratings.dat", "MovieLens 1M/10M", "::"),
        ])
    func knownByName(name: String, release: String, separator: String) throws {
        let good = Self.goodLines(29).replacingOccurrences(of: "\t", with: separator)
        let path = TestFiles.write(good + "1\(separator)2\n", name: name)
        let data = try Dataset.detect(at: path)
        #expect(data.description.hasPrefix("rating file (\(name), \(release), "))
        let error = #expect(throws: RatingFileError.self) { try data.load() }
        #expect(error == .wrongFieldCount(InputPosition(file: path, line: 30), expected: 4, found: 2))
    }

    @Test("format delimited sniffs even a file with a MovieLens name")
    func delimitedByChoice() throws {
        let path = TestFiles.write("1\t2\t30\n", name: "u.data")
        #expect(try Dataset.detect(at: path).knownScale == .movieLens100K)
        let sniffed = try Dataset.detect(at: path, format: .delimited)
        #expect(sniffed.layout == tab3Layout && sniffed.knownScale == nil)
        #expect(try sniffed.load().ratings.scale.maximum == 30)
    }

    @Test("a ratings.csv is MovieLens only with the MovieLens header")
    func csvByHeader() throws {
        let movieLens = try Dataset.detect(
            at: TestFiles.write("userId,movieId,rating,timestamp\n1,2,3.5,4\n", name: "ratings.csv"))
        #expect(movieLens.knownScale == .movieLensCSV && movieLens.layout == csvLayout)
        let other = try Dataset.detect(at: TestFiles.write("user,item,score\na,b,7\n", name: "ratings.csv"))
        #expect(other.knownScale == nil)
        #expect(
            other.layout
                == RatingFileLayout(separator: ",", hasHeader: true, columns: [.user, .item, .rating]))
        #expect(try other.load().ratings.scale.maximum == 7)
    }

    @Test("a header-only file reads as an empty file")
    func headerOnly() throws {
        let path = TestFiles.write("userId\tmovieId\trating\n")
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: path).load() }
        #expect(error == .emptyFile(path: path))
    }

    @Test("sniffing bytes in memory finds the layout sniffing the file finds")
    func sniffBytes() throws {
        let text = "\u{FEFF}item;user;score\r\na;b;4\n"
        let fromBytes = try Array(text.utf8).withUnsafeBytes { b throws(RatingFileError) in
            try Dataset.sniff(bytes: b, path: "mem")
        }
        #expect(try fromBytes == Dataset.sniff(TestFiles.write(text)))
    }

    @Test("a file with five fields asks for --columns")
    func fiveFields() throws {
        let path = TestFiles.write("1\t2\t3\t4\t5\n")
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: path) }
        #expect(
            error?.description
                == "\(path): unknown rating data format (found 5 fields per line separated by '\\t': "
                + "pass --columns, e.g. --columns user,item,rating,timestamp,ignore)")
    }

    @Test("a missing path cannot be opened")
    func missingPath() {
        let path = TestFiles.folder() + "/none"
        #expect(throws: RatingFileError.cannotOpen(path: path, reason: "no such file or folder")) {
            try Dataset.detect(at: path)
        }
    }

    @Test("loading a folder aligns side information with the rating indices")
    func loadAligned() throws {
        let loaded = try Dataset.detect(at: TestFiles.fixture("ml-1m")).load()
        #expect(loaded.ratings.userIDs.rawIDs == ["2", "1"])
        #expect(loaded.ratings.itemIDs.rawIDs == ["100", "200"])
        let users = try #require(loaded.users)
        #expect(
            users.entries == [
                UserCatalog.User(age: 56, gender: "M", occupation: "self-employed", zip: "70072"),
                UserCatalog.User(age: 1, gender: "F", occupation: "K-12 student", zip: "48067"),
            ])
        let items = try #require(loaded.items)
        #expect(items.count == 2)  // movie 300 has no rating and is left out
        #expect(items[0].title == "Harbor Lights (1995)")
        #expect(items[1].title == "Pokémon Parade (1999)")
        #expect(items.genreNames == ["Animation", "Children's", "Comedy"])
        #expect(items[1].genres == [1])
    }

    @Test("side information can be skipped")
    func skipSideInformation() throws {
        let loaded = try Dataset.detect(at: TestFiles.fixture("ml-100k")).load(sideInformation: false)
        #expect(loaded.users == nil && loaded.items == nil)
        #expect(loaded.ratings.count == 5)
    }

    @Test("MovieLens 100K given splits share one index space")
    func givenSplit() throws {
        let data = try Dataset.detect(at: TestFiles.fixture("ml-100k"))
        #expect(data.givenSplitNames == ["u1"])
        let (train, test) = try data.loadGivenSplit(named: "u1")
        #expect(train.count == 3 && test.count == 3)
        #expect(train.userIDs == test.userIDs && train.itemIDs == test.itemIDs)
        #expect(test.userIDs.rawIDs == ["7", "3", "5"])
        #expect(test.itemIDs.rawIDs == ["10", "20", "30"])
        #expect(test.users == [2, 1, 0])
        #expect(train.scale == test.scale && train.scale == RatingScale(minimum: 1, maximum: 5, step: 1))
    }

    @Test("an unknown given split lists the known ones")
    func unknownSplit() throws {
        let data = try Dataset.detect(at: TestFiles.fixture("ml-100k"))
        let error = #expect(throws: RatingFileError.self) { try data.loadGivenSplit(named: "u9") }
        #expect(
            error?.description
                == "\(TestFiles.fixture("ml-100k"))/u9.base: cannot open: no given split 'u9'; this data set has u1"
        )
    }

    @Test("readTrainTest reads any two files into one index space")
    func trainTest() throws {
        let train = TestFiles.write("a,x,1\nb,y,2\n")
        let test = TestFiles.write("c,x,5\nb,z,3\n")
        let layout = RatingFileLayout(separator: ",", columns: [.user, .item, .rating])
        let (tr, te) = try Dataset.readTrainTest(trainPath: train, testPath: test, layout: layout)
        #expect(tr.userIDs.rawIDs == ["a", "b", "c"])
        #expect(te.users == [2, 1])
        #expect(te.items == [0, 2])
        #expect(tr.scale == RatingScale(minimum: 1, maximum: 5, step: 1))
    }
}

/// The scale a data set's ratings must keep to.
@Suite struct DatasetScaleTests {
    @Test(
        "each MovieLens folder has its release's scale",
        arguments: [
            ("ml-100k", KnownScale.movieLens100K, RatingScale.stars), ("ml-1m", .movieLens1M, .stars),
            ("ml-10m", .movieLens10M, .halfStars), ("ml-latest", .movieLensCSV, .halfStars),
        ])
    func folderScales(folder: String, known: KnownScale, scale: RatingScale) throws {
        let data = try Dataset.detect(at: TestFiles.fixture(folder))
        #expect(data.knownScale == known)
        #expect(try data.load(sideInformation: false).ratings.scale == scale)
    }

    @Test("a whole-star ratings.csv keeps the 1-5 scale")
    func wholeStarCSV() throws {
        let dir = TestFiles.folder(with: [
            ("ratings.csv", "userId,movieId,rating,timestamp\n1,2,3,4\n2,2,5,4\n")
        ])
        #expect(try Dataset.detect(at: dir).load().ratings.scale == .stars)
    }

    @Test("one out-of-range rating in a MovieLens 100K folder is an error at its line")
    func outOfRangeIn100K() throws {
        let dir = TestFiles.folder(with: [("u.data", "1\t1\t3\t0\n1\t2\t100\t0\n2\t1\t4\t0\n")])
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: dir).load() }
        #expect(
            error
                == .ratingOffScale(
                    InputPosition(file: dir + "/u.data", line: 2), value: 100, scale: .stars,
                    source: "MovieLens 100K", hint: KnownScale.movieLens100K.hint))
    }

    @Test("a single ratings.dat settles on whole stars unless a half star is seen")
    func datFile() throws {
        let stars = try Dataset.detect(at: TestFiles.write("1::2::3::4\n2::2::4::5\n", name: "ratings.dat"))
        #expect(try stars.load().ratings.scale == .stars)
        let halves = try Dataset.detect(
            at: TestFiles.write("1::2::3::4\n2::2::2.5::5\n", name: "ratings.dat"))
        #expect(try halves.load().ratings.scale == .halfStars)
        let beyond = try Dataset.detect(at: TestFiles.write("1::2::3::4\n2::2::6::5\n", name: "ratings.dat"))
        #expect(throws: RatingFileError.self) { try beyond.load() }
    }

    @Test("a format names the release's scale; a sniffed file reads its own")
    func formatScale() throws {
        let path = TestFiles.write("1\t1\t3\t0\n1\t2\t100\t0\n")
        let sniffed = try Dataset.detect(at: path)
        #expect(sniffed.knownScale == nil)
        #expect(try sniffed.load().ratings.scale == RatingScale(minimum: 3, maximum: 100, step: 1))
        let named = try Dataset.detect(at: path, format: .ml100k)
        #expect(named.knownScale == .movieLens100K)
        #expect(throws: RatingFileError.self) { try named.load() }
    }

    @Test("a fixed scale becomes the table's scale and refuses ratings off it")
    func fixedScale() throws {
        var data = try Dataset.detect(at: TestFiles.write("1\t1\t3\t0\n1\t2\t100\t0\n"))
        data.knownScale = .fixed(RatingScale(minimum: 0, maximum: 100, step: 1))
        #expect(try data.load().ratings.scale == RatingScale(minimum: 0, maximum: 100, step: 1))
        data.knownScale = .fixed(.stars)
        let error = #expect(throws: RatingFileError.self) { try data.load() }
        #expect(error?.description == "\(data.path):2: rating 100 is not on the --scale scale 1-5 (step 1)")
    }

    @Test("a given split and two given files keep the known scale")
    func trainTestScale() throws {
        let data = try Dataset.detect(at: TestFiles.fixture("ml-100k"))
        let (train, test) = try data.loadGivenSplit(named: "u1")
        #expect(train.scale == .stars && test.scale == .stars)
        let a = TestFiles.write("a,x,2\nb,y,3\n"), b = TestFiles.write("a,y,4\n")
        let layout = RatingFileLayout(separator: ",", columns: [.user, .item, .rating])
        let fixed = ReadOptions(scale: .fixed(RatingScale(minimum: 0, maximum: 10, step: 1)))
        let (tr, te) = try Dataset.readTrainTest(trainPath: a, testPath: b, layout: layout, options: fixed)
        #expect(tr.scale == RatingScale(minimum: 0, maximum: 10, step: 1) && te.scale == tr.scale)
        let c = TestFiles.write("a,z,11\n")
        #expect(throws: RatingFileError.self) {
            try Dataset.readTrainTest(trainPath: a, testPath: c, layout: layout, options: fixed)
        }
    }
}

/// Paths that exist but cannot be read say why, from the system's error.
@Suite struct DatasetAccessTests {
    @Test("a symbolic link loop is reported as one, not as a missing file")
    func symlinkLoop() throws {
        let dir = TestFiles.folder()
        try FileManager.default.createSymbolicLink(atPath: dir + "/a", withDestinationPath: dir + "/b")
        try FileManager.default.createSymbolicLink(atPath: dir + "/b", withDestinationPath: dir + "/a")
        let reason = String(cString: strerror(ELOOP))
        #expect(throws: RatingFileError.cannotOpen(path: dir + "/a", reason: reason)) {
            try Dataset.detect(at: dir + "/a")
        }
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/u.data", withDestinationPath: dir + "/u.data")
        #expect(throws: RatingFileError.cannotOpen(path: dir + "/u.data", reason: reason)) {
            try Dataset.detect(at: dir)
        }
        #expect(reason == "Too many levels of symbolic links")
    }

    @Test(
        "an unreadable folder says permission denied", .enabled(if: geteuid() != 0, "root reads every folder")
    )
    func unreadableFolder() throws {
        let dir = TestFiles.folder(with: [("u.data", "1\t2\t3\t4\n")])
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: dir)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir) }
        #expect(throws: RatingFileError.cannotOpen(path: dir, reason: "Permission denied")) {
            try Dataset.detect(at: dir)
        }
    }

    @Test(
        "an unreadable rating file says permission denied",
        .enabled(if: geteuid() != 0, "root reads every file"))
    func unreadableFile() throws {
        let path = TestFiles.write("1\t2\t3\t4\n")
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: path)
        #expect(throws: RatingFileError.cannotOpen(path: path, reason: "Permission denied")) {
            try Dataset.detect(at: path)
        }
    }
}
