@testable import AutoRec
import RecMath
import RecTestSupport
import Testing

/// The dense reference of GLocal-K's convolution, written from the formula: R with zeros where
/// unrated and outside its bounds, S[i][u] = Σ_{a,b ∈ {−1,0,1}} gk[a+1][b+1] R[i+a][u+b].
struct ReferenceConvolution {
    let rows: Int, cols: Int
    /// R, dense, zero where unrated.
    let r: [[Double]]
    /// Whether (i, u) is rated.
    let rated: [[Bool]]

    init(_ m: CSRMatrix) {
        rows = m.rows
        cols = m.cols
        var r = [[Double]](repeating: [Double](repeating: 0, count: m.cols), count: m.rows)
        var rated = [[Bool]](repeating: [Bool](repeating: false, count: m.cols), count: m.rows)
        for i in 0..<m.rows {
            for e in m.rowStart[i]..<m.rowStart[i + 1] {
                r[i][Int(m.columns[e])] = Double(m.values[e])
                rated[i][Int(m.columns[e])] = true
            }
        }
        self.r = r
        self.rated = rated
    }

    func value(_ i: Int, _ u: Int) -> Double { i >= 0 && i < rows && u >= 0 && u < cols ? r[i][u] : 0 }

    func s(_ gk: [Double], _ i: Int, _ u: Int) -> Double {
        var s = 0.0
        for a in -1...1 { for b in -1...1 { s += gk[3 * (a + 1) + b + 1] * value(i + a, u + b) } }
        return s
    }

    /// Whether a rating lies within one row and one column of (i, u).
    func inNeighbourhood(_ i: Int, _ u: Int) -> Bool {
        (-1...1).contains { a in
            (-1...1).contains { b in
                let (x, y) = (i + a, u + b)
                return x >= 0 && x < rows && y >= 0 && y < cols && rated[x][y]
            }
        }
    }
}

@Suite struct GlobalKernelTests {
    /// 5 × 6 with ratings in every corner, on every edge and one isolated in the middle, plus a
    /// random 7 × 9 and a matrix with an empty row between rated ones.
    static let corners = CSRMatrix(
        rows: 5, cols: 6, rowIndices: [0, 0, 4, 4, 2, 0, 3], columnIndices: [0, 5, 0, 5, 2, 3, 5],
        values: [1, 2, 3, 4, 5, 0.5, 2.5])
    static let matrices = [
        corners, Reference.randomCSR(rows: 7, cols: 9, density: 0.25, seed: 4),
        CSRMatrix(rows: 4, cols: 3, rowIndices: [0, 2, 3], columnIndices: [1, 0, 2], values: [3, 1, 2]),
        CSRMatrix(rows: 1, cols: 1, rowIndices: [0], columnIndices: [0], values: [2]),
    ]

    static func randomKernel(seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<9).map { _ in rng.nextFloat() * 2 - 1 }
    }

    @Test("P is exactly the set of positions within one row and one column of a rating", arguments: matrices)
    func pattern(r: CSRMatrix) {
        let p = GlobalKernel.neighbourhood(of: r)
        let ref = ReferenceConvolution(r)
        var expected = [(Int, Int)]()
        for i in 0..<r.rows { for u in 0..<r.cols where ref.inNeighbourhood(i, u) { expected.append((i, u)) } }
        var found = [(Int, Int)]()
        for i in 0..<p.rows { for e in p.rowStart[i]..<p.rowStart[i + 1] { found.append((i, Int(p.columns[e]))) } }
        #expect(found.map { [$0.0, $0.1] } == expected.map { [$0.0, $0.1] })
        #expect(p.nonzeros <= 9 * r.nonzeros)
    }

    @Test("S and X on P match the dense 'SAME' convolution, and the dense one is zero outside P",
          arguments: matrices, [1, 2])
    func forward(r: CSRMatrix, threads: Int) {
        let gk = Self.randomKernel(seed: UInt64(r.nonzeros))
        let p = GlobalKernel.neighbourhood(of: r)
        var s = [Float](), x = [Float]()
        Parallelism.withThreads(threads) {
            GlobalKernel(weights: gk).forward(r, pattern: p, preActivation: &s, output: &x)
        }
        let ref = ReferenceConvolution(r)
        let g = gk.map(Double.init)
        var inP = Set<Int>()
        for i in 0..<p.rows {
            for e in p.rowStart[i]..<p.rowStart[i + 1] {
                let u = Int(p.columns[e])
                inP.insert(i * r.cols + u)
                let want = ref.s(g, i, u)
                #expect(abs(Double(s[e]) - want) < 1e-5, "S[\(i), \(u)] = \(s[e]), reference \(want)")
                #expect(x[e] == max(0, s[e]))
            }
        }
        for i in 0..<r.rows {
            for u in 0..<r.cols where !inP.contains(i * r.cols + u) { #expect(ref.s(g, i, u) == 0) }
        }
    }

    @Test("the kernel's gradient is Σ ∂X · 1[S > 0] · R[i + a, u + b], at 1 and 2 threads", arguments: [1, 2])
    func backward(threads: Int) {
        let r = Reference.randomCSR(rows: 7, cols: 9, density: 0.3, seed: 8)
        let gk = Self.randomKernel(seed: 5)
        let p = GlobalKernel.neighbourhood(of: r)
        var s = [Float](), x = [Float]()
        GlobalKernel(weights: gk).forward(r, pattern: p, preActivation: &s, output: &x)
        var rng = SplitMix64(seed: 6)
        let dx = (0..<p.nonzeros).map { _ in rng.nextFloat() * 2 - 1 }
        let dgk = Parallelism.withThreads(threads) {
            GlobalKernel.backward(r, pattern: p, preActivation: s, outputGradient: dx)
        }
        let ref = ReferenceConvolution(r)
        let g = gk.map(Double.init)
        var want = [Double](repeating: 0, count: 9)
        for i in 0..<p.rows {
            for e in p.rowStart[i]..<p.rowStart[i + 1] where ref.s(g, i, Int(p.columns[e])) > 0 {
                let u = Int(p.columns[e])
                for a in -1...1 { for b in -1...1 { want[3 * (a + 1) + b + 1] += Double(dx[e]) * ref.value(i + a, u + b) } }
            }
        }
        #expect(want.contains { $0 != 0 } && s.contains { $0 <= 0 }, "both sides of the ReLU are exercised")
        for t in 0..<9 { #expect(abs(Double(dgk[t]) - want[t]) < 1e-4, "tap \(t): \(dgk[t]) vs \(want[t])") }
    }
}
