import AutoRec

/// libFuzzer entry point: the input is a whole `weights.safetensors`.
///
/// Any input must either parse or be refused with a `ModelFileError`; a parsed file's tensors must
/// be readable through the checked accessors. A trap, a sanitizer report or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let file = try? SafeTensorsFile(bytes: bytes, source: "fuzz.safetensors") else { return 0 }
    for (name, tensor) in file.tensors {
        // The accessors must agree with the parsed shape and never trap on what they refuse.
        _ = try? file.floats(name, shape: tensor.shape, requireFinite: true)
        if tensor.shape.count == 2 {
            _ = try? file.matrix(name, rows: tensor.shape[0], cols: tensor.shape[1], requireFinite: true)
        }
        _ = try? file.floats(name, shape: tensor.shape + [1])
    }
    _ = try? file.tensor("missing")
    return 0
}
