@testable import AutoRec
import RecData
import RecMath
import Testing

@Suite struct TrainerTests {
    static let table = lowRankTable(users: 12, items: 10, density: 0.5, seed: 3)

    @Test("a model's thread count governs its training, whatever the caller's scope", arguments: [1, 3])
    func threadsPassedIn(threads: Int) throws {
        final class Seen: @unchecked Sendable { var counts = [Int]() }
        let seen = Seen()
        var c = smallConfig()
        c.epochs = 2
        var m = AutoRecModel(configuration: c)
        m.threads = threads
        m.onEpoch = { _ in seen.counts.append(Parallelism.threads) }
        try Parallelism.withThreads(2) { try m.fit(Self.table, validation: nil) }
        #expect(seen.counts == [threads, threads])
        #expect(Parallelism.withThreads(2) { Parallelism.threads } == 2)
    }

    @Test("Adam with the L2 term fused into its step trains the same weights as the penalty in the network",
          arguments: [(OptimizerConfiguration.Kind.adam, 1), (.adam, 2), (.sgd, 2)])
    func fusedPenalty(kind: OptimizerConfiguration.Kind, threads: Int) throws {
        var c = smallConfig()
        c.epochs = 3
        c.optimizer.kind = kind
        c.optimizer.learningRate = 0.01
        c.batchSize = 3
        c.l2 = 2
        let data = AutoRecData(Self.table, orientation: c.orientation, fill: c.fill)
        func train(fused: Bool) throws -> TrainingState {
            var r = SplitMix64(seed: c.seed)
            let p = AutoRecParameters(inputs: data.inputs, hidden: c.hiddenUnits, scale: c.initialScale, using: &r)
            var s = TrainingState(params: p, gradients: p.zeros(), rng: r, order: (0..<data.rows).map { Int32($0) },
                                  lbfgs: LBFGSOptimizer(history: 5), stepper: Trainer.makeStepper(c))
            var trainer = Trainer(configuration: c, modelName: "m", stopToken: StopToken())
            trainer.fusePenalty = fused
            trainer.threads = threads
            _ = try trainer.run(&s, data: data, validator: nil, scale: Self.table.scale)
            return s
        }
        let fused = try train(fused: true), plain = try train(fused: false)
        #expect(fused.params.tensors == plain.params.tensors)
        #expect(fused.stepper.state == plain.stepper.state)
        for (a, b) in zip(fused.history, plain.history) {
            #expect(abs(a.loss - b.loss) <= 1e-6 * abs(b.loss), "epoch \(a.epoch)")
        }
        // The weights moved (the comparison is not between two untrained copies).
        var r0 = SplitMix64(seed: c.seed)
        let initial = AutoRecParameters(inputs: data.inputs, hidden: c.hiddenUnits, scale: c.initialScale, using: &r0)
        #expect(fused.history.count == 3 && fused.params.tensors != initial.tensors)
    }

    @Test("the trainer reports why it stopped: the epoch limit, patience or a stop request")
    func stopReasons() throws {
        var rng = SplitMix64(seed: 1)
        let split = try RatingSplit(Self.table, method: .random(fraction: 0.3), using: &rng)
        var c = smallConfig()
        c.epochs = 3
        let data = AutoRecData(split.train, orientation: c.orientation, fill: c.fill)
        func state() -> TrainingState {
            var r = SplitMix64(seed: c.seed)
            let p = AutoRecParameters(inputs: data.inputs, hidden: c.hiddenUnits, scale: c.initialScale, using: &r)
            return TrainingState(params: p, gradients: p.zeros(), rng: r,
                                 order: (0..<data.rows).map { Int32($0) }, lbfgs: LBFGSOptimizer(history: 5),
                                 stepper: Trainer.makeStepper(c))
        }
        var s = state()
        #expect(try Trainer(configuration: c, modelName: "m", stopToken: StopToken())
            .run(&s, data: data, validator: nil, scale: split.train.scale) == .epochLimit)
        #expect(s.epoch == 3 && s.history.count == 3)

        let token = StopToken()
        token.requestStop()
        s = state()
        #expect(try Trainer(configuration: c, modelName: "m", stopToken: token)
            .run(&s, data: data, validator: nil, scale: split.train.scale) == .interrupted)
        #expect(s.epoch == 1)

        // Patience 1 with a validation RMSE that cannot improve after the first epoch (no learning).
        c.epochs = 10
        c.patience = 1
        c.optimizer.kind = .sgd
        c.optimizer.learningRate = 1e-12
        let validator = try AutoRecModel.Validator(split.test, train: split.train, policy: .baseline,
                                                   orientation: c.orientation, rows: data.rows, inputs: data.inputs)
        s = state()
        s.stepper = Trainer.makeStepper(c)
        let reason = try Trainer(configuration: c, modelName: "m", stopToken: StopToken())
            .run(&s, data: data, validator: validator, scale: split.train.scale)
        #expect(reason == .patience && s.epoch < 10)
    }
}
