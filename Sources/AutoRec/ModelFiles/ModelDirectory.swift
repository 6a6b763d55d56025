import Foundation
import RecData

/// A saved model: a folder holding `weights.safetensors`, `model.json` and optionally `report.json`.
///
/// ```
/// model/
///   weights.safetensors   the parameters (see SafeTensorsFile), readable from Python
///   model.json            configuration, id maps, formatVersion: pretty-printed, sorted keys
///   report.json           optional: how the model was trained and how it scored
/// ```
///
/// Saving is atomic at the folder level (RecData's ``AtomicWriter/writeFolder(at:kind:creatingParents:wrappingErrors:_:)``):
/// every file is written into a fresh `DIR.tmp-PID-XXXXXXXX` beside the target and flushed; then an
/// existing `DIR` is renamed aside to `DIR.old-PID-XXXXXXXX`, the new folder renamed in, and the
/// old one deleted; leftovers of killed saves to `DIR` are removed. A crash or error at any point leaves either
/// the old complete folder or the new complete folder at `DIR` (or, between the two renames, no
/// `DIR` and the old folder intact under its `.old-` name, which ``loadWeights()`` and friends then
/// point out), never a half-written `DIR`.
///
/// ```swift
/// let dir = ModelDirectory("runs/ml-1m")
/// try dir.save(weights: weights, model: configuration, report: report)
/// let configuration = try dir.loadModel(AutoRecFile.self, supportedFormatVersion: 1)
/// let weights = try dir.loadWeights()
/// ```
public struct ModelDirectory: Sendable, Hashable {
    /// The weights file's name inside the folder.
    public static let weightsFileName = "weights.safetensors"
    /// The model description's name inside the folder.
    public static let modelFileName = "model.json"
    /// The optional report's name inside the folder.
    public static let reportFileName = "report.json"
    /// The key of `model.json` that holds the integer format version.
    public static let formatVersionKey = "formatVersion"

    /// The folder's path as given, without trailing slashes.
    public let path: String

    /// A model directory at `path` (which need not exist yet).
    public init(_ path: String) {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        self.path = p
    }

    /// `path/weights.safetensors`.
    public var weightsPath: String { "\(path)/\(Self.weightsFileName)" }
    /// `path/model.json`.
    public var modelPath: String { "\(path)/\(Self.modelFileName)" }
    /// `path/report.json`.
    public var reportPath: String { "\(path)/\(Self.reportFileName)" }

    // MARK: - Saving

    /// Saves a model atomically, encoding `model` and `report` as pretty-printed JSON with sorted keys.
    ///
    /// - Parameters:
    ///   - weights: The tensors for `weights.safetensors`.
    ///   - model: The value for `model.json`; it should carry an integer `formatVersion`.
    ///   - report: The value for `report.json`, or `nil` to write none.
    ///   - contents: Writes further files or folders into the temporary folder whose path it is
    ///     given (a group model's sub-folders), so they are replaced with the rest in one rename.
    /// - Throws: ``ModelFileError/encodingFailed(path:detail:)`` when a value cannot be encoded
    ///   (nothing is written then), or any error of ``save(weights:modelJSON:reportJSON:contents:)``.
    public func save(
        weights: SafeTensorsFile, model: some Encodable, report: (any Encodable)? = nil,
        contents: (_ folder: String) throws(ModelFileError) -> Void = { _ in }
    ) throws(ModelFileError) {
        let modelJSON = try Self.encodeJSON(model, path: modelPath)
        let reportJSON = try report.map { r throws(ModelFileError) in try Self.encodeJSON(r, path: reportPath)
        }
        try save(weights: weights, modelJSON: modelJSON, reportJSON: reportJSON, contents: contents)
    }

    /// Saves a model atomically from already encoded JSON.
    ///
    /// An existing folder at ``path`` is replaced only if it looks like a model directory (it holds
    /// `model.json` or `weights.safetensors`, or is empty); its other files go with it. Anything
    /// else at ``path`` is left alone and reported.
    ///
    /// - Parameters:
    ///   - weights: The tensors for `weights.safetensors`.
    ///   - modelJSON: The bytes of `model.json`.
    ///   - reportJSON: The bytes of `report.json`, or `nil` to write none.
    ///   - contents: Writes further files or folders into the temporary folder whose path it is
    ///     given, after the three files; nothing by default.
    /// - Throws: ``ModelFileError/cannotWrite(_:)`` when ``path`` holds something that is not a
    ///   model directory, or writing fails; ``ModelFileError/reservedName(path:tensor:)`` for a
    ///   reserved tensor name; what `contents` throws. ``path`` is then unchanged and the
    ///   temporary folder is removed.
    /// - Complexity: O(size of the weights), written once.
    public func save(
        weights: SafeTensorsFile, modelJSON: Data, reportJSON: Data? = nil,
        contents: (_ folder: String) throws(ModelFileError) -> Void = { _ in }
    ) throws(ModelFileError) {
        try AtomicWriter.writeFolder(at: path, kind: Self.folderKind, wrappingErrors: ModelFileError.cannotWrite) {
            temp throws(ModelFileError) in
            // Small files first: the large weights are the likeliest to fail (disk full).
            try Self.writeData(modelJSON, to: "\(temp)/\(Self.modelFileName)")
            if let reportJSON { try Self.writeData(reportJSON, to: "\(temp)/\(Self.reportFileName)") }
            try weights.write(to: "\(temp)/\(Self.weightsFileName)")
            try contents(temp)
        }
    }

    /// The folders ``save(weights:modelJSON:reportJSON:)`` replaces: empty ones and those holding
    /// `model.json` or `weights.safetensors`.
    public static let folderKind = AtomicWriter.FolderKind(
        mismatch: "holds neither \(modelFileName) nor \(weightsFileName)"
    ) { $0.contains(modelFileName) || $0.contains(weightsFileName) }

    /// Checks, before training, that a model can later be saved here: the folder is absent, empty
    /// or a model directory, and its parent folder exists and is writable. Nothing is created.
    ///
    /// - Throws: ``ModelFileError/cannotWrite(_:)`` saying why the save would fail.
    public func checkWritable() throws(ModelFileError) {
        do { try AtomicWriter.checkWritableFolder(path, kind: Self.folderKind) } catch { throw .cannotWrite(error) }
    }

    /// `value` as pretty-printed JSON with sorted keys and unescaped slashes, newline-terminated.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - path: The file it is meant for, named in the error.
    /// - Throws: ``ModelFileError/encodingFailed(path:detail:)``, e.g. for a NaN.
    public static func encodeJSON(_ value: some Encodable, path: String) throws(ModelFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(value)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw .encodingFailed(path: path, detail: describe(error))
        }
    }

    private static func writeData(_ data: Data, to path: String) throws(ModelFileError) {
        do { try AtomicWriter.write(data, to: path) } catch { throw .cannotWrite(error) }
    }

    // MARK: - Loading

    /// Reads and validates `weights.safetensors`.
    ///
    /// - Throws: ``ModelFileError/notAModelDirectory(path:reason:)`` when the folder is missing, or
    ///   any error of ``SafeTensorsFile/init(contentsOf:)``.
    public func loadWeights() throws(ModelFileError) -> SafeTensorsFile {
        try requireFolder()
        return try SafeTensorsFile(contentsOf: weightsPath)
    }

    /// The raw bytes of `model.json`.
    ///
    /// - Throws: ``ModelFileError/notAModelDirectory(path:reason:)`` when the folder is missing,
    ///   ``ModelFileError/io(path:operation:reason:)`` when the file cannot be read.
    public func loadModelJSON() throws(ModelFileError) -> Data {
        try requireFolder()
        return try POSIXFile.readAll(modelPath)
    }

    /// Decodes `model.json` after checking its `formatVersion`.
    ///
    /// The version is checked first, so a file from a newer release is refused with a clear
    /// message rather than a confusing missing-key error.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - supportedFormatVersion: The newest `formatVersion` the caller can read.
    /// - Returns: The decoded value.
    /// - Throws: ``ModelFileError/missingFormatVersion(path:)``,
    ///   ``ModelFileError/invalidField(path:field:problem:)`` (a `formatVersion` that is not an
    ///   integer >= 1), ``ModelFileError/unsupportedFormatVersion(path:found:supported:)``,
    ///   ``ModelFileError/invalidJSON(path:detail:)``, or a read error.
    public func loadModel<Model: Decodable>(_ type: Model.Type, supportedFormatVersion: Int)
        throws(ModelFileError) -> Model
    {
        let data = try loadModelJSON()
        _ = try Self.checkFormatVersion(of: data, supported: supportedFormatVersion, path: modelPath)
        return try Self.decodeJSON(type, from: data, path: modelPath)
    }

    /// The `model` field of `model.json`, which names the kind of model the folder holds
    /// (`I-AutoRec`, `Grouped AutoRec`, ...), read without decoding the rest.
    ///
    /// - Throws: ``ModelFileError/invalidJSON(path:detail:)`` when the file is not a JSON object
    ///   with a string `model` field, or a read error.
    public func loadModelKind() throws(ModelFileError) -> String {
        try Self.modelKind(of: try loadModelJSON(), path: modelPath)
    }

    /// The string `model` field of the `model.json` bytes `json` read from `path`.
    ///
    /// - Throws: ``ModelFileError/invalidJSON(path:detail:)`` when there is none.
    public static func modelKind(of json: Data, path: String) throws(ModelFileError) -> String {
        guard case let .object(fields) = try decodeJSON(JSONValue.self, from: json, path: path),
              case let .string(kind)? = fields["model"]
        else { throw .invalidJSON(path: path, detail: "no 'model' field naming the model kind") }
        return kind
    }

    /// Decodes `report.json`, or returns `nil` when the model was saved without one.
    ///
    /// - Throws: ``ModelFileError/invalidJSON(path:detail:)`` or a read error.
    public func loadReport<Report: Decodable>(_ type: Report.Type) throws(ModelFileError) -> Report? {
        try requireFolder()
        guard POSIXFile.kind(of: reportPath) != .none else { return nil }
        return try Self.decodeJSON(type, from: try POSIXFile.readAll(reportPath), path: reportPath)
    }

    /// Reads the integer `formatVersion` at the top level of a JSON object and checks it.
    ///
    /// - Parameters:
    ///   - json: The bytes of a `model.json`.
    ///   - supported: The newest version the caller can read.
    ///   - path: The file the bytes came from, named in errors.
    /// - Returns: The version found (from 1 to `supported`).
    /// - Throws: ``ModelFileError/invalidJSON(path:detail:)`` when `json` is not a JSON object,
    ///   ``ModelFileError/missingFormatVersion(path:)``,
    ///   ``ModelFileError/invalidField(path:field:problem:)`` when the field is not an integer >= 1,
    ///   ``ModelFileError/unsupportedFormatVersion(path:found:supported:)``.
    public static func checkFormatVersion(of json: Data, supported: Int, path: String) throws(ModelFileError)
        -> Int
    {
        guard case let .object(fields) = try decodeJSON(JSONValue.self, from: json, path: path) else {
            throw .invalidJSON(path: path, detail: "top level: expected an object")
        }
        guard let field = fields[formatVersionKey], field != .null else {
            throw .missingFormatVersion(path: path)
        }
        guard case let .integer(version) = field, version >= 1 else {
            throw .invalidField(
                path: path, field: formatVersionKey, problem: "must be an integer >= 1, found \(field.kind)")
        }
        guard version <= supported else {
            throw .unsupportedFormatVersion(path: path, found: version, supported: supported)
        }
        return version
    }

    /// `JSONDecoder().decode` with its error turned into ``ModelFileError/invalidJSON(path:detail:)``.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws(ModelFileError)
        -> T
    {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .invalidJSON(path: path, detail: describe(error))
        }
    }

    /// Throws when the folder is missing, pointing at the copy an interrupted save may have left.
    private func requireFolder() throws(ModelFileError) {
        switch POSIXFile.kind(of: path) {
        case .directory: return
        case .other: throw .notAModelDirectory(path: path, reason: "it is not a folder")
        case .none:
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let parent = POSIXFile.parent(of: path)
            let siblings = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
            if let old = siblings.filter({ $0.hasPrefix("\(name).old-") }).sorted().first {
                let oldPath = parent == "." && !path.hasPrefix("./") ? old : "\(parent)/\(old)"
                throw .notAModelDirectory(
                    path: path,
                    reason: "no such folder (a save was interrupted; the previous model is in \(oldPath): "
                        + "rename it to \(path))")
            }
            throw .notAModelDirectory(path: path, reason: "no such folder")
        }
    }
}

/// A one-line account of a Codable error: the key path and what was wrong.
func describe(_ error: any Error) -> String {
    func keyPath(_ path: [any CodingKey]) -> String {
        path.isEmpty
            ? "top level"
            : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
    switch error {
    case let DecodingError.keyNotFound(key, context):
        let at = context.codingPath.isEmpty ? "" : " in \(keyPath(context.codingPath))"
        return "missing key '\(key.stringValue)'\(at)"
    case let DecodingError.typeMismatch(type, context):
        let name = "\(type)"
        let expected =
            name.hasPrefix("Dictionary<") ? "an object" : name.hasPrefix("Array<") ? "an array" : name
        return "\(keyPath(context.codingPath)): expected \(expected)"
    case let DecodingError.valueNotFound(type, context):
        return "\(keyPath(context.codingPath)): expected \(type), found null"
    case let DecodingError.dataCorrupted(context):
        return context.codingPath.isEmpty
            ? "not valid JSON (\(context.debugDescription))"
            : "\(keyPath(context.codingPath)): \(context.debugDescription)"
    case let EncodingError.invalidValue(value, context):
        return "\(keyPath(context.codingPath)): cannot encode \(value) (\(context.debugDescription))"
    default:
        return "\(error)"
    }
}
