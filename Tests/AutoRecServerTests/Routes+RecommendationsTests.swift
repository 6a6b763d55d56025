import AutoRec
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AutoRecServer

@Suite struct RecommendationRoutesTests {
    @Test("a known user's top-N has count items, none of them rated in training, with titles")
    func knownUser() async throws {
        let state = try ServerFixture.state(ServerFixture.itemModel)
        let rated = Set(try #require(state.models.current.model.trainingRatings(ofUser: "1")).map(\.item))
        try await ServerFixture.test(state) { client in
            try await client.get("/v1/users/1/recommendations?count=5") { r throws in
                #expect(r.status == .ok)
                let body = try json(r.body)
                let ids = try itemIDs(r.body)
                #expect(ids.count == 5 && rated.isDisjoint(with: ids))
                #expect((body["source"] as? [String: Any])?["code"] as? String == "model")
                let first = try #require((body["items"] as? [[String: Any]])?.first)
                #expect((first["title"] as? String)?.hasPrefix("Film ") == true)
            }
            try await client.get("/v1/users/1/recommendations?count=50&exclude_rated=false") { r throws in
                #expect(try itemIDs(r.body).count == ServerFixture.items)
            }
        }
    }

    @Test("candidates restrict the ranking; an unknown candidate is a 400 naming candidates")
    func candidates() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/v1/users/1/recommendations?candidates=2,4,6&exclude_rated=false") {
                r throws in
                #expect(Set(try itemIDs(r.body)) == ["2", "4", "6"])
            }
            try await client.get("/v1/users/1/recommendations?candidates=2,nope") { r throws in
                #expect(r.status == .badRequest)
                #expect(try errorBody(r.body) == ("unknown-item", "candidates"))
            }
        }
    }

    @Test(
        "bad query parameters get a 400 naming the parameter",
        arguments: [
            ("count=0", "count", "out-of-range"), ("count=1001", "count", "out-of-range"),
            ("count=ten", "count", "wrong-type"), ("count=99999999999999999999", "count", "wrong-type"),
            ("exclude_rated=maybe", "exclude_rated", "wrong-type"),
        ])
    func badQuery(query: String, field: String, code: String) async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/v1/users/1/recommendations?\(query)") { r throws in
                #expect(r.status == .badRequest)
                #expect(try errorBody(r.body) == (code, field))
            }
        }
    }

    @Test("an unknown user gets the baseline, and says so")
    func unknownUser() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/v1/users/stranger/recommendations?count=3") { r throws in
                #expect(r.status == .ok)
                #expect((try json(r.body)["source"] as? [String: Any])?["code"] as? String == "new-user")
                #expect(try itemIDs(r.body).count == 3)
            }
        }
    }

    @Test("stored ratings count as rated at once")
    func storedRatingsExcluded() async throws {
        let (store, dir) = try ServerFixture.newStore()
        let state = try ServerFixture.state(ServerFixture.itemModel, store: store)
        try await ServerFixture.test(state) { client in
            let before = try await client.execute(uri: "/v1/users/1/recommendations?count=3", method: .get) {
                try itemIDs($0.body)
            }
            let top = try #require(before.first)
            try await client.post("/v1/users/1/ratings", #"{"ratings": [{"item": "\#(top)", "rating": 2}]}"#)
            { r throws in
                #expect(r.status == .created)
            }
            try await client.get("/v1/users/1/recommendations?count=3") { r throws in
                let after = try itemIDs(r.body)
                #expect(!after.contains(top) && after.count == 3)
            }
        }
        _ = dir
    }

    @Test("a new user's stored ratings are folded in by U-AutoRec")
    func storedRatingsFoldedIn() async throws {
        let (store, dir) = try ServerFixture.newStore()
        let state = try ServerFixture.state(ServerFixture.userModel, store: store)
        try await ServerFixture.test(state) { client in
            try await client.post(
                "/v1/users/visitor/ratings",
                #"{"ratings": [{"item": "3", "rating": 5}, {"item": "4", "rating": 1}]}"#
            ) {
                #expect($0.status == .created)
            }
            try await client.get("/v1/users/visitor/recommendations?count=4") { r throws in
                #expect((try json(r.body)["source"] as? [String: Any])?["code"] as? String == "fold-in")
                let ids = try itemIDs(r.body)
                #expect(ids.count == 4 && !ids.contains("3") && !ids.contains("4"))
            }
            // The same answer as folding the ratings in through POST /v1/recommendations.
            let direct = try await client.execute(
                uri: "/v1/recommendations", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(
                    string:
                        #"{"ratings": [{"item": "3", "rating": 5}, {"item": "4", "rating": 1}], "count": 4}"#)
            ) { try itemIDs($0.body) }
            try await client.get("/v1/users/visitor/recommendations?count=4") { r throws in
                #expect(try itemIDs(r.body) == direct)
            }
        }
        _ = dir
    }

    @Test("POST /v1/recommendations folds a visitor's ratings in (U-AutoRec), leaving the rated items out")
    func foldIn() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.userModel)) { client in
            try await client.post(
                "/v1/recommendations",
                #"{"ratings": [{"item": "1", "rating": 5}, {"item": "zzz", "rating": 4}], "count": 5}"#
            ) { r throws in
                #expect(r.status == .ok)
                let body = try json(r.body)
                #expect(body["unknown_items"] as? [String] == ["zzz"])
                let ids = try itemIDs(r.body)
                #expect(ids.count == 5 && !ids.contains("1"))
            }
        }
    }

    @Test("I-AutoRec cannot fold in: 422 saying why")
    func foldInRefused() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.post("/v1/recommendations", #"{"ratings": [{"item": "1", "rating": 5}]}"#) {
                r throws in
                #expect(r.status == .unprocessableContent)
                #expect(try errorBody(r.body).code == "fold-in-not-supported")
            }
        }
    }

    @Test(
        "fold-in bodies that are wrong get a 4xx naming the field",
        arguments: [
            (
                #"{"ratings": [{"item": "1", "rating": 5}, {"item": "2", "rating": 9}]}"#,
                "ratings[1].rating", "out-of-range", 400
            ),
            (#"{"ratings": [{"item": "1", "rating": 5}], "count": 0}"#, "count", "out-of-range", 400),
            (#"{"ratings": []}"#, "ratings", "empty", 400),
            (#"{"ratings": [{"item": "x", "rating": 3}]}"#, "ratings", "no-known-items", 422),
            (
                #"{"ratings": [{"item": "1", "rating": 3}], "candidates": ["nope"]}"#, "candidates",
                "unknown-item", 400
            ),
            (#"{"ratings": [{"item": "1", "rating": "five"}]}"#, "ratings[0].rating", "wrong-type", 400),
            (
                #"{"ratings": [{"item": "1", "rating": 3, "weight": 2}]}"#, "ratings[0].weight",
                "unknown-field", 400
            ),
            (#"{"ratings": [{"item": "1"}]}"#, "ratings[0].rating", "missing-field", 400),
            (#"{"ratings": [{"item": 1, "rating": 3}]}"#, "ratings[0].item", "wrong-type", 400),
        ])
    func badFoldIn(body: String, field: String, code: String, status: Int) async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.userModel)) { client in
            try await client.post("/v1/recommendations", body) { r throws in
                #expect(Int(r.status.code) == status)
                #expect(try errorBody(r.body) == (code, field))
            }
        }
    }

    @Test("a top-N folder (Mult-DAE) serves a known user's list, a fold-in and similar items with no server change")
    func topNModel() async throws {
        let state = try ServerFixture.state(ServerFixture.topNModel)
        let rated = Set(try #require(state.models.current.model.trainingRatings(ofUser: "1")).map(\.item))
        try await ServerFixture.test(state) { client in
            try await client.get("/v1/users/1/recommendations?count=5") { r throws in
                #expect(r.status == .ok)
                let body = try json(r.body)
                #expect(body["model"] as? String == "Mult-DAE")
                #expect((body["source"] as? [String: Any])?["code"] as? String == "model")
                let ids = try itemIDs(r.body)
                #expect(ids.count == 5 && rated.isDisjoint(with: ids))
            }
            try await client.post(
                "/v1/recommendations", #"{"ratings": [{"item": "3", "rating": 5}, {"item": "5", "rating": 4}], "count": 4}"#
            ) { r throws in
                #expect(r.status == .ok)
                let ids = try itemIDs(r.body)
                #expect(ids.count == 4 && !ids.contains("3") && !ids.contains("5"))
            }
            try await client.get("/v1/items/3/similar?count=3") { r throws in
                #expect(r.status == .ok)
                #expect((try json(r.body)["representation"] as? String) == "decoder-row")
                #expect(try itemIDs(r.body).count == 3)
            }
        }
    }
}
