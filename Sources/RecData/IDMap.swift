/// A two-way map between raw ids (as they appear in files) and dense `Int32` indices.
///
/// Indices are handed out in order of first appearance, `0, 1, 2, ...`. Raw ids live only here;
/// everything inside the package works on indices and converts back at the edges.
public struct IDMap: Sendable, Equatable, Codable {
    /// Raw id of each index.
    public private(set) var rawIDs: [String]
    private var lookup: [String: Int32]

    /// An empty map.
    public init() {
        rawIDs = []
        lookup = [:]
    }

    /// A map over raw ids in index order; fails on a repeated id.
    public init?(rawIDs: [String]) {
        self.rawIDs = rawIDs
        lookup = Dictionary(minimumCapacity: rawIDs.count)
        for (i, raw) in rawIDs.enumerated() {
            if lookup.updateValue(Int32(i), forKey: raw) != nil { return nil }
        }
    }

    /// Number of distinct ids.
    public var count: Int { rawIDs.count }

    /// The index of a raw id, if known.
    @inlinable
    public func index(of raw: String) -> Int32? { _index(raw) }

    @usableFromInline
    func _index(_ raw: String) -> Int32? { lookup[raw] }

    /// The raw id of an index.
    public func rawID(_ index: Int32) -> String { rawIDs[Int(index)] }

    /// The index of `raw`, adding it when new.
    public mutating func intern(_ raw: String) -> Int32 {
        if let i = lookup[raw] { return i }
        let i = Int32(rawIDs.count)
        rawIDs.append(raw)
        lookup[raw] = i
        return i
    }

    private enum CodingKeys: String, CodingKey { case rawIDs }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let ids = try c.decode([String].self, forKey: .rawIDs)
        guard let map = IDMap(rawIDs: ids) else {
            throw DecodingError.dataCorruptedError(forKey: .rawIDs, in: c, debugDescription: "repeated raw id")
        }
        self = map
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rawIDs, forKey: .rawIDs)
    }
}
