import SwiftLearnSystem

/// Uninitialized memory that grows on demand and is kept between uses.
final class ScratchBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity = 0

    init() { pointer = .allocate(capacity: 1) }
    deinit { pointer.deallocate() }

    /// At least `count` elements (contents undefined after growing).
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        return pointer
    }

    var byteCount: Int { capacity * MemoryLayout<Element>.stride }

    func release() {
        pointer.deallocate()
        pointer = .allocate(capacity: 1)
        capacity = 0
    }
}

/// A JPEG decode's working memory: unstuffed scan data, coefficient storage, component planes, row buffers.
///
/// Decoding a photo needs several megabytes of it; taking fresh memory for every image costs a page fault per
/// 4 KiB (as much time as the IDCT). Workspaces are pooled instead: each decode takes one and returns it, so a
/// generator worker keeps reusing the same, already mapped memory. A workspace that grew beyond
/// ``keptBytes`` (an unusually large image) gives its memory back instead of keeping it.
/// Unchecked Sendable: a workspace is only ever used by the one decode that took it from the pool.
final class JPEGWorkspace: @unchecked Sendable {
    var scanBytes: [UInt8] = []
    let coefficients = ScratchBuffer<Int16>()
    let planes = ScratchBuffer<UInt8>()
    let rows = ScratchBuffer<UInt8>()
    let columnSums = ScratchBuffer<Int32>()

    static let keptBytes = 64 << 20
    static let pooled = 16
    private static let pool = Locked<[JPEGWorkspace]>([])

    /// Runs `body` with a pooled workspace.
    static func with<Result>(_ body: (JPEGWorkspace) throws(ImageError) -> Result) throws(ImageError) -> Result {
        let workspace = pool.withLock { $0.popLast() } ?? JPEGWorkspace()
        defer { workspace.recycle() }
        return try body(workspace)
    }

    private func recycle() {
        if coefficients.byteCount > JPEGWorkspace.keptBytes { coefficients.release() }
        if planes.byteCount > JPEGWorkspace.keptBytes { planes.release() }
        if scanBytes.capacity > JPEGWorkspace.keptBytes { scanBytes = [] }
        JPEGWorkspace.pool.withLock { pool in
            if pool.count < JPEGWorkspace.pooled { pool.append(self) }
        }
    }
}
