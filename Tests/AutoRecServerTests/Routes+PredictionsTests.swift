import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AutoRecServer

@Suite struct PredictionRoutesTests {
    @Test("each prediction says which path made it, with a stable code")
    func sources() async throws {
        let body =
            #"{"pairs": [{"user": "1", "item": "2"}, {"user": "new", "item": "2"}, {"user": "1", "item": "new"}, {"user": "new", "item": "new"}]}"#
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.post("/v1/predictions", body) { r throws in
                #expect(r.status == .ok)
                let answers = try #require(try json(r.body)["predictions"] as? [[String: Any]])
                let codes = answers.compactMap { ($0["source"] as? [String: Any])?["code"] as? String }
                #expect(codes == ["model", "new-user", "new-item", "new-user-and-item"])
                for a in answers {
                    let rating = try #require(a["rating"] as? Double)
                    #expect(rating >= 1 && rating <= 5)
                }
            }
        }
    }

    @Test(
        "malformed, unknown-field, wrong-type, empty and too-large bodies are refused",
        arguments: [
            ("{not json", nil as String?, "bad-json"), ("[]", nil, "wrong-type"),
            (#"{"pairs": [{"user": "1", "item": "2", "x": 1}]}"#, "pairs[0].x", "unknown-field"),
            (#"{"pairs": [], "extra": true}"#, "extra", "unknown-field"),
            (#"{"pairs": []}"#, "pairs", "empty"),
            (#"{"pairs": "1,2"}"#, "pairs", "wrong-type"),
            (#"{"pairs": [{"user": null, "item": "2"}]}"#, "pairs[0].user", "wrong-type"),
            (#"{}"#, "pairs", "missing-field"),
        ])
    func badBodies(body: String, field: String?, code: String) async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.post("/v1/predictions", body) { r throws in
                #expect(r.status == .badRequest)
                let e = try errorBody(r.body)
                #expect(e.code == code && e.field == field)
            }
        }
    }

    @Test("more pairs than the batch limit, or a body over the size limit, is refused")
    func limits() async throws {
        let state = try ServerFixture.state(ServerFixture.itemModel) { c in
            c.maxBatch = 3
            c.maxBodyBytes = 200
        }
        let four =
            "[" + Array(repeating: #"{"user": "1", "item": "2"}"#, count: 4).joined(separator: ",") + "]"
        let big = #"{"pairs": [{"user": "\#(String(repeating: "u", count: 300))", "item": "2"}]}"#
        try await ServerFixture.test(state) { client in
            try await client.post("/v1/predictions", #"{"pairs": \#(four)}"#) { r throws in
                #expect(r.status == .badRequest)
                #expect(try errorBody(r.body) == ("too-many", "pairs"))
            }
            try await client.post("/v1/predictions", big) { r throws in
                #expect(r.status == .contentTooLarge)
                #expect(try errorBody(r.body).code == "body-too-large")
            }
        }
    }
}
