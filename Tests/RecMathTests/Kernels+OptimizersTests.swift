import RecMath
import Testing

@Suite struct OptimizerKernelTests {
    static func vector(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in Float(rng.nextGaussian()) }
    }

    @Test("fused Adam with the L2 term equals the term added first, then Adam, bit for bit",
          arguments: [0, 1, 7, 8, 9, 17, 1_030, 2_061])
    func adamDecayedMatchesUnfused(n: Int) {
        let g = Self.vector(n, seed: 1)
        var p = Self.vector(n, seed: 2), m = Self.vector(n, seed: 3).map { $0 * 0.1 }
        var v = Self.vector(n, seed: 4).map { $0 * $0 * 0.01 }
        var (p2, m2, v2) = (p, m, v)
        let decay: Float = 0.37
        // Unfused: g' = g + decay · p (axpy), then the plain Adam kernel.
        var gd = g
        gd.withUnsafeMutableBufferPointer { gb in
            p.withUnsafeBufferPointer { pb in
                guard let gp = gb.baseAddress, let pp = pb.baseAddress else { return }
                Kernels.axpy(decay, pp, gp, n)
            }
        }
        p.withUnsafeMutableBufferPointer { pb in
            gd.withUnsafeBufferPointer { gb in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        guard let pp = pb.baseAddress else { return }
                        Kernels.adam(pp, gb.baseAddress!, mb.baseAddress!, vb.baseAddress!, n, learningRate: 0.01,
                                     beta1: 0.9, beta2: 0.999, epsilon: 1e-8, correction1: 0.1, correction2: 0.001)
                    }
                }
            }
        }
        p2.withUnsafeMutableBufferPointer { pb in
            g.withUnsafeBufferPointer { gb in
                m2.withUnsafeMutableBufferPointer { mb in
                    v2.withUnsafeMutableBufferPointer { vb in
                        guard let pp = pb.baseAddress else { return }
                        _ = Kernels.adamDecayed(
                            pp, gb.baseAddress!, mb.baseAddress!, vb.baseAddress!, n, decay: decay,
                            learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, correction1: 0.1,
                            correction2: 0.001)
                    }
                }
            }
        }
        #expect(p == p2 && m == m2 && v == v2)
    }

    @Test("fused Adam returns the sum of squares of the parameters before the step",
          arguments: [0, 9, 1_030])
    func adamDecayedSumOfSquares(n: Int) {
        let g = Self.vector(n, seed: 5)
        var p = Self.vector(n, seed: 6), m = [Float](repeating: 0, count: n), v = m
        let want = p.reduce(0.0) { $0 + Double($1) * Double($1) }
        let got = p.withUnsafeMutableBufferPointer { pb in
            g.withUnsafeBufferPointer { gb in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        guard let pp = pb.baseAddress else { return 0.0 }
                        return Kernels.adamDecayed(pp, gb.baseAddress!, mb.baseAddress!, vb.baseAddress!, n,
                                                   decay: 0.5, learningRate: 0.01, beta1: 0.9, beta2: 0.999,
                                                   epsilon: 1e-8, correction1: 0.1, correction2: 0.001)
                    }
                }
            }
        }
        #expect(abs(got - want) <= 1e-5 * max(1, want))
    }

    @Test("combineAndDot forms Σ c_j x_j and its products with every x_j and itself (n, vectors)",
          arguments: [(0, 3), (1, 1), (9, 2), (17, 5), (2_061, 4), (1_030, 11)])
    func combineAndDot(n: Int, count: Int) {
        let xs = (0..<count).map { Self.vector(n, seed: 10 + UInt64($0)) }
        let c: [Float] = (0..<count).map { Float($0) * 0.5 - 0.7 }
        let want = (0..<n).map { i in (0..<count).reduce(0.0) { $0 + Double(c[$1]) * Double(xs[$1][i]) } }
        // Every vector in one buffer (plus one spare float so empty vectors still have an address).
        let flat: [Float] = xs.flatMap { $0 } + [0]
        var out = [Float](repeating: 9, count: n + 1)
        var dots = [Double](repeating: 0, count: count + 1)
        flat.withUnsafeBufferPointer { fb in
            out.withUnsafeMutableBufferPointer { ob in
                // The sources, then the products' operands: the sources and the output itself.
                let ps: [UnsafePointer<Float>] =
                    (0..<count).map { UnsafePointer(fb.baseAddress! + $0 * n) } + [UnsafePointer(ob.baseAddress!)]
                ps.withUnsafeBufferPointer { pb in
                    c.withUnsafeBufferPointer { cb in
                        dots.withUnsafeMutableBufferPointer { db in
                            Kernels.combineAndDot(pb.baseAddress!, cb.baseAddress!, count, ob.baseAddress!, n,
                                                  products: pb.baseAddress!, count + 1, dots: db.baseAddress!)
                        }
                    }
                }
            }
        }
        for i in 0..<n { #expect(abs(Double(out[i]) - want[i]) < 1e-5, "out[\(i)]") }
        for j in 0..<count {
            let w = (0..<n).reduce(0.0) { $0 + want[$1] * Double(xs[j][$1]) }
            #expect(abs(dots[j] - w) < 1e-4 * max(1, abs(w)), "dot \(j)")
        }
        let self2 = want.reduce(0.0) { $0 + $1 * $1 }
        #expect(abs(dots[count] - self2) < 1e-4 * max(1, self2))
    }
}
