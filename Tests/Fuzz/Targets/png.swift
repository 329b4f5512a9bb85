// libFuzzer target: PNG decoding in every colour mode, and format detection through decodeImage.
import SwiftLearnVision

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let mode = ColorMode.allCases[size % 3]
    _ = try? PNGDecoder.decode(bytes, colorMode: mode)
    if size % 7 == 0 { _ = try? decodeImage(bytes, colorMode: .rgb, file: "fuzz.png") }
    return 0
}
