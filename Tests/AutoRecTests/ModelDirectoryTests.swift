import AutoRec
import Foundation
import RecData
import RecTestSupport
import Testing

@Suite struct ModelDirectoryTests {
    typealias Tensor = SafeTensorsFile.Tensor

    /// A stand-in for the real model description.
    struct Description: Codable, Equatable {
        var formatVersion: Int
        var kind: String
        var hiddenUnits: Int
        var itemIDs: [String]
        var url: String
    }

    struct Report: Codable, Equatable {
        var rmse: Double
        var epochs: Int
    }

    static let description = Description(
        formatVersion: 1, kind: "I-AutoRec", hiddenUnits: 2,
        itemIDs: ["10", "7", "x"], url: "a/b")

    static func weights(_ value: Float) -> SafeTensorsFile {
        SafeTensorsFile(
            tensors: [
                "encoder.weight": Tensor(shape: [2, 3], values: [value, 2, 3, 4, 5, 6]),
                "encoder.bias": Tensor([0, value]),
            ], metadata: ["format": "autorec"])
    }

    @Test("saved weights, model and report load back; model.json is pretty-printed with sorted keys")
    func roundTrip() throws {
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("model") + "/")
        #expect(dir.path == folder.file("model"))
        try dir.save(weights: Self.weights(1), model: Self.description, report: Report(rmse: 0.83, epochs: 9))

        #expect(try dir.loadWeights() == Self.weights(1))
        #expect(try dir.loadModel(Description.self, supportedFormatVersion: 1) == Self.description)
        #expect(try dir.loadReport(Report.self) == Report(rmse: 0.83, epochs: 9))
        let text = String(decoding: try dir.loadModelJSON(), as: UTF8.self)
        #expect(
            text == """
                {
                  "formatVersion" : 1,
                  "hiddenUnits" : 2,
                  "itemIDs" : [
                    "10",
                    "7",
                    "x"
                  ],
                  "kind" : "I-AutoRec",
                  "url" : "a/b"
                }

                """)
        #expect(try folder.contents() == ["model"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                == ["model.json", "report.json", "weights.safetensors"])
    }

    @Test("a model saved without a report loads with report nil; raw JSON can be saved as given")
    func noReport() throws {
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("m"))
        try dir.save(weights: Self.weights(1), modelJSON: Data(#"{"formatVersion":1}"#.utf8))
        #expect(try dir.loadReport(Report.self) == nil)
        #expect(try dir.loadModelJSON() == Data(#"{"formatVersion":1}"#.utf8))
    }

    @Test("a model saved through a symbolic link to a folder loads through the same link")
    func symlinkedFolder() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("real"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: "real")
        let dir = ModelDirectory(folder.file("link"))
        try dir.save(weights: Self.weights(3), model: Self.description)
        #expect(try dir.loadWeights() == Self.weights(3))
        #expect(try dir.loadModel(Description.self, supportedFormatVersion: 1) == Self.description)
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: folder.file("link"))
        #expect(link == "real")
    }

    @Test("saving over a model replaces it whole and leaves no temporary folder")
    func replace() throws {
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("model"))
        try dir.save(weights: Self.weights(1), model: Self.description, report: Report(rmse: 1, epochs: 1))
        var second = Self.description
        second.hiddenUnits = 5
        try dir.save(weights: Self.weights(2), model: second)
        #expect(try dir.loadWeights() == Self.weights(2))
        #expect(try dir.loadModel(Description.self, supportedFormatVersion: 1) == second)
        #expect(try dir.loadReport(Report.self) == nil, "the old report went with the old folder")
        #expect(try folder.contents() == ["model"])
    }

    @Test("a save removes the folders killed saves left (a dead process's), never a live one's")
    func staleLeftovers() throws {
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("model"))
        let dead = deadProcessID()
        let live = "model.tmp-\(getpid())-0badf00d"
        for name in ["model.tmp-\(dead)-0badf00d", "model.old-\(dead)-0badf00d", live] {
            try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: false)
            try Data("x".utf8).write(to: URL(fileURLWithPath: folder.file("\(name)/\(ModelDirectory.modelFileName)")))
        }
        try dir.save(weights: Self.weights(1), model: Self.description)
        #expect(try folder.contents() == ["model", live])
        #expect(try dir.loadWeights() == Self.weights(1))
    }

    /// A value whose encoding always fails, as a model with a NaN would.
    struct Unencodable: Encodable {
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(Float.nan)
        }
    }

    @Test("a save that fails half-way leaves the old model intact and no temporary folder")
    func failedSaveKeepsOld() throws {
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("model"))
        try dir.save(weights: Self.weights(1), model: Self.description)
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/\($0)"))
        }

        // model.json is written into the temporary folder, then the weights fail.
        var bad = Self.weights(2)
        bad.tensors["__metadata__"] = Tensor([1])
        let error = #expect(throws: ModelFileError.self) {
            try dir.save(weights: bad, model: Self.description)
        }
        guard case let .reservedName(path, tensor) = error else {
            Issue.record("expected reservedName, got \(String(describing: error))")
            return
        }
        #expect(tensor == "__metadata__")
        #expect(path.hasPrefix("\(dir.path).tmp-") && path.hasSuffix("/weights.safetensors"), "\(path)")

        // Encoding fails before anything is written.
        #expect(throws: ModelFileError.self) { try dir.save(weights: Self.weights(3), model: Unencodable()) }

        let after = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/\($0)"))
        }
        #expect(after == before)
        #expect(try dir.loadWeights() == Self.weights(1))
        #expect(try folder.contents() == ["model"])
    }

    @Test("a folder that is not a model, or a file, is never replaced")
    func refusesForeignPaths() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(
            atPath: folder.file("photos"), withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder.file("photos/cat.jpg")))
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder.file("notes.txt")))

        let photos = ModelDirectory(folder.file("photos"))
        let error = #expect(throws: ModelFileError.self) {
            try photos.save(weights: Self.weights(1), model: Self.description)
        }
        #expect(
            error?.description
                == "\(photos.path): cannot write: the folder exists and holds neither "
                + "model.json nor weights.safetensors; refusing to replace it (choose a new path)")
        #expect(throws: try #require(error)) { try photos.checkWritable() }
        let notes = ModelDirectory(folder.file("notes.txt"))
        let refusal = ModelFileError.cannotWrite(
            FileWriteError(path: notes.path, reason: "it exists and is not a folder; refusing to replace it"))
        #expect(throws: refusal) { try notes.save(weights: Self.weights(1), model: Self.description) }
        #expect(throws: refusal) { try notes.checkWritable() }
        #expect(try folder.contents() == ["notes.txt", "photos"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: photos.path) == ["cat.jpg"])
    }

    @Test(
        "formatVersion up to the supported one loads; a newer or missing one is refused",
        arguments: [
            (#"{"formatVersion": 1}"#, 2, nil),
            (#"{"formatVersion": 2}"#, 2, nil),
            (
                #"{"formatVersion": 3, "renamed": true}"#, 2,
                "formatVersion 3 is newer than this build supports (2); upgrade autorec to load it"
            ),
            (
                #"{"hiddenUnits": 3}"#, 2,
                "no integer 'formatVersion' field (not a model.json written by autorec?)"
            ),
            (#"{"formatVersion": "2"}"#, 2, "'formatVersion' must be an integer >= 1, found a string"),
            (#"{"formatVersion": 1.5}"#, 2, "'formatVersion' must be an integer >= 1, found 1.5"),
            (#"{"formatVersion": 0}"#, 2, "'formatVersion' must be an integer >= 1, found 0"),
            (#"{"formatVersion": -3}"#, 2, "'formatVersion' must be an integer >= 1, found -3"),
            (#"{"formatVersion": null}"#, 2, "no integer 'formatVersion' field (not a model.json written by autorec?)"),
            (#"[1, 2]"#, 2, "top level: expected an object"),
        ] as [(String, Int, String?)])
    func formatVersion(json: String, supported: Int, message: String?) throws {
        do {
            let found = try ModelDirectory.checkFormatVersion(
                of: Data(json.utf8), supported: supported,
                path: "m/model.json")
            #expect(message == nil && found <= supported)
        } catch {
            #expect(error.description == message.map { "m/model.json: \($0)" })
        }
    }

    @Test("loading checks the version before the keys, and names a missing key")
    func loadChecks() throws {
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("model"))
        try dir.save(weights: Self.weights(1), modelJSON: Data(#"{"formatVersion": 9}"#.utf8))
        #expect(throws: ModelFileError.unsupportedFormatVersion(path: dir.modelPath, found: 9, supported: 1))
        {
            try dir.loadModel(Description.self, supportedFormatVersion: 1)
        }
        try dir.save(weights: Self.weights(1), modelJSON: Data(#"{"formatVersion": 1, "kind": "U"}"#.utf8))
        let error = #expect(throws: ModelFileError.self) {
            try dir.loadModel(Description.self, supportedFormatVersion: 1)
        }
        #expect(error?.description == "\(dir.modelPath): missing key 'hiddenUnits'")
    }

    @Test("loading a missing folder says so, and points at the copy an interrupted save left")
    func missingFolder() throws {
        let folder = try TemporaryFolder()
        let dir = ModelDirectory(folder.file("model"))
        #expect(throws: ModelFileError.notAModelDirectory(path: dir.path, reason: "no such folder")) {
            try dir.loadWeights()
        }
        try FileManager.default.createDirectory(
            atPath: folder.file("model.old-0badf00d"), withIntermediateDirectories: false)
        let error = #expect(throws: ModelFileError.self) { try dir.loadModelJSON() }
        #expect(
            error?.description
                == "\(dir.path): not a model directory: no such folder (a save was interrupted; "
                + "the previous model is in \(dir.path).old-0badf00d: rename it to \(dir.path))")
    }
}
