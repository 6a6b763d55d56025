import Dispatch
import RecData
import RecMath

/// I-AutoRec or U-AutoRec: a trained network plus the training vectors it reconstructs.
///
/// A held-out rating (u, i) is predicted from the reconstruction of the *training* vector of the
/// encoded entity (item i for I-AutoRec), so test ratings never enter the input.
public struct AutoRecModel: RatingModel, Sendable {
    /// The model's settings.
    public var configuration: AutoRecConfiguration
    /// The weights (nil before `fit`).
    public private(set) var parameters: AutoRecParameters?
    /// One record per epoch trained.
    public private(set) var history: [EpochRecord] = []
    /// The epochs of the refit on training plus validation ratings (empty without `refit`).
    public private(set) var refitHistory: [EpochRecord] = []
    /// The epoch whose weights were kept (best validation RMSE, or the last one).
    public internal(set) var bestEpoch = 0
    /// Whether training stopped early (patience or a stop request).
    public private(set) var stoppedEarly = false
    /// Why the last `fit` ended its epoch loop.
    public private(set) var stopReason = StopReason.epochLimit
    /// Whether a stop request cut the refit short; the model then keeps the early-stopped weights,
    /// trained on the training part only (``trainedOnValidation`` is `false`).
    public private(set) var refitInterrupted = false
    /// Whether the kept weights come from a finished refit on training plus validation ratings.
    public private(set) var trainedOnValidation = false
    /// What happens to validation ratings whose user or item has no training rating when the
    /// validation RMSE that drives early stopping is measured (the evaluator's policy for test
    /// ratings; default ``ColdStartPolicy/baseline``).
    public var validationColdStart: ColdStartPolicy = .baseline
    /// How many validation ratings took each path in the last `fit` (nil without validation).
    public private(set) var validationCounts: ColdStartCounts?
    /// The stop request this model's training obeys (default: the process-wide Ctrl-C token).
    public var stopToken: StopToken = .interrupt
    /// Called after every epoch (for progress output).
    public var onEpoch: (@Sendable (EpochRecord) -> Void)?
    /// Write a checkpoint file here every ``checkpointEvery`` epochs (atomically), to resume a killed run.
    public var checkpointPath: String?
    /// Epochs between checkpoints (0: none).
    public var checkpointEvery = 0
    /// Continue training from this checkpoint file instead of starting afresh; the result is the
    /// same as an uninterrupted run with the same seed and thread count.
    public var resumePath: String?
    /// Called after every mini-batch with (batch, batches) (for a progress bar).
    public var onBatch: (@Sendable (Int, Int) -> Void)?

    /// Side features of the encoded entities (users for U-AutoRec, items for I-AutoRec), appended
    /// to every input vector; nil for none. Set before `fit`; saved with the model.
    public var sideFeatures: SideFeatures?

    /// The training vectors, arranged for the orientation.
    public private(set) var data: AutoRecData?
    /// Codes H of every training vector at the current weights (one row per encoded entity).
    public private(set) var codes = Matrix(rows: 0, cols: 0)
    /// The scale predictions are clipped to by the evaluator.
    public private(set) var scale = RatingScale(minimum: 1, maximum: 5, step: 1)

    public init(configuration: AutoRecConfiguration = .iAutoRec) {
        self.configuration = configuration
    }

    /// A trained model from saved weights, its training vectors and its side features, if any.
    public init(
        configuration: AutoRecConfiguration, parameters: AutoRecParameters, training: RatingTable,
        sideFeatures: SideFeatures? = nil
    ) {
        self.configuration = configuration
        self.parameters = parameters
        self.sideFeatures = sideFeatures
        let data = AutoRecData(training, orientation: configuration.orientation, fill: configuration.fill,
                               side: sideFeatures)
        self.data = data
        scale = training.scale
        codes = Self.allCodes(configuration, parameters, data)
    }

    /// Why a training run ended.
    public enum StopReason: String, Sendable, Codable {
        /// Every epoch of the configuration ran (without validation, the normal end; with it, a
        /// sign the run may not have converged).
        case epochLimit = "epoch-limit"
        /// The validation RMSE stopped improving for `patience` epochs.
        case patience
        /// A stop request (Ctrl-C) ended it.
        case interrupted
    }

    /// `I-AutoRec` or `U-AutoRec`; `Deep I-AutoRec` or `Deep U-AutoRec` with two or more hidden layers.
    public var modelName: String {
        (configuration.isShallow ? "" : "Deep ") + (configuration.orientation == .item ? "I-AutoRec" : "U-AutoRec")
    }

    // MARK: - Training

    /// Trains on `train`, early-stopping on `validation` when given, then optionally refits.
    ///
    /// - Throws: ``ConfigurationError``, ``TrainingError`` (empty set, non-finite or diverging
    ///   training), ``ResourceError`` when the run cannot fit in memory (checked before anything
    ///   large is allocated), checkpoint errors.
    public mutating func fit(_ train: RatingTable, validation: RatingTable?) throws {
        stopToken.reset()
        try self.train(on: train, validation: validation)
    }

    /// The peak memory a run over `train` is expected to use, in bytes: parameters, gradients,
    /// optimizer state, codes and work buffers of the full batch, the best weights and the data.
    ///
    /// - Complexity: O(1); computed in `Double` so absurd sizes do not overflow.
    public func estimatedMemory(for train: RatingTable) -> Double {
        let byItem = configuration.orientation == .item
        let rows = Double(byItem ? train.itemCount : train.userCount)
        let inputs = Double(byItem ? train.userCount : train.itemCount)
        let widths = configuration.hiddenLayers.map(Double.init)
        var parameters = inputs * (widths.first ?? 0) + (widths.first ?? 0) + inputs * (widths.last ?? 0) + inputs
        for (a, b) in zip(widths, widths.dropFirst()) { parameters += a * b + b }
        let k = widths.reduce(0, +)
        let optimizerCopies: Double
        switch configuration.optimizer.kind {
        case .lbfgs: optimizerCopies = 2 * Double(configuration.optimizer.history) + 3
        case .adam, .rprop: optimizerCopies = 2
        case .sgd: optimizerCopies = 1
        }
        // Weights, gradients, the optimizer's copies and the best weights; codes (model and
        // workspace), their gradient and dropout copy; every rating in CSR, transposed and shifted.
        let floats = parameters * (3 + optimizerCopies) + 4 * rows * k
        return 4 * floats + 40 * Double(train.count)
    }

    /// ``fit(_:validation:)`` without clearing the stop request (the refit runs inside a fit).
    private mutating func train(on train: RatingTable, validation: RatingTable?) throws {
        try configuration.validate()
        guard train.count > 0 else { throw TrainingError.emptyTrainingSet(model: modelName) }
        let config = configuration
        try MemoryBudget.check(
            estimatedMemory(for: train),
            for: "\(modelName) with \(config.isShallow ? "\(config.hiddenUnits) hidden units" : "hidden layers \(config.layerText)") over \(train.userCount) users and "
                + "\(train.itemCount) items",
            hint: "lower \(config.isShallow ? "--hidden-units" : "--layers"), or use a machine with more memory")
        if let side = sideFeatures {
            let rows = config.orientation == .item ? train.itemCount : train.userCount
            guard side.matrix.rows == rows else {
                throw ConfigurationError.invalid(
                    "side information has \(side.matrix.rows) rows for \(rows) \(config.orientation == .item ? "items" : "users")")
            }
        }
        let data = AutoRecData(train, orientation: config.orientation, fill: config.fill, side: sideFeatures)
        self.data = data
        scale = train.scale
        var state: TrainingState
        if let path = resumePath {
            state = try TrainingState.read(from: path, configuration: config, data: data)
        } else {
            var rng = SplitMix64(seed: config.seed)
            var params = AutoRecParameters(inputs: data.inputs, layers: config.hiddenLayers, sideWidth: data.sideWidth,
                                           initialization: config.initialization ?? .fixed,
                                           scale: config.initialScale, using: &rng)
            if config.tiedWeights == true { params.tensors[params.outputIndex] = params.tensors[0] }
            state = TrainingState(
                params: params, gradients: params.zeros(), rng: rng,
                order: (0..<data.rows).filter { data.rowCounts[$0] > 0 }.map { Int32($0) },
                lbfgs: LBFGSOptimizer(history: config.optimizer.history), stepper: Self.makeStepper(config))
        }
        let validator = try validation.map { v in
            try Validator(v, train: train, policy: validationColdStart, orientation: config.orientation,
                          rows: data.rows, inputs: data.inputs)
        }
        validationCounts = validator?.counts
        // With nothing to score (every validation rating cold and excluded) there is no early stopping.
        let scoring = validator.flatMap { $0.scoredCount > 0 ? $0 : nil }
        let net = AutoRecNetwork(configuration: config)
        let ws = AutoRecWorkspace()
        let full = SparseBatch(all: data)
        let stop = stopToken
        let divergenceLimit = TrainingError.divergenceLimit(train.scale)
        stoppedEarly = false
        stopReason = .epochLimit
        refitInterrupted = false
        trainedOnValidation = false
        refitHistory = []

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
                for b in 0..<batches {
                    let rows = state.order[(b * config.batchSize)..<min(count, (b + 1) * config.batchSize)]
                    let batch = SparseBatch(rows, of: data)
                    let r = net.lossAndGradient(state.params, batch: batch, data: data,
                                                penaltyShare: Float(rows.count) / Float(count),
                                                grads: &state.gradients, workspace: ws, rng: &state.rng,
                                                training: true)
                    state.stepper.step(&state.params.tensors, gradients: state.gradients, learningRate: lr)
                    Self.refeed(net, &state, batch: batch, data: data, share: Float(rows.count) / Float(count),
                                learningRate: lr, workspace: ws)
                    loss += r.objective
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
                let fresh = config.optimizer.kind == .lbfgs && config.codeDropout == 0 && config.inputDropout == 0
                let h = fresh ? ws.code : Self.allCodes(config, state.params, data)
                let rmse = validator.rmse(config, state.params, codes: h, scale: train.scale)
                record.validationRMSE = rmse
                if state.best.map({ rmse < $0.rmse }) ?? true { state.best = (rmse, epoch + 1, state.params) }
            }
            state.history.append(record)
            state.epoch += 1
            onEpoch?(record)
            if let path = checkpointPath, checkpointEvery > 0, state.epoch % checkpointEvery == 0 {
                try state.write(to: path, configuration: config)
            }
            if stop.isStopRequested {
                (stoppedEarly, stopReason) = (true, .interrupted)
                break
            }
            if let b = state.best, config.patience > 0, state.epoch - b.epoch >= config.patience {
                (stoppedEarly, stopReason) = (true, .patience)
                break
            }
        }
        history = state.history
        if let b = state.best {
            parameters = b.params
            bestEpoch = b.epoch
        } else {
            parameters = state.params
            bestEpoch = history.count
        }
        codes = Self.allCodes(config, parameters ?? state.params, data)
        if config.refit, let validation, validation.count > 0, bestEpoch > 0, !stop.isStopRequested {
            var again = self
            again.configuration.epochs = bestEpoch
            again.configuration.patience = 0
            again.configuration.refit = false
            again.checkpointPath = nil
            again.resumePath = nil
            try again.train(on: train.appending(validation), validation: nil)
            refitHistory = again.history
            if again.stoppedEarly {
                // A refit cut short has seen fewer epochs than validation chose: keep the validated weights.
                refitInterrupted = true
                stoppedEarly = true
            } else {
                parameters = again.parameters
                self.data = again.data
                codes = again.codes
                trainedOnValidation = true
            }
        }
    }

    /// The dense re-feeding steps after a mini-batch step (none unless `refeedSteps` > 0): the
    /// batch's full output becomes input and target of one more step, `refeedSteps` times.
    static func refeed(
        _ net: AutoRecNetwork, _ state: inout TrainingState, batch: SparseBatch, data: AutoRecData, share: Float,
        learningRate: Float, workspace ws: AutoRecWorkspace
    ) {
        let steps = net.configuration.refeedSteps ?? 0
        guard steps > 0 else { return }
        var y = net.denseOutputs(state.params, batch: batch, data: data, workspace: ws)
        let context = AutoRecData(unfilledRows: y.rows, inputs: y.cols)
        for step in 0..<steps {
            let dense = SparseBatch(dense: y, side: batch.side)
            _ = net.lossAndGradient(state.params, batch: dense, data: context, penaltyShare: share,
                                    grads: &state.gradients, workspace: ws, rng: &state.rng, training: true)
            state.stepper.step(&state.params.tensors, gradients: state.gradients, learningRate: learningRate)
            if step + 1 < steps { y = net.denseOutputs(state.params, batch: dense, data: context, workspace: ws) }
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

    /// H for every training vector, without dropout.
    static func allCodes(_ config: AutoRecConfiguration, _ p: AutoRecParameters, _ data: AutoRecData) -> Matrix {
        let net = AutoRecNetwork(configuration: config)
        let batch = SparseBatch(all: data)
        let ws = AutoRecWorkspace()
        ws.prepare(rows: data.rows, layers: config.hiddenLayers, entries: 0)
        var rng = SplitMix64(seed: 0)  // unused: no dropout outside training
        net.forwardHidden(p, matrix: batch.matrix, globalRows: batch.rows,
                          values: batch.shiftedValues ?? batch.matrix.values, side: batch.side?.matrix, data: data,
                          workspace: ws,
                          training: false, rng: &rng)
        return ws.code
    }

    // MARK: - Prediction

    public func predict(user: Int32, item: Int32) -> Float {
        guard let p = parameters else { return data?.globalMean ?? 0 }
        let byItem = configuration.orientation == .item
        let row = Int(byItem ? item : user), input = Int(byItem ? user : item)
        guard row < codes.rows, input < p.decoderWeight.rows else { return data?.globalMean ?? 0 }
        let k = codes.cols
        let dot = codes.storage.withUnsafeBufferPointer { h in
            p.decoderWeight.storage.withUnsafeBufferPointer { w in
                Kernels.dot(h.baseAddress! + row * k, w.baseAddress! + input * k, k)
            }
        }
        return configuration.decoder.apply(dot + p.decoderBias.storage[input])
    }
}
