import Foundation
import XCTest
import SwiftLearnTestSupport
@testable import SwiftLearnRandom

final class RandomStateTests: XCTestCase {
    func testRaw32BitStreamMatchesNumpyLegacySeeding() {
        for stream in numpyStreams {
            var rng = RandomState(seed: stream.seed)
            let raw = (0..<stream.raw32.count).map { _ in rng.nextUInt32() }
            XCTAssertEqual(raw, stream.raw32, "seed \(stream.seed)")
        }
    }

    func testNextComposesTwo32BitDrawsHighFirst() {
        for stream in numpyStreams {
            var rng = RandomState(seed: stream.seed)
            let expected = (UInt64(stream.raw32[0]) << 32) | UInt64(stream.raw32[1])
            XCTAssertEqual(rng.next(), expected, "seed \(stream.seed)")
        }
    }

    func testRandomSampleIsBitExact() {
        assertFromEverySeed(\.randomSample6) { $0.randomSample(6) }
        assertFromEverySeed(\.randomSample6[0]) { $0.randomSample() }
    }

    func testRandintSmallAndOddRanges() {
        assertFromEverySeed(\.randintMinus5To5) { $0.randint(-5, 5, count: 10) }
        assertFromEverySeed(\.randint0To1000003) { $0.randint(0, 1_000_003, count: 6) }
        assertFromEverySeed(\.randintScalar0To7) { rng in (0..<3).map { _ in rng.randint(0, 7) } }
    }

    func testRandintLargeRangesUse32And64BitPathsLikeNumpy() {
        // range 2**32 - 1: the unmasked full 32-bit path.
        assertFromEverySeed(\.randint0To2p32) { $0.randint(0, 1 << 32, count: 5) }
        // range 2**32: just over 32 bits, masked 64-bit draws.
        assertFromEverySeed(\.randint0To2p32Plus1) { $0.randint(0, (1 << 32) + 1, count: 5) }
        assertFromEverySeed(\.randintMinus2p40To2p41) { $0.randint(-(1 << 40), 1 << 41, count: 5) }
        assertFromEverySeed(\.randintInt64MinToMax) { $0.randint(Int.min, Int.max, count: 4) }
    }

    func testPermutationNotPowerOfTwo() {
        assertFromEverySeed(\.permutation37) { $0.permutation(37) }
        assertFromEverySeed(\.permutation1000Head) { Array($0.permutation(1000).prefix(12)) }
    }

    func testShuffleMatchesKerasBostonRowOrder() {
        var rng = RandomState(seed: 113)
        var rows = Array(0..<506)
        rng.shuffle(&rows)
        XCTAssertEqual(rows, numpyShuffledArange506Seed113)

        var strings = (0..<10).map { "row\($0)" }
        var rng2 = RandomState(seed: 113)
        rng2.shuffle(&strings)
        XCTAssertEqual(strings, numpyShuffledList10Seed113.map { "row\($0)" })
    }

    func testShuffleOfEmptyAndSingletonConsumesNothing() {
        var rng = RandomState(seed: 0)
        var empty: [Int] = []
        var single = [7]
        rng.shuffle(&empty)
        rng.shuffle(&single)
        XCTAssertEqual(single, [7])
        XCTAssertEqual(rng.nextUInt32(), numpyStreams[0].raw32[0])
        var other = RandomState(seed: 3)
        XCTAssertEqual(other.permutation(0), [])
    }

    func testStandardNormalPolarBoxMullerWithCachedSecondValue() {
        assertFromEverySeed(\.standardNormal5) { $0.standardNormal(5) }
    }

    func testUniformAndNormalConveniences() {
        assertFromEverySeed(\.uniformMinus2To3) { $0.uniform(-2, 3, count: 3) }
        assertFromEverySeed(\.normal10Std2) { $0.normal(10, 2, count: 3) }
    }

    func testInterleavedCallsKeepTheGaussianCacheLikeNumpy() {
        for stream in numpyStreams {
            var rng = RandomState(seed: stream.seed)
            XCTAssertEqual(rng.standardNormal(), stream.mixedNormal[0], "seed \(stream.seed)")
            XCTAssertEqual(rng.randint(0, 100), stream.mixedRandint, "seed \(stream.seed)")
            XCTAssertEqual(rng.randomSample(), stream.mixedSample, "seed \(stream.seed)")
            XCTAssertEqual(rng.standardNormal(), stream.mixedNormal[1], "seed \(stream.seed)")
        }
    }

    func testSameSeedGivesIdenticalStreamsAcrossCopies() {
        var a = RandomState(seed: 2024)
        _ = a.randomSample(700)  // crosses a twist boundary
        var b = a
        XCTAssertEqual(a.randint(0, 1000, count: 50), b.randint(0, 1000, count: 50))
        XCTAssertEqual(a.standardNormal(3), b.standardNormal(3))
    }

    func testWorksAsSwiftRandomNumberGenerator() {
        var rng = RandomState(seed: 9)
        let values = (0..<200).map { _ in Int.random(in: 0..<5, using: &rng) }
        XCTAssertEqual(Set(values), Set(0..<5))
    }

    // MARK: - Shared fixture

    func testSharedFixtureStreams() throws {
        let data = try Data(contentsOf: TestFiles.fixture("sklearn_numpy_reference.json"))
        struct Entry: Decodable {
            let seed: UInt32
            let random_sample_5: [Double]
            let randint_0_10_8: [Int]
            let permutation_20: [Int]
        }
        struct BostonSplit: Decodable {
            let seed: UInt32
            let test_split: Double
            let train_index: [Int]
            let test_index: [Int]
        }
        struct Root: Decodable {
            let randomstate: [Entry]
            let keras_boston_split: [BostonSplit]
        }
        // JSONDecoder, not JSONSerialization: the latter misreads many doubles on Linux.
        let root = try JSONDecoder().decode(Root.self, from: data)
        XCTAssertFalse(root.keras_boston_split.isEmpty)
        for split in root.keras_boston_split {
            // Keras: RandomState(seed).shuffle(arange(506)), cut at int(506 * (1 - test_split)).
            var rng = RandomState(seed: split.seed)
            var rows = Array(0..<506)
            rng.shuffle(&rows)
            let cut = Int(506 * (1 - split.test_split))
            XCTAssertEqual(Array(rows[..<cut]), split.train_index, "seed \(split.seed)")
            XCTAssertEqual(Array(rows[cut...]), split.test_index, "seed \(split.seed)")
        }
        XCTAssertFalse(root.randomstate.isEmpty)
        for entry in root.randomstate {
            var rng = RandomState(seed: entry.seed)
            XCTAssertEqual(rng.randomSample(5), entry.random_sample_5, "seed \(entry.seed)")
            rng = RandomState(seed: entry.seed)
            XCTAssertEqual(rng.randint(0, 10, count: 8), entry.randint_0_10_8, "seed \(entry.seed)")
            rng = RandomState(seed: entry.seed)
            XCTAssertEqual(rng.permutation(20), entry.permutation_20, "seed \(entry.seed)")
        }
    }

    /// Asserts, for every numpy reference stream, that `draw` on a fresh `RandomState(seed:)` gives the stream's
    /// recorded values.
    private func assertFromEverySeed<Value: Equatable>(
        _ expected: KeyPath<NumpyStream, Value>, file: StaticString = #filePath, line: UInt = #line,
        _ draw: (inout RandomState) -> Value
    ) {
        for stream in numpyStreams {
            var rng = RandomState(seed: stream.seed)
            XCTAssertEqual(draw(&rng), stream[keyPath: expected], "seed \(stream.seed)", file: file, line: line)
        }
    }
}
