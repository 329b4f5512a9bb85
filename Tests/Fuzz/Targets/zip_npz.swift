// libFuzzer target: zip archives (every member extracted) and NPZ files.
import SwiftLearnCompression
import SwiftLearnData

let outputCap = 4 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let archive = try? ZipArchive(bytes, fileName: "fuzz.zip") {
        for entry in archive.entries { _ = try? archive.extract(entry, maxOutputSize: outputCap) }
    }
    if let npz = try? NPZ.read(bytes, fileName: "fuzz.npz", maxOutputSize: outputCap) {
        for name in npz.names {
            _ = try? npz.tensor(name, as: Float.self)
            _ = try? npz.tensor(name, as: UInt8.self)
        }
    }
    return 0
}
