import Foundation

/// Reads delimited rating files into ``RatingTable``s.
///
/// The file is read in large chunks and parsed byte by byte: fields are found by scanning for
/// the separator, numbers are parsed without building strings, and canonical numeric ids
/// (`1`, `3952`) are looked up in a flat table indexed by their value. Only an id seen for the
/// first time becomes a `String` (in the ``IDMap``). Line ends may be `\n` or `\r\n`; a UTF-8
/// byte-order mark, blank lines and a last line without a line end are accepted.
///
/// ```swift
/// let train = try RatingReader.read(path: "ml-100k/u1.base", layout: RatingFileFormat.ml100k.presetLayout!)
/// let test = try RatingReader.read(path: "ml-100k/u1.test", layout: layout,
///                                  userIDs: train.userIDs, itemIDs: train.itemIDs)
/// ```
public enum RatingReader {
    /// Bytes read per system call.
    static let chunkSize = 1 << 22

    /// Reads the ratings of one file.
    ///
    /// Indices continue the given maps: an id already in `userIDs`/`itemIDs` keeps its index and
    /// a new one gets the next free index, in order of first appearance. Pass a training table's
    /// maps when reading its test file so both share one index space. The returned table's
    /// rows are in file order (after applying the duplicate policy) and its scale is read from
    /// its own ratings, unless ``ReadOptions/scale`` gives one.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - layout: Separator, header and columns; it must have `user`, `item` and `rating` once.
    ///   - options: Duplicate policy and allowed rating range.
    ///   - userIDs: A user map to continue (empty by default).
    ///   - itemIDs: An item map to continue (empty by default).
    /// - Returns: The ratings, with the extended maps.
    /// - Throws: ``RatingFileError`` naming the file and line of the first problem.
    /// - Complexity: O(bytes + ratings + users + items) time; memory for the columns plus one
    ///   4 MB buffer.
    public static func read(
        path: String, layout: RatingFileLayout, options: ReadOptions = .init(),
        userIDs: IDMap = IDMap(), itemIDs: IDMap = IDMap()
    ) throws(RatingFileError) -> RatingTable {
        try read(
            path: path, layout: layout, options: options, userIDs: userIDs, itemIDs: itemIDs,
            chunkSize: chunkSize)
    }

    /// Reads ratings from bytes in memory, exactly as ``read(path:layout:options:userIDs:itemIDs:)``
    /// reads a file holding them.
    ///
    /// Meant for data that is not in a file and for fuzzing the parser: any bytes give either a
    /// table or a ``RatingFileError``, never a trap.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - path: The name to give in error messages.
    ///   - layout: Separator, header and columns.
    ///   - options: Duplicate policy, allowed rating range and scale.
    ///   - userIDs: A user map to continue (empty by default).
    ///   - itemIDs: An item map to continue (empty by default).
    /// - Returns: The ratings, with the extended maps.
    /// - Throws: ``RatingFileError`` naming `path` and the line of the first problem.
    /// - Complexity: O(bytes + ratings + users + items).
    public static func read(
        bytes: UnsafeRawBufferPointer, path: String, layout: RatingFileLayout, options: ReadOptions = .init(),
        userIDs: IDMap = IDMap(), itemIDs: IDMap = IDMap()
    ) throws(RatingFileError) -> RatingTable {
        let bounds = UnsafeMutablePointer<Int>.allocate(capacity: 2 * (layout.columns.count + 1))
        defer { bounds.deallocate() }
        var parser = try RatingLineParser(
            path: path, layout: layout, options: options, userIDs: userIDs, itemIDs: itemIDs, bounds: bounds)
        let data = bytes.bindMemory(to: UInt8.self)
        if let base = data.baseAddress {
            let count = data.count
            var pos = count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
            while pos < count {
                var end = pos
                while end < count, base[end] != ByteParsing.newline { end += 1 }
                try parser.parse(base, pos, end)
                pos = end + 1
            }
        }
        return try finish(parser, path: path, options: options)
    }

    /// ``read(path:layout:options:userIDs:itemIDs:)`` with a chosen buffer size, so tests can
    /// put chunk boundaries inside lines, line ends and the byte-order mark.
    static func read(
        path: String, layout: RatingFileLayout, options: ReadOptions,
        userIDs: IDMap, itemIDs: IDMap, chunkSize: Int
    ) throws(RatingFileError) -> RatingTable {
        let bounds = UnsafeMutablePointer<Int>.allocate(capacity: 2 * (layout.columns.count + 1))
        defer { bounds.deallocate() }
        var parser = try RatingLineParser(
            path: path, layout: layout, options: options, userIDs: userIDs, itemIDs: itemIDs, bounds: bounds)

        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: RatingFileError.reason(errno: errno)) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw .cannotOpen(path: path, reason: "it is a folder, not a file")
            }
            // About 20 bytes per rating in the MovieLens layouts; a guess only saves regrowth.
            parser.reserve(Int(info.st_size) / 20 + 16)
        }
        try readLines(fd: fd, path: path, chunkSize: chunkSize, into: &parser)
        return try finish(parser, path: path, options: options)
    }

    /// The table from a parser that has seen every line: duplicates resolved, scale set.
    private static func finish(_ parser: RatingLineParser, path: String, options: ReadOptions)
        throws(RatingFileError) -> RatingTable
    {
        guard !parser.ratingColumn.isEmpty else { throw .emptyFile(path: path) }
        var users = parser.userColumn
        var items = parser.itemColumn
        var ratings = parser.ratingColumn
        var timestamps = parser.timestampColumn
        let userMap = parser.users.finish()
        let itemMap = parser.items.finish()
        let groups = DuplicateFinder.groups(
            users: users, items: items, userCount: userMap.count, itemCount: itemMap.count)
        if !groups.isEmpty {
            switch options.duplicates {
            case .error:
                var worst = groups[0]
                for g in groups where g.later[0] < worst.later[0] { worst = g }
                let row = worst.later[0]
                throw .duplicatePair(
                    InputPosition(file: path, line: parser.lineOfRow(row)),
                    user: userMap.rawID(users[row]), item: itemMap.rawID(items[row]),
                    firstLine: parser.lineOfRow(worst.first))
            case .keepLast, .average:
                resolve(
                    groups, policy: options.duplicates,
                    users: &users, items: &items, ratings: &ratings, timestamps: &timestamps)
            }
        }
        return RatingTable(
            users: users, items: items, ratings: ratings, timestamps: timestamps,
            userIDs: userMap, itemIDs: itemMap, scale: scale(of: ratings, known: options.scale))
    }

    /// The scale of `ratings`: read from their distinct values, or, under a known scale (which
    /// every rating was checked against while parsing), its narrowest choice that holds them.
    static func scale(of ratings: [Float], known: KnownScale?) -> RatingScale {
        let values = distinctValues(of: ratings)
        let observed = RatingScale(observing: values ?? ratings)
        guard let known else { return observed }
        return known.scale(forDistinct: values ?? ratings, observed: observed)
    }

    /// The distinct values of `ratings` (order unspecified), or `nil` when there are many.
    ///
    /// ``RatingScale/init(observing:)`` depends only on the set of values, and rating files
    /// use few: multiples of 1/4 in 0..<64 are ticked off in a table (a multiply and a compare
    /// each), so only other values, if any, go through the general path.
    static func distinctValues(of ratings: [Float]) -> [Float]? {
        var seen = [Bool](repeating: false, count: 256)
        var others: [Float] = []
        for r in ratings {
            let q = r * 4
            if q >= 0, q < 256, q == q.rounded(.towardZero) {
                seen[Int(q)] = true
            } else if !others.contains(r) {
                others.append(r)
                if others.count > 64 { return nil }
            }
        }
        var distinct = others
        for q in 0..<256 where seen[q] { distinct.append(Float(q) / 4) }
        return distinct
    }

    /// Applies `.keepLast` or `.average` to the repeated pairs, keeping the other rows in order.
    private static func resolve(
        _ groups: [DuplicateFinder.Group], policy: DuplicatePolicy,
        users: inout [Int32], items: inout [Int32], ratings: inout [Float], timestamps: inout [Int64]
    ) {
        var drop = [Bool](repeating: false, count: ratings.count)
        for g in groups {
            let rows = [g.first] + g.later
            if policy == .keepLast {
                for r in rows.dropLast() { drop[r] = true }
            } else {
                var sum = 0.0
                for r in rows { sum += Double(ratings[r]) }
                ratings[g.first] = Float(sum / Double(rows.count))
                if !timestamps.isEmpty, let last = rows.last { timestamps[g.first] = timestamps[last] }
                for r in g.later { drop[r] = true }
            }
        }
        var kept = 0
        for r in 0..<ratings.count where !drop[r] {
            users[kept] = users[r]
            items[kept] = items[r]
            ratings[kept] = ratings[r]
            if !timestamps.isEmpty { timestamps[kept] = timestamps[r] }
            kept += 1
        }
        users.removeLast(users.count - kept)
        items.removeLast(items.count - kept)
        ratings.removeLast(ratings.count - kept)
        if !timestamps.isEmpty { timestamps.removeLast(timestamps.count - kept) }
    }

    /// Hands each line of the open file `fd` to `sink`, without its `\n`, after skipping a
    /// UTF-8 byte-order mark.
    ///
    /// Generic rather than a closure so the sink's `parse` is called directly: a closure
    /// capturing the parser would box it and check exclusive access on every line.
    static func readLines<Sink: LineSink>(fd: Int32, path: String, chunkSize: Int, into sink: inout Sink)
        throws(RatingFileError)
    {
        var capacity = max(chunkSize, 4)
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        var atStart = true
        while true {
            let n = Foundation.read(fd, buffer + filled, capacity - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: RatingFileError.reason(errno: errno))
            }
            let eof = n == 0
            filled += n
            var pos = 0
            if atStart {
                if filled < 3, !eof { continue }
                if filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { pos = 3 }
                atStart = false
            }
            let base = UnsafePointer(buffer)
            while pos < filled {
                guard let hit = memchr(base + pos, Int32(ByteParsing.newline), filled - pos) else { break }
                let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                try sink.parse(base, pos, end)
                pos = end + 1
            }
            if eof {
                if pos < filled { try sink.parse(base, pos, filled) }
                return
            }
            let rest = filled - pos
            if pos > 0 {
                memmove(buffer, buffer + pos, rest)
            } else if rest == capacity {
                // One line longer than the buffer: grow it.
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: rest)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            filled = rest
        }
    }
}

/// Receives lines from ``RatingReader/readLines(fd:path:chunkSize:into:)``.
protocol LineSink {
    /// Parses the line `p[start..<end]`; the pointer is valid only during the call.
    mutating func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) throws(RatingFileError)
}
