import XCTest

/// Asserts that `body` throws an error of type `E` whose description contains every fragment, then hands the
/// error to `check` for the caller's own assertions (its kind, its path, ...).
///
/// ```swift
/// assertThrows(FormatError.self, containing: ["byte 12"]) { try NPY.read(bytes) } check: {
///     XCTAssertEqual($0.kind, .truncated)
/// }
/// ```
public func assertThrows<E: Error & CustomStringConvertible, T>(
    _ type: E.Type, containing fragments: [String] = [], file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws -> T, check: (E) -> Void = { _ in }
) {
    do {
        _ = try body()
        XCTFail("expected \(E.self) mentioning \(fragments), got success", file: file, line: line)
    } catch let error as E {
        for fragment in fragments where !error.description.contains(fragment) {
            XCTFail("'\(error)' should mention '\(fragment)'", file: file, line: line)
        }
        check(error)
    } catch {
        XCTFail("expected \(E.self), got \(error)", file: file, line: line)
    }
}
