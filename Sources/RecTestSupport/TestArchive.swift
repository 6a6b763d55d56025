import Foundation
import RecData
import ZIPFoundation

/// Zip archives made on the fly for download tests.
public enum TestArchive {
    /// The bytes and MD5 of a zip holding `folder/NAME` for each `(NAME, text)` in `files`.
    ///
    /// - Parameters:
    ///   - folder: the folder inside the archive (as `ml-10M100K/` in ml-10m.zip).
    ///   - files: file names and contents.
    ///   - workspace: an existing scratch folder to build the archive in.
    public static func zip(
        folder: String, files: [(String, String)], in workspace: URL
    ) throws -> (bytes: [UInt8], md5: String) {
        let source = workspace.appendingPathComponent("archive-source/\(folder)", isDirectory: true)
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: source.appendingPathComponent(name))
        }
        let zip = workspace.appendingPathComponent("archive-\(UUID().uuidString).zip")
        try FileManager.default.zipItem(at: source, to: zip)
        let bytes = [UInt8](try Data(contentsOf: zip))
        try? FileManager.default.removeItem(at: zip)
        try? FileManager.default.removeItem(at: workspace.appendingPathComponent("archive-source"))
        var md5 = MD5()
        md5.update(bytes)
        return (bytes, md5.hexDigest())
    }
}
