import AutoRec
import Foundation
import Testing

@Suite struct JSONValueTests {
    static func decode(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    @Test("whole numbers decode as exact integers, beyond what a Double holds exactly")
    func integers() throws {
        #expect(try Self.decode("9007199254740993") == .integer(9_007_199_254_740_993))
        #expect(try Self.decode("[-7, 1.5, true, null]") == .array([.integer(-7), .number(1.5), .bool(true), .null]))
        // Too large for Int: a Double.
        #expect(try Self.decode("18446744073709551615") == .number(0x1p64))
    }

    @Test("an integer equals a number of the same value, and encoding keeps integers exact")
    func equalityAndEncoding() throws {
        #expect(JSONValue.integer(5) == .number(5) && JSONValue.number(5) == .integer(5))
        #expect(JSONValue.integer(5) != .number(5.5) && JSONValue.integer(1) != .bool(true))
        #expect(JSONValue.integer(Int.max) != .number(Double(Int.max)))
        let value = JSONValue.object(["seed": .integer(9_007_199_254_740_993), "rate": .number(0.25)])
        let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        #expect(text.contains("9007199254740993"))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
    }
}
