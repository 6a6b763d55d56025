import Foundation
import GRDB
import RecTestSupport
import Testing

@testable import AutoRecServer

@Suite struct SQLiteRatingStoreTests {
    @Test("(user, item) is unique: a second rating replaces the first (upsert)")
    func upsert() async throws {
        let (store, dir) = try ServerFixture.newStore()
        try await store.save([
            StoredRating(user: "a", item: "1", rating: 3, timestamp: 10),
            StoredRating(user: "a", item: "2", rating: 4, timestamp: 10),
        ])
        try await store.save([
            StoredRating(user: "a", item: "1", rating: 5, timestamp: 20),
            StoredRating(user: "b", item: "1", rating: 1, timestamp: 20),
        ])
        #expect(
            try await store.ratings(ofUser: "a") == [
                StoredRating(user: "a", item: "2", rating: 4, timestamp: 10),
                StoredRating(user: "a", item: "1", rating: 5, timestamp: 20),
            ])
        #expect(try await store.allRatings().count == 3)
        #expect(try store.appliedMigrations() == ["v1"])
        _ = dir
    }

    @Test("the table's primary key refuses a duplicate (user, item) inserted without the upsert")
    func uniqueKey() async throws {
        let dir = try TemporaryFolder()
        let path = dir.file("r.sqlite")
        let store = try SQLiteRatingStore(path: path)
        try await store.save([StoredRating(user: "a", item: "1", rating: 3, timestamp: 10)])
        let queue = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO ratings (user, item, rating, timestamp) VALUES ('a', '1', 2, 11)")
            }
        }
    }

    @Test("the file runs in WAL mode with synchronous FULL on the writer connection")
    func durabilitySettings() async throws {
        let (store, dir) = try ServerFixture.newStore()
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("synchronous") == "2")  // 2 = FULL
        _ = dir
    }

    @Test("a committed write survives a crash: the files copied while the store is open read back whole")
    func crashAndReopen() async throws {
        let dir = try TemporaryFolder()
        let path = dir.file("r.sqlite")
        let store = try SQLiteRatingStore(path: path)
        let ratings = (0..<50).map {
            StoredRating(user: "u\($0 % 7)", item: "i\($0)", rating: Float($0 % 5 + 1), timestamp: Int64($0))
        }
        for r in ratings { try await store.save([r]) }
        // The store is still open and nothing was checkpointed: copying the database with its
        // WAL is the state a kill -9 leaves on disk.
        let crashed = try TemporaryFolder()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed.file("r.sqlite") + suffix)
        }
        let reopened = try SQLiteRatingStore(path: crashed.file("r.sqlite"))
        #expect(
            Set(try await reopened.allRatings().map { "\($0.user)/\($0.item)/\($0.rating)" })
                == Set(ratings.map { "\($0.user)/\($0.item)/\($0.rating)" }))
        _ = store
    }

    @Test("opening a missing store for training is an error naming the file")
    func missing() throws {
        #expect(throws: StoreError.missing(path: "/nonexistent/r.sqlite")) {
            try SQLiteRatingStore.openExisting(path: "/nonexistent/r.sqlite")
        }
    }
}
