import SwiftLearnSystem
import SwiftLearnRandom

/// Process-wide state shared by every model, like Keras's backend session: the seed stream that
/// `setRandomSeed(_:)` resets and the counters behind automatic layer names.
///
/// Naming follows Keras's global uniquification: the first `Dense` created in the process is `dense`,
/// the next `dense_1`, and so on across all models, until ``clearSession()`` resets the counters.
/// Names are taken when a layer is created without an explicit name.
final class Session: Sendable {
    static let shared = Session()

    private struct State {
        var seedStream: RandomState?
        var nameCounts: [String: Int] = [:]
    }
    private let state = Locked(State())

    /// A fresh seed for one consumer (a layer's initializer, a dropout mask stream, one `fit`'s shuffling).
    /// Draws from the stream that `setRandomSeed` started, or from system entropy when no seed was set.
    func nextSeed() -> UInt32 {
        state.withLock { state in
            if state.seedStream == nil {
                var system = SystemRandomNumberGenerator()
                state.seedStream = RandomState(seed: UInt32(truncatingIfNeeded: system.next()))
            }
            return state.seedStream!.nextUInt32()
        }
    }

    func reseed(_ seed: UInt32) {
        state.withLock { $0.seedStream = RandomState(seed: seed) }
    }

    /// `base` the first time, then `base_1`, `base_2`, ...
    func uniqueName(_ base: String) -> String {
        state.withLock { state in
            let count = state.nameCounts[base, default: 0]
            state.nameCounts[base] = count + 1
            return count == 0 ? base : "\(base)_\(count)"
        }
    }

    func clearNames() {
        state.withLock { $0.nameCounts = [:] }
    }
}

/// Seeds every source of randomness in SwiftLearnNN: weight initialization, shuffling in `fit`,
/// validation splits and dropout masks. Like `keras.utils.set_random_seed`.
///
/// After `setRandomSeed(42)`, building the same model and fitting it on the same data gives
/// bit-identical weights on every run and for any thread count.
///
/// ```swift
/// setRandomSeed(42)
/// let model = Sequential { Dense(10, activation: .softmax) }
/// ```
public func setRandomSeed(_ seed: UInt32) {
    Session.shared.reseed(seed)
}

/// Resets automatic layer and model names (`dense`, `dense_1`, ...), like `keras.backend.clear_session()`.
public func clearSession() {
    Session.shared.clearNames()
}

/// Converts a `CamelCase` class name to Keras's `snake_case` layer-name base (`LeakyReLU` → `leaky_re_lu`).
func snakeCase(_ name: String) -> String {
    var result = ""
    let characters = Array(name)
    for (index, character) in characters.enumerated() {
        if character.isUppercase, index > 0 {
            // Keras's two rules: before a capital that starts a lowercase word, and between a lowercase
            // letter and a capital; a digit before a lone capital joins it (`Conv2D` → `conv2d`).
            let previousIsLower = characters[index - 1].isLowercase
            let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
            if previousIsLower || nextIsLower { result.append("_") }
        }
        result.append(contentsOf: character.lowercased())
    }
    return result
}
