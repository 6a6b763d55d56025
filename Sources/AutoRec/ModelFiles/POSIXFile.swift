import Foundation

/// Thin wrappers over the POSIX file calls the model files need, turning failures into
/// ``ModelFileError/io(path:operation:reason:)``.
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

    /// Writes all of `buffer`, looping over short writes.
    static func writeFully(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(ModelFileError)
    {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = write(fd, base + done, min(buffer.count - done, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "cannot write", reason: reason(errno))
            }
            done += n
        }
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

    /// Writes a file atomically: `body` writes into a new temporary file in the same folder, which is
    /// flushed to disk and renamed over `path`. On any failure the temporary file is removed and
    /// `path` is left as it was.
    static func writeAtomically(
        _ path: String, _ body: (_ fd: Int32) throws(ModelFileError) -> Void
    ) throws(ModelFileError) {
        let temp = "\(path).tmp-\(randomSuffix())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io(path: path, operation: "cannot create \(temp)", reason: reason(errno))
        }
        do throws(ModelFileError) {
            try body(fd)
            guard fsync(fd) == 0 else {
                throw .io(path: path, operation: "cannot flush", reason: reason(errno))
            }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temp)
            throw .io(path: path, operation: "cannot close", reason: reason(code))
        }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw .io(path: path, operation: "cannot rename \(temp) to it", reason: reason(code))
        }
        syncDirectory(parent(of: path))
    }

    /// Flushes a directory's entries (new names, renames) to disk; best effort, as some file
    /// systems refuse `fsync` on directories.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// The folder that holds `path` (`.` for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// What is at `path`: nothing, a directory, or something else.
    static func kind(of path: String) -> FileKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .none }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
    }

    /// What ``kind(of:)`` found.
    enum FileKind { case none, directory, other }

    /// Eight hex digits from the system generator, to make temporary names unique.
    static func randomSuffix() -> String {
        let n = UInt32.random(in: 0...UInt32.max)
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// `array.withUnsafeBytes(body)` with a typed error (the standard library's version rethrows
/// `any Error`).
func withBytes<T, R>(
    of array: [T], _ body: (UnsafeRawBufferPointer) throws(ModelFileError) -> R
) throws(ModelFileError) -> R {
    try array.withUnsafeBytes { b in Result { () throws(ModelFileError) -> R in try body(b) } }.get()
}
