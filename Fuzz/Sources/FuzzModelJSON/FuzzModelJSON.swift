import AutoRec
import Foundation

/// Where the messages go, so the optimizer cannot drop the formatting.
nonisolated(unsafe) var sink = 0

/// libFuzzer entry point: the input is a whole `model.json`.
///
/// Decoding and validation must either accept the file or refuse it with a `ModelFileError` whose
/// message formats; an accepted description must pass its own validation again. A trap, a sanitizer
/// report or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = data.map { Data(bytes: $0, count: size) } ?? Data()
    do {
        sink &+= try ModelDirectory.checkFormatVersion(of: json, supported: 1, path: "model.json")
    } catch {
        sink &+= "\(error)".utf8.count
    }
    let description: AutoRecModelDescription
    do {
        description = try AutoRecModelDescription.decode(json, path: "model.json")
    } catch {
        sink &+= "\(error)".utf8.count
        return 0
    }
    do {
        try description.validate(path: "model.json")
    } catch {
        fatalError("an accepted model.json fails its own validation: \(error)")
    }
    sink &+= "\(description.scale) \(description.configuration.fill)".utf8.count
    return 0
}
