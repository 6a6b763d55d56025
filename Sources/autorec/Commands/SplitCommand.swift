import ArgumentParser

struct SplitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "split", abstract: "(being built)")

    func run() async throws {
        throw ValidationError("'split' is being built")
    }
}
