import Foundation

/// A process id no process can have, one above the kernel's limit, for fabricating the leftovers
/// of a killed run.
public func deadProcessID() -> String {
    let text = (try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)) ?? ""
    // 2^22 is the largest pid_max Linux allows.
    return String((Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 4_194_304) + 1)
}
