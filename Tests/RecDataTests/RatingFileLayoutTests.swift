import RecData
import Testing

@Suite struct RatingFileLayoutTests {
    @Test(
        "a column list and a typed separator make a layout",
        arguments: [
            (
                "\\t", "user,item,rating,timestamp",
                RatingFileLayout(separator: "\t", columns: [.user, .item, .rating, .timestamp])
            ),
            (
                "tab", "user, item ,rating",
                RatingFileLayout(separator: "\t", columns: [.user, .item, .rating])
            ),
            (
                "::", "item,ignore,user,rating",
                RatingFileLayout(separator: "::", columns: [.item, .ignore, .user, .rating])
            ),
        ])
    func parse(separator: String, columns: String, layout: RatingFileLayout) throws {
        #expect(try RatingFileLayout(separator: separator, columnList: columns) == layout)
    }

    @Test(
        "bad column lists are rejected with the reason",
        arguments: [
            (
                "user,item,score",
                "bad layout: unknown column 'score' (use user, item, rating, timestamp, ignore)"
            ),
            ("user,item", "bad layout: no 'rating' column in user,item"),
            ("user,item,rating,timestamp,timestamp", "bad layout: 'timestamp' column given 2 times"),
            (
                "user,,item,rating",
                "bad layout: unknown column '' (use user, item, rating, timestamp, ignore)"
            ),
        ])
    func reject(columns: String, message: String) {
        let error = #expect(throws: RatingFileError.self) {
            try RatingFileLayout(separator: ",", columnList: columns)
        }
        #expect(error?.description == message)
    }

    @Test("every preset layout is valid", arguments: RatingFileFormat.allCases)
    func presets(format: RatingFileFormat) throws {
        try format.presetLayout?.validate()
    }
}
