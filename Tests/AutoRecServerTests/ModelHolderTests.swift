import AutoRec
import Foundation
import Testing

@testable import AutoRecServer

@Suite struct ModelHolderTests {
    @Test("a holder keeps the old model when the new folder fails to load")
    func refusedReload() throws {
        let holder = try ModelHolder(folder: ServerFixture.itemModel)
        let before = holder.current.version
        #expect(throws: (any Error).self) { try holder.reload(from: "/nonexistent/model") }
        #expect(holder.current.version == before && holder.current.path == ServerFixture.itemModel)
        let (old, new) = try holder.reload(from: ServerFixture.userModel)
        #expect(
            old.version == before && new.model.kind == "U-AutoRec" && holder.current.version == new.version)
    }

    @Test("the version tag changes with the weights and not with a reload of the same files")
    func version() throws {
        let a = try ServableModelLoader.load(folder: ServerFixture.itemModel)
        let b = try ServableModelLoader.load(folder: ServerFixture.itemModel)
        let c = try ServableModelLoader.load(folder: ServerFixture.userModel)
        #expect(a.version == b.version && a.version != c.version && a.version.count == 16)
    }

    @Test("a folder naming an unknown model kind is refused, naming the kinds known")
    func unknownKind() throws {
        let dir = ServerFixture.folder.file("odd-model")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(#"{"formatVersion": 1, "model": "SVD++"}"#.utf8).write(
            to: URL(fileURLWithPath: "\(dir)/model.json"))
        #expect {
            try ServableModelLoader.load(folder: dir)
        } throws: { error in
            String(describing: error).contains("unknown model kind 'SVD++'")
        }
    }
}
