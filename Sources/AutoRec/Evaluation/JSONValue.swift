/// Any JSON value: free-form report fields such as a model's configuration, and the header of a
/// safetensors file.
///
/// Lets ``EvaluationReport`` carry the configuration of whichever model was evaluated without
/// knowing its type: `try JSONValue(encoding: BiasedMF.Configuration())`. A number written without
/// a fraction or exponent that fits in `Int` decodes as ``integer(_:)``, exactly: a `Double` holds
/// integers exactly only up to 2⁵³, and safetensors offsets and 64-bit seeds go beyond. Other
/// numbers decode as ``number(_:)``. Equality compares numbers by value, so `.integer(5)` equals
/// `.number(5)`.
public enum JSONValue: Sendable, Equatable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A whole number that fits in `Int`, kept exact.
    case integer(Int)
    /// Any other number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// Decodes whichever JSON value comes next.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when the input is none of the seven kinds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else if let o = try? c.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
        }
    }

    /// Encodes the value as itself.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .integer(i): try c.encode(i)
        case let .number(d): try c.encode(d)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }

    /// Equal when of the same kind with equal contents; an ``integer(_:)`` and a ``number(_:)``
    /// are equal when they denote the same value.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.integer(x), .integer(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.integer(x), .number(y)), let (.number(y), .integer(x)): Int(exactly: y) == x
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x == y
        default: false
        }
    }

    /// The elements of an array of non-negative integers, else `nil`.
    var naturals: [Int]? {
        guard case let .array(items) = self else { return nil }
        var out: [Int] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case let .integer(i) = item, i >= 0 else { return nil }
            out.append(i)
        }
        return out
    }

    /// What the value is, for error messages: `a string`, `an object`, or the value itself when it
    /// is a scalar or a short array of scalars.
    var kind: String {
        switch self {
        case .null: "null"
        case let .bool(b): "\(b)"
        case let .integer(i): "\(i)"
        case let .number(d): "\(d)"
        case .string: "a string"
        case let .array(a):
            a.count <= 4
                && a.allSatisfy({
                    if case .array = $0 { false } else if case .object = $0 { false } else { true }
                })
                ? "[" + a.map(\.kind).joined(separator: ", ") + "]" : "an array of \(a.count)"
        case .object: "an object"
        }
    }
}
