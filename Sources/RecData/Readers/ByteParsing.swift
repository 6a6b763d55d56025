/// Number parsing straight from bytes, for the readers' inner loops.
///
/// Each function looks at `p[start..<end]` only and returns `nil` when the text is not in the
/// fast form it understands; callers then fall back to the standard library's parser (for
/// exponents, `nan`, `inf`) or report the field.
enum ByteParsing {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let zero = UInt8(ascii: "0")

    /// Exact powers of ten as `Double` (all below 2^53 · 2^k, so each is exact).
    static let powersOfTen: [Double] = (0...18).map { k in
        var x = 1.0
        for _ in 0..<k { x *= 10 }
        return x
    }

    /// A canonical non-negative decimal integer (`0`, or digits without a leading zero, at most
    /// 18 digits); `nil` for anything else, including `01`, `+1`, ` 1`.
    ///
    /// Two raw ids name the same entity only when their texts are equal, so only canonical
    /// numbers may take the numeric fast path: `01` and `1` must stay different ids.
    @inline(__always)
    static func canonicalInteger(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let n = end - start
        guard n > 0, n <= 18 else { return nil }
        if p[start] == zero { return n == 1 ? 0 : nil }
        var v = 0
        var k = start
        while k < end {
            let d = p[k] &- zero
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int(d)  // at most 18 digits: cannot overflow
            k += 1
        }
        return v
    }

    /// Steps `k` past a leading `+` or `-`; returns whether it was `-`.
    @inline(__always)
    static func skipSign(_ p: UnsafePointer<UInt8>, _ k: inout Int, _ end: Int) -> Bool {
        guard k < end, p[k] == UInt8(ascii: "-") || p[k] == UInt8(ascii: "+") else { return false }
        k += 1
        return p[k - 1] == UInt8(ascii: "-")
    }

    /// A decimal integer with an optional sign (`-12`, `+7`, `007`); `nil` otherwise.
    @inline(__always)
    static func integer(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var k = start
        let negative = skipSign(p, &k, end)
        guard k < end, end - k <= 18 else { return nil }
        var v: Int64 = 0
        while k < end {
            let d = p[k] &- zero
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int64(d)  // at most 18 digits: cannot overflow
            k += 1
        }
        return negative ? -v : v
    }

    /// A plain decimal `[+-]digits[.digits]` with at most 18 digits in all; `nil` otherwise.
    ///
    /// The digits form an exact integer mantissa `m` (below 10^18) and the result is
    /// `m / 10^f` for `f` fraction digits, correctly rounded to `Double`, then to `Float`.
    @inline(__always)
    static func decimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var k = start
        let negative = skipSign(p, &k, end)
        var mantissa: Int64 = 0
        var digits = 0
        var fraction = -1  // number of digits after the point, -1 before the point
        while k < end {
            let c = p[k]
            let d = c &- zero
            if d < 10 {
                mantissa = mantissa &* 10 &+ Int64(d)
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else if c == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else {
                return nil
            }
            k += 1
        }
        guard digits > 0, digits <= 18 else { return nil }
        var x = Double(mantissa)
        if fraction > 0 { x /= powersOfTen[fraction] }
        return Float(negative ? -x : x)
    }

    /// The bytes as text to quote in an error: invalid UTF-8 bytes written as `\xNN`
    /// (``InputText/decode(_:)``).
    static func quoted(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        InputText.decode(UnsafeBufferPointer(start: p + start, count: end - start))
    }

    /// The bytes as a `String` (UTF-8; invalid bytes become U+FFFD).
    static func string(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    }
}
