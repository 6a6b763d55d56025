import ArgumentParser
import Foundation
import RecData

/// `autorec split`: write the parts of a split as rating files.
struct SplitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a data set reproducibly and write the parts as rating files.",
        discussion: """
            Writes train.EXT, validation.EXT (with --validation-fraction) and test.EXT into --out, \
            or fold-1/ .. fold-K/ with the same files for --split kfold. Files are written in \
            --output-format (default: the layout read). The folder is written as a whole, \
            atomically: an existing --out is replaced (nothing of an earlier split stays), and only \
            if it is empty or holds an earlier split's parts; a killed run leaves it as it was. The same --seed always \
            gives the same parts, and 'train'/'baseline' with the same options use the same parts.

            Examples:
              autorec split --data ~/data/ml-1m --out splits/ml-1m --test-fraction 0.1 --validation-fraction 0.1
              autorec split --data ml-100k --split per-user --out splits/strat --output-format ml-latest
              autorec split --data ~/data/ml-1m --split kfold --folds 5 --out splits/cv
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var splitOptions: SplitOptions
    @OptionGroup var runtime: RuntimeOptions

    @Option(help: ArgumentHelp("Folder to write the parts into (created, or replaced if it holds an earlier split).", valueName: "dir"))
    var out: String

    @Option(help: "Format of the written files: ml-100k, ml-1m, ml-latest (default: as read, ml-100k for others).")
    var outputFormat: RatingFileFormat?

    func run() async throws {
        try AtomicWriter.checkWritableFolder(out, kind: RatingWriter.splitFolderKind, creatingParents: true)
        runtime.apply()
        try await data.fetchIfNeeded()
        let (parts, description) = try splitOptions.makeParts(data, seed: runtime.seed)
        let read = try data.dataset()
        let writer: RatingWriter
        if let f = outputFormat, f != .delimited {
            writer = try RatingWriter(format: f)
        } else {
            writer = try RatingWriter(layout: read.layout)
        }
        let ext = read.layout.separator == "," ? "csv" : read.layout.separator == "::" ? "dat" : "tsv"
        let suffix = outputFormat.map { $0 == .mlLatest ? "csv" : $0 == .ml1m ? "dat" : "tsv" } ?? ext
        var rows = [["part", "ratings", "users", "items", "file"]]
        var files = [(path: String, table: RatingTable)]()
        for (f, p) in parts.enumerated() {
            let folder = parts.count > 1 ? "fold-\(f + 1)/" : ""
            var named: [(String, RatingTable)] = [("train", p.train), ("test", p.test)]
            if let v = p.validation { named.insert(("validation", v), at: 1) }
            for (name, table) in named {
                files.append(("\(folder)\(name).\(suffix)", table))
                let users = table.ratingsPerUser().filter { $0 > 0 }.count
                let items = table.ratingsPerItem().filter { $0 > 0 }.count
                rows.append([parts.count > 1 ? "fold \(f + 1) \(name)" : name, "\(table.count)", "\(users)",
                             "\(items)", URL(fileURLWithPath: out).appendingPathComponent(files[files.count - 1].path).path])
            }
        }
        // One folder, atomically: no part of an earlier split survives, and a killed run leaves it whole.
        try writer.writeSplitFolder(files, to: out)
        if runtime.json {
            try printJSON(["split": description, "folder": out])
        } else {
            print("\(description), seed \(runtime.seed)")
            printTable(rows)
        }
    }
}
