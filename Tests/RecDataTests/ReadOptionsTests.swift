import RecData
import Testing

@Suite struct ReadOptionsTests {
    /// Ratings of pair (1, 2) on lines 1, 3 and 5, with other pairs between.
    private let repeated = "1\t2\t1\t10\n1\t3\t4\t20\n1\t2\t2\t30\n4\t2\t5\t40\n1\t2\t4\t50\n"

    @Test("the default policy is error")
    func defaultPolicy() {
        #expect(ReadOptions().duplicates == .error)
        #expect(ReadOptions().ratingRange == nil)
    }

    @Test("keep-last keeps the last rating at its own position, others in file order")
    func keepLast() throws {
        let t = try RatingReader.read(
            path: TestFiles.write(repeated), layout: tabLayout,
            options: .init(duplicates: .keepLast))
        #expect(t.ratings == [4, 5, 4])
        #expect(t.timestamps == [20, 40, 50])
        #expect(t.users.map { t.userIDs.rawID($0) } == ["1", "4", "1"])
        #expect(t.items.map { t.itemIDs.rawID($0) } == ["3", "2", "2"])
    }

    @Test("average keeps the mean at the first position with the last timestamp")
    func average() throws {
        let t = try RatingReader.read(
            path: TestFiles.write(repeated), layout: tabLayout,
            options: .init(duplicates: .average))
        #expect(t.ratings == [7.0 / 3, 4, 5])
        #expect(t.timestamps == [50, 20, 40])
        #expect(t.items.map { t.itemIDs.rawID($0) } == ["2", "3", "2"])
    }

    @Test("a policy changes nothing when there are no repeats", arguments: DuplicatePolicy.allCases)
    func noRepeats(policy: DuplicatePolicy) throws {
        let t = try RatingReader.read(
            path: TestFiles.write("1\t2\t1\t1\n2\t1\t2\t2\n1\t1\t3\t3\n"),
            layout: tabLayout, options: .init(duplicates: policy))
        #expect(t.ratings == [1, 2, 3])
    }

    @Test(
        "ratings inside the allowed range pass",
        arguments: [
            (Float(1)...5, "1\t1\t1\n1\t2\t5\n"), (0.5...5, "1\t1\t0.5\n1\t2\t4.5\n"),
            (1...100, "1\t1\t100\n"),
        ])
    func allowedRange(range: ClosedRange<Float>, text: String) throws {
        let t = try RatingReader.read(
            path: TestFiles.write(text), layout: tab3Layout,
            options: .init(ratingRange: range))
        #expect(t.ratings.allSatisfy { range.contains($0) })
    }
}
