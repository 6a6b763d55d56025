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
    /// Threads for this model's training (nil: the caller's, ``Parallelism/threads``); passed to
    /// the ``Trainer`` rather than read from a global, so concurrent models keep their own count.
    public var threads: Int?

    /// Side features of the encoded entities (users for U-AutoRec, items for I-AutoRec), appended
    /// to every input vector; nil for none. Set before `fit`; saved with the model.
    public var sideFeatures: SideFeatures?

    /// The training vectors, arranged for the orientation.
    public private(set) var data: AutoRecData?
    /// Codes H of every training vector at the current weights (one row per encoded entity).
    public private(set) var codes = Matrix(rows: 0, cols: 0)
    /// The scale predictions are clipped to by the evaluator.
    public private(set) var scale = RatingScale(minimum: 1, maximum: 5, step: 1)
    /// The weights a refit starts from (the early-stopped ones), instead of fresh ones.
    private var warmStart: AutoRecParameters?
    /// GLocal-K: the 3 × 3 global kernel gk (9 numbers, row-major) the codes are computed with, the
    /// input being X = ReLU(conv2d(R, gk)) of the training matrix; nil for every other model.
    public private(set) var globalKernel: [Float]?
    /// GLocal-K: the pre-training epochs at the head of ``history`` (the fine-tuning's follow),
    /// and the one pre-training kept; 0 for every other model.
    public private(set) var pretrainingEpochs = 0
    public private(set) var pretrainingBestEpoch = 0

    public init(configuration: AutoRecConfiguration = .iAutoRec) {
        self.configuration = configuration
    }

    /// A trained model from saved weights, its training vectors and its side features, if any.
    ///
    /// A GLocal-K model (``AutoRecConfiguration/globalKernel``) also needs its `globalKernel` gk.
    public init(
        configuration: AutoRecConfiguration, parameters: AutoRecParameters, training: RatingTable,
        sideFeatures: SideFeatures? = nil, globalKernel: [Float]? = nil
    ) {
        precondition((configuration.globalKernel != nil) == (globalKernel?.count == GlobalKernel.taps),
                     "AutoRecModel: a GLocal-K model needs its 9 global-kernel weights, and only it")
        self.configuration = configuration
        self.parameters = parameters
        self.sideFeatures = sideFeatures
        self.globalKernel = globalKernel
        let data = AutoRecData(training, orientation: configuration.orientation, fill: configuration.fill,
                               side: sideFeatures)
        self.data = data
        scale = training.scale
        codes = Self.allCodes(configuration, parameters, data, globalKernel: globalKernel)
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

    /// `I-AutoRec` or `U-AutoRec`; `Deep I-AutoRec` or `Deep U-AutoRec` with two or more hidden layers;
    /// `Kernel I-AutoRec` or `Kernel U-AutoRec` with kernelized weights (any depth).
    /// `GLocal-K` with the global kernel.
    public var modelName: String {
        if configuration.globalKernel != nil { return "GLocal-K" }
        return (configuration.kernel != nil ? "Kernel " : configuration.isShallow ? "" : "Deep ")
            + (configuration.orientation == .item ? "I-AutoRec" : "U-AutoRec")
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
        case .lbfgs: optimizerCopies = 2 * Double(configuration.optimizer.history) + 2
        case .adam, .rprop: optimizerCopies = 2
        case .sgd: optimizerCopies = 1
        }
        // Weights, gradients, the optimizer's copies and the best weights; codes (model and
        // workspace), their gradient and dropout copy; every rating in CSR, transposed and shifted.
        var floats = parameters * (3 + optimizerCopies) + 4 * rows * k
        if let kernel = configuration.kernel {
            // The kernel vectors with their copies, and per weight W ⊙ K, K, ∂(W ⊙ K) and ∂K.
            let vectors = (inputs * 2 + 2 * k) * Double(kernel.dimension)
            floats += vectors * (3 + optimizerCopies) + 4 * (parameters - inputs - k)
        }
        var bytes = 4 * floats + 40 * Double(train.count)
        if configuration.globalKernel != nil {
            // GLocal-K's fine-tuning: C with its copies, the pass on R beside the pass on X, and the
            // neighbourhood pattern P (≤ 9 entries per rating: column, S, X, ∂X, its transpose, tiles).
            bytes += 4 * (Double(rows) * 9 * (3 + optimizerCopies) + 4 * rows * k) + 9 * 40 * Double(train.count)
        }
        return bytes
    }

    /// ``fit(_:validation:)`` without clearing the stop request (the refit runs inside a fit).
    private mutating func train(on train: RatingTable, validation: RatingTable?) throws {
        try configuration.validate()
        guard train.count > 0 else { throw TrainingError.emptyTrainingSet(model: modelName) }
        if configuration.decoder.outputBounds != nil, configuration.outputRange == nil,
           train.scale.maximum > train.scale.minimum {
            // A bounded decoder predicts on the training data's rating scale.
            configuration.outputRange = .init(low: train.scale.minimum, high: train.scale.maximum)
        }
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
        if config.globalKernel != nil && sideFeatures != nil {
            throw ConfigurationError.invalid("the global kernel (GLocal-K) cannot be combined with side information")
        }
        if config.sideEveryLayer == true && sideFeatures == nil {
            throw ConfigurationError.invalid("side information at every layer needs side features")
        }
        let data = AutoRecData(train, orientation: config.orientation, fill: config.fill, side: sideFeatures)
        self.data = data
        scale = train.scale
        // The first run's state (L-BFGS history: 2 × history + 1 parameter-sized vectors) lives in
        // this scope only, so it is freed before the refit allocates its own.
        let stop = stopToken
        do {
            var state: TrainingState
            if let path = resumePath {
                state = try TrainingState.read(from: path, configuration: config, data: data)
            } else {
                var rng = SplitMix64(seed: config.seed)
                var params = AutoRecParameters(inputs: data.inputs, layers: config.hiddenLayers, sideWidth: data.sideWidth,
                                               sideEveryLayer: config.sideEveryLayer == true,
                                               initialization: config.initialization ?? .fixed,
                                               scale: config.initialScale, using: &rng)
                if config.tiedWeights == true { params.tensors[params.outputIndex] = params.tensors[0] }
                AutoRecNetwork(configuration: config).appendKernelVectors(&params, using: &rng)
                // A warm-started refit keeps the generator's draws (batch order, dropout) but not its weights.
                if let start = warmStart, start.tensors.map({ [$0.rows, $0.cols] }) == params.tensors.map({ [$0.rows, $0.cols] }) {
                    params = start
                }
                state = TrainingState(
                    params: params, gradients: params.zeros(), rng: rng,
                    order: (0..<data.rows).filter { data.rowCounts[$0] > 0 }.map { Int32($0) },
                    lbfgs: LBFGSOptimizer(history: config.optimizer.history), stepper: Trainer.makeStepper(config))
            }
            let validator = try validation.map { v in
                try Validator(v, train: train, policy: validationColdStart, orientation: config.orientation,
                              rows: data.rows, inputs: data.inputs)
            }
            validationCounts = validator?.counts
            // With nothing to score (every validation rating cold and excluded) there is no early stopping.
            let scoring = validator.flatMap { $0.scoredCount > 0 ? $0 : nil }
            stoppedEarly = false
            refitInterrupted = false
            trainedOnValidation = false
            refitHistory = []
            globalKernel = nil
            pretrainingEpochs = 0
            pretrainingBestEpoch = 0
            if let pre = state.pretraining, let settings = config.globalKernel {
                // A checkpoint of GLocal-K's fine-tuning: pre-training is done.
                history = pre.history
                pretrainingEpochs = pre.history.count
                pretrainingBestEpoch = pre.bestEpoch
                try fineTune(&state, settings: settings, data: data, validator: scoring, scale: train.scale)
            } else {
                var trainer = Trainer(configuration: config, modelName: modelName, stopToken: stop)
                trainer.onEpoch = onEpoch
                trainer.onBatch = onBatch
                trainer.checkpointPath = checkpointPath
                trainer.checkpointEvery = checkpointEvery
                trainer.threads = threads
                trainer.keepsRawBest = config.globalKernel != nil
                stopReason = try trainer.run(&state, data: data, validator: scoring, scale: train.scale)
                stoppedEarly = stopReason != .epochLimit
                history = state.history
                if let b = state.best {
                    parameters = b.params
                    bestEpoch = b.epoch
                } else {
                    parameters = AutoRecNetwork(configuration: config).effectiveParameters(state.params)
                    bestEpoch = history.count
                }
                if let settings = config.globalKernel {
                    // Without fine-tuning (a stop request during pre-training), gk is the identity:
                    // X = ReLU(R) = R, the pre-trained network's own input.
                    globalKernel = (0..<GlobalKernel.taps).map { $0 == 4 ? 1 : 0 }
                    pretrainingEpochs = history.count
                    pretrainingBestEpoch = bestEpoch
                    if stopReason != .interrupted {
                        // From the raw tensors of pre-training's best epoch (its last without validation).
                        let start = state.bestRaw ?? state.params
                        var rng = state.rng
                        let order = state.order
                        // Pre-training's L-BFGS pairs and gradients are freed before fine-tuning allocates its own.
                        state = TrainingState(params: AutoRecParameters(tensors: []), gradients: [], rng: rng,
                                              order: [], lbfgs: LBFGSOptimizer(history: 1),
                                              stepper: Trainer.makeStepper(config))
                        let c = GlobalKernelStage.initialWeights(items: data.rows, settings: settings, using: &rng)
                        let params = AutoRecParameters(tensors: start.tensors + [c])
                        state = TrainingState(params: params, gradients: params.zeros(), rng: rng, order: order,
                                              lbfgs: LBFGSOptimizer(history: config.optimizer.history),
                                              stepper: Trainer.makeStepper(config))
                        try fineTune(&state, settings: settings, data: data, validator: scoring, scale: train.scale)
                    }
                }
            }
            codes = Self.allCodes(config, parameters ?? state.params, data, globalKernel: globalKernel)
        }
        if config.refit, let validation, validation.count > 0, bestEpoch > 0, !stop.isStopRequested {
            let plan = config.refitPlan(kept: bestEpoch)
            var again = self
            again.configuration.epochs = plan.epochs
            if config.globalKernel != nil {
                // Both stages again from fresh weights, each for the epochs validation kept.
                again.configuration.epochs = max(1, pretrainingBestEpoch)
                again.configuration.globalKernel?.fineTuneEpochs = max(1, bestEpoch - pretrainingEpochs)
            }
            again.configuration.patience = 0
            again.configuration.refit = false
            again.checkpointPath = nil
            again.resumePath = nil
            again.warmStart = plan.warm ? parameters : nil
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
                globalKernel = again.globalKernel
                trainedOnValidation = true
            }
        }
    }

    /// GLocal-K's fine-tuning (``GlobalKernelStage``) of `state` (pre-training's raw tensors followed
    /// by C, or a fine-tuning checkpoint), early-stopped on the same validation ratings; appends its
    /// epochs to ``history`` (numbered after pre-training's) and keeps its best weights and gk.
    /// Its checkpoints carry pre-training's records, so a resumed run skips pre-training.
    private mutating func fineTune(
        _ state: inout TrainingState, settings: AutoRecConfiguration.GlobalKernelSettings, data: AutoRecData,
        validator: Validator?, scale: RatingScale
    ) throws {
        let offset = pretrainingEpochs
        state.pretraining = (Array(history.prefix(offset)), pretrainingBestEpoch)
        var tuning = configuration
        tuning.epochs = settings.fineTuneEpochs
        let stage = GlobalKernelStage(configuration: configuration, data: data)
        var trainer = Trainer(configuration: tuning, modelName: modelName, stopToken: stopToken)
        trainer.onEpoch = onEpoch.map { report in
            { @Sendable record in
                var r = record
                r.epoch += offset
                report(r)
            }
        }
        trainer.threads = threads
        trainer.checkpointPath = checkpointPath
        trainer.checkpointEvery = checkpointEvery
        trainer.globalKernel = stage
        stopReason = try trainer.run(&state, data: data, validator: validator, scale: scale)
        stoppedEarly = stopReason != .epochLimit
        history = Array(history.prefix(offset)) + state.history.map { record in
            var r = record
            r.epoch += offset
            return r
        }
        if let b = state.best, let gk = state.bestGlobalKernel {
            parameters = b.params
            bestEpoch = offset + b.epoch
            globalKernel = gk
        } else {
            parameters = stage.networkParameters(state.params.tensors)
            bestEpoch = history.count
            globalKernel = stage.kernel
        }
    }

    /// H for every training vector, without dropout; a GLocal-K model's from X = ReLU(conv2d(R, gk)).
    static func allCodes(
        _ config: AutoRecConfiguration, _ p: AutoRecParameters, _ data: AutoRecData, globalKernel: [Float]? = nil
    ) -> Matrix {
        if let gk = globalKernel { return GlobalKernelStage.codes(config, p, data: data, kernel: gk) }
        let net = AutoRecNetwork(configuration: config)
        let batch = SparseBatch(all: data)
        let ws = AutoRecWorkspace()
        ws.prepare(rows: data.rows, layers: config.hiddenLayers, entries: 0)
        var rng = SplitMix64(seed: 0)  // unused: no dropout outside training
        net.forwardHidden(p, matrix: batch.matrix, tiles: batch.tiles?.matrix, globalRows: batch.rows,
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
        return configuration.outputMap.apply(dot + p.decoderBias.storage[input])
    }
}
