import Glibc

/// A value that threads share, reachable only while holding its lock (the same shape as the standard
/// library's `Synchronization.Mutex`, which every module uses this type instead of).
///
/// Why not `Mutex`: on Linux it is built on raw `futex` system calls, which ThreadSanitizer cannot see.
/// Under `swift test --sanitize=thread` every value a `Mutex` guards then looks unsynchronized (false
/// reports), and a real race on that value is drowned among them. This lock is a `pthread_mutex_t`, whose
/// lock and unlock ThreadSanitizer intercepts, so `.ci/tsan.sh` can demand zero reports.
///
/// ```swift
/// let counts = Locked([String: Int]())
/// DispatchQueue.concurrentPerform(iterations: 4) { _ in counts.withLock { $0["seen", default: 0] += 1 } }
/// counts.withLock { $0["seen"] }   // 4
/// ```
public final class Locked<Value>: @unchecked Sendable {
    // Heap-allocated: a pthread mutex must not move while in use, and a class's stored property may.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // Also its own allocation, not a stored property: TSan places a zero-sized stored property (`Locked(())`)
    // at the object's start and then reports the object header's reads as racing with it.
    private let value: UnsafeMutablePointer<Value>

    public init(_ initialValue: consuming sending Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed with error \(status)")
        value = .allocate(capacity: 1)
        value.initialize(to: initialValue)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` with exclusive access to the value and returns what it returns. `body` must not call
    /// `withLock` on the same instance (the lock is not recursive).
    public func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
