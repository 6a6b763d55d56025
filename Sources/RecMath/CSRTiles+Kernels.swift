extension CSRTiles {
    /// C = A·B (or C += A·B), where A has this pattern and takes `values[entry[e]]` at tiled entry e.
    ///
    /// Row r of C sums the same terms in the same order (its entries by increasing column) as
    /// ``CSRMatrix/multiply(_:values:into:accumulate:)`` and ``CSRTranspose/multiply(values:_:into:accumulate:)``
    /// do, so the results are equal to theirs, at any thread count.
    ///
    /// - Parameters:
    ///   - values: one value per entry, in the order `entry` indexes (the original entry order).
    ///   - b: a dense matrix with one row per column of the pattern.
    ///   - c: the output, one row per row of the pattern, same width as `b`.
    /// - Complexity: O(nonzeros × b.cols + rows × columnBlocks × b.cols), row blocks split over threads.
    public func multiply(values: [Float], _ b: Matrix, into c: inout Matrix, accumulate: Bool = false) {
        precondition(values.count == nonzeros && b.rows == cols && c.rows == rows && c.cols == b.cols,
                     "CSRTiles.multiply: pattern \(rows)x\(cols) with \(nonzeros) entries, \(values.count) values, "
                     + "B \(b.rows)x\(b.cols), C \(c.rows)x\(c.cols)")
        let (k, rows, rowBlock, columnBlocks) = (b.cols, rows, rowBlock, columnBlocks)
        segmentStart.withUnsafeBufferPointer { ss in
            columns.withUnsafeBufferPointer { cs in
                entry.withUnsafeBufferPointer { es in
                    values.withUnsafeBufferPointer { vs in
                        b.storage.withUnsafeBufferPointer { bs in
                            c.storage.withUnsafeMutableBufferPointer { os in
                                guard let base = os.baseAddress, rows > 0, k > 0 else { return }
                                // Each block range writes the output rows of its own row blocks only.
                                nonisolated(unsafe) let (ss, cs, es, vs, bs, out) = (ss, cs, es, vs, bs, base)
                                let largest = max(1, largestTile)
                                forEachBlockChunk(work: nonzeros &* k) { blocks in
                                    // One scratch per chunk, for the values of one tile at a time.
                                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: largest)
                                    defer { scratch.deallocate() }
                                    Kernels.spmmTiles(blocks, rows: rows, rowBlock: rowBlock,
                                                      columnBlocks: columnBlocks, segmentStart: ss.baseAddress!,
                                                      columns: cs.baseAddress ?? ss.baseAddress!,
                                                      entry: es.baseAddress ?? ss.baseAddress!,
                                                      values: vs.baseAddress ?? bs.baseAddress!, b: bs.baseAddress!,
                                                      k: k, c: out, accumulate: accumulate, scratch: scratch)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// out[entry[e]] = X[r] · Y[columns[e]] for every tiled entry e of every row r: a dense product
    /// evaluated at this pattern only, written in the order `entry` indexes.
    ///
    /// Each value equals ``CSRMatrix/sampledProduct(_:_:into:)``'s (the same dot product, summed
    /// the same way).
    ///
    /// - Complexity: O(nonzeros × x.cols), row blocks split over threads.
    public func sampledProduct(_ x: Matrix, _ y: Matrix, into out: inout [Float]) {
        precondition(x.rows == rows && y.rows == cols && x.cols == y.cols && out.count == nonzeros,
                     "CSRTiles.sampledProduct: pattern \(rows)x\(cols) with \(nonzeros) entries, "
                     + "X \(x.rows)x\(x.cols), Y \(y.rows)x\(y.cols), out \(out.count)")
        let (k, rows, rowBlock, columnBlocks) = (x.cols, rows, rowBlock, columnBlocks)
        guard nonzeros > 0 else { return }
        segmentStart.withUnsafeBufferPointer { ss in
            columns.withUnsafeBufferPointer { cs in
                entry.withUnsafeBufferPointer { es in
                    x.storage.withUnsafeBufferPointer { xs in
                        y.storage.withUnsafeBufferPointer { ys in
                            out.withUnsafeMutableBufferPointer { os in
                                // Each block range writes the entries of its own rows only.
                                nonisolated(unsafe) let (ss, cs, es, xs, ys, os) = (ss, cs, es, xs, ys, os)
                                forEachBlockChunk(work: nonzeros &* k) { blocks in
                                    Kernels.sddmmTiles(blocks, rows: rows, rowBlock: rowBlock,
                                                       columnBlocks: columnBlocks, segmentStart: ss.baseAddress!,
                                                       columns: cs.baseAddress!, entry: es.baseAddress!,
                                                       x: xs.baseAddress ?? UnsafePointer(os.baseAddress!),
                                                       y: ys.baseAddress ?? UnsafePointer(os.baseAddress!),
                                                       k: k, out: os.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` over ranges of row blocks holding about equal numbers of entries, spread over
    /// threads; inline for small work.
    func forEachBlockChunk(work: Int, _ body: (Range<Int>) -> Void) {
        let blocks = rowBlocks
        // Below about 64k multiply-adds a thread hand-off costs more than it saves.
        let chunks = work < 65_536 ? 1 : min(blocks, parallelChunkCount(blocks))
        if chunks <= 1 {
            body(0..<blocks)
            return
        }
        // Chunk c ends at the first block boundary where the running entry count reaches
        // c + 1 chunks' share; a chunk may be empty when one block outweighs a share.
        var bounds = [0]
        var running = 0, block = 0
        for c in 1..<chunks {
            let target = nonzeros * c / chunks
            while block < blocks && running + blockEntries[block] / 2 < target {
                running += blockEntries[block]
                block += 1
            }
            bounds.append(block)
        }
        bounds.append(blocks)
        parallelFor(chunks) { range, _ in
            for c in range where bounds[c] < bounds[c + 1] { body(bounds[c]..<bounds[c + 1]) }
        }
    }
}
