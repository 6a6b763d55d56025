import Foundation
import RecData
import RecMath

/// What `model.json` holds for an AutoRec model: everything but the tensors.
public struct AutoRecModelDescription: ModelDescription, Codable, Sendable, Equatable {
    /// Version of this layout; loading refuses newer versions.
    public var formatVersion: Int
    /// `I-AutoRec`, `U-AutoRec`, their `Deep` and `Kernel` forms, or `GLocal-K`.
    public var model: String
    /// The configuration the model was trained with.
    public var configuration: AutoRecConfiguration
    /// The rating scale of the training data (predictions are clipped to it).
    public var scale: RatingScale
    /// Raw user ids, by user index.
    public var users: [String]
    /// Raw item ids, by item index.
    public var items: [String]
    /// Epochs trained and the epoch whose weights were kept.
    public var epochsTrained: Int
    public var bestEpoch: Int
    /// Where the training data was read from (to find titles for recommendations), if known.
    public var dataPath: String?
    /// Names of the side-feature columns (`gender=F`, …), when the model was trained with side
    /// information (formatVersion 2).
    public var sideFeatures: [String]?

    /// ``AutoRecModel/formatVersion``.
    public static var supportedFormatVersion: Int { AutoRecModel.formatVersion }

    /// Checks what decoding cannot: every field holds a value a trained model can have.
    ///
    /// The model kind matches the orientation, the configuration passes
    /// ``AutoRecConfiguration/validate()``, the scale is finite with `minimum <= maximum` and a
    /// step of at least 0 (0: ratings off any grid), there is at least one user and one item and no
    /// raw id twice, and `0 <= bestEpoch <= epochsTrained`. (The id maps are checked against the tensors' shapes
    /// when the weights are read.)
    ///
    /// - Parameter path: The file, named in errors.
    /// - Throws: ``ModelFileError/invalidField(path:field:problem:)`` for the first field at fault.
    public func validate(path: String) throws(ModelFileError) {
        func bad(_ field: String, _ problem: String) -> ModelFileError {
            .invalidField(path: path, field: field, problem: problem)
        }
        let kinds = ["I-AutoRec": AutoRecConfiguration.Orientation.item, "U-AutoRec": .user,
                     "Deep I-AutoRec": .item, "Deep U-AutoRec": .user, "Kernel I-AutoRec": .item,
                     "Kernel U-AutoRec": .user, "GLocal-K": .item]
        guard let orientation = kinds[model] else {
            throw bad("model", "must be I-AutoRec, U-AutoRec, Deep I-AutoRec, Deep U-AutoRec, Kernel I-AutoRec, "
                      + "Kernel U-AutoRec or GLocal-K, found \(String(reflecting: model))")
        }
        let glocal = model == "GLocal-K"
        guard glocal == (configuration.globalKernel != nil) else {
            throw bad("model", "is \(model), but configuration.globalKernel is \(glocal ? "absent" : "set")")
        }
        guard (model.hasPrefix("Kernel ") || glocal) == (configuration.kernel != nil) else {
            throw bad("model", "is \(model), but configuration.kernel is \(configuration.kernel == nil ? "absent" : "set")")
        }
        guard model.hasPrefix("Kernel ") || glocal || model.hasPrefix("Deep ") != configuration.isShallow else {
            throw bad("model", "is \(model), but configuration.layers is \(configuration.layerText)")
        }
        guard orientation == configuration.orientation else {
            let orientation = configuration.orientation.rawValue
            throw bad("model", "is \(model), but configuration.orientation is \(orientation)")
        }
        do throws(ConfigurationError) { try configuration.validate() } catch {
            switch error { case let .invalid(why): throw bad("configuration", "is invalid: \(why)") }
        }
        try Self.checkScale(scale, path: path)
        try Self.checkIDs([("users", users), ("items", items)], path: path)
        guard epochsTrained >= 0 else { throw bad("epochsTrained", "must be >= 0, found \(epochsTrained)") }
        guard (0...epochsTrained).contains(bestEpoch) else {
            throw bad("bestEpoch", "must be from 0 to epochsTrained (\(epochsTrained)), found \(bestEpoch)")
        }
    }
}

extension AutoRecModel {
    /// The newest `model.json` layout version this build writes and reads: 2 adds deep models
    /// (`hidden.L.*` tensors, `layers` in the configuration). A one-hidden-layer model is still
    /// written as version 1, which earlier builds read.
    public static let formatVersion = 2

    /// The version written for this model's configuration.
    var fileFormatVersion: Int { configuration.isShallow && sideFeatures == nil ? 1 : Self.formatVersion }

    /// The tensors of a trained model, named as PyTorch's `nn.Linear` would name them, plus the
    /// training vectors the model reconstructs (CSR over the encoded rows):
    ///
    /// | name | dtype | shape |
    /// |---|---|---|
    /// | `encoder.weight` | F32 | [hidden, inputs] |
    /// | `encoder.bias` | F32 | [hidden] |
    /// | `hidden.L.weight` | F32 | [width L, width L−1 (+ features with side information at every layer)] (deep models, L = 1 … layers − 1) |
    /// | `hidden.L.bias` | F32 | [width L] |
    /// | `side.weight` | F32 | [first width, features] (side information only) |
    /// | `side.row_start`, `side.column`, `side.value` | I64, I32, F32 | the side features, CSR over rows |
    /// | `decoder.weight` | F32 | [inputs, last width (+ features with side information at every layer)] |
    /// | `decoder.bias` | F32 | [inputs] |
    /// | `train.row_start` | I64 | [rows + 1] |
    /// | `train.column` | I32 | [ratings] |
    /// | `train.value` | F32 | [ratings] |
    /// | `global.kernel` | F32 | [3, 3] (GLocal-K only: gk, the input being ReLU(conv2d(R, gk))) |
    public func weightsFile() -> SafeTensorsFile? {
        guard let p = parameters, let data else { return nil }
        let v = p.encoderWeight
        let vt = v.transposed()
        typealias T = SafeTensorsFile.Tensor
        let m = data.matrix
        var tensors: [String: T] = [
            "encoder.weight": T(vt),
            "encoder.bias": T(shape: [v.cols], values: p.encoderBias.storage),
            "decoder.weight": T(p.decoderWeight),
            "decoder.bias": T(shape: [p.decoderBias.cols], values: p.decoderBias.storage),
            "train.row_start": T(shape: [m.rows + 1], elements: .int64(m.rowStart.map { Int64($0) })),
            "train.column": T(shape: [m.nonzeros], elements: .int32(m.columns)),
            "train.value": T(shape: [m.nonzeros], values: m.values),
        ]
        if let u = p.sideWeight, let side = sideFeatures?.matrix {
            tensors["side.weight"] = T(u.transposed())
            tensors["side.row_start"] = T(shape: [side.rows + 1], elements: .int64(side.rowStart.map { Int64($0) }))
            tensors["side.column"] = T(shape: [side.nonzeros], elements: .int32(side.columns))
            tensors["side.value"] = T(shape: [side.nonzeros], values: side.values)
        }
        if let gk = globalKernel { tensors["global.kernel"] = T(shape: [3, 3], values: gk) }
        // Further hidden layers as PyTorch's nn.Linear stores them: weight [out, in].
        for l in 1..<max(1, p.hiddenLayerCount) {
            tensors["hidden.\(l).weight"] = T(p.tensors[2 * l].transposed())
            tensors["hidden.\(l).bias"] = T(shape: [p.tensors[2 * l + 1].cols], values: p.tensors[2 * l + 1].storage)
        }
        return SafeTensorsFile(
            tensors: tensors,
            metadata: ["model": modelName, "format": "autorec-swift \(fileFormatVersion)",
                       "encoder": configuration.encoder.rawValue, "decoder": configuration.decoder.rawValue])
    }

    /// Saves the model folder atomically: `weights.safetensors`, `model.json` and, if given, `report.json`.
    ///
    /// - Throws: ``ModelFileError`` when a file cannot be written (nothing half-written remains).
    public func save(
        to path: String, userIDs: IDMap, itemIDs: IDMap, dataPath: String? = nil, report: (any Encodable)? = nil
    ) throws(ModelFileError) {
        guard let weights = weightsFile() else {
            throw .notAModelDirectory(path: path, reason: "the model is not trained, so there is nothing to save")
        }
        let description = AutoRecModelDescription(
            formatVersion: fileFormatVersion, model: modelName, configuration: configuration, scale: scale,
            users: userIDs.rawIDs, items: itemIDs.rawIDs, epochsTrained: history.count, bestEpoch: bestEpoch,
            dataPath: dataPath, sideFeatures: sideFeatures?.names)
        try ModelDirectory(path).save(weights: weights, model: description, report: report)
    }

    /// Loads a model folder written by ``save(to:userIDs:itemIDs:dataPath:report:)``.
    ///
    /// Everything is checked before use: `model.json` by ``AutoRecModelDescription/decode(_:path:)``,
    /// the weights' structure by ``SafeTensorsFile/init(contentsOf:)``, their shapes against
    /// `model.json`, every weight finite, and the stored training ratings a CSR matrix of finite
    /// values on the model's scale.
    ///
    /// - Returns: the model, ready to predict, and its training ratings (with the id maps).
    /// - Throws: ``ModelFileError`` for a missing, corrupt or mismatched file, naming the file and
    ///   the field, tensor or index at fault.
    public static func load(from path: String) throws(ModelFileError) -> (model: AutoRecModel, training: RatingTable) {
        let dir = ModelDirectory(path)
        let d = try AutoRecModelDescription.decode(try dir.loadModelJSON(), path: dir.modelPath)
        let w = try dir.loadWeights()
        let byItem = d.configuration.orientation == .item
        let inputs = byItem ? d.users.count : d.items.count
        let rows = byItem ? d.items.count : d.users.count
        let layers = d.configuration.hiddenLayers
        let k = layers[0], last = layers[layers.count - 1]
        // With side information at every layer, each further layer and the output read F more inputs.
        let extra = d.configuration.sideEveryLayer == true ? d.sideFeatures?.count ?? 0 : 0
        if d.configuration.sideEveryLayer == true && d.sideFeatures == nil {
            throw .invalidJSON(path: dir.modelPath, detail: "sideEveryLayer is set but sideFeatures is missing")
        }
        let v = try w.matrix("encoder.weight", rows: k, cols: inputs, requireFinite: true).transposed()
        let mu = try w.floats("encoder.bias", shape: [k], requireFinite: true)
        var hidden = [Matrix]()
        for l in 1..<max(1, layers.count) {
            hidden.append(try w.matrix("hidden.\(l).weight", rows: layers[l], cols: layers[l - 1] + extra,
                                       requireFinite: true)
                .transposed())
            hidden.append(Matrix(rows: 1, cols: layers[l],
                                 storage: try w.floats("hidden.\(l).bias", shape: [layers[l]], requireFinite: true)))
        }
        let wd = try w.matrix("decoder.weight", rows: inputs, cols: last + extra, requireFinite: true)
        let b = try w.floats("decoder.bias", shape: [inputs], requireFinite: true)
        let (rs, cs, vs) = try trainingRatings(
            w, rows: rows, inputs: inputs, scale: d.scale, path: dir.weightsPath)
        guard let userIDs = IDMap(rawIDs: d.users), let itemIDs = IDMap(rawIDs: d.items) else {
            throw .invalidJSON(path: dir.modelPath, detail: "a raw user or item id is listed twice")
        }
        var rowIdx = [Int32](), colIdx = [Int32]()
        rowIdx.reserveCapacity(cs.count)
        for r in 0..<rows { for _ in Int(rs[r])..<Int(rs[r + 1]) { rowIdx.append(Int32(r)) } }
        colIdx = cs
        let training = RatingTable(users: byItem ? colIdx : rowIdx, items: byItem ? rowIdx : colIdx, ratings: vs,
                                   userIDs: userIDs, itemIDs: itemIDs, scale: d.scale)
        var side: SideFeatures?
        var sideWeight = [Matrix]()
        if let names = d.sideFeatures {
            let (srs, scs, svs) = try readCSR(w, "side", rows: rows, cols: names.count) { problem in
                .malformedEntry(path: dir.weightsPath, tensor: "side.*", problem: problem)
            }
            side = SideFeatures(matrix: CSRMatrix(rows: rows, cols: names.count, rowStart: srs.map { Int($0) },
                                                  columns: scs, values: svs),
                                names: names)
            sideWeight = [try w.matrix("side.weight", rows: k, cols: names.count, requireFinite: true).transposed()]
        }
        let params = AutoRecParameters(tensors: [v, Matrix(rows: 1, cols: k, storage: mu)] + hidden
                                           + [wd, Matrix(rows: 1, cols: inputs, storage: b)] + sideWeight)
        let gk = d.configuration.globalKernel == nil
            ? nil : try w.floats("global.kernel", shape: [3, 3], requireFinite: true)
        var model = AutoRecModel(configuration: d.configuration, parameters: params, training: training,
                                 sideFeatures: side, globalKernel: gk)
        model.bestEpoch = d.bestEpoch
        return (model, training)
    }

    /// The CSR tensors `PREFIX.row_start` (I64), `PREFIX.column` (I32) and `PREFIX.value` (F32),
    /// checked to describe a `rows × cols` matrix; `corrupt` makes the error from the problem.
    static func readCSR(
        _ w: SafeTensorsFile, _ prefix: String, rows: Int, cols: Int,
        corrupt: (String) -> ModelFileError
    ) throws(ModelFileError) -> (rowStart: [Int64], columns: [Int32], values: [Float]) {
        let start = try w.tensor("\(prefix).row_start"), columns = try w.tensor("\(prefix).column")
        let values = try w.tensor("\(prefix).value")
        guard case let .int64(rs) = start.elements, case let .int32(cs) = columns.elements,
              case let .float32(vs) = values.elements
        else { throw corrupt("\(prefix).row_start must be I64, \(prefix).column I32 and \(prefix).value F32") }
        guard rs.count == rows + 1, cs.count == vs.count, rs.first == 0, rs.last == Int64(cs.count),
              zip(rs, rs.dropFirst()).allSatisfy({ $0 <= $1 }), cs.allSatisfy({ $0 >= 0 && Int($0) < cols })
        else { throw corrupt("they do not fit \(rows) rows x \(cols) \(prefix == "train" ? "inputs" : "columns")") }
        return (rs, cs, vs)
    }

    /// The stored training ratings (CSR over the encoded rows), checked to be a valid CSR matrix of
    /// `rows × inputs` whose values are finite and on `scale`.
    private static func trainingRatings(
        _ w: SafeTensorsFile, rows: Int, inputs: Int, scale: RatingScale, path: String
    ) throws(ModelFileError) -> (rowStart: [Int64], columns: [Int32], values: [Float]) {
        func corrupt(_ problem: String) -> ModelFileError {
            .corruptTrainingRatings(path: path, problem: problem)
        }
        let (rs, cs, vs) = try readCSR(w, "train", rows: rows, cols: inputs, corrupt: corrupt)
        if let i = vs.firstIndex(where: { !($0 >= scale.minimum && $0 <= scale.maximum) }) {
            let why = vs[i].isFinite ? "outside the model's rating scale \(scale)" : "not a finite number"
            throw corrupt("train.value holds \(vs[i]) at [\(i)], \(why)")
        }
        return (rs, cs, vs)
    }
}
