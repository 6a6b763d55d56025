/// Text taken from an input file, made safe to show in a message.
///
/// Error messages quote fields and lines of the data. Quoted as they are, bytes such as
/// `ESC [ 2 J` would reach the user's terminal and act on it, and invalid UTF-8 would be lost.
/// Every message that quotes input goes through ``escaped(_:)``; readers decode quoted bytes
/// with ``decode(_:)`` so invalid UTF-8 stays visible.
public enum InputText {
    /// `text` with control characters written out: tab, line feed and carriage return as `\t`,
    /// `\n`, `\r`, other C0/C1 controls and DEL as `\x1b`-style escapes, and the bidirectional
    /// formatting characters (which reorder what follows them on screen) as `\u{202E}`.
    ///
    /// Printable text, including non-ASCII letters, is kept as is.
    ///
    /// - Parameter text: Text that may come from an input file.
    /// - Returns: Text without control characters.
    /// - Complexity: O(length of `text`).
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out += hex(scalar.value)
            }
        }
        return out
    }

    /// Bytes from a file as text for a message: valid UTF-8 as it is, every byte of an invalid
    /// sequence as `\xNN` (so it is seen rather than replaced by U+FFFD).
    ///
    /// - Parameter bytes: The bytes as read.
    /// - Returns: Text to pass to an error; control characters are escaped later by
    ///   ``escaped(_:)`` when the message is made.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        let all = Array(bytes)
        var out = ""
        var offset = 0
        var iterator = all.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded):
                out.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case let .error(length):
                for k in offset..<min(offset + length, all.count) { out += hex(UInt32(all[k])) }
                offset += length
            case .emptyInput:
                return out
            }
        }
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v)
    }

    /// `\x1b` below 256, `\u{202E}` above.
    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return value < 0x100
            ? "\\x" + String(repeating: "0", count: 2 - digits.count) + digits
            : "\\u{" + digits.uppercased() + "}"
    }
}
