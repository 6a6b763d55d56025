import Foundation
import GRDB

/// A ``RatingStore`` in one SQLite file, through GRDB.
///
/// The file runs in WAL mode (readers never block the writer) with `synchronous = FULL`, so a
/// transaction that returned is on disk even after a power loss, not only after a crash of the
/// process. The schema is versioned by `DatabaseMigrator`; `v1` creates
/// `ratings(user, item, rating, timestamp)` with the primary key `(user, item)`.
public struct SQLiteRatingStore: RatingStore {
    private let pool: DatabasePool

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    ///
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or is not a store.
    public init(path: String) throws {
        pool = try DatabasePool(path: path)
        // GRDB opens the pool's one writer connection with `synchronous = NORMAL` (enough for a
        // crash of the process, not for a power loss); every write goes through that connection,
        // so raising it once here holds for the life of the store.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
    }

    /// The schema versions, oldest first; never edit a shipped migration, add one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "ratings") { t in
                t.column("user", .text).notNull()
                t.column("item", .text).notNull()
                t.column("rating", .double).notNull()
                t.column("timestamp", .integer).notNull()
                t.primaryKey(["user", "item"])
            }
            try db.create(index: "ratings_by_timestamp", on: "ratings", columns: ["timestamp"])
        }
        return m
    }

    /// The migrations applied to the file (for tests and diagnostics).
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// The value of a PRAGMA on the writer connection (for tests and diagnostics).
    func pragma(_ name: String) throws -> String? {
        try pool.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    public func save(_ ratings: [StoredRating]) async throws {
        try await pool.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO ratings (user, item, rating, timestamp) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user, item) DO UPDATE SET rating = excluded.rating, timestamp = excluded.timestamp
                    """)
            for r in ratings {
                try statement.execute(arguments: [r.user, r.item, Double(r.rating), r.timestamp])
            }
        }
    }

    public func ratings(ofUser user: String) async throws -> [StoredRating] {
        try await pool.read { db in
            try Self.rows(
                db,
                "SELECT user, item, rating, timestamp FROM ratings WHERE user = ? ORDER BY timestamp, item",
                [user])
        }
    }

    public func allRatings() async throws -> [StoredRating] {
        try await pool.read { db in try Self.all(db) }
    }

    /// Every stored rating, oldest first, read now on the calling thread (for the command line).
    public func allRatingsNow() throws -> [StoredRating] {
        try pool.read { db in try Self.all(db) }
    }

    /// Opens an existing store for reading its ratings (a missing file is an error, not a new store).
    public static func openExisting(path: String) throws -> SQLiteRatingStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
        return try SQLiteRatingStore(path: path)
    }

    private static func all(_ db: Database) throws -> [StoredRating] {
        try rows(db, "SELECT user, item, rating, timestamp FROM ratings ORDER BY timestamp, user, item", [])
    }

    private static func rows(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws
        -> [StoredRating]
    {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            StoredRating(
                user: row["user"], item: row["item"], rating: Float(row["rating"] as Double),
                timestamp: row["timestamp"])
        }
    }
}

/// Why a store cannot be used.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)

    public var description: String {
        switch self {
        case let .missing(path):
            "\(path): no rating store here (help: 'autorec serve --store FILE' creates one)"
        }
    }
}
