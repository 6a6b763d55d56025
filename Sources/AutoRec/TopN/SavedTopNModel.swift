import Foundation
import RecData
import RecMath

/// A top-N model on implicit feedback with what serving it needs: the raw-id maps, each user's
/// training items (left out of the user's recommendations) and how the data was made; saved as
/// a model folder and loaded back.
///
/// ```
/// model/
///   model.json            TopNModelDescription: kind, configuration, ids, scale, positive, protocol
///   weights.safetensors   the parameters (below) and the training items
///   report.json           optional: the `autorec rank` report
/// ```
///
/// Tensors, named as PyTorch's `nn.Linear` (weight `[outputs, inputs]`) and `nn.Embedding` would:
///
/// | model | name | dtype | shape |
/// |---|---|---|---|
/// | Mult-VAE, Mult-DAE | `layer.L.weight`, `layer.L.bias` | F32 | [outputs, inputs], [outputs] (L = 0, 1, … encoder then decoder; the VAE's head has 2 × latent outputs, [μ \| log σ²]) |
/// | CDAE | `encoder.weight`, `encoder.bias` | F32 | [K, items], [K] |
/// | CDAE | `user.weight` | F32 | [users, K] (V, one row per user) |
/// | CDAE | `decoder.weight`, `decoder.bias` | F32 | [items, K], [items] |
/// | EASE, item-kNN | `item_item.weight` | F32 | [items, items] (row i: what item i adds to each item's score) |
/// | all | `train.row_start`, `train.column`, `train.value` | I64, I32, F32 | each user's training items, CSR over users (values 1) |
///
/// Popularity keeps no tensor of its own: its counts are those of the training items.
/// A CDAE user's vector counts as trained when the user has training items; a user without
/// (a new user, a fold-in) gets the vector its `newUser` setting names: zeros (default: only the
/// item list speaks) or the mean of the trained users' vectors.
public struct SavedTopNModel: Sendable {
    /// The newest layout version this build writes and reads.
    public static let formatVersion = 1

    /// The model.
    public let model: any TopNModel
    /// What `model.json` holds.
    public let description: TopNModelDescription
    /// Raw user ids (user indices of ``training``).
    public let userIDs: IDMap
    /// Raw item ids (item indices of the model).
    public let itemIDs: IDMap
    /// Each user's training items, by user index (empty for a user the model was not fitted on).
    public let training: [[Int32]]

    /// Wraps a fitted model for saving or serving.
    ///
    /// - Parameters:
    ///   - model: A ``MultAutoencoder``, ``CDAE``, ``EASE``, ``ItemKNN`` or ``Popularity``.
    ///   - training: Each user's training items (one list per entry of `userIDs`).
    ///   - scale: The rating scale of the data the interactions came from.
    ///   - positive: The threshold that made ratings interactions (`nil`: every rating).
    ///   - rankingProtocol: The protocol that split the data, with `seed`, for `evaluate`.
    ///   - setting: The setting chosen on validation, for reports.
    ///   - dataPath: Where the data was read from (titles).
    /// - Throws: ``ModelFileError/encodingFailed(path:detail:)`` for another model type.
    public init(
        model: any TopNModel, training: [[Int32]], userIDs: IDMap, itemIDs: IDMap, scale: RatingScale,
        positive: Float?, rankingProtocol: RankingProtocol? = nil, seed: UInt64? = nil, setting: String? = nil,
        dataPath: String? = nil
    ) throws(ModelFileError) {
        precondition(
            training.count == userIDs.count && model.itemCount == itemIDs.count,
            "SavedTopNModel: \(training.count) training lists for \(userIDs.count) users, "
                + "\(model.itemCount) model items for \(itemIDs.count) ids")
        var d = TopNModelDescription(
            formatVersion: Self.formatVersion, model: .popularity, scale: scale, positive: positive,
            rankingProtocol: rankingProtocol, seed: seed, setting: setting, users: userIDs.rawIDs,
            items: itemIDs.rawIDs, epochsTrained: 0, dataPath: dataPath)
        switch model {
        case let m as MultAutoencoder:
            d.model = m.configuration.variant == .vae ? .multVAE : .multDAE
            d.multAutoencoder = m.configuration
            d.epochsTrained = m.trainingState.epochs
        case let m as CDAE:
            precondition(m.userCount == userIDs.count, "SavedTopNModel: CDAE of \(m.userCount) users, \(userIDs.count) ids")
            d.model = .cdae
            d.cdae = m.configuration
            d.epochsTrained = m.trainingState.epochs
        case let m as EASE:
            d.model = .ease
            d.lambda = m.lambda
        case let m as ItemKNN:
            d.model = .itemKNN
            d.neighbours = m.neighbours
        case is Popularity:
            d.model = .popularity
        default:
            throw .encodingFailed(
                path: ModelDirectory.modelFileName, detail: "cannot save a model of type \(type(of: model))")
        }
        self.model = model
        description = d
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.training = training
    }

    private init(
        model: any TopNModel, description: TopNModelDescription, userIDs: IDMap, itemIDs: IDMap,
        training: [[Int32]]
    ) {
        self.model = model
        self.description = description
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.training = training
    }

    // MARK: - Saving

    /// The tensors of the folder (table in the type's documentation).
    public func weightsFile() -> SafeTensorsFile {
        typealias T = SafeTensorsFile.Tensor
        var tensors = [String: T]()
        switch model {
        case let m as MultAutoencoder:
            for (l, layer) in m.layers.enumerated() {
                tensors["layer.\(l).weight"] = T(m.parameters[2 * l].transposed())
                tensors["layer.\(l).bias"] = T(shape: [layer.outputs], values: m.parameters[2 * l + 1].storage)
            }
        case let m as CDAE:
            let k = m.configuration.hidden
            tensors["encoder.weight"] = T(m.parameters[0].transposed())
            tensors["encoder.bias"] = T(shape: [k], values: m.parameters[1].storage)
            tensors["user.weight"] = T(m.parameters[2])
            tensors["decoder.weight"] = T(m.parameters[3])
            tensors["decoder.bias"] = T(shape: [m.itemCount], values: m.parameters[4].storage)
        case let m as EASE:
            tensors["item_item.weight"] = T(shape: [m.itemCount, m.itemCount], values: m.weights.weights)
        case let m as ItemKNN:
            tensors["item_item.weight"] = T(shape: [m.itemCount, m.itemCount], values: m.weights.weights)
        default:
            break
        }
        var start = [Int64](repeating: 0, count: training.count + 1)
        var columns = [Int32]()
        for (u, items) in training.enumerated() {
            columns.append(contentsOf: items)
            start[u + 1] = Int64(columns.count)
        }
        tensors["train.row_start"] = T(shape: [start.count], elements: .int64(start))
        tensors["train.column"] = T(shape: [columns.count], elements: .int32(columns))
        tensors["train.value"] = T(shape: [columns.count], values: [Float](repeating: 1, count: columns.count))
        return SafeTensorsFile(
            tensors: tensors,
            metadata: ["model": description.model.rawValue, "format": "autorec-swift top-n \(Self.formatVersion)"])
    }

    /// Saves the model folder atomically: `weights.safetensors`, `model.json` and, if given,
    /// `report.json` (written to a temporary folder, then renamed into place).
    ///
    /// - Throws: ``ModelFileError`` when a file cannot be written (nothing half-written remains).
    public func save(to path: String, report: (any Encodable)? = nil) throws(ModelFileError) {
        try ModelDirectory(path).save(weights: weightsFile(), model: description, report: report)
    }

    // MARK: - Loading

    /// Loads a folder written by ``save(to:report:)``.
    ///
    /// Checked before use: `model.json` by ``TopNModelDescription/decode(_:path:)`` and the
    /// configuration by the model's initialiser; every tensor's dtype and shape against
    /// `model.json`, every weight finite; the training items a CSR matrix of `users × items`.
    ///
    /// - Throws: ``ModelFileError`` naming the file and the field or tensor at fault.
    public static func load(from path: String) throws(ModelFileError) -> SavedTopNModel {
        let dir = ModelDirectory(path)
        let d = try TopNModelDescription.decode(try dir.loadModelJSON(), path: dir.modelPath)
        let w = try dir.loadWeights()
        let users = d.users.count, items = d.items.count
        guard let userIDs = IDMap(rawIDs: d.users), let itemIDs = IDMap(rawIDs: d.items) else {
            throw .invalidJSON(path: dir.modelPath, detail: "a raw user or item id is listed twice")
        }
        let (rs, cs, _) = try AutoRecModel.readCSR(w, "train", rows: users, cols: items) { problem in
            .corruptTrainingRatings(path: dir.weightsPath, problem: problem)
        }
        let training = (0..<users).map { u in Array(cs[Int(rs[u])..<Int(rs[u + 1])]) }
        func configuration<C>(_ value: C?, _ field: String) throws(ModelFileError) -> C {
            guard let value else { throw .invalidField(path: dir.modelPath, field: field, problem: "is missing") }
            return value
        }
        func built<M>(_ field: String, _ make: () throws(TopNModelError) -> M) throws(ModelFileError) -> M {
            do { return try make() } catch {
                throw .invalidField(path: dir.modelPath, field: field, problem: "is invalid: \(error.description)")
            }
        }
        func itemItem() throws(ModelFileError) -> ItemItemWeights {
            let m = try w.matrix("item_item.weight", rows: items, cols: items, requireFinite: true)
            return ItemItemWeights(weights: m.storage, itemCount: items)
        }
        let model: any TopNModel
        switch d.model {
        case .multVAE, .multDAE:
            let c = try configuration(d.multAutoencoder, "multAutoencoder")
            var m = try built("multAutoencoder") { () throws(TopNModelError) in
                try MultAutoencoder(itemCount: items, configuration: c)
            }
            for (l, layer) in m.layers.enumerated() {
                m.parameters[2 * l] = try w.matrix(
                    "layer.\(l).weight", rows: layer.outputs, cols: layer.inputs, requireFinite: true
                ).transposed()
                m.parameters[2 * l + 1] = Matrix(
                    rows: 1, cols: layer.outputs,
                    storage: try w.floats("layer.\(l).bias", shape: [layer.outputs], requireFinite: true))
            }
            m.trainingState.epochs = d.epochsTrained
            model = m
        case .cdae:
            let c = try configuration(d.cdae, "cdae")
            var m = try built("cdae") { () throws(TopNModelError) in
                try CDAE(userCount: users, itemCount: items, configuration: c)
            }
            let k = c.hidden
            m.parameters = [
                try w.matrix("encoder.weight", rows: k, cols: items, requireFinite: true).transposed(),
                Matrix(rows: 1, cols: k, storage: try w.floats("encoder.bias", shape: [k], requireFinite: true)),
                try w.matrix("user.weight", rows: users, cols: k, requireFinite: true),
                try w.matrix("decoder.weight", rows: items, cols: k, requireFinite: true),
                Matrix(
                    rows: 1, cols: items, storage: try w.floats("decoder.bias", shape: [items], requireFinite: true)),
            ]
            m.trained = training.map { !$0.isEmpty }
            m.trainingState.epochs = d.epochsTrained
            model = m
        case .ease:
            model = EASE(lambda: try configuration(d.lambda, "lambda"), weights: try itemItem())
        case .itemKNN:
            model = ItemKNN(neighbours: try configuration(d.neighbours, "neighbours"), weights: try itemItem())
        case .popularity:
            model = Popularity(training: training, itemCount: items)
        }
        return SavedTopNModel(model: model, description: d, userIDs: userIDs, itemIDs: itemIDs, training: training)
    }

    // MARK: - Evaluation

    /// `part`, whose indices refer to `data`, in this model's indices (users and items matched by
    /// raw id); users and items the model does not know are left out. The same data, protocol and
    /// seed as at training give the same part.
    ///
    /// - Complexity: O(items of `data` + entries of `part`) hash look-ups.
    public func part(_ part: RankingPart, of data: InteractionSet) -> RankingPart {
        let itemMap = (0..<data.itemCount).map { itemIDs.index(of: data.itemIDs.rawID(Int32($0))) ?? -1 }
        func mapped(_ list: [Int32]) -> [Int32] {
            list.compactMap { i in i >= 0 && Int(i) < itemMap.count && itemMap[Int(i)] >= 0 ? itemMap[Int(i)] : nil }
        }
        var out = RankingPart(users: [], input: [], excluded: [], relevant: [])
        for (r, u) in part.users.enumerated() where u >= 0 && Int(u) < data.userCount {
            guard let m = userIDs.index(of: data.userIDs.rawID(u)) else { continue }
            out.users.append(m)
            out.input.append(mapped(part.input[r]))
            out.excluded.append(mapped(part.excluded[r]))
            out.relevant.append(mapped(part.relevant[r]))
        }
        return out
    }
}
