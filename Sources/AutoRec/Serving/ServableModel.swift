import Foundation
import RecData

/// What a service needs from a trained model, whatever its kind.
///
/// An HTTP server talks to this protocol only, so a new model family serves without changes to
/// the server: it conforms (usually by wrapping its own recommender) and registers a loader in
/// ``ServableModelLoader``. Conforming types are immutable, so one instance answers many
/// concurrent requests; a reload swaps in a new instance.
public protocol ServableModel: Sendable {
    /// The model's name (`I-AutoRec`, `U-AutoRec`, `grouped U-AutoRec`, ...).
    var kind: String { get }
    /// The rating scale of its training data; ratings outside it are refused.
    var scale: RatingScale { get }
    /// Users and items the model knows.
    var userCount: Int { get }
    var itemCount: Int { get }
    /// Whether ``recommend(foldingIn:count:candidates:)`` can answer (U-AutoRec), and why not.
    var foldInRefusal: Recommender.RequestError? { get }
    /// Whether the model knows a raw item id.
    func knowsItem(_ item: String) -> Bool
    /// One predicted rating, saying whether the model or a fallback made it.
    func predict(user: String, item: String) -> Recommender.Prediction
    /// Top-N for a user (known or not), leaving out rated items and `excluding`.
    func recommend(user: String, count: Int, candidates: [String]?, includeRated: Bool, excluding: [String])
        throws(Recommender.RequestError) -> (items: [Recommender.Recommendation], source: Recommender.Source)
    /// Top-N from ratings given now, without retraining (fold-in).
    func recommend(foldingIn ratings: [(item: String, rating: Float)], count: Int, candidates: [String]?)
        throws(Recommender.RequestError) -> (items: [Recommender.Recommendation], unknownItems: [String])
    /// Nearest items by the model's item representation.
    func similarItems(to item: String, count: Int) throws(Recommender.RequestError)
        -> Recommender.SimilarItems
    /// Title search.
    func searchItems(matching query: String, limit: Int) -> [Recommender.Recommendation]
    /// A known user's training ratings (nil when unknown).
    func trainingRatings(ofUser user: String) -> [Recommender.RatedItem]?
}

extension Recommender: ServableModel {
    public var kind: String { grouped?.modelName ?? model.modelName }
    public var scale: RatingScale { training.scale }
    public var userCount: Int { training.userCount }
    public var itemCount: Int { training.itemCount }
    public var foldInRefusal: RequestError? {
        do throws(RequestError) {
            _ = try recommend(foldingIn: [], count: 0)
            return nil
        } catch .noRatings {
            return nil
        } catch {
            return error
        }
    }
    public func knowsItem(_ item: String) -> Bool { training.itemIDs.index(of: item) != nil }
}

/// A model loaded from a folder, with what a service reports about it.
public struct LoadedModel: Sendable {
    /// The model, behind the serving protocol.
    public let model: any ServableModel
    /// The folder it came from.
    public let path: String
    /// A short content hash of the folder's files (hex), to tell versions apart after a reload.
    public let version: String
}

/// Loads any model folder the package can write, choosing the loader by the folder's `model` field.
///
/// New model families add an entry to ``loaders``; callers (the HTTP server) need no change.
public enum ServableModelLoader {
    /// Loaders by model name, as written in `model.json`'s `model` field.
    public static let loaders: [String: @Sendable (String) throws -> any ServableModel] = [
        "I-AutoRec": loadAutoRec, "U-AutoRec": loadAutoRec,
        "Deep I-AutoRec": loadAutoRec, "Deep U-AutoRec": loadAutoRec,
        "Kernel I-AutoRec": loadAutoRec, "Kernel U-AutoRec": loadAutoRec, "GLocal-K": loadAutoRec,
        GroupedAutoRecDescription.kind: loadGrouped,
    ].merging(TopNModelDescription.Kind.allCases.map { ($0.rawValue, loadTopN) }) { a, _ in a }

    /// Loads the model folder at `path`, behind a ``CachedModel`` (each known user's ranking is
    /// computed once).
    ///
    /// - Throws: ``ModelFileError`` for a missing, corrupt or unknown model folder.
    public static func load(folder path: String) throws -> LoadedModel {
        let dir = ModelDirectory(path)
        let json = try dir.loadModelJSON()
        let kind = try ModelDirectory.modelKind(of: json, path: dir.modelPath)
        guard let loader = loaders[kind] else {
            throw ModelFileError.invalidJSON(
                path: dir.modelPath,
                detail:
                    "unknown model kind '\(kind)' (known: \(loaders.keys.sorted().joined(separator: ", ")))")
        }
        let model = try loader(path)
        var hash = FNV1a()
        hash.add(json)
        if let weights = FileManager.default.contents(atPath: dir.weightsPath) { hash.add(weights) }
        // A group model's models live in sub-folders: they are part of its version.
        let subfolders = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
        for name in subfolders where POSIXFile.kind(of: "\(dir.path)/\(name)") == .directory {
            let sub = ModelDirectory("\(dir.path)/\(name)")
            for file in [sub.modelPath, sub.weightsPath] {
                if let data = FileManager.default.contents(atPath: file) { hash.add(data) }
            }
        }
        return LoadedModel(model: CachedModel(model), path: path, version: hash.hex)
    }

    /// An AutoRec folder, with titles from the data it was trained on when that is still readable.
    @Sendable
    static func loadAutoRec(_ path: String) throws -> any ServableModel {
        let (model, training) = try AutoRecModel.load(from: path)
        return try Recommender(
            model: model, training: training, items: titles(path, userIDs: training.userIDs, itemIDs: training.itemIDs))
    }

    /// A group model's folder: known users are served by their group's model, fold-in by the
    /// model trained on everyone.
    @Sendable
    static func loadGrouped(_ path: String) throws -> any ServableModel {
        let (model, training) = try GroupedAutoRec.load(from: path)
        return try Recommender(
            grouped: model, training: training,
            items: titles(path, userIDs: training.userIDs, itemIDs: training.itemIDs))
    }

    /// A top-N folder (Mult-VAE, Mult-DAE, CDAE, EASE, item-kNN, popularity): see ``TopNRecommender``.
    @Sendable
    static func loadTopN(_ path: String) throws -> any ServableModel {
        let saved = try SavedTopNModel.load(from: path)
        return TopNRecommender(saved, items: titles(path, userIDs: saved.userIDs, itemIDs: saved.itemIDs))
    }

    /// Titles from the data the model in `path` was trained on (its `model.json`'s `dataPath`),
    /// aligned with the model's ids, when that is still readable; nil otherwise.
    public static func titles(_ path: String, userIDs: IDMap, itemIDs: IDMap) -> ItemCatalog? {
        struct Source: Decodable { var dataPath: String? }
        guard let json = try? ModelDirectory(path).loadModelJSON(),
              let data = try? JSONDecoder().decode(Source.self, from: json).dataPath,
              let set = try? Dataset.detect(at: data)
        else { return nil }
        return (try? set.loadSideInformation(userIDs: userIDs, itemIDs: itemIDs))?.items
    }
}

/// 64-bit FNV-1a, for a model version tag (not for security).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ data: Data) {
        var h = value
        for byte in data { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        value = h
    }

    var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension Recommender.Source {
    /// A stable machine-readable code: `model`, `new-user`, `new-item`, `new-user-and-item`, `fold-in`.
    public var code: String {
        switch self {
        case .model: "model"
        case .newUser: "new-user"
        case .newItem: "new-item"
        case .newUserAndItem: "new-user-and-item"
        case .foldIn: "fold-in"
        }
    }

    /// What the code means, in words.
    public var message: String {
        switch self {
        case .model: "the model's scores (a rating model's reconstruction, or a top-N model's ranking scores)"
        case .newUser:
            "the user has no training ratings, so a fallback answered (rating models: the bias baseline "
                + "r̄ + b_i; top-N models: item popularity)"
        case .newItem: "the item has no training ratings, so the bias baseline r̄ + b_u answered"
        case .newUserAndItem: "neither the user nor the item was in training, so the global mean r̄ answered"
        case .foldIn: "ratings given after training were folded in without retraining"
        }
    }
}
