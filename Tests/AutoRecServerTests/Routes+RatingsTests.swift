import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AutoRecServer

@Suite struct RatingRoutesTests {
    @Test("stored ratings come back from GET /v1/users/{id}/ratings; a second rating replaces the first")
    func storeAndRead() async throws {
        let (store, dir) = try ServerFixture.newStore()
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel, store: store)) {
            client in
            try await client.post(
                "/v1/users/1/ratings",
                #"{"ratings": [{"item": "2", "rating": 4}, {"item": "6", "rating": 1}]}"#
            ) { r throws in
                #expect(r.status == .created)
                #expect(try json(r.body)["stored"] as? Int == 2)
            }
            try await client.post("/v1/users/1/ratings", #"{"ratings": [{"item": "2", "rating": 5}]}"#) {
                #expect($0.status == .created)
            }
            try await client.get("/v1/users/1/ratings") { r throws in
                let body = try json(r.body)
                #expect(body["known"] as? Bool == true)
                #expect((body["training"] as? [Any])?.count == ServerFixture.perUser)
                let stored = try #require(body["stored"] as? [[String: Any]])
                let pairs = Dictionary(
                    uniqueKeysWithValues: stored.map {
                        ($0["item"] as? String ?? "", $0["rating"] as? Double ?? 0)
                    })
                #expect(pairs == ["2": 5, "6": 1])
            }
            try await client.get("/v1/users/ghost/ratings") { r throws in
                let body = try json(r.body)
                #expect(body["known"] as? Bool == false && (body["training"] as? [Any])?.isEmpty == true)
            }
        }
        _ = dir
    }

    @Test(
        "a bad rating refuses the whole request: nothing is half-stored",
        arguments: [
            (
                #"{"ratings": [{"item": "2", "rating": 4}, {"item": "nope", "rating": 3}]}"#,
                "ratings[1].item", "unknown-item"
            ),
            (
                #"{"ratings": [{"item": "2", "rating": 4}, {"item": "3", "rating": 0}]}"#,
                "ratings[1].rating", "out-of-range"
            ),
            (
                #"{"ratings": [{"item": "2", "rating": 4}, {"item": "3", "rating": 5.5}]}"#,
                "ratings[1].rating", "out-of-range"
            ),
            (
                #"{"ratings": [{"item": "2", "rating": 4}, {"item": "", "rating": 3}]}"#, "ratings[1].item",
                "empty"
            ),
            (#"{"ratings": [{"item": "2", "rating": 4}], "user": "1"}"#, "user", "unknown-field"),
        ])
    func nothingHalfStored(body: String, field: String, code: String) async throws {
        let (store, dir) = try ServerFixture.newStore()
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel, store: store)) {
            client in
            try await client.post("/v1/users/1/ratings", body) { r throws in
                #expect(r.status == .badRequest)
                #expect(try errorBody(r.body) == (code, field))
            }
        }
        #expect(try await store.allRatings().isEmpty)
        _ = dir
    }

    @Test("without a store, writes answer 501 naming --store")
    func noStore() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.post("/v1/users/1/ratings", #"{"ratings": [{"item": "2", "rating": 4}]}"#) {
                r throws in
                #expect(r.status == .notImplemented)
                #expect(try errorBody(r.body).code == "no-store")
            }
        }
    }

    @Test(
        "with a token, a write needs it; reads stay open",
        arguments: [
            (nil as String?, 401), ("wrong", 401), ("secret-token", 201), ("secret-token-and-more", 401),
        ])
    func token(given: String?, status: Int) async throws {
        let (store, dir) = try ServerFixture.newStore()
        try await ServerFixture.test(
            try ServerFixture.state(ServerFixture.itemModel, store: store, token: "secret-token")
        ) { client in
            try await client.post(
                "/v1/users/1/ratings", #"{"ratings": [{"item": "2", "rating": 4}]}"#, token: given
            ) { r throws in
                #expect(Int(r.status.code) == status)
                if status == 401 {
                    #expect(try errorBody(r.body) == ("unauthorized", "Authorization"))
                    #expect(r.headers[.wwwAuthenticate] == "Bearer")
                }
            }
            try await client.get("/v1/users/1/recommendations") { r throws in #expect(r.status == .ok) }
            try await client.post("/v1/predictions", #"{"pairs": [{"user": "1", "item": "2"}]}"#) {
                r throws in #expect(r.status == .ok)
            }
        }
        #expect(try await store.allRatings().count == (status == 201 ? 1 : 0))
        _ = dir
    }
}
