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
///
/// SGEMM with k > 1024 sums k in 2048-deep slabs too (`kc(_:k:)`, a function of k alone; k <= 1024, every
/// product of the MLP training step, keeps 256 and its bits), and such a product takes the packed path even
/// when its B rows alias (`GEMMProblem.copiesAliasedB`). The 2048^3 square ran on the direct path over a
/// padded copy of B (perf 2026-12-03 20:08 UTC: 90% of the samples in the microkernel, 0.6% in the driver,
/// so no C-miss stall there); deeper slabs on that path moved it within noise (1 thread, KC 256 / 1024 / 2048:
/// 83.6-92.4 / 84.3-95.6 / 90.5-94.9 GFLOPS), the packed path with 2048-deep slabs passes over C once and
/// runs faster (three alternations, 20:19 UTC: 1 thread 84.6-88.9 -> 95.4-99.2, 2 threads 167-188 -> 186-201).
public enum GEMMBlocking {
    /// Problems with fewer rows than this take the row path (no tile; see `GEMMPath`): the height of
    /// the shortest tile, fixed so the path depends on the shape alone.
    public static let rowPathLimit = 6
    /// Depth of one k-slab (SGEMM with k <= `floatDeepSlabMinimumK`; otherwise `kc(_:k:)`).
    public static let kc = 256
    /// Largest number of rows of A packed per block (a multiple of every kernel's `mr`: 6, 8, 10, 12).
    public static let mcMax = 240
    /// Largest number of columns of B packed per panel (a multiple of every kernel's `nr`: 32, 16, 8, 4).
    public static let ncMax = 4080 - 4080 % 32
    /// DGEMM's slab depth and panel width (see above); multiples of every Double `nr` (16, 8, 4).
    static let doubleKC = 2048, doubleNCMax = 2048
    /// SGEMM's slab depth for deep products (k > `floatDeepSlabMinimumK`; see above).
    static let floatDeepKC = 2048
    /// SGEMM products with k up to this sum in `kc`-deep slabs (every MLP product of the training step).
    static let floatDeepSlabMinimumK = 1024

    /// The slab depth for `Scalar` when k does not matter: the shallowest one (path choices for k <= KC).
    static func kc<Scalar>(_: Scalar.Type) -> Int { Scalar.self == Double.self ? doubleKC : kc }
    /// The slab depth of a product of depth `k`: a function of the scalar type and k alone, the same on every
    /// path and for every thread count.
    static func kc<Scalar>(_: Scalar.Type, k: Int) -> Int {
        Scalar.self == Double.self ? doubleKC : k > floatDeepSlabMinimumK ? floatDeepKC : kc
    }
    /// The widest packed panel of B for `Scalar`.
    static func ncMax<Scalar>(_: Scalar.Type) -> Int { Scalar.self == Double.self ? doubleNCMax : ncMax }

    /// The invariants the driver relies on; checked once when the first kernel is selected.
    static func checkInvariants<Scalar>(_: Scalar.Type, mr: Int, nr: Int) {
        let kc = kc(Scalar.self, k: .max), ncMax = ncMax(Scalar.self)
        let scalarSize = MemoryLayout<Scalar>.stride
        precondition(mr > 0 && nr > 0 && kc > 0, "block sizes must be positive")
        precondition(mcMax % mr == 0, "mcMax (\(mcMax)) must be a multiple of mr (\(mr))")
        precondition(ncMax % nr == 0, "ncMax (\(ncMax)) must be a multiple of nr (\(nr))")
        // The deepest KC x NR micro-panel of B: a quarter of L2 (see above); SGEMM's 256-deep one fits L1.
        precondition(kc * nr * scalarSize <= 256 * 1024, "a KC x NR micro-panel of B is too large")
        precondition(Scalar.self == Double.self || GEMMBlocking.kc * nr * scalarSize <= 48 * 1024,
                     "a 256-deep SGEMM micro-panel of B must fit L1")
    }
}
