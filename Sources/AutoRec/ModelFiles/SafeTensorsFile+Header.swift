import Foundation

extension SafeTensorsFile {
    /// One tensor's line of the header, validated on its own (not yet against its neighbours).
    struct HeaderEntry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// Parses and validates a header: every entry well formed, sizes matching shapes, tensors packed
    /// back to back from data byte 0 to exactly `dataSize`.
    ///
    /// - Returns: The entries in data order, and the metadata.
    static func parseHeader(
        _ bytes: [UInt8], dataSize: Int, path: String
    ) throws(ModelFileError) -> (entries: [HeaderEntry], metadata: [String: String]) {
        guard String(bytes: bytes, encoding: .utf8) != nil else { throw .headerNotUTF8(path: path) }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
            case let .object(fields) = json
        else { throw .headerNotJSON(path: path) }

        var entries: [HeaderEntry] = []
        var metadata: [String: String] = [:]
        for (name, value) in fields {
            if name == metadataKey {
                metadata = try parseMetadata(value, path: path)
            } else {
                entries.append(try parseEntry(name, value, path: path))
            }
        }

        // Data order; names break ties between empty tensors so the walk below is deterministic.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        for e in entries where e.end > dataSize {
            throw .tensorOutsideData(path: path, tensor: e.name, end: e.end, dataSize: dataSize)
        }
        var expected = 0
        var previous: String?
        for e in entries {
            guard e.begin == expected else {
                throw .misplacedTensor(
                    path: path, tensor: e.name, begin: e.begin, expected: expected,
                    previous: previous)
            }
            expected = e.end
            previous = e.name
        }
        if expected != dataSize { throw .trailingBytes(path: path, count: dataSize - expected) }
        return (entries, metadata)
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws(ModelFileError) -> [String:
        String]
    {
        guard case let .object(fields) = value else {
            throw .malformedEntry(
                path: path, tensor: metadataKey, problem: "expected an object, found \(value.kind)")
        }
        var metadata: [String: String] = [:]
        for (key, v) in fields {
            guard case let .string(s) = v else {
                throw .malformedEntry(
                    path: path, tensor: metadataKey,
                    problem: "value of '\(key)' must be a string, found \(v.kind)")
            }
            metadata[key] = s
        }
        return metadata
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, path: String) throws(ModelFileError)
        -> HeaderEntry
    {
        func bad(_ problem: String) -> ModelFileError {
            .malformedEntry(path: path, tensor: name, problem: problem)
        }
        guard case let .object(fields) = value else { throw bad("expected an object, found \(value.kind)") }
        guard let dtypeValue = fields["dtype"] else { throw bad("missing 'dtype'") }
        guard case let .string(dtypeName) = dtypeValue else {
            throw bad("'dtype' must be a string, found \(dtypeValue.kind)")
        }
        guard let shapeValue = fields["shape"] else { throw bad("missing 'shape'") }
        guard let shape = shapeValue.naturals else {
            throw bad("'shape' must be an array of non-negative integers, found \(shapeValue.kind)")
        }
        guard let offsetsValue = fields["data_offsets"] else { throw bad("missing 'data_offsets'") }
        guard let offsets = offsetsValue.naturals, offsets.count == 2 else {
            throw bad(
                "'data_offsets' must be two non-negative integers [begin, end], found \(offsetsValue.kind)")
        }
        guard offsets[0] <= offsets[1] else {
            throw bad("data_offsets [\(offsets[0]), \(offsets[1])] end before they begin")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw .unsupportedDType(path: path, tensor: name, dtype: dtypeName)
        }
        guard checkedByteCount(shape, width: dtype.byteWidth) == offsets[1] - offsets[0] else {
            throw .sizeMismatch(
                path: path, tensor: name, dtype: dtypeName, shape: shape,
                byteCount: offsets[1] - offsets[0])
        }
        return HeaderEntry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// The header for `tensors` in sorted name order, compact JSON with sorted keys, padded with
    /// spaces to a multiple of 8 bytes so the data that follows is 8-byte aligned.
    static func encodeHeader(
        _ names: [String], _ tensors: [String: Tensor], metadata: [String: String]
    ) -> (header: [UInt8], dataSize: Int) {
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += jsonString(metadataKey) + ":{"
            json += metadata.keys.sorted().map { jsonString($0) + ":" + jsonString(metadata[$0] ?? "") }
                .joined(separator: ",")
            json += "}"
            first = false
        }
        var offset = 0
        for name in names {
            guard let t = tensors[name] else { continue }
            let size = t.elements.count * t.dtype.byteWidth
            if !first { json += "," }
            first = false
            json += jsonString(name) + ":{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":["
            json += t.shape.map(String.init).joined(separator: ",")
            json += "],\"data_offsets\":[\(offset),\(offset + size)]}"
            offset += size
        }
        json += "}"
        var header = Array(json.utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        return (header, offset)
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped, the rest
    /// left as UTF-8.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
