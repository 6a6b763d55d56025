import ArgumentParser

struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "(being built)")

    func run() async throws {
        throw ValidationError("'info' is being built")
    }
}
