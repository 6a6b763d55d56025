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
