import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension AtomicWriter {
    /// How long a leftover without a process id in its name (written by releases before the id was
    /// added) must have been untouched before it counts as stale: an hour.
    public static let legacyLeftoverAge: TimeInterval = 3600

    /// Removes what killed runs left beside `target`: `NAME.tmp-PID-…` and `NAME.old-PID-…` files
    /// or folders whose process `PID` is no longer running.
    ///
    /// Every write calls this for its own target, so leftovers of a killed run (a half-written
    /// checkpoint, a model folder moved aside) go at the next write to the same path; temporaries
    /// are removed before writing (they free space the new write may need), folders moved aside
    /// only once the new folder is in place (between the two renames of an interrupted save, the
    /// aside copy is the only one). A leftover of a live process is never touched: it may be a
    /// concurrent writer, and so may one whose process id cannot be checked (another user's, which
    /// `kill(pid, 0)` answers with `EPERM`). Names without a process id, from earlier releases
    /// (`NAME.tmp-XXXXXX`, `NAME.old-XXXXXXXX`, `.NAME.PID.tmp`), are removed once
    /// ``legacyLeftoverAge`` old, or by their process id when they have one.
    ///
    /// A process in another PID namespace (another container writing to a shared folder) looks
    /// dead from here; do not point two containers at the same output path at the same time.
    ///
    /// - Parameter target: The file or folder whose leftovers to remove.
    public static func removeStaleTemporaries(of target: String) {
        removeStaleTemporaries(of: target, kinds: [temporaryTag, asideTag])
    }

    /// Removes the stale leftovers of `target` whose tag is one of `kinds`.
    static func removeStaleTemporaries(of target: String, kinds: [String]) {
        let folder = parent(of: target)
        let name = target.split(separator: "/").last.map(String.init) ?? target
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let now = Date()
        for entry in entries {
            let path = "\(folder)/\(entry)"
            switch leftover(entry, of: name, kinds: kinds) {
            case nil: continue
            case let .process(pid): if isRunning(pid) { continue }
            case .legacy:
                let changed =
                    (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
                guard let changed, now.timeIntervalSince(changed) > legacyLeftoverAge else { continue }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Who left a leftover: a process named in it, or an earlier release that named none.
    enum Leftover: Equatable {
        case process(String)
        case legacy
    }

    /// Whether `entry` is a leftover of a write to `name` with one of the tags in `kinds`.
    static func leftover(_ entry: String, of name: String, kinds: [String]) -> Leftover? {
        func isAlphanumeric(_ s: Substring) -> Bool {
            !s.isEmpty && s.count <= 16 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
        func isDigits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
        for tag in kinds where entry.hasPrefix("\(name).\(tag)-") {
            let rest = entry.dropFirst(name.count + tag.count + 2)
            let fields = rest.split(separator: "-", omittingEmptySubsequences: false)
            if fields.count == 2, isDigits(fields[0]), isAlphanumeric(fields[1]) {
                return .process(String(fields[0]))
            }
            // mkstemp's six characters, or eight hex digits.
            if fields.count == 1, isAlphanumeric(fields[0]),
                fields[0].count == 6 || (fields[0].count == 8 && fields[0].allSatisfy(\.isHexDigit))
            {
                return .legacy
            }
        }
        // Reports of earlier releases went through `.NAME.PID.tmp`.
        let legacyReport = ".\(name)."
        if kinds.contains(temporaryTag), entry.hasPrefix(legacyReport), entry.hasSuffix(".tmp") {
            let pid = entry.dropFirst(legacyReport.count).dropLast(4)
            if isDigits(pid) { return .process(String(pid)) }
        }
        return nil
    }

    /// Whether process `pid` may be running (`kill(pid, 0)` did not answer "no such process").
    static func isRunning(_ pid: String) -> Bool {
        // A number no pid_t can hold names no process.
        guard let id = Int32(pid), id > 0 else { return false }
        return kill(id, 0) == 0 || errno != ESRCH
    }
}
