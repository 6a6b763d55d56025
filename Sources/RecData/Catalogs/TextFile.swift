import Foundation

/// A small text file read whole, for side information and format sniffing.
///
/// Keeps bytes; text is decoded per field, as UTF-8 or Latin-1 (``TextEncoding``), because
/// MovieLens 1M/100K files are Latin-1 and later releases UTF-8.
struct TextFile {
    /// How to turn field bytes into text.
    enum TextEncoding {
        /// Every byte is one character (ISO 8859-1).
        case latin1
        /// UTF-8, falling back to Latin-1 for a line that is not valid UTF-8.
        case utf8OrLatin1
    }

    /// One non-blank line: its 1-based number and bytes (no line end, no `\r`, no BOM).
    struct Line {
        var number: Int
        var bytes: ArraySlice<UInt8>
    }

    let path: String
    let lines: [Line]

    /// Reads `path` whole; `limit` bytes at most when given (the last, partial line is dropped).
    init(path: String, limit: Int? = nil) throws(RatingFileError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: RatingFileError.reason(errno: errno)) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data: Data
        do {
            data = try (limit.map { try handle.read(upToCount: $0) } ?? handle.readToEnd()) ?? Data()
        } catch {
            throw .cannotRead(path: path, reason: "\(error.localizedDescription)")
        }
        self.init(bytes: [UInt8](data), path: path, limit: limit)
    }

    /// The lines of `bytes`, as if read from a file at `path`; when `bytes` fill `limit`, the
    /// last, partial line is dropped.
    init(bytes: [UInt8], path: String, limit: Int? = nil) {
        self.path = path
        var bytes = bytes
        if let limit, bytes.count >= limit, let last = bytes.lastIndex(of: ByteParsing.newline) {
            bytes.removeSubrange((last + 1)...)
        }
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var found: [Line] = []
        var number = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: ByteParsing.newline) ?? bytes.count
            number += 1
            var stop = end
            if stop > start, bytes[stop - 1] == ByteParsing.carriageReturn { stop -= 1 }
            let line = bytes[start..<stop]
            if line.contains(where: { $0 != ByteParsing.space && $0 != ByteParsing.tab }) {
                found.append(Line(number: number, bytes: line))
            }
            start = end + 1
        }
        lines = found
    }

    /// One line split into decoded fields.
    struct Record {
        var position: InputPosition
        var fields: [String]

        /// Field `k` as an integer, or a ``RatingFileError/notANumber(_:field:text:hint:)`` naming `name`.
        func integer(_ k: Int, _ name: String) throws(RatingFileError) -> Int {
            guard let value = Int(fields[k]) else {
                throw .notANumber(position, field: name, text: fields[k])
            }
            return value
        }
    }

    /// The lines split at `separator` (CSV rules when it is `nil`), decoded, each with exactly
    /// `count` fields.
    func records(separator: String?, fields count: Int, encoding: TextEncoding) throws(RatingFileError)
        -> [Record]
    {
        var records: [Record] = []
        records.reserveCapacity(lines.count)
        for line in lines {
            let raw: [ArraySlice<UInt8>]
            if let separator {
                raw = Self.split(line.bytes, separator: Array(separator.utf8))
            } else {
                raw = try Self.splitCSV(line.bytes, at: at(line)).map { $0[...] }
            }
            guard raw.count == count else {
                throw .wrongFieldCount(at(line), expected: count, found: raw.count)
            }
            records.append(Record(position: at(line), fields: raw.map { Self.decode($0, encoding) }))
        }
        return records
    }

    /// The position of a line, for errors.
    func at(_ line: Line) -> InputPosition { InputPosition(file: path, line: line.number) }

    /// Splits `bytes` at every occurrence of `separator` (no quoting).
    static func split(_ bytes: ArraySlice<UInt8>, separator: [UInt8]) -> [ArraySlice<UInt8>] {
        var fields: [ArraySlice<UInt8>] = []
        var fieldStart = bytes.startIndex
        var k = bytes.startIndex
        while k < bytes.endIndex {
            if bytes[k] == separator[0], k + separator.count <= bytes.endIndex,
                bytes[k..<(k + separator.count)].elementsEqual(separator)
            {
                fields.append(bytes[fieldStart..<k])
                k += separator.count
                fieldStart = k
            } else {
                k += 1
            }
        }
        fields.append(bytes[fieldStart..<bytes.endIndex])
        return fields
    }

    /// Splits a CSV line at commas outside double quotes; a quoted field loses its quotes and
    /// `""` inside it becomes `"` (RFC 4180, one line per record).
    static func splitCSV(_ bytes: ArraySlice<UInt8>, at position: InputPosition) throws(RatingFileError)
        -> [[UInt8]]
    {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var quoted = false
        var k = bytes.startIndex
        while k < bytes.endIndex {
            let b = bytes[k]
            if quoted {
                if b == quote {
                    if k + 1 < bytes.endIndex, bytes[k + 1] == quote {
                        field.append(quote)
                        k += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == quote, field.isEmpty {
                quoted = true
            } else if b == comma {
                fields.append(field)
                field = []
            } else {
                field.append(b)
            }
            k += 1
        }
        guard !quoted else { throw .unterminatedQuote(position) }
        fields.append(field)
        return fields
    }

    /// Decodes field bytes.
    static func decode(_ bytes: some Collection<UInt8>, _ encoding: TextEncoding) -> String {
        if encoding == .utf8OrLatin1, let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        for b in bytes { scalars.append(Unicode.Scalar(b)) }
        return String(scalars)
    }
}
