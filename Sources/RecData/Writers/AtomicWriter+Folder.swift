import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension AtomicWriter {
    /// A kind of folder the writer may replace, recognised by the names it holds.
    ///
    /// An empty folder is always replaceable; anything else must ``matches`` its entries, so a
    /// mistyped `--out ~/Documents` is refused instead of deleted.
    public struct FolderKind: Sendable {
        /// What a folder of another kind lacks, for the error: `holds neither model.json nor weights.safetensors`.
        public var mismatch: String
        /// Whether a folder holding these names (not sorted) is of this kind.
        public var matches: @Sendable ([String]) -> Bool

        /// A folder kind.
        ///
        /// - Parameters:
        ///   - mismatch: The end of "the folder exists and …" for a folder of another kind.
        ///   - matches: Whether a non-empty folder with these entries is of this kind.
        public init(mismatch: String, matches: @escaping @Sendable ([String]) -> Bool) {
            self.mismatch = mismatch
            self.matches = matches
        }
    }

    /// Writes a folder at `path` atomically: `body` fills a fresh temporary folder beside it, which
    /// then replaces `path` by two renames (see ``AtomicWriter``).
    ///
    /// A crash or error at any point leaves either the old complete folder or the new complete
    /// folder at `path` (or, between the two renames, no `path` and the old folder intact as
    /// `NAME.old-PID-…`), never a mix of the two. A symbolic link at `path` is followed.
    ///
    /// - Parameters:
    ///   - path: The folder to create or replace.
    ///   - kind: Which existing folders may be replaced.
    ///   - creatingParents: Create missing folders above `path` first.
    ///   - wrap: Turns this writer's own errors into the caller's error type.
    ///   - body: Writes the content into the folder whose path it is given.
    /// - Throws: `wrap` of a ``FileWriteError`` when something other than an empty folder or a
    ///   folder of `kind` is at `path`, or when the folder cannot be created or renamed; or what
    ///   `body` throws. On any error `path` is unchanged and the temporary folder is removed.
    /// - Complexity: Two renames beyond what `body` writes; the replaced folder is deleted.
    public static func writeFolder<E: Error>(
        at path: String, kind: FolderKind, creatingParents: Bool = false,
        wrappingErrors wrap: (FileWriteError) -> E, _ body: (_ folder: String) throws(E) -> Void
    ) throws(E) {
        let target: Target
        let temp: String
        do {
            target = try Target(path)
            try checkReplaceable(target, path: path, kind: kind)
            if creatingParents && target.kind == .absent {
                try createFolders(parent(of: target.resolved), path: path)
            }
            temp = try makeTemporaryFolder(for: target.resolved)
        } catch { throw wrap(error) }
        let resolved = target.resolved
        do throws(E) {
            try body(temp)
            syncDirectory(temp)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
        var aside: String?
        if target.kind == .directory {
            do {
                aside = try createUnique(for: resolved, tag: asideTag, path: path) {
                    rename(resolved, $0) == 0 ? 0 : -1
                }
                .path
            } catch {
                try? FileManager.default.removeItem(atPath: temp)
                throw wrap(
                    FileWriteError(path: path, reason: "cannot move the old folder aside: \(error.reason)"))
            }
        }
        guard rename(temp, resolved) == 0 else {
            let reason = errnoText()
            if let aside { _ = rename(aside, resolved) }
            try? FileManager.default.removeItem(atPath: temp)
            throw wrap(FileWriteError(path: path, reason: "cannot move \(temp) into place: \(reason)"))
        }
        syncDirectory(parent(of: resolved))
        // The new folder is in place; failing to delete the old copy loses nothing.
        if let aside { try? FileManager.default.removeItem(atPath: aside) }
        removeStaleTemporaries(of: resolved, kinds: [asideTag])
    }

    /// Writes a folder at `path` atomically; see
    /// ``writeFolder(at:kind:creatingParents:wrappingErrors:_:)``.
    ///
    /// - Throws: ``FileWriteError``.
    public static func writeFolder(
        at path: String, kind: FolderKind, creatingParents: Bool = false,
        _ body: (_ folder: String) throws(FileWriteError) -> Void
    ) throws(FileWriteError) {
        try writeFolder(at: path, kind: kind, creatingParents: creatingParents, wrappingErrors: { $0 }, body)
    }

    // MARK: - Checks before a long run

    /// Checks now that a file can later be written at `path` by ``write(to:wrappingErrors:_:)``,
    /// so a typo in an output path fails before hours of work rather than after.
    ///
    /// Passes for a device or FIFO we may write to, and for an absent or regular file in an
    /// existing writable folder. Nothing is created.
    ///
    /// - Throws: ``FileWriteError`` saying why the write would fail: a folder at `path`, a missing
    ///   or read-only folder, a socket or block device, a symbolic link loop.
    public static func checkWritableFile(_ path: String) throws(FileWriteError) {
        let target = try Target(path)
        switch target.kind {
        case .directory: throw FileWriteError(path: path, reason: "it is a folder; expected a file name")
        case .stream:
            guard access(target.resolved, W_OK) == 0 else {
                throw FileWriteError(path: path, reason: errnoText())
            }
        case .absent, .regular:
            try checkFolderWritable(parent(of: target.resolved), path: path, creatingMissing: false)
        }
    }

    /// Checks now that a folder can later be written at `path`.
    ///
    /// - Parameters:
    ///   - path: The folder.
    ///   - kind: For ``writeFolder(at:kind:creatingParents:wrappingErrors:_:)``: which existing
    ///     folders it may replace. `nil` for a folder that files are added to (it must be a
    ///     writable folder if it exists).
    ///   - creatingParents: Whether the writer creates missing folders above `path` (then the
    ///     nearest existing one must be writable).
    /// - Throws: ``FileWriteError`` saying why the write would fail.
    public static func checkWritableFolder(
        _ path: String, kind: FolderKind?, creatingParents: Bool = false
    ) throws(FileWriteError) {
        let target = try Target(path)
        if let kind {
            try checkReplaceable(target, path: path, kind: kind)
        } else if target.kind == .directory {
            return try checkFolderWritable(target.resolved, path: path, creatingMissing: false)
        } else if target.kind != .absent {
            throw FileWriteError(path: path, reason: "it exists and is not a folder")
        }
        try checkFolderWritable(parent(of: target.resolved), path: path, creatingMissing: creatingParents)
    }

    /// Throws unless `target` is absent, an empty folder or a folder of `kind`.
    static func checkReplaceable(_ target: Target, path: String, kind: FolderKind) throws(FileWriteError) {
        switch target.kind {
        case .absent: return
        case .regular, .stream:
            throw FileWriteError(path: path, reason: "it exists and is not a folder; refusing to replace it")
        case .directory:
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: target.resolved) } catch {
                throw FileWriteError(path: path, reason: "cannot list the folder to check what it holds")
            }
            guard entries.isEmpty || kind.matches(entries) else {
                throw FileWriteError(
                    path: path,
                    reason:
                        "the folder exists and \(kind.mismatch); refusing to replace it (choose a new path)")
            }
        }
    }

    /// Throws unless `folder` (or, with `creatingMissing`, its nearest existing ancestor) is a
    /// folder we may create entries in.
    private static func checkFolderWritable(
        _ folder: String, path: String, creatingMissing: Bool
    ) throws(FileWriteError) {
        var current = folder
        while true {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw FileWriteError(path: path, reason: "\(current) is not a folder")
                }
                guard access(current, W_OK | X_OK) == 0 else {
                    throw FileWriteError(
                        path: path, reason: "the folder \(current) is not writable (\(errnoText()))")
                }
                return
            }
            guard errno == ENOENT else {
                throw FileWriteError(path: path, reason: "\(current): \(errnoText())")
            }
            guard creatingMissing, current != "/", current != "." else {
                throw FileWriteError(
                    path: path,
                    reason: "the folder \(current) does not exist (create it first, or fix the path)")
            }
            current = parent(of: current)
        }
    }

    /// `mkdir -p folder`.
    private static func createFolders(_ folder: String, path: String) throws(FileWriteError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError(
                path: path, reason: "cannot create the folder \(folder): \(error.localizedDescription)")
        }
    }
}
