import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file or folder we write could not be written (or, before a long run, would not be).
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path that was being written, as the caller gave it (not the temporary one).
    public var path: String
    /// What went wrong: the system's reason, or why the path is refused.
    public var reason: String

    /// An error for `path` with a reason.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: cannot write: reason`.
    public var description: String { "\(path): cannot write: \(reason)" }
}

/// The one way the package writes files and folders: nothing half-written ever sits at the final
/// path, and nothing but a regular file (or a folder of the expected kind) is ever replaced.
///
/// **Files** (``write(to:wrappingErrors:_:)``):
/// - a regular file, or nothing, at the path: the data goes to `NAME.tmp-PID-XXXXXXXX` in the same
///   folder (so the final `rename` stays on one file system and is atomic), is flushed, and is
///   renamed over `NAME` only when complete; on any error the temporary file is removed. A replaced
///   file keeps its permission bits; a new one gets `0644` less the umask.
/// - a symbolic link: it is followed (up to 40 links) and the file it points to is replaced as
///   above, next to that file; the link stays a link.
/// - a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe): written directly,
///   with no temporary file, and never replaced.
/// - a folder, a socket or a block device: refused with a clear error.
///
/// **Folders** (``writeFolder(at:kind:wrappingErrors:_:)``): every file is written into a fresh
/// `NAME.tmp-PID-XXXXXXXX` folder and flushed; then an existing `NAME` is renamed aside to
/// `NAME.old-PID-XXXXXXXX`, the new folder renamed in, and the old one deleted. An existing folder
/// is replaced only when it looks like one of the expected ``FolderKind``.
///
/// **Leftovers** of killed runs are removed by the next write to the same target; see
/// ``removeStaleTemporaries(of:)``.
public enum AtomicWriter {
    /// The text of the current `errno`.
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Writes a file at `path` through `body`, atomically unless `path` is a device or a FIFO.
    ///
    /// - Parameters:
    ///   - path: The file to create or replace (see ``AtomicWriter`` for what happens to each kind
    ///     of thing already at `path`).
    ///   - wrap: Turns this writer's own errors into the caller's error type.
    ///   - body: Writes the content to the open descriptor (``writeAll(_:_:path:)`` helps).
    /// - Throws: `wrap` of a ``FileWriteError`` when `path` cannot be written, or what `body` throws;
    ///   in either case a regular file at `path` is left as it was.
    public static func write<E: Error>(
        to path: String, wrappingErrors wrap: (FileWriteError) -> E, _ body: (_ fd: Int32) throws(E) -> Void
    ) throws(E) {
        let target: Target
        do { target = try Target(path) } catch { throw wrap(error) }
        switch target.kind {
        case .stream:
            try writeDirectly(to: target.resolved, path: path, wrappingErrors: wrap, body)
            return
        case .directory:
            throw wrap(FileWriteError(path: path, reason: "it is a folder; expected a file name"))
        case .absent, .regular: break
        }
        removeStaleTemporaries(of: target.resolved, kinds: [temporaryTag])
        let fd: Int32
        let temp: String
        do {
            (temp, fd) = try createUnique(for: target.resolved, tag: temporaryTag, path: path) { name in
                open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            }
        } catch { throw wrap(error) }
        // Keep the permission bits of the file we replace (a shared report stays group-readable).
        if case let .regular(mode) = target.kind { _ = fchmod(fd, mode & 0o7777) }
        do throws(E) {
            try body(fd)
            guard fsync(fd) == 0 else { throw wrap(FileWriteError(path: path, reason: errnoText())) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard close(fd) == 0 else {
            let reason = errnoText()
            unlink(temp)
            throw wrap(FileWriteError(path: path, reason: reason))
        }
        guard rename(temp, target.resolved) == 0 else {
            let reason = errnoText()
            unlink(temp)
            throw wrap(FileWriteError(path: path, reason: "cannot rename \(temp) to it: \(reason)"))
        }
        syncDirectory(parent(of: target.resolved))
        removeStaleTemporaries(of: target.resolved, kinds: [asideTag])
    }

    /// Writes a file at `path` through `body`; see ``write(to:wrappingErrors:_:)``.
    ///
    /// - Throws: ``FileWriteError``.
    public static func write(
        to path: String, _ body: (_ fd: Int32) throws(FileWriteError) -> Void
    ) throws(FileWriteError) {
        try write(to: path, wrappingErrors: { $0 }, body)
    }

    /// Writes `bytes` to a file at `path`; see ``write(to:wrappingErrors:_:)``.
    ///
    /// - Throws: ``FileWriteError``.
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws(FileWriteError) {
        try write(to: path) { fd throws(FileWriteError) in
            try bytes.withUnsafeBytes { b in
                Result { () throws(FileWriteError) in try writeAll(fd, b, path: path) }
            }.get()
        }
    }

    /// Writes all of `bytes` to `fd`, looping over partial and interrupted writes.
    ///
    /// - Throws: ``FileWriteError`` naming `path` with the system's reason.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String)
        throws(FileWriteError)
    {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            // Linux transfers at most about 2 GiB per call; ask for 1 GiB at a time.
            let n = systemWrite(fd, base + offset, min(bytes.count - offset, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileWriteError(path: path, reason: errnoText())
            }
            offset += n
        }
    }

    /// Writes to a character device or FIFO in place: no temporary file, no rename.
    private static func writeDirectly<E: Error>(
        to resolved: String, path: String, wrappingErrors wrap: (FileWriteError) -> E,
        _ body: (Int32) throws(E) -> Void
    ) throws(E) {
        let fd = open(resolved, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw wrap(FileWriteError(path: path, reason: errnoText())) }
        do throws(E) { try body(fd) } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw wrap(FileWriteError(path: path, reason: errnoText())) }
    }

    // MARK: - Temporaries for other writers

    /// Creates an empty file `NAME.tmp-PID-XXXXXXXX` beside `target` (after removing stale ones
    /// of dead processes) and returns its path; the caller fills it and renames or removes it.
    ///
    /// - Throws: ``FileWriteError`` naming `target`.
    public static func makeTemporaryFile(for target: String) throws(FileWriteError) -> String {
        removeStaleTemporaries(of: target, kinds: [temporaryTag])
        let (path, fd) = try createUnique(for: target, tag: temporaryTag, path: target) { name in
            open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        close(fd)
        return path
    }

    /// Creates an empty folder `NAME.tmp-PID-XXXXXXXX` beside `target` (after removing stale ones
    /// of dead processes) and returns its path.
    ///
    /// - Throws: ``FileWriteError`` naming `target`.
    public static func makeTemporaryFolder(for target: String) throws(FileWriteError) -> String {
        removeStaleTemporaries(of: target, kinds: [temporaryTag])
        return try createUnique(for: target, tag: temporaryTag, path: target) {
            mkdir($0, 0o755) == 0 ? 0 : -1
        }
        .path
    }

    /// Renames `source` to `destination` (same file system), failing if that cannot be done.
    ///
    /// - Throws: ``FileWriteError`` naming `destination`.
    public static func move(_ source: String, to destination: String) throws(FileWriteError) {
        guard rename(source, destination) == 0 else {
            throw FileWriteError(path: destination, reason: errnoText())
        }
    }

    // MARK: - Names and paths

    /// The tag of temporary copies being written: `NAME.tmp-PID-XXXXXXXX`.
    static let temporaryTag = "tmp"
    /// The tag of a replaced folder waiting to be deleted: `NAME.old-PID-XXXXXXXX`.
    static let asideTag = "old"

    /// Makes `NAME.TAG-PID-XXXXXXXX` beside `target` with `make` (which returns a descriptor, or
    /// -1 with `errno` set), retrying on a name already taken.
    static func createUnique(
        for target: String, tag: String, path: String, _ make: (String) -> Int32
    ) throws(FileWriteError) -> (path: String, fd: Int32) {
        let pid = getpid()
        for _ in 0..<100 {
            let suffix = String(UInt32.random(in: 0...UInt32.max) | 0x1000_0000, radix: 16)
            let name = "\(target).\(tag)-\(pid)-\(suffix)"
            let fd = make(name)
            if fd >= 0 { return (name, fd) }
            if errno != EEXIST {
                throw FileWriteError(path: path, reason: "cannot create \(name): \(errnoText())")
            }
        }
        throw FileWriteError(path: path, reason: "cannot find a free temporary name beside it")
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

    /// What is at a path we are about to write, after following symbolic links.
    struct Target {
        /// What ``Target`` found at the end of the links.
        enum Kind: Equatable {
            case absent
            case regular(mode: mode_t)
            /// A character device or a FIFO: written in place.
            case stream
            case directory
        }

        /// The path with every symbolic link followed (the path itself when it is no link).
        var resolved: String
        var kind: Kind

        /// Follows links from `path` and classifies what is there.
        ///
        /// - Throws: ``FileWriteError`` for a link loop or chain that is too long, an unreadable
        ///   link, a socket or block device, or a path whose status cannot be read.
        init(_ path: String) throws(FileWriteError) {
            // `out/` names the folder `out`: temporaries go beside it, not inside.
            var current = path
            while current.count > 1 && current.hasSuffix("/") { current.removeLast() }
            for _ in 0...40 {
                var info = stat()
                guard lstat(current, &info) == 0 else {
                    if errno == ENOTDIR {
                        throw FileWriteError(path: path, reason: "a folder on the path is a file")
                    }
                    guard errno == ENOENT else { throw FileWriteError(path: path, reason: errnoText()) }
                    resolved = current
                    kind = .absent
                    return
                }
                switch info.st_mode & S_IFMT {
                case S_IFLNK:
                    current = try Self.follow(current, path: path)
                    continue
                case S_IFREG: kind = .regular(mode: info.st_mode)
                case S_IFCHR, S_IFIFO: kind = .stream
                case S_IFDIR: kind = .directory
                case S_IFBLK:
                    throw FileWriteError(path: path, reason: "it is a block device; refusing to write to it")
                default:
                    throw FileWriteError(path: path, reason: "it is a socket; refusing to replace it")
                }
                resolved = current
                return
            }
            throw FileWriteError(path: path, reason: "too many levels of symbolic links")
        }

        /// The path the link at `link` points to (relative targets resolved against its folder).
        private static func follow(_ link: String, path: String) throws(FileWriteError) -> String {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBufferPointer { b in
                readlink(
                    link,
                    UnsafeMutableRawPointer(b.baseAddress.unsafelyUnwrapped)
                        .assumingMemoryBound(to: CChar.self), b.count)
            }
            guard n > 0 else {
                throw FileWriteError(
                    path: path, reason: "cannot read the symbolic link \(link): \(errnoText())")
            }
            let destination = String(decoding: buffer[0..<n], as: UTF8.self)
            return destination.hasPrefix("/")
                ? destination : "\(AtomicWriter.parent(of: link))/\(destination)"
        }
    }
}

/// POSIX `write(2)`, named apart from ``AtomicWriter``'s own `write` methods.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
