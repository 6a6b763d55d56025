import RecData
import RecMath

/// What `model.json` holds for an AutoRec model: everything but the tensors.
public struct AutoRecModelDescription: Codable, Sendable, Equatable {
    /// Version of this layout; loading refuses newer versions.
    public var formatVersion: Int
    /// `I-AutoRec` or `U-AutoRec`.
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
    /// | `hidden.L.weight` | F32 | [width L, width L−1] (deep models, L = 1 … layers − 1) |
    /// | `hidden.L.bias` | F32 | [width L] |
    /// | `side.weight` | F32 | [first width, features] (side information only) |
    /// | `side.row_start`, `side.column`, `side.value` | I64, I32, F32 | the side features, CSR over rows |
    /// | `decoder.weight` | F32 | [inputs, hidden] |
    /// | `decoder.bias` | F32 | [inputs] |
    /// | `train.row_start` | I64 | [rows + 1] |
    /// | `train.column` | I32 | [ratings] |
    /// | `train.value` | F32 | [ratings] |
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
    /// - Returns: the model, ready to predict, and its training ratings (with the id maps).
    /// - Throws: ``ModelFileError`` for a missing, corrupt or mismatched file.
    public static func load(from path: String) throws(ModelFileError) -> (model: AutoRecModel, training: RatingTable) {
        let dir = ModelDirectory(path)
        let d = try dir.loadModel(AutoRecModelDescription.self, supportedFormatVersion: formatVersion)
        let w = try dir.loadWeights()
        let byItem = d.configuration.orientation == .item
        let inputs = byItem ? d.users.count : d.items.count
        let rows = byItem ? d.items.count : d.users.count
        do {
            try d.configuration.validate()
        } catch {
            throw .invalidJSON(path: dir.modelPath, detail: error.description)
        }
        let layers = d.configuration.hiddenLayers
        let k = layers[0], last = layers[layers.count - 1]
        let v = try w.matrix("encoder.weight", rows: k, cols: inputs).transposed()
        let mu = try w.floats("encoder.bias", shape: [k])
        var hidden = [Matrix]()
        for l in 1..<max(1, layers.count) {
            hidden.append(try w.matrix("hidden.\(l).weight", rows: layers[l], cols: layers[l - 1]).transposed())
            hidden.append(Matrix(rows: 1, cols: layers[l], storage: try w.floats("hidden.\(l).bias", shape: [layers[l]])))
        }
        let wd = try w.matrix("decoder.weight", rows: inputs, cols: last)
        let b = try w.floats("decoder.bias", shape: [inputs])
        let (rs, cs, vs) = try Self.readCSR(w, "train", rows: rows, cols: inputs, path: dir.weightsPath,
                                            what: "the training ratings")
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
            let (srs, scs, svs) = try Self.readCSR(w, "side", rows: rows, cols: names.count, path: dir.weightsPath,
                                                   what: "the side features")
            side = SideFeatures(matrix: CSRMatrix(rows: rows, cols: names.count, rowStart: srs.map { Int($0) },
                                                  columns: scs, values: svs),
                                names: names)
            sideWeight = [try w.matrix("side.weight", rows: k, cols: names.count).transposed()]
        }
        let params = AutoRecParameters(tensors: [v, Matrix(rows: 1, cols: k, storage: mu)] + hidden
                                           + [wd, Matrix(rows: 1, cols: inputs, storage: b)] + sideWeight)
        var model = AutoRecModel(configuration: d.configuration, parameters: params, training: training,
                                 sideFeatures: side)
        model.bestEpoch = d.bestEpoch
        return (model, training)
    }

    /// The CSR tensors `PREFIX.row_start` (I64), `PREFIX.column` (I32) and `PREFIX.value` (F32),
    /// checked to describe a `rows × cols` matrix.
    static func readCSR(
        _ w: SafeTensorsFile, _ prefix: String, rows: Int, cols: Int, path: String, what: String
    ) throws(ModelFileError) -> (rowStart: [Int64], columns: [Int32], values: [Float]) {
        let start = try w.tensor("\(prefix).row_start"), columns = try w.tensor("\(prefix).column")
        let values = try w.tensor("\(prefix).value")
        guard case let .int64(rs) = start.elements, rs.count == rows + 1,
              case let .int32(cs) = columns.elements, case let .float32(vs) = values.elements,
              cs.count == vs.count, rs.first == 0, rs.last == Int64(cs.count),
              zip(rs, rs.dropFirst()).allSatisfy({ $0 <= $1 }), cs.allSatisfy({ $0 >= 0 && Int($0) < cols })
        else {
            throw .malformedEntry(path: path, tensor: "\(prefix).*",
                                  problem: "\(what) do not fit \(rows) rows x \(cols) columns")
        }
        return (rs, cs, vs)
    }
}
