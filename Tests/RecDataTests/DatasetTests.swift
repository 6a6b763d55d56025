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

    @Test("a file that is not ratings is an unknown format")
    func unknownFile() throws {
        let path = TestFiles.write("1::Some Title (1990)::Drama\n2::Other (1991)::Comedy\n")
        let error = #expect(throws: RatingFileError.self) { try Dataset.detect(at: path) }
        #expect(
            error?.description
                == "\(path): unknown rating data format (no separator among '::', tab, ',' and ';' "
                + "gives the same 3 or more fields on every line with a rating in the third: pass --separator and --columns)"
        )
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
