/// Parses the lines of one rating file into columns; ``RatingReader`` feeds it lines.
///
/// Lines arrive as byte ranges without their line end (`\n`, `\r\n`). Fields are found by
/// scanning for the separator, numbers are parsed from the bytes (``ByteParsing``), and ids go
/// through an ``IDInterner``; nothing allocates per line except for ids seen for the first time.
struct RatingLineParser: LineSink {
    let path: String
    private let separator: [UInt8]
    private let columns: [RatingFileLayout.Column]
    private let userField: Int
    private let itemField: Int
    private let ratingField: Int
    private let timestampField: Int
    private let ratingRange: ClosedRange<Float>?
    /// The widest scale ratings may use (``KnownScale/allowed``), when one is set.
    private let allowedScale: RatingScale?
    private let knownScale: KnownScale?
    private let layoutSeparator: String
    private let hasHeader: Bool
    private var headerPending: Bool
    /// Start and end of each field of the current line; owned by the caller (see `init`).
    private let bounds: UnsafeMutablePointer<Int>

    var users: IDInterner
    var items: IDInterner
    var userColumn: [Int32] = []
    var itemColumn: [Int32] = []
    var ratingColumn: [Float] = []
    var timestampColumn: [Int64] = []
    /// Lines seen so far (the current line's 1-based number while it is parsed).
    private(set) var line = 0
    /// Maps rows back to lines: see ``lineOfRow(_:)``.
    private var lines: RowLines

    /// A parser for `layout`, continuing the given maps.
    ///
    /// `bounds` is scratch space for `2 * (layout.columns.count + 1)` integers that the caller
    /// allocates and frees, and keeps alive while the parser is used.
    init(
        path: String, layout: RatingFileLayout, options: ReadOptions, userIDs: IDMap, itemIDs: IDMap,
        bounds: UnsafeMutablePointer<Int>
    ) throws(RatingFileError) {
        try layout.validate()
        self.path = path
        separator = Array(layout.separator.utf8)
        layoutSeparator = layout.separator
        columns = layout.columns
        userField = try layout.field(of: .user) ?? -1
        itemField = try layout.field(of: .item) ?? -1
        ratingField = try layout.field(of: .rating) ?? -1
        timestampField = try layout.field(of: .timestamp) ?? -1
        ratingRange = options.ratingRange
        knownScale = options.scale
        allowedScale = options.scale?.allowed
        hasHeader = layout.hasHeader
        headerPending = layout.hasHeader
        self.bounds = bounds
        users = IDInterner(continuing: userIDs)
        items = IDInterner(continuing: itemIDs)
        lines = RowLines()
    }

    /// Reserves room for about `rows` ratings.
    mutating func reserve(_ rows: Int) {
        userColumn.reserveCapacity(rows)
        itemColumn.reserveCapacity(rows)
        ratingColumn.reserveCapacity(rows)
        if timestampField >= 0 { timestampColumn.reserveCapacity(rows) }
    }

    /// The line number of row `row`.
    func lineOfRow(_ row: Int) -> Int { lines.line(ofRow: row) }

    /// Parses the line `p[start..<end]` (line end already removed, `\r` included or not).
    @inline(__always)
    mutating func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) throws(RatingFileError) {
        line += 1
        var end = end
        if end > start, p[end - 1] == ByteParsing.carriageReturn { end -= 1 }
        if end == start || p[start] == ByteParsing.space || p[start] == ByteParsing.tab {
            if isBlank(p, start, end) { return }
        }
        let found = split(p, start, end)
        if headerPending {
            try checkHeader(p, found)
            headerPending = false
            return
        }
        guard found == columns.count else {
            throw .wrongFieldCount(
                at, expected: columns.count, found: found, hint: fieldCountHint(p, start, end))
        }
        let b = bounds
        let us = b[2 * userField], ue = b[2 * userField + 1]
        let its = b[2 * itemField], ie = b[2 * itemField + 1]
        guard ue > us else { throw .emptyField(at, field: "user") }
        guard ie > its else { throw .emptyField(at, field: "item") }
        let rating = try parseRating(p, b[2 * ratingField], b[2 * ratingField + 1])
        if timestampField >= 0 {
            let ts = b[2 * timestampField], te = b[2 * timestampField + 1]
            // The fast path takes up to 18 digits; longer ones that still fit Int64 go through
            // the standard library.
            guard let t = ByteParsing.integer(p, ts, te) ?? Int64(ByteParsing.string(p, ts, te)) else {
                throw .notANumber(at, field: "timestamp", text: ByteParsing.quoted(p, ts, te))
            }
            timestampColumn.append(t)
        }
        lines.record(row: ratingColumn.count, line: line)
        userColumn.append(users.intern(p, us, ue))
        itemColumn.append(items.intern(p, its, ie))
        ratingColumn.append(rating)
    }

    private var at: InputPosition { InputPosition(file: path, line: line) }

    /// Fills `bounds` with up to `columns.count` fields and returns how many fields the line has.
    @inline(__always)
    private func split(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        let limit = columns.count
        let b = bounds
        var fields = 0
        var fieldStart = start
        var k = start
        if separator.count == 1 {
            let s = separator[0]
            while k < end {
                if p[k] == s {
                    if fields < limit { b[2 * fields] = fieldStart; b[2 * fields + 1] = k }
                    fields += 1
                    fieldStart = k + 1
                }
                k += 1
            }
        } else {
            let s0 = separator[0]
            let n = separator.count
            while k < end {
                if p[k] == s0, k + n <= end, matchesSeparator(p, k) {
                    if fields < limit { b[2 * fields] = fieldStart; b[2 * fields + 1] = k }
                    fields += 1
                    k += n
                    fieldStart = k
                } else {
                    k += 1
                }
            }
        }
        if fields < limit { b[2 * fields] = fieldStart; b[2 * fields + 1] = end }
        return fields + 1
    }

    @inline(__always)
    private func matchesSeparator(_ p: UnsafePointer<UInt8>, _ k: Int) -> Bool {
        var j = 1
        while j < separator.count {
            if p[k + j] != separator[j] { return false }
            j += 1
        }
        return true
    }

    private func isBlank(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end {
            if p[k] != ByteParsing.space, p[k] != ByteParsing.tab { return false }
            k += 1
        }
        return true
    }

    @inline(__always)
    private func parseRating(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) throws(RatingFileError) -> Float {
        let value: Float
        if let fast = ByteParsing.decimal(p, s, e) {
            value = fast
        } else {
            guard let slow = Float(ByteParsing.string(p, s, e)) else {
                let hint =
                    ratingColumn.isEmpty && !hasHeader && looksLikeHeader(p)
                    ? "the first line looks like a header: pass --header" : nil
                throw .notANumber(at, field: "rating", text: ByteParsing.quoted(p, s, e), hint: hint)
            }
            guard slow.isFinite else { throw .ratingNotFinite(at, text: ByteParsing.quoted(p, s, e)) }
            value = slow
        }
        if let range = ratingRange, !range.contains(value) {
            throw .ratingOutOfRange(at, value: value, range: range)
        }
        if let allowed = allowedScale, !allowed.contains(value), let known = knownScale {
            throw .ratingOffScale(at, value: value, scale: allowed, source: known.source, hint: known.hint)
        }
        return value
    }

    /// Whether the line just split has no numeric field at all, as a header line would
    /// (`user item rating`); a data line with one bad field keeps its numeric ids.
    private func looksLikeHeader(_ p: UnsafePointer<UInt8>) -> Bool {
        for k in 0..<columns.count
        where Double(ByteParsing.string(p, bounds[2 * k], bounds[2 * k + 1])) != nil {
            return false
        }
        return true
    }

    private func checkHeader(_ p: UnsafePointer<UInt8>, _ found: Int) throws(RatingFileError) {
        guard found == columns.count else {
            throw .badHeader(at, reason: "it has \(found) fields, the layout has \(columns.count) columns")
        }
        let s = bounds[2 * ratingField], e = bounds[2 * ratingField + 1]
        if ByteParsing.decimal(p, s, e) != nil {
            throw .badHeader(
                at,
                reason: "rating field '\(ByteParsing.quoted(p, s, e))' is a number, "
                    + "so the first line looks like data (the file has no header)")
        }
    }

    /// A hint naming the separator the line seems to use, if it is not the layout's.
    private func fieldCountHint(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        let text = ByteParsing.string(p, start, end)
        if layoutSeparator != "::", text.contains("::") {
            return "looks like MovieLens 1M: pass --format ml-1m"
        }
        if layoutSeparator != "\t", text.contains("\t") {
            return "looks tab-separated like MovieLens 100K: pass --format ml-100k or --separator '\\t'"
        }
        if layoutSeparator != ",", text.contains(",") {
            return "looks comma-separated: pass --format ml-latest or --separator ','"
        }
        if layoutSeparator != ";", text.contains(";") {
            return "looks semicolon-separated: pass --separator ';'"
        }
        return nil
    }
}

/// Row-to-line bookkeeping that costs nothing while every row is one line further than the last.
///
/// Stores `(row, line)` only where `line - row` changes (after a header or blank lines), so
/// a line number is found by binary search when an error needs it.
struct RowLines {
    private var rows: [Int] = []
    private var lines: [Int] = []
    private var delta = Int.min

    @inline(__always)
    mutating func record(row: Int, line: Int) {
        if line - row != delta {
            delta = line - row
            rows.append(row)
            lines.append(line)
        }
    }

    func line(ofRow row: Int) -> Int {
        var lo = 0
        var hi = rows.count  // find the last anchor with rows[a] <= row
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid] <= row { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return row + 1 }
        return lines[lo - 1] + (row - rows[lo - 1])
    }
}
