import RecMath
import Testing

@Suite struct SplitMix64Tests {
    @Test("same seed gives the same stream, other seeds differ")
    func reproducible() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        let sa = (0..<8).map { _ in a.next() }
        #expect(sa == (0..<8).map { _ in b.next() })
        #expect(sa != (0..<8).map { _ in c.next() })
    }

    @Test("uniform floats stay in [0, 1) and average near one half")
    func uniform() {
        var g = SplitMix64(seed: 1)
        var sum = 0.0
        for _ in 0..<10_000 {
            let x = g.nextFloat()
            #expect(x >= 0 && x < 1)
            sum += Double(x)
        }
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
    }

    @Test("Gaussian samples have mean 0 and variance 1")
    func gaussian() {
        var g = SplitMix64(seed: 9)
        var s = 0.0, s2 = 0.0
        let n = 20_000
        for _ in 0..<n {
            let x = g.nextGaussian()
            s += x; s2 += x * x
        }
        #expect(abs(s / Double(n)) < 0.03)
        #expect(abs(s2 / Double(n) - 1) < 0.05)
    }
}

@Suite struct SplitMix64BoundedTests {
    @Test("bounded integers cover the whole range evenly", arguments: [1, 2, 7, 1000])
    func bounded(bound: Int) {
        var g = SplitMix64(seed: 5)
        var counts = [Int](repeating: 0, count: bound)
        let n = bound * 200
        for _ in 0..<n { counts[g.nextInt(below: bound)] += 1 }
        #expect(counts.allSatisfy { $0 > 100 && $0 < 300 })
    }
}
