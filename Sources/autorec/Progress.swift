import AutoRec
import Foundation

/// Training progress on stderr: the batch bar of an epoch, then one log line per epoch.
final class TrainingProgress: Sendable {
    private let bar = ProgressBar("", unit: .count("batch"))

    func batch(_ b: Int, of n: Int) {
        if n > 1 { bar.update(Int64(b), Int64(n)) }
    }

    func epoch(_ r: EpochRecord) {
        bar.finish()
        let valid = r.validationRMSE.map { String(format: "  valid %.4f", $0) } ?? ""
        log(String(format: "epoch %4d  loss %.6g  train %.4f%@  %.3f s", r.epoch, r.loss, r.trainRMSE, valid,
                   r.seconds))
    }

    func finish() { bar.finish() }
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
