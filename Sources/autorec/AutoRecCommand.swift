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
            BaselineCommand.self, RankCommand.self, TrainCommand.self, EvaluateCommand.self,
            PredictCommand.self, RecommendCommand.self, ServeCommand.self,
        ]
    )
}
