// libFuzzer target: safetensors weight files loaded into a fixed model (`Sequential.loadWeights`).
// The loader reads paths, so each input goes through a file in /dev/shm (or the temporary directory). An input
// starting with `{` is header JSON (then 0x00 and data): the target adds the length prefix.
import Foundation
import SwiftLearnNN

let scratch: String = {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return folder + "/swiftlearn-fuzz-weights-\(getpid()).safetensors"
}()

nonisolated(unsafe) let model: Sequential = {
    let model = Sequential {
        Dense(4, activation: .relu, inputShape: [3])
        Dense(2, activation: .softmax)
    }
    try! model.build(inputShape: [3])
    return model
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Data(fileBytes(data, size))
    guard FileManager.default.createFile(atPath: scratch, contents: contents) else { return 0 }
    _ = try? model.loadWeights(scratch)
    return 0
}
