import Foundation

/// What went wrong while reading a rating file or its side information.
///
/// Messages read like a compiler's, `path:line: what`, and end with a hint in parentheses when
/// the fix is known:
///
/// ```
/// ml-1m/ratings.dat:1: expected 3 fields, found 1 (looks like MovieLens 1M: pass --format ml-1m)
/// ratings.csv:1042: rating is not a number: 'five'
/// ```
///
/// Text quoted from the data is shown with its control characters escaped
/// (``InputText/escaped(_:)``): an escape byte reads `\x1b` instead of acting on the terminal.
public enum RatingFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder could not be opened; `reason` is the system's explanation.
    case cannotOpen(path: String, reason: String)
    /// The file was opened but reading it failed.
    case cannotRead(path: String, reason: String)
    /// The file holds no data lines (nothing, only blank lines, or only a header).
    case emptyFile(path: String)
    /// A line has a different number of fields than the layout has columns.
    case wrongFieldCount(InputPosition, expected: Int, found: Int, hint: String? = nil)
    /// A numeric field (`rating`, `timestamp`, `age`, ...) does not hold a number.
    case notANumber(InputPosition, field: String, text: String, hint: String? = nil)
    /// An id field (`user`, `item`) is empty.
    case emptyField(InputPosition, field: String)
    /// A rating is a number but not finite (`nan`, `inf`).
    case ratingNotFinite(InputPosition, text: String)
    /// A rating lies outside the allowed range given in ``ReadOptions/ratingRange``.
    case ratingOutOfRange(InputPosition, value: Float, range: ClosedRange<Float>)
    /// A rating is not on the scale the file must keep to (``ReadOptions/scale``); `source`
    /// says who set the scale (`MovieLens 100K`, `--scale`).
    case ratingOffScale(InputPosition, value: Float, scale: RatingScale, source: String, hint: String? = nil)
    /// The same (user, item) pair is rated twice under ``DuplicatePolicy/error``.
    ///
    /// `user` and `item` are the raw ids; `firstLine` is the line of the earlier rating and the
    /// position is the later one.
    case duplicatePair(InputPosition, user: String, item: String, firstLine: Int)
    /// Nothing recognisable was found; `hint` says what was looked for.
    case unknownFormat(path: String, hint: String)
    /// While working out a file's format, this line broke the pattern of the lines before it
    /// (or no separator splits it into fields); `reason` says how.
    case unrecognizedLine(InputPosition, reason: String)
    /// The header line does not match the layout.
    case badHeader(InputPosition, reason: String)
    /// The layout itself is unusable (e.g. no `rating` column).
    case badLayout(reason: String)
    /// A quoted CSV field is not closed on its line.
    case unterminatedQuote(InputPosition)
    /// A side-information field holds a value other than the ones allowed (`expected` says which).
    case unexpectedValue(InputPosition, field: String, text: String, expected: String)

    /// `path:line: what (hint)`, with control characters in quoted text escaped.
    public var description: String { InputText.escaped(message) }

    private var message: String {
        switch self {
        case let .cannotOpen(path, reason):
            "\(path): cannot open: \(reason)"
        case let .cannotRead(path, reason):
            "\(path): cannot read: \(reason)"
        case let .emptyFile(path):
            "\(path): no ratings in file"
        case let .wrongFieldCount(at, expected, found, hint):
            "\(at): expected \(expected) fields, found \(found)" + Self.suffix(hint)
        case let .notANumber(at, field, text, hint):
            "\(at): \(field) is not a number: '\(text)'" + Self.suffix(hint)
        case let .emptyField(at, field):
            "\(at): \(field) id is empty"
        case let .ratingNotFinite(at, text):
            "\(at): rating is not finite: '\(text)'"
        case let .ratingOutOfRange(at, value, range):
            "\(at): rating \(Self.format(value)) is outside the allowed range "
                + "\(Self.format(range.lowerBound))...\(Self.format(range.upperBound))"
        case let .ratingOffScale(at, value, scale, source, hint):
            "\(at): rating \(Self.format(value)) is not on the \(source) scale \(scale)" + Self.suffix(hint)
        case let .duplicatePair(at, user, item, firstLine):
            "\(at): user '\(user)' rated item '\(item)' again (first at line \(firstLine))"
                + " (choose a duplicate policy: keep-last or average)"
        case let .unknownFormat(path, hint):
            "\(path): unknown rating data format (\(hint))"
        case let .unrecognizedLine(at, reason):
            "\(at): unknown rating data format: \(reason)"
        case let .badHeader(at, reason):
            "\(at): bad header: \(reason)"
        case let .badLayout(reason):
            "bad layout: \(reason)"
        case let .unterminatedQuote(at):
            "\(at): quoted field is not closed"
        case let .unexpectedValue(at, field, text, expected):
            "\(at): \(field) is '\(text)', expected \(expected)"
        }
    }

    private static func suffix(_ hint: String?) -> String { hint.map { " (\($0))" } ?? "" }

    /// `4` rather than `4.0`; other values as Swift prints them.
    static func format(_ x: Float) -> String { RatingScale.format(x) }

    /// The system's explanation of `code` (an `errno` value): `Permission denied`,
    /// `Too many levels of symbolic links`.
    static func reason(errno code: Int32) -> String { String(cString: strerror(code)) }
}
