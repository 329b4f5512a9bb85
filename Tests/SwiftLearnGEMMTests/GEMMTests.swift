import XCTest
@testable import SwiftLearnGEMM
final class GEMMTests: XCTestCase { func testPlaceholder() {} }
