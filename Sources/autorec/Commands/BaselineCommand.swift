import ArgumentParser

struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "baseline", abstract: "(being built)")

    func run() async throws {
        throw ValidationError("'baseline' is being built")
    }
}
