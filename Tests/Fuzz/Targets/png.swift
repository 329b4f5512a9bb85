// libFuzzer target: PNG decoding, colour conversion to every ColorMode, and format detection through decodeRawImage.
import SwiftLearnImageCodecs

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // A small pixel limit keeps each input fast; the header check still runs on every size.
    let options = ImageDecodingOptions(maxImagePixels: 1 << 20)
    if let image = try? PNGDecoder.decode(bytes, options: options, file: "fuzz.png") {
        _ = image.converted(to: ColorMode.allCases[size % 3])
    }
    if size % 7 == 0 { _ = try? decodeRawImage(bytes, file: "fuzz.png", options: options) }
    return 0
}
