import Dispatch
import RecMath
import Testing

@Suite struct ParallelTests {
    @Test("withThreads sets the count for its closure and restores the outer one after")
    func scoped() {
        let outside = Parallelism.threads
        Parallelism.withThreads(3) {
            #expect(Parallelism.threads == 3)
            #expect(parallelChunkCount(1000) == 12)
            Parallelism.withThreads(1) {
                #expect(Parallelism.threads == 1 && parallelChunkCount(1000) == 1)
            }
            #expect(Parallelism.threads == 3)
        }
        #expect(Parallelism.threads == outside)
        #expect(Parallelism.withThreads(0) { Parallelism.threads } == Parallelism.defaultThreads)
    }

    @Test("two threads holding different scopes at the same time each see their own count")
    func concurrentScopes() throws {
        // A enters withThreads(2) and waits; B enters withThreads(1) and, while still inside, lets
        // A read its count. With one process-wide count, B's 1 would be what A reads.
        let aEntered = DispatchSemaphore(value: 0)
        let bInside = DispatchSemaphore(value: 0)
        let aRead = DispatchSemaphore(value: 0)
        let aDone = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var aChunks = -1
        nonisolated(unsafe) var aTimedOut = false
        DispatchQueue.global().async {
            Parallelism.withThreads(2) {
                aEntered.signal()
                aTimedOut = bInside.wait(timeout: .now() + 30) == .timedOut
                aChunks = parallelChunkCount(100)
                aRead.signal()
            }
            aDone.signal()
        }
        #expect(aEntered.wait(timeout: .now() + 30) == .success)
        let bChunks = Parallelism.withThreads(1) {
            bInside.signal()
            let read = aRead.wait(timeout: .now() + 30)
            #expect(read == .success)
            return parallelChunkCount(100)
        }
        try #require(aDone.wait(timeout: .now() + 30) == .success)
        #expect(!aTimedOut)
        #expect(aChunks == 8, "2 threads, about four chunks each")
        #expect(bChunks == 1)
    }

    @Test("parallelFor splits by the scoped count and covers every index once", arguments: [1, 2, 3])
    func coversRange(threads: Int) {
        let count = 1001
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
        defer { hits.deallocate() }
        hits.initialize(repeating: 0)
        nonisolated(unsafe) let out = hits  // chunk c adds to its own range only
        let used = Parallelism.withThreads(threads) {
            parallelFor(count, minimumChunk: 10) { range, _ in
                for i in range { out[i] += 1 }
            }
        }
        #expect(used == (threads == 1 ? 1 : 4 * threads))
        #expect(hits.allSatisfy { $0 == 1 })
    }
}
