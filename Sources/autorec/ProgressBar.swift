import Foundation

/// The tool's one progress display: a bar on standard error, redrawn in place, drawn only when
/// standard error is a terminal and `--quiet` is off (so logs and pipes stay clean). Safe to call
/// from any thread. Downloads count bytes; training counts mini-batches.
final class ProgressBar: @unchecked Sendable {
    /// What the bar counts, and how a count is written.
    enum Unit {
        /// Bytes, written in MB; without a total, redrawn once per MB.
        case bytes
        /// Plain counts (`batch 3/12`).
        case count(String)
    }

    private let label: String
    private let unit: Unit
    private let enabled: Bool
    private let lock = NSLock()
    // Guarded by `lock`: the last step drawn (a percent or a count), -1 when nothing is on screen.
    private var lastDrawn = -1

    /// A bar titled `label`; `enabled` defaults to whether standard error is a terminal.
    init(_ label: String, unit: Unit = .bytes, enabled: Bool = Console.stderrIsTerminal && !Console.quiet) {
        self.label = label
        self.unit = unit
        self.enabled = enabled
    }

    /// Shows `done` of `total` (or just `done` when the total is unknown); redraws at most once per
    /// percent (bytes) or per count.
    func update(_ done: Int64, _ total: Int64?) {
        guard enabled else { return }
        let step: Int
        switch unit {
        case .bytes: step = total.map { $0 > 0 ? Int(done * 100 / $0) : 100 } ?? Int(done >> 20)
        case .count: step = Int(done)
        }
        let line: String? = lock.withLock {
            guard step != lastDrawn else { return nil }
            lastDrawn = step
            let amount: String
            switch unit {
            case .bytes:
                amount = total.map { "\(step)% \(Self.megabytes(done))/\(Self.megabytes($0)) MB" }
                    ?? "\(Self.megabytes(done)) MB"
            case let .count(noun): amount = total.map { "\(noun) \(done)/\($0)" } ?? "\(noun) \(done)"
            }
            guard let total, total > 0 else { return "\r\(label) \(amount)" }
            let width = 30
            let filled = Int(Int64(width) * min(done, total) / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            return "\r\(label)[\(bar)] \(amount)"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }  // no newline: redrawn in place
    }

    /// Clears the bar's line, so the next log line starts clean.
    func finish() {
        guard enabled, lock.withLock({ () -> Bool in
            defer { lastDrawn = -1 }
            return lastDrawn >= 0
        }) else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}
