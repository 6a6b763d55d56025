@testable import AutoRec
import Foundation
import RecData
import RecMath
import RecTestSupport
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

    @Test("a sigmoid decoder's output range is saved and loaded: identical predictions on the rating scale")
    func outputRangeRoundTrip() throws {
        var c = smallConfig(.item)
        c.decoder = .sigmoid
        c.epochs = 8
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let dir = folder("output-range")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let (loaded, _) = try AutoRecModel.load(from: dir)
        #expect(loaded.configuration.outputRange == .init(low: 1, high: 5))
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> {
                #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i))
                #expect(m.predict(user: u, item: i) > 1)
            }
        }
    }

    @Test("a kernelized model saves W ⊙ K and loads with identical predictions and fold-in")
    func kernelRoundTrip() throws {
        var c = smallConfig(.item)
        c.layers = [5, 4]
        c.kernel = .init(dimension: 3, penalty: 0.05, initialScale: 0.3)
        c.epochs = 8
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        // The kept parameters are the network's: no kernel vectors, weights already times their kernel.
        #expect(m.parameters?.tensors.count == 6)
        let dir = folder("kernel")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let (loaded, _) = try AutoRecModel.load(from: dir)
        #expect(loaded.configuration.kernel == c.kernel)
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> { #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i)) }
        }
        let users: [Int32] = [0, 3, 7], ratings: [Float] = [4, 2, 5]
        #expect(loaded.reconstruct(inputs: users, values: ratings) == m.reconstruct(inputs: users, values: ratings))
    }

    /// A small GLocal-K trained without validation and saved into the folder `name`.
    func savedGLocal(_ name: String) throws -> (model: AutoRecModel, folder: String) {
        var c = AutoRecConfiguration.glocalK
        c.layers = [5, 4]
        c.kernel = .init(dimension: 3, penalty: 0.05, initialScale: 0.3)
        c.epochs = 6
        c.globalKernel = .init(dotScale: 1, fineTuneEpochs: 4)
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let dir = folder(name)
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        return (m, dir)
    }

    @Test("a GLocal-K model saves gk, loads (also as a servable model) with identical predictions")
    func glocalRoundTrip() throws {
        let (m, dir) = try savedGLocal("glocal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let weights = try SafeTensorsFile(contentsOf: dir + "/weights.safetensors")
        #expect(weights.tensors["global.kernel"]?.shape == [3, 3])
        let (loaded, _) = try AutoRecModel.load(from: dir)
        #expect(loaded.configuration == m.configuration && loaded.modelName == "GLocal-K")
        #expect(loaded.globalKernel == m.globalKernel && loaded.codes == m.codes)
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> { #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i)) }
        }
        let served = try ServableModelLoader.load(folder: dir)
        #expect(served.model.kind == "GLocal-K")
    }

    @Test("a GLocal-K folder without its global kernel, or a kernel model calling itself GLocal-K, is refused")
    func glocalMismatch() throws {
        let dir = try savedGLocal("glocal-bad").folder
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/weights.safetensors"
        var weights = try SafeTensorsFile(contentsOf: path)
        weights.tensors["global.kernel"] = nil
        try weights.write(to: path)
        #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir) }
        let json = dir + "/model.json"
        let text = try String(contentsOfFile: json, encoding: .utf8)
        try text.replacingOccurrences(of: "\"globalKernel\"", with: "\"unusedKey\"")
            .write(toFile: json, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir) }
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
          arguments: [nil, [4, 3]] as [[Int]?], [false, true])
    func sideRoundTrip(layers: [Int]?, everyLayer: Bool) throws {
        var c = smallConfig(.user)
        c.layers = layers
        c.sideEveryLayer = everyLayer ? true : nil
        c.epochs = 6
        var m = AutoRecModel(configuration: c)
        var entries = (0..<20).map { u in UserCatalog.User(age: 18 + u, gender: u % 2 == 0 ? "F" : "M") }
        entries[3] = UserCatalog.User()
        m.sideFeatures = SideFeatures(users: UserCatalog(entries: entries))
        try m.fit(Self.table, validation: nil)
        #expect(m.parameters?.sideWeight?.rows == 9)
        // At every layer, the output layer reads the 9 features after the code.
        #expect(m.parameters?.decoderWeight.cols == (layers?.last ?? c.hiddenUnits) + (everyLayer ? 9 : 0))
        var without = c
        without.sideEveryLayer = nil
        var plain = AutoRecModel(configuration: without)
        try plain.fit(Self.table, validation: nil)
        #expect(plain.predict(user: 0, item: 0) != m.predict(user: 0, item: 0), "the features changed nothing")
        let dir = folder("side-\(layers?.count ?? 1)-\(everyLayer)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let json = try String(contentsOfFile: dir + "/model.json", encoding: .utf8)
        #expect(json.contains("\"formatVersion\" : 2") && json.contains("gender=F"))
        let (loaded, _) = try AutoRecModel.load(from: dir)
        #expect(loaded.sideFeatures == m.sideFeatures && loaded.parameters == m.parameters)
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> { #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i)) }
        }
        let folded = m.reconstruct(inputs: [0, 3], values: [4, 2])
        #expect(folded.count == 15 && folded.allSatisfy(\.isFinite))
        #expect(loaded.reconstruct(inputs: [0, 3], values: [4, 2]) == folded)
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

extension AutoRecModelFileTests {
    /// A model trained on ``table`` for 8 epochs and saved in a fresh folder.
    static func saved() throws -> (model: AutoRecModel, folder: TemporaryFolder, dir: ModelDirectory) {
        var c = smallConfig()
        c.epochs = 8
        var m = AutoRecModel(configuration: c)
        try m.fit(table, validation: nil)
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("model"))
        try m.save(to: dir.path, userIDs: table.userIDs, itemIDs: table.itemIDs)
        return (m, folder, dir)
    }

    /// Rewrites one value of a JSON file: `keys` is the path to it from the top-level object.
    static func editJSON(_ path: String, _ keys: [String], _ value: Any) throws {
        func set(_ object: Any, _ keys: ArraySlice<String>) -> Any {
            guard let key = keys.first, var dict = object as? [String: Any] else { return value }
            dict[key] = set(dict[key] ?? [String: Any](), keys.dropFirst())
            return dict
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let data = try JSONSerialization.data(withJSONObject: set(object, keys[...]), options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Rewrites the JSON header of a safetensors file through `edit`, keeping the data bytes.
    static func editHeader(_ path: String, _ edit: (inout [String: Any]) -> Void) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        var header = try #require(
            try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        edit(&header)
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        let out = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + bytes[(8 + length)...]
        try Data(out).write(to: URL(fileURLWithPath: path))
    }

    /// Sets element `flat` of F32 tensor `name` in a saved weights file.
    static func setWeight(_ path: String, _ name: String, flat: Int, to value: Float) throws {
        var file = try SafeTensorsFile(contentsOf: path)
        let t = try file.tensor(name)
        var values = try #require(t.floatValues)
        values[flat] = value
        file.tensors[name] = .init(shape: t.shape, values: values)
        try file.write(to: path)
    }

    @Test("a tensor shape whose size overflows Int is refused with a message, not a trap")
    func overflowingShape() throws {
        let (_, folder, dir) = try Self.saved()
        _ = folder
        let huge = 1 << 40
        try Self.editHeader(dir.weightsPath) { header in
            var bias = header["encoder.bias"] as? [String: Any] ?? [:]
            bias["shape"] = [huge, huge, huge]
            header["encoder.bias"] = bias
        }
        let error = #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir.path) }
        #expect(
            error?.description
                == "\(dir.weightsPath): tensor 'encoder.bias' has shape [\(huge), \(huge), \(huge)] of F32 "
                + "(more than \(Int.max) bytes), but its data_offsets span \(4 * smallConfig().hiddenUnits) bytes")
    }

    @Test(
        "a NaN or infinite weight is refused at load, naming the file, the tensor and the first bad index",
        arguments: [
            ("encoder.weight", Float.nan, 45, "nan", "[2, 5]"),
            ("decoder.weight", -.infinity, 7, "-inf", "[1, 1]"),
            ("encoder.bias", .infinity, 5, "inf", "[5]"),
            ("decoder.bias", .nan, 0, "nan", "[0]"),
        ] as [(String, Float, Int, String, String)])
    func nonFiniteWeight(tensor: String, value: Float, flat: Int, shown: String, index: String) throws {
        let (_, folder, dir) = try Self.saved()
        _ = folder
        try Self.setWeight(dir.weightsPath, tensor, flat: flat, to: value)
        let error = #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir.path) }
        #expect(
            error?.description
                == "\(dir.weightsPath): tensor '\(tensor)' holds \(shown) at \(index) (the file is corrupt: "
                + "retrain the model or restore a copy)")
    }

    @Test("a stored training rating that is infinite or off the scale is reported as corrupt ratings")
    func corruptStoredRatings() throws {
        let (model, folder, dir) = try Self.saved()
        _ = folder
        for (value, why) in [
            (Float.infinity, "not a finite number"), (.nan, "not a finite number"),
            (model.scale.maximum + 1, "outside the model's rating scale \(model.scale)"),
        ] {
            try model.save(to: dir.path, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
            try Self.setWeight(dir.weightsPath, "train.value", flat: 3, to: value)
            let error = #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir.path) }
            #expect(
                error?.description
                    == "\(dir.weightsPath): the stored training ratings are corrupt: train.value holds \(value) "
                    + "at [3], \(why) (retrain the model or restore a copy)")
        }
    }

    @Test(
        "a model.json field no model can have is refused, naming model.json and the field",
        arguments: [
            (["formatVersion"], 1.5, "'formatVersion' must be an integer >= 1, found 1.5"),
            (["formatVersion"], 0, "'formatVersion' must be an integer >= 1, found 0"),
            (["formatVersion"], "1", "'formatVersion' must be an integer >= 1, found a string"),
            (
                ["model"], "X-AutoRec",
                #"'model' must be I-AutoRec, U-AutoRec, Deep I-AutoRec, Deep U-AutoRec, Kernel I-AutoRec, Kernel U-AutoRec or GLocal-K, found "X-AutoRec""#
            ),
            (["model"], "Deep I-AutoRec", "'model' is Deep I-AutoRec, but configuration.layers is 6"),
            (["model"], "Kernel I-AutoRec", "'model' is Kernel I-AutoRec, but configuration.kernel is absent"),
            (["model"], "GLocal-K", "'model' is GLocal-K, but configuration.globalKernel is absent"),
            (["model"], "U-AutoRec", "'model' is U-AutoRec, but configuration.orientation is item"),
            (
                ["configuration", "hiddenUnits"], 0,
                "'configuration' is invalid: hidden units must be at least 1, got 0"
            ),
            (["scale", "minimum"], 7, "'scale' has minimum 7.0 above maximum 5.0"),
            (["scale", "step"], -1, "'scale.step' must be >= 0, found -1.0"),
            (["users"], [String](), "'users' is empty: a trained model has at least one"),
            (["items"], ["i1", "i2", "i1"], #"'items' lists the raw id "i1" twice"#),
            (["epochsTrained"], -1, "'epochsTrained' must be >= 0, found -1"),
            (["bestEpoch"], 9, "'bestEpoch' must be from 0 to epochsTrained (8), found 9"),
        ] as [([String], any Sendable, String)])
    func invalidField(keys: [String], value: any Sendable, message: String) throws {
        let (model, folder, dir) = try Self.saved()
        _ = folder
        #expect(model.scale.maximum == 5 && model.history.count == 8)
        try Self.editJSON(dir.modelPath, keys, value)
        let error = #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir.path) }
        #expect(error?.description == "\(dir.modelPath): \(message)")
    }

    @Test("a saved model.json decodes and validates on its own")
    func decodeDescription() throws {
        let (model, folder, dir) = try Self.saved()
        _ = folder
        let d = try AutoRecModelDescription.decode(try dir.loadModelJSON(), path: dir.modelPath)
        #expect(d.configuration == model.configuration && d.users == Self.table.userIDs.rawIDs)
        #expect(throws: ModelFileError.invalidJSON(path: "m.json", detail: "top level: expected an object")) {
            try AutoRecModelDescription.decode(Data("[]".utf8), path: "m.json")
        }
    }
}

@Suite struct CheckpointTests {
    @Test("a run killed after a checkpoint and resumed ends with the same weights, deep stacks and kernels too",
          arguments: [(OptimizerConfiguration.Kind.lbfgs, nil, false), (.adam, nil, false), (.rprop, nil, false),
                      (.adam, [4, 3, 4], false), (.rprop, [5, 2], false), (.lbfgs, [5, 2], true), (.adam, nil, true)]
                     as [(OptimizerConfiguration.Kind, [Int]?, Bool)])
    func resume(kind: OptimizerConfiguration.Kind, layers: [Int]?, kernel: Bool) throws {
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
        if kernel { c.kernel = .init(dimension: 3, penalty: 0.1, initialScale: 0.3) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(kind)-\(layers?.count ?? 1)-\(kernel)-\(getpid()).safetensors").path
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

    /// A split of a small table, a small GLocal-K and a checkpoint path for the resume tests.
    static func glocalResumeSetup(pretraining: Int, fineTuning: Int, l2: Float, name: String) throws
        -> (split: RatingSplit, configuration: AutoRecConfiguration, path: String)
    {
        let table = lowRankTable(users: 20, items: 15, density: 0.5, seed: 4)
        var rng = SplitMix64(seed: 1)
        let split = try RatingSplit(table, method: .random(fraction: 0.2), using: &rng)
        var c = AutoRecConfiguration.glocalK
        c.layers = [5, 4]
        c.kernel = .init(dimension: 3, penalty: 0.05, initialScale: 0.3)
        c.l2 = l2
        c.epochs = pretraining
        c.patience = 100
        c.refit = false
        c.globalKernel = .init(dotScale: 1, fineTuneEpochs: fineTuning)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(name)-\(getpid()).safetensors").path
        return (split, c, path)
    }

    @Test("GLocal-K killed during fine-tuning resumes from its checkpoint to the uninterrupted run's numbers")
    func glocalResume() throws {
        let (split, c, path) = try Self.glocalResumeSetup(pretraining: 4, fineTuning: 6, l2: 70, name: "glocal")
        defer { try? FileManager.default.removeItem(atPath: path) }

        var whole = AutoRecModel(configuration: c)
        try whole.fit(split.train, validation: split.test)

        var killed = AutoRecModel(configuration: c)
        killed.configuration.globalKernel?.fineTuneEpochs = 3
        killed.checkpointPath = path
        killed.checkpointEvery = 2
        try killed.fit(split.train, validation: split.test)   // last checkpoint: after fine-tuning epoch 2
        // A fine-tuning checkpoint: pre-training's records, and C (items × 9) after the network's tensors.
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.metadata["autorec.training-state"]?.contains("\"pretraining\"") == true)
        #expect(file.tensors["params.12"]?.shape == [15, 9])

        var resumed = AutoRecModel(configuration: c)
        resumed.resumePath = path
        try resumed.fit(split.train, validation: split.test)
        #expect(resumed.history.count == 10 && resumed.pretrainingEpochs == 4)
        #expect(resumed.history == whole.history.map { r in
            var r = r
            r.seconds = resumed.history[r.epoch - 1].seconds
            return r
        })
        #expect(resumed.parameters == whole.parameters && resumed.globalKernel == whole.globalKernel)
        #expect(resumed.bestEpoch == whole.bestEpoch && resumed.pretrainingBestEpoch == whole.pretrainingBestEpoch)
    }

    @Test("GLocal-K stopped in pre-training after its best epoch resumes, and fine-tunes from that epoch's weights")
    func glocalResumePretraining() throws {
        let (split, c, path) = try Self.glocalResumeSetup(pretraining: 12, fineTuning: 2, l2: 0.01, name: "glocal-pre")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var whole = AutoRecModel(configuration: c)
        try whole.fit(split.train, validation: split.test)
        // Stopped at the best pre-training epoch, before a worse one: only the checkpoint knows its weights.
        let best = whole.pretrainingBestEpoch
        try #require(best < c.epochs, "pre-training must overfit for this test")

        var killed = AutoRecModel(configuration: c)
        let token = StopToken()
        killed.stopToken = token
        killed.onEpoch = { r in if r.epoch == best { token.requestStop() } }
        killed.checkpointPath = path
        killed.checkpointEvery = 1
        try killed.fit(split.train, validation: split.test)
        #expect(killed.stopReason == .interrupted && killed.history.count == best)

        var resumed = AutoRecModel(configuration: c)
        resumed.resumePath = path
        try resumed.fit(split.train, validation: split.test)
        #expect(resumed.parameters == whole.parameters && resumed.globalKernel == whole.globalKernel)
        #expect(resumed.history.count == whole.history.count && resumed.bestEpoch == whole.bestEpoch)
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
