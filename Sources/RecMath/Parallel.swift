import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How many threads the package's parallel loops use.
///
/// Two levels decide the count, read once per ``parallelFor(_:minimumChunk:_:)`` call:
/// - a scoped override, ``withThreads(_:_:)``, seen only by the calling thread or task (and the
///   child tasks it starts) for the duration of the closure: libraries and tests use this;
/// - otherwise the process-wide ``defaultThreads``, which only an executable sets, once at
///   start-up before any work runs (the CLI's `--threads`); unset, it is the number of active cores.
///
/// Results depend on the thread count only through the order of floating-point reductions,
/// which is fixed for a given count, so a seed and a thread count always give the same numbers.
/// Because an override is scoped, code running at the same time on other threads (tests run in
/// parallel) keeps its own count and its bit-exact results.
public enum Parallelism {
    nonisolated(unsafe) private static var _defaultThreads = 0

    /// The override of the current thread or task, if ``withThreads(_:_:)`` set one.
    @TaskLocal private static var scoped: Int?

    /// The process-wide thread count (at least 1): the active cores unless an executable set it.
    ///
    /// Set it only from an executable's start-up code, before any parallel work begins and never
    /// concurrently with it (the store is not synchronised); `0` restores the default. Libraries and
    /// tests must use ``withThreads(_:_:)`` instead, which cannot affect other threads.
    public static var defaultThreads: Int {
        get { _defaultThreads > 0 ? _defaultThreads : ProcessInfoCores.active }
        set { _defaultThreads = max(0, newValue) }
    }

    /// The thread count in force for the caller (at least 1): the innermost
    /// ``withThreads(_:_:)`` around it, else ``defaultThreads``.
    public static var threads: Int {
        if let n = scoped { return n }
        return defaultThreads
    }

    /// Runs `body` with `count` threads for every parallel loop it runs on the calling thread or
    /// task; other threads keep their own count. Scopes nest: the innermost wins.
    ///
    /// - Parameter count: Threads to use; `0` (or less) means the active cores.
    /// - Returns: What `body` returns.
    public static func withThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(count > 0 ? count : ProcessInfoCores.active, operation: body)
    }
}

enum ProcessInfoCores {
    static let active: Int = {
        #if canImport(Glibc)
        let n = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, n)
        #else
        return 1
        #endif
    }()
}

/// Runs `body` over contiguous chunks of `0..<count`, spread over `Parallelism.threads` threads.
///
/// The chunking depends only on `count`, `minimumChunk` and the thread count (about four chunks per
/// thread), so a reduction that keeps one partial per chunk and sums them in chunk order is
/// deterministic. `body` receives the chunk's range and its index in `0..<chunkCount`.
/// Never nest calls.
///
/// - Returns: the number of chunks used (size an array of partials with
///   ``parallelChunkCount(_:minimumChunk:)`` beforehand).
@discardableResult
public func parallelFor(
    _ count: Int, minimumChunk: Int = 1, _ body: (_ range: Range<Int>, _ chunk: Int) -> Void
) -> Int {
    let chunks = parallelChunkCount(count, minimumChunk: minimumChunk)
    if chunks <= 1 {
        if count > 0 { body(0..<count, 0) }
        return count > 0 ? 1 : 0
    }
    withoutActuallyEscaping(body) { body in
        // The closure only reads the captured `body`; every chunk works on a disjoint range.
        nonisolated(unsafe) let run = body
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            run(parallelChunkRange(c, of: chunks, count: count), c)
        }
    }
    return chunks
}

/// The number of chunks ``parallelFor(_:minimumChunk:_:)`` splits `count` items into.
public func parallelChunkCount(_ count: Int, minimumChunk: Int = 1) -> Int {
    guard count > 0 else { return 0 }
    let threads = Parallelism.threads
    if threads <= 1 { return 1 }
    let wanted = threads * 4
    let bySize = max(1, count / max(1, minimumChunk))
    return max(1, min(wanted, bySize, count))
}

/// The range of chunk `c` of `chunks` over `0..<count` (balanced: sizes differ by at most one).
@inlinable
public func parallelChunkRange(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
    let base = count / chunks
    let extra = count % chunks
    let lo = c * base + min(c, extra)
    return lo..<(lo + base + (c < extra ? 1 : 0))
}
