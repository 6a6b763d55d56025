import ArgumentParser
import AutoRec
import RecData

/// `autorec predict`: one predicted rating from a saved model.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the rating a user would give an item, from a saved model.",
        discussion: """
            Ids are the raw ids of the data set. An unknown user or item gets the bias baseline's \
            answer, and the output says so. A group model (train --groups --save) answers with the \
            model of the user's group, or with its model trained on everyone. A top-N model (rank --save) \
            prints its ranking score for the pair, not a rating (item popularity for a user it does not \
            know).

            Examples:
              autorec predict --model runs/i --user 1 --item 1193
              autorec predict --model runs/i --user 1 --item 1193 --json
            """)

    @Option(help: ArgumentHelp("A model folder written by 'train --save' or 'rank --save'.", valueName: "dir"))
    var model: String
    @Option(help: "Raw user id.") var user: String
    @Option(help: "Raw item id.") var item: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let r = try SavedModel.servable(model) { _, _ in nil }
        let p = r.predict(user: user, item: item)
        if json { try printJSON(p) } else { print("\(p.user)\t\(p.item)\t\(fixed(Double(p.rating)))\t\(p.source.rawValue)") }
    }
}
