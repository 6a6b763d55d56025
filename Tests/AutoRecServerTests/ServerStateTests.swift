import Hummingbird
import Testing

@testable import AutoRecServer

@Suite struct ServerStateTests {
    @Test(
        "token comparison: equal only for the same bytes, whatever the lengths",
        arguments: [
            ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "a", false),
            ("abc", "abcd", false), ("", "", true),
        ])
    func constantTimeEqual(a: String, b: String, equal: Bool) {
        #expect(ServerState.constantTimeEqual(Array(a.utf8), Array(b.utf8)) == equal)
    }

    @Test(
        "the log line's latency reads as milliseconds with two decimals",
        arguments: [(0 as UInt64, "0.00"), (420_000, "0.42"), (1_050_000, "1.05"), (12_345_678, "12.34")])
    func milliseconds(ns: UInt64, text: String) {
        #expect(RequestLogMiddleware<BasicRequestContext>.milliseconds(ns) == text)
    }
}
