import Glibc
import SwiftLearnSystem
import XCTest
@testable import SwiftLearnGEMM

/// What keeps a core's data on that core from call to call when two threads run products side by side (a layer's
/// two column panels in training): the pool runs iteration 0 on the calling thread, and the packing pool hands a
/// thread back the buffer it gave back itself.
final class ThreadAffinityTests: XCTestCase {
    /// Iteration 0 always runs on the calling thread, for 2 and 3 threads and any count; every iteration runs once.
    func testCallerRunsIterationZero() {
        let caller = pthread_self(), savedThreadCount = Parallelism.threadCount
        defer { Parallelism.threadCount = savedThreadCount }
        for threads in [2, 3] {
            Parallelism.threadCount = threads
            for count in [2, 3, 8] {
                for _ in 0..<200 {
                    var runners = [pthread_t](repeating: 0, count: count)
                    var runs = [Int](repeating: 0, count: count)
                    runners.withUnsafeMutableBufferPointer { runners in
                        runs.withUnsafeMutableBufferPointer { runs in
                            Parallelism.run(count) { index in
                                runners[index] = pthread_self()
                                runs[index] += 1
                            }
                        }
                    }
                    XCTAssertEqual(runs, [Int](repeating: 1, count: count), "\(threads) threads, count \(count)")
                    XCTAssertEqual(runners[0], caller, "\(threads) threads, count \(count)")
                }
            }
        }
    }

    /// Of two free buffers of one size, each thread takes the one it gave back (a size no other test uses, above
    /// the sizes the pool evicts first).
    func testPackingPoolPrefersTheCallersOwnBuffer() {
        let bytes = 6 * 1024 * 1024 + 64 * 1024 + 1
        let (sizeA, mine) = PackingBufferPool.take(bytes: bytes, as: UInt8.self)
        let (sizeB, theirs) = PackingBufferPool.take(bytes: bytes, as: UInt8.self)
        XCTAssertEqual(sizeA, sizeB)
        let theirsAddress = Int(bitPattern: theirs)
        // Another thread gives back `theirs`, then this one gives back `mine`.
        runOnOtherThread { PackingBufferPool.give(UnsafeMutableRawPointer(bitPattern: theirsAddress)!, bytes: sizeB) }
        PackingBufferPool.give(UnsafeMutableRawPointer(mine), bytes: sizeA)
        let (_, again) = PackingBufferPool.take(bytes: bytes, as: UInt8.self)
        XCTAssertNotEqual(Int(bitPattern: again), theirsAddress, "this thread got the other thread's buffer")
        var otherGot = 0
        runOnOtherThread {
            let (size, buffer) = PackingBufferPool.take(bytes: bytes, as: UInt8.self)
            otherGot = Int(bitPattern: buffer)
            PackingBufferPool.give(UnsafeMutableRawPointer(buffer), bytes: size)
        }
        PackingBufferPool.give(UnsafeMutableRawPointer(again), bytes: sizeA)
        XCTAssertEqual(otherGot, theirsAddress, "the other thread did not get its own buffer back")
    }

    /// Runs `body` on a new thread and waits for it.
    private func runOnOtherThread(_ body: @escaping () -> Void) {
        final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        XCTAssertEqual(status, 0)
        pthread_join(thread, nil)
    }
}
