import Foundation

/// Writes a ``RatingTable`` as a delimited text file in one of the MovieLens layouts or any other.
///
/// Each line holds the fields of ``RatingFileLayout/columns`` joined by the separator: raw user and
/// item ids from the table's ``IDMap``s, the rating printed minimally (`4`, `3.5`), and the Unix
/// timestamp (`0` when the layout has a timestamp column and the table has none). A layout with a
/// header gets `userId,movieId,rating,timestamp` (named after the columns, MovieLens style) first.
///
/// The file is built in a large byte buffer flushed in chunks (no `String` per line), so a table of
/// 100 million ratings is written at disk speed. It is written through ``AtomicWriter``: to
/// `path.tmp-PID-XXXXXXXX` in the same folder, renamed over `path` once complete, and removed on
/// any error (a device or FIFO is written in place; a symbolic link is followed).
///
/// ```swift
/// let writer = try RatingWriter(format: .ml1m)
/// try writer.write(table, to: URL(filePath: "out/ratings.dat"))   // 1::1193::5::978300760
/// ```
public struct RatingWriter: Sendable {
    /// The layout of the lines written.
    public var layout: RatingFileLayout

    /// Bytes gathered before each write to disk (4 MiB; tests make it small to exercise flushing).
    var chunkSize = 1 << 22

    /// A writer for a layout.
    ///
    /// - Parameter layout: separator, header and columns; the columns must hold `user`, `item` and
    ///   `rating` exactly once, and the separator must not be empty.
    /// - Throws: ``RatingWriteError/invalidLayout(_:)`` when it does not.
    public init(layout: RatingFileLayout) throws(RatingWriteError) {
        for column in [RatingFileLayout.Column.user, .item, .rating] {
            let n = layout.columns.count(where: { $0 == column })
            guard n == 1 else {
                throw .invalidLayout("the columns must name '\(column.rawValue)' once, found \(n) times")
            }
        }
        guard !layout.separator.isEmpty else { throw .invalidLayout("the separator is empty") }
        self.layout = layout
    }

    /// A writer for a file format: the preset layout of a MovieLens format, or `layout` for
    /// ``RatingFileFormat/delimited``.
    ///
    /// - Parameters:
    ///   - format: the format to write.
    ///   - layout: the layout to use instead of the format's preset (required for `delimited`).
    /// - Throws: ``RatingWriteError/invalidLayout(_:)`` for `delimited` without a layout or for an
    ///   invalid layout.
    public init(format: RatingFileFormat, layout: RatingFileLayout? = nil) throws(RatingWriteError) {
        guard let chosen = layout ?? format.presetLayout else {
            throw .invalidLayout("format 'delimited' needs a layout (separator and columns)")
        }
        try self.init(layout: chosen)
    }

    /// The header line (without the newline): each column's MovieLens name joined by the separator.
    public var header: String {
        layout.columns.map { column in
            switch column {
            case .user: "userId"
            case .item: "movieId"
            case .rating: "rating"
            case .timestamp: "timestamp"
            case .ignore: "-"
            }
        }.joined(separator: layout.separator)
    }

    /// Writes `table` to `url` atomically, replacing any file there.
    ///
    /// - Parameters:
    ///   - table: the ratings; ids are written as the table's raw ids.
    ///   - url: a file URL; its folder must exist.
    /// - Throws: ``RatingWriteError/cannotWrite(_:)`` when the file cannot be created, written or
    ///   renamed into place (nothing is left behind).
    /// - Complexity: O(ratings), one pass; memory O(users + items) beyond a 4 MiB buffer.
    public func write(_ table: RatingTable, to url: URL) throws(RatingWriteError) {
        let path = url.path
        try AtomicWriter.write(to: path, wrappingErrors: RatingWriteError.cannotWrite) { fd throws(RatingWriteError) in
            try self.encode(table) { (chunk: UnsafeRawBufferPointer) throws(RatingWriteError) in
                do throws(FileWriteError) { try AtomicWriter.writeAll(fd, chunk, path: path) } catch {
                    throw .cannotWrite(error)
                }
            }
        }
    }

    /// The folders ``writeSplitFolder(_:to:)`` replaces: empty ones, and those holding a
    /// `train`, `validation` or `test` file or a `fold-N` folder of an earlier split.
    public static let splitFolderKind = AtomicWriter.FolderKind(
        mismatch: "holds no train, validation or test part or fold-N folder of an earlier split"
    ) { entries in
        entries.contains { name in
            ["train.", "validation.", "test."].contains { name.hasPrefix($0) }
                || (name.hasPrefix("fold-") && name.dropFirst(5).allSatisfy(\.isNumber))
        }
    }

    /// Writes the parts of a split as one folder, atomically: every file goes into a temporary
    /// folder that then replaces `folder` whole, so no part of an earlier split survives beside
    /// the new ones, and a killed run leaves the earlier split complete.
    ///
    /// An existing `folder` is replaced only if it is empty or looks like a split folder
    /// (``splitFolderKind``); other files in it go with it. Missing folders above it are created.
    ///
    /// - Parameters:
    ///   - files: Each part's path relative to `folder` (`test.tsv`, `fold-2/train.tsv`) and table.
    ///   - folder: The split folder to create or replace.
    /// - Throws: ``RatingWriteError/cannotWrite(_:)`` when `folder` holds something else or cannot
    ///   be written; `folder` is then unchanged.
    /// - Complexity: O(ratings written).
    public func writeSplitFolder(_ files: [(path: String, table: RatingTable)], to folder: String)
        throws(RatingWriteError)
    {
        try AtomicWriter.writeFolder(
            at: folder, kind: Self.splitFolderKind, creatingParents: true, wrappingErrors: RatingWriteError.cannotWrite
        ) { temp throws(RatingWriteError) in
            for (relative, table) in files {
                let url = URL(fileURLWithPath: temp).appendingPathComponent(relative)
                let subfolder = url.deletingLastPathComponent()
                do {
                    try FileManager.default.createDirectory(at: subfolder, withIntermediateDirectories: true)
                } catch {
                    throw .cannotWrite(FileWriteError(path: subfolder.path, reason: error.localizedDescription))
                }
                try write(table, to: url)
            }
        }
    }

    /// The whole file as bytes, as ``write(_:to:)`` would write it (for small tables and tests).
    ///
    /// - Complexity: O(ratings).
    public func encoded(_ table: RatingTable) -> [UInt8] {
        var out: [UInt8] = []
        encode(table) { (chunk: UnsafeRawBufferPointer) in out.append(contentsOf: chunk) }
        return out
    }

    /// Renders `table` into a buffer and hands each filled chunk to `sink`.
    func encode<E: Error>(
        _ table: RatingTable, sink: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        let userIDs = IDBytes(table.userIDs)
        let itemIDs = IDBytes(table.itemIDs)
        let separator = Array(layout.separator.utf8)
        let columns = layout.columns
        // Longest line: both ids, a rating (at most ~16 bytes as digits), a timestamp (20), the
        // separators and the newline; ignored columns are written empty.
        let maxLine = userIDs.longest + itemIDs.longest + 48 + separator.count * columns.count
        let capacity = max(chunkSize, 2 * maxLine)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        let base = buffer.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
        var n = 0

        if layout.hasHeader {
            for byte in header.utf8 {
                base[n] = byte
                n += 1
            }
            base[n] = 0x0A
            n += 1
        }
        let hasTimes = table.hasTimestamps
        let users = table.users
        let items = table.items
        let ratings = table.ratings
        let timestamps = table.timestamps
        for row in 0..<table.count {
            if n > capacity - maxLine {
                try sink(UnsafeRawBufferPointer(start: base, count: n))
                n = 0
            }
            for (c, column) in columns.enumerated() {
                if c > 0 {
                    for byte in separator {
                        base[n] = byte
                        n += 1
                    }
                }
                switch column {
                case .user: n = userIDs.copy(Int(users[row]), to: base, at: n)
                case .item: n = itemIDs.copy(Int(items[row]), to: base, at: n)
                case .rating: n = Self.appendRating(ratings[row], to: base, at: n)
                case .timestamp: n = Self.appendInteger(hasTimes ? timestamps[row] : 0, to: base, at: n)
                case .ignore: break
                }
            }
            base[n] = 0x0A
            n += 1
        }
        if n > 0 { try sink(UnsafeRawBufferPointer(start: base, count: n)) }
    }

    /// Writes the decimal digits of `value` at `base[at...]`; returns the new end.
    @inline(__always)
    static func appendInteger(_ value: Int64, to base: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
        var n = start
        var magnitude = value.magnitude
        if value < 0 {
            base[n] = UInt8(ascii: "-")
            n += 1
        }
        // Digits come out least significant first: write them, then reverse in place.
        let first = n
        repeat {
            base[n] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
            magnitude /= 10
            n += 1
        } while magnitude > 0
        var lo = first
        var hi = n - 1
        while lo < hi {
            let t = base[lo]
            base[lo] = base[hi]
            base[hi] = t
            lo += 1
            hi -= 1
        }
        return n
    }

    /// Writes a rating minimally: `4`, `3.5`, `-2`, `0.25`; returns the new end.
    ///
    /// Whole and half values (every MovieLens rating) take a fast path; anything else is printed
    /// with Swift's shortest round-trip form.
    @inline(__always)
    static func appendRating(_ value: Float, to base: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
        let twice = value * 2
        if twice == twice.rounded(), abs(value) < 1e9 {
            let halves = Int64(twice)
            var n = start
            if halves < 0 {
                base[n] = UInt8(ascii: "-")
                n += 1
            }
            n = appendInteger(Int64(halves.magnitude / 2), to: base, at: n)
            if halves.magnitude % 2 == 1 {
                base[n] = UInt8(ascii: ".")
                base[n + 1] = UInt8(ascii: "5")
                n += 2
            }
            return n
        }
        var n = start
        for byte in value.description.utf8.prefix(16) {
            base[n] = byte
            n += 1
        }
        return n
    }

    /// Writes `table` into `folder` under the file name a folder reader looks for
    /// (``RatingFileFormat/conventionalFileName``), creating the folder when missing.
    ///
    /// - Parameters:
    ///   - table: the ratings.
    ///   - format: the format to write; `delimited` needs `layout`.
    ///   - layout: overrides the format's preset layout.
    ///   - folder: the data set folder.
    /// - Returns: the URL of the written file.
    /// - Throws: ``RatingWriteError``.
    @discardableResult
    public static func writeDataset(
        _ table: RatingTable, format: RatingFileFormat, layout: RatingFileLayout? = nil, into folder: URL
    ) throws(RatingWriteError) -> URL {
        let writer = try RatingWriter(format: format, layout: layout)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(
                FileWriteError(path: folder.path, reason: "cannot create the folder: \(error)"))
        }
        let file = folder.appendingPathComponent(format.conventionalFileName(layout: writer.layout))
        try writer.write(table, to: file)
        return file
    }
}

/// The UTF-8 bytes of every raw id of an ``IDMap`` in one flat array, so lines are built by copying
/// bytes rather than touching `String`s.
struct IDBytes {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]
    var longest = 0

    init(_ map: IDMap) {
        offsets.reserveCapacity(map.count + 1)
        for raw in map.rawIDs {
            bytes.append(contentsOf: raw.utf8)
            offsets.append(bytes.count)
            longest = max(longest, offsets[offsets.count - 1] - offsets[offsets.count - 2])
        }
    }

    /// Copies the bytes of id `index` to `base[at...]`; returns the new end.
    @inline(__always)
    func copy(_ index: Int, to base: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
        let lo = offsets[index]
        let length = offsets[index + 1] - lo
        bytes.withUnsafeBufferPointer { source in
            (base + start).update(from: source.baseAddress.unsafelyUnwrapped + lo, count: length)
        }
        return start + length
    }
}

extension RatingFileFormat {
    /// The file name a data set folder in this format conventionally holds its ratings in:
    /// `u.data` (ml-100k), `ratings.dat` (ml-1m, ml-10m), `ratings.csv` (ml-latest); for
    /// `delimited`, `ratings.csv` with a comma, `ratings.tsv` with a tab, else `ratings.txt`.
    ///
    /// - Parameter layout: the layout of a `delimited` file (ignored for the presets).
    public func conventionalFileName(layout: RatingFileLayout? = nil) -> String {
        switch self {
        case .ml100k: "u.data"
        case .ml1m: "ratings.dat"
        case .mlLatest: "ratings.csv"
        case .delimited:
            switch layout?.separator {
            case ",": "ratings.csv"
            case "\t": "ratings.tsv"
            default: "ratings.txt"
            }
        }
    }
}

/// Why a rating file could not be written.
public enum RatingWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The layout cannot describe a rating file.
    case invalidLayout(String)
    /// The file or its folder could not be written.
    case cannotWrite(FileWriteError)

    /// `invalid layout: …` or `path: cannot write: reason`.
    public var description: String {
        switch self {
        case let .invalidLayout(what): "invalid layout: \(what)"
        case let .cannotWrite(error): error.description
        }
    }
}
