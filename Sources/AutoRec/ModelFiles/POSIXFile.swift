import Foundation
import RecData

/// Thin wrappers over the POSIX file calls the model files need, turning failures into
/// ``ModelFileError/io(path:operation:reason:)`` (reading) or ``ModelFileError/cannotWrite(_:)``
/// (writing, which goes through RecData's ``AtomicWriter``).
///
/// Model weights can be a gigabyte, so reads and writes go straight between the caller's buffers
/// and the kernel (`pread`/`write`), never through an intermediate `Data`.
enum POSIXFile {
    /// The system's text for an `errno` value.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Opens an existing file for reading.
    static func openForReading(_ path: String) throws(ModelFileError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, operation: "cannot open for reading", reason: reason(errno)) }
        return fd
    }

    /// The size in bytes of an open regular file.
    static func size(of fd: Int32, path: String) throws(ModelFileError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .io(path: path, operation: "cannot read file status", reason: reason(errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .io(path: path, operation: "cannot read", reason: "not a regular file")
        }
        return Int(info.st_size)
    }

    /// Fills `buffer` with the bytes at `offset`, looping over short reads.
    static func readFully(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String
    ) throws(ModelFileError) {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            // Linux transfers at most about 2 GiB per call; ask for 1 GiB at a time.
            let n = pread(fd, base + done, min(buffer.count - done, 1 << 30), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "cannot read", reason: reason(errno))
            }
            if n == 0 {
                throw .io(
                    path: path, operation: "cannot read", reason: "file ended early (changed while reading?)")
            }
            done += n
        }
    }

    /// Writes all of `buffer` (RecData's ``AtomicWriter/writeAll(_:_:path:)`` with our error type).
    static func writeFully(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(ModelFileError)
    {
        do { try AtomicWriter.writeAll(fd, buffer, path: path) } catch { throw .cannotWrite(error) }
    }

    /// The whole content of a (small) file.
    static func readAll(_ path: String) throws(ModelFileError) -> Data {
        let fd = try openForReading(path)
        defer { close(fd) }
        let byteCount = try size(of: fd, path: path)
        var data = Data(count: byteCount)
        var failure: ModelFileError?
        data.withUnsafeMutableBytes { bytes in
            do throws(ModelFileError) { try readFully(fd, into: bytes, at: 0, path: path) } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return data
    }

    /// The folder that holds `path` (`.` for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// What is at `path`: nothing, a directory, or something else.
    /// Symbolic links are followed, as saving follows them: a model saved through a linked folder
    /// loads through the same link.
    static func kind(of path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .none }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
    }

    /// What ``kind(of:)`` found.
    enum FileKind { case none, directory, other }
}

/// `array.withUnsafeBytes(body)` with a typed error (the standard library's version rethrows
/// `any Error`).
func withBytes<T, R>(
    of array: [T], _ body: (UnsafeRawBufferPointer) throws(ModelFileError) -> R
) throws(ModelFileError) -> R {
    try array.withUnsafeBytes { b in Result { () throws(ModelFileError) -> R in try body(b) } }.get()
}
