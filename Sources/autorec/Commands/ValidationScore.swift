import AutoRec
import RecData

/// How one configuration does on a validation part: trained on `train` with early stopping on
/// `validation` and no refit (a refit would train on the very ratings it is scored on), then
/// scored on `validation` like a test part (cold-start fallbacks, clipping). Used by `tune` and
/// `train --l2 auto`; neither ever sees a test part.
struct ValidationScore: Codable {
    /// RMSE on the validation part.
    var rmse: Double
    /// The epoch whose weights were kept.
    var bestEpoch: Int
    /// Wall-clock seconds of training and scoring.
    var seconds: Double

    /// Trains `config` on `train` and scores it on `validation`.
    ///
    /// - Throws: Training errors (non-finite loss, empty part) and the evaluator's.
    init(_ config: AutoRecConfiguration, train: RatingTable, validation: RatingTable, side: SideFeatures?,
         evaluator: Evaluator) throws {
        let clock = ContinuousClock()
        let start = clock.now
        var c = config
        c.refit = false
        var model = AutoRecModel(configuration: c)
        model.sideFeatures = side
        model.validationColdStart = evaluator.coldStart
        try model.fit(train, validation: validation)
        rmse = try evaluator.evaluate(model, train: train, test: validation).rmse
        bestEpoch = model.bestEpoch
        let d = clock.now - start
        seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// `train --l2 auto`: each candidate λ trained on the training part and scored on the validation
/// part (``ValidationScore``), the lowest validation RMSE chosen for the final run.
struct L2Search: Codable {
    /// One candidate and how it scored.
    struct Candidate: Codable {
        var l2: Float
        var validationRMSE: Double
        var bestEpoch: Int
    }

    /// Every candidate, in the order tried (ascending λ).
    var candidates: [Candidate]
    /// The λ of the final run.
    var chosen: Float
    /// Why: the rule that picked it.
    var reason: String

    /// Tries each λ of `candidates` with `config`'s other settings.
    ///
    /// - Throws: Training errors of a candidate (a diverging one is an error, not a skipped row).
    init(candidates lambdas: [Float], config: AutoRecConfiguration, train: RatingTable, validation: RatingTable,
         side: SideFeatures?, evaluator: Evaluator) throws {
        var tried = [Candidate]()
        for l2 in lambdas {
            var c = config
            c.l2 = l2
            let score = try ValidationScore(c, train: train, validation: validation, side: side, evaluator: evaluator)
            log("--l2 auto: lambda \(l2): validation RMSE \(fixed(score.rmse)) (epoch \(score.bestEpoch))")
            tried.append(Candidate(l2: l2, validationRMSE: score.rmse, bestEpoch: score.bestEpoch))
        }
        candidates = tried
        let best = tried.filter { $0.validationRMSE.isFinite }.min { $0.validationRMSE < $1.validationRMSE }
        chosen = best?.l2 ?? config.l2
        reason = best == nil
            ? "no candidate had a finite validation RMSE; kept the preset's"
            : "lowest validation RMSE of \(tried.count) candidates (\(validation.count) validation ratings, "
                + "trained on \(train.count) without refit)"
    }

    /// `--l2 auto: lambda 30 (validation RMSE: 10 0.95, 30 0.93, ...)`.
    var summary: String {
        "--l2 auto chose lambda \(chosen): \(reason); validation RMSE "
            + candidates.map { "\($0.l2) \(fixed($0.validationRMSE))" }.joined(separator: ", ")
    }
}
