import ArgumentParser
import AutoRec
import Foundation
import RecData
import RecMath

/// `autorec rank`: implicit feedback, top-N: run a ranking protocol with a baseline.
struct RankCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Top-N on implicit feedback: a protocol (recbole, strong, leave-one-out) with a baseline.",
        discussion: """
            The ratings become implicit interactions (a rating >= --positive is one; each user-item pair \
            once), users and items below the minimums are dropped until none is left (k-core), and the \
            protocol splits them.

            recbole: ratings >= 3, 10-core, each user's interactions 80/10/10 at random.

            strong: ratings >= 4, users with >= 5; --held-out-users validation users and as many test \
            users, the model fitted on the others; --fold-in of each held-out user's items given, the \
            rest scored.

            leave-one-out: every rating, users with >= 3; the latest item is the test item, the one \
            before it the validation item.

            Rankings are full: every item the user has not had in earlier parts is a candidate. Metrics \
            at --cutoff with 95% intervals over users (normal approximation). With several --lambda or \
            --neighbours values the one with the best validation NDCG is tested.

            Models: popularity (training counts), item-knn (cosine, --neighbours per item), ease \
            (Steck 2019, closed form, --lambda; O(items^3), about 6 s on ML-1M), and three autoencoders \
            trained with Adam and early stopping on validation NDCG: mult-vae and mult-dae (Liang et al. \
            2018: softmax over all items, tanh layers --hidden 600,200, input dropout 0.5, mult-vae's KL \
            weight annealed to --anneal-cap over --anneal-steps optimizer steps) and cdae (Wu et al. \
            2016: code width 50, corruption 0.5, --negatives 5 per positive, logistic loss). Repeat --l2 \
            (and --anneal-cap) to select on validation NDCG; the test part is ranked once, at the end.

            --save DIR writes the chosen model as a model folder (weights.safetensors, model.json with \
            the protocol, seed and id maps, each user's training items, report.json): 'autorec recommend', \
            'predict', 'serve' and 'evaluate --model DIR' then work on it. Its scores are ranking scores, \
            not ratings. Fold-in counts a given rating >= the --positive threshold as an interaction; a \
            CDAE folds in with the --new-user vector.

            Examples:
              autorec rank --data ml-1m --protocol recbole --model ease
              autorec rank --data ml-1m --protocol recbole --model mult-vae --save runs/vae
              autorec rank --data ml-1m --protocol strong --model item-knn --neighbours 50 --neighbours 200
              autorec rank --data ml-1m --protocol strong --model mult-vae --cutoff 100 --also-at 20 --also-at 50
              autorec rank --data clicks.tsv --columns user,item,rating --protocol leave-one-out
              autorec rank --data ml-1m --protocol recbole --model mult-vae --anneal-cap 0.2 --anneal-cap 0.5
            """)

    enum Model: String, ExpressibleByArgument, CaseIterable {
        case popularity, itemKNN = "item-knn", ease
        case multVAE = "mult-vae", multDAE = "mult-dae", cdae
    }

    @OptionGroup var data: DataOptions
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup(title: "Autoencoder options (mult-vae, mult-dae, cdae)") var autoencoder: ImplicitModelOptions

    @Option(name: .customLong("protocol"), help: "recbole, strong or leave-one-out.")
    var protocolKind: RankingProtocol.Kind = .recbole
    @Option(help: "popularity, item-knn, ease, mult-vae, mult-dae or cdae.") var model: Model = .popularity
    @Option(
        help: ArgumentHelp(
            "A rating >= this is an interaction (default: the protocol's; 0 keeps all).",
            valueName: "rating"))
    var positive: Float?
    @Option(
        help: ArgumentHelp("Drop users with fewer interactions (default: the protocol's).", valueName: "n"))
    var minUserInteractions: Int?
    @Option(
        help: ArgumentHelp("Drop items with fewer interactions (default: the protocol's).", valueName: "n"))
    var minItemInteractions: Int?
    @Option(help: "strong: validation users, and as many test users.") var heldOutUsers = 600
    @Option(help: "strong: share of a held-out user's items folded in.") var foldIn = 0.8
    @Option(help: "Cut-off K of the metrics and of the selection.") var cutoff = 10
    @Option(
        name: .customLong("also-at"),
        help: ArgumentHelp(
            "Also report the chosen model's metrics at this cut-off (repeat; the selection stays at --cutoff), "
                + "e.g. --cutoff 100 --also-at 20 --also-at 50 for Liang et al.'s table.",
            valueName: "K"))
    var alsoAt: [Int] = []
    @Option(help: "ease: L2 penalty lambda (repeat to select on validation NDCG).") var lambda: [Double] = [
        500
    ]
    @Option(help: "item-knn: neighbours per item (repeat to select on validation NDCG).") var neighbours:
        [Int] = [100]
    @Option(help: ArgumentHelp("Write the report as JSON to this file.", valueName: "file")) var report:
        String?
    @Option(
        help: ArgumentHelp(
            "Save the chosen model as a model folder (for recommend, predict, evaluate and serve).",
            valueName: "dir"))
    var save: String?

    func validate() throws {
        if let p = positive, !p.isFinite { throw ValidationError("--positive must be a number, got \(p)") }
        if lambda.contains(where: { !($0 > 0) || !$0.isFinite }) {
            throw ValidationError("--lambda must be positive")
        }
        if neighbours.contains(where: { $0 < 1 }) { throw ValidationError("--neighbours must be at least 1") }
        if let k = alsoAt.first(where: { $0 < 1 }) { throw ValidationError("--also-at must be at least 1, got \(k)") }
        if lambda.isEmpty || neighbours.isEmpty {
            throw ValidationError("give at least one --lambda and --neighbours")
        }
        do { try rankingProtocol().validate() } catch { throw ValidationError(error.description) }
    }

    /// The protocol's defaults with the options given over them.
    func rankingProtocol() -> RankingProtocol {
        var m = RankingProtocol.named(protocolKind)
        if let p = positive { m.positive = p > 0 ? p : nil }
        if let u = minUserInteractions { m.minUserInteractions = u }
        if let i = minItemInteractions { m.minItemInteractions = i }
        m.heldOutUsers = heldOutUsers
        m.foldInFraction = foldIn
        m.cutoff = cutoff
        return m
    }

    func run() async throws {
        try checkOutputs(files: [report], modelFolder: save)
        runtime.apply()
        try await data.fetchIfNeeded()
        let table = try data.load().ratings
        var rng = SplitMix64(seed: runtime.seed)
        let method = rankingProtocol()
        let split = try RankingSplit(table, method: method, using: &rng)
        let set = split.data
        log(
            "\(set.count) interactions of \(set.userCount) users and \(set.itemCount) items after filtering; "
                + "\(split.validation.users.count) validation and \(split.test.users.count) test users")
        var runs = [RankReport.Candidate]()
        var best: (model: any TopNModel, index: Int)?
        for (setting, fit) in candidates(split) {
            let clock = ContinuousClock()
            let start = clock.now
            let (fitted, epochs) = try fit()
            let fitSeconds = (clock.now - start).seconds
            let v = Self.evaluate(split.validation, fitted, k: method.cutoff)
            let name = setting.isEmpty ? model.rawValue : "\(model.rawValue) \(setting)"
            log("\(name): fitted in \(fixed(fitSeconds, 2)) s, "
                + "validation NDCG@\(method.cutoff) \(fixed(v.ndcg.mean))")
            runs.append(RankReport.Candidate(setting: setting, fitSeconds: fitSeconds, validation: v, epochs: epochs))
            if best.map({ v.ndcg.mean > runs[$0.index].validation.ndcg.mean }) ?? true {
                best = (fitted, runs.count - 1)
            }
        }
        guard let best else { return }
        let clock = ContinuousClock()
        let start = clock.now
        let test = Self.evaluate(split.test, best.model, k: method.cutoff)
        let testSeconds = (clock.now - start).seconds
        let more = alsoAt.map { k in
            (validation: Self.evaluate(split.validation, best.model, k: k), test: Self.evaluate(split.test, best.model, k: k))
        }
        var r = RankReport(
            model: model.rawValue, protocol: method.kind.rawValue,
            parameters: method.parameters.map { "\($0.name)=\($0.value)" }, seed: runtime.seed,
            users: set.userCount, items: set.itemCount, interactions: set.count,
            candidates: runs, chosen: runs[best.index].setting, test: test,
            testSeconds: testSeconds, interval: TopNMetrics.intervalMethod)
        if !more.isEmpty {
            r.validationAt = more.map(\.validation)
            r.testAt = more.map(\.test)
        }
        if runtime.json { try printJSON(r) } else { r.printText() }
        if let path = report { try writeJSON(r, to: path) }
        if let dir = save {
            let saved = try SavedTopNModel(
                model: best.model, training: split.training, userIDs: set.userIDs, itemIDs: set.itemIDs,
                scale: table.scale, positive: method.positive, rankingProtocol: method, seed: runtime.seed,
                setting: runs[best.index].setting, dataPath: data.data == nil ? nil : try data.resolvedPath())
            try saved.save(to: dir, report: r)
            log("saved \(dir)")
        }
    }
}

/// What `autorec rank` prints and writes.
struct RankReport: Codable {
    struct Candidate: Codable {
        var setting: String
        var fitSeconds: Double
        var validation: TopNMetrics
        /// Per epoch (trained models): loss, validation NDCG, seconds; the best epoch is kept.
        var epochs: [ImplicitEpoch]?
    }

    var model: String
    var `protocol`: String
    var parameters: [String]
    var seed: UInt64
    var users: Int
    var items: Int
    var interactions: Int
    var candidates: [Candidate]
    var chosen: String
    var test: TopNMetrics
    var testSeconds: Double
    var interval: String
    /// Set by `evaluate --model DIR`: the folder whose model was ranked again (nothing was fitted).
    var modelFolder: String?
    /// The chosen model's validation and test metrics at each `--also-at` cut-off, in its order.
    var validationAt: [TopNMetrics]?
    var testAt: [TopNMetrics]?

    func printText() {
        print(
            "\(model)\(chosen.isEmpty ? "" : " (\(chosen))") under \(self.protocol): "
                + parameters.joined(separator: ", "))
        print("data: \(interactions) interactions, \(users) users, \(items) items; seed \(seed)")
        if candidates.count > 1 {
            var rows = [["setting", "validation NDCG@\(test.k)", "fit seconds"]]
            for c in candidates {
                rows.append([c.setting, fixed(c.validation.ndcg.mean), fixed(c.fitSeconds, 2)])
            }
            printTable(rows)
        }
        var rows = [["metric", "test mean", "± 95%", "validation mean"]]
        let validation = candidates.first { $0.setting == chosen }?.validation
        let extra = zip(testAt ?? [], validationAt ?? []).map { (test: $0, validation: Optional($1)) }
        for part in [(test: test, validation: validation)] + extra {
            for (k, (name, e)) in part.test.named.enumerated() {
                rows.append([
                    name, fixed(e.mean), fixed(e.halfWidth),
                    part.validation.map { fixed($0.named[k].value.mean) } ?? "",
                ])
            }
        }
        rows.append([
            "Coverage@\(test.k)", fixed(test.coverage), "", validation.map { fixed($0.coverage) } ?? "",
        ])
        printTable(rows)
        print("\(test.users) test users; \(interval); RecallMin = hits / min(K, relevant) (Liang et al.)")
        let fit = candidates.first { $0.setting == chosen }?.fitSeconds ?? 0
        if let epochs = candidates.first(where: { $0.setting == chosen })?.epochs, !epochs.isEmpty {
            let best = epochs.max { $0.validationNDCG < $1.validationNDCG }?.epoch ?? 0
            let mean = epochs.reduce(0) { $0 + $1.seconds } / Double(epochs.count)
            print("epochs: \(epochs.count) trained, epoch \(best) kept; \(fixed(mean, 2)) s per training epoch")
        }
        if let modelFolder {
            print("model folder \(modelFolder); seconds: test ranking \(fixed(testSeconds, 2))")
        } else {
            print("seconds: fit \(fixed(fit, 2)), test ranking \(fixed(testSeconds, 2))")
        }
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

extension RankingProtocol.Kind: ExpressibleByArgument {}
