import AutoRec
import Foundation
import RecData

/// Where the tool's text goes: results to stdout, progress and logs to stderr.
enum Console {
    nonisolated(unsafe) static var quiet = false

    /// Whether stderr is a terminal (progress bars only then).
    static let stderrIsTerminal = isatty(2) != 0

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// A log line on stderr, unless --quiet.
func log(_ text: String) {
    if !Console.quiet { Console.error(text) }
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
