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

/// The file bytes for an input: inputs starting with '{' are taken as header JSON text, optionally followed by
/// a 0x00 byte and the data section, and get the 8-byte length prefix (so mutations of the JSON reach the
/// parser instead of breaking the length field); any other input is used as the whole file.
func fileBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard input.first == UInt8(ascii: "{") else { return input }
    let split = input.firstIndex(of: 0) ?? input.count
    var header = Array(input[..<split])
    while header.count % 8 != 0 { header.append(0x20) }
    var length = UInt64(header.count).littleEndian
    return withUnsafeBytes(of: &length, Array.init) + header + input[min(split + 1, input.count)...]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Data(fileBytes(data, size))
    guard FileManager.default.createFile(atPath: scratch, contents: contents) else { return 0 }
    _ = try? model.loadWeights(scratch)
    return 0
}
