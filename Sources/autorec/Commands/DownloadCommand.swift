import ArgumentParser

struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "download", abstract: "(being built)")

    func run() async throws {
        throw ValidationError("'download' is being built")
    }
}
