import AutoRec
import RecData

/// Fails now, before any data is read or any model trained, when an output path could not be
/// written later: a typo in `--save` or `--report` must not cost a long run.
///
/// - Parameters:
///   - files: Files the command writes (`--report`, `--checkpoint`); `nil` entries are skipped.
///   - modelFolder: The `--save` folder, if any.
/// - Throws: ``FileWriteError`` or ``ModelFileError/cannotWrite(_:)`` saying why the write would fail.
func checkOutputs(files: [String?], modelFolder: String? = nil) throws {
    for case let path? in files { try AtomicWriter.checkWritableFile(path) }
    if let modelFolder { try ModelDirectory(modelFolder).checkWritable() }
}
