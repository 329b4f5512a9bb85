#if canImport(Glibc)
import Glibc
#endif

/// Asks Linux for transparent huge pages on large fresh buffers, before their first write.
///
/// Above glibc's mmap threshold (up to 32 MB) every allocation is a fresh mapping, and writing it faults in
/// one 4 KB page at a time: a 40 MB result pays ~10,000 faults, which cost more than the arithmetic (a fresh
/// 1e7-element add measured 16.0 ms with 4 KB pages, 4.8 ms after this call). With the kernel's THP mode at
/// `madvise` (common, and this machine's), only advised ranges get 2 MB pages; numpy advises arrays of 4 MB
/// and more the same way. Only the 2 MB-aligned interior is advised, so the call never touches memory outside
/// the buffer. Elsewhere (Darwin, Musl, a kernel without THP) it does nothing.
enum HugePages {
    /// Buffers smaller than this keep ordinary pages (the same cut-off numpy uses).
    static let minimumByteCount = 4 << 20
    static let hugePageSize = 2 << 20
    /// `MADV_POPULATE_WRITE` (Linux 5.14), spelled out for C headers that predate it.
    static let populateWrite: Int32 = 23

    @inline(__always)
    static func advise(_ start: UnsafeMutableRawPointer?, byteCount: Int) {
        #if canImport(Glibc)
        guard byteCount >= minimumByteCount, let start else { return }
        let address = Int(bitPattern: start)
        let first = (address + hugePageSize - 1) & ~(hugePageSize - 1)
        let end = (address + byteCount) & ~(hugePageSize - 1)
        guard end > first else { return }
        // Advice only: failure (EINVAL on kernels without THP) leaves ordinary pages, which is still correct.
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, MADV_HUGEPAGE)
        // The unaligned head and tail (up to 2 MB each) stay in 4 KB pages: fault them in with one call each
        // instead of one trap per page (~570 traps per fresh 40 MB result). The pages are zeroed either way;
        // contents are unchanged (the call only prefaults). Fails harmlessly before Linux 5.14.
        let pageMask = 4095
        let headStart = address & ~pageMask, tailEnd = (address + byteCount + pageMask) & ~pageMask
        _ = madvise(UnsafeMutableRawPointer(bitPattern: headStart), first - headStart, populateWrite)
        _ = madvise(UnsafeMutableRawPointer(bitPattern: end), tailEnd - end, populateWrite)
        #endif
    }
}
