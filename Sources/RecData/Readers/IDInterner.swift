/// Turns raw id bytes into dense indices of an ``IDMap``, with a fast path for numeric ids.
///
/// A canonical decimal id (``ByteParsing/canonicalInteger(_:_:_:)``) below ``tableLimit`` is
/// looked up in a flat array indexed by its value, larger ones in an `[Int: Int32]` dictionary;
/// neither builds a `String`. Every other id goes through the map's own `String` lookup. A new
/// id is always interned into the map as text, so the map ends up exactly as if every id had
/// been interned as a `String`.
struct IDInterner {
    /// Numeric ids below this use the flat table (16 MB of `Int32` at most).
    static let tableLimit = 1 << 22

    private(set) var map: IDMap
    /// `table[v]` is the index of raw id `"\(v)"`, or -1.
    private var table: [Int32]
    private var large: [Int: Int32]

    /// Continues `map`: ids already in it keep their indices.
    init(continuing map: IDMap) {
        self.map = map
        table = []
        large = [:]
        for (index, raw) in map.rawIDs.enumerated() {
            let value = Array(raw.utf8).withUnsafeBufferPointer { b -> Int? in
                guard let base = b.baseAddress else { return nil }
                return ByteParsing.canonicalInteger(base, 0, b.count)
            }
            if let value { remember(value, Int32(index)) }
        }
    }

    /// The index of the id in `p[start..<end]`, adding it when new. The field must not be empty.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int32 {
        if let value = ByteParsing.canonicalInteger(p, start, end) {
            if value < table.count {
                let index = table[value]
                if index >= 0 { return index }
            } else if value >= Self.tableLimit, let index = large[value] {
                return index
            }
            let index = map.intern(ByteParsing.string(p, start, end))
            remember(value, index)
            return index
        }
        return map.intern(ByteParsing.string(p, start, end))
    }

    private mutating func remember(_ value: Int, _ index: Int32) {
        if value < Self.tableLimit {
            if value >= table.count {
                var size = Swift.max(1024, table.count)
                while size <= value { size *= 2 }
                table.append(
                    contentsOf: repeatElement(-1, count: Swift.min(size, Self.tableLimit) - table.count))
            }
            table[value] = index
        } else {
            large[value] = index
        }
    }
}
