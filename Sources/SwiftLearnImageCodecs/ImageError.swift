/// An image that cannot be read, decoded, encoded or written.
///
/// The description names the file (when there is one), the byte offset in it (when the problem is
/// at a known position) and what was expected there:
/// `"photos/cat.png at byte 33: IDAT chunk CRC is 0x1234ABCD, expected 0x9F00E2C1"`.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the bytes came from, or `nil` for in-memory data.
    public var file: String?
    /// The byte offset of the problem in the file, when known.
    public var offset: Int?
    /// What was found and what was expected.
    public var message: String

    public init(file: String? = nil, offset: Int? = nil, _ message: String) {
        self.file = file
        self.offset = offset
        self.message = message
    }

    public var description: String {
        var text = file ?? "<in-memory image>"
        if let offset { text += " at byte \(offset)" }
        return text + ": " + message
    }

    /// The same error attributed to `file` (decoders work on bytes and do not know the path).
    package func attributed(to file: String?) -> ImageError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}
