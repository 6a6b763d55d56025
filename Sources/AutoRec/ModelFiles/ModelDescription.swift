import Foundation

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
