/// How `autorec serve` runs: where it listens and what it guards.
public struct ServerConfiguration: Sendable {
    /// Address to bind; loopback unless chosen otherwise (`0.0.0.0` is an explicit choice).
    public var host = "127.0.0.1"
    public var port = 8080
    /// The bearer token writes and `/admin` need; nil leaves them open.
    public var token: String?
    /// Largest request body accepted, in bytes (larger: 413).
    public var maxBodyBytes = 64 * 1024
    /// Largest `count` of a recommendation or similar-items request, and of a search `limit`.
    public var maxCount = 1000
    /// Most (user, item) pairs in one prediction request, and ratings in one write.
    public var maxBatch = 1000
    /// Reload the model folder on SIGHUP (the service process sets this; tests leave it off).
    public var reloadOnHangup = false

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil) {
        self.host = host
        self.port = port
        self.token = token
    }
}
