import Foundation

/// Files for reader tests: the committed fixtures and throw-away files in a fresh temporary folder.
enum TestFiles {
    /// The path of a fixture folder or file, e.g. `fixture("ml-1m/ratings.dat")`.
    ///
    /// The committed fixtures are a few made-up lines each. Those whose MovieLens names
    /// (`u.data`, `ratings.dat`, ...) would look like real data in the repository are stored as
    /// `NAME.fixture`; on first use the whole tree is copied to a temporary folder with the
    /// suffix dropped, and paths point into that copy.
    static func fixture(_ relative: String) -> String {
        fixtureRoot + "/" + relative
    }

    private static let fixtureRoot: String = {
        let source = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") ?? URL(fileURLWithPath: "Fixtures")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("recdata-fixtures-\(UUID().uuidString)")
        let fm = FileManager.default
        guard (try? fm.copyItem(at: source, to: copy)) != nil,
              let walker = fm.enumerator(at: copy, includingPropertiesForKeys: nil)
        else { return source.path }
        for case let url as URL in walker where url.pathExtension == "fixture" {
            try? fm.moveItem(at: url, to: url.deletingPathExtension())
        }
        return copy.path
    }()

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
