import XCTest
import SwiftLearnSystem

final class CandidateTimingTests: XCTestCase {
    /// Five runs when the candidate stays under the limit, exactly three when it is above it from the start
    /// (never one: a single preempted run must not decide), and the result is the fastest run.
    func testRunsFiveTimesOrGivesUpAfterThreeAndReturnsTheFastestRun() {
        var runs = 0
        let fast = CandidateTiming.bestSeconds { runs += 1 }
        XCTAssertEqual(runs, 5)
        XCTAssert(fast >= 0 && fast < 1, "\(fast)")

        runs = 0
        let slow = CandidateTiming.bestSeconds(givingUpAbove: 1e-4) { runs += 1; usleep(2_000) }
        XCTAssertEqual(runs, 3)
        XCTAssertGreaterThanOrEqual(slow, 2e-3)

        // The best, not the last: the second run is the only short one.
        runs = 0
        let best = CandidateTiming.bestSeconds { runs += 1; usleep(runs == 2 ? 0 : 50_000) }
        XCTAssertEqual(runs, 5)
        XCTAssertLessThan(best, 50e-3)
    }
}
