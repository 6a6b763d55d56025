import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AutoRecServer

@Suite struct HealthRoutesTests {
    @Test("health, readiness with the model's kind and version, and an unknown route's 404")
    func healthAndReady() async throws {
        let state = try ServerFixture.state(ServerFixture.userModel)
        try await ServerFixture.test(state) { client in
            try await client.get("/health") { r throws in
                #expect(try json(r.body)["status"] as? String == "ok")
            }
            try await client.get("/ready") { r throws in
                let body = try json(r.body)
                #expect(body["model"] as? String == "U-AutoRec")
                #expect(body["version"] as? String == state.models.current.version)
                #expect((body["scale"] as? [String: Any])?["maximum"] as? Double == 5)
            }
            try await client.get("/v2/nothing") { r throws in #expect(r.status == .notFound) }
        }
    }

    @Test("metrics count requests by route and status and name the model version")
    func metrics() async throws {
        let state = try ServerFixture.state(ServerFixture.itemModel)
        try await ServerFixture.test(state) { client in
            try await client.get("/v1/users/1/recommendations") { r throws in #expect(r.status == .ok) }
            try await client.get("/v1/users/2/recommendations") { r throws in #expect(r.status == .ok) }
            try await client.get("/v1/users/2/recommendations?count=0") { r throws in
                #expect(r.status == .badRequest)
            }
            try await client.get("/metrics") { r throws in
                let text = String(buffer: r.body)
                #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(
                    text.contains(
                        #"autorec_http_requests_total{route="/v1/users/{id}/recommendations",method="GET",status="200"} 2"#
                    ))
                #expect(
                    text.contains(
                        #"autorec_http_requests_total{route="/v1/users/{id}/recommendations",method="GET",status="400"} 1"#
                    ))
                #expect(text.contains("autorec_http_request_duration_seconds_bucket{"))
                #expect(
                    text.contains(
                        #"autorec_model_info{kind="I-AutoRec",version="\#(state.models.current.version)"} 1"#)
                )
            }
        }
    }
}
