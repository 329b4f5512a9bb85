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
}
