import RecMath

extension MultAutoencoder {
    /// The batch loss and its terms.
    struct Loss {
        /// Mean over the batch of −log p(x | z).
        var negativeLogLikelihood: Double
        /// Mean over the batch of KL(q(z|x) ‖ 𝒩(0, I)) (0 for the DAE).
        var kl: Double
        /// λ·Σ‖W‖².
        var penalty: Double
        /// The β the KL term was weighted with.
        var beta: Float
        /// The minimised objective: negativeLogLikelihood + β·kl + penalty.
        var total: Double { negativeLogLikelihood + Double(beta) * kl + penalty }
    }

    /// The loss of a batch and its gradient for every parameter (same order as ``parameters``).
    ///
    /// - Parameters:
    ///   - lists: each user's items (the target x, and the input before normalisation).
    ///   - dropout: input dropout probability (0: none).
    ///   - epsilon: the VAE's noise, `rows × latent` (nil: z = μ).
    ///   - beta: the KL weight.
    ///   - rng: draws the dropout mask.
    func lossAndGradient(
        _ lists: [[Int32]], dropout: Float, epsilon: Matrix?, beta: Float, rng: inout SplitMix64
    ) -> (Loss, [Matrix]) {
        let rows = lists.count
        let scale = 1 / Float(max(1, rows))
        let x = input(lists, dropout: dropout, rng: &rng)
        let pass = forward(x, epsilon: epsilon)
        let last = layers.count - 1
        var delta = pass.activations[last]
        let targets = lists.map { $0.filter { $0 >= 0 && Int($0) < itemCount } }
        let nll = MultinomialLikelihood.negativeLogLikelihood(&delta, items: targets, scale: scale)
        var kl = 0.0
        var grads = [Matrix](repeating: Matrix(rows: 0, cols: 0), count: parameters.count)
        var scratch = [Float]()
        for l in stride(from: last, through: 0, by: -1) {
            var gw = Matrix(rows: layers[l].inputs, cols: layers[l].outputs)
            var gb = Matrix(rows: 1, cols: layers[l].outputs)
            defer { (grads[2 * l], grads[2 * l + 1]) = (gw, gb) }
            if l == 0 {
                x.addTransposeProduct(delta, into: &gw)
                DenseLayer.addColumnSums(delta, into: &gb, scratch: &scratch)
                break
            }
            let fromCode = head.map { l == $0 + 1 } ?? false
            let source = fromCode ? pass.code ?? pass.activations[l - 1] : pass.activations[l - 1]
            var dIn = Matrix(rows: rows, cols: layers[l].inputs)
            DenseLayer(activation: layers[l].activation).backward(
                delta, input: source, weight: parameters[2 * l], weightGradient: &gw,
                biasGradient: &gb, scratch: &scratch, inputGradient: &dIn)
            if fromCode, let h = head {
                let headOut = pass.activations[h]
                kl = MultinomialLikelihood.kullbackLeibler(headOut)
                var g = Matrix(rows: rows, cols: headOut.cols)
                MultinomialLikelihood.headGradient(
                    headOut, epsilon: epsilon ?? Matrix(rows: rows, cols: headOut.cols / 2),
                    codeGradient: dIn,
                    klScale: beta * scale, into: &g)
                delta = g
            } else {
                layers[l - 1].activation.backward(outputs: pass.activations[l - 1], mask: nil, gradient: &dIn)
                delta = dIn
            }
        }
        var penalty = 0.0
        if configuration.l2 > 0 {
            for l in layers.indices {
                penalty += Double(configuration.l2) * parameters[2 * l].sumOfSquares()
                grads[2 * l].add(parameters[2 * l], scaledBy: 2 * configuration.l2)
            }
        }
        let loss = Loss(
            negativeLogLikelihood: nll * Double(scale), kl: kl * Double(scale), penalty: penalty,
            beta: configuration.variant == .vae ? beta : 0)
        return (loss, grads)
    }

    /// One epoch: the users of `training` with items, shuffled, in batches; one Adam step per
    /// batch with β = annealing(step) (VAE) and fresh dropout masks and noise from the model's
    /// stream. Returns the mean loss per batch.
    public mutating func trainEpoch(_ training: [[Int32]], options: ImplicitTrainingOptions) -> Double {
        var state = trainingState
        trainingState.adam = [:]  // one owner of the moments, so steps update them in place
        let batches = state.batches(training, size: options.batchSize)
        var total = 0.0
        for batch in batches {
            let lists = batch.map { training[$0] }
            var epsilon: Matrix?
            if let h = head {
                var e = Matrix(rows: lists.count, cols: layers[h].outputs / 2)
                for k in 0..<e.storage.count { e.storage[k] = Float(state.rng.nextGaussian()) }
                epsilon = e
            }
            let beta = configuration.variant == .vae ? configuration.annealing.beta(step: state.steps) : 0
            let (loss, grads) = lossAndGradient(
                lists, dropout: configuration.inputDropout, epsilon: epsilon, beta: beta, rng: &state.rng)
            total += loss.total
            state.step(&parameters, gradients: grads, learningRate: options.learningRate)
        }
        state.epochs += 1
        trainingState = state
        return batches.isEmpty ? 0 : total / Double(batches.count)
    }
}
