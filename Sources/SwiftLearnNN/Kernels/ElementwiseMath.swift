import Glibc
import SwiftLearnTensor

// Scalar helpers for what ``VectorMath`` (SwiftLearnTensor's SIMD kernels, used for sigmoid, tanh,
// softmax and exp on buffers) does not provide: log1p and expm1 for softplus, elu and the stable
// logistic loss, where libm's accuracy near 0 matters more than speed.

@inline(__always) func expFloat(_ x: Float) -> Float { expf(x) }
@inline(__always) func logFloat(_ x: Float) -> Float { logf(x) }
@inline(__always) func log1pFloat(_ x: Float) -> Float { log1pf(x) }
@inline(__always) func expm1Float(_ x: Float) -> Float { expm1f(x) }

/// The logistic function, with the same arithmetic as the sigmoid layers use (``VectorMath``).
@inline(__always) func sigmoidFloat(_ x: Float) -> Float { VectorMath.sigmoid(x) }

/// `log(1 + exp(x))` without overflow: `max(x, 0) + log1p(exp(-|x|))`.
@inline(__always) func softplusFloat(_ x: Float) -> Float {
    Swift.max(x, 0) + log1pf(expf(-Swift.abs(x)))
}
