/// Cache blocking for the SGEMM driver, in one place.
///
/// The driver walks five loops around the microkernel (BLIS naming):
///
///     JC: columns of C in NC-wide panels        — a KC x NC panel of B lives in L3
///     PC: the k dimension in KC-deep slabs      — one slab of A and B at a time
///     IC: rows of C in MC-tall blocks           — an MC x KC block of A lives in L2
///     JR: NR-wide micro-panels of the B panel   — a KC x NR micro-panel lives in L1
///     IR: MR-tall micro-panels of the A block   — an MR x NR tile of C lives in registers
///
/// Sizes for this machine class (Zen 4/5: 32-48 KiB L1d, 1 MiB L2 per core):
/// a KC x NR micro-panel of B is 256 * 32 * 4 B = 32 KiB (fits a 48 KiB L1d with the 6-12 KiB A
/// micro-panel; on a 32 KiB L1d it streams from L2, which the kernel's 24-FMA steps hide);
/// an MC x KC block of A is at most 240 * 256 * 4 B = 240 KiB (a quarter of L2, so B streams past it);
/// measured on Zen 4 (32 KiB L1d, 2026-12-02): KC 128-384 and MC 48-336 move 512-2048 squares by
/// less than the run-to-run noise, so the sizes stay where results keep their bits.
/// a KC x NC panel of B is 256 * 4080 * 4 B = 4 MiB (a slice of the shared L3).
///
/// KC is the same for every kernel variant of one scalar type: k is always summed in the same KC-deep slabs
/// in the same order, so every path and every variant of one arithmetic family gives bit-identical results.
///
/// DGEMM sums k in 2048-deep slabs (`kc(Double.self)`), and its B panels are at most 2048 columns (a KC x NC
/// panel of 32 MiB, the shared L3). At 2048^3 with 256-deep slabs every slab read and rewrote all of C (32 MiB):
/// the touch loads before each tile's epilogue (`touchTile`) missed to DRAM and stalled retirement, 14% of the
/// run (perf, 2026-12-03 19:26 UTC, 77% of the driver's own samples on those loads). Deeper slabs pass over C
/// once; the KC x NR micro-panel of B (256 KiB) then streams from L2 and A's block from L3, which the hardware
/// prefetchers keep up with (gemm-bench, 1 thread, KC 256 / 1024 / 2048: 40-42 / 46-52 / 49-52 GFLOPS).
public enum GEMMBlocking {
    /// Problems with fewer rows than this take the row path (no tile; see `GEMMPath`): the height of
    /// the shortest tile, fixed so the path depends on the shape alone.
    public static let rowPathLimit = 6
    /// Depth of one k-slab (SGEMM; DGEMM: `kc(Double.self)`).
    public static let kc = 256
    /// Largest number of rows of A packed per block (a multiple of every kernel's `mr`: 6, 8, 10, 12).
    public static let mcMax = 240
    /// Largest number of columns of B packed per panel (a multiple of every kernel's `nr`: 32, 16, 8, 4).
    public static let ncMax = 4080 - 4080 % 32
    /// DGEMM's slab depth and panel width (see above); multiples of every Double `nr` (16, 8, 4).
    static let doubleKC = 2048, doubleNCMax = 2048

    /// The slab depth for `Scalar`.
    static func kc<Scalar>(_: Scalar.Type) -> Int { Scalar.self == Double.self ? doubleKC : kc }
    /// The widest packed panel of B for `Scalar`.
    static func ncMax<Scalar>(_: Scalar.Type) -> Int { Scalar.self == Double.self ? doubleNCMax : ncMax }

    /// The invariants the driver relies on; checked once when the first kernel is selected.
    static func checkInvariants<Scalar>(_: Scalar.Type, mr: Int, nr: Int) {
        let kc = kc(Scalar.self), ncMax = ncMax(Scalar.self), scalarSize = MemoryLayout<Scalar>.stride
        precondition(mr > 0 && nr > 0 && kc > 0, "block sizes must be positive")
        precondition(mcMax % mr == 0, "mcMax (\(mcMax)) must be a multiple of mr (\(mr))")
        precondition(ncMax % nr == 0, "ncMax (\(ncMax)) must be a multiple of nr (\(nr))")
        // SGEMM: the KC x NR micro-panel of B fits L1; DGEMM: a quarter of L2 (see above).
        precondition(kc * nr * scalarSize <= (Scalar.self == Double.self ? 256 : 48) * 1024, "a KC x NR micro-panel of B is too large")
    }
}
