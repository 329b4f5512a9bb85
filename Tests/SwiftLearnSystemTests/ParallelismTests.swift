import Dispatch
import Glibc
import XCTest
import SwiftLearnSystem

/// `Parallelism.run` on the persistent worker pool: every iteration exactly once, never more threads than
/// `threadCount`, nested and concurrent calls complete. Under `.ci/tsan.sh` these must give no report.
final class ParallelismTests: XCTestCase {
    private var savedThreadCount = 1
    override func setUp() { savedThreadCount = Parallelism.threadCount }
    override func tearDown() { Parallelism.threadCount = savedThreadCount }

    /// Runs `count` iterations and returns, per iteration, how many times it ran and which thread ran it.
    private func record(_ count: Int) -> (runs: [Int], threads: [pthread_t]) {
        var runs = [Int](repeating: 0, count: count)
        var threads = [pthread_t](repeating: 0, count: count)
        runs.withUnsafeMutableBufferPointer { runs in
            threads.withUnsafeMutableBufferPointer { threads in
                Parallelism.run(count) { index in
                    runs[index] += 1
                    threads[index] = pthread_self()
                }
            }
        }
        return (runs, threads)
    }

    func testEveryIterationRunsExactlyOnceForAnyCountAndThreadCount() {
        for threadCount in [1, 2, 3, 8] {
            Parallelism.threadCount = threadCount
            for count in [0, 1, 2, 3, 7, 64, 1000] {
                for _ in 0..<20 {
                    let (runs, threads) = record(count)
                    XCTAssertEqual(runs, [Int](repeating: 1, count: count), "count \(count), \(threadCount) threads")
                    XCTAssertLessThanOrEqual(Set(threads).count, threadCount, "count \(count)")
                }
            }
        }
    }

    func testOneThreadRunsEverythingInOrderOnTheCallingThread() {
        Parallelism.threadCount = 1
        var order: [Int] = []
        Parallelism.run(50) { order.append($0) }
        XCTAssertEqual(order, Array(0..<50))
        XCTAssertEqual(Set(record(50).threads), [pthread_self()])
    }

    /// Work split over the pool gives the same sums as a plain loop (each iteration owns a slice).
    func testSlicedSumsMatchAPlainLoop() {
        Parallelism.threadCount = 2
        let values = (0..<10_000).map { Double(($0 * 37) % 101) }
        let parts = 16
        var expected = [Double](repeating: 0, count: parts)
        for part in 0..<parts {
            for index in (values.count * part / parts)..<(values.count * (part + 1) / parts) { expected[part] += values[index] }
        }
        for _ in 0..<200 {
            var sums = [Double](repeating: -1, count: parts)
            sums.withUnsafeMutableBufferPointer { sums in
                Parallelism.run(parts) { part in
                    var sum = 0.0
                    for index in (values.count * part / parts)..<(values.count * (part + 1) / parts) { sum += values[index] }
                    sums[part] = sum
                }
            }
            XCTAssertEqual(sums, expected)
        }
    }

    func testNestedCallsCompleteAndRunEveryInnerIteration() {
        Parallelism.threadCount = 2
        let outer = 6, inner = 5
        var runs = [Int](repeating: 0, count: outer * inner)
        runs.withUnsafeMutableBufferPointer { runs in
            Parallelism.run(outer) { i in
                Parallelism.run(inner) { j in
                    Parallelism.run(2) { k in if k == 0 { runs[i * inner + j] += 1 } }
                }
            }
        }
        XCTAssertEqual(runs, [Int](repeating: 1, count: outer * inner))
    }

    /// Several threads calling `run` at once: one holds the pool, the others run inline; none is lost.
    func testManyConcurrentCallersEachGetTheirOwnIterationsDone() {
        Parallelism.threadCount = 2
        let callers = 8, calls = 200, count = 9
        let totals = Locked([Int](repeating: 0, count: callers))
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for call in 0..<calls {
                var seen = [Int](repeating: 0, count: count)
                seen.withUnsafeMutableBufferPointer { seen in
                    Parallelism.run(count) { index in seen[index] = index + call }
                }
                let sum = seen.reduce(0, +)
                totals.withLock { $0[caller] += sum }
            }
        }
        let perCall = (0..<count).reduce(0, +)
        let expected = (0..<calls).reduce(0) { $0 + perCall + count * $1 }
        XCTAssertEqual(totals.withLock { $0 }, [Int](repeating: expected, count: callers))
    }

    /// After the workers have parked (idle past their spin time), a job still completes, again and again.
    func testJobsCompleteAfterTheWorkersPark() {
        Parallelism.threadCount = 2
        for _ in 0..<3 {
            usleep(2_000)
            XCTAssertEqual(record(4).runs, [1, 1, 1, 1])
        }
    }
}
