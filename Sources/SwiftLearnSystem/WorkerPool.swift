import Synchronization
import Glibc

/// The persistent threads behind ``Parallelism/run(_:_:)``.
///
/// Why not `DispatchQueue.concurrentPerform`: waking Dispatch's threads costs tens of microseconds per
/// call, which kept every product of a batch-32 training step on one core. These workers stay alive,
/// spin for a short while after each job (so back-to-back jobs are handed off in about a microsecond),
/// then park on a condition variable (so an idle program does not burn the machine).
///
/// One job at a time. The calling thread always takes a share of the iterations, so a job finishes even
/// if no worker shows up in time; its share starts with iteration 0, which it runs before claiming others,
/// so a caller that splits work by index (a layer's column panels) keeps part 0 on its own core from call to
/// call, and on two threads the helper keeps part 1 (before, a helper that joined fast could claim 0 first and
/// the parts, with their kernel panel and optimizer state, changed cores). A call that finds the pool taken (a nested call from inside a job, or
/// another thread's job in flight) runs its iterations inline on its own thread: callers split work over
/// disjoint outputs, so which thread runs an iteration never changes a result.
///
/// Synchronization is atomics (acquire/release) and a pthread mutex and condition variable for parking,
/// all of which ThreadSanitizer understands.
///
/// The job word packs three fields so that joining is one compare-and-swap that also checks the job
/// is still the one the worker saw:
///
///     state = generation << 24 | helpersAllowed << 12 | helpersJoined
///
/// The owner closes a job by setting `helpersJoined` to `closed`; after that no worker can join, and the
/// owner waits until every worker that joined has finished before it reuses the job's fields.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// Most helper threads a job may use (the 12-bit field, minus the `closed` marker).
    static let maximumHelpers = 1024
    /// How long an idle worker spins before it parks: long enough to bridge the serial gaps between the
    /// parallel calls of a training step, short enough that an idle pool costs nothing measurable.
    static let spinNanoseconds = 50_000

    private static let fieldBits = 12
    private static let fieldMask = (1 << fieldBits) - 1
    private static let closed = fieldMask

    private let state = Atomic<Int>(0)
    private let nextIndex = Atomic<Int>(0)
    private let finishedHelpers = Atomic<Int>(0)
    private let taken = Atomic<Bool>(false)
    private let parkedWorkers = Atomic<Int>(0)
    private let startedWorkers = Atomic<Int>(0)

    // Written by the owner only while the job is closed; read by helpers only after they joined (the
    // join's acquire pairs with the publishing release, so these plain fields are ordered by the atomics).
    private var body: ((Int) -> Void)?
    private var iterationCount = 0

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeUp: UnsafeMutablePointer<pthread_cond_t>

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        wakeUp = .allocate(capacity: 1)
        wakeUp.initialize(to: pthread_cond_t())
        pthread_cond_init(wakeUp, nil)
    }

    /// Runs `body(i)` for every `i` in `0..<count` on the calling thread and at most `helpers` workers.
    /// Returns `false` without running anything when the pool is taken (the caller then runs inline).
    func run(_ count: Int, helpers requestedHelpers: Int, _ body: (Int) -> Void) -> Bool {
        // A plain load first: a nested call (the common refusal) then reads the line instead of taking it
        // exclusively from the core running the outer job.
        guard !taken.load(ordering: .relaxed),
              taken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { taken.store(false, ordering: .releasing) }
        let helpers = Swift.min(requestedHelpers, WorkerPool.maximumHelpers)
        startWorkers(upTo: helpers)
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            iterationCount = count
            nextIndex.store(1, ordering: .relaxed)
            finishedHelpers.store(0, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> (2 * WorkerPool.fieldBits)) + 1
            // Sequentially consistent with the parked-worker count below: either a worker about to park
            // sees the new generation, or this thread sees the worker parked and wakes it.
            state.store(generation << (2 * WorkerPool.fieldBits) | helpers << WorkerPool.fieldBits,
                        ordering: .sequentiallyConsistent)
            if parkedWorkers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(wakeUp)
                pthread_mutex_unlock(mutex)
            }
            escapable(0)
            runIterations(escapable)
            let joined = close()
            var spins = 0
            while finishedHelpers.load(ordering: .acquiring) < joined {
                spins += 1
                // A helper that was preempted mid-iteration needs the core back.
                if spins > 4096 { sched_yield() }
            }
            self.body = nil
        }
        return true
    }

    /// Claims iterations until none are left.
    private func runIterations(_ body: (Int) -> Void) {
        let count = iterationCount
        var index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        while index < count {
            body(index)
            index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        }
    }

    /// Stops further helpers from joining; returns how many joined.
    private func close() -> Int {
        var current = state.load(ordering: .relaxed)
        while true {
            let joined = current & WorkerPool.fieldMask
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: current - joined + WorkerPool.closed, ordering: .acquiringAndReleasing)
            if exchanged { return joined }
            current = original
        }
    }

    /// A helper's share of the current job. Not inlined, so the helper's copy of the closure is released
    /// before it reports itself finished (the owner's `withoutActuallyEscaping` checks nothing kept it).
    @inline(never)
    private func helpWithJob() {
        guard let body else { return }
        runIterations(body)
    }

    private func workerLoop() {
        let generationShift = 2 * WorkerPool.fieldBits
        var current = state.load(ordering: .acquiring)
        var seen = current >> generationShift
        while true {
            var spins = 0
            var spinStart = 0
            while current >> generationShift == seen {
                spins += 1
                if spins & 255 == 0 {
                    let now = WorkerPool.nanoseconds()
                    if spinStart == 0 {
                        spinStart = now
                    } else if now - spinStart > WorkerPool.spinNanoseconds {
                        park(whileGeneration: seen)
                        spins = 0
                        spinStart = 0
                    }
                }
                current = state.load(ordering: .acquiring)
            }
            seen = current >> generationShift
            // Join if the job still has room; a failed exchange means another helper joined, the job
            // closed or a new one started: look again.
            while current >> generationShift == seen {
                let joined = current & WorkerPool.fieldMask
                let allowed = (current >> WorkerPool.fieldBits) & WorkerPool.fieldMask
                guard joined < allowed else { break }
                let (exchanged, original) = state.compareExchange(
                    expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
                if exchanged {
                    helpWithJob()
                    finishedHelpers.wrappingAdd(1, ordering: .releasing)
                    break
                }
                current = original
            }
            current = state.load(ordering: .acquiring)
        }
    }

    private func park(whileGeneration seen: Int) {
        pthread_mutex_lock(mutex)
        parkedWorkers.wrappingAdd(1, ordering: .sequentiallyConsistent)
        while state.load(ordering: .sequentiallyConsistent) >> (2 * WorkerPool.fieldBits) == seen {
            pthread_cond_wait(wakeUp, mutex)
        }
        parkedWorkers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
    }

    /// Starts workers until `count` exist. Called only by the pool's owner, so never concurrently.
    private func startWorkers(upTo count: Int) {
        while startedWorkers.load(ordering: .relaxed) < count {
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { context in
                Unmanaged<WorkerPool>.fromOpaque(context!).takeUnretainedValue().workerLoop()
                return nil
            }, Unmanaged.passUnretained(self).toOpaque())
            guard status == 0 else { return }   // fewer helpers: the owner's share covers the rest
            pthread_detach(thread)
            startedWorkers.wrappingAdd(1, ordering: .relaxed)
        }
    }

    private static func nanoseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return spec.tv_sec * 1_000_000_000 + spec.tv_nsec
    }
}
