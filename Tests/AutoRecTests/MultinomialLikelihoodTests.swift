import Foundation
import RecMath
import Testing

@testable import AutoRec

@Suite struct MultinomialLikelihoodTests {
    @Test("the softmax log-likelihood and its gradient match a Double reference")
    func softmaxLikelihood() {
        var rng = SplitMix64(seed: 4)
        let rows = 3, n = 9
        let logits = Matrix(rows: rows, cols: n, gaussianStandardDeviation: 3, using: &rng)
        let items: [[Int32]] = [[0, 4], [8], [1, 2, 3, 7]]
        var g = logits
        let scale: Float = 0.5
        let nll = MultinomialLikelihood.negativeLogLikelihood(&g, items: items, scale: scale)
        var ref = 0.0
        for r in 0..<rows {
            let z = (0..<n).map { Double(logits[r, $0]) }
            let lse = Foundation.log(z.reduce(0) { $0 + Foundation.exp($1) })
            for i in items[r] { ref -= z[Int(i)] - lse }
            for j in 0..<n {
                let x = items[r].contains(Int32(j)) ? 1.0 : 0.0
                let expected = Double(scale) * (Double(items[r].count) * Foundation.exp(z[j] - lse) - x)
                #expect(abs(Double(g[r, j]) - expected) < 1e-5)
            }
        }
        #expect(abs(nll - ref) < 1e-4 * abs(ref))
    }

    @Test("the KL term and the head gradient match a Double reference")
    func kullbackLeibler() {
        var rng = SplitMix64(seed: 5)
        let head = Matrix(rows: 2, cols: 6, gaussianStandardDeviation: 1, using: &rng)
        let eps = Matrix(rows: 2, cols: 3, gaussianStandardDeviation: 1, using: &rng)
        let dz = Matrix(rows: 2, cols: 3, gaussianStandardDeviation: 1, using: &rng)
        var ref = 0.0
        var g = Matrix(rows: 2, cols: 6)
        MultinomialLikelihood.headGradient(head, epsilon: eps, codeGradient: dz, klScale: 0.7, into: &g)
        for r in 0..<2 {
            for k in 0..<3 {
                let mu = Double(head[r, k]), lv = Double(head[r, 3 + k])
                ref += 0.5 * (-lv + Foundation.exp(lv) + mu * mu - 1)
                #expect(abs(Double(g[r, k]) - (Double(dz[r, k]) + 0.7 * mu)) < 1e-5)
                let dlv =
                    Double(dz[r, k]) * Double(eps[r, k]) * 0.5 * Foundation.exp(0.5 * lv)
                    + 0.7 * 0.5 * (Foundation.exp(lv) - 1)
                #expect(abs(Double(g[r, 3 + k]) - dlv) < 1e-5 * max(1, abs(dlv)))
            }
        }
        #expect(abs(MultinomialLikelihood.kullbackLeibler(head) - ref) < 1e-6 * max(1, ref))
    }
}
