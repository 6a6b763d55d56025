import Foundation

extension RatingFileLayout {
    /// A layout from command-line style text: a separator and a comma-separated column list.
    ///
    /// `separator` may be written `\t` or `tab` for a tab (shells make a literal tab awkward);
    /// other text is taken as is (`::`, `,`, `;`, `|`). Column names are those of ``Column``
    /// (`user`, `item`, `rating`, `timestamp`, `ignore`), in file order, e.g.
    /// `user,item,rating,timestamp`.
    ///
    /// - Parameters:
    ///   - separator: The field separator as typed.
    ///   - hasHeader: Whether the first line is a header.
    ///   - columns: The column list, e.g. `user,item,rating`.
    /// - Throws: ``RatingFileError/badLayout(reason:)`` for an unknown column name or a layout
    ///   that ``validate()`` rejects.
    public init(separator: String, hasHeader: Bool = false, columnList columns: String)
        throws(RatingFileError)
    {
        var parsed: [Column] = []
        for name in columns.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let column = Column(rawValue: trimmed) else {
                throw .badLayout(
                    reason:
                        "unknown column '\(name)' (use \(Column.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            parsed.append(column)
        }
        let sep = separator == "\\t" || separator.lowercased() == "tab" ? "\t" : separator
        self.init(separator: sep, hasHeader: hasHeader, columns: parsed)
        try validate()
    }

    /// Checks that the layout can be read: a non-empty separator without line ends, and
    /// `user`, `item` and `rating` exactly once (`timestamp` at most once).
    ///
    /// - Throws: ``RatingFileError/badLayout(reason:)`` saying what is wrong.
    public func validate() throws(RatingFileError) {
        guard !separator.isEmpty else { throw .badLayout(reason: "empty separator") }
        guard !separator.contains("\n"), !separator.contains("\r") else {
            throw .badLayout(reason: "separator contains a line end")
        }
        for column in [Column.user, .item, .rating, .timestamp] {
            _ = try field(of: column)
        }
    }

    /// The position of `column` among the fields, `nil` for a missing timestamp.
    ///
    /// - Throws: ``RatingFileError/badLayout(reason:)`` when a required column is missing or
    ///   any column other than `ignore` appears twice.
    func field(of column: Column) throws(RatingFileError) -> Int? {
        let at = columns.indices.filter { columns[$0] == column }
        if column == .timestamp, at.isEmpty { return nil }
        guard at.count == 1 else {
            throw .badLayout(
                reason: at.isEmpty
                    ? "no '\(column.rawValue)' column in \(columns.map(\.rawValue).joined(separator: ","))"
                    : "'\(column.rawValue)' column given \(at.count) times")
        }
        return at[0]
    }
}
