@testable import AutoRec
import RecData
import RecMath
import RecTestSupport
import RealModule
import Testing

/// Low-rank ratings: r = clip(round(3 + 1.2 * p_u . q_i)), rank 2, about `density` of pairs observed.
func lowRankTable(users: Int, items: Int, density: Double, seed: UInt64) -> RatingTable {
    var rng = SplitMix64(seed: seed)
    let p = (0..<users).map { _ in [rng.nextGaussian(), rng.nextGaussian()] }
    let q = (0..<items).map { _ in [rng.nextGaussian(), rng.nextGaussian()] }
    var u = [Int32](), i = [Int32](), r = [Float]()
    for a in 0..<users {
        for b in 0..<items where rng.nextDouble() < density {
            u.append(Int32(a)); i.append(Int32(b))
            r.append(Float(min(5, max(1, (3 + 1.2 * (p[a][0] * q[b][0] + p[a][1] * q[b][1])).rounded()))))
        }
    }
    var um = IDMap(), im = IDMap()
    for a in 0..<users { _ = um.intern("u\(a)") }
    for b in 0..<items { _ = im.intern("i\(b)") }
    return RatingTable(users: u, items: i, ratings: r, userIDs: um, itemIDs: im)
}

func smallConfig(_ o: AutoRecConfiguration.Orientation = .item) -> AutoRecConfiguration {
    var c = AutoRecConfiguration()
    c.orientation = o
    c.hiddenUnits = 6
    c.l2 = 1
    c.epochs = 40
    c.patience = 0
    c.initialScale = 0.1
    c.refit = false
    return c
}

@Suite struct AutoRecModelTests {
    static let table = lowRankTable(users: 30, items: 24, density: 0.5, seed: 8)

    @Test("I-AutoRec on a matrix equals U-AutoRec on its transpose, for deep stacks too", arguments: [false, true])
    func orientationSymmetry(deep: Bool) throws {
        var transposed = Self.table
        transposed.users = Self.table.items
        transposed.items = Self.table.users
        transposed.userIDs = Self.table.itemIDs
        transposed.itemIDs = Self.table.userIDs
        func config(_ o: AutoRecConfiguration.Orientation) -> AutoRecConfiguration {
            guard deep else { return smallConfig(o) }
            var d = Self.deepConfig(o)
            d.epochs = 5
            d.codeDropout = 0.3
            d.fill = .constant(2)
            return d
        }
        var i = AutoRecModel(configuration: config(.item))
        var u = AutoRecModel(configuration: config(.user))
        try i.fit(Self.table, validation: nil)
        try u.fit(transposed, validation: nil)
        for k in 0..<Self.table.count {
            let a = i.predict(user: Self.table.users[k], item: Self.table.items[k])
            let b = u.predict(user: Self.table.items[k], item: Self.table.users[k])
            #expect(a == b, "rating \(k)")
        }
        #expect(i.history.map(\.loss) == u.history.map(\.loss))
        #expect(i.modelName == (deep ? "Deep I-AutoRec" : "I-AutoRec") && u.modelName.hasSuffix("U-AutoRec"))
    }

    @Test("the objective counts observed ratings only")
    func maskedLoss() throws {
        var c = smallConfig()
        c.l2 = 0
        c.epochs = 5
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let params = try #require(m.parameters)
        let data = AutoRecData(Self.table, orientation: .item, fill: .zero)
        var grads = params.zeros()
        var rng = SplitMix64(seed: 1)
        let (objective, _) = AutoRecNetwork(configuration: c).lossAndGradient(
            params, batch: SparseBatch(all: data), data: data, penaltyShare: 1, grads: &grads,
            workspace: AutoRecWorkspace(), rng: &rng, training: false)
        var sum = 0.0
        for k in 0..<Self.table.count {
            let d = Double(m.predict(user: Self.table.users[k], item: Self.table.items[k]) - Self.table.ratings[k])
            sum += 0.5 * d * d
        }
        #expect(abs(objective - sum) <= 1e-4 * sum)
    }

    @Test("training on low-rank data beats the bias baseline", arguments: OptimizerConfiguration.Kind.allCases)
    func beatsBaseline(kind: OptimizerConfiguration.Kind) throws {
        var c = smallConfig()
        c.optimizer.kind = kind
        c.optimizer.learningRate = kind == .sgd ? 0.001 : 0.01
        c.batchSize = 8
        c.epochs = kind == .lbfgs || kind == .rprop ? 80 : 150
        let (model, ours, theirs) = try Self.againstBaseline(c)
        #expect(ours < theirs, "\(kind): AutoRec \(ours) vs baseline \(theirs)")
        #expect(model.history.last!.loss < model.history.first!.loss)
    }

    /// Trains `c` on 80% of the table; its test RMSE and the bias baseline's.
    static func againstBaseline(_ c: AutoRecConfiguration) throws -> (AutoRecModel, Double, Double) {
        var rng = SplitMix64(seed: 2)
        let split = try RatingSplit(Self.table, method: .random(fraction: 0.2), using: &rng)
        var model = AutoRecModel(configuration: c)
        try model.fit(split.train, validation: nil)
        var baseline = BaselinePredictor()
        try baseline.fit(split.train, validation: nil)
        let e = Evaluator()
        return (model, try e.evaluate(model, train: split.train, test: split.test).rmse,
                try e.evaluate(baseline, train: split.train, test: split.test).rmse)
    }

    @Test("same seed and thread count give the same numbers; another seed others")
    func reproducible() throws {
        var c = smallConfig()
        c.optimizer.kind = .adam
        c.optimizer.learningRate = 0.01
        c.codeDropout = 0.2
        c.inputDropout = 0.1
        c.batchSize = 5
        c.epochs = 4
        var a = AutoRecModel(configuration: c), b = AutoRecModel(configuration: c)
        try a.fit(Self.table, validation: nil)
        try b.fit(Self.table, validation: nil)
        #expect(a.parameters == b.parameters)
        c.seed = 7
        var d = AutoRecModel(configuration: c)
        try d.fit(Self.table, validation: nil)
        #expect(a.parameters != d.parameters)
    }

    @Test("early stopping keeps the weights of the best validation epoch")
    func earlyStopping() throws {
        var rng = SplitMix64(seed: 3)
        let split = try RatingSplit(Self.table, method: .random(fraction: 0.2), using: &rng)
        var c = smallConfig()
        c.hiddenUnits = 20
        c.l2 = 0
        c.epochs = 150
        c.patience = 5
        var m = AutoRecModel(configuration: c)
        try m.fit(split.train, validation: split.test)
        let best = m.history.compactMap(\.validationRMSE).min()!
        #expect(m.bestEpoch == m.history.firstIndex { $0.validationRMSE == best }! + 1)
        let rmse = try Evaluator().evaluate(m, train: split.train, test: split.test).rmse
        #expect(abs(rmse - best) < 1e-6)
        if m.stoppedEarly { #expect(m.history.count - m.bestEpoch == 5) }
    }

    @Test("whole-row scores equal single predictions", arguments: AutoRecConfiguration.Orientation.allCases)
    func scoresMatchPredict(o: AutoRecConfiguration.Orientation) throws {
        var m = AutoRecModel(configuration: smallConfig(o))
        try m.fit(Self.table, validation: nil)
        var s = [Float](repeating: 0, count: 24)
        for u in [0, 7, 29] as [Int32] {
            m.scores(forUser: u, into: &s)
            for i in 0..<24 { #expect(abs(s[i] - m.predict(user: u, item: Int32(i))) < 1e-5) }
        }
    }

    @Test("fold-in of a training vector reproduces its reconstruction",
          arguments: [AutoRecConfiguration.Fill.zero, .constant(2), .userMean, .itemMean])
    func foldIn(fill: AutoRecConfiguration.Fill) throws {
        var c = smallConfig(.user)
        c.fill = fill
        c.epochs = 10
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let user: Int32 = 4
        let rows = (0..<Self.table.count).filter { Self.table.users[$0] == user }
        let out = m.reconstruct(inputs: rows.map { Self.table.items[$0] }, values: rows.map { Self.table.ratings[$0] })
        var s = [Float](repeating: 0, count: 24)
        m.scores(forUser: user, into: &s)
        for i in 0..<24 { #expect(abs(out[i] - s[i]) < 1e-4, "item \(i)") }
    }

    @Test("a diverging run stops with a message saying what to change")
    func divergence() throws {
        var c = smallConfig()
        c.optimizer.kind = .sgd
        c.optimizer.learningRate = 50
        c.epochs = 30
        c.batchSize = 4
        var m = AutoRecModel(configuration: c)
        #expect(throws: TrainingError.self) { try m.fit(Self.table, validation: nil) }
    }

    @Test("a run whose training RMSE explodes while staying finite is refused, for every optimizer",
          arguments: OptimizerConfiguration.Kind.allCases)
    func finiteDivergence(kind: OptimizerConfiguration.Kind) throws {
        var c = smallConfig()
        c.optimizer.kind = kind
        c.epochs = 3
        // Huge initial weights make the first reconstructions far off the 1-5 scale.
        c.initialScale = 1e4
        c.encoder = .identity
        var m = AutoRecModel(configuration: c)
        let error = try #require(throws: TrainingError.self) { try m.fit(Self.table, validation: nil) }
        guard case let .diverged(model, epoch, rmse, limit) = error else {
            Issue.record("expected diverged, got \(error)")
            return
        }
        #expect(model == "I-AutoRec" && epoch == 1 && rmse > limit && limit == 40)
        #expect(error.description.contains("training diverged in epoch 1"))
    }

    @Test("a run too large for the machine is refused before anything is allocated")
    func memoryEstimate() throws {
        var c = smallConfig(.user)
        c.hiddenUnits = 1_000_000_000
        var m = AutoRecModel(configuration: c)
        let error = try #require(throws: ResourceError.self) { try m.fit(Self.table, validation: nil) }
        #expect(error.description.hasPrefix("U-AutoRec with 1000000000 hidden units over 30 users and 24 items "
                                            + "needs about "))
        #expect(error.description.contains(" TB of memory, and this machine has "))
        #expect(error.description.contains("help: lower --hidden-units"))
        c.hiddenUnits = Int.max
        m = AutoRecModel(configuration: c)
        #expect(throws: ResourceError.self) { try m.fit(Self.table, validation: nil) }
        // The estimate grows with the hidden units and covers at least the weights themselves.
        let small = AutoRecModel(configuration: smallConfig()).estimatedMemory(for: Self.table)
        #expect(small >= 4 * Double(2 * 30 * 6) && small < 1e6)
    }

    @Test("validation ratings of users unseen in training take the cold-start path, not the network")
    func validationColdStart() throws {
        var users = Self.table.userIDs
        let newUser = users.intern("new")
        var train = Self.table
        train.userIDs = users
        var validation = Self.table.selecting(0..<40)
        validation.userIDs = users
        validation.users += [newUser, newUser]
        validation.items += [0, 1]
        validation.ratings += [5, 1]
        for policy in [ColdStartPolicy.constant(3), .baseline, .exclude] {
            var c = smallConfig()
            c.epochs = 1
            var m = AutoRecModel(configuration: c)
            m.validationColdStart = policy
            try m.fit(train, validation: validation)
            let expected = try Evaluator(coldStart: policy).evaluate(m, train: train, test: validation)
            let measured = try #require(m.history.first?.validationRMSE)
            #expect(abs(measured - expected.rmse) < 1e-6, "\(policy)")
            #expect(m.validationCounts?.newUser == 2 && m.validationCounts?.model == 40, "\(policy)")
        }
    }

    @Test("a stop request during the refit keeps the early-stopped weights and says so")
    func interruptedRefit() throws {
        var rng = SplitMix64(seed: 5)
        let split = try RatingSplit(Self.table, method: .random(fraction: 0.2), using: &rng)
        var c = smallConfig()
        c.epochs = 6
        c.patience = 100
        c.refit = true
        c.refitEpochFraction = 1  // a refit from scratch for the kept epochs: at least two of them
        final class Counter: @unchecked Sendable { var epochs = 0 }
        let counter = Counter(), token = StopToken()
        var m = AutoRecModel(configuration: c)
        m.stopToken = token
        // Epochs 1-6 train with validation; the refit's second epoch is the eighth call.
        m.onEpoch = { _ in
            counter.epochs += 1
            if counter.epochs == 8 { token.requestStop() }
        }
        try m.fit(split.train, validation: split.test)
        #expect(m.refitInterrupted && m.stoppedEarly && !m.trainedOnValidation)
        #expect(m.refitHistory.count == 2 && m.history.count == 6)
        var plain = AutoRecModel(configuration: { var d = c; d.refit = false; return d }())
        plain.stopToken = StopToken()
        try plain.fit(split.train, validation: split.test)
        #expect(m.parameters == plain.parameters)

        // Uninterrupted, the refit's weights are kept and the model says it learnt the validation part.
        var full = AutoRecModel(configuration: c)
        full.stopToken = StopToken()
        try full.fit(split.train, validation: split.test)
        #expect(full.trainedOnValidation && !full.refitInterrupted && full.refitHistory.count == full.bestEpoch)
        #expect(full.parameters != plain.parameters)
    }

    @Test("the refit continues from the early-stopped weights for a share of the kept epochs")
    func warmRefit() throws {
        var rng = SplitMix64(seed: 5)
        let split = try RatingSplit(Self.table, method: .random(fraction: 0.2), using: &rng)
        var c = smallConfig()
        c.epochs = 30
        c.patience = 100
        c.refit = true
        func fit(_ share: Float?) throws -> AutoRecModel {
            var d = c
            d.refitEpochFraction = share
            var m = AutoRecModel(configuration: d)
            m.stopToken = StopToken()
            try m.fit(split.train, validation: split.test)
            return m
        }
        let warm = try fit(nil), scratch = try fit(1)
        #expect(warm.bestEpoch == scratch.bestEpoch && warm.bestEpoch > 5)
        #expect(warm.refitHistory.count == (warm.bestEpoch + 4) / 5)
        #expect(scratch.refitHistory.count == scratch.bestEpoch)
        #expect(warm.trainedOnValidation && scratch.trainedOnValidation)
        // From the early-stopped weights the first refit epoch fits far better than a first epoch from
        // fresh weights (which is what a refit that ignored the kept weights would run).
        let warmFirst = try #require(warm.refitHistory.first?.trainRMSE)
        let scratchFirst = try #require(scratch.refitHistory.first?.trainRMSE)
        #expect(warmFirst < 0.8 * scratchFirst, "\(warmFirst) \(scratchFirst)")
        #expect(warm.parameters != scratch.parameters)
    }

    @Test("a refit share outside (0, 1] is rejected", arguments: [Float(0), -0.5, 1.5, .nan])
    func refitShareChecked(share: Float) {
        var c = smallConfig()
        c.refitEpochFraction = share
        #expect(throws: ConfigurationError.self) { try c.validate() }
    }

    // MARK: - Deep stacks

    static func deepConfig(_ o: AutoRecConfiguration.Orientation = .user) -> AutoRecConfiguration {
        var c = smallConfig(o)
        c.layers = [8, 4, 8]
        c.encoder = .selu
        c.initialization = .lecun
        c.optimizer.kind = .adam
        c.optimizer.learningRate = 0.01
        c.batchSize = 8
        c.l2 = 0.1
        c.epochs = 60
        return c
    }

    @Test("a deep stack trained with Adam beats the bias baseline", arguments: [[8, 4, 8], [6, 6]])
    func deepBeatsBaseline(layers: [Int]) throws {
        var c = Self.deepConfig()
        c.layers = layers
        let (_, ours, theirs) = try Self.againstBaseline(c)
        #expect(ours < theirs, "deep \(layers): \(ours) vs baseline \(theirs)")
    }

    @Test("a bounded decoder predicts on the rating scale: beats the baseline, scores and fold-in agree",
          arguments: [Activation.sigmoid, .tanh])
    func boundedDecoder(f: Activation) throws {
        var c = smallConfig(.user)
        c.decoder = f
        c.epochs = 80
        let (model, ours, theirs) = try Self.againstBaseline(c)
        // Training stretched f's interval onto the training scale 1...5.
        #expect(model.configuration.outputRange == .init(low: 1, high: 5))
        #expect(ours < theirs, "\(f) decoder: AutoRec \(ours) vs baseline \(theirs)")
        var s = [Float](repeating: 0, count: 24)
        for user in [0, 7, 29] as [Int32] {
            model.scores(forUser: user, into: &s)
            for i in 0..<24 {
                #expect(s[i] > 1 && s[i] < 5, "user \(user) item \(i): \(s[i])")
                #expect(abs(s[i] - model.predict(user: user, item: Int32(i))) < 1e-5)
            }
        }
        let rows = (0..<Self.table.count).filter { Self.table.users[$0] == 3 }
        let out = model.reconstruct(inputs: rows.map { Self.table.items[$0] }, values: rows.map { Self.table.ratings[$0] })
        #expect(out.allSatisfy { $0 > 1 && $0 < 5 })
    }

    @Test("a kernelized stack (Sparse FC's kind) trained with L-BFGS beats the bias baseline")
    func kernelBeatsBaseline() throws {
        var c = smallConfig()
        c.layers = [8, 8]
        c.kernel = .init(dimension: 3, penalty: 0.01)
        c.initialization = .glorot
        c.epochs = 80
        let (model, ours, theirs) = try Self.againstBaseline(c)
        #expect(ours < theirs, "kernelized: AutoRec \(ours) vs baseline \(theirs)")
        #expect(model.modelName == "Kernel I-AutoRec")
        // The kept parameters are the network's: V ⊙ K, without the kernel vectors.
        #expect(model.parameters?.tensors.count == 6)
    }

    /// A small GLocal-K: item-based, two kernelized sigmoid layers, identity output.
    static func glocalConfig() -> AutoRecConfiguration {
        var c = AutoRecConfiguration.glocalK
        c.layers = [6, 6]
        c.l2 = 1
        c.kernel = .init(dimension: 3, penalty: 0.01)
        c.epochs = 12
        c.patience = 4
        c.refit = false
        c.globalKernel = .init(dotScale: 1, fineTuneEpochs: 8)
        return c
    }

    @Test("GLocal-K pre-trains, then fine-tunes with the global kernel, both early-stopped on validation")
    func glocalTrains() throws {
        var rng = SplitMix64(seed: 2)
        let split = try RatingSplit(Self.table, method: .random(fraction: 0.2), using: &rng)
        let parts = try RatingSplit(split.train, method: .random(fraction: 0.15), using: &rng)
        var model = AutoRecModel(configuration: Self.glocalConfig())
        try model.fit(parts.train, validation: parts.test)
        #expect(model.modelName == "GLocal-K")
        let gk = try #require(model.globalKernel)
        #expect(gk.count == 9 && gk.allSatisfy(\.isFinite) && gk != [0, 0, 0, 0, 1, 0, 0, 0, 0])
        // Pre-training's epochs, then the fine-tuning's, numbered on; the kept epoch is a fine-tuning one.
        #expect(model.pretrainingEpochs >= 1 && model.history.count > model.pretrainingEpochs)
        #expect(model.history.map(\.epoch) == Array(1...model.history.count))
        #expect(model.bestEpoch > model.pretrainingEpochs && model.pretrainingBestEpoch <= model.pretrainingEpochs)
        // The kept epoch has the best validation RMSE of the fine-tuning.
        let tuning = model.history[model.pretrainingEpochs...].compactMap(\.validationRMSE)
        #expect(model.history[model.bestEpoch - 1].validationRMSE == tuning.min())
        // Predictions decode the codes of X = ReLU(conv2d(R, gk)), not of R.
        let data = try #require(model.data), p = try #require(model.parameters)
        #expect(model.codes == GlobalKernelStage.codes(model.configuration, p, data: data, kernel: gk))
        let ours = try Evaluator().evaluate(model, train: parts.train, test: split.test).rmse
        #expect(ours.isFinite && ours < 1.5, "GLocal-K test RMSE \(ours)")
    }

    @Test("GLocal-K's refit runs both stages again on training plus validation for the epochs each kept")
    func glocalRefit() throws {
        var rng = SplitMix64(seed: 2)
        let split = try RatingSplit(Self.table, method: .random(fraction: 0.2), using: &rng)
        var c = Self.glocalConfig()
        c.epochs = 6
        c.globalKernel?.fineTuneEpochs = 4
        c.refit = true
        var model = AutoRecModel(configuration: c)
        try model.fit(split.train, validation: split.test)
        #expect(model.trainedOnValidation)
        #expect(model.refitHistory.count == model.pretrainingBestEpoch + model.bestEpoch - model.pretrainingEpochs)
        #expect(model.globalKernel?.count == 9)
    }

    @Test("the global kernel refuses what it was not built for")
    func badGlobalKernel() {
        var cases = [AutoRecConfiguration]()
        var c = AutoRecConfiguration.glocalK
        c.orientation = .user
        cases.append(c)
        c = .glocalK
        c.decoder = .sigmoid
        cases.append(c)
        c = .glocalK
        c.kernel = nil
        cases.append(c)
        c = .glocalK
        c.optimizer.kind = .adam
        cases.append(c)
        c = .glocalK
        c.codeDropout = 0.5
        cases.append(c)
        c = .glocalK
        c.fill = .userMean
        cases.append(c)
        c = .glocalK
        c.globalKernel?.fineTuneEpochs = 0
        cases.append(c)
        c = .glocalK
        c.globalKernel?.dotScale = .nan
        cases.append(c)
        for bad in cases { #expect(throws: ConfigurationError.self) { try bad.validate() } }
        #expect(throws: Never.self) { try AutoRecConfiguration.glocalK.validate() }
    }

    @Test("kernel settings that cannot work are refused")
    func badKernel() {
        for k in [AutoRecConfiguration.KernelSettings(dimension: 0, penalty: 1), .init(penalty: -1), .init(penalty: .nan),
                  .init(penalty: 1, initialScale: 0)] {
            var c = AutoRecConfiguration()
            c.kernel = k
            #expect(throws: ConfigurationError.self) { try c.validate() }
        }
        var tied = AutoRecConfiguration()
        tied.kernel = .init(penalty: 1)
        tied.tiedWeights = true
        #expect(throws: ConfigurationError.self) { try tied.validate() }
    }

    @Test("an output range must be finite with low below high")
    func badOutputRange() {
        for (low, high) in [(Float(5), Float(1)), (2, 2), (1, .infinity), (.nan, 5)] {
            var c = AutoRecConfiguration()
            c.outputRange = .init(low: low, high: high)
            #expect(throws: ConfigurationError.self) { try c.validate() }
        }
    }

    @Test("a deep model's whole-row scores equal single predictions and fold-in reproduces them",
          arguments: [AutoRecConfiguration.Fill.zero, .constant(2), .userMean, .itemMean])
    func deepScoresAndFoldIn(fill: AutoRecConfiguration.Fill) throws {
        var c = Self.deepConfig(.user)
        c.fill = fill
        c.epochs = 5
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        var s = [Float](repeating: 0, count: 24)
        for user in [0, 4, 29] as [Int32] {
            m.scores(forUser: user, into: &s)
            for i in 0..<24 { #expect(abs(s[i] - m.predict(user: user, item: Int32(i))) < 1e-5) }
            let rows = (0..<Self.table.count).filter { Self.table.users[$0] == user }
            let out = m.reconstruct(inputs: rows.map { Self.table.items[$0] },
                                    values: rows.map { Self.table.ratings[$0] })
            for i in 0..<24 { #expect(abs(out[i] - s[i]) < 1e-4, "user \(user) item \(i)") }
        }
    }

    @Test("a tied model keeps its output weights equal to its input weights through training")
    func tiedTraining() throws {
        var c = Self.deepConfig()
        c.tiedWeights = true
        c.epochs = 4
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let p = try #require(m.parameters)
        #expect(p.decoderWeight == p.encoderWeight)
        #expect(m.history.last!.loss < m.history.first!.loss)
    }

    @Test("layer settings that cannot work are refused with the reason",
          arguments: [([8, 0, 8], nil, "a layer of 0 units (each layer needs at least 1)"), ([], nil, "the layer list is empty"),
                      ([4, 4], [0.5], "1 dropout values for 2 hidden layers"),
                      ([4, 4], [0.5, 1], "layer dropout must be in [0, 1), got 1.0")] as [([Int], [Float]?, String)])
    func badLayers(layers: [Int], dropout: [Float]?, message: String) {
        var c = Self.deepConfig()
        c.layers = layers
        c.layerDropout = dropout
        #expect(throws: ConfigurationError.invalid(message)) { try c.validate() }
    }
}

@Suite struct RefeedingTests {
    /// One user, two items, one observed rating: the sparse step, then one dense re-feeding step
    /// computed by hand for a 2-input, 1-hidden-unit network (sigmoid code, identity output): the
    /// outputs clipped to the scale, the error weighted by 1 observed / 2 dense entries.
    @Test("a re-feeding step matches the hand-computed two-layer update")
    func handComputed() throws {
        var users = IDMap(), items = IDMap()
        _ = users.intern("u")
        _ = items.intern("a")
        _ = items.intern("b")
        let table = RatingTable(users: [0], items: [0], ratings: [4], userIDs: users, itemIDs: items,
                                scale: RatingScale(minimum: 1, maximum: 5, step: 1))
        var c = AutoRecConfiguration()
        c.orientation = .user
        c.hiddenUnits = 1
        c.l2 = 0
        c.epochs = 1
        c.patience = 0
        c.refit = false
        c.initialScale = 0.5
        c.optimizer.kind = .sgd
        c.optimizer.momentum = 0
        c.optimizer.learningRate = 0.1
        var plain = AutoRecModel(configuration: c)
        try plain.fit(table, validation: nil)
        c.refeedSteps = 1
        var refed = AutoRecModel(configuration: c)
        try refed.fit(table, validation: nil)

        // After the sparse step (identical in both runs): V (2×1), μ, W (2×1), b (2).
        let p = try #require(plain.parameters).tensors.map { $0.storage.map(Double.init) }
        let (v, mu, w, b) = (p[0], p[1][0], p[2], p[3])
        func sigmoid(_ z: Double) -> Double { 1 / (1 + Double.exp(-z)) }
        // The dense output of the user's vector x = (4, 0), clipped to 1...5, becomes input and target.
        let h0 = sigmoid(v[0] * 4 + mu)
        let raw = [w[0] * h0 + b[0], w[1] * h0 + b[1]]
        let y = raw.map { min(max($0, 1), 5) }
        #expect(raw != y, "the small initial weights should give outputs below the scale: \(raw)")
        let h = sigmoid(v[0] * y[0] + v[1] * y[1] + mu)
        let delta = [w[0] * h + b[0] - y[0], w[1] * h + b[1] - y[1]]
        let dz = (delta[0] * w[0] + delta[1] * w[1]) * h * (1 - h)
        // The dense step's error is weighted by observed / dense entries: 1 rating of 2 entries.
        let lr = 0.1 * 0.5
        let expected = [
            [v[0] - lr * y[0] * dz, v[1] - lr * y[1] * dz], [mu - lr * dz],
            [w[0] - lr * delta[0] * h, w[1] - lr * delta[1] * h], [b[0] - lr * delta[0], b[1] - lr * delta[1]],
        ]
        let got = try #require(refed.parameters).tensors.map { $0.storage.map(Double.init) }
        #expect(got != p, "re-feeding changed nothing")
        for t in 0..<4 {
            for i in 0..<expected[t].count {
                #expect(abs(got[t][i] - expected[t][i]) < 1e-6, "tensor \(t)[\(i)]: \(got[t][i]) vs \(expected[t][i])")
            }
        }
    }

    @Test("re-feeding needs a mini-batch optimizer and a count >= 0")
    func validation() {
        var c = AutoRecConfiguration()
        c.refeedSteps = 1
        #expect(throws: ConfigurationError.invalid("dense re-feeding needs a mini-batch optimizer (adam or sgd), not lbfgs")) {
            try c.validate()
        }
        c.optimizer.kind = .adam
        c.refeedSteps = -1
        #expect(throws: ConfigurationError.invalid("re-feeding steps must be >= 0, got -1")) { try c.validate() }
    }

    @Test("a deep denoising model with re-feeding trains and beats the bias baseline")
    func deepDenoisingRefeeding() throws {
        var c = AutoRecModelTests.deepConfig()
        c.refeedSteps = 1
        c.maskingNoise = 0.2
        c.maskedWeight = 1.5
        c.visibleWeight = 1
        c.gaussianNoise = 0.05
        c.epochs = 40
        let (_, ours, theirs) = try AutoRecModelTests.againstBaseline(c)
        #expect(ours < theirs, "\(ours) vs baseline \(theirs)")
    }
}
