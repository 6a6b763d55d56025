import Foundation

/// A one-line progress display on standard error, drawn only when standard error is a terminal
/// and `--quiet` is off (so logs and pipes stay clean). Safe to call from any thread.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()
    // Guarded by `lock`.
    private var lastDrawn = -1

    /// A bar titled `label`; `enabled` defaults to whether standard error is a terminal.
    init(_ label: String, enabled: Bool = Console.stderrIsTerminal && !Console.quiet) {
        self.label = label
        self.enabled = enabled
    }

    /// Shows `done` of `total` bytes (or just `done` when the total is unknown); redraws at most
    /// once per percent (or per MB without a total).
    func update(_ done: Int64, _ total: Int64?) {
        guard enabled else { return }
        let step = total.map { $0 > 0 ? Int(done * 100 / $0) : 100 } ?? Int(done >> 20)
        let line: String? = lock.withLock {
            guard step != lastDrawn else { return nil }
            lastDrawn = step
            if let total, total > 0 {
                let width = 30
                let filled = Int(Int64(width) * min(done, total) / total)
                let bar =
                    String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                return "\r\(label) [\(bar)] \(step)% \(Self.megabytes(done))/\(Self.megabytes(total)) MB"
            }
            return "\r\(label) \(Self.megabytes(done)) MB"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }  // no newline: redrawn in place
    }

    /// Ends the line the bar was drawn on.
    func finish() {
        guard enabled, lock.withLock({ lastDrawn >= 0 }) else { return }
        Console.error("")
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}
