// libFuzzer target: the JSON parser behind safetensors headers and model architectures (`JSONValue.parse`):
// any input parses or throws with a byte offset; nesting is bounded, so no input may overflow the stack.
import SwiftLearnNN

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let value = try JSONValue.parse(bytes)
        // What parses prints back as JSON that parses to the same value.
        guard (try? JSONValue.parse(value.description)) == value else { fatalError("round trip changed \(value)") }
    } catch {
        guard error.byteOffset >= 0, error.byteOffset <= size else { fatalError("offset \(error.byteOffset) outside \(size) bytes") }
    }
    return 0
}
