import RecMath
import RecTestSupport
import Testing

@Suite struct CholeskyTests {
    /// A random symmetric positive definite n×n matrix: MᵀM + n·I.
    static func spd(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        let m = (0..<(n * n)).map { _ in rng.nextDouble() - 0.5 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0
                for k in 0..<n { s += m[k * n + i] * m[k * n + j] }
                a[i * n + j] = s + (i == j ? Double(n) * 0.1 : 0)
            }
        }
        return a
    }

    /// x with A·x = b by Gaussian elimination with partial pivoting (the direct solve).
    static func solve(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var m = a, x = b
        for c in 0..<n {
            let p = (c..<n).max { abs(m[$0 * n + c]) < abs(m[$1 * n + c]) } ?? c
            for j in 0..<n { m.swapAt(c * n + j, p * n + j) }
            x.swapAt(c, p)
            for r in (c + 1)..<n {
                let f = m[r * n + c] / m[c * n + c]
                for j in c..<n { m[r * n + j] -= f * m[c * n + j] }
                x[r] -= f * x[c]
            }
        }
        for c in stride(from: n - 1, through: 0, by: -1) {
            for j in (c + 1)..<n { x[c] -= m[c * n + j] * x[j] }
            x[c] /= m[c * n + c]
        }
        return x
    }

    @Test(
        "the inverse matches a direct solve, across block edges and thread counts",
        arguments: [1, 7, 64, 65, 130])
    func inverse(n: Int) throws {
        let a = Self.spd(n, seed: UInt64(n))
        for threads in [1, 2] {
            let p = try #require(Parallelism.withThreads(threads) { Cholesky.inverse(a, n: n) })
            for c in [0, n / 2, n - 1] {
                let e = (0..<n).map { $0 == c ? 1.0 : 0 }
                let x = Self.solve(a, e, n)
                for i in 0..<n { #expect(abs(p[i * n + c] - x[i]) < 1e-9 * max(1, abs(x[i]))) }
            }
            for i in 0..<n { for j in 0..<i { #expect(p[i * n + j] == p[j * n + i]) } }
        }
    }

    @Test("a matrix that is not positive definite is refused")
    func notPositiveDefinite() {
        #expect(Cholesky.inverse([1, 2, 2, 1], n: 2) == nil)
        #expect(Cholesky.inverse([0], n: 1) == nil)
    }

    @Test("the Gram matrix is XᵀX")
    func gram() {
        let x = Reference.randomCSR(rows: 9, cols: 6, density: 0.4, seed: 2)
        let g = x.gram()
        for i in 0..<6 {
            for j in 0..<6 {
                var s = 0.0
                for r in 0..<9 {
                    var a = 0.0, b = 0.0
                    for k in x.rowStart[r]..<x.rowStart[r + 1] {
                        if x.columns[k] == i { a = Double(x.values[k]) }
                        if x.columns[k] == j { b = Double(x.values[k]) }
                    }
                    s += a * b
                }
                #expect(abs(g[i * 6 + j] - s) < 1e-6)
            }
        }
    }
}
