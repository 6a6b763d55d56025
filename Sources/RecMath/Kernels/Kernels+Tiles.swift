/// The loops over a ``CSRTiles`` pattern. Each takes a range of row blocks (the caller splits
/// row blocks over threads, so no two threads write one output row) and visits each row block's
/// tiles in order; a row's entries are always summed in the same order, whatever the split.
extension Kernels {
    /// Sparse times dense over the tiles of row blocks `blocks`:
    ///
    /// ```
    /// C[r] = beta·C[r] + Σ_{e in row r} values[entry[e]] · B[columns[e]]      (beta is 0 or 1)
    /// ```
    /// Each tile's values are first gathered into `scratch` (at least the largest tile's entry
    /// count), so the walks below read them in tile order rather than scattered through `entry`.
    /// Then the tile is walked once per slice of 64 columns of `B` and `C` (then per slice of 8,
    /// then the rest), keeping an output row's slice in registers over the row's entries in the
    /// tile: one load of `B` per multiply-add, and the tile's slice of `B` stays in cache between
    /// the rows that share its columns. `B` and `C` are row-major with `k` columns.
    ///
    /// - Complexity: O(entries in those blocks × k + their rows × columnBlocks × k).
    @inlinable
    public static func spmmTiles(
        _ blocks: Range<Int>, rows: Int, rowBlock: Int, columnBlocks: Int, segmentStart: UnsafePointer<Int32>,
        columns: UnsafePointer<Int32>, entry: UnsafePointer<Int32>, values: UnsafePointer<Float>,
        b: UnsafePointer<Float>, k: Int, c: UnsafeMutablePointer<Float>, accumulate: Bool,
        scratch: UnsafeMutablePointer<Float>
    ) {
        for block in blocks {
            let r0 = block &* rowBlock, n = min(rows, r0 &+ rowBlock) &- r0
            let out = c + r0 &* k
            if !accumulate { out.update(repeating: 0, count: n &* k) }
            for cb in 0..<columnBlocks {
                let segments = segmentStart + (r0 &* columnBlocks &+ cb &* n)
                let t0 = Int(segments[0]), t1 = Int(segments[n])
                if t0 == t1 { continue }
                for e in t0..<t1 { scratch[e &- t0] = values[Int(entry[e])] }
                // Indexed by tiled entry: tiled[e] is scratch[e − t0] for e in t0..<t1.
                let tiled = UnsafePointer(scratch) - t0
                var s = 0
                while s &+ 64 <= k {
                    spmmSegments64(n, segments, columns, tiled, b + s, k, out + s, skip: 0)
                    s &+= 64
                }
                if s < k && k >= 64 {
                    // The rest as one more 64-column slice ending at column k, storing only the
                    // columns the previous slices left (one walk instead of several narrow ones).
                    let last = k &- 64
                    spmmSegments64(n, segments, columns, tiled, b + last, k, out + last, skip: s &- last)
                    s = k
                }
                while s &+ 8 <= k {
                    spmmSegments8(n, segments, columns, tiled, b + s, k, out + s)
                    s &+= 8
                }
                if s < k { spmmSegmentsScalar(n, segments, columns, tiled, b + s, k, k &- s, out + s) }
            }
        }
    }

    /// 64 columns of `C[r] += Σ v·B[col]` for the `n` segments of one tile (rows of stride k);
    /// `values` is indexed by tiled entry. The first `skip` columns are computed but not stored
    /// (they belong to a slice already done).
    @inlinable
    static func spmmSegments64(
        _ n: Int, _ segments: UnsafePointer<Int32>, _ columns: UnsafePointer<Int32>, _ values: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, _ k: Int, _ c: UnsafeMutablePointer<Float>, skip: Int
    ) {
        let rb = UnsafeRawPointer(b), stride = k &* 4
        for i in 0..<n {
            let lo = Int(segments[i]), hi = Int(segments[i &+ 1])
            if lo == hi { continue }
            let o = UnsafeMutableRawPointer(c + i &* k)
            var a0 = o.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
            var a1 = o.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            var a2 = o.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
            var a3 = o.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
            var a4 = o.loadUnaligned(fromByteOffset: 128, as: SIMD8<Float>.self)
            var a5 = o.loadUnaligned(fromByteOffset: 160, as: SIMD8<Float>.self)
            var a6 = o.loadUnaligned(fromByteOffset: 192, as: SIMD8<Float>.self)
            var a7 = o.loadUnaligned(fromByteOffset: 224, as: SIMD8<Float>.self)
            for e in lo..<hi {
                let v = SIMD8<Float>(repeating: values[e])
                let p = rb + Int(columns[e]) &* stride
                a0 += v * p.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
                a1 += v * p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                a2 += v * p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                a3 += v * p.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
                a4 += v * p.loadUnaligned(fromByteOffset: 128, as: SIMD8<Float>.self)
                a5 += v * p.loadUnaligned(fromByteOffset: 160, as: SIMD8<Float>.self)
                a6 += v * p.loadUnaligned(fromByteOffset: 192, as: SIMD8<Float>.self)
                a7 += v * p.loadUnaligned(fromByteOffset: 224, as: SIMD8<Float>.self)
            }
            if skip == 0 {
                o.storeBytes(of: a0, toByteOffset: 0, as: SIMD8<Float>.self)
                o.storeBytes(of: a1, toByteOffset: 32, as: SIMD8<Float>.self)
                o.storeBytes(of: a2, toByteOffset: 64, as: SIMD8<Float>.self)
                o.storeBytes(of: a3, toByteOffset: 96, as: SIMD8<Float>.self)
                o.storeBytes(of: a4, toByteOffset: 128, as: SIMD8<Float>.self)
                o.storeBytes(of: a5, toByteOffset: 160, as: SIMD8<Float>.self)
                o.storeBytes(of: a6, toByteOffset: 192, as: SIMD8<Float>.self)
                o.storeBytes(of: a7, toByteOffset: 224, as: SIMD8<Float>.self)
            } else {
                let out = c + i &* k
                storeSkipping(a0, out, 0, skip)
                storeSkipping(a1, out, 8, skip)
                storeSkipping(a2, out, 16, skip)
                storeSkipping(a3, out, 24, skip)
                storeSkipping(a4, out, 32, skip)
                storeSkipping(a5, out, 40, skip)
                storeSkipping(a6, out, 48, skip)
                storeSkipping(a7, out, 56, skip)
            }
        }
    }

    /// Stores the lanes of `a` into `out[first ..< first + 8]` whose column is at least `skip`.
    @inlinable
    static func storeSkipping(_ a: SIMD8<Float>, _ out: UnsafeMutablePointer<Float>, _ first: Int, _ skip: Int) {
        if first &+ 8 <= skip { return }
        if first >= skip {
            UnsafeMutableRawPointer(out + first).storeBytes(of: a, as: SIMD8<Float>.self)
            return
        }
        for t in (skip &- first)..<8 { out[first &+ t] = a[t] }
    }

    /// 8 columns of `C[r] += Σ v·B[col]` for the `n` segments of one tile.
    @inlinable
    static func spmmSegments8(
        _ n: Int, _ segments: UnsafePointer<Int32>, _ columns: UnsafePointer<Int32>, _ values: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, _ k: Int, _ c: UnsafeMutablePointer<Float>
    ) {
        let rb = UnsafeRawPointer(b), stride = k &* 4
        for i in 0..<n {
            let lo = Int(segments[i]), hi = Int(segments[i &+ 1])
            if lo == hi { continue }
            let o = UnsafeMutableRawPointer(c + i &* k)
            var a = o.loadUnaligned(as: SIMD8<Float>.self)
            for e in lo..<hi {
                a += SIMD8<Float>(repeating: values[e])
                    * (rb + Int(columns[e]) &* stride).loadUnaligned(as: SIMD8<Float>.self)
            }
            o.storeBytes(of: a, as: SIMD8<Float>.self)
        }
    }

    /// The last `width` (< 8) columns of `C[r] += Σ v·B[col]` for the `n` segments of one tile.
    @inlinable
    static func spmmSegmentsScalar(
        _ n: Int, _ segments: UnsafePointer<Int32>, _ columns: UnsafePointer<Int32>, _ values: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, _ k: Int, _ width: Int,
        _ c: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<n {
            let o = c + i &* k
            for e in Int(segments[i])..<Int(segments[i &+ 1]) {
                let v = values[e], p = b + Int(columns[e]) &* k
                for t in 0..<width { o[t] += v * p[t] }
            }
        }
    }

    /// Dense times dense sampled at the tiles of row blocks `blocks`:
    ///
    /// ```
    /// out[entry[e]] = X[r] · Y[columns[e]]     for every entry e of row r
    /// ```
    /// Four entries of a row at a time share each load of `X[r]`; the tile's rows of `Y` stay in
    /// cache between the rows that share its columns. `X` and `Y` are row-major with `k` columns.
    ///
    /// - Complexity: O(entries in those blocks × k).
    @inlinable
    public static func sddmmTiles(
        _ blocks: Range<Int>, rows: Int, rowBlock: Int, columnBlocks: Int, segmentStart: UnsafePointer<Int32>,
        columns: UnsafePointer<Int32>, entry: UnsafePointer<Int32>, x: UnsafePointer<Float>,
        y: UnsafePointer<Float>, k: Int, out: UnsafeMutablePointer<Float>
    ) {
        for block in blocks {
            let r0 = block &* rowBlock, n = min(rows, r0 &+ rowBlock) &- r0
            for cb in 0..<columnBlocks {
                let segments = segmentStart + (r0 &* columnBlocks &+ cb &* n)
                for i in 0..<n {
                    let xr = x + (r0 &+ i) &* k
                    var e = Int(segments[i])
                    let hi = Int(segments[i &+ 1])
                    while e &+ 4 <= hi {
                        let d = dot4(xr, y + Int(columns[e]) &* k, y + Int(columns[e &+ 1]) &* k,
                                     y + Int(columns[e &+ 2]) &* k, y + Int(columns[e &+ 3]) &* k, k)
                        out[Int(entry[e])] = d[0]
                        out[Int(entry[e &+ 1])] = d[1]
                        out[Int(entry[e &+ 2])] = d[2]
                        out[Int(entry[e &+ 3])] = d[3]
                        e &+= 4
                    }
                    while e < hi {
                        out[Int(entry[e])] = dot(xr, y + Int(columns[e]) &* k, k)
                        e &+= 1
                    }
                }
            }
        }
    }

    /// The four dot products `x · y_i` of `n` floats, sharing the loads of `x` (two accumulators
    /// per product).
    @inlinable
    public static func dot4(
        _ x: UnsafePointer<Float>, _ y0: UnsafePointer<Float>, _ y1: UnsafePointer<Float>,
        _ y2: UnsafePointer<Float>, _ y3: UnsafePointer<Float>, _ n: Int
    ) -> SIMD4<Float> {
        let rx = UnsafeRawPointer(x)
        let r0 = UnsafeRawPointer(y0), r1 = UnsafeRawPointer(y1), r2 = UnsafeRawPointer(y2), r3 = UnsafeRawPointer(y3)
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
        var c = 0
        while c &+ 16 <= n {
            let o = c &* 4, p = o &+ 32
            let xa = rx.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let xb = rx.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
            a0 += xa * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            b0 += xb * r0.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
            a1 += xa * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            b1 += xb * r1.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
            a2 += xa * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            b2 += xb * r2.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
            a3 += xa * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            b3 += xb * r3.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
            c &+= 16
        }
        if c &+ 8 <= n {
            let o = c &* 4
            let xa = rx.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a0 += xa * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a1 += xa * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a2 += xa * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a3 += xa * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            c &+= 8
        }
        var s = SIMD4<Float>((a0 + b0).sum(), (a1 + b1).sum(), (a2 + b2).sum(), (a3 + b3).sum())
        while c < n {
            s += SIMD4<Float>(repeating: x[c]) * SIMD4<Float>(y0[c], y1[c], y2[c], y3[c])
            c &+= 1
        }
        return s
    }
}
