import Foundation

/// A fresh empty folder under the system's temporary directory, deleted with its content when the
/// value goes away.
public final class TemporaryFolder {
    /// The folder's absolute path.
    public let path: String

    /// Creates the folder.
    ///
    /// - Throws: the file system's error when the folder cannot be created.
    public init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("autorec-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// The names in the folder, sorted.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    /// Writes `text` as UTF-8 to `path/name` and returns the file's path.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> String {
        let p = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
}
