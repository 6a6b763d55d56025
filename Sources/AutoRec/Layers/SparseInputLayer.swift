import RecMath

/// The first layer of every AutoRec-family network: a sparse batch of rating vectors times the
/// input weights `V` (one row of width k per input), with the fill of unobserved inputs added
/// algebraically so no dense batch is ever formed:
///
/// ```
/// Z[j] = Σ_{observed u} (r_ju − fill(j,u)) V[u] + rowOffset[j] Σ_u V[u] + Σ_u inputOffset[u] V[u] + μ
/// H[j] = g(Z[j])
/// ```
/// (fill(j,u) = rowOffset[j] + inputOffset[u], see ``AutoRecData``), plus `Σ_f s_jf V_s[f]` for
/// side features `s_j` with their own weights `V_s` when given.
struct SparseInputLayer {
    /// g.
    let activation: Activation

    /// Column sums of V, reused between forward and backward.
    final class Workspace {
        var fillSum = [Float]()    // Σ_u V[u]
        var fillInput = [Float]()  // Σ_u inputOffset[u] V[u]
        var scratch = [Float]()

        func prepare(width k: Int) {
            if fillSum.count != k {
                fillSum = [Float](repeating: 0, count: k)
                fillInput = [Float](repeating: 0, count: k)
                scratch = [Float](repeating: 0, count: k)
            }
        }
    }

    /// H = g(Z) for every row of `matrix`; `values` are the inputs at the entries (ratings minus
    /// fill, maybe dropped out), `globalRows` each local row's row in `data`. With `tiles` (the
    /// cache tiles of `matrix`), X·V runs over them (same result, faster on large batches).
    ///
    /// - Complexity: O(entries × k + inputs × k) (the second term only with a non-zero fill).
    func forward(
        weight v: Matrix, bias mu: Matrix, matrix: CSRMatrix, tiles: CSRTiles? = nil, globalRows: [Int32],
        values: [Float], side: (features: CSRMatrix, weight: Matrix)? = nil, data: AutoRecData, workspace ws: Workspace,
        into h: inout Matrix
    ) {
        let k = v.cols
        ws.prepare(width: k)
        if let tiles {
            tiles.multiply(values: values, v, into: &h)
        } else {
            matrix.multiply(v, values: values, into: &h)
        }
        if let side { side.features.multiply(side.weight, into: &h, accumulate: true) }
        if !data.zeroFill {
            v.weightedRowSum(nil, into: &ws.fillSum)
            v.weightedRowSum(data.inputOffset, into: &ws.fillInput)
        }
        let zeroFill = data.zeroFill
        let g = activation
        mu.storage.withUnsafeBufferPointer { mu in
            ws.fillSum.withUnsafeBufferPointer { s1 in
                ws.fillInput.withUnsafeBufferPointer { s2 in
                    data.rowOffset.withUnsafeBufferPointer { ro in
                        globalRows.withUnsafeBufferPointer { gr in
                            h.storage.withUnsafeMutableBufferPointer { hs in
                                // Chunks write disjoint rows of H.
                                nonisolated(unsafe) let (mu, s1, s2, ro, gr, hs) = (mu, s1, s2, ro, gr, hs)
                                parallelFor(matrix.rows, minimumChunk: max(1, 8192 / k)) { range, _ in
                                    for j in range {
                                        let row = hs.baseAddress! + j * k
                                        if zeroFill {
                                            for c in 0..<k { row[c] = g.apply(row[c] + mu[c]) }
                                        } else {
                                            let a = ro[Int(gr[j])]
                                            for c in 0..<k { row[c] = g.apply(row[c] + mu[c] + s2[c] + a * s1[c]) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds ∂μ = Σ_j ∂Z[j] and ∂V[u] = Σ_j x_ju ∂Z[j] + Σ_j fill(j,u) ∂Z[j] into the gradients.
    ///
    /// - Parameter dz: ∂E/∂Z, one row per batch row.
    /// - Complexity: O(entries × k + inputs × k).
    func backward(
        _ dz: Matrix, batch: SparseBatch, values: [Float], data: AutoRecData, workspace ws: Workspace,
        weightGradient dv: inout Matrix, biasGradient dmu: inout Matrix
    ) {
        let k = dz.cols
        ws.prepare(width: k)
        dz.weightedRowSum(nil, into: &ws.scratch)
        for c in 0..<k { dmu.storage[c] += ws.scratch[c] }
        if let tiles = batch.tiles {
            tiles.transpose.multiply(values: values, dz, into: &dv, accumulate: true)
        } else {
            batch.transpose.multiply(values: values, dz, into: &dv, accumulate: true)
        }
        if !data.zeroFill {
            // Σ_j fill(j,u) ∂Z[j] = Σ_j rowOffset[j] ∂Z[j] + inputOffset[u] Σ_j ∂Z[j].
            let columnSum = ws.scratch
            var rowOffsets = [Float](repeating: 0, count: dz.rows)
            for j in 0..<dz.rows { rowOffsets[j] = data.rowOffset[Int(batch.rows[j])] }
            dz.weightedRowSum(rowOffsets, into: &ws.scratch)
            for u in 0..<data.inputs {
                let a = data.inputOffset[u]
                for c in 0..<k { dv[u, c] += ws.scratch[c] + a * columnSum[c] }
            }
        }
    }
}
