import SwiftLearnTensor

/// The channel layout of decoded pixels, as Keras's `color_mode` names them.
///
/// Conversions follow Pillow's `Image.convert`, which Keras's `load_img` uses:
/// `grayscale` from colour is `L = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16`
/// (ITU-R 601-2 luma, `R*299/1000 + G*587/1000 + B*114/1000` rounded); gray to colour repeats `L`;
/// `rgb` drops alpha; `rgba` adds alpha 255 unless the file has transparency (PNG alpha or `tRNS`).
public enum ColorMode: String, Sendable, CaseIterable {
    case grayscale
    case rgb
    case rgba

    /// Samples per pixel: 1, 3 or 4.
    public var channels: Int {
        switch self {
        case .grayscale: return 1
        case .rgb: return 3
        case .rgba: return 4
        }
    }
}

/// 8-bit pixels as a decoder produced them: `channels` is 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA), row-major interleaved.
struct RawImage: Sendable {
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]

    /// Pillow's `L` from RGB (Convert.c `L24`): weights 0.299/0.587/0.114 in 16-bit fixed point, rounded.
    @inline(__always)
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        UInt8(truncatingIfNeeded: (UInt32(r) &* 19595 &+ UInt32(g) &* 38470 &+ UInt32(b) &* 7471 &+ 0x8000) >> 16)
    }

    /// Writes the pixels converted to `mode` into `output` (`width * height * mode.channels` bytes).
    func convert(to mode: ColorMode, into output: UnsafeMutablePointer<UInt8>) {
        let count = width * height
        let outChannels = mode.channels
        pixels.withUnsafeBufferPointer { source in
            guard let src = source.baseAddress else { return }
            if outChannels == channels {
                output.update(from: src, count: count * channels)
                return
            }
            switch (channels, outChannels) {
            case (1, 3), (1, 4):
                for i in 0..<count {
                    let l = src[i]
                    output[i * outChannels] = l; output[i * outChannels + 1] = l; output[i * outChannels + 2] = l
                    if outChannels == 4 { output[i * 4 + 3] = 255 }
                }
            case (2, 1):
                for i in 0..<count { output[i] = src[i * 2] }
            case (2, 3), (2, 4):
                for i in 0..<count {
                    let l = src[i * 2]
                    output[i * outChannels] = l; output[i * outChannels + 1] = l; output[i * outChannels + 2] = l
                    if outChannels == 4 { output[i * 4 + 3] = src[i * 2 + 1] }
                }
            case (3, 1), (4, 1):
                for i in 0..<count {
                    let p = i * channels
                    output[i] = RawImage.luma(src[p], src[p + 1], src[p + 2])
                }
            case (3, 4):
                for i in 0..<count {
                    output[i * 4] = src[i * 3]; output[i * 4 + 1] = src[i * 3 + 1]; output[i * 4 + 2] = src[i * 3 + 2]
                    output[i * 4 + 3] = 255
                }
            case (4, 3):
                for i in 0..<count {
                    output[i * 3] = src[i * 4]; output[i * 3 + 1] = src[i * 4 + 1]; output[i * 3 + 2] = src[i * 4 + 2]
                }
            default:
                // Unreachable by construction: decoders only produce 1...4 channels.
                output.initialize(repeating: 0, count: count * outChannels)
            }
        }
    }

    /// The pixels converted to `mode` as a `[height, width, channels]` tensor.
    func tensor(_ mode: ColorMode) -> Tensor<UInt8> {
        Tensor<UInt8>(shape: [height, width, mode.channels]) { buffer in
            if let base = buffer.baseAddress { convert(to: mode, into: base) }
        }
    }
}
