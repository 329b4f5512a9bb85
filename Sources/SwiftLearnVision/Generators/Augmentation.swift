#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftLearnRandom

/// One sample's random transform, drawn in Keras's `get_random_transform` order.
struct AugmentationParameters: Equatable {
    var theta = 0.0      // degrees
    var tx = 0.0         // rows (vertical shift, pixels)
    var ty = 0.0         // columns (horizontal shift, pixels)
    var shear = 0.0      // degrees
    var zx = 1.0
    var zy = 1.0
    var flipHorizontal = false
    var flipVertical = false

    var isAffineIdentity: Bool { theta == 0 && tx == 0 && ty == 0 && shear == 0 && zx == 1 && zy == 1 }
}

extension ImageDataGenerator {
    /// Draws the transform of one `height x width` image from `random` (Keras's draw order and scaling).
    func randomTransform(height: Int, width: Int, random: inout RandomState) -> AugmentationParameters {
        var p = AugmentationParameters()
        if rotationRange != 0 { p.theta = random.uniform(-rotationRange, rotationRange) }
        if heightShiftRange != 0 {
            p.tx = random.uniform(-heightShiftRange, heightShiftRange)
            if heightShiftRange < 1 { p.tx *= Double(height) }
        }
        if widthShiftRange != 0 {
            p.ty = random.uniform(-widthShiftRange, widthShiftRange)
            if widthShiftRange < 1 { p.ty *= Double(width) }
        }
        if shearRange != 0 { p.shear = random.uniform(-shearRange, shearRange) }
        if !(zoomRange.lower == 1 && zoomRange.upper == 1) {
            p.zx = random.uniform(zoomRange.lower, zoomRange.upper)
            p.zy = random.uniform(zoomRange.lower, zoomRange.upper)
        }
        p.flipHorizontal = random.randomSample() < 0.5 && horizontalFlip
        p.flipVertical = random.randomSample() < 0.5 && verticalFlip
        return p
    }

    /// Applies `p` to a `[height, width, channels]` float image in place (Keras's `apply_affine_transform`:
    /// `M = rotation * shift * shear * zoom` about the centre `((h - 1) / 2, (w - 1) / 2)`, output pixel
    /// `(r, c)` samples input `M (r, c, 1)` bilinearly with `fillMode`), then the flips.
    func apply(_ p: AugmentationParameters, to image: inout [Float], height: Int, width: Int, channels: Int) {
        if !p.isAffineIdentity {
            // 3x3 matrices, row-major.
            func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
                var out = [Double](repeating: 0, count: 9)
                for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j] } } }
                return out
            }
            var m: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
            if p.theta != 0 {
                let t = p.theta * .pi / 180
                m = multiply(m, [cos(t), -sin(t), 0, sin(t), cos(t), 0, 0, 0, 1])
            }
            if p.tx != 0 || p.ty != 0 { m = multiply(m, [1, 0, p.tx, 0, 1, p.ty, 0, 0, 1]) }
            if p.shear != 0 {
                let s = p.shear * .pi / 180
                m = multiply(m, [1, -sin(s), 0, 0, cos(s), 0, 0, 0, 1])
            }
            if p.zx != 1 || p.zy != 1 { m = multiply(m, [p.zx, 0, 0, 0, p.zy, 0, 0, 0, 1]) }
            let ox = Double(height) / 2 - 0.5, oy = Double(width) / 2 - 0.5
            m = multiply(multiply([1, 0, ox, 0, 1, oy, 0, 0, 1], m), [1, 0, -ox, 0, 1, -oy, 0, 0, 1])
            let source = image
            source.withUnsafeBufferPointer { src in
                image.withUnsafeMutableBufferPointer { dst in
                    for r in 0..<height {
                        for c in 0..<width {
                            let inR = m[0] * Double(r) + m[1] * Double(c) + m[2]
                            let inC = m[3] * Double(r) + m[4] * Double(c) + m[5]
                            sample(src, height: height, width: width, channels: channels, row: inR, column: inC,
                                   into: dst.baseAddress! + (r * width + c) * channels)
                        }
                    }
                }
            }
        }
        if p.flipHorizontal {
            for r in 0..<height {
                for c in 0..<(width / 2) {
                    for k in 0..<channels {
                        image.swapAt((r * width + c) * channels + k, (r * width + width - 1 - c) * channels + k)
                    }
                }
            }
        }
        if p.flipVertical {
            let rowLength = width * channels
            for r in 0..<(height / 2) {
                for i in 0..<rowLength { image.swapAt(r * rowLength + i, (height - 1 - r) * rowLength + i) }
            }
        }
    }

    /// Maps an out-of-range index into `0..<n` by the fill mode, or `nil` for a constant fill.
    @inline(__always)
    func resolve(_ index: Int, _ n: Int) -> Int? {
        if index >= 0 && index < n { return index }
        switch fillMode {
        case .nearest: return index < 0 ? 0 : n - 1
        case .constant: return nil
        case .wrap: return ((index % n) + n) % n
        case .reflect:
            let period = 2 * n
            var i = ((index % period) + period) % period
            if i >= n { i = period - 1 - i }
            return i
        }
    }

    /// Bilinear (order 1) interpolation of all channels at a fractional position.
    func sample(_ src: UnsafeBufferPointer<Float>, height: Int, width: Int, channels: Int, row: Double, column: Double,
                into out: UnsafeMutablePointer<Float>) {
        let r0 = Int(row.rounded(.down)), c0 = Int(column.rounded(.down))
        let fr = Float(row - Double(r0)), fc = Float(column - Double(c0))
        let rows = [resolve(r0, height), resolve(r0 + 1, height)]
        let cols = [resolve(c0, width), resolve(c0 + 1, width)]
        let weights: [Float] = [(1 - fr) * (1 - fc), (1 - fr) * fc, fr * (1 - fc), fr * fc]
        for k in 0..<channels {
            var value: Float = 0
            for (i, r) in rows.enumerated() {
                for (j, c) in cols.enumerated() {
                    let w = weights[i * 2 + j]
                    if w == 0 { continue }
                    let v: Float
                    if let r, let c { v = src[(r * width + c) * channels + k] } else { v = cval }
                    value += w * v
                }
            }
            out[k] = value
        }
    }
}
