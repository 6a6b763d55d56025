import Foundation
import Testing

@testable import RecData

#if canImport(Glibc)
    import Glibc
#endif

/// The `st_mode & S_IFMT` of what is at `path` without following a link (`nil` when nothing is).
func fileType(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
}

@Suite struct AtomicWriterTests {
    static let content = Data("{\"rmse\": 0.9}\n".utf8)

    @Test("a regular file is replaced whole, keeps its permission bits, and no temporary is left")
    func regularFile() throws {
        let folder = TestFiles.folder()
        let path = folder + "/report.json"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o640)
        try AtomicWriter.write(Self.content, to: path)
        #expect(FileManager.default.contents(atPath: path) == Self.content)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
    }

    @Test("a symbolic link stays a link and the file it points to gets the content")
    func symbolicLink() throws {
        let folder = TestFiles.folder()
        try FileManager.default.createDirectory(atPath: folder + "/real", withIntermediateDirectories: false)
        try Data("old".utf8).write(to: URL(fileURLWithPath: folder + "/real/report.json"))
        // A relative link, resolved against the link's own folder.
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/link.json", withDestinationPath: "real/report.json")
        try AtomicWriter.write(Self.content, to: folder + "/link.json")
        #expect(fileType(folder + "/link.json") == S_IFLNK)
        #expect(FileManager.default.contents(atPath: folder + "/real/report.json") == Self.content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/real") == ["report.json"])

        // A dangling link creates its target.
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/new.json", withDestinationPath: "real/new.json")
        try AtomicWriter.write(Self.content, to: folder + "/new.json")
        #expect(fileType(folder + "/new.json") == S_IFLNK)
        #expect(FileManager.default.contents(atPath: folder + "/real/new.json") == Self.content)
    }

    @Test("a FIFO is written in place and its reader gets the bytes")
    func fifo() throws {
        let folder = TestFiles.folder()
        let path = folder + "/pipe"
        try #require(mkfifo(path, 0o600) == 0)
        // A non-blocking reader opened first lets the writer's open succeed at once, and never
        // waits if the FIFO were replaced instead of written.
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        try AtomicWriter.write(Self.content, to: path)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(reader, &buffer, buffer.count)
        #expect(n == Self.content.count && Data(buffer.prefix(max(n, 0))) == Self.content)
        #expect(fileType(path) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["pipe"])
    }

    @Test("a character device stays a device: /dev/null, and a null device made in a test folder")
    func characterDevice() throws {
        try AtomicWriter.write(Self.content, to: "/dev/null")
        #expect(fileType("/dev/null") == S_IFCHR)
        // Only root may make device nodes (and some containers forbid it even then).
        let folder = TestFiles.folder()
        let path = folder + "/null"
        guard mknod(path, S_IFCHR | 0o666, dev_t(0x103) /* makedev(1, 3) */) == 0 else { return }
        try AtomicWriter.write(Self.content, to: path)
        #expect(fileType(path) == S_IFCHR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["null"])
    }

    @Test("a folder where a file is wanted is refused and left alone")
    func folderRefused() throws {
        let folder = TestFiles.folder()
        try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: false)
        #expect(throws: FileWriteError(path: folder + "/out", reason: "it is a folder; expected a file name"))
        {
            try AtomicWriter.write(Self.content, to: folder + "/out")
        }
        #expect(fileType(folder + "/out") == S_IFDIR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out"])
    }

    @Test("a symbolic link loop is refused")
    func linkLoop() throws {
        let folder = TestFiles.folder()
        try FileManager.default.createSymbolicLink(atPath: folder + "/a", withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: folder + "/b", withDestinationPath: "a")
        #expect(throws: FileWriteError(path: folder + "/a", reason: "too many levels of symbolic links")) {
            try AtomicWriter.write(Self.content, to: folder + "/a")
        }
    }

    @Test("a body that fails leaves the old file and no temporary")
    func failingBody() throws {
        let folder = TestFiles.folder()
        let path = folder + "/r.json"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let failure = FileWriteError(path: path, reason: "made up")
        #expect(throws: failure) {
            try AtomicWriter.write(to: path) { fd throws(FileWriteError) in
                _ = Glibc.write(fd, "half", 4)
                throw failure
            }
        }
        #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["r.json"])
    }
}
