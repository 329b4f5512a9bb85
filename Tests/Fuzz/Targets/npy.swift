// libFuzzer target: NPY files (header parsing, dtypes, byte orders, Fortran order), then tensors.
import SwiftLearnData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let array = try? NPY.read(bytes, fileName: "fuzz.npy") {
        _ = try? array.tensor(as: Float.self)
        _ = try? array.tensor(as: Int32.self)
        _ = NPY.encode(array)
    }
    return 0
}
