import Foundation
import Hummingbird

extension Request {
    /// The integer query parameter `name` in `range`, or `fallback` when absent.
    ///
    /// - Throws: 400 naming the parameter when it is not an integer or out of range.
    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(text) else {
            throw APIError.badRequest(name, code: "wrong-type", "expected an integer, found '\(text)'")
        }
        guard range.contains(value) else {
            throw APIError.badRequest(
                name, code: "out-of-range",
                "must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
        }
        return value
    }

    /// The boolean query parameter `name` (`true`/`false`/`1`/`0`), or `fallback` when absent.
    func boolean(_ name: String, default fallback: Bool) throws -> Bool {
        guard let text = uri.queryParameters[Substring(name)] else { return fallback }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw APIError.badRequest(name, code: "wrong-type", "expected true or false, found '\(text)'")
        }
    }

    /// A comma-separated list query parameter, or nil when absent.
    func list(_ name: String) -> [String]? {
        guard let text = uri.queryParameters[Substring(name)] else { return nil }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }
}

extension RequestContext {
    /// The path parameter `name` (always present on its route).
    func path(_ name: String) throws -> String {
        guard let value = parameters.get(name), !value.isEmpty else {
            throw APIError.badRequest(name, code: "missing-field", "the path needs an id")
        }
        return value
    }
}
