import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How many threads the package's parallel loops use.
///
/// Set once at start-up (the CLI's `--threads`); the default is the number of active cores.
/// Results depend on the thread count only through the order of floating-point reductions,
/// which is fixed for a given count, so a seed and a thread count always give the same numbers.
public enum Parallelism {
    nonisolated(unsafe) private static var _threads = 0

    /// The thread count in force (at least 1).
    public static var threads: Int {
        get { _threads > 0 ? _threads : ProcessInfoCores.active }
        set { _threads = max(0, newValue) }
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
