import AutoRec
import Foundation
import Hummingbird
import HummingbirdTesting
import RecTestSupport
import Testing

@testable import AutoRecServer

@Suite struct AdminRoutesTests {
    /// A copy of a model folder that a test may overwrite.
    static func copy(_ model: String, into dir: TemporaryFolder) throws -> String {
        let path = dir.file("model")
        try FileManager.default.copyItem(atPath: model, toPath: path)
        return path
    }

    /// Replaces the folder's files with those of `other`.
    static func overwrite(_ path: String, with other: String) throws {
        for name in [ModelDirectory.weightsFileName, ModelDirectory.modelFileName] {
            try FileManager.default.removeItem(atPath: "\(path)/\(name)")
            try FileManager.default.copyItem(atPath: "\(other)/\(name)", toPath: "\(path)/\(name)")
        }
    }

    @Test("reload swaps in the folder's new model; with a token it needs the token")
    func reload() async throws {
        let dir = try TemporaryFolder()
        let path = try Self.copy(ServerFixture.itemModel, into: dir)
        let state = try ServerFixture.state(path, token: "t0k")
        let before = state.models.current.version
        try Self.overwrite(path, with: ServerFixture.userModel)
        try await ServerFixture.test(state) { client in
            try await client.post("/admin/reload", "") { r throws in
                #expect(r.status == .unauthorized)
            }
            #expect(state.models.current.version == before)
            try await client.post("/admin/reload", "", token: "t0k") { r throws in
                #expect(r.status == .ok)
                let body = try json(r.body)
                #expect(body["model"] as? String == "U-AutoRec")
                #expect(body["previous_version"] as? String == before)
            }
            try await client.get("/ready") { r throws in
                #expect(try json(r.body)["model"] as? String == "U-AutoRec")
            }
            try await client.get("/metrics") {
                #expect(String(buffer: $0.body).contains(#"autorec_model_reloads_total{result="ok"} 1"#))
            }
        }
    }

    @Test("a bad model folder is refused and the old model keeps serving")
    func refused() async throws {
        let dir = try TemporaryFolder()
        let path = try Self.copy(ServerFixture.itemModel, into: dir)
        let state = try ServerFixture.state(path)
        let before = state.models.current.version
        try Data("{ not a model".utf8).write(
            to: URL(fileURLWithPath: "\(path)/\(ModelDirectory.modelFileName)"))
        try await ServerFixture.test(state) { client in
            try await client.post("/admin/reload", "") { r throws in
                #expect(r.status == .unprocessableContent)
                #expect(try errorBody(r.body) == ("reload-refused", "model"))
            }
            try await client.get("/v1/users/1/recommendations") { r throws in #expect(r.status == .ok) }
        }
        #expect(state.models.current.version == before)
    }

    @Test("requests during reloads all succeed, each answered by one whole model")
    func reloadUnderLoad() async throws {
        let dir = try TemporaryFolder()
        let path = try Self.copy(ServerFixture.itemModel, into: dir)
        let state = try ServerFixture.state(path)
        let versions = Set([
            state.models.current.version,
            try ServableModelLoader.load(folder: ServerFixture.userModel).version,
        ])
        try Self.overwrite(path, with: ServerFixture.userModel)
        try await ServerFixture.test(state) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for k in 0..<40 {
                    group.addTask {
                        try await client.get("/v1/users/\(k % 20 + 1)/recommendations?count=3") { r throws in
                            #expect(r.status == .ok)
                            let body = try json(r.body)
                            #expect(versions.contains(body["version"] as? String ?? ""))
                            #expect(try itemIDs(r.body).count == 3)
                        }
                    }
                    if k % 10 == 0 {
                        group.addTask {
                            try await client.post("/admin/reload", "") { r throws in #expect(r.status == .ok)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(state.models.current.model.kind == "U-AutoRec")
    }
}
