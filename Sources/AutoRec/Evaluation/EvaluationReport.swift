import Foundation
import RecData

/// The result of training and evaluating one model, as written to `--json` and report files.
///
/// ```json
/// {"model": "BiasedMF", "configuration": {"factors": 100, …},
///  "test": {"rmse": 0.873, "mae": 0.686, "count": 200042, "coldStart": {…}},
///  "validation": {…}, "ranking": {…}, "seconds": 4.2}
/// ```
public struct EvaluationReport: Codable, Sendable, Equatable {
    /// The model's name (`BiasedMF`).
    public var model: String
    /// The model's configuration as free-form JSON.
    public var configuration: JSONValue
    /// Metrics on the test table.
    public var test: RatingReport
    /// Metrics on the validation table, when there was one.
    public var validation: RatingReport?
    /// Top-K metrics on the test table, when computed.
    public var ranking: RankingMetrics?
    /// Wall-clock seconds of fitting and evaluating.
    public var seconds: Double

    /// Creates a report.
    ///
    /// - Parameters:
    ///   - model: The model's name.
    ///   - configuration: Its configuration (``JSONValue/init(encoding:)`` builds one from a `Codable`).
    ///   - test: Test metrics.
    ///   - validation: Validation metrics, if any.
    ///   - ranking: Ranking metrics, if any.
    ///   - seconds: Wall-clock seconds.
    public init(
        model: String, configuration: JSONValue = .object([:]), test: RatingReport,
        validation: RatingReport? = nil, ranking: RankingMetrics? = nil, seconds: Double
    ) {
        self.model = model
        self.configuration = configuration
        self.test = test
        self.validation = validation
        self.ranking = ranking
        self.seconds = seconds
    }

    /// Pretty-printed JSON with sorted keys; NaN and infinities as `"nan"`, `"inf"`, `"-inf"`.
    ///
    /// - Throws: `EncodingError` (not expected for this type).
    public func jsonData() throws -> Data {
        try ReportJSON.encode(self)
    }

    /// Reads a report written by ``jsonData()`` or ``write(to:)`` (accepts `"nan"`, `"inf"`, `"-inf"`).
    ///
    /// - Parameter data: The JSON text.
    /// - Throws: `DecodingError` when the JSON is not a report.
    public init(jsonData data: Data) throws {
        self = try ReportJSON.decoder().decode(EvaluationReport.self, from: data)
    }

    /// Writes ``jsonData()`` to `url` atomically through RecData's ``AtomicWriter``.
    ///
    /// - Parameter url: The file to create or replace.
    /// - Throws: ``FileWriteError`` naming the file and the system's reason.
    public func write(to url: URL) throws {
        try ReportJSON.writeAtomically(try jsonData(), to: url)
    }
}

/// JSON encoding and atomic writing shared by every report the package and its tools write:
/// pretty-printed with sorted keys, non-finite numbers as `"inf"`, `"-inf"`, `"nan"`.
public enum ReportJSON {
    /// The JSON bytes of `value`.
    public static func encode(_ value: some Encodable) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(value)
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Writes `data` to `url` through RecData's ``AtomicWriter``: a temporary file in the same
    /// folder and a rename (a device or FIFO is written in place, a symbolic link followed).
    ///
    /// - Throws: ``FileWriteError`` naming the file and the system's reason.
    public static func writeAtomically(_ data: Data, to url: URL) throws(FileWriteError) {
        try AtomicWriter.write(data, to: url.path)
    }
}

extension JSONValue {
    /// The JSON form of any `Encodable` value (a model's `Configuration`).
    ///
    /// - Parameter value: The value to convert.
    /// - Throws: `EncodingError` or `DecodingError` when the value cannot be represented.
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: ReportJSON.encode(value))
    }
}
