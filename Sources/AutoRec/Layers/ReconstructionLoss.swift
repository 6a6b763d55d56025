/// A loss over the entries a network reconstructs, and its derivative with respect to each
/// entry's pre-activation output (what the output layer's backward pass takes).
///
/// Masked squared error is the explicit-feedback loss; a multinomial log-likelihood over a dense
/// softmax output or a logistic loss over implicit feedback conform the same way.
public protocol ReconstructionLoss: Sendable {
    /// The loss, the plain sum of squared errors (for the training RMSE), and `delta[e] =
    /// ∂loss/∂z_e` where `outputs[e] = activation(z_e)`.
    ///
    /// - Parameters:
    ///   - outputs: the network's reconstructions at the target entries.
    ///   - targets: the values to reconstruct, same order.
    ///   - weights: a weight per entry (nil: all 1).
    ///   - activation: the output activation, for the chain rule.
    ///   - delta: written, one per entry.
    func evaluate(
        outputs: [Float], targets: [Float], weights: [Float]?, activation: Activation, delta: inout [Float]
    ) -> (loss: Double, squaredError: Double)
}

/// `½ Σ_e w_e (r̂_e − r_e)²` over the target entries only (the unobserved ones are never counted).
///
/// A weight per entry lets denoising weigh the ratings it hid from the input (α) apart from the
/// ones it showed (β), as Strub, Mary and Gaudel do.
public struct MaskedSquaredError: ReconstructionLoss {
    public init() {}

    public func evaluate(
        outputs: [Float], targets: [Float], weights: [Float]?, activation f: Activation, delta: inout [Float]
    ) -> (loss: Double, squaredError: Double) {
        precondition(outputs.count == targets.count && delta.count == outputs.count
                         && (weights?.count ?? outputs.count) == outputs.count,
                     "MaskedSquaredError: \(outputs.count) outputs, \(targets.count) targets, "
                         + "\(weights?.count ?? -1) weights, \(delta.count) deltas")
        var squaredError = 0.0
        if let weights {
            var weighted = 0.0
            for e in 0..<outputs.count {
                let err = outputs[e] - targets[e]
                squaredError += Double(err * err)
                weighted += Double(weights[e]) * Double(err * err)
                delta[e] = weights[e] * err * f.derivative(output: outputs[e])
            }
            return (0.5 * weighted, squaredError)
        }
        for e in 0..<outputs.count {
            let err = outputs[e] - targets[e]
            squaredError += Double(err * err)
            delta[e] = err * f.derivative(output: outputs[e])
        }
        return (0.5 * squaredError, squaredError)
    }
}
