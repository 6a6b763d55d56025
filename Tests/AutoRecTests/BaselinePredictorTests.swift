import AutoRec
import RecData
import Testing

@Suite struct BaselinePredictorTests {
    static let tiny: [(user: Int, item: Int, rating: Float)] = [
        (0, 0, 5), (0, 1, 3), (0, 2, 4), (1, 0, 4), (1, 2, 1), (2, 1, 2), (2, 2, 5), (3, 0, 3), (3, 1, 1),
    ]

    /// Plain ALS over the triples, item biases then user biases each epoch, in Double.
    static func referenceALS(
        _ t: [(user: Int, item: Int, rating: Float)], users: Int, items: Int, regU: Double, regI: Double,
        epochs: Int
    ) -> (mu: Double, bu: [Double], bi: [Double]) {
        let mu = t.map { Double($0.rating) }.reduce(0, +) / Double(t.count)
        var bu = [Double](repeating: 0, count: users)
        var bi = [Double](repeating: 0, count: items)
        for _ in 0..<epochs {
            for i in 0..<items {
                let rows = t.filter { $0.item == i }
                bi[i] =
                    rows.map { Double($0.rating) - mu - bu[$0.user] }.reduce(0, +)
                    / (regI + Double(rows.count))
            }
            for u in 0..<users {
                let rows = t.filter { $0.user == u }
                bu[u] =
                    rows.map { Double($0.rating) - mu - bi[$0.item] }.reduce(0, +)
                    / (regU + Double(rows.count))
            }
        }
        return (mu, bu, bi)
    }

    /// Plain SGD over the triples in order, in Double.
    static func referenceSGD(
        _ t: [(user: Int, item: Int, rating: Float)], users: Int, items: Int, rate: Double, reg: Double,
        epochs: Int
    ) -> (mu: Double, bu: [Double], bi: [Double]) {
        let mu = t.map { Double($0.rating) }.reduce(0, +) / Double(t.count)
        var bu = [Double](repeating: 0, count: users)
        var bi = [Double](repeating: 0, count: items)
        for _ in 0..<epochs {
            for r in t {
                let e = Double(r.rating) - mu - bu[r.user] - bi[r.item]
                bu[r.user] += rate * (e - reg * bu[r.user])
                bi[r.item] += rate * (e - reg * bi[r.item])
            }
        }
        return (mu, bu, bi)
    }

    static func expectClose(_ got: [Float], _ want: [Double], _ tolerance: Double, _ what: String) {
        #expect(got.count == want.count, "\(what) count")
        for (g, w) in zip(got, want) { #expect(abs(Double(g) - w) < tolerance, "\(what): \(g) vs \(w)") }
    }

    @Test(
        "ALS matches a plain reference on a tiny table",
        arguments: [(15.0, 10.0, 10), (0.5, 2.0, 3), (0, 0, 1)])
    func alsMatchesReference(regU: Double, regI: Double, epochs: Int) throws {
        // Users 4 and item 3 have no rating: their biases must stay 0 (even with λ = 0).
        let table = BaselineFixtures.table(Self.tiny, users: 5, items: 4)
        var model = BaselinePredictor(
            configuration: .init(
                method: .als, epochs: epochs, userRegularization: Float(regU), itemRegularization: Float(regI)
            ))
        try model.fit(table, validation: nil)
        let ref = Self.referenceALS(Self.tiny, users: 4, items: 3, regU: regU, regI: regI, epochs: epochs)
        #expect(abs(Double(model.mean) - ref.mu) < 1e-6)
        Self.expectClose(model.userBiases, ref.bu + [0], 1e-5, "b_u")
        Self.expectClose(model.itemBiases, ref.bi + [0], 1e-5, "b_i")
        let p = model.predict(user: 1, item: 2)
        #expect(abs(Double(p) - (ref.mu + ref.bu[1] + ref.bi[2])) < 1e-5)
    }

    @Test("SGD matches a plain reference on a tiny table", arguments: [(0.005, 0.02, 20), (0.1, 0.5, 7)])
    func sgdMatchesReference(rate: Double, reg: Double, epochs: Int) throws {
        let table = BaselineFixtures.table(Self.tiny, users: 4, items: 3)
        var model = BaselinePredictor(
            configuration: .init(
                method: .sgd, epochs: epochs, learningRate: Float(rate), regularization: Float(reg)))
        try model.fit(table, validation: nil)
        let ref = Self.referenceSGD(Self.tiny, users: 4, items: 3, rate: rate, reg: reg, epochs: epochs)
        Self.expectClose(model.userBiases, ref.bu, 1e-5, "b_u")
        Self.expectClose(model.itemBiases, ref.bi, 1e-5, "b_i")
    }

    @Test("ALS without penalty recovers the biases of exact data r = r̄ + b_u + b_i")
    func alsRecoversBiases() throws {
        let data = BaselineFixtures.generated(users: 12, items: 9, density: 1, seed: 3)
        var model = BaselinePredictor(
            configuration: .init(
                method: .als, epochs: 5, userRegularization: 0, itemRegularization: 0))
        try model.fit(data.train, validation: nil)
        #expect(abs(model.mean - 3) < 1e-5)
        Self.expectClose(model.userBiases, data.userBiases.map(Double.init), 1e-4, "b_u")
        Self.expectClose(model.itemBiases, data.itemBiases.map(Double.init), 1e-4, "b_i")
    }

    @Test("SGD with a tiny penalty recovers the biases of exact data")
    func sgdRecoversBiases() throws {
        let data = BaselineFixtures.generated(users: 12, items: 9, density: 1, seed: 4)
        var model = BaselinePredictor(
            configuration: .init(
                method: .sgd, epochs: 300, learningRate: 0.05, regularization: 1e-4))
        try model.fit(data.train, validation: nil)
        Self.expectClose(model.userBiases, data.userBiases.map(Double.init), 0.02, "b_u")
        Self.expectClose(model.itemBiases, data.itemBiases.map(Double.init), 0.02, "b_i")
    }

    @Test("the defaults are Surprise's: ALS 10 epochs, λ_u 15, λ_i 10; SGD 20 epochs, γ 0.005, λ 0.02")
    func defaults() {
        let als = BaselinePredictor.Configuration()
        #expect(
            als.method == .als && als.epochs == 10 && als.userRegularization == 15
                && als.itemRegularization == 10)
        let sgd = BaselinePredictor.Configuration(method: .sgd)
        #expect(sgd.epochs == 20 && sgd.learningRate == 0.005 && sgd.regularization == 0.02)
    }

    @Test("an unknown user or item contributes bias 0")
    func unknownEntities() throws {
        let table = BaselineFixtures.table(Self.tiny, users: 4, items: 3)
        var model = BaselinePredictor()
        try model.fit(table, validation: nil)
        #expect(model.predict(user: 99, item: 0) == model.mean + model.itemBiases[0])
        #expect(model.predict(user: 0, item: -1) == model.mean + model.userBiases[0])
        #expect(model.predict(user: 99, item: 99) == model.mean)
        var row = [Float](repeating: 0, count: 5)
        model.scores(forUser: 2, into: &row)
        #expect(row[1] == model.predict(user: 2, item: 1) && row[4] == model.mean + model.userBiases[2])
    }

    @Test("a bad configuration is rejected with the field's name")
    func validation() {
        #expect(
            throws: ModelConfigurationError(
                model: "BaselinePredictor", field: "epochs", value: "0", expected: "an integer >= 1")
        ) {
            try BaselinePredictor.Configuration(epochs: 0).validate()
        }
        #expect(throws: ModelConfigurationError.self) {
            try BaselinePredictor.Configuration(method: .sgd, learningRate: -1).validate()
        }
        #expect(throws: ModelConfigurationError.self) {
            try BaselinePredictor.Configuration(userRegularization: .nan).validate()
        }
        let message = ModelConfigurationError(model: "M", field: "f", value: "0", expected: "an integer >= 1")
            .description
        #expect(message == "M: f is 0, expected an integer >= 1")
    }

    @Test("fitting an empty table throws")
    func empty() {
        var model = BaselinePredictor()
        #expect(throws: TrainingError.emptyTrainingSet(model: "BaselinePredictor")) {
            try model.fit(BaselineFixtures.table([], users: 2, items: 2), validation: nil)
        }
    }

    @Test("a diverging SGD run throws nonFinite")
    func diverges() {
        var model = BaselinePredictor(configuration: .init(method: .sgd, epochs: 50, learningRate: 1e6))
        #expect(throws: TrainingError.self) {
            try model.fit(BaselineFixtures.table(Self.tiny, users: 4, items: 3), validation: nil)
        }
    }
}

@Suite struct GlobalMeanTests {
    @Test("predicts the mean training rating everywhere")
    func mean() throws {
        var model = GlobalMean()
        try model.fit(
            BaselineFixtures.table(BaselinePredictorTests.tiny, users: 4, items: 3), validation: nil)
        #expect(abs(model.predict(user: 0, item: 0) - 28.0 / 9) < 1e-6)
        var row = [Float](repeating: 0, count: 3)
        model.scores(forUser: 7, into: &row)
        #expect(row == [Float](repeating: model.mean, count: 3))
    }
}
