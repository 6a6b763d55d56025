import ArgumentParser

/// The `autorec` command-line tool: one subcommand per job.
@main
struct AutoRecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autorec",
        abstract: "Autoencoder-based collaborative filtering: read, split, train, evaluate, recommend.",
        version: "0.1.0",
        subcommands: [
            InfoCommand.self, SplitCommand.self, SynthCommand.self, DownloadCommand.self,
            BaselineCommand.self, RankCommand.self, TrainCommand.self, TuneCommand.self, StudyCommand.self,
            EvaluateCommand.self, PredictCommand.self, RecommendCommand.self, ServeCommand.self,
        ]
    )

    /// Runs the tool: `--config FILE` of `train` and `tune` is first replaced by the file's options
    /// (``ConfigFile/expand(_:)``), so the options typed after it override the file.
    static func main() async {
        let arguments: [String]
        do {
            arguments = try ConfigFile.expand(Array(CommandLine.arguments.dropFirst()))
        } catch {
            exit(withError: error)
        }
        await main(arguments)
    }
}
