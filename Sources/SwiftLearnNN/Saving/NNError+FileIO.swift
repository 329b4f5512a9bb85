import SwiftLearnSystem

/// Model and weight files report read and write failures as ``NNError/file(path:message:)``, through
/// `FileIO.readAll(path:as:)` and `FileIO.writeAtomically(_:toPath:as:)`.
extension NNError: FileIOErrorConvertible {
    public init(_ error: FileIOError) {
        self = .file(path: error.path, message: error.reason)
    }
}
