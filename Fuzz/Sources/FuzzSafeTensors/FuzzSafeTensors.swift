import AutoRec

/// Where the messages go, so the optimizer cannot drop the formatting.
nonisolated(unsafe) var sink = 0

/// Formats the error `body` throws, if any: message code must not trap either.
func exercise(_ body: () throws -> Void) {
    do { try body() } catch { sink &+= "\(error)".utf8.count }
}

/// libFuzzer entry point: the input is a whole `weights.safetensors`.
///
/// Any input must either parse or be refused with a `ModelFileError` whose message formats; a
/// parsed file's tensors must be readable through the checked accessors. A trap, a sanitizer report
/// or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let file: SafeTensorsFile
    do {
        file = try SafeTensorsFile(bytes: bytes, source: "fuzz.safetensors")
    } catch {
        sink &+= "\(error)".utf8.count
        return 0
    }
    for (name, tensor) in file.tensors {
        // The accessors must agree with the parsed shape and never trap on what they refuse.
        exercise { _ = try file.floats(name, shape: tensor.shape, requireFinite: true) }
        if tensor.shape.count == 2 {
            exercise {
                _ = try file.matrix(name, rows: tensor.shape[0], cols: tensor.shape[1], requireFinite: true)
            }
        }
        exercise { _ = try file.floats(name, shape: tensor.shape + [1]) }
    }
    exercise { _ = try file.tensor("missing") }
    return 0
}
