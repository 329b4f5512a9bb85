import FoundationEssentials
import SwiftLearnSystem

/// Whole-file reads for the `contentsOf:` entry points, with errors that name the file and the system's reason.
enum FileBytes {
    static func read(_ url: URL) throws(CompressionError) -> [UInt8] {
        do {
            return try FileIO.readAll(path: url.path)
        } catch {
            throw CompressionError(.io, offset: nil, error.reason, file: error.path)
        }
    }
}
