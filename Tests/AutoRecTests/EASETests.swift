import AutoRec
import RecMath
import Testing

@Suite struct EASETests {
    @Test("B matches a direct dense solve of the EASE problem on a small matrix")
    func directSolve() throws {
        // 8 users × 5 items, a fixed pattern.
        let lists: [[Int32]] = [[0, 1], [1, 2, 3], [0, 4], [2, 3], [0, 1, 2], [4], [3, 4, 0], [1, 3]]
        let n = 5, lambda = 2.0
        let model = try EASE(training: lists, itemCount: n, lambda: lambda)
        // Direct: for each column j, minimise ‖X_j − X b‖² + λ‖b‖² with b_j = 0, i.e. solve
        // (G + λI) restricted to i ≠ j: (G_{-j,-j} + λI) b = G_{-j,j}, by Gaussian elimination.
        var g = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for items in lists { for i in items { for k in items { g[Int(i)][Int(k)] += 1 } } }
        for j in 0..<n {
            let others = (0..<n).filter { $0 != j }
            var a = others.map { r in others.map { c in g[r][c] + (r == c ? lambda : 0) } }
            var b = others.map { g[$0][j] }
            let m = others.count
            for c in 0..<m {
                for r in (c + 1)..<m {
                    let f = a[r][c] / a[c][c]
                    for k in c..<m { a[r][k] -= f * a[c][k] }
                    b[r] -= f * b[c]
                }
            }
            for c in stride(from: m - 1, through: 0, by: -1) {
                for k in (c + 1)..<m { b[c] -= a[c][k] * b[k] }
                b[c] /= a[c][c]
            }
            #expect(model.weight(j, j) == 0)
            for (r, i) in others.enumerated() { #expect(abs(Double(model.weight(i, j)) - b[r]) < 1e-5) }
        }
    }

    @Test("a non-positive lambda with an item nobody has is an error")
    func badLambda() {
        #expect(throws: EASEError.self) { try EASE(training: [[0]], itemCount: 2, lambda: 0) }
    }
}
