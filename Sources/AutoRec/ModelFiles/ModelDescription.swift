import Foundation
import RecData

/// The content of a model folder's `model.json`, of one model kind: decoded only after its
/// `formatVersion` is checked, then validated field by field.
public protocol ModelDescription: Decodable {
    /// The newest `formatVersion` of this layout that this build reads.
    static var supportedFormatVersion: Int { get }

    /// Checks what decoding cannot: every field holds a value a saved model can have.
    ///
    /// - Parameter path: The file, named in errors.
    /// - Throws: ``ModelFileError/invalidField(path:field:problem:)`` for the first field at fault.
    func validate(path: String) throws(ModelFileError)
}

extension ModelDescription {
    /// Decodes and validates the bytes of a `model.json`: the `formatVersion` first (so a file
    /// from a newer release gets a clear message rather than a missing-key error), then the
    /// fields, then ``validate(path:)``.
    ///
    /// - Parameters:
    ///   - json: The file's bytes.
    ///   - path: The file, named in errors.
    /// - Returns: A description every field of which a model can have.
    /// - Throws: ``ModelFileError`` naming `path` and the field at fault.
    public static func decode(_ json: Data, path: String) throws(ModelFileError) -> Self {
        _ = try ModelDirectory.checkFormatVersion(of: json, supported: supportedFormatVersion, path: path)
        let d = try ModelDirectory.decodeJSON(Self.self, from: json, path: path)
        try d.validate(path: path)
        return d
    }
}

extension ModelDescription {
    /// Checks a saved rating scale: finite bounds, `minimum <= maximum` and a step of at least 0
    /// (0: ratings off any grid).
    ///
    /// - Throws: ``ModelFileError/invalidField(path:field:problem:)`` naming `scale.*`.
    static func checkScale(_ scale: RatingScale, path: String) throws(ModelFileError) {
        func bad(_ field: String, _ problem: String) -> ModelFileError {
            .invalidField(path: path, field: field, problem: problem)
        }
        let bounds = [
            ("scale.minimum", scale.minimum), ("scale.maximum", scale.maximum), ("scale.step", scale.step),
        ]
        for (name, value) in bounds where !value.isFinite {
            throw bad(name, "must be a finite number, found \(value)")
        }
        guard scale.minimum <= scale.maximum else {
            throw bad("scale", "has minimum \(scale.minimum) above maximum \(scale.maximum)")
        }
        guard scale.step >= 0 else { throw bad("scale.step", "must be >= 0, found \(scale.step)") }
    }

    /// Checks raw-id lists (field name, ids): each has at least one id and no id twice.
    ///
    /// - Throws: ``ModelFileError/invalidField(path:field:problem:)`` naming the list.
    static func checkIDs(_ lists: [(field: String, ids: [String])], path: String) throws(ModelFileError) {
        for (name, ids) in lists {
            guard !ids.isEmpty else {
                throw .invalidField(path: path, field: name, problem: "is empty: a trained model has at least one")
            }
            var seen = Set<String>()
            for id in ids where !seen.insert(id).inserted {
                throw .invalidField(path: path, field: name, problem: "lists the raw id \(String(reflecting: id)) twice")
            }
        }
    }
}
