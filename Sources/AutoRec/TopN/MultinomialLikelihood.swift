import RealModule
import RecMath

/// The loss terms of Mult-DAE and Mult-VAE (Liang et al. 2018) with their gradients.
///
/// For a user with binary row x (their items) and logits z over all I items:
///
/// ```
/// −log p(x | z) = −Σ_i x_i log softmax(z)_i = n·logΣexp(z) − Σ_{i ∈ items} z_i,    n = Σ_i x_i
/// ∂/∂z_j        = n·softmax(z)_j − x_j
/// KL(𝒩(μ, σ²) ‖ 𝒩(0, 1)) = ½ Σ_k (−log σ_k² + σ_k² + μ_k² − 1)
/// ∂KL/∂μ_k = μ_k,   ∂KL/∂log σ_k² = ½ (σ_k² − 1)
/// ```
/// The softmax runs over every item, so the output layer is dense by definition: the cost of a
/// batch is O(users × items × width) however few items each user has.
enum MultinomialLikelihood {
    /// Replaces the logits by `scale`·∂(−log p)/∂z and returns Σ_rows −log p(x_r | z_r).
    ///
    /// - Parameters:
    ///   - logits: `rows × items`, overwritten by the gradient.
    ///   - items: each row's items (the x_i = 1), ids in `0..<items`, no repeats.
    ///   - scale: the factor on the gradient (1/batch for a batch mean).
    /// - Complexity: O(rows × items), rows split over threads.
    static func negativeLogLikelihood(_ logits: inout Matrix, items: [[Int32]], scale: Float) -> Double {
        precondition(
            items.count == logits.rows, "negativeLogLikelihood: \(logits.rows) rows, \(items.count) lists")
        var lse = [Float](repeating: 0, count: logits.rows)
        logits.logSumExpRows(into: &lse)
        var perRow = [Double](repeating: 0, count: logits.rows)
        let n = logits.cols
        lse.withUnsafeBufferPointer { ls in
            perRow.withUnsafeMutableBufferPointer { ps in
                logits.storage.withUnsafeMutableBufferPointer { zs in
                    guard let lBase = ls.baseAddress, let pBase = ps.baseAddress, let zBase = zs.baseAddress
                    else { return }
                    nonisolated(unsafe) let (l0, p0, z0) = (lBase, pBase, zBase)  // chunks write their own rows
                    parallelFor(items.count, minimumChunk: max(1, 16_384 / max(1, n))) { range, _ in
                        for r in range {
                            let row = z0 + r * n
                            let list = items[r]
                            var picked = 0.0
                            for i in list { picked += Double(row[Int(i)]) }
                            let count = Float(list.count)
                            p0[r] = Double(count) * Double(l0[r]) - picked
                            let a = scale * count
                            for j in 0..<n { row[j] = a * Float.exp(row[j] - l0[r]) }
                            for i in list { row[Int(i)] -= scale }
                        }
                    }
                }
            }
        }
        return perRow.reduce(0, +)
    }

    /// Σ_rows KL(𝒩(μ_r, σ_r²) ‖ 𝒩(0, I)) for a head `rows × 2d` holding [μ | log σ²] per row.
    static func kullbackLeibler(_ head: Matrix) -> Double {
        let d = head.cols / 2
        var total = 0.0
        for r in 0..<head.rows {
            let base = r * head.cols
            for k in 0..<d {
                let mu = Double(head.storage[base + k]), lv = Double(head.storage[base + d + k])
                total += 0.5 * (-lv + Double.exp(lv) + mu * mu - 1)
            }
        }
        return total
    }

    /// The reparameterised code z = μ + ε ⊙ exp(½ log σ²) of a head `rows × 2d`; ε is `rows × d`.
    static func sample(_ head: Matrix, epsilon: Matrix, into z: inout Matrix) {
        let d = head.cols / 2
        precondition(
            epsilon.rows == head.rows && epsilon.cols == d && z.rows == head.rows && z.cols == d,
            "sample: head \(head.rows)x\(head.cols), epsilon \(epsilon.rows)x\(epsilon.cols)")
        for r in 0..<head.rows {
            for k in 0..<d {
                let mu = head[r, k], lv = head[r, d + k]
                z[r, k] = mu + epsilon[r, k] * Float.exp(0.5 * lv)
            }
        }
    }

    /// ∂E/∂[μ | log σ²] from ∂E/∂z (`dz`, `rows × d`) and the KL term weighted by `klScale`:
    ///
    /// ```
    /// ∂/∂μ_k      = ∂z_k + klScale·μ_k
    /// ∂/∂log σ²_k = ∂z_k·ε_k·½·exp(½ log σ²_k) + klScale·½·(exp(log σ²_k) − 1)
    /// ```
    static func headGradient(
        _ head: Matrix, epsilon: Matrix, codeGradient dz: Matrix, klScale: Float, into g: inout Matrix
    ) {
        let d = head.cols / 2
        for r in 0..<head.rows {
            for k in 0..<d {
                let mu = head[r, k], lv = head[r, d + k]
                g[r, k] = dz[r, k] + klScale * mu
                g[r, d + k] =
                    dz[r, k] * epsilon[r, k] * 0.5 * Float.exp(0.5 * lv)
                    + klScale * 0.5 * (Float.exp(lv) - 1)
            }
        }
    }
}

/// KL annealing (Liang et al. 2018): β = min(cap, step / totalSteps), where step counts
/// optimizer steps since training began. The count is kept across epochs, in checkpoints and in
/// model files, so a resumed run continues the schedule where it stopped.
public struct AnnealingSchedule: Sendable, Codable, Equatable {
    /// The largest β.
    public var cap: Float
    /// Steps to go from β = 0 to β = 1 (β stops at ``cap`` before that when cap < 1).
    public var totalSteps: Int

    /// Creates a schedule; Liang et al. and RecBole use cap 0.2 and 200,000 steps.
    public init(cap: Float = 0.2, totalSteps: Int = 200_000) {
        self.cap = cap
        self.totalSteps = totalSteps
    }

    /// β for the optimizer step numbered `step` (0 for the first).
    public func beta(step: Int) -> Float {
        guard totalSteps > 0 else { return cap }
        return min(cap, Float(Double(step) / Double(totalSteps)))
    }
}
