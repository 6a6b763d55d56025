import Foundation

/// The memory a run may use, checked before anything large is allocated.
///
/// A run whose buffers cannot fit would otherwise die in the allocator (a trap) after the data
/// was read. Estimates are computed in `Double`, so sizes far past `Int.max` are reported, not
/// overflowed.
public enum MemoryBudget {
    /// The memory this process may use: physical memory, or the cgroup limit when lower.
    public static var availableBytes: Double {
        var bytes = Double(ProcessInfo.processInfo.physicalMemory)
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let limit = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
            {
                bytes = min(bytes, limit)
            }
        }
        return bytes
    }

    /// Throws when `bytes` exceed what the machine can give.
    ///
    /// - Parameters:
    ///   - bytes: The estimated peak memory of the run.
    ///   - what: The run, as the user named it (`U-AutoRec with 1000000000 hidden units`).
    ///   - hint: What to change (`lower --hidden-units`).
    ///   - available: The budget (default ``availableBytes``).
    /// - Throws: ``ResourceError/insufficientMemory(what:needed:available:hint:)``.
    public static func check(
        _ bytes: Double, for what: String, hint: String, available: Double = availableBytes
    ) throws(ResourceError) {
        if !(bytes <= available) {
            throw .insufficientMemory(what: what, needed: bytes, available: available, hint: hint)
        }
    }

    /// `1.5 GB`, `48.3 TB`: decimal units, one decimal.
    public static func format(_ bytes: Double) -> String {
        guard bytes.isFinite else { return "an unbounded amount" }
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}

/// A run the machine cannot hold.
public enum ResourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The run needs about `needed` bytes and the machine has `available`.
    case insufficientMemory(what: String, needed: Double, available: Double, hint: String)

    public var description: String {
        switch self {
        case let .insufficientMemory(what, needed, available, hint):
            "\(what) needs about \(MemoryBudget.format(needed)) of memory, and this machine has "
                + "\(MemoryBudget.format(available)) (help: \(hint))"
        }
    }
}
