// libFuzzer target: baseline and progressive JPEG decoding at every DCT scale, with and without the
// truncated-images opt-in, then conversion to every ColorMode.
import SwiftLearnImageCodecs

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The input's last byte picks the options, so the corpus explores them together with the data.
    let selector = size > 0 ? Int(bytes[size - 1]) : 0
    let options = ImageDecodingOptions(allowTruncated: selector & 1 == 1, maxImagePixels: 1 << 22,
                                       jpegScale: JPEGScale.allCases[(selector >> 1) % 4])
    if let image = try? JPEGDecoder.decode(bytes, options: options, file: "fuzz.jpg") {
        _ = image.converted(to: ColorMode.allCases[size % 3])
    }
    return 0
}
