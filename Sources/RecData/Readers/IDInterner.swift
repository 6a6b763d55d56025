/// Turns raw id bytes into dense indices continuing an ``IDMap``, with a fast path for numeric ids.
///
/// A canonical decimal id (``ByteParsing/canonicalInteger(_:_:_:)``) below ``tableLimit`` is
/// looked up in a flat array indexed by its value, larger ones in an `[Int: Int32]` dictionary;
/// neither builds a `String` or hashes text. Every other id goes through a `String`-keyed
/// dictionary. New ids are appended to a list of raw ids in order of first appearance, and
/// ``finish()`` turns the list into the map, hashing each new id once into a table of the right
/// size (interning one id at a time into a growing `IDMap` cost several times more).
struct IDInterner {
    /// Numeric ids below this use the flat table (16 MB of `Int32` at most).
    static let tableLimit = 1 << 22

    private let original: IDMap
    private var rawIDs: [String]
    /// `table[v]` is the index of raw id `"\(v)"`, or -1.
    private var table: [Int32] = []
    private var large: [Int: Int32] = [:]
    /// Indices of the ids that are not canonical numbers.
    private var text: [String: Int32] = [:]

    /// Continues `map`: ids already in it keep their indices.
    init(continuing map: IDMap) {
        original = map
        rawIDs = map.rawIDs
        for (index, raw) in map.rawIDs.enumerated() {
            let value = Array(raw.utf8).withUnsafeBufferPointer { b -> Int? in
                guard let base = b.baseAddress else { return nil }
                return ByteParsing.canonicalInteger(base, 0, b.count)
            }
            if let value {
                remember(value, Int32(index))
            } else {
                text[raw] = Int32(index)
            }
        }
    }

    /// Number of distinct ids so far (the continued map's and the new ones).
    var count: Int { rawIDs.count }

    /// The map: the continued one with the new ids appended.
    func finish() -> IDMap {
        guard rawIDs.count > original.count else { return original }
        if let map = IDMap(rawIDs: rawIDs) { return map }
        // Unreachable: every raw id is added once. Kept as a safe path rather than a trap.
        var map = IDMap()
        for raw in rawIDs { _ = map.intern(raw) }
        return map
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
            // Every canonical number seen so far is in `table` or `large`, so this one is new.
            let index = Int32(rawIDs.count)
            rawIDs.append(ByteParsing.string(p, start, end))
            remember(value, index)
            return index
        }
        let raw = ByteParsing.string(p, start, end)
        if let index = text[raw] { return index }
        let index = Int32(rawIDs.count)
        rawIDs.append(raw)
        text[raw] = index
        return index
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
