import SwiftLearnSystem

/// Crash-safe chart output through `FileIO.writeAtomically`, reporting failures as `PlotError`.
enum AtomicFile {
    static func write(_ bytes: [UInt8], toPath path: String) throws(PlotError) {
        do {
            try FileIO.writeAtomically(bytes, toPath: path)
        } catch {
            throw PlotError.writeFailed(path: error.path, reason: error.reason)
        }
    }
}
