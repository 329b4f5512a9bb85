import Foundation

/// Where a file or folder is: a path `String` or a file `URL`.
///
/// APIs that take one location accept either spelling through this protocol instead of a pair of overloads,
/// so a folder from `FileManager` and a path typed in a tutorial go through the same code.
///
/// ```swift
/// let flow = try generator.flowFromDirectory("data/train")           // a String
/// let same = try generator.flowFromDirectory(URL(filePath: "data/train"))
/// ```
public protocol FileLocation {
    /// The location as a file-system path, without percent encoding.
    var fileSystemPath: String { get }
}

extension String: FileLocation {
    public var fileSystemPath: String { self }
}

extension URL: FileLocation {
    public var fileSystemPath: String { path(percentEncoded: false) }
}
