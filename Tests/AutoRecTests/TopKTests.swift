import AutoRec
import RecMath
import Testing

@Suite struct TopKTests {
    @Test("best first, ties by lower index, NaN skipped")
    func handCase() {
        let s: [Float] = [0.5, 0.9, 0.9, .nan, 0.1]
        #expect(TopK.select(s, count: 3) == [1, 2, 0])
        #expect(TopK.select(s, count: 10) == [1, 2, 0, 4])
        #expect(TopK.select(s, count: 0) == [])
        #expect(TopK.select([], count: 3) == [])
    }

    @Test("matches a full sort on random scores with ties", arguments: [1, 2, 7, 50, 200])
    func matchesSort(k: Int) {
        var rng = SplitMix64(seed: UInt64(k))
        let scores = (0..<120).map { _ in Float(rng.nextInt(below: 15)) }
        let sorted = (0..<scores.count).sorted {
            scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1
        }
        #expect(TopK.select(scores, count: k) == sorted.prefix(k).map { Int32($0) })
    }
}
