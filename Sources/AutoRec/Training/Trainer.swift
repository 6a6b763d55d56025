import Dispatch
import RecData
import RecMath

/// The training loop, apart from any model: epochs of full-batch (L-BFGS, RProp) or mini-batch
/// (Adam, SGD, with the learning-rate schedule and dense re-feeding) steps, the finiteness and
/// divergence checks, validation and the best epoch, checkpoints, per-epoch and per-batch
/// callbacks, early stopping and a cancellation token.
///
/// The model sets up the state (fresh weights or a checkpoint) and the validation scorer, runs the
/// trainer, and keeps what it left (the refit is a second run on training plus validation).
struct Trainer {
    let configuration: AutoRecConfiguration
    /// Named in errors.
    let modelName: String
    /// Ends the run after the current batch when a stop is requested.
    let stopToken: StopToken
    var onEpoch: (@Sendable (EpochRecord) -> Void)?
    var onBatch: (@Sendable (Int, Int) -> Void)?
    var checkpointPath: String?
    var checkpointEvery = 0
    /// Threads for every parallel loop of the run (nil: the caller's count).
    var threads: Int?
    /// Mini-batch steps: the optimizer adds the L2 term in its own pass (see ``Optimizer``); false
    /// keeps it in the network's gradient (the reference the fused step is tested against).
    var fusePenalty = true
    /// Keep the raw tensors of the best epoch in ``TrainingState/bestRaw`` (GLocal-K's pre-training).
    var keepsRawBest = false
    /// GLocal-K's fine-tuning: the state's tensors end with C and this objective replaces the
    /// network's (L-BFGS only).
    var globalKernel: GlobalKernelStage?

    /// Runs epochs from `state.epoch` until the configuration's limit, patience or a stop request.
    ///
    /// - Parameters:
    ///   - state: weights, optimizer state, generator, history and best epoch; updated in place.
    ///   - validator: scores the validation ratings after every epoch (nil: no early stopping).
    ///   - scale: the training ratings' scale (clipping, divergence limit).
    /// - Returns: why the loop ended.
    /// - Throws: ``TrainingError`` (non-finite or diverging training), checkpoint write errors.
    func run(
        _ state: inout TrainingState, data: AutoRecData, validator: AutoRecModel.Validator?, scale: RatingScale
    ) throws -> AutoRecModel.StopReason {
        guard let threads else { return try epochs(&state, data: data, scoring: validator, scale: scale) }
        return try Parallelism.withThreads(threads) {
            try epochs(&state, data: data, scoring: validator, scale: scale)
        }
    }

    private func epochs(
        _ state: inout TrainingState, data: AutoRecData, scoring: AutoRecModel.Validator?, scale: RatingScale
    ) throws -> AutoRecModel.StopReason {
        let config = configuration
        let net = AutoRecNetwork(configuration: config)
        let ws = AutoRecWorkspace()
        let full = SparseBatch(all: data)
        let stop = stopToken
        let divergenceLimit = TrainingError.divergenceLimit(scale)
        let stage = globalKernel
        precondition(stage == nil || config.optimizer.kind == .lbfgs, "Trainer: the global kernel needs lbfgs")
        while state.epoch < config.epochs {
            let epoch = state.epoch
            let start = DispatchTime.now().uptimeNanoseconds
            let lr = config.optimizer.learningRate(epoch: epoch, of: config.epochs)
            var loss = 0.0, squared = 0.0
            switch config.optimizer.kind {
            case .lbfgs:
                // The evaluations draw from a local copy of the generator (state is borrowed meanwhile).
                var rng = state.rng
                func evaluate(_ x: [Matrix], _ g: inout [Matrix]) -> Double {
                    if let stage {
                        let r = stage.lossAndGradient(x, grads: &g)
                        squared = r.squaredError
                        return r.objective
                    }
                    let r = net.lossAndGradient(AutoRecParameters(tensors: x), batch: full, data: data,
                                                penaltyShare: 1, grads: &g, workspace: ws, rng: &rng,
                                                training: true)
                    squared = r.squaredError
                    return r.objective
                }
                if state.lbfgsLoss == nil { state.lbfgsLoss = evaluate(state.params.tensors, &state.gradients) }
                let r = state.lbfgs.iterate(&state.params.tensors, loss: state.lbfgsLoss ?? 0,
                                            gradients: &state.gradients, evaluate: evaluate)
                state.rng = rng
                loss = r.loss
                state.lbfgsLoss = r.loss
            case .rprop:
                let r = net.lossAndGradient(state.params, batch: full, data: data, penaltyShare: 1,
                                            grads: &state.gradients, workspace: ws, rng: &state.rng, training: true)
                state.stepper.step(&state.params.tensors, gradients: state.gradients, learningRate: lr)
                (loss, squared) = r
            case .adam, .sgd:
                partialShuffle(&state.order, first: state.order.count, using: &state.rng)
                let count = state.order.count
                let batches = (count + config.batchSize - 1) / config.batchSize
                // The L2 term goes into the optimizer's own pass over the weights (Adam fuses it with
                // the update) rather than a separate pass in the network; tied weights share one
                // gradient, so their penalty stays in the network.
                let fused = fusePenalty && config.tiedWeights != true
                for b in 0..<batches {
                    let rows = state.order[(b * config.batchSize)..<min(count, (b + 1) * config.batchSize)]
                    let batch = SparseBatch(rows, of: data)
                    let share = Float(rows.count) / Float(count)
                    let r = net.lossAndGradient(state.params, batch: batch, data: data,
                                                penaltyShare: fused ? 0 : share,
                                                grads: &state.gradients, workspace: ws, rng: &state.rng,
                                                training: true)
                    var penalty = 0.0
                    if fused {
                        let lambda = config.l2 * share
                        let decay = state.params.tensors.indices.map { $0 % 2 == 0 ? lambda : 0 }
                        penalty = state.stepper.step(&state.params.tensors, gradients: state.gradients,
                                                     learningRate: lr, decay: decay)
                    } else {
                        state.stepper.step(&state.params.tensors, gradients: state.gradients, learningRate: lr)
                    }
                    Self.refeed(net, &state, batch: batch, data: data, share: share, learningRate: lr, scale: scale,
                                workspace: ws)
                    loss += r.objective + penalty
                    squared += r.squaredError
                    onBatch?(b + 1, batches)
                    if stop.isStopRequested { break }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard loss.isFinite && state.params.isFinite else {
                throw TrainingError.nonFinite(model: modelName, epoch: epoch + 1)
            }
            let trainRMSE = (squared / Double(max(1, data.matrix.nonzeros))).squareRoot()
            guard trainRMSE <= divergenceLimit else {
                throw TrainingError.diverged(model: modelName, epoch: epoch + 1, rmse: trainRMSE,
                                             limit: divergenceLimit)
            }
            var record = EpochRecord(epoch: epoch + 1, loss: loss, trainRMSE: trainRMSE,
                                     validationRMSE: nil, learningRate: lr, seconds: seconds)
            if let validator = scoring {
                // L-BFGS's last evaluation was at the accepted weights over every row, in order; without
                // dropout its codes are exactly the codes of the current weights.
                // The global kernel's stage leaves the codes of X and its gk the same way.
                let fresh = config.optimizer.kind == .lbfgs && !config.hasTrainingNoise
                let current = stage?.networkParameters(state.params.tensors) ?? net.effectiveParameters(state.params)
                let h = stage?.codes ?? (fresh ? ws.code : AutoRecModel.allCodes(config, current, data))
                let rmse = validator.rmse(config, current, codes: h, scale: scale)
                record.validationRMSE = rmse
                // Kept as the network computes with (kernelized weights: W ⊙ K, no vectors).
                if state.best.map({ rmse < $0.rmse }) ?? true {
                    state.best = (rmse, epoch + 1, current)
                    if keepsRawBest { state.bestRaw = state.params }
                    state.bestGlobalKernel = stage?.kernel
                }
            }
            state.history.append(record)
            state.epoch += 1
            onEpoch?(record)
            if let path = checkpointPath, checkpointEvery > 0, state.epoch % checkpointEvery == 0 {
                try state.write(to: path, configuration: config)
            }
            if stop.isStopRequested { return .interrupted }
            if let b = state.best, config.patience > 0, state.epoch - b.epoch >= config.patience { return .patience }
        }
        return .epochLimit
    }

    /// The dense re-feeding steps after a mini-batch step (none unless `refeedSteps` > 0): the
    /// batch's full output, clipped to the rating scale (what a prediction returns), becomes input
    /// and target of one more step, `refeedSteps` times. Unclipped, outputs for unrated items drift
    /// outside the scale, feed back as large dense inputs, and on ML-1M every seed's training RMSE
    /// jumped from about 1.1 to 4-6 within the first six epochs (BENCHMARKS.md).
    ///
    /// The dense step's error term is weighted by (the batch's observed ratings) / (its dense
    /// entries), so both steps take the error per entry on the same footing (the deep-autoencoder
    /// study normalises each step's squared error by its count of entries); the L2 share is as in
    /// the sparse step. Unweighted, a dense step's gradient on ML-1M is about 25 times the sparse
    /// one's, Adam's moments follow the dense steps, and the ratings barely train (BENCHMARKS.md).
    static func refeed(
        _ net: AutoRecNetwork, _ state: inout TrainingState, batch: SparseBatch, data: AutoRecData, share: Float,
        learningRate: Float, scale: RatingScale, workspace ws: AutoRecWorkspace
    ) {
        let steps = net.configuration.refeedSteps ?? 0
        let observed = batch.matrix.nonzeros
        guard steps > 0, observed > 0 else { return }
        var y = net.denseOutputs(state.params, batch: batch, data: data, workspace: ws)
        clip(&y, to: scale)
        let context = AutoRecData(unfilledRows: y.rows, inputs: y.cols)
        let weight = Float(observed) / Float(max(1, y.rows * y.cols))
        for step in 0..<steps {
            let dense = SparseBatch(dense: y, side: batch.side)
            // weight · (error gradient + (share / weight) · penalty gradient): the penalty keeps its share.
            _ = net.lossAndGradient(state.params, batch: dense, data: context, penaltyShare: share / weight,
                                    grads: &state.gradients, workspace: ws, rng: &state.rng, training: true)
            for t in state.gradients.indices {
                state.gradients[t].storage.withUnsafeMutableBufferPointer { g in
                    for i in g.indices { g[i] *= weight }
                }
            }
            state.stepper.step(&state.params.tensors, gradients: state.gradients, learningRate: learningRate)
            if step + 1 < steps {
                y = net.denseOutputs(state.params, batch: dense, data: context, workspace: ws)
                clip(&y, to: scale)
            }
        }
    }

    /// Clips every entry of `y` to the scale's range.
    static func clip(_ y: inout Matrix, to scale: RatingScale) {
        y.storage.withUnsafeMutableBufferPointer { v in
            for i in v.indices { v[i] = scale.clip(v[i]) }
        }
    }

    static func makeStepper(_ config: AutoRecConfiguration) -> any Optimizer {
        switch config.optimizer.kind {
        case .adam: AdamOptimizer(beta1: config.optimizer.beta1, beta2: config.optimizer.beta2,
                                  epsilon: config.optimizer.epsilon)
        case .sgd: MomentumOptimizer(momentum: config.optimizer.momentum)
        case .rprop, .lbfgs: RPropOptimizer(initialStep: config.optimizer.initialStep,
                                            maximumStep: config.optimizer.maximumStep)
        }
    }
}
