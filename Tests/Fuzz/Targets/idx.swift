// libFuzzer target: IDX (MNIST) files, then conversion to tensors.
import SwiftLearnData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let array = try? IDX.read(bytes, fileName: "fuzz-idx3-ubyte") {
        _ = try? array.tensor(as: Float.self)
        _ = try? array.tensor(as: UInt8.self)
        _ = try? IDX.encode(array)
    }
    return 0
}
