import AutoRec
import Dispatch
import Foundation
import Hummingbird
import Logging
import Synchronization

/// What every route handler shares: the model holder, the store, the limits and the metrics.
public struct ServerState: Sendable {
    public let models: ModelHolder
    public let store: (any RatingStore)?
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    let logger: Logger

    public init(
        models: ModelHolder, store: (any RatingStore)?, configuration: ServerConfiguration,
        metrics: ServerMetrics = ServerMetrics(), logger: Logger
    ) {
        self.models = models
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        let current = models.current
        metrics.modelLoaded(kind: current.model.kind, version: current.version)
    }

    /// Reloads the model folder and swaps it in, logging and counting the outcome.
    ///
    /// - Throws: the load error; the old model keeps serving.
    @discardableResult
    public func reloadModel() throws -> (old: LoadedModel, new: LoadedModel) {
        do {
            let swapped = try models.reload()
            metrics.reload(succeeded: true)
            metrics.modelLoaded(kind: swapped.new.model.kind, version: swapped.new.version)
            let new = swapped.new
            logger.info(
                "reloaded \(new.path): \(new.model.kind) version \(new.version) (was \(swapped.old.version))")
            return swapped
        } catch {
            metrics.reload(succeeded: false)
            logger.error("reload refused, the old model keeps serving: \(String(describing: error))")
            throw error
        }
    }

    /// Throws 401 unless the request carries the configured bearer token (no token: open).
    func authorize(_ request: Request) throws {
        guard let token = configuration.token else { return }
        let given = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard given.hasPrefix(prefix),
            Self.constantTimeEqual(
                Array(given.utf8.dropFirst(prefix.utf8.count)),
                Array(token.utf8))
        else {
            throw APIError(
                .unauthorized, code: "unauthorized", field: "Authorization",
                "this route needs 'Authorization: Bearer <token>' with the server's token")
        }
    }

    /// Equality whose time does not depend on where the first difference is.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }

    /// The store, or 501 when the server runs without one.
    func requireStore() throws -> any RatingStore {
        guard let store else {
            throw APIError(
                .notImplemented, code: "no-store",
                "this server keeps no ratings (help: start it with --store FILE)")
        }
        return store
    }

    /// The stored ratings of `user` (none without a store).
    func storedRatings(of user: String) async throws -> [StoredRating] {
        guard let store else { return [] }
        return try await store.ratings(ofUser: user)
    }
}

/// Builds the HTTP application: every route of the API, the page, the OpenAPI document and the
/// metrics, bound to `configuration.host:port`.
///
/// - Parameters:
///   - recommender: the model holder the routes answer from (reloadable).
///   - store: where `POST /v1/users/{id}/ratings` writes (nil: that route answers 501).
///   - onServerRunning: called once the socket listens, with the port it got (port 0 asks for any).
public func buildApplication(
    recommender: ModelHolder, store: (any RatingStore)? = nil, configuration: ServerConfiguration,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let state = ServerState(models: recommender, store: store, configuration: configuration, logger: logger)
    let router = try buildRouter(state)
    if configuration.reloadOnHangup { HangupReload.install(state) }
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "autorec"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger)
}

/// SIGHUP reloads the model folder (a refused folder is logged; the old model keeps serving).
enum HangupReload {
    /// The installed signal source; only `install` touches it, under `lock`.
    nonisolated(unsafe) private static var source: (any DispatchSourceSignal)?
    private static let lock = Mutex(())

    static func install(_ state: ServerState) {
        signal(SIGHUP, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        s.setEventHandler { _ = try? state.reloadModel() }
        s.resume()
        // One handler per process: the latest application's.
        lock.withLock { _ in
            source?.cancel()
            source = s
        }
    }
}

/// The router with every route (for tests: `Application(router:).test(.router)`).
public func buildRouter(_ service: ServerState) throws -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: RequestLogMiddleware(metrics: service.metrics))
    try addPageRoutes(to: router, service)
    addHealthRoutes(to: router, service)
    addRecommendationRoutes(to: router, service)
    addPredictionRoutes(to: router, service)
    addItemRoutes(to: router, service)
    addRatingRoutes(to: router, service)
    addAdminRoutes(to: router, service)
    return router
}
