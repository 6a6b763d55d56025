import Foundation
import RecData
import RecMath

/// Named tensors in the safetensors format, the weight file Python's `safetensors` package,
/// PyTorch and NumPy read directly.
///
/// The layout (<https://github.com/huggingface/safetensors>):
///
/// ```
/// [8 bytes] N, the header length, unsigned little-endian
/// [N bytes] UTF-8 JSON: {"__metadata__": {"key": "value"},
///                        "encoder.weight": {"dtype": "F32", "shape": [500, 6040], "data_offsets": [0, 12080000]}, …}
///           padded with spaces to a multiple of 8 bytes
/// [rest]    the tensors' bytes, little-endian, back to back; offsets count from the byte after the header
/// ```
///
/// Writing is deterministic: tensors are laid out in sorted name order and the header is compact JSON
/// with sorted keys, so the same tensors always give the same bytes. Reading validates the whole
/// structure before trusting any of it and refuses a corrupt file with a ``ModelFileError`` that
/// names the file and what is wrong.
///
/// ```swift
/// var file = SafeTensorsFile(metadata: ["format": "autorec"])
/// file.tensors["encoder.weight"] = .init(encoderWeights)      // a Matrix, [hidden, inputs]
/// file.tensors["encoder.bias"] = .init(encoderBias)           // [Float], [hidden]
/// try file.write(to: "model/weights.safetensors")
///
/// let loaded = try SafeTensorsFile(contentsOf: "model/weights.safetensors")
/// let w = try loaded.matrix("encoder.weight", rows: hidden, cols: inputs)
/// ```
public struct SafeTensorsFile: Sendable, Equatable {
    /// The header key that holds the string-to-string metadata instead of a tensor.
    public static let metadataKey = "__metadata__"

    /// The largest header accepted when reading (100 MB, the limit of the reference implementation):
    /// a larger length means the file is not a safetensors file.
    public static let maximumHeaderLength = 100_000_000

    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata stored under `__metadata__` in the header.
    public var metadata: [String: String]
    /// The path this value was read from, used to name the file in errors; `nil` for a value built
    /// in memory. Not part of equality.
    public private(set) var source: String?

    /// A value built in memory.
    ///
    /// - Parameters:
    ///   - tensors: The tensors by name.
    ///   - metadata: String metadata for the header.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        source = nil
    }

    /// Equal when tensors and metadata are equal; ``source`` is ignored.
    public static func == (a: Self, b: Self) -> Bool {
        a.tensors == b.tensors && a.metadata == b.metadata
    }

    // MARK: - Reading

    /// Reads and validates a safetensors file.
    ///
    /// The header is checked entirely before any tensor is read: its length must fit in the file,
    /// it must be a UTF-8 JSON object whose entries have a supported dtype, a shape of non-negative
    /// integers and `data_offsets` spanning exactly shape × element size bytes, and the tensors must
    /// tile the data section from its first to its last byte with no hole, overlap or trailing byte.
    /// Each tensor is then read straight into its array.
    ///
    /// - Parameter path: The file to read.
    /// - Throws: ``ModelFileError`` naming `path` and the first problem found.
    /// - Complexity: O(file size), one bulk read per tensor; memory is the tensors plus the header.
    public init(contentsOf path: String) throws(ModelFileError) {
        let fd = try POSIXFile.openForReading(path)
        defer { close(fd) }
        let fileSize = try POSIXFile.size(of: fd, path: path)
        try self.init(size: fileSize, path: path) { buffer, offset throws(ModelFileError) in
            try POSIXFile.readFully(fd, into: buffer, at: offset, path: path)
        }
    }

    /// Reads and validates safetensors bytes already in memory (a download, a fuzzer's input),
    /// with exactly the checks of ``init(contentsOf:)``.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - source: The name errors give the bytes, and the value of ``source``.
    /// - Throws: ``ModelFileError`` naming `source` and the first problem found.
    /// - Complexity: O(`bytes.count`); one copy of each tensor's bytes into its array.
    public init(bytes: [UInt8], source: String = "<memory>") throws(ModelFileError) {
        try self.init(size: bytes.count, path: source) { buffer, offset throws(ModelFileError) in
            // The header walk checks every range against the size first; this guard is the backstop.
            guard offset >= 0, buffer.count <= bytes.count - offset else {
                throw .io(path: source, operation: "cannot read", reason: "the bytes end early")
            }
            bytes.withUnsafeBytes { all in
                buffer.copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: all[offset..<(offset + buffer.count)]))
            }
        }
    }

    /// The reader behind both initialisers: `read(buffer, offset)` fills `buffer` with the bytes at
    /// `offset` of a file of `size` bytes.
    private init(
        size fileSize: Int, path: String,
        read: (UnsafeMutableRawBufferPointer, Int) throws(ModelFileError) -> Void
    ) throws(ModelFileError) {
        guard fileSize >= 8 else { throw .tooShort(path: path, size: fileSize) }
        var lengthBytes: UInt64 = 0
        try withUnsafeMutableBytes(of: &lengthBytes) { b throws(ModelFileError) in try read(b, 0) }
        let headerLength = UInt64(littleEndian: lengthBytes)
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw .headerTooLarge(path: path, headerLength: headerLength)
        }
        guard headerLength <= UInt64(fileSize - 8) else {
            throw .headerBeyondFile(path: path, headerLength: headerLength, fileSize: fileSize)
        }
        let dataStart = 8 + Int(headerLength)
        let header = try Self.readArray(UInt8.self, count: Int(headerLength), at: 8, read)
        let (entries, metadata) = try Self.parseHeader(header, dataSize: fileSize - dataStart, path: path)

        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(entries.count)
        for e in entries {
            let count = (e.end - e.begin) / e.dtype.byteWidth
            let at = dataStart + e.begin
            let elements: Tensor.Elements
            switch e.dtype {
            case .float32: elements = .float32(try Self.readArray(Float.self, count: count, at: at, read))
            case .float64: elements = .float64(try Self.readArray(Double.self, count: count, at: at, read))
            case .int32: elements = .int32(try Self.readArray(Int32.self, count: count, at: at, read))
            case .int64: elements = .int64(try Self.readArray(Int64.self, count: count, at: at, read))
            }
            tensors[e.name] = Tensor(shape: e.shape, elements: elements)
        }
        self.tensors = tensors
        self.metadata = metadata
        source = path
    }

    /// `count` little-endian elements read at `offset` straight into a new array.
    private static func readArray<T: BitwiseCopyable>(
        _: T.Type, count: Int, at offset: Int,
        _ read: (UnsafeMutableRawBufferPointer, Int) throws(ModelFileError) -> Void
    ) throws(ModelFileError) -> [T] {
        var failure: ModelFileError?
        let array = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(ModelFileError) {
                let raw = UnsafeMutableRawBufferPointer(buffer)
                try read(raw, offset)
                #if _endian(big)
                    swapBytes(raw, width: MemoryLayout<T>.size)
                #endif
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return array
    }

    // MARK: - Writing

    /// Writes the tensors atomically through RecData's ``AtomicWriter``: into a temporary file in the
    /// same folder, flushed to disk, then renamed over `path`, so `path` is always either the old
    /// file or the complete new one. Leftovers of killed writes to `path` are removed.
    ///
    /// Tensors are laid out in sorted name order straight from their arrays (no copy of the data on
    /// little-endian machines).
    ///
    /// - Parameter path: The file to create or replace.
    /// - Throws: ``ModelFileError/reservedName(path:tensor:)`` for a tensor named `__metadata__` or
    ///   `""`; ``ModelFileError/cannotWrite(_:)`` when the file cannot be written.
    /// - Complexity: O(data size) in one bulk write per tensor.
    public func write(to path: String) throws(ModelFileError) {
        let names = tensors.keys.sorted()
        for name in names where name == Self.metadataKey || name.isEmpty {
            throw .reservedName(path: path, tensor: name)
        }
        let (header, _) = Self.encodeHeader(names, tensors, metadata: metadata)
        try AtomicWriter.write(to: path, wrappingErrors: ModelFileError.cannotWrite) { fd throws(ModelFileError) in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { b throws(ModelFileError) in
                try POSIXFile.writeFully(fd, b, path: path)
            }
            try withBytes(of: header) { b throws(ModelFileError) in
                try POSIXFile.writeFully(fd, b, path: path)
            }
            for name in names {
                guard let t = tensors[name] else { continue }
                try t.elements.withUnsafeBytes { b throws(ModelFileError) in
                    try Self.writeLittleEndian(fd, b, width: t.dtype.byteWidth, path: path)
                }
            }
        }
    }

    /// Writes host-order elements as little-endian: directly on little-endian machines, through a
    /// byte-swapped scratch buffer of at most 1 MiB otherwise.
    private static func writeLittleEndian(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, width: Int, path: String
    ) throws(ModelFileError) {
        #if _endian(little)
            try POSIXFile.writeFully(fd, bytes, path: path)
        #else
            let chunk = (1 << 20) / width * width
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 8)
            defer { scratch.deallocate() }
            var start = 0
            while start < bytes.count {
                let n = min(chunk, bytes.count - start)
                let part = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<n])
                part.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + n)]))
                swapBytes(part, width: width)
                try POSIXFile.writeFully(fd, UnsafeRawBufferPointer(part), path: path)
                start += n
            }
        #endif
    }

    // MARK: - Access with checks

    /// The tensor called `name`, or an error naming the file and the tensors it has.
    ///
    /// - Throws: ``ModelFileError/missingTensor(path:tensor:available:)``.
    public func tensor(_ name: String) throws(ModelFileError) -> Tensor {
        guard let t = tensors[name] else {
            throw .missingTensor(path: source ?? "<memory>", tensor: name, available: Array(tensors.keys))
        }
        return t
    }

    /// The `F32` values of tensor `name`, checked to have exactly `shape` (and, if asked, to be
    /// finite).
    ///
    /// - Parameters:
    ///   - name: The tensor's name, e.g. `encoder.bias`.
    ///   - shape: The shape the caller needs.
    ///   - requireFinite: Refuse a NaN or infinite value (model weights); off by default, as the
    ///     format itself allows any value.
    /// - Returns: The values, row-major.
    /// - Throws: ``ModelFileError`` when the tensor is missing, not `F32`, has another shape, or
    ///   (``ModelFileError/nonFiniteValue(path:tensor:index:value:)``) holds a non-finite value.
    /// - Complexity: O(1), or O(elements) with `requireFinite`.
    public func floats(_ name: String, shape: [Int], requireFinite: Bool = false) throws(ModelFileError)
        -> [Float]
    {
        let t = try tensor(name)
        let path = source ?? "<memory>"
        guard let values = t.floatValues else {
            throw .wrongDType(
                path: path, tensor: name, expected: DType.float32.rawValue, found: t.dtype.rawValue)
        }
        guard t.shape == shape else {
            throw .wrongShape(path: path, tensor: name, expected: shape, found: t.shape)
        }
        if requireFinite, let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(
                path: path, tensor: name, index: Self.coordinates(of: bad, in: shape), value: "\(values[bad])"
            )
        }
        return values
    }

    /// The `F32` tensor `name` as a `rows × cols` matrix (shares the storage, no copy).
    ///
    /// - Parameter requireFinite: Refuse a NaN or infinite value, as in ``floats(_:shape:requireFinite:)``.
    /// - Throws: ``ModelFileError`` when the tensor is missing, not `F32`, not `[rows, cols]`, or
    ///   holds a non-finite value when `requireFinite`.
    public func matrix(_ name: String, rows: Int, cols: Int, requireFinite: Bool = false)
        throws(ModelFileError) -> Matrix
    {
        Matrix(
            rows: rows, cols: cols,
            storage: try floats(name, shape: [rows, cols], requireFinite: requireFinite))
    }

    /// The row-major position of element `flat` of a tensor of `shape`, one coordinate per dimension.
    static func coordinates(of flat: Int, in shape: [Int]) -> [Int] {
        var rest = flat
        var out = [Int](repeating: 0, count: shape.count)
        for d in shape.indices.reversed() where shape[d] > 0 {
            out[d] = rest % shape[d]
            rest /= shape[d]
        }
        return out
    }
}

/// Reverses the bytes of each `width`-byte element in place (little-endian file ↔ big-endian host).
func swapBytes(_ bytes: UnsafeMutableRawBufferPointer, width: Int) {
    guard width > 1 else { return }
    var start = 0
    while start + width <= bytes.count {
        var lo = start, hi = start + width - 1
        while lo < hi {
            bytes.swapAt(lo, hi)
            lo += 1
            hi -= 1
        }
        start += width
    }
}
