@testable import AutoRec
import RecData
import RecMath
import Testing

@Suite struct SideFeaturesTests {
    @Test("users become one-hot gender, age group and occupation; a user without attributes gets zeros")
    func users() {
        let catalog = UserCatalog(entries: [
            .init(age: 25, gender: "F", occupation: "writer"),
            .init(),
            .init(age: 17, gender: "M", occupation: "artist"),
            .init(age: 56, gender: nil, occupation: "writer"),
            .init(age: 1, gender: "M"),  // MovieLens 1M code for "under 18"
        ])
        let f = SideFeatures(users: catalog)
        #expect(f.names == ["gender=F", "gender=M", "age=<18", "age=18-24", "age=25-34", "age=35-44", "age=45-49",
                            "age=50-55", "age=56+", "occupation=artist", "occupation=writer"])
        func row(_ r: Int) -> [String] {
            (f.matrix.rowStart[r]..<f.matrix.rowStart[r + 1]).map { f.names[Int(f.matrix.columns[$0])] }
        }
        #expect(row(0) == ["gender=F", "age=25-34", "occupation=writer"])
        #expect(row(1).isEmpty)
        #expect(row(2) == ["gender=M", "age=<18", "occupation=artist"])
        #expect(row(3) == ["age=56+", "occupation=writer"])
        #expect(row(4) == ["gender=M", "age=<18"])
        #expect(f.matrix.values.allSatisfy { $0 == 1 })
        #expect(f.missingCount == 1 && f.width == 11)
    }

    @Test("items become genre flags and a release-decade one-hot")
    func items() {
        let catalog = ItemCatalog(entries: [
            .init(title: "A (1995)", year: 1995, genres: [0, 2]),
            .init(title: "B (1931)", year: 1931, genres: [1]),
            .init(),
            .init(title: "C (2021)", year: 2021, genres: []),
            .init(title: "D (1950)", year: 1950, genres: [2]),
        ], genreNames: ["Action", "Comedy", "Drama"])
        let f = SideFeatures(items: catalog)
        func row(_ r: Int) -> [String] {
            (f.matrix.rowStart[r]..<f.matrix.rowStart[r + 1]).map { f.names[Int(f.matrix.columns[$0])] }
        }
        #expect(row(0) == ["genre=Action", "genre=Drama", "decade=1990s"])
        #expect(row(1) == ["genre=Comedy", "decade=<1950"])
        #expect(row(2).isEmpty)
        #expect(row(3) == ["decade=2020+"])
        #expect(row(4) == ["genre=Drama", "decade=1950s"])
        #expect(f.width == 3 + 9 && f.missingCount == 1)
    }
}
