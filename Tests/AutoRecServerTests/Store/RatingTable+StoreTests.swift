import RecData
import Testing

@testable import AutoRecServer

@Suite struct RatingTableStoreTests {
    static let base = RatingTable(
        users: [0, 0, 1], items: [0, 1, 0], ratings: [3, 4, 5], timestamps: [1, 2, 3],
        userIDs: IDMap(rawIDs: ["a", "b"])!, itemIDs: IDMap(rawIDs: ["x", "y"])!)

    @Test("stored ratings are added with new ids appended, and replace the base's rating of the same pair")
    func merge() {
        let stored = [
            StoredRating(user: "a", item: "y", rating: 1, timestamp: 9),
            StoredRating(user: "c", item: "z", rating: 2, timestamp: 10),
        ]
        let t = RatingTable.merging(stored, into: Self.base)
        #expect(t.userIDs.rawIDs == ["a", "b", "c"] && t.itemIDs.rawIDs == ["x", "y", "z"])
        #expect(t.users == [0, 0, 1, 2] && t.items == [0, 1, 0, 2])
        #expect(t.ratings == [3, 1, 5, 2] && t.timestamps == [1, 9, 3, 10])
    }

    @Test("a store alone makes a table in order of first appearance, keeping timestamps")
    func storeAlone() {
        let t = RatingTable.merging(
            [
                StoredRating(user: "u", item: "i", rating: 4, timestamp: 5),
                StoredRating(user: "v", item: "i", rating: 2, timestamp: 6),
            ], into: nil)
        #expect(t.userIDs.rawIDs == ["u", "v"] && t.itemIDs.rawIDs == ["i"])
        #expect(
            t.ratings == [4, 2] && t.timestamps == [5, 6] && t.scale.minimum == 2 && t.scale.maximum == 4)
    }
}
