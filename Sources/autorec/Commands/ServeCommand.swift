import ArgumentParser
import AutoRec
import AutoRecServer
import Foundation
import Hummingbird

/// `autorec serve`: the HTTP service over a model folder (the work is in `AutoRecServer`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve recommendations over HTTP: a JSON API under /v1, a page to try it at /, /metrics.",
        discussion: """
            Binds 127.0.0.1 unless --host says otherwise (0.0.0.0 listens on every interface). \
            With --store, POST /v1/users/{id}/ratings keeps ratings in an SQLite file (WAL); they count \
            as rated at once, and 'autorec train --from-store FILE' trains on them. With --token-file, \
            writes and /admin need 'Authorization: Bearer <token>'; reads stay open. \
            SIGHUP or POST /admin/reload loads the model folder again and swaps it in; a folder that \
            fails to load is refused and the old model keeps serving. One log line per request on \
            stderr (--quiet: warnings only). The API is described at /openapi.yaml.

            Examples:
              autorec serve --model runs/u
              autorec serve --model runs/i --port 9000 --store r.sqlite --token-file token
              curl 'localhost:8080/v1/users/42/recommendations?count=10'
            """)

    @Option(help: ArgumentHelp("A model folder written by 'train --save' or 'rank --save'.", valueName: "dir"))
    var model: String
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: ArgumentHelp("SQLite file that keeps rated items (created if missing).", valueName: "file"))
    var store: String?
    @Option(help: ArgumentHelp("A file holding the bearer token writes and /admin need.", valueName: "file"))
    var tokenFile: String?
    @Option(help: ArgumentHelp("Largest request body in bytes.", valueName: "bytes")) var maxBody = 64 * 1024
    @Flag(name: .shortAndLong, help: "Log only warnings and errors (no line per request).") var quiet = false

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be in 0...65535, got \(port)")
        }
        guard maxBody >= 1024 else {
            throw ValidationError("--max-body must be at least 1024, got \(maxBody)")
        }
    }

    func run() async throws {
        Console.quiet = quiet
        let logger = Console.logger
        var configuration = ServerConfiguration(host: host, port: port, token: try readToken())
        configuration.maxBodyBytes = maxBody
        let holder = try ModelHolder(folder: model)
        let loaded = holder.current
        let sizes = "\(loaded.model.userCount) users, \(loaded.model.itemCount) items"
        logger.info("serving \(loaded.model.kind) from \(model) (version \(loaded.version), \(sizes))")
        let ratings = try store.map { try SQLiteRatingStore(path: $0) }
        if let store { logger.info("rating store \(store)") }
        if configuration.token == nil {
            logger.info("no --token-file: writes and /admin are open to anyone who can reach \(host):\(port)")
        }
        configuration.reloadOnHangup = true
        let (host, port) = (self.host, self.port)
        let app = try buildApplication(
            recommender: holder, store: ratings, configuration: configuration,
            logger: logger,
            onServerRunning: { bound in
                logger.info("listening on http://\(host):\(bound ?? port)/")
            })
        try await app.runService()
    }

    /// The token in --token-file, trimmed; an empty or unreadable file is an error.
    func readToken() throws -> String? {
        guard let path = tokenFile else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): cannot read the token file")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
            throw ValidationError("\(path): the token file must hold one token without spaces")
        }
        return token
    }
}
