import AutoRec
import RecData
import RecMath
import Testing

@Suite struct BiasedMFTests {
    /// A small, fast configuration for generated data.
    static let small = BiasedMF.Configuration(
        factors: 4, epochs: 40, learningRate: 0.02, regularization: 0.02, seed: 11)

    static func rmse(_ model: some RatingModel, _ test: RatingTable) -> Double {
        RatingMetrics.rmse(
            predictions: model.predict(users: test.users, items: test.items), ratings: test.ratings)
    }

    @Test("beats BaselinePredictor on generated rank-2 data")
    func beatsBaseline() throws {
        let data = BaselineFixtures.generated(
            users: 40, items: 30, density: 0.6, testShare: 0.2, rank: 2, seed: 5)
        var mf = BiasedMF(configuration: Self.small)
        try mf.fit(data.train, validation: nil)
        var baseline = BaselinePredictor()
        try baseline.fit(data.train, validation: nil)
        let mfError = Self.rmse(mf, data.test)
        let baselineError = Self.rmse(baseline, data.test)
        #expect(mfError < 0.5 * baselineError, "BiasedMF \(mfError), BaselinePredictor \(baselineError)")
    }

    @Test(
        "each hyperparameter changes the predictions",
        arguments: [
            "factors", "epochs", "learningRate", "regularization", "initialMean", "initialStandardDeviation",
            "biased", "seed",
        ])
    func hyperparameters(field: String) throws {
        let data = BaselineFixtures.generated(users: 10, items: 8, density: 0.7, rank: 2, seed: 6)
        var changed = Self.small
        switch field {
        case "factors": changed.factors = 3
        case "epochs": changed.epochs = 39
        case "learningRate": changed.learningRate = 0.03
        case "regularization": changed.regularization = 0.1
        case "initialMean": changed.initialMean = 0.2
        case "initialStandardDeviation": changed.initialStandardDeviation = 0.3
        case "biased": changed.biased = false
        default: changed.seed = 12
        }
        var a = BiasedMF(configuration: Self.small)
        var b = BiasedMF(configuration: changed)
        try a.fit(data.train, validation: nil)
        try b.fit(data.train, validation: nil)
        let pa = a.predict(users: data.train.users, items: data.train.items)
        let pb = b.predict(users: data.train.users, items: data.train.items)
        #expect(zip(pa, pb).contains { abs($0 - $1) > 1e-4 }, "\(field) made no difference")
    }

    @Test("the same seed gives the same numbers at 1 and 2 threads", arguments: [1, 2])
    func deterministic(threads: Int) throws {
        let data = BaselineFixtures.generated(users: 12, items: 10, density: 0.5, rank: 2, seed: 7)
        var reference = BiasedMF(configuration: Self.small)
        try Parallelism.withThreads(1) { try reference.fit(data.train, validation: nil) }
        var again = BiasedMF(configuration: Self.small)
        try Parallelism.withThreads(threads) { try again.fit(data.train, validation: nil) }
        #expect(again.userFactors == reference.userFactors && again.itemFactors == reference.itemFactors)
        #expect(again.userBiases == reference.userBiases && again.itemBiases == reference.itemBiases)
    }

    @Test("the defaults are Surprise's SVD: 100 factors, 20 epochs, γ 0.005, λ 0.02, N(0, 0.1²), biased")
    func defaults() {
        let c = BiasedMF.Configuration()
        #expect(c.factors == 100 && c.epochs == 20 && c.learningRate == 0.005 && c.regularization == 0.02)
        #expect(c.initialMean == 0 && c.initialStandardDeviation == 0.1 && c.biased)
    }

    @Test("one epoch matches a plain reference of the update rule", arguments: [1, 8, 9, 17])
    func matchesReference(factors: Int) throws {
        // One rating, so the shuffle cannot reorder anything; the initial factors come from the
        // fitted model's generator, replayed here.
        let table = BaselineFixtures.table([(0, 0, 4)], users: 1, items: 1)
        let c = BiasedMF.Configuration(
            factors: factors, epochs: 1, learningRate: 0.1, regularization: 0.05, seed: 3)
        var model = BiasedMF(configuration: c)
        try model.fit(table, validation: nil)
        var rng = SplitMix64(seed: 3)
        var p = (0..<factors).map { _ in 0.1 * Double(Float(rng.nextGaussian())) }
        var q = (0..<factors).map { _ in 0.1 * Double(Float(rng.nextGaussian())) }
        let e = 4 - (4 + zip(p, q).map { $0 * $1 }.reduce(0, +))
        let bu = 0.1 * e
        let bi = 0.1 * e
        for f in 0..<factors {
            let (pf, qf) = (p[f], q[f])
            p[f] = pf + 0.1 * (e * qf - 0.05 * pf)
            q[f] = qf + 0.1 * (e * pf - 0.05 * qf)
        }
        #expect(abs(Double(model.userBiases[0]) - bu) < 1e-6 && abs(Double(model.itemBiases[0]) - bi) < 1e-6)
        for f in 0..<factors {
            #expect(abs(Double(model.userFactors[0, f]) - p[f]) < 1e-6, "p[\(f)]")
            #expect(abs(Double(model.itemFactors[0, f]) - q[f]) < 1e-6, "q[\(f)]")
        }
        let predicted = 4 + bu + bi + zip(p, q).map { $0 * $1 }.reduce(0, +)
        #expect(abs(Double(model.predict(user: 0, item: 0)) - predicted) < 1e-5)
    }

    @Test("a new user gets r̄ + b_i, a new item r̄ + b_u, both r̄; scores agree with predict")
    func coldEntities() throws {
        let table = BaselineFixtures.table([(0, 0, 5), (0, 1, 3), (1, 0, 4)], users: 3, items: 3)
        var model = BiasedMF(configuration: Self.small)
        try model.fit(table, validation: nil)
        #expect(model.predict(user: 2, item: 0) == model.mean + model.itemBiases[0])
        #expect(model.predict(user: 0, item: 2) == model.mean + model.userBiases[0])
        #expect(model.predict(user: 2, item: 2) == model.mean)
        #expect(model.predict(user: -1, item: 99) == model.mean)
        for u: Int32 in 0..<3 {
            var row = [Float](repeating: 0, count: 4)
            model.scores(forUser: u, into: &row)
            for i in 0..<4 { #expect(abs(row[i] - model.predict(user: u, item: Int32(i))) < 1e-6) }
        }
    }

    @Test("a bad configuration is rejected; divergence throws nonFinite")
    func errors() {
        #expect(throws: ModelConfigurationError.self) { try BiasedMF.Configuration(factors: 0).validate() }
        #expect(throws: ModelConfigurationError.self) {
            try BiasedMF.Configuration(learningRate: 0).validate()
        }
        #expect(throws: ModelConfigurationError.self) {
            try BiasedMF.Configuration(initialMean: .infinity).validate()
        }
        var model = BiasedMF(configuration: .init(factors: 2, epochs: 30, learningRate: 50))
        let data = BaselineFixtures.generated(users: 5, items: 5, density: 1, seed: 8)
        #expect(throws: TrainingError.self) { try model.fit(data.train, validation: nil) }
    }

    @Test("factors too many for the machine's memory are refused before allocating")
    func memory() throws {
        let table = BaselineFixtures.table([(0, 0, 5), (1, 1, 3)], users: 2, items: 2)
        var m = BiasedMF(configuration: .init(factors: 1_000_000_000_000))
        let error = try #require(throws: ResourceError.self) { try m.fit(table, validation: nil) }
        #expect(error.description.hasPrefix("BiasedMF with 1000000000000 factors over 2 users and 2 items needs about 16.0 TB"))
    }
}
