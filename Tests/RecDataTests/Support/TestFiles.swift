import Foundation

/// Files for reader tests: the committed fixtures and throw-away files in a fresh temporary folder.
enum TestFiles {
    /// The path of a committed fixture folder or file, e.g. `fixture("ml-1m/ratings.dat")`.
    static func fixture(_ relative: String) -> String {
        let root = Bundle.module.resourceURL?.appendingPathComponent("Fixtures").path ?? "Fixtures"
        return root + "/" + relative
    }

    /// A new empty folder of its own (tests run in parallel).
    static func folder() -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("recdata-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes `bytes` to `name` in a new folder and returns the file's path.
    static func write(_ bytes: [UInt8], name: String = "ratings.txt") -> String {
        let path = folder() + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Writes `text` as UTF-8 to `name` in a new folder and returns the file's path.
    static func write(_ text: String, name: String = "ratings.txt") -> String {
        write(Array(text.utf8), name: name)
    }

    /// Writes each `(name, text)` into one new folder and returns the folder.
    static func folder(with files: [(String, String)]) -> String {
        let dir = folder()
        for (name, text) in files {
            FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(text.utf8))
        }
        return dir
    }
}
