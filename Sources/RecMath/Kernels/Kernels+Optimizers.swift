extension Kernels {
    /// One Adam step (Kingma and Ba 2015) over `n` parameters:
    ///
    /// ```
    /// m ← β1 m + (1 − β1) g
    /// v ← β2 v + (1 − β2) g²
    /// p ← p − lr · (m / c1) / (√(v / c2) + ε)      c1 = 1 − β1^t, c2 = 1 − β2^t
    /// ```
    @inlinable
    public static func adam(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, _ n: Int,
        learningRate lr: Float, beta1 b1: Float, beta2 b2: Float, epsilon: Float, correction1 c1: Float,
        correction2 c2: Float
    ) {
        let a1 = 1 - b1, a2 = 1 - b2
        let step = lr / c1, inv2 = 1 / c2
        for i in 0..<n {
            let gi = g[i]
            let mi = b1 * m[i] + a1 * gi
            let vi = b2 * v[i] + a2 * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] -= step * mi / ((vi * inv2).squareRoot() + epsilon)
        }
    }

    /// ``adam(_:_:_:_:_:learningRate:beta1:beta2:epsilon:correction1:correction2:)`` with the L2
    /// term folded in, in one pass over `p`, `g`, `m` and `v` (eight lanes at a time):
    ///
    /// ```
    /// g' = g + decay · p          (the gradient of (decay / 2) ‖p‖², added as Matrix.add would)
    /// ```
    /// then the Adam update with g'. `g` is only read. Returns Σ p² over the parameters before the
    /// update (in `Double`, per block of 1,024), the penalty's value without its factor.
    ///
    /// The arithmetic is the unfused sequence's, operation for operation (IEEE square roots and
    /// divisions are exact per lane), so the new `p`, `m` and `v` equal it bit for bit.
    @inlinable
    public static func adamDecayed(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, _ n: Int, decay: Float,
        learningRate lr: Float, beta1 b1: Float, beta2 b2: Float, epsilon: Float, correction1 c1: Float,
        correction2 c2: Float
    ) -> Double {
        let a1 = 1 - b1, a2 = 1 - b2
        let step = lr / c1, inv2 = 1 / c2
        let vb1 = SIMD8<Float>(repeating: b1), va1 = SIMD8<Float>(repeating: a1)
        let vb2 = SIMD8<Float>(repeating: b2), va2 = SIMD8<Float>(repeating: a2)
        let vstep = SIMD8<Float>(repeating: step), vinv2 = SIMD8<Float>(repeating: inv2)
        let veps = SIMD8<Float>(repeating: epsilon), vdecay = SIMD8<Float>(repeating: decay)
        let rp = UnsafeMutableRawPointer(p), rg = UnsafeRawPointer(g)
        let rm = UnsafeMutableRawPointer(m), rv = UnsafeMutableRawPointer(v)
        var total = 0.0
        var lo = 0
        while lo < n {
            let hi = min(n, lo + 1024)
            var squares = SIMD8<Float>()
            var c = lo
            while c + 8 <= hi {
                let o = c &* 4
                let pi = rp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let gi = rg.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + vdecay * pi
                let mi = vb1 * rm.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + va1 * gi
                let vi = vb2 * rv.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + va2 * gi * gi
                squares += pi * pi
                rm.storeBytes(of: mi, toByteOffset: o, as: SIMD8<Float>.self)
                rv.storeBytes(of: vi, toByteOffset: o, as: SIMD8<Float>.self)
                rp.storeBytes(of: pi - vstep * mi / ((vi * vinv2).squareRoot() + veps), toByteOffset: o,
                              as: SIMD8<Float>.self)
                c &+= 8
            }
            var tail: Float = 0
            while c < hi {
                let pi = p[c]
                let gi = g[c] + decay * pi
                let mi = b1 * m[c] + a1 * gi
                let vi = b2 * v[c] + a2 * gi * gi
                tail += pi * pi
                m[c] = mi
                v[c] = vi
                p[c] = pi - step * mi / ((vi * inv2).squareRoot() + epsilon)
                c &+= 1
            }
            total += Double(squares.sum() + tail)
            lo = hi
        }
        return total
    }

    /// One heavy-ball momentum SGD step: `u ← momentum · u + g;  p ← p − lr · u`.
    @inlinable
    public static func momentumStep(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ n: Int,
        learningRate lr: Float, momentum mu: Float
    ) {
        for i in 0..<n {
            let ui = mu * u[i] + g[i]
            u[i] = ui
            p[i] -= lr * ui
        }
    }

    /// One iRprop− step (Igel and Hüsken 2000): per-parameter step sizes `d` grow by 1.2 while the
    /// gradient keeps its sign and shrink by 0.5 when it flips (and that gradient is then ignored);
    /// `p ← p − sign(g) · d`. `previous` keeps the gradient used last time.
    @inlinable
    public static func rprop(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ previous: UnsafeMutablePointer<Float>,
        _ d: UnsafeMutablePointer<Float>, _ n: Int, minimumStep: Float, maximumStep: Float
    ) {
        for i in 0..<n {
            var gi = g[i]
            let s = gi * previous[i]
            if s > 0 {
                d[i] = min(d[i] * 1.2, maximumStep)
            } else if s < 0 {
                d[i] = max(d[i] * 0.5, minimumStep)
                gi = 0
            }
            if gi > 0 { p[i] -= d[i] } else if gi < 0 { p[i] += d[i] }
            previous[i] = gi
        }
    }
}

// MARK: - L-BFGS history passes

extension Kernels {
    /// Length of the blocks the L-BFGS passes work on: every vector's block stays in cache between
    /// its uses, and each dot product is accumulated in `Float` within a block, in `Double` across.
    public static let historyBlock = 1024

    /// Eight dot products over `m` floats: `a0` and `a1` each with `x0 ... x3`, returned as
    /// `[a0·x0, a0·x1, a0·x2, a0·x3, a1·x0, ..., a1·x3]`. Each vector is loaded once per eight
    /// lanes for four or eight products (the textbook loop loads two per product).
    ///
    /// Every product is summed the same way (one eight-lane accumulator, lanes summed, then the
    /// tail in order), whatever the other operands, so a product has one value wherever it is formed.
    @inlinable
    public static func dotBlock2x4(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ x0: UnsafePointer<Float>,
        _ x1: UnsafePointer<Float>, _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>, _ m: Int
    ) -> SIMD8<Float> {
        var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s02 = SIMD8<Float>(), s03 = SIMD8<Float>()
        var s10 = SIMD8<Float>(), s11 = SIMD8<Float>(), s12 = SIMD8<Float>(), s13 = SIMD8<Float>()
        let ra0 = UnsafeRawPointer(a0), ra1 = UnsafeRawPointer(a1)
        let r0 = UnsafeRawPointer(x0), r1 = UnsafeRawPointer(x1)
        let r2 = UnsafeRawPointer(x2), r3 = UnsafeRawPointer(x3)
        var c = 0
        while c + 8 <= m {
            let o = c &* 4
            let va = ra0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let vb = ra1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let v0 = r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let v1 = r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let v2 = r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let v3 = r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s00 += va * v0
            s01 += va * v1
            s02 += va * v2
            s03 += va * v3
            s10 += vb * v0
            s11 += vb * v1
            s12 += vb * v2
            s13 += vb * v3
            c &+= 8
        }
        var t = SIMD8<Float>(s00.sum(), s01.sum(), s02.sum(), s03.sum(), s10.sum(), s11.sum(), s12.sum(), s13.sum())
        while c < m {
            let x = SIMD4<Float>(x0[c], x1[c], x2[c], x3[c])
            t += SIMD8<Float>(lowHalf: a0[c] * x, highHalf: a1[c] * x)
            c &+= 1
        }
        return t
    }

    /// `a` with each of eight vectors over `m` floats (the eight `x` start at `xs[0..<8]` plus
    /// `offset`), summed exactly as ``dotBlock2x4(_:_:_:_:_:_:_:)`` sums each product.
    @inlinable
    public static func dotBlock1x8(
        _ a: UnsafePointer<Float>, _ xs: UnsafePointer<UnsafePointer<Float>>, offset: Int, _ m: Int
    ) -> (SIMD4<Float>, SIMD4<Float>) {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var s4 = SIMD8<Float>(), s5 = SIMD8<Float>(), s6 = SIMD8<Float>(), s7 = SIMD8<Float>()
        let ra = UnsafeRawPointer(a)
        let r0 = UnsafeRawPointer(xs[0] + offset), r1 = UnsafeRawPointer(xs[1] + offset)
        let r2 = UnsafeRawPointer(xs[2] + offset), r3 = UnsafeRawPointer(xs[3] + offset)
        let r4 = UnsafeRawPointer(xs[4] + offset), r5 = UnsafeRawPointer(xs[5] + offset)
        let r6 = UnsafeRawPointer(xs[6] + offset), r7 = UnsafeRawPointer(xs[7] + offset)
        var c = 0
        while c + 8 <= m {
            let o = c &* 4
            let va = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s0 += va * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s1 += va * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s2 += va * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s3 += va * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s4 += va * r4.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s5 += va * r5.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s6 += va * r6.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s7 += va * r7.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            c &+= 8
        }
        var lo = SIMD4<Float>(s0.sum(), s1.sum(), s2.sum(), s3.sum())
        var hi = SIMD4<Float>(s4.sum(), s5.sum(), s6.sum(), s7.sum())
        while c < m {
            let i = offset &+ c
            lo += a[c] * SIMD4<Float>(xs[0][i], xs[1][i], xs[2][i], xs[3][i])
            hi += a[c] * SIMD4<Float>(xs[4][i], xs[5][i], xs[6][i], xs[7][i])
            c &+= 1
        }
        return (lo, hi)
    }

    /// The products of `a0` and `a1` with `count` vectors over one block of `m` floats (at most
    /// ``historyBlock``) at `offset`: `dots[j] += a0·xs[j]`, `dots1[j] += a1·xs[j]`, each block's
    /// `Float` sum added in `Double`.
    @inlinable
    public static func dotsBlock(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ xs: UnsafePointer<UnsafePointer<Float>>,
        _ count: Int, offset: Int, _ m: Int, into dots: UnsafeMutablePointer<Double>,
        _ dots1: UnsafeMutablePointer<Double>
    ) {
        var j = 0
        while j < count {
            // A short last group repeats its first vector; the repeats' sums are dropped.
            let k = min(4, count - j)
            let x0 = xs[j] + offset
            let t = dotBlock2x4(a0, a1, x0, k > 1 ? xs[j + 1] + offset : x0, k > 2 ? xs[j + 2] + offset : x0,
                                k > 3 ? xs[j + 3] + offset : x0, m)
            for i in 0..<k {
                dots[j + i] += Double(t[i])
                dots1[j + i] += Double(t[4 + i])
            }
            j += 4
        }
    }

    /// One pass of L-BFGS's direction over `n` floats: `out ← Σ_j c[j]·x[j]` (in that order, per
    /// element), then `dots[j] += out·y[j]` for the `ycount` vectors `y` (block by block, as
    /// ``dotsBlock(_:_:_:_:offset:_:into:)`` sums them).
    ///
    /// Each source is read once from memory (its block is re-read from cache for the products),
    /// so the direction and its products with the whole history cost one sweep, not one per vector.
    @inlinable
    public static func combineAndDot(
        _ xs: UnsafePointer<UnsafePointer<Float>>, _ c: UnsafePointer<Float>, _ count: Int,
        _ out: UnsafeMutablePointer<Float>, _ n: Int, products ys: UnsafePointer<UnsafePointer<Float>>,
        _ ycount: Int, dots: UnsafeMutablePointer<Double>
    ) {
        var lo = 0
        while lo < n {
            let m = min(historyBlock, n - lo)
            let o = out + lo
            if count == 0 {
                o.update(repeating: 0, count: m)
            } else {
                let ro = UnsafeMutableRawPointer(o)
                var i = 0
                while i + 8 <= m {
                    let b = (lo &+ i) &* 4
                    var acc = SIMD8<Float>(repeating: c[0])
                        * UnsafeRawPointer(xs[0]).loadUnaligned(fromByteOffset: b, as: SIMD8<Float>.self)
                    for j in 1..<count {
                        acc += SIMD8<Float>(repeating: c[j])
                            * UnsafeRawPointer(xs[j]).loadUnaligned(fromByteOffset: b, as: SIMD8<Float>.self)
                    }
                    ro.storeBytes(of: acc, toByteOffset: i &* 4, as: SIMD8<Float>.self)
                    i &+= 8
                }
                while i < m {
                    var acc = c[0] * xs[0][lo + i]
                    for j in 1..<count { acc += c[j] * xs[j][lo + i] }
                    o[i] = acc
                    i &+= 1
                }
            }
            var j = 0
            while j + 8 <= ycount {
                let (p, q) = dotBlock1x8(o, ys + j, offset: lo, m)
                for i in 0..<4 {
                    dots[j + i] += Double(p[i])
                    dots[j + 4 + i] += Double(q[i])
                }
                j += 8
            }
            if j < ycount {
                withUnsafeTemporaryAllocation(of: Double.self, capacity: ycount - j) { ignored in
                    ignored.initialize(repeating: 0)
                    dotsBlock(o, o, ys + j, ycount - j, offset: lo, m, into: dots + j, ignored.baseAddress!)
                }
            }
            lo += m
        }
    }

    /// The products of `na` vectors with `nb` vectors over `n` floats, block by block:
    /// `dots[i·nb + j] += a[i]·b[j]`, summed as ``dotsBlock(_:_:_:_:offset:_:into:)`` sums them.
    @inlinable
    public static func blockDots(
        _ a: UnsafePointer<UnsafePointer<Float>>, _ na: Int, _ b: UnsafePointer<UnsafePointer<Float>>, _ nb: Int,
        _ n: Int, into dots: UnsafeMutablePointer<Double>
    ) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: nb) { ignored in
            ignored.initialize(repeating: 0)
            var lo = 0
            while lo < n {
                let m = min(historyBlock, n - lo)
                var i = 0
                while i < na {
                    // An odd last vector is paired with itself; the copy's sums go to `ignored`.
                    let pair = i + 1 < na
                    dotsBlock(a[i] + lo, pair ? a[i + 1] + lo : a[i] + lo, b, nb, offset: lo, m,
                              into: dots + i &* nb, pair ? dots + (i + 1) &* nb : ignored.baseAddress!)
                    i += 2
                }
                lo += m
            }
        }
    }

    /// `y ← x − z` over `n` floats.
    @inlinable
    public static func difference(
        _ x: UnsafePointer<Float>, _ z: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        for i in 0..<n { y[i] = x[i] - z[i] }
    }
}
