// libFuzzer target: whole-model files (`loadModel`: architecture JSON, compile state, optimizer slots, weights).
// Inputs go through a file in /dev/shm (or the temporary directory); a model that loads is also run once. An input
// starting with `{` is header JSON (then 0x00 and data): the target adds the length prefix.
import Foundation
import SwiftLearnNN
import SwiftLearnTensor

let scratch: String = {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return folder + "/swiftlearn-fuzz-model-\(getpid()).safetensors"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Data(fileBytes(data, size))
    guard FileManager.default.createFile(atPath: scratch, contents: contents) else { return 0 }
    guard let model = try? loadModel(scratch) else { return 0 }
    // A loaded model must also be usable (or refuse with an error) on a small input of its declared shape.
    if let shape = model.inputShape, shape.allSatisfy({ $0 > 0 }), shape.reduce(1, *) <= 4096,
       let input = try? Tensor<Float>(shape: [1] + shape, scalars: [Float](repeating: 0.5, count: shape.reduce(1, *))) {
        _ = try? model.predict(input, verbose: 0)
    }
    return 0
}
