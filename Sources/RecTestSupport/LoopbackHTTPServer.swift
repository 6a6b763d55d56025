import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests.
///
/// Bounded: it serves at most `maxRequests` requests, gives up after `lifetime` seconds, and stops
/// on ``stop()``; one connection at a time, `Connection: close`.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public struct Reply: Sendable {
        public var status = 200
        public var body: [UInt8]
        /// The Content-Length to announce; defaults to the body's length. A larger value makes a
        /// truncated download: the server sends the body and closes.
        public var announcedLength: Int?

        public init(status: Int = 200, body: [UInt8], announcedLength: Int? = nil) {
            self.status = status
            self.body = body
            self.announcedLength = announcedLength
        }
    }

    public let port: UInt16
    private let listener: Int32
    private let routes: [String: Reply]
    private let lock = NSLock()
    private var paths: [String] = []
    private var stopRequested = false
    private let finished = DispatchSemaphore(value: 0)

    /// The request paths served so far.
    public var requests: [String] { lock.withLock { paths } }

    public init(routes: [String: Reply], maxRequests: Int = 4, lifetime: TimeInterval = 20) throws {
        self.routes = routes
        (listener, port) = try Self.bindLoopback(listen: true)
        let deadline = Date().addingTimeInterval(lifetime)
        let thread = Thread { [self] in
            serve(maxRequests: maxRequests, deadline: deadline)
            close(listener)
            finished.signal()
        }
        thread.start()
    }

    /// A loopback port with nothing listening on it (bound, then closed): connecting is refused.
    public static func refusedPort() throws -> UInt16 {
        let (fd, port) = try bindLoopback(listen: false)
        close(fd)
        return port
    }

    /// Stops serving and waits for the server thread to end.
    public func stop() {
        lock.withLock { stopRequested = true }
        finished.wait()
    }

    private static func bindLoopback(listen shouldListen: Bool) throws -> (Int32, UInt16) {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerError.socket(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, !shouldListen || listen(fd, 8) == 0 else {
            close(fd)
            throw ServerError.socket(errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    private func serve(maxRequests: Int, deadline: Date) {
        var served = 0
        while served < maxRequests, Date() < deadline, !lock.withLock({ stopRequested }) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            handle(client)
            close(client)
            served += 1
        }
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.ends(with: Array("\r\n\r\n".utf8)), request.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            request.append(contentsOf: chunk[0..<n])
        }
        let line = String(decoding: request.prefix { $0 != 0x0D }, as: UTF8.self)
        let parts = line.split(separator: " ")
        let path = parts.count >= 2 ? String(parts[1]) : "/"
        lock.withLock { paths.append(path) }
        let reply = routes[path] ?? Reply(status: 404, body: Array("not found".utf8))
        let reason = reply.status == 200 ? "OK" : "Error"
        let head =
            "HTTP/1.1 \(reply.status) \(reason)\r\nContent-Length: \(reply.announcedLength ?? reply.body.count)"
            + "\r\nContent-Type: application/zip\r\nConnection: close\r\n\r\n"
        send(client, Array(head.utf8))
        send(client, reply.body)
    }

    private func send(_ client: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                #if canImport(Glibc)
                    return Glibc.send(client, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                #else
                    return Darwin.send(client, base + offset, buffer.count - offset, 0)
                #endif
            }
            guard n > 0 else { return }
            offset += n
        }
    }

    public enum ServerError: Error {
        case socket(Int32)
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
