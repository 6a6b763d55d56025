import AutoRec
import Foundation

/// Training progress on stderr: a bar redrawn in place on a terminal, and one line per epoch.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let terminal = Console.stderrIsTerminal
    private var barShown = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func batch(_ b: Int, of n: Int) {
        guard enabled, terminal, n > 1 else { return }
        let width = 30
        let filled = width * b / n
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] batch \(b)/\(n)".utf8))
        barShown = true
    }

    func epoch(_ r: EpochRecord) {
        guard enabled else { return }
        if barShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            barShown = false
        }
        let valid = r.validationRMSE.map { String(format: "  valid %.4f", $0) } ?? ""
        Console.error(String(format: "epoch %4d  loss %.6g  train %.4f%@  %.3f s", r.epoch, r.loss, r.trainRMSE,
                             valid, r.seconds))
    }

    func finish() {
        if barShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Turns the first Ctrl-C into a request to stop training; a second one ends the process.
struct InterruptHandler {
    static func install() -> InterruptHandler {
        signal(SIGINT) { _ in
            if TrainingControl.stopRequested { _exit(130) }
            TrainingControl.requestStop()
        }
        return InterruptHandler()
    }

    func remove() { signal(SIGINT, SIG_DFL) }
}
