// libFuzzer target: baseline and progressive JPEG decoding in every colour mode.
import SwiftLearnVision

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let mode = ColorMode.allCases[size % 3]
    _ = try? JPEGDecoder.decode(bytes, colorMode: mode)
    return 0
}
