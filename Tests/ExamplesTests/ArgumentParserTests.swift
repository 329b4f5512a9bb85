import ExampleSupport
import XCTest

final class ArgumentParserTests: XCTestCase {
    let spec = CommandLineSpec(
        command: "demo", summary: "A demo.",
        options: [
            CommandLineOption("epochs", value: "N", help: "epochs", default: "10"),
            CommandLineOption("model", value: "NAME", help: "model", default: "relu", choices: ["softmax", "relu"]),
            CommandLineOption("csv", value: "PATH", help: "a file"),
            CommandLineOption("early-stopping", help: "a flag"),
        ])

    private func parse(_ arguments: [String]) throws -> ParsedArguments {
        guard case .run(let parsed) = try ParsedArguments.parse(arguments, spec: spec) else {
            XCTFail("expected values, got help for \(arguments)")
            throw ExampleError("help")
        }
        return parsed
    }

    private func parseError(_ arguments: [String]) -> ArgumentError? {
        do {
            _ = try ParsedArguments.parse(arguments, spec: spec)
            return nil
        } catch {
            return error
        }
    }

    func testDefaultsApplyWhenOptionsAreAbsent() throws {
        let parsed = try parse([])
        XCTAssertEqual(try parsed.int("epochs", in: 1...100), 10)
        XCTAssertEqual(parsed.string("model"), "relu")
        XCTAssertNil(parsed.string("csv"))
        XCTAssertFalse(parsed.flag("early-stopping"))
        XCTAssertFalse(parsed.flag("json"))
        XCTAssertFalse(parsed.isGiven("epochs"))
    }

    func testSeparateAndInlineValuesAndFlags() throws {
        let parsed = try parse(["--epochs", "3", "--model=softmax", "--csv", "a b.csv", "--early-stopping", "--json"])
        XCTAssertEqual(try parsed.int("epochs", in: 1...100), 3)
        XCTAssertEqual(parsed.string("model"), "softmax")
        XCTAssertEqual(parsed.string("csv"), "a b.csv")
        XCTAssertTrue(parsed.flag("early-stopping"))
        XCTAssertTrue(parsed.flag("json"))
        XCTAssertTrue(parsed.isGiven("epochs"))
    }

    func testLastRepetitionWins() throws {
        XCTAssertEqual(try parse(["--epochs", "3", "--epochs", "7"]).string("epochs"), "7")
    }

    func testHelpWinsWherever() throws {
        XCTAssertEqual(try ParsedArguments.parse(["--epochs", "3", "--help"], spec: spec), .help)
        XCTAssertEqual(try ParsedArguments.parse(["-h"], spec: spec), .help)
    }

    func testUnknownOptionSuggestsTheClosestName() {
        XCTAssertEqual(parseError(["--epoch", "3"]), .unknownOption("--epoch", suggestion: "epochs"))
        XCTAssertEqual(parseError(["--zzzzzzzzzz"]), .unknownOption("--zzzzzzzzzz", suggestion: nil))
    }

    func testValueErrorsQuoteTheOptionAndValue() throws {
        XCTAssertEqual(parseError(["--epochs"]), .missingValue(option: "epochs"))
        XCTAssertEqual(parseError(["--epochs", "--json"]), .missingValue(option: "epochs"))
        XCTAssertEqual(parseError(["--json=yes"]), .unexpectedValue(option: "json", value: "yes"))
        XCTAssertEqual(parseError(["--model", "cnn"]),
                       .invalidValue(option: "model", value: "cnn", expected: "one of softmax, relu"))
        XCTAssertEqual(parseError(["epochs"]), .unexpectedArgument("epochs"))

        let parsed = try parse(["--epochs", "0"])
        XCTAssertThrowsError(try parsed.int("epochs", in: 1...100)) { error in
            XCTAssertEqual("\(error)", "option '--epochs': expected an integer in 1...100, received '0'")
        }
        let text = try parse(["--epochs", "ten"])
        XCTAssertThrowsError(try text.int("epochs", in: 1...100))
        XCTAssertThrowsError(try parse(["--epochs", "nan"]).double("epochs", in: 0...1))
        XCTAssertEqual(try parse(["--epochs", "0.25"]).double("epochs", in: 0...1), 0.25)
    }

    func testHelpTextListsEveryOptionWithDefaultsAndChoices() {
        let help = spec.helpText
        XCTAssertTrue(help.hasPrefix("USAGE: demo [options]\n"))
        for name in ["--epochs N", "--model NAME", "--csv PATH", "--early-stopping", "--json", "--help, -h"] {
            XCTAssertTrue(help.contains(name), "help lacks \(name):\n\(help)")
        }
        XCTAssertTrue(help.contains("[default: 10]"))
        XCTAssertTrue(help.contains("(one of: softmax, relu)"))
        XCTAssertTrue(help.split(separator: "\n").allSatisfy { $0.count <= 80 }, help)
    }
}
