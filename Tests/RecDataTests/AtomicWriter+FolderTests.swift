import Foundation
import Testing

@testable import RecData

@Suite struct AtomicWriterFolderTests {
    static let kind = AtomicWriter.FolderKind(mismatch: "holds no marker") { $0.contains("marker") }

    static func contents(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("a folder is replaced whole: nothing of the old one stays, nothing temporary is left")
    func replaces() throws {
        let root = TestFiles.folder()
        let out = root + "/out"
        for name in ["marker", "stale"] {
            try AtomicWriter.writeFolder(at: out, kind: Self.kind) { folder throws(FileWriteError) in
                try AtomicWriter.write(Data(name.utf8), to: "\(folder)/\(name)")
                try AtomicWriter.write(Data(name.utf8), to: "\(folder)/marker")
            }
        }
        #expect(try Self.contents(out) == ["marker", "stale"])
        // A trailing slash names the same folder.
        try AtomicWriter.writeFolder(at: out + "/", kind: Self.kind) { folder throws(FileWriteError) in
            try AtomicWriter.write(Data("new".utf8), to: "\(folder)/marker")
        }
        #expect(try Self.contents(out) == ["marker"])
        #expect(try Self.contents(root) == ["out"])
    }

    @Test("a failing body leaves the old folder and no temporary folder")
    func failure() throws {
        let root = TestFiles.folder()
        let out = root + "/out"
        try AtomicWriter.writeFolder(at: out, kind: Self.kind) { folder throws(FileWriteError) in
            try AtomicWriter.write(Data("old".utf8), to: "\(folder)/marker")
        }
        let failure = FileWriteError(path: out, reason: "made up")
        #expect(throws: failure) {
            try AtomicWriter.writeFolder(at: out, kind: Self.kind) { folder throws(FileWriteError) in
                try AtomicWriter.write(Data("new".utf8), to: "\(folder)/marker")
                throw failure
            }
        }
        #expect(FileManager.default.contents(atPath: out + "/marker") == Data("old".utf8))
        #expect(try Self.contents(root) == ["out"])
    }

    @Test("a folder of another kind, or a file, is refused before anything is written")
    func refuses() throws {
        let root = TestFiles.folder()
        try FileManager.default.createDirectory(atPath: root + "/photos", withIntermediateDirectories: false)
        FileManager.default.createFile(atPath: root + "/photos/cat.jpg", contents: nil)
        FileManager.default.createFile(atPath: root + "/notes.txt", contents: nil)
        for (path, reason) in [
            ("photos", "the folder exists and holds no marker; refusing to replace it (choose a new path)"),
            ("notes.txt", "it exists and is not a folder; refusing to replace it"),
        ] {
            let error = FileWriteError(path: "\(root)/\(path)", reason: reason)
            #expect(throws: error) {
                try AtomicWriter.checkWritableFolder("\(root)/\(path)", kind: Self.kind)
            }
            #expect(throws: error) {
                try AtomicWriter.writeFolder(at: "\(root)/\(path)", kind: Self.kind) { _ in }
            }
        }
        #expect(try Self.contents(root) == ["notes.txt", "photos"])
        #expect(try Self.contents(root + "/photos") == ["cat.jpg"])
    }

    @Test("checks before a run: a missing folder, a folder for a file, a missing parent to create")
    func preflight() throws {
        let root = TestFiles.folder()
        try AtomicWriter.checkWritableFile(root + "/new.json")
        try AtomicWriter.checkWritableFile("/dev/null")
        #expect(
            throws: FileWriteError(
                path: root + "/missing/r.json",
                reason: "the folder \(root)/missing does not exist (create it first, or fix the path)")
        ) { try AtomicWriter.checkWritableFile(root + "/missing/r.json") }
        #expect(throws: FileWriteError(path: root, reason: "it is a folder; expected a file name")) {
            try AtomicWriter.checkWritableFile(root)
        }
        try AtomicWriter.checkWritableFolder(root + "/a/b/c", kind: Self.kind, creatingParents: true)
        #expect(throws: FileWriteError.self) {
            try AtomicWriter.checkWritableFolder(root + "/a/b/c", kind: Self.kind)
        }
        FileManager.default.createFile(atPath: root + "/file", contents: nil)
        #expect(throws: FileWriteError(path: root + "/file/x", reason: "a folder on the path is a file")) {
            try AtomicWriter.checkWritableFile(root + "/file/x")
        }
        #expect(try Self.contents(root) == ["file"])
    }
}
