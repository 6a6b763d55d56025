import RecMath
import Testing

@Suite struct FactorSGDTests {
    @Test("factorPairStep matches a Double reference", arguments: [0, 1, 7, 8, 9, 17])
    func matchesReference(n: Int) {
        var rng = SplitMix64(seed: UInt64(n) + 1)
        var p = (0..<n).map { _ in Float(rng.nextGaussian()) }
        var q = (0..<n).map { _ in Float(rng.nextGaussian()) }
        let (e, g, l): (Double, Double, Double) = (0.7, 0.05, 0.1)
        let wantP = (0..<n).map { Double(p[$0]) + g * (e * Double(q[$0]) - l * Double(p[$0])) }
        let wantQ = (0..<n).map { Double(q[$0]) + g * (e * Double(p[$0]) - l * Double(q[$0])) }
        p.withUnsafeMutableBufferPointer { pb in
            q.withUnsafeMutableBufferPointer { qb in
                guard let pp = pb.baseAddress, let qp = qb.baseAddress else { return }
                Kernels.factorPairStep(pp, qp, n, error: Float(e), rate: Float(g), penalty: Float(l))
            }
        }
        for c in 0..<n {
            #expect(abs(Double(p[c]) - wantP[c]) < 1e-6, "p[\(c)]")
            #expect(abs(Double(q[c]) - wantQ[c]) < 1e-6, "q[\(c)]")
        }
    }
}
