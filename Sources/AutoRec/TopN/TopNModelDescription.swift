import Foundation
import RecData

/// What `model.json` holds for a top-N model on implicit feedback (``SavedTopNModel``):
/// everything but the tensors.
///
/// ```
/// {"formatVersion": 1, "model": "Mult-VAE", "multAutoencoder": {...}, "positive": 3,
///  "protocol": {"kind": "recbole", ...}, "seed": 1, "setting": "l2=0 anneal-cap=0.2",
///  "scale": {...}, "users": ["1", ...], "items": ["1193", ...], "epochsTrained": 31, "dataPath": ...}
/// ```
/// Exactly one model section is present, the one of ``model``: `multAutoencoder` (Mult-VAE,
/// Mult-DAE), `cdae` (CDAE), `lambda` (EASE) or `neighbours` (item-kNN); popularity has none.
public struct TopNModelDescription: ModelDescription, Codable, Sendable, Equatable {
    /// The model kinds a top-N folder can hold, as written in `model`.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case multVAE = "Mult-VAE"
        case multDAE = "Mult-DAE"
        case cdae = "CDAE"
        case ease = "EASE"
        case itemKNN = "item-kNN"
        case popularity = "popularity"
    }

    /// Version of this layout; loading refuses newer versions.
    public var formatVersion: Int
    /// The model kind.
    public var model: Kind
    /// Mult-VAE and Mult-DAE: the configuration.
    public var multAutoencoder: MultAutoencoder.Configuration?
    /// CDAE: the configuration (its `newUser` says which user vector a new user gets).
    public var cdae: CDAE.Configuration?
    /// EASE: the L2 penalty λ.
    public var lambda: Double?
    /// item-kNN: neighbours kept per item.
    public var neighbours: Int?
    /// The rating scale of the data the interactions came from; fold-in ratings must lie on it.
    public var scale: RatingScale
    /// A rating >= this was an interaction (and counts as one when folded in); `nil`: every rating.
    public var positive: Float?
    /// The protocol that split the data (`autorec evaluate` splits again with it and ``seed``).
    public var rankingProtocol: RankingProtocol?
    /// The seed of the split (and of the model's initial weights).
    public var seed: UInt64?
    /// The setting chosen on validation (`l2=0.01`, `lambda=500`), if any.
    public var setting: String?
    /// Raw user ids, by user index.
    public var users: [String]
    /// Raw item ids, by item index.
    public var items: [String]
    /// Epochs trained (0 for the closed-form and counting models).
    public var epochsTrained: Int
    /// Where the training data was read from (to find titles for recommendations), if known.
    public var dataPath: String?

    enum CodingKeys: String, CodingKey {
        case formatVersion, model, multAutoencoder, cdae, lambda, neighbours, scale, positive, seed, setting
        case users, items, epochsTrained, dataPath
        case rankingProtocol = "protocol"
    }

    /// ``SavedTopNModel/formatVersion``.
    public static var supportedFormatVersion: Int { SavedTopNModel.formatVersion }

    /// Checks what decoding cannot: the model's section is present (and only it), a Mult
    /// configuration's variant matches ``model``, λ is positive and the neighbours at least 1, the
    /// scale and `positive` are finite, there is at least one user and one item and no raw id twice,
    /// and `epochsTrained >= 0`. (The configurations themselves are checked when the model is built,
    /// the id maps against the tensors' shapes when the weights are read.)
    ///
    /// - Parameter path: The file, named in errors.
    /// - Throws: ``ModelFileError/invalidField(path:field:problem:)`` for the first field at fault.
    public func validate(path: String) throws(ModelFileError) {
        func bad(_ field: String, _ problem: String) -> ModelFileError {
            .invalidField(path: path, field: field, problem: problem)
        }
        let sections: [(String, Bool, Set<Kind>)] = [
            ("multAutoencoder", multAutoencoder != nil, [.multVAE, .multDAE]), ("cdae", cdae != nil, [.cdae]),
            ("lambda", lambda != nil, [.ease]), ("neighbours", neighbours != nil, [.itemKNN]),
        ]
        for (field, present, kinds) in sections where present != kinds.contains(model) {
            throw bad(field, present ? "must be absent for \(model.rawValue)" : "is missing (\(model.rawValue) needs it)")
        }
        if let c = multAutoencoder, (c.variant == .vae) != (model == .multVAE) {
            throw bad("multAutoencoder.variant", "is \(c.variant.rawValue), but model is \(model.rawValue)")
        }
        if let l = lambda, !(l > 0 && l.isFinite) { throw bad("lambda", "must be a positive number, found \(l)") }
        if let k = neighbours, k < 1 { throw bad("neighbours", "must be >= 1, found \(k)") }
        if let p = positive, !p.isFinite { throw bad("positive", "must be a finite number, found \(p)") }
        try Self.checkScale(scale, path: path)
        try Self.checkIDs([("users", users), ("items", items)], path: path)
        guard epochsTrained >= 0 else { throw bad("epochsTrained", "must be >= 0, found \(epochsTrained)") }
    }
}
