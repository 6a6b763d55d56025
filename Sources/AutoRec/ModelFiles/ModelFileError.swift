import RecData

/// Why a model file or model directory could not be read or written.
///
/// Writing goes through RecData's ``AtomicWriter``; its failures arrive wrapped as
/// ``cannotWrite(_:)``.
///
/// Every message starts with the path it is about, the way a compiler names a file, and ends with a
/// hint when the fix is known:
///
/// ```
/// model/weights.safetensors: tensor 'encoder.bias' ends at data byte 4000, but the data section has only 2000 bytes (truncated file?)
/// model/model.json: formatVersion 3 is newer than this build supports (2); upgrade autorec to load it
/// ```
public enum ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed while reading: `operation` is what we tried ("cannot open for reading"),
    /// `reason` the system's explanation.
    case io(path: String, operation: String, reason: String)
    /// A model file or folder could not be written (or, checked before training, would not be).
    case cannotWrite(FileWriteError)

    /// The file is shorter than the 8-byte header length that starts every safetensors file.
    case tooShort(path: String, size: Int)
    /// The header length in the first 8 bytes points past the end of the file.
    case headerBeyondFile(path: String, headerLength: UInt64, fileSize: Int)
    /// The header length exceeds ``SafeTensorsFile/maximumHeaderLength``.
    case headerTooLarge(path: String, headerLength: UInt64)
    /// The header bytes are not valid UTF-8.
    case headerNotUTF8(path: String)
    /// The header is not a JSON object.
    case headerNotJSON(path: String)
    /// A header entry is not of the form `{"dtype": …, "shape": […], "data_offsets": [begin, end]}`
    /// (or `__metadata__` is not an object of strings); `problem` says which part is wrong.
    case malformedEntry(path: String, tensor: String, problem: String)
    /// A tensor's dtype is not one this reader handles.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's shape and dtype need a different number of bytes than its data offsets span.
    case sizeMismatch(path: String, tensor: String, dtype: String, shape: [Int], byteCount: Int)
    /// A tensor's data ends after the end of the file.
    case tensorOutsideData(path: String, tensor: String, end: Int, dataSize: Int)
    /// A tensor does not start where the previous one (in offset order) ends: a hole or an overlap.
    case misplacedTensor(path: String, tensor: String, begin: Int, expected: Int, previous: String?)
    /// Bytes follow the last tensor.
    case trailingBytes(path: String, count: Int)
    /// A tensor to be written uses a name the format reserves (`__metadata__`) or the empty name.
    case reservedName(path: String, tensor: String)

    /// The file has no tensor of that name.
    case missingTensor(path: String, tensor: String, available: [String])
    /// The tensor is stored with another dtype than the caller needs.
    case wrongDType(path: String, tensor: String, expected: String, found: String)
    /// The tensor has another shape than the caller needs.
    case wrongShape(path: String, tensor: String, expected: [Int], found: [Int])

    /// A tensor that must hold finite numbers holds a NaN or an infinity, first at `index` (one
    /// coordinate per dimension).
    case nonFiniteValue(path: String, tensor: String, index: [Int], value: String)
    /// A tensor holds a value its meaning does not allow (a group number beyond the groups listed
    /// in `model.json`), first at `index`; `allowed` says what may be there.
    case valueOutOfRange(path: String, tensor: String, index: [Int], value: String, allowed: String)
    /// The training ratings stored beside a model's weights are inconsistent; `problem` says how.
    case corruptTrainingRatings(path: String, problem: String)
    /// A field of `model.json` decoded but holds a value no model can have; `problem` says what
    /// was found and what is accepted.
    case invalidField(path: String, field: String, problem: String)

    /// The path cannot be used as a model directory; `reason` says why.
    case notAModelDirectory(path: String, reason: String)
    /// A JSON file could not be decoded into the requested type; `detail` names the key and problem.
    case invalidJSON(path: String, detail: String)
    /// A value could not be encoded as JSON (for example a non-finite number).
    case encodingFailed(path: String, detail: String)
    /// A `model.json` has no `formatVersion` field, or it is `null`.
    case missingFormatVersion(path: String)
    /// A `model.json` was written by a newer format than this build reads.
    case unsupportedFormatVersion(path: String, found: Int, supported: Int)

    /// `path: what was wrong`, plus a hint when the fix is known.
    public var description: String {
        switch self {
        case let .io(path, operation, reason):
            return "\(path): \(operation): \(reason)"
        case let .cannotWrite(error):
            return error.description
        case let .tooShort(path, size):
            return "\(path): file is \(size) bytes, too short for the 8-byte header length "
                + "(not a safetensors file?)"
        case let .headerBeyondFile(path, length, size):
            return "\(path): header length \(length) runs past the end of the \(size)-byte file "
                + "(truncated, or not a safetensors file?)"
        case let .headerTooLarge(path, length):
            return "\(path): header length \(length) exceeds the limit of "
                + "\(SafeTensorsFile.maximumHeaderLength) bytes (not a safetensors file?)"
        case let .headerNotUTF8(path):
            return "\(path): header is not valid UTF-8 (not a safetensors file?)"
        case let .headerNotJSON(path):
            return "\(path): header is not a JSON object (not a safetensors file?)"
        case let .malformedEntry(path, tensor, problem):
            return "\(path): header entry '\(tensor)': \(problem)"
        case let .unsupportedDType(path, tensor, dtype):
            let known = SafeTensorsFile.DType.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(path): tensor '\(tensor)' has dtype '\(dtype)', which this reader does not handle "
                + "(supported: \(known))"
        case let .sizeMismatch(path, tensor, dtype, shape, byteCount):
            let need = SafeTensorsFile.DType(rawValue: dtype).map {
                checkedByteCount(shape, width: $0.byteWidth).map(String.init) ?? "more than \(Int.max)"
            }
            return "\(path): tensor '\(tensor)' has shape \(shape) of \(dtype) (\(need ?? "?") bytes), "
                + "but its data_offsets span \(byteCount) bytes"
        case let .tensorOutsideData(path, tensor, end, dataSize):
            return "\(path): tensor '\(tensor)' ends at data byte \(end), but the data section has only "
                + "\(dataSize) bytes (truncated file?)"
        case let .misplacedTensor(path, tensor, begin, expected, previous):
            let after =
                previous.map { "the previous tensor '\($0)' ends at \(expected)" }
                ?? "the data section starts at 0"
            if begin > expected {
                return "\(path): tensor '\(tensor)' starts at data byte \(begin), but \(after) "
                    + "(\(begin - expected)-byte hole)"
            }
            return "\(path): tensor '\(tensor)' starts at data byte \(begin), but \(after) "
                + "(overlapping tensors)"
        case let .trailingBytes(path, count):
            return
                "\(path): \(count) trailing bytes after the last tensor (corrupt or not a safetensors file?)"
        case let .reservedName(path, tensor):
            return "\(path): cannot write a tensor named '\(tensor)': the name is reserved or empty"
        case let .missingTensor(path, tensor, available):
            let names = available.isEmpty ? "none" : available.sorted().joined(separator: ", ")
            return "\(path): no tensor named '\(tensor)' (the file has: \(names))"
        case let .wrongDType(path, tensor, expected, found):
            return "\(path): tensor '\(tensor)' is \(found), expected \(expected)"
        case let .wrongShape(path, tensor, expected, found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected) "
                + "(weights and model.json do not belong together?)"
        case let .nonFiniteValue(path, tensor, index, value):
            return "\(path): tensor '\(tensor)' holds \(value) at \(index) (the file is corrupt: "
                + "retrain the model or restore a copy)"
        case let .valueOutOfRange(path, tensor, index, value, allowed):
            return "\(path): tensor '\(tensor)' holds \(value) at \(index), but only \(allowed) may be there "
                + "(the file is corrupt: retrain the model or restore a copy)"
        case let .corruptTrainingRatings(path, problem):
            return "\(path): the stored training ratings are corrupt: \(problem) "
                + "(retrain the model or restore a copy)"
        case let .invalidField(path, field, problem):
            return "\(path): '\(field)' \(problem)"
        case let .notAModelDirectory(path, reason):
            return "\(path): not a model directory: \(reason)"
        case let .invalidJSON(path, detail):
            return "\(path): \(detail)"
        case let .encodingFailed(path, detail):
            return "\(path): cannot encode as JSON: \(detail)"
        case let .missingFormatVersion(path):
            return "\(path): no integer 'formatVersion' field (not a model.json written by autorec?)"
        case let .unsupportedFormatVersion(path, found, supported):
            return "\(path): formatVersion \(found) is newer than this build supports (\(supported)); "
                + "upgrade autorec to load it"
        }
    }
}

/// The number of elements of a shape (1 for a scalar `[]`) times `width` bytes, or `nil` when that
/// does not fit in `Int`: shapes come from files, so they are multiplied with overflow checks.
func checkedByteCount(_ shape: [Int], width: Int = 1) -> Int? {
    // A zero dimension makes the product 0 however large the others are.
    if shape.contains(0) { return 0 }
    var n = width
    for d in shape {
        let (p, overflow) = n.multipliedReportingOverflow(by: d)
        if overflow { return nil }
        n = p
    }
    return n
}
