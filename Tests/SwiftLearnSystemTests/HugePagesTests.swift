import XCTest
import SwiftLearnSystem

final class HugePagesTests: XCTestCase {
    /// From the threshold up the buffer starts on a huge-page boundary (so the whole of it can be advised);
    /// below it, on a cache line. Every byte is writable and reads back what was written.
    func testAllocationAlignmentFollowsTheThresholdAndTheMemoryIsUsable() {
        for byteCount in [1, 4096, HugePages.minimumByteCount - 64, HugePages.minimumByteCount, 9 << 20] {
            let raw = HugePages.allocate(byteCount: byteCount)
            defer { raw.deallocate() }
            let alignment = byteCount >= HugePages.minimumByteCount ? HugePages.pageSize : 64
            XCTAssertEqual(Int(bitPattern: raw) % alignment, 0, "\(byteCount) bytes at \(raw)")
            let bytes = raw.bindMemory(to: UInt8.self, capacity: byteCount)
            for index in 0..<byteCount { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
            var mismatches = 0
            for index in 0..<byteCount where bytes[index] != UInt8(truncatingIfNeeded: index &* 31) { mismatches += 1 }
            XCTAssertEqual(mismatches, 0, "\(byteCount) bytes")
        }
    }

    /// Advice on an unaligned buffer already holding data (its head and tail are prefaulted, its interior
    /// advised) leaves every byte as it was, including those just outside the advised interior.
    func testAdviceOnAnUnalignedBufferKeepsItsContents() {
        let total = 12 << 20
        let raw = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 64)
        defer { raw.deallocate() }
        let words = raw.bindMemory(to: UInt32.self, capacity: total / 4)
        for index in 0..<(total / 4) { words[index] = UInt32(truncatingIfNeeded: index &* 2_654_435_761) }
        HugePages.advise(raw + 4160, byteCount: total - 8192)
        var mismatches = 0
        for index in 0..<(total / 4) where words[index] != UInt32(truncatingIfNeeded: index &* 2_654_435_761) { mismatches += 1 }
        XCTAssertEqual(mismatches, 0)
    }

    /// `array(of:count:initializingWith:)` gives exactly `count` elements holding what `body` wrote, below the
    /// advice threshold, between it and the whole-mapping size, and above (capacity rounded to whole huge pages),
    /// for 1-, 4- and 8-byte elements; an empty array and a throwing body leave nothing behind.
    func testFreshArrayKeepsCountAndValuesAtEverySize() throws {
        func check<T: FixedWidthInteger>(_: T.Type, count: Int) {
            let array = HugePages.array(of: T.self, count: count) { buffer in
                for i in buffer.indices { buffer[i] = T(truncatingIfNeeded: i &* 2_654_435_761) }
            }
            XCTAssertEqual(array.count, count, "\(T.self) x \(count)")
            XCTAssertGreaterThanOrEqual(array.capacity, HugePages.arrayCapacity(count: count, stride: MemoryLayout<T>.stride))
            var mismatches = 0
            for i in array.indices where array[i] != T(truncatingIfNeeded: i &* 2_654_435_761) { mismatches += 1 }
            XCTAssertEqual(mismatches, 0, "\(T.self) x \(count)")
        }
        for count in [0, 1, 1000, (5 << 20) / 4, (17 << 20) / 4 + 3] {
            check(UInt32.self, count: count)
        }
        check(UInt8.self, count: (16 << 20) + 1)
        check(UInt64.self, count: (16 << 20) / 8 + 7)
        struct Failure: Error {}
        XCTAssertThrowsError(try HugePages.array(of: Float.self, count: 10) { _ in throw Failure() })
    }
}
