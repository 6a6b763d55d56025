import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AutoRecServer

@Suite struct PageRoutesTests {
    @Test("the page is one self-contained HTML file: no external scripts, styles or images")
    func page() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/") { r throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: r.body)
                #expect(html.contains("<script>") && html.contains("<style>"))
                for external in ["src=\"http", "href=\"http", "<link ", "src=\"//", "@import"] {
                    #expect(!html.contains(external), "external asset: \(external)")
                }
            }
        }
    }

    @Test("the OpenAPI document lists every route the router serves")
    func openAPI() async throws {
        try await ServerFixture.test(try ServerFixture.state(ServerFixture.itemModel)) { client in
            try await client.get("/openapi.yaml") { r throws in
                #expect(r.status == .ok)
                let doc = String(buffer: r.body)
                #expect(doc.hasPrefix("openapi: 3."))
                let routes = [
                    "/v1/users/{id}/recommendations", "/v1/recommendations", "/v1/predictions", "/v1/items",
                    "/v1/items/{id}/similar", "/v1/users/{id}/ratings", "/admin/reload", "/health", "/ready",
                    "/metrics", "/openapi.yaml", "/",
                ]
                for route in routes { #expect(doc.contains("\n  \(route):\n"), "missing \(route)") }
            }
        }
    }
}
