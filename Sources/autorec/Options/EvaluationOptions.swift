import ArgumentParser
import AutoRec
import Foundation

/// How test ratings are scored and where the report goes.
struct EvaluationOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Test ratings of users or items unseen in training: baseline (fall back to the bias baseline), "
            + "exclude, or a constant such as 3.", valueName: "policy"))
    var coldStart = ColdStartPolicy.baseline

    @Flag(help: "Do not clip predictions to the rating scale.")
    var noClip = false

    @Option(help: ArgumentHelp("Also compute ranking metrics at this cut-off (full ranking, rated items excluded).",
                               valueName: "k"))
    var rankingK: Int?

    @Option(help: "Test ratings at or above this value are relevant for ranking metrics.")
    var relevanceThreshold: Float = 4

    @Option(help: ArgumentHelp("Write a JSON report here (written atomically).", valueName: "file"))
    var report: String?

    func validate() throws {
        if let k = rankingK, k < 1 { throw ValidationError("--ranking-k must be at least 1, got \(k)") }
    }

    func evaluator() throws -> Evaluator { Evaluator(coldStart: coldStart, clip: !noClip) }
}

extension ColdStartPolicy: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
    public var defaultValueDescription: String { text }
}

/// Prints one evaluation report as a table.
func printReport(_ r: EvaluationReport, splitDescription: String) {
    print("\(r.model) on \(splitDescription)")
    var rows = [["part", "RMSE", "MAE", "ratings", "model", "baseline", "constant", "excluded"]]
    func add(_ name: String, _ p: RatingReport) {
        let c = p.coldStart
        rows.append([name, fixed(p.rmse), fixed(p.mae), "\(p.count)", "\(c.model)", "\(c.baseline)", "\(c.constant)",
                     "\(c.excluded)"])
    }
    if let v = r.validation { add("validation", v) }
    add("test", r.test)
    printTable(rows)
    if let k = r.ranking {
        print("")
        printTable([["@\(k.k)", "precision", "recall", "NDCG", "MAP", "hit rate", "users"],
                    ["test", fixed(k.precision), fixed(k.recall), fixed(k.ndcg), fixed(k.map), fixed(k.hitRate),
                     "\(k.users)"]])
    }
    print(String(format: "\n%.2f s", r.seconds))
}
