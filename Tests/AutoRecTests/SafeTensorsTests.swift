import AutoRec
import Foundation
import RecMath
import RecTestSupport
import Testing

@Suite struct SafeTensorsTests {
    typealias Tensor = SafeTensorsFile.Tensor

    /// Values whose bits must survive: signed zero, subnormals, infinities, extremes.
    static let specials: [Float] = [
        -0.0, 0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude / 3,
        .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1.5, .pi,
    ]

    static func sample() -> SafeTensorsFile {
        var rng = SplitMix64(seed: 17)
        let w = Matrix(rows: 3, cols: 7, gaussianStandardDeviation: 1, using: &rng)
        return SafeTensorsFile(
            tensors: [
                "encoder.weight": Tensor(w),
                "encoder.bias": Tensor([0.25, -0.5, 4]),
                "specials": Tensor(shape: [3, 4], values: specials),
                "empty": Tensor([]),
                "none.by.five": Tensor(shape: [0, 5], values: []),
                "scalar": Tensor(shape: [], values: [42]),
                "odd": Tensor(shape: [1, 1, 1, 5], values: [1, 2, 3, 4, 5]),
                "double": Tensor(shape: [2], elements: .float64([-0.0, .leastNonzeroMagnitude])),
                "int32": Tensor(shape: [3], elements: .int32([.min, -1, .max])),
                "int64": Tensor(shape: [1, 2], elements: .int64([.min, 1 << 40])),
                "ünï \"quoted\" \\ name\n": Tensor([7]),
            ],
            metadata: ["format": "autorec", "odd \"key\"": "tab\there, ünïcode, \u{1}"])
    }

    /// Bit patterns, so that -0.0 differs from 0 and NaN payloads would count.
    static func bits(_ e: Tensor.Elements) -> [UInt64] {
        switch e {
        case let .float32(v): v.map { UInt64($0.bitPattern) }
        case let .float64(v): v.map(\.bitPattern)
        case let .int32(v): v.map { UInt64(UInt32(bitPattern: $0)) }
        case let .int64(v): v.map { UInt64(bitPattern: $0) }
        }
    }

    @Test("written tensors read back bit-exact with their shapes, dtypes and metadata")
    func roundTrip() throws {
        let folder = try TemporaryFolder()
        let original = Self.sample()
        try original.write(to: folder.file("w.safetensors"))
        let loaded = try SafeTensorsFile(contentsOf: folder.file("w.safetensors"))
        #expect(loaded == original)
        #expect(loaded.metadata == original.metadata)
        #expect(loaded.source == folder.file("w.safetensors"))
        #expect(Set(loaded.tensors.keys) == Set(original.tensors.keys))
        for (name, t) in original.tensors {
            let u = try #require(loaded.tensors[name])
            #expect(u.shape == t.shape && u.dtype == t.dtype, "\(name)")
            #expect(Self.bits(u.elements) == Self.bits(t.elements), "\(name)")
        }
        #expect(try folder.contents() == ["w.safetensors"], "no temporary file left")
    }

    @Test("the header is compact sorted JSON padded with spaces to 8 bytes, data in name order")
    func exactBytes() throws {
        let folder = try TemporaryFolder()
        let file = SafeTensorsFile(
            tensors: ["b": Tensor([2]), "a": Tensor(shape: [1, 2], elements: .int32([1, -2]))],
            metadata: ["k": "v"])
        try file.write(to: folder.file("x.safetensors"))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.file("x.safetensors"))))
        let json =
            #"{"__metadata__":{"k":"v"},"a":{"dtype":"I32","shape":[1,2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let header = Array(json.utf8) + [UInt8](repeating: 0x20, count: (8 - json.utf8.count % 8) % 8)
        let expected =
            withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
            + [1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF] + [0, 0, 0, 0x40]
        #expect(bytes == expected)
    }

    @Test("the same tensors always give the same bytes")
    func deterministic() throws {
        let folder = try TemporaryFolder()
        try Self.sample().write(to: folder.file("1"))
        var reordered = SafeTensorsFile(metadata: Self.sample().metadata)
        for (name, t) in Self.sample().tensors.sorted(by: { $0.key > $1.key }) { reordered.tensors[name] = t }
        try reordered.write(to: folder.file("2"))
        #expect(FileManager.default.contentsEqual(atPath: folder.file("1"), andPath: folder.file("2")))
    }

    /// Written by Python's safetensors 0.8.0 with NumPy 2.4.6:
    ///
    /// ```python
    /// import numpy as np
    /// from safetensors.numpy import save_file
    /// save_file({"encoder.weight": np.array([[1.5, -0.0, np.inf], [-np.inf, 1e-45, 3.4028235e38]], dtype=np.float32),
    ///            "encoder.bias": np.arange(2, dtype=np.float32) / 4, "scale": np.array(2.5, dtype=np.float64),
    ///            "counts": np.array([-7, 2**40], dtype=np.int64), "ids": np.array([[1], [-2]], dtype=np.int32),
    ///            "empty": np.zeros((0, 3), dtype=np.float32)}, "python.safetensors", metadata={"made by": "python"})
    /// ```
    @Test("a file written by Python's safetensors reads correctly")
    func pythonFixture() throws {
        let url = try #require(
            Bundle.module.url(
                forResource: "python", withExtension: "safetensors",
                subdirectory: "Fixtures"))
        let file = try SafeTensorsFile(contentsOf: url.path)
        #expect(file.metadata == ["made by": "python"])
        #expect(
            file.tensors.keys.sorted() == [
                "counts", "empty", "encoder.bias", "encoder.weight", "ids", "scale",
            ])
        let w = try file.matrix("encoder.weight", rows: 2, cols: 3)
        #expect(
            w.storage.map(\.bitPattern)
                == ([1.5, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
                as [Float])
                .map(\.bitPattern))
        #expect(try file.floats("encoder.bias", shape: [2]) == [0, 0.25])
        #expect(try file.floats("empty", shape: [0, 3]) == [])
        #expect(try file.tensor("scale") == Tensor(shape: [], elements: .float64([2.5])))
        #expect(try file.tensor("counts") == Tensor(shape: [2], elements: .int64([-7, 1 << 40])))
        #expect(try file.tensor("ids") == Tensor(shape: [2, 1], elements: .int32([1, -2])))
    }

    @Test("checked access names the file, the tensor and what differs")
    func checkedAccess() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("w.safetensors")
        try Self.sample().write(to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(
            throws: ModelFileError.wrongShape(
                path: path, tensor: "encoder.weight", expected: [7, 3], found: [3, 7])
        ) {
            try file.matrix("encoder.weight", rows: 7, cols: 3)
        }
        #expect(throws: ModelFileError.wrongDType(path: path, tensor: "int32", expected: "F32", found: "I32"))
        {
            try file.floats("int32", shape: [3])
        }
        let missing = #expect(throws: ModelFileError.self) { try file.tensor("decoder.weight") }
        #expect(
            missing?.description.hasPrefix(
                "\(path): no tensor named 'decoder.weight' (the file has: double, empty,") == true)
        #expect(
            ModelFileError.wrongShape(path: "m", tensor: "b", expected: [2], found: [3]).description
                == "m: tensor 'b' has shape [3], expected [2] (weights and model.json do not belong together?)"
        )
    }

    @Test(
        "a reserved or empty tensor name is refused and nothing is written", arguments: ["__metadata__", ""])
    func reservedName(name: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("w.safetensors")
        let file = SafeTensorsFile(tensors: [name: Tensor([1])])
        #expect(throws: ModelFileError.reservedName(path: path, tensor: name)) { try file.write(to: path) }
        #expect(try folder.contents() == [])
    }

    @Test("writing into a missing folder fails with the system's reason")
    func unwritable() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("no/such/folder/w.safetensors")
        let error = #expect(throws: ModelFileError.self) { try Self.sample().write(to: path) }
        #expect(error?.description.hasPrefix("\(path): cannot write: cannot create \(path).tmp-\(getpid())-") == true)
        #expect(error?.description.hasSuffix(": No such file or directory") == true)
    }

    @Test("a write removes the checkpoint temporaries of dead processes, never a live one's")
    func staleTemporaries() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("run.ckpt")
        let dead = deadProcessID()
        let live = "run.ckpt.tmp-\(getpid())-0badf00d"
        for name in ["run.ckpt.tmp-\(dead)-0badf00d", live] {
            FileManager.default.createFile(atPath: folder.file(name), contents: Data(count: 1000))
        }
        try Self.sample().write(to: path)
        #expect(try folder.contents() == ["run.ckpt", live])
    }

    // MARK: - Corrupt files

    /// A corrupt file: its bytes, the error expected and its exact message (`F` stands for the path).
    struct Corruption: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var error: @Sendable (String) -> ModelFileError
        var message: String
        var testDescription: String { name }
    }

    /// An 8-byte length, then `header`, then `data`; `length` overrides the true header length.
    static func file(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
        withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian, Array.init)
            + Array(header.utf8) + data
    }

    static func entry(_ name: String, _ dtype: String = "F32", _ shape: [Int], _ begin: Int, _ end: Int)
        -> String
    {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
    }

    static let corruptions: [Corruption] = [
        Corruption(
            name: "too short", bytes: [1, 0, 0], error: { .tooShort(path: $0, size: 3) },
            message: "F: file is 3 bytes, too short for the 8-byte header length (not a safetensors file?)"),
        Corruption(
            name: "header length beyond the file", bytes: file("{}", length: 100),
            error: { .headerBeyondFile(path: $0, headerLength: 100, fileSize: 10) },
            message: "F: header length 100 runs past the end of the 10-byte file "
                + "(truncated, or not a safetensors file?)"),
        Corruption(
            name: "absurd header length", bytes: file("{}", length: 1 << 40),
            error: { .headerTooLarge(path: $0, headerLength: 1 << 40) },
            message: "F: header length 1099511627776 exceeds the limit of 100000000 bytes "
                + "(not a safetensors file?)"),
        Corruption(
            name: "header not UTF-8", bytes: file("{}") + [0xFF],
            error: { .headerNotUTF8(path: $0) },
            message: "F: header is not valid UTF-8 (not a safetensors file?)"
        )
        .withLength(3),
        Corruption(
            name: "garbage JSON", bytes: file("{\"a\": [0, 4}", data: [0, 0, 0, 0]),
            error: { .headerNotJSON(path: $0) },
            message: "F: header is not a JSON object (not a safetensors file?)"),
        Corruption(
            name: "JSON but not an object", bytes: file("[1, 2]"),
            error: { .headerNotJSON(path: $0) },
            message: "F: header is not a JSON object (not a safetensors file?)"),
        Corruption(
            name: "unknown dtype", bytes: file("{\(entry("w", "BF16", [2], 0, 4))}", data: [0, 0, 0, 0]),
            error: { .unsupportedDType(path: $0, tensor: "w", dtype: "BF16") },
            message: "F: tensor 'w' has dtype 'BF16', which this reader does not handle "
                + "(supported: F32, F64, I32, I64)"),
        Corruption(
            name: "shape not matching offsets",
            bytes: file("{\(entry("w", "F32", [2, 3], 0, 20))}", data: .init(repeating: 0, count: 20)),
            error: { .sizeMismatch(path: $0, tensor: "w", dtype: "F32", shape: [2, 3], byteCount: 20) },
            message: "F: tensor 'w' has shape [2, 3] of F32 (24 bytes), but its data_offsets span 20 bytes"),
        Corruption(
            name: "shape whose size overflows Int",
            bytes: file("{\(entry("b", "F32", [1 << 40, 1 << 40, 1 << 40], 0, 8))}", data: .init(repeating: 0, count: 8)),
            error: {
                .sizeMismatch(path: $0, tensor: "b", dtype: "F32", shape: [1 << 40, 1 << 40, 1 << 40], byteCount: 8)
            },
            message: "F: tensor 'b' has shape [1099511627776, 1099511627776, 1099511627776] of F32 "
                + "(more than 9223372036854775807 bytes), but its data_offsets span 8 bytes"),
        Corruption(
            name: "offsets beyond 2^53 kept exact",
            bytes: file("{\(entry("a", "I32", [1], 9_007_199_254_740_993, 9_007_199_254_740_997))}"),
            error: { .tensorOutsideData(path: $0, tensor: "a", end: 9_007_199_254_740_997, dataSize: 0) },
            message: "F: tensor 'a' ends at data byte 9007199254740997, but the data section has only 0 bytes "
                + "(truncated file?)"),
        Corruption(
            name: "offsets ending before they begin",
            bytes: file("{\(entry("w", "F32", [0], 8, 4))}", data: .init(repeating: 0, count: 8)),
            error: {
                .malformedEntry(path: $0, tensor: "w", problem: "data_offsets [8, 4] end before they begin")
            },
            message: "F: header entry 'w': data_offsets [8, 4] end before they begin"),
        Corruption(
            name: "overlapping tensors",
            bytes: file(
                "{\(entry("a", "F32", [2], 0, 8)),\(entry("b", "F32", [2], 4, 12))}",
                data: .init(repeating: 0, count: 12)),
            error: { .misplacedTensor(path: $0, tensor: "b", begin: 4, expected: 8, previous: "a") },
            message:
                "F: tensor 'b' starts at data byte 4, but the previous tensor 'a' ends at 8 (overlapping tensors)"
        ),
        Corruption(
            name: "hole between tensors",
            bytes: file(
                "{\(entry("b", "F32", [2], 12, 20)),\(entry("a", "F32", [2], 0, 8))}",
                data: .init(repeating: 0, count: 20)),
            error: { .misplacedTensor(path: $0, tensor: "b", begin: 12, expected: 8, previous: "a") },
            message:
                "F: tensor 'b' starts at data byte 12, but the previous tensor 'a' ends at 8 (4-byte hole)"),
        Corruption(
            name: "hole before the first tensor",
            bytes: file("{\(entry("a", "I64", [1], 8, 16))}", data: .init(repeating: 0, count: 16)),
            error: { .misplacedTensor(path: $0, tensor: "a", begin: 8, expected: 0, previous: nil) },
            message: "F: tensor 'a' starts at data byte 8, but the data section starts at 0 (8-byte hole)"),
        Corruption(
            name: "tensor outside the data",
            bytes: file("{\(entry("a", "F64", [2], 0, 16))}", data: .init(repeating: 0, count: 12)),
            error: { .tensorOutsideData(path: $0, tensor: "a", end: 16, dataSize: 12) },
            message:
                "F: tensor 'a' ends at data byte 16, but the data section has only 12 bytes (truncated file?)"
        ),
        Corruption(
            name: "trailing bytes",
            bytes: file("{\(entry("a", "F32", [1], 0, 4))}", data: .init(repeating: 0, count: 7)),
            error: { .trailingBytes(path: $0, count: 3) },
            message: "F: 3 trailing bytes after the last tensor (corrupt or not a safetensors file?)"),
        Corruption(
            name: "missing dtype",
            bytes: file(#"{"a":{"shape":[],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            error: { .malformedEntry(path: $0, tensor: "a", problem: "missing 'dtype'") },
            message: "F: header entry 'a': missing 'dtype'"),
        Corruption(
            name: "negative dimension",
            bytes: file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            error: {
                .malformedEntry(
                    path: $0, tensor: "a",
                    problem: "'shape' must be an array of non-negative integers, found [-1]")
            },
            message: "F: header entry 'a': 'shape' must be an array of non-negative integers, found [-1]"),
        Corruption(
            name: "three offsets",
            bytes: file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, data: [0, 0, 0, 0]),
            error: {
                .malformedEntry(
                    path: $0, tensor: "a",
                    problem:
                        "'data_offsets' must be two non-negative integers [begin, end], found [0, 4, 8]")
            },
            message: "F: header entry 'a': 'data_offsets' must be two non-negative integers [begin, end], "
                + "found [0, 4, 8]"),
        Corruption(
            name: "metadata value not a string", bytes: file(#"{"__metadata__":{"epochs":12}}"#),
            error: {
                .malformedEntry(
                    path: $0, tensor: "__metadata__",
                    problem: "value of 'epochs' must be a string, found 12")
            },
            message: "F: header entry '__metadata__': value of 'epochs' must be a string, found 12"),
    ]

    @Test("a corrupt file is refused with a message naming the file and the problem", arguments: corruptions)
    func corrupt(_ c: Corruption) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("bad.safetensors")
        try Data(c.bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ModelFileError.self) { try SafeTensorsFile(contentsOf: path) }
        #expect(error == c.error(path))
        #expect(error?.description == c.message.replacingOccurrences(of: "F:", with: "\(path):"))
        #expect(throws: c.error("F")) { try SafeTensorsFile(bytes: c.bytes, source: "F") }
    }

    @Test("bytes in memory read exactly as the same bytes in a file")
    func fromBytes() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("w.safetensors")
        try Self.sample().write(to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fromFile = try SafeTensorsFile(contentsOf: path)
        let fromBytes = try SafeTensorsFile(bytes: bytes, source: "download")
        #expect(fromBytes.source == "download" && fromBytes.metadata == fromFile.metadata)
        #expect(Set(fromBytes.tensors.keys) == Set(fromFile.tensors.keys))
        for (name, t) in fromFile.tensors {
            let u = try #require(fromBytes.tensors[name])
            #expect(u.shape == t.shape && Self.bits(u.elements) == Self.bits(t.elements), "\(name)")
        }
        #expect(try SafeTensorsFile(bytes: bytes).source == "<memory>")
    }

    @Test("a zero dimension makes the size 0 however large the other dimensions are")
    func zeroDimension() throws {
        let file = try SafeTensorsFile(bytes: Self.file("{\(Self.entry("z", "F64", [1 << 40, 0, 1 << 40], 0, 0))}"))
        #expect(try file.tensor("z") == Tensor(shape: [1 << 40, 0, 1 << 40], elements: .float64([])))
    }

    @Test("finite-only access names the first NaN or infinity by its coordinates")
    func requireFinite() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("w.safetensors")
        var file = Self.sample()
        file.tensors["cube"] = Tensor(shape: [2, 1, 3], values: [0, 1, 2, 3, .nan, .infinity])
        try file.write(to: path)
        let loaded = try SafeTensorsFile(contentsOf: path)
        #expect(try loaded.floats("cube", shape: [2, 1, 3]).count == 6)
        #expect(try loaded.floats("encoder.bias", shape: [3], requireFinite: true) == [0.25, -0.5, 4])
        #expect(throws: ModelFileError.nonFiniteValue(path: path, tensor: "cube", index: [1, 0, 1], value: "nan")) {
            try loaded.floats("cube", shape: [2, 1, 3], requireFinite: true)
        }
        let error = #expect(throws: ModelFileError.self) {
            try loaded.matrix("specials", rows: 3, cols: 4, requireFinite: true)
        }
        #expect(
            error?.description
                == "\(path): tensor 'specials' holds inf at [1, 1] (the file is corrupt: retrain the model or "
                + "restore a copy)")
    }

    /// Damage done to a file our own writer produced.
    enum Damage: String, CaseIterable, Sendable {
        case truncate, appendByte, hugeHeaderLength, headerLengthPastEnd
    }

    @Test("damage to a written file is detected", arguments: Damage.allCases)
    func damaged(_ damage: Damage) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("w.safetensors")
        try Self.sample().write(to: path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let dataSize = bytes.count - 8 - headerLength
        let expected: ModelFileError
        switch damage {
        case .truncate:
            bytes.removeLast()
            // The last tensor in name order ends one byte past the shortened data.
            expected = .tensorOutsideData(
                path: path, tensor: "ünï \"quoted\" \\ name\n", end: dataSize,
                dataSize: dataSize - 1)
        case .appendByte:
            bytes.append(0)
            expected = .trailingBytes(path: path, count: 1)
        case .hugeHeaderLength:
            bytes[6] = 0x01
            expected = .headerTooLarge(path: path, headerLength: UInt64(headerLength) + 1 << 48)
        case .headerLengthPastEnd:
            withUnsafeBytes(of: UInt64(bytes.count - 7).littleEndian) { for k in 0..<8 { bytes[k] = $0[k] } }
            expected = .headerBeyondFile(
                path: path, headerLength: UInt64(bytes.count - 7), fileSize: bytes.count)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: expected) { try SafeTensorsFile(contentsOf: path) }
    }

    @Test("a missing file is reported with the system's reason")
    func missingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("nothing.safetensors")
        #expect(
            throws: ModelFileError.io(
                path: path, operation: "cannot open for reading",
                reason: "No such file or directory")
        ) {
            try SafeTensorsFile(contentsOf: path)
        }
    }
}

extension SafeTensorsTests.Corruption {
    /// The same corruption with the declared header length set to `length`.
    func withLength(_ length: UInt64) -> Self {
        var c = self
        withUnsafeBytes(of: length.littleEndian) { for k in 0..<8 { c.bytes[k] = $0[k] } }
        return c
    }
}
