import Foundation

/// A fresh folder (from ``TestFiles/folder()``) that the test removes when done.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = URL(fileURLWithPath: TestFiles.folder(), isDirectory: true)
    }

    /// Names in the folder, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
