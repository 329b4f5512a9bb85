import Dispatch
import XCTest
import SwiftLearnSystem

final class LockedTests: XCTestCase {
    /// Many threads incrementing through the lock lose no update (a naive loop gives the expected total);
    /// under `.ci/tsan.sh` the same test must produce no ThreadSanitizer report.
    func testConcurrentUpdatesThroughTheLockAreNeverLost() {
        let counts = Locked([Int](repeating: 0, count: 4))
        let iterations = 8
        let incrementsPerIteration = 2_000
        DispatchQueue.concurrentPerform(iterations: iterations) { iteration in
            for step in 0..<incrementsPerIteration {
                counts.withLock { $0[(iteration + step) % 4] += 1 }
            }
        }
        let total = counts.withLock { $0.reduce(0, +) }
        XCTAssertEqual(total, iterations * incrementsPerIteration)
        XCTAssertEqual(counts.withLock { $0 }, [4_000, 4_000, 4_000, 4_000])
    }

    func testWithLockReturnsTheBodysResultAndRethrowsItsTypedError() {
        struct Refused: Error, Equatable { let value: Int }
        let box = Locked(41)
        XCTAssertEqual(box.withLock { value -> Int in value += 1; return value * 2 }, 84)
        do {
            try box.withLock { (value: inout Int) throws(Refused) in throw Refused(value: value) }
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, Refused(value: 42))
        }
        // The lock was released by the throw: taking it again does not deadlock.
        XCTAssertEqual(box.withLock { $0 }, 42)
    }
}
