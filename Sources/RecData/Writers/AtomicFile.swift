import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file or folder we write could not be written.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path that was being written (the final path, not the temporary one).
    public var path: String
    /// What went wrong, from the operating system.
    public var reason: String

    /// An error for `path` with a reason.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: cannot write: reason`.
    public var description: String { "\(path): cannot write: \(reason)" }
}

/// Writing files so that nothing half-written ever sits at the final path.
///
/// Data goes to `path.tmp-XXXXXX` in the same folder (so the final `rename` stays on one file
/// system and is atomic), which is renamed over `path` only when the body succeeded; on any error
/// the temporary file is removed.
enum AtomicFile {
    /// The text of the current `errno`.
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Creates a temporary file beside `path`, lets `body` write to its descriptor, then renames it
    /// over `path`.
    ///
    /// - Throws: ``FileWriteError`` when the file cannot be created, written or renamed, or what
    ///   `body` throws (converted to a ``FileWriteError``).
    static func create(at path: String, _ body: (Int32) throws(FileWriteError) -> Void) throws(FileWriteError)
    {
        var fd: Int32 = -1
        guard
            let tempPath = fillTemplate(
                "\(path).tmp-XXXXXX",
                {
                    fd = mkstemp($0); return fd >= 0
                })
        else {
            throw FileWriteError(path: path, reason: errnoText())
        }
        do throws(FileWriteError) {
            // mkstemp makes the file 0600; data files are meant to be read by others too.
            _ = fchmod(fd, 0o644)
            try body(fd)
            guard close(fd) == 0 else {
                throw FileWriteError(path: path, reason: errnoText())
            }
        } catch {
            close(fd)
            unlink(tempPath)
            throw error
        }
        guard rename(tempPath, path) == 0 else {
            let reason = errnoText()
            unlink(tempPath)
            throw FileWriteError(path: path, reason: reason)
        }
    }

    /// Writes all of `bytes` to `fd`, looping over partial writes.
    static func writeAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String
    ) throws(FileWriteError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileWriteError(path: path, reason: errnoText())
            }
            offset += n
        }
    }

    /// Creates a fresh empty file named `prefix` plus a random suffix inside `directory`; returns its path.
    static func makeTemporaryFile(in directory: String, prefix: String) throws(FileWriteError) -> String {
        var fd: Int32 = -1
        guard
            let path = fillTemplate(
                "\(directory)/\(prefix)XXXXXX",
                {
                    fd = mkstemp($0); return fd >= 0
                })
        else {
            throw FileWriteError(path: directory, reason: errnoText())
        }
        _ = fchmod(fd, 0o644)
        close(fd)
        return path
    }

    /// Renames `source` to `destination` (same file system), failing if that cannot be done.
    static func move(_ source: String, to destination: String) throws(FileWriteError) {
        guard rename(source, destination) == 0 else {
            throw FileWriteError(path: destination, reason: errnoText())
        }
    }

    /// Creates a fresh temporary folder named `prefix` plus a random suffix inside `directory`.
    static func makeTemporaryFolder(in directory: String, prefix: String) throws(FileWriteError) -> String {
        guard let path = fillTemplate("\(directory)/\(prefix)XXXXXX", { mkdtemp($0) != nil }) else {
            throw FileWriteError(path: directory, reason: errnoText())
        }
        return path
    }

    /// Runs `make` (`mkstemp`, `mkdtemp`) on a C copy of a `…XXXXXX` template, which it fills in;
    /// returns the filled-in path, or `nil` when `make` fails (errno tells why).
    private static func fillTemplate(_ template: String, _ make: (UnsafeMutablePointer<CChar>) -> Bool)
        -> String?
    {
        var bytes = Array(template.utf8CString)
        let ok = bytes.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return make(base)
        }
        return ok ? String(decoding: bytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
}
