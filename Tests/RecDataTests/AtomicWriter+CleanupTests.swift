import Foundation
import RecTestSupport
import Testing

@testable import RecData

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct AtomicWriterCleanupTests {
    @Test("leftovers of dead processes go at the next write; a live process's and other files stay")
    func removesStale() throws {
        let folder = TestFiles.folder()
        let dead = deadProcessID(), me = String(getpid())
        let names = [
            "state.ckpt.tmp-\(dead)-1a2b3c4d", "state.ckpt.tmp-\(me)-1a2b3c4d",
            "state.ckpt.old-\(dead)-abcdef",
            "state.ckpt.tmp-notes.txt", "other.ckpt.tmp-\(dead)-1a2b3c4d", ".state.ckpt.\(dead).tmp",
        ]
        for name in names {
            FileManager.default.createFile(atPath: "\(folder)/\(name)", contents: Data("x".utf8))
        }
        try AtomicWriter.write(Data("new".utf8), to: folder + "/state.ckpt")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                == [
                    "other.ckpt.tmp-\(dead)-1a2b3c4d", "state.ckpt", "state.ckpt.tmp-\(me)-1a2b3c4d",
                    "state.ckpt.tmp-notes.txt",
                ])
        // A folder moved aside by a killed save goes only after a successful folder write.
        let kind = AtomicWriter.FolderKind(mismatch: "is not a test folder") { $0.contains("a") }
        try AtomicWriter.writeFolder(at: folder + "/state.ckpt.d", kind: kind) { _ in }
        FileManager.default.createFile(atPath: "\(folder)/state.ckpt.d.old-\(dead)-abcdef", contents: nil)
        try AtomicWriter.writeFolder(at: folder + "/state.ckpt.d", kind: kind) { _ in }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/state.ckpt.d.old-\(dead)-abcdef"))
    }

    @Test("names without a process id are removed only once an hour old")
    func legacy() throws {
        let folder = TestFiles.folder()
        for name in ["r.json.tmp-Ab12Cd", "r.json.tmp-0badf00d"] {
            FileManager.default.createFile(atPath: "\(folder)/\(name)", contents: nil)
        }
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -2 * AtomicWriter.legacyLeftoverAge)],
            ofItemAtPath: folder + "/r.json.tmp-Ab12Cd")
        try AtomicWriter.write(Data("new".utf8), to: folder + "/r.json")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
                "r.json", "r.json.tmp-0badf00d",
            ])
    }

    @Test("the temporary name carries this process's id", arguments: ["tmp", "old"])
    func names(tag: String) {
        #expect(AtomicWriter.leftover("m.\(tag)-12-0badf00d", of: "m", kinds: [tag]) == .process("12"))
        #expect(AtomicWriter.leftover("m.\(tag)-0badf00d", of: "m", kinds: [tag]) == .legacy)
        #expect(AtomicWriter.leftover("mm.\(tag)-12-0badf00d", of: "m", kinds: [tag]) == nil)
        #expect(AtomicWriter.leftover("m.\(tag)-12-0badf00d", of: "m", kinds: []) == nil)
        #expect(!AtomicWriter.isRunning(deadProcessID()) && AtomicWriter.isRunning(String(getpid())))
    }
}
