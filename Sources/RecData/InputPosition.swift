/// A place in an input file: its path as given and a 1-based line number (0 when the whole file is meant).
public struct InputPosition: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as the user gave it.
    public var file: String
    /// 1-based line number; 0 means the file as a whole.
    public var line: Int

    public init(file: String, line: Int = 0) {
        self.file = file
        self.line = line
    }

    /// `file:line`, or just `file` when no line applies; the form compilers use.
    public var description: String { line > 0 ? "\(file):\(line)" : file }
}
