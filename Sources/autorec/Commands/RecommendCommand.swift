import ArgumentParser
import AutoRec
import Foundation
import RecData

/// `autorec recommend`: top-N items for a user from a saved model.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend the top-N items for a user (already-rated items left out), from a saved model.",
        discussion: """
            Titles come from the training data's item file when the model remembers where it was read \
            (or from --items). A user unknown to the model gets the items with the best baseline score \
            unless their ratings are given with --ratings (U-AutoRec folds them in without retraining). \
            --new-item scores a new item from ratings given with --ratings (I-AutoRec fold-in). \
            A group model (train --groups --save) ranks for a known user with the model of the user's \
            group (or its model trained on everyone); fold-in uses its model trained on everyone. \
            Ratings files have one 'id<TAB>rating' (or 'id,rating') per line; '-' reads stdin. \
            A top-N model (rank --save: mult-vae, mult-dae, cdae, ease, item-knn, popularity) ranks a \
            known user's items from their training items (left out), and folds in --ratings as the \
            items of a new user (a rating >= the folder's positive threshold is an interaction); its \
            scores are ranking scores, not ratings. A user it does not know gets the most popular items.

            Examples:
              autorec recommend --model runs/i --user 42 --count 10
              autorec recommend --model runs/u --ratings my-ratings.tsv --count 20
              autorec recommend --model runs/i --user 42 --candidates 1,50,260,1196
              autorec recommend --model runs/i --new-item --ratings first-ratings.tsv --count 5
            """)

    @Option(help: ArgumentHelp("A model folder written by 'train --save' or 'rank --save'.", valueName: "dir"))
    var model: String
    @Option(help: "Raw user id.") var user: String?
    @Option(help: "How many items.") var count = 10
    @Option(help: ArgumentHelp("Only rank these raw item ids (comma-separated).", valueName: "ids"))
    var candidates: String?
    @Option(help: ArgumentHelp("Ratings to fold in: a file of 'id rating' lines, or - for stdin.", valueName: "file"))
    var ratings: String?
    @Flag(help: "Score a new item from --ratings (users' ratings of it) instead of recommending items.")
    var newItem = false
    @Flag(help: "Keep items the user already rated.") var includeRated = false
    @Option(help: ArgumentHelp("A data folder or item file to take titles from.", valueName: "path"))
    var items: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if user == nil && ratings == nil { throw ValidationError("give --user, or --ratings to fold in") }
        if newItem && ratings == nil { throw ValidationError("--new-item needs --ratings") }
        if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
    }

    func run() async throws {
        let r = try SavedModel.servable(model) { loadTitles(userIDs: $0, itemIDs: $1) }
        let ids = candidates?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if newItem, let path = ratings {
            guard let r = r as? Recommender else {
                throw ValidationError("--new-item needs an I-AutoRec model; \(r.kind) ranks items for users")
            }
            let given = try readRatings(path)
            let (scored, unknown) = try r.scoreNewItem(ratings: given.map { (user: $0.0, rating: $0.1) })
            warnUnknown(unknown, kind: "user")
            let top = scored.sorted { $0.rating > $1.rating }.prefix(count)
            // Numbers, as in every other JSON output of the tool.
            struct Scored: Encodable { var user: String, rating: Float }
            if json { try printJSON(top.map { Scored(user: $0.user, rating: $0.rating) }); return }
            printTable([["user", "predicted"]] + top.map { [$0.user, fixed(Double($0.rating))] })
            return
        }
        let list: [Recommender.Recommendation], source: String
        if let path = ratings {
            let given = try readRatings(path)
            let (l, unknown) = try r.recommend(foldingIn: given.map { (item: $0.0, rating: $0.1) }, count: count,
                                               candidates: ids)
            warnUnknown(unknown, kind: "item")
            list = l
            source = Recommender.Source.foldIn.rawValue
        } else {
            let (l, s) = try r.recommend(
                user: user ?? "", count: count, candidates: ids, includeRated: includeRated, excluding: [])
            list = l
            source = s.rawValue
        }
        if json { return try printJSON(list) }
        if source != Recommender.Source.model.rawValue { log("note: \(source)") }
        printTable([["rank", "item", "score", "title"]]
                   + list.enumerated().map { ["\($0.offset + 1)", $0.element.item, fixed(Double($0.element.score), 3),
                                              $0.element.title ?? ""] })
    }

    /// Says on stderr which fold-in ids the model does not know (they took no part).
    func warnUnknown(_ ids: [String], kind: String) {
        guard !ids.isEmpty else { return }
        let shown = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", ..." : "")
        Console.logger.warning("ignored \(ids.count) \(kind) id\(ids.count == 1 ? "" : "s") the model does not know: \(shown)")
    }

    /// Item titles from --items or the folder the model was trained on, aligned with the model's items.
    func loadTitles(userIDs: IDMap, itemIDs: IDMap) -> ItemCatalog? {
        struct Source: Decodable { var dataPath: String? }
        let json = try? ModelDirectory(model).loadModelJSON()
        let recorded = json.flatMap { try? JSONDecoder().decode(Source.self, from: $0).dataPath }
        guard let path = items ?? recorded, let set = try? Dataset.detect(at: path) else { return nil }
        return (try? set.loadSideInformation(userIDs: userIDs, itemIDs: itemIDs))?.items
    }

    /// Reads `id rating` lines (tab, comma, space or '::' separated) from a file or stdin.
    func readRatings(_ path: String) throws -> [(String, Float)] {
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("\(path): cannot read the ratings file")
            }
            text = String(decoding: data, as: UTF8.self)
        }
        var out = [(String, Float)]()
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.replacingOccurrences(of: "::", with: "\t")
                .split(whereSeparator: { $0 == "\t" || $0 == "," || $0 == " " })
            guard fields.count == 2, let value = Float(fields[1]), value.isFinite else {
                throw ValidationError("\(path == "-" ? "stdin" : path):\(n + 1): expected 'id rating', found '\(InputText.escaped(trimmed))'")
            }
            out.append((String(fields[0]), value))
        }
        return out
    }
}
