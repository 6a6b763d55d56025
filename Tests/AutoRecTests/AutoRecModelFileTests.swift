@testable import AutoRec
import Foundation
import RecData
import RecMath
import Testing

@Suite struct AutoRecModelFileTests {
    static let table = lowRankTable(users: 20, items: 15, density: 0.5, seed: 21)

    func folder(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("autorec-file-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        return dir.path
    }

    @Test("save then load gives identical predictions", arguments: [
        AutoRecConfiguration.Fill.zero, .userMean,
    ], AutoRecConfiguration.Orientation.allCases)
    func roundTrip(fill: AutoRecConfiguration.Fill, o: AutoRecConfiguration.Orientation) throws {
        var c = smallConfig(o)
        c.fill = fill
        c.epochs = 8
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let dir = folder("\(o)-\(fill)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let (loaded, training) = try AutoRecModel.load(from: dir)
        #expect(loaded.configuration == c)
        #expect(training.userIDs == Self.table.userIDs && training.itemIDs == Self.table.itemIDs)
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> { #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i)) }
        }
    }

    @Test("a deep model saves and loads with identical predictions and fold-in, as formatVersion 2",
          arguments: AutoRecConfiguration.Orientation.allCases)
    func deepRoundTrip(o: AutoRecConfiguration.Orientation) throws {
        var c = smallConfig(o)
        c.layers = [5, 3, 4]
        c.encoder = .selu
        c.initialization = .lecun
        c.fill = .itemMean
        c.epochs = 6
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let dir = folder("deep-\(o)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let json = try String(contentsOfFile: dir + "/model.json", encoding: .utf8)
        #expect(json.contains("\"formatVersion\" : 2"))
        let weights = try SafeTensorsFile(contentsOf: dir + "/weights.safetensors")
        #expect(weights.tensors["hidden.1.weight"]?.shape == [3, 5] && weights.tensors["hidden.2.bias"]?.shape == [4])
        let (loaded, _) = try AutoRecModel.load(from: dir)
        #expect(loaded.configuration == c && loaded.parameters == m.parameters)
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> { #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i)) }
        }
        #expect(loaded.reconstruct(inputs: [0, 3], values: [4, 2]) == m.reconstruct(inputs: [0, 3], values: [4, 2]))
    }

    @Test("a model with side information saves its features and weights and loads with identical predictions",
          arguments: [nil, [4, 3]] as [[Int]?])
    func sideRoundTrip(layers: [Int]?) throws {
        var c = smallConfig(.user)
        c.layers = layers
        c.epochs = 6
        var m = AutoRecModel(configuration: c)
        var entries = (0..<20).map { u in UserCatalog.User(age: 18 + u, gender: u % 2 == 0 ? "F" : "M") }
        entries[3] = UserCatalog.User()
        m.sideFeatures = SideFeatures(users: UserCatalog(entries: entries))
        try m.fit(Self.table, validation: nil)
        #expect(m.parameters?.sideWeight?.rows == 9)
        var plain = AutoRecModel(configuration: c)
        try plain.fit(Self.table, validation: nil)
        #expect(plain.predict(user: 0, item: 0) != m.predict(user: 0, item: 0), "the features changed nothing")
        let dir = folder("side-\(layers?.count ?? 1)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let json = try String(contentsOfFile: dir + "/model.json", encoding: .utf8)
        #expect(json.contains("\"formatVersion\" : 2") && json.contains("gender=F"))
        let (loaded, _) = try AutoRecModel.load(from: dir)
        #expect(loaded.sideFeatures == m.sideFeatures && loaded.parameters == m.parameters)
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> { #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i)) }
        }
    }

    @Test("a one-hidden-layer model is still written as formatVersion 1, which earlier builds read")
    func shallowVersion() throws {
        var m = AutoRecModel(configuration: smallConfig())
        try m.fit(Self.table, validation: nil)
        let dir = folder("shallow-version")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let json = try String(contentsOfFile: dir + "/model.json", encoding: .utf8)
        #expect(json.contains("\"formatVersion\" : 1") && !json.contains("layers"))
        let weights = try SafeTensorsFile(contentsOf: dir + "/weights.safetensors")
        #expect(Set(weights.tensors.keys) == ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias",
                                              "train.row_start", "train.column", "train.value"])
    }

    @Test("a corrupt or mismatched model folder is refused with a clear error")
    func corrupt() throws {
        var m = AutoRecModel(configuration: smallConfig())
        try m.fit(Self.table, validation: nil)
        let dir = folder("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let weights = dir + "/weights.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: weights))
        #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir) }
        // A model.json whose hidden size does not match the weights.
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let json = dir + "/model.json"
        let text = try String(contentsOfFile: json, encoding: .utf8)
            .replacingOccurrences(of: "\"hiddenUnits\" : 6", with: "\"hiddenUnits\" : 7")
        try text.write(toFile: json, atomically: true, encoding: .utf8)
        do {
            _ = try AutoRecModel.load(from: dir)
            Issue.record("a mismatched model loaded")
        } catch {
            #expect("\(error)".contains("encoder.weight"))
        }
    }
}

@Suite struct CheckpointTests {
    @Test("a run killed after a checkpoint and resumed ends with the same weights, deep stacks too",
          arguments: [(OptimizerConfiguration.Kind.lbfgs, nil), (.adam, nil), (.rprop, nil), (.adam, [4, 3, 4]),
                      (.rprop, [5, 2])] as [(OptimizerConfiguration.Kind, [Int]?)])
    func resume(kind: OptimizerConfiguration.Kind, layers: [Int]?) throws {
        let table = lowRankTable(users: 20, items: 15, density: 0.5, seed: 4)
        var rng = SplitMix64(seed: 1)
        let split = try RatingSplit(table, method: .random(fraction: 0.2), using: &rng)
        var c = smallConfig()
        c.optimizer.kind = kind
        c.optimizer.learningRate = 0.01
        c.codeDropout = kind == .adam ? 0.2 : 0
        c.layers = layers
        c.batchSize = 4
        c.epochs = 9
        c.patience = 100
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(kind)-\(layers?.count ?? 1)-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        var whole = AutoRecModel(configuration: c)
        try whole.fit(split.train, validation: split.test)

        var killed = AutoRecModel(configuration: c)
        killed.configuration.epochs = 5
        killed.checkpointPath = path
        killed.checkpointEvery = 2
        try killed.fit(split.train, validation: split.test)   // last checkpoint: after epoch 4

        var resumed = AutoRecModel(configuration: c)
        resumed.resumePath = path
        try resumed.fit(split.train, validation: split.test)
        #expect(resumed.history.count == 9)
        #expect(resumed.history == whole.history.map { r in
            var r = r
            r.seconds = resumed.history[r.epoch - 1].seconds
            return r
        })
        #expect(resumed.parameters == whole.parameters)
        #expect(resumed.bestEpoch == whole.bestEpoch)
    }

    @Test("resuming with another configuration is refused")
    func mismatch() throws {
        let table = lowRankTable(users: 10, items: 8, density: 0.6, seed: 4)
        var c = smallConfig()
        c.epochs = 2
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-mismatch-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var m = AutoRecModel(configuration: c)
        m.checkpointPath = path
        m.checkpointEvery = 1
        try m.fit(table, validation: nil)
        c.l2 = 5
        var other = AutoRecModel(configuration: c)
        other.resumePath = path
        #expect(throws: ModelFileError.self) { try other.fit(table, validation: nil) }
    }
}
