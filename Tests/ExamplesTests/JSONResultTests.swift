import ExampleSupport
import XCTest

final class JSONResultTests: XCTestCase {
    /// Expected strings are Python's `json.dumps(..., separators=(",", ":"), ensure_ascii=False)`.
    func testSerializesLikePythonJSON() {
        let result: JSONResult = [
            "model": "relu", "epochs": 10, "epoch_seconds": .numbers([1.25, 0.5]), "val_accuracy": 0.8812,
            "ok": true, "none": nil, "text": "a\"b\\c\nd\te\u{01}é",
        ]
        XCTAssertEqual(result.serialized,
                       #"{"model":"relu","epochs":10,"epoch_seconds":[1.25,0.5],"val_accuracy":0.8812,"ok":true,"none":null,"text":"a\"b\\c\nd\te\u0001é"}"#)
        // json.dumps([1e-05, 0.1, 123456.789, 1e+20, -2.5e-300], separators=(",", ":"))
        XCTAssertEqual(JSONResult.numbers([1e-05, 0.1, 123456.789, 1e+20, -2.5e-300]).serialized,
                       "[1e-05,0.1,123456.789,1e+20,-2.5e-300]")
    }

    func testWholeNumbersStayFloatsAndNonFiniteBecomesNull() {
        XCTAssertEqual(JSONResult.numbers([2, -3, 0]).serialized, "[2.0,-3.0,0.0]")
        XCTAssertEqual(JSONResult.numbers([.nan, .infinity, -.infinity]).serialized, "[null,null,null]")
    }

    func testSetAppendsOrReplacesKeepingOrder() {
        var result: JSONResult = ["a": 1, "b": 2]
        result.set("c", 3)
        result.set("a", "first")
        XCTAssertEqual(result.serialized, #"{"a":"first","b":2,"c":3}"#)
        XCTAssertEqual(result["b"], 2)
        XCTAssertNil(result["z"])
    }
}
