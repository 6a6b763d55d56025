import AutoRec
import Logging
import Synchronization

/// The model a server answers with, swapped whole on reload.
///
/// Each request takes the current ``LoadedModel`` once and uses it to the end, so a reload never
/// changes a model under a request in flight: old requests finish on the old instance, new ones
/// get the new one. A folder that fails to load is refused and the current model stays.
public final class ModelHolder: Sendable {
    private let state: Mutex<LoadedModel>
    private let load: @Sendable (String) throws -> LoadedModel

    /// Holds `initial`; `load` reads a folder for ``reload(from:)`` (default: ``ServableModelLoader``).
    public init(
        _ initial: LoadedModel,
        load: @escaping @Sendable (String) throws -> LoadedModel = ServableModelLoader.load(folder:)
    ) {
        state = Mutex(initial)
        self.load = load
    }

    /// Loads the folder at `path` and serves it.
    ///
    /// - Throws: the loader's error (``ModelFileError`` for a bad folder); nothing changes then.
    public convenience init(folder path: String) throws {
        self.init(try ServableModelLoader.load(folder: path))
    }

    /// The model serving now.
    public var current: LoadedModel { state.withLock { $0 } }

    /// Loads the folder again (or `path`) and swaps it in; returns (old, new).
    ///
    /// The load runs outside the lock: requests keep being answered by the old model meanwhile.
    /// - Throws: the loader's error; the old model keeps serving.
    @discardableResult
    public func reload(from path: String? = nil) throws -> (old: LoadedModel, new: LoadedModel) {
        let next = try load(path ?? current.path)
        let old = state.withLock { value in
            let old = value
            value = next
            return old
        }
        return (old, next)
    }
}
