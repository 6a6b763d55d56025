import AutoRec
import Foundation
import Logging
import RecData

/// Where the tool's text goes: results to stdout, progress and logs to stderr.
enum Console {
    /// `--quiet`: log only warnings and errors, draw no progress.
    nonisolated(unsafe) static var quiet = false
    /// `--verbose`: log debug lines too (per-epoch figures of the baselines, for example).
    nonisolated(unsafe) static var verbose = false

    /// The tool's logger: plain lines on standard error, at the level `--quiet` and `--verbose` set.
    /// Libraries that take a `Logger` get this one.
    static var logger: Logger {
        var logger = Logger(label: "autorec") { _ in StandardErrorLogHandler() }
        logger.logLevel = quiet ? .warning : verbose ? .debug : .info
        return logger
    }

    /// Whether stderr is a terminal (progress bars only then).
    static let stderrIsTerminal = isatty(2) != 0

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// An information line on stderr through ``Console/logger`` (silenced by --quiet).
func log(_ text: String) {
    Console.logger.info("\(text)")
}

/// A swift-log handler that writes each message as one plain line on standard error, prefixed
/// with its level when that is not `info` (`warning: ...`), as compilers print diagnostics.
struct StandardErrorLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let prefix = event.level == .info ? "" : "\(event.level): "
        Console.error(prefix + event.message.description)
    }
}

/// Prints an encodable value as pretty JSON on stdout.
func printJSON(_ value: some Encodable) throws {
    print(String(decoding: try ReportJSON.encode(value), as: UTF8.self))
}

/// A plain text table: the first row is the header; numbers right-aligned.
func printTable(_ rows: [[String]]) {
    guard let first = rows.first else { return }
    var widths = [Int](repeating: 0, count: first.count)
    for r in rows { for (c, cell) in r.enumerated() where c < widths.count { widths[c] = max(widths[c], cell.count) } }
    for (i, r) in rows.enumerated() {
        var line = ""
        for (c, cell) in r.enumerated() {
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            let numeric = i > 0 && c > 0 && Double(cell.replacingOccurrences(of: "%", with: "")) != nil
            line += (c > 0 ? "  " : "") + (numeric ? pad + cell : cell + pad)
        }
        print(line.trimmingCharacters(in: .whitespaces))
        if i == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
    }
}

/// Formats a number with `digits` decimals.
func fixed(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", x) }

/// A `--data` argument as a path: an existing file or folder as it is, a catalogue name
/// (`ml-1m`) as its folder in the data directory (`$AUTOREC_DATA`, `$XDG_CACHE_HOME/autorec` or
/// `~/.cache/autorec`); otherwise an error saying to run `autorec download NAME` first.
func resolveDataArgument(_ argument: String) throws -> String {
    // Something that looks like a path is read as one, so a typo gets the reader's "cannot open".
    if argument.contains("/") { return argument }
    return try DataDirectory.resolveDataArgument(argument, dataDirectory: DataDirectory.resolve()).path
}
