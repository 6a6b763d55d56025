import AutoRec
import RecData

extension RankCommand {
    /// A setting to fit, and how.
    typealias Candidate = (setting: String, fit: () throws -> (any TopNModel, [ImplicitEpoch]?))

    /// The settings the model is fitted with; with more than one the best on validation NDCG is
    /// tested. The autoencoders train with early stopping on the validation part.
    func candidates(_ split: RankingSplit) -> [Candidate] {
        let items = split.data.itemCount
        let training = split.training
        switch model {
        case .popularity:
            return [("", { (Popularity(training: training, itemCount: items), nil) })]
        case .itemKNN:
            return neighbours.map { k in
                ("neighbours=\(k)", { (ItemKNN(training: training, itemCount: items, neighbours: k), nil) })
            }
        case .ease:
            return lambda.map { l in
                (
                    "lambda=\(RankReport.number(l))",
                    { (try EASE(training: training, itemCount: items, lambda: l), nil) }
                )
            }
        case .multVAE, .multDAE:
            let caps = model == .multVAE ? autoencoder.annealCap : [0.2]
            return autoencoder.l2.flatMap { l2 in
                caps.map { cap in
                    let setting = "l2=\(l2)" + (model == .multVAE ? " anneal-cap=\(cap)" : "")
                    return (
                        setting,
                        {
                            let config = MultAutoencoder.Configuration(
                                variant: model == .multVAE ? .vae : .dae,
                                hidden: autoencoder.hidden.flatMap(autoencoder.widths) ?? [600, 200],
                                inputDropout: autoencoder.dropout, l2: l2,
                                annealing: AnnealingSchedule(cap: cap, totalSteps: autoencoder.annealSteps),
                                seed: runtime.seed)
                            var m = try MultAutoencoder(itemCount: items, configuration: config)
                            let epochs = train(&m, split)
                            return (m, epochs)
                        }
                    )
                }
            }
        case .cdae:
            return autoencoder.l2.map { l2 in
                (
                    "l2=\(l2)",
                    {
                        let config = CDAE.Configuration(
                            hidden: autoencoder.hidden.flatMap(autoencoder.widths)?.first ?? 50,
                            corruption: autoencoder.dropout, negativeRatio: autoencoder.negatives,
                            loss: autoencoder.cdaeLoss, l2: l2, newUser: autoencoder.newUser,
                            seed: runtime.seed, activation: autoencoder.cdaeActivation,
                            allNegatives: autoencoder.allNegatives)
                        var m = try CDAE(
                            userCount: split.data.userCount, itemCount: items, configuration: config)
                        let epochs = train(&m, split)
                        return (m, epochs)
                    }
                )
            }
        }
    }

    /// Trains with early stopping on validation NDCG at the protocol's cut-off.
    func train<M: TrainableTopNModel>(_ m: inout M, _ split: RankingSplit) -> [ImplicitEpoch] {
        ImplicitTrainer.fit(
            &m, training: split.training, validation: split.validation, k: split.method.cutoff,
            options: autoencoder.training
        ) { line in if runtime.verbose { log(line) } }
    }

    /// The metrics of a part: trained models score the part in one batch (GEMMs).
    static func evaluate(_ part: RankingPart, _ model: any TopNModel, k: Int) -> TopNMetrics {
        if let trained = model as? any TrainableTopNModel {
            return TopNMetrics.evaluate(part, batchModel: trained, k: k)
        }
        return TopNMetrics.evaluate(part, model: model, k: k)
    }
}
