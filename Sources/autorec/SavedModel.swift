import AutoRec
import Foundation
import RecData

/// A model folder written by `train --save`, of either kind: an AutoRec model, or a group model
/// (its `model.json` says `Grouped AutoRec`), for `predict`, `recommend` and `evaluate`; top-N
/// folders (`rank --save`) are served through ``servable(_:titles:)``.
struct SavedModel {
    /// The model, as the evaluator sees it.
    let model: any RatingModel
    /// Its name for reports (`I-AutoRec`, `grouped U-AutoRec`, ...).
    let name: String
    /// The configuration it was trained with (a group model's: every model's).
    let configuration: AutoRecConfiguration
    /// The training ratings with the raw-id maps (a group model's: those of its model on everyone).
    let training: RatingTable
    /// Makes the recommender answering raw-id questions.
    private let makeRecommender: (ItemCatalog?) throws -> Recommender

    /// Loads the folder at `path`; every error names the file at fault.
    static func load(_ path: String) throws -> SavedModel {
        // Anything but a readable group model goes to the AutoRec loader, whose errors say what is wrong.
        if (try? ModelDirectory(path).loadModelKind()) == GroupedAutoRecDescription.kind {
            let (m, training) = try GroupedAutoRec.load(from: path)
            return SavedModel(model: m, name: m.modelName, configuration: m.configuration, training: training) {
                try Recommender(grouped: m, training: training, items: $0)
            }
        }
        let (m, training) = try AutoRecModel.load(from: path)
        return SavedModel(model: m, name: m.modelName, configuration: m.configuration, training: training) {
            try Recommender(model: m, training: training, items: $0)
        }
    }

    /// The recommender over this model, with titles from `items` when given.
    func recommender(items: ItemCatalog? = nil) throws -> Recommender { try makeRecommender(items) }

    /// Whether the folder at `path` holds a top-N model (`rank --save`: Mult-VAE, CDAE, EASE, ...).
    static func isTopN(_ path: String) -> Bool {
        (try? ModelDirectory(path).loadModelKind()).flatMap(TopNModelDescription.Kind.init(rawValue:)) != nil
    }

    /// The folder's model behind the serving protocol: a rating model's ``Recommender`` or a top-N
    /// model's ``TopNRecommender``, with titles from `titles(userIDs, itemIDs)`.
    static func servable(_ path: String, titles: (IDMap, IDMap) -> ItemCatalog?) throws -> any ServableModel {
        if isTopN(path) {
            let saved = try SavedTopNModel.load(from: path)
            return TopNRecommender(saved, items: titles(saved.userIDs, saved.itemIDs))
        }
        let saved = try load(path)
        return try saved.recommender(items: titles(saved.training.userIDs, saved.training.itemIDs))
    }
}
