import Foundation
import RecData

/// A private folder for this process's input files (libFuzzer runs inputs one at a time).
let folder: String = {
    var template = Array("\(NSTemporaryDirectory())/autorec-fuzz-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("cannot create a temporary folder") }
    atexit { try? FileManager.default.removeItem(atPath: folder) }
    return String(cString: made)
}()

/// The names a rating file is detected by, and one that must be sniffed.
let names = ["u.data", "ratings.dat", "ratings.csv", "ratings.tsv", "scores.txt"]

/// Where the fuzz targets' messages go, so the optimizer cannot drop the formatting.
nonisolated(unsafe) var sink = 0

/// libFuzzer entry point: the first byte picks the file name (and so the format detection takes)
/// and a preset layout; the rest is the file's content.
///
/// The content is read through format detection on the folder and on the file, and with a preset
/// layout. Each read must either succeed or throw a `RatingFileError`, and both the result and the
/// error must format; a trap, a sanitizer report or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRatingFiles(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 1 else { return 0 }
    let choice = Int(data[0])
    for name in names { unlink("\(folder)/\(name)") }
    let path = "\(folder)/\(names[choice % names.count])"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data + 1, count: size - 1))
    else {
        fatalError("cannot write \(path)")
    }
    for target in [folder, path] {
        do {
            let dataset = try Dataset.detect(at: target)
            let loaded = try dataset.load()
            sink &+= "\(dataset) \(loaded.ratings.count) \(loaded.ratings.scale)".utf8.count
        } catch {
            sink &+= "\(error)".utf8.count
        }
    }
    let presets = RatingFileFormat.allCases.compactMap(\.presetLayout)
    if !presets.isEmpty {
        do {
            let table = try RatingReader.read(
                path: path, layout: presets[(choice / names.count) % presets.count])
            sink &+= "\(table.count) \(table.scale)".utf8.count
        } catch {
            sink &+= "\(error)".utf8.count
        }
    }
    return 0
}
