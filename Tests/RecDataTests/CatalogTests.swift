import RecData
import Testing

@Suite struct ItemCatalogTests {
    @Test("MovieLens 100K u.item: Latin-1 titles, 19 genre flags named by u.genre, unrated items left out")
    func movieLens100K() throws {
        let items = try #require(try Dataset.detect(at: TestFiles.fixture("ml-100k")).load().items)
        #expect(items.count == 3)
        #expect(items.genreNames.count == 19 && items.genreNames[3] == "Animation")
        #expect(items[0] == ItemCatalog.Item(title: "Harbor Lights (1995)", year: 1995, genres: [3, 4, 5]))
        #expect(items[1].title == "Misérables du Port (1996)")
        #expect(items[1].genres.map { items.genreNames[$0] } == ["Drama", "Musical"])
        #expect(items[2] == ItemCatalog.Item(title: "Untitled Reel", year: 1997, genres: [0]))
    }

    @Test("MovieLens 10M movies.dat: UTF-8, with Latin-1 where a line is not UTF-8")
    func movieLens10M() throws {
        let items = try #require(try Dataset.detect(at: TestFiles.fixture("ml-10m")).load().items)
        #expect(items.entries.map(\.title) == ["Amélie Returns (2001)", "Café Noir (1998)"])
        #expect(items.genreNames == ["Comedy", "Romance", "Drama"])
        #expect(items[1].genres == [1, 2])
    }

    @Test("movies.csv: quoted titles with commas and doubled quotes, no genres listed")
    func csvTitles() throws {
        let loaded = try Dataset.detect(at: TestFiles.fixture("ml-latest")).load()
        let items = try #require(loaded.items)
        #expect(loaded.ratings.itemIDs.rawIDs == ["2", "3"])
        #expect(
            items[0] == ItemCatalog.Item(title: "Red, White and Blue (2001)", year: 2001, genres: [0, 1]))
        #expect(items[1] == ItemCatalog.Item(title: "The \"Quiet\" One (1990)", year: 1990, genres: []))
        #expect(items.genreNames == ["Comedy", "Drama"])
        #expect(loaded.users == nil)
    }

    @Test(
        "the year comes from the end of a title",
        arguments: [
            ("Toy Town (1995)", 1995), ("Spaces (2001) ", 2001), ("No Year", nil), ("(1990) First", nil),
            ("Odd (19x5)", nil),
        ])
    func year(title: String, year: Int?) {
        #expect(ItemCatalog.year(inTitle: title) == year)
    }
}

@Suite struct UserCatalogTests {
    @Test("MovieLens 100K u.user: age, gender, occupation, zip; unknown users left out")
    func movieLens100K() throws {
        let loaded = try Dataset.detect(at: TestFiles.fixture("ml-100k")).load()
        let users = try #require(loaded.users)
        #expect(loaded.ratings.userIDs.rawIDs == ["7", "3", "5"])
        #expect(
            users.entries == [
                UserCatalog.User(age: 24, gender: "M", occupation: "technician", zip: "85711"),
                UserCatalog.User(age: 53, gender: "F", occupation: "other", zip: "94043"),
                UserCatalog.User(age: 23, gender: "M", occupation: "writer", zip: "32067"),
            ])
        #expect(users.describedCount == 3)
    }

    @Test("a user without side information has an empty entry")
    func missingUser() throws {
        let dir = TestFiles.folder(with: [
            ("ratings.dat", "1::2::3::4\n8::2::3::4\n"), ("users.dat", "8::F::25::0::1\n"),
        ])
        let users = try #require(try Dataset.detect(at: dir).load().users)
        #expect(
            users.entries == [
                UserCatalog.User(), UserCatalog.User(age: 25, gender: "F", occupation: "other", zip: "1"),
            ])
        #expect(users.describedCount == 1)
    }
}
