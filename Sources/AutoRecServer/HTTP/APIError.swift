import Foundation
import Hummingbird

/// A 4xx/5xx answer with a JSON body naming the field at fault:
/// `{"error": {"code": "out-of-range", "field": "count", "message": "..."}}`.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable machine-readable code (`bad-json`, `unknown-field`, `wrong-type`, `out-of-range`,
    /// `unknown-item`, `fold-in-not-supported`, `body-too-large`, `unauthorized`, ...).
    public var code: String
    /// The request field at fault (`count`, `ratings[2].rating`), when one is.
    public var field: String?
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, field: String? = nil, _ message: String) {
        self.status = status
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(status.code) \(code)\(field.map { " [\($0)]" } ?? ""): \(message)" }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var field: String?
            var message: String
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: .init(code: code, field: field, message: message)))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    static func badRequest(_ field: String?, code: String = "invalid", _ message: String) -> APIError {
        APIError(.badRequest, code: code, field: field, message)
    }

    /// A `DecodingError` as a 400 naming the field by its path (`ratings[2].rating`).
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String? {
            var out = ""
            for key in keys {
                if let i = key.intValue {
                    out += "[\(i)]"
                } else {
                    out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return out.isEmpty ? nil : out
        }
        switch error {
        case let .typeMismatch(type, c):
            self = .badRequest(path(c.codingPath), code: "wrong-type", "expected \(Self.typeName(type))")
        case let .valueNotFound(type, c):
            self = .badRequest(
                path(c.codingPath), code: "wrong-type", "expected \(Self.typeName(type)), found null")
        case let .keyNotFound(key, c):
            self = .badRequest(path(c.codingPath + [key]), code: "missing-field", "this field is required")
        case let .dataCorrupted(c):
            if c.codingPath.isEmpty {
                self = .badRequest(nil, code: "bad-json", "the body is not valid JSON")
            } else if c.debugDescription == StrictKeys.unknownField {
                self = .badRequest(
                    path(c.codingPath), code: "unknown-field", "this field is not part of the request")
            } else {
                self = .badRequest(path(c.codingPath), code: "wrong-type", c.debugDescription)
            }
        @unknown default:
            self = .badRequest(nil, code: "bad-json", "the body could not be read")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Float.Type, is Double.Type: "a number"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// Refuses JSON object keys a request type does not declare.
enum StrictKeys {
    static let unknownField = "unknown field"

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension Decoder {
    /// Throws for the first key of this object that `Keys` does not name.
    func rejectUnknownKeys<Keys: CodingKey>(_ keys: Keys.Type) throws {
        let c = try container(keyedBy: StrictKeys.AnyKey.self)
        for key in c.allKeys where Keys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key],
                    debugDescription: StrictKeys.unknownField))
        }
    }
}

extension Request {
    /// The body as `T`, read up to `limit` bytes and decoded strictly (unknown fields refused).
    ///
    /// - Throws: ``APIError`` 413 for a larger body, 400 naming the field for bad JSON.
    func decodeStrictly<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "body-too-large", "the body is larger than \(limit) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }
}
