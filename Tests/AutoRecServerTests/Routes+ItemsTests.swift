import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AutoRecServer

@Suite struct ItemRoutesTests {
    @Test("title search finds items by words of the title, case-insensitively")
    func search() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/v1/items?query=film%2012") { r throws in
                #expect(r.status == .ok)
                let items = try #require(try json(r.body)["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["item"] as? String } == ["12"])
                #expect(items.first?["title"] as? String == "Film 12 (1982)")
            }
            try await client.get("/v1/items?query=FILM&limit=3") { r throws in
                let items = try #require(try json(r.body)["items"] as? [[String: Any]])
                #expect(
                    items.count == 3
                        && items.allSatisfy { ($0["title"] as? String)?.hasPrefix("Film ") == true })
            }
        }
    }

    @Test(
        "search without a query, or with a bad limit, is a 400 naming it",
        arguments: [
            ("", "query", "missing-field"), ("?query=%20", "query", "missing-field"),
            ("?query=film&limit=0", "limit", "out-of-range"),
        ])
    func badSearch(query: String, field: String, code: String) async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/v1/items\(query)") { r throws in
                #expect(r.status == .badRequest)
                #expect(try errorBody(r.body) == (code, field))
            }
        }
    }

    @Test(
        "similar items name the representation and measure and leave the item out",
        arguments: [(ServerFixture.itemModel, "code"), (ServerFixture.userModel, "decoder-row")])
    func similar(model: String, representation: String) async throws {
        try await ServerFixture.test(try ServerFixture.state(model)) { client in
            try await client.get("/v1/items/3/similar?count=4") { r throws in
                #expect(r.status == .ok)
                let body = try json(r.body)
                #expect(body["representation"] as? String == representation)
                #expect(body["measure"] as? String == "cosine")
                let ids = try itemIDs(r.body)
                #expect(ids.count == 4 && !ids.contains("3"))
            }
        }
    }

    @Test("a model without item vectors answers similar items with 422 and why, an unknown item still 404")
    func similarUnsupported() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.popularityModel)) { client in
            try await client.get("/v1/items/3/similar") { r throws in
                #expect(r.status == .unprocessableContent)
                #expect(try errorBody(r.body) == ("not-supported", "id"))
                let message = try json(r.body)["error"] as? [String: Any]
                #expect((message?["message"] as? String)?.contains("no item vectors") == true)
            }
            try await client.get("/v1/items/nope/similar") { r throws in
                #expect(r.status == .notFound)
                #expect(try errorBody(r.body) == ("unknown-item", "id"))
            }
        }
    }

    @Test("similar items of an unknown item: 404 naming id; a bad count: 400")
    func badSimilar() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/v1/items/nope/similar") { r throws in
                #expect(r.status == .notFound)
                #expect(try errorBody(r.body) == ("unknown-item", "id"))
            }
            try await client.get("/v1/items/3/similar?count=-1") { r throws in
                #expect(r.status == .badRequest)
                #expect(try errorBody(r.body) == ("out-of-range", "count"))
            }
        }
    }
}
