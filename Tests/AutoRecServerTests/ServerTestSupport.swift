import AutoRec
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RecData
import RecMath
import RecTestSupport
import Testing

@testable import AutoRecServer

/// Tiny models trained once per test process on generated MovieLens 100K-style data.
///
/// Users `1...24` rate items `1...16` (titles `Film 1 (1971)` ...); user u rates the 8 items
/// `(u + 2j) mod 16`, ratings 1...5 from a user and an item effect plus seeded noise.
enum ServerFixture {
    static let users = 24, items = 16, perUser = 8

    /// Keeps the folders alive for the whole test run.
    nonisolated(unsafe) static let folder = try! TemporaryFolder()

    static let data: String = {
        let dir = folder.file("ml")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 5)
        var lines = [String]()
        for u in 0..<users {
            for j in 0..<perUser {
                let i = (u + 2 * j) % items
                let value = 3.0 + Double(u % 3 - 1) * 0.8 + Double(i % 5 - 2) * 0.5 + rng.nextGaussian() * 0.4
                lines.append(
                    "\(u + 1)\t\(i + 1)\t\(min(5, max(1, Int(value.rounded()))))\t\(880_000_000 + 100 * u + j)"
                )
            }
        }
        _ = try? folder.write(lines.joined(separator: "\n") + "\n", to: "ml/u.data")
        let itemLines = (1...items).map { i in
            "\(i)|Film \(i) (19\(70 + i))|01-Jan-19\(70 + i)||http://example.invalid/\(i)|"
                + (0..<19).map { $0 == i % 19 ? "1" : "0" }.joined(separator: "|")
        }
        _ = try? folder.write(itemLines.joined(separator: "\n") + "\n", to: "ml/u.item")
        return dir
    }()

    /// Trains and saves a model of the given orientation (a few L-BFGS epochs, milliseconds).
    static func train(
        _ orientation: AutoRecConfiguration.Orientation, hidden: Int = 6, seed: UInt64 = 3,
        to name: String
    ) throws -> String {
        let table = try Dataset.detect(at: data).load().ratings
        var c = AutoRecConfiguration()
        c.orientation = orientation
        c.hiddenUnits = hidden
        c.l2 = 1
        c.epochs = 8
        c.patience = 0
        c.refit = false
        c.seed = seed
        var model = AutoRecModel(configuration: c)
        try model.fit(table, validation: nil)
        let path = folder.file(name)
        try model.save(to: path, userIDs: table.userIDs, itemIDs: table.itemIDs, dataPath: data)
        return path
    }

    /// The data as interactions (every rating one) and each user's training items.
    static func interactions() -> (table: RatingTable, set: InteractionSet, training: [[Int32]]) {
        let table = try! Dataset.detect(at: data).load().ratings
        let set = InteractionSet(table, positive: nil)
        var training = [[Int32]](repeating: [], count: set.userCount)
        for (u, i) in zip(set.users, set.items) { training[Int(u)].append(i) }
        return (table, set, training)
    }

    /// A Mult-DAE on the same data (every rating an interaction, ratings >= 4 positive when folded
    /// in), saved as `rank --save` would.
    static let topNModel: String = {
        let (table, set, training) = interactions()
        var m = try! MultAutoencoder(
            itemCount: set.itemCount, configuration: .init(variant: .dae, hidden: [6, 3], seed: 3))
        for _ in 0..<3 { _ = m.trainEpoch(training, options: ImplicitTrainingOptions(batchSize: 8)) }
        let path = folder.file("topn-model")
        try! SavedTopNModel(
            model: m, training: training, userIDs: set.userIDs, itemIDs: set.itemIDs, scale: table.scale,
            positive: 4, dataPath: data
        ).save(to: path)
        return path
    }()
    /// A popularity folder on the same data: it ranks, but has no item vectors.
    static let popularityModel: String = {
        let (table, set, training) = interactions()
        let path = folder.file("popularity-model")
        try! SavedTopNModel(
            model: Popularity(training: training, itemCount: set.itemCount), training: training,
            userIDs: set.userIDs, itemIDs: set.itemIDs, scale: table.scale, positive: 4, dataPath: data
        ).save(to: path)
        return path
    }()
    static let itemModel: String = try! train(.item, to: "i-model")
    static let userModel: String = try! train(.user, to: "u-model")

    /// A fresh store file in its own folder.
    static func newStore() throws -> (SQLiteRatingStore, TemporaryFolder) {
        let dir = try TemporaryFolder()
        return (try SQLiteRatingStore(path: dir.file("ratings.sqlite")), dir)
    }

    static var quietLogger: Logger {
        var l = Logger(label: "test")
        l.logLevel = .critical
        return l
    }

    /// A state over `model` with an optional store and token.
    static func state(
        _ model: String, store: (any RatingStore)? = nil, token: String? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> ServerState {
        var configuration = ServerConfiguration(token: token)
        configure(&configuration)
        return ServerState(
            models: try ModelHolder(folder: model), store: store, configuration: configuration,
            logger: quietLogger)
    }

    /// Runs `body` against the router of `state`, without sockets.
    static func test(_ state: ServerState, _ body: @Sendable (any TestClientProtocol) async throws -> Void)
        async throws
    {
        let app = Application(router: try buildRouter(state), logger: quietLogger)
        try await app.test(.router, body)
    }
}

/// Decoded JSON of a response body.
func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    return try #require(object as? [String: Any])
}

/// The `error` object of an error response.
func errorBody(_ buffer: ByteBuffer) throws -> (code: String, field: String?) {
    let e = try #require(try json(buffer)["error"] as? [String: Any])
    return (try #require(e["code"] as? String), e["field"] as? String)
}

/// The item ids of a recommendations-like answer.
func itemIDs(_ buffer: ByteBuffer) throws -> [String] {
    let list = try #require(try json(buffer)["items"] as? [[String: Any]])
    return list.compactMap { $0["item"] as? String }
}

extension TestClientProtocol {
    /// POST with a JSON body given as text.
    func post(
        _ uri: String, _ body: String, token: String? = nil,
        _ check: @escaping @Sendable (TestResponse) async throws -> Void
    ) async throws {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            try await check($0)
        }
    }

    func get(_ uri: String, _ check: @escaping @Sendable (TestResponse) async throws -> Void) async throws {
        try await execute(uri: uri, method: .get) { try await check($0) }
    }
}
