/// A command-line mistake, reported with the option and the value received.
public enum ArgumentError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownOption(String, suggestion: String?)
    case missingValue(option: String)
    case unexpectedValue(option: String, value: String)
    case invalidValue(option: String, value: String, expected: String)
    case unexpectedArgument(String)

    public var description: String {
        switch self {
        case .unknownOption(let option, let suggestion):
            return "unknown option '\(option)'" + (suggestion.map { "; did you mean '--\($0)'?" } ?? "")
        case .missingValue(let option):
            return "option '--\(option)' needs a value"
        case .unexpectedValue(let option, let value):
            return "option '--\(option)' is a flag and takes no value, received '\(value)'"
        case .invalidValue(let option, let value, let expected):
            return "option '--\(option)': expected \(expected), received '\(value)'"
        case .unexpectedArgument(let argument):
            return "unexpected argument '\(argument)'; options start with '--'"
        }
    }
}

/// The outcome of parsing: either the values or a request for help.
public enum ParseOutcome: Equatable, Sendable {
    case help
    case run(ParsedArguments)
}

/// Option values after parsing, with typed, range-checked accessors.
///
/// ```swift
/// let arguments = try ParsedArguments.parse(["--epochs", "5", "--json"], spec: spec)
/// try arguments.int("epochs", in: 1...10_000)   // 5
/// arguments.flag("json")                         // true
/// ```
public struct ParsedArguments: Equatable, Sendable {
    /// Values given on the command line, by option name (the last one wins when repeated).
    public private(set) var values: [String: String]
    /// Flags given on the command line.
    public private(set) var flags: Set<String>
    let defaults: [String: String]

    init(values: [String: String], flags: Set<String>, defaults: [String: String]) {
        self.values = values
        self.flags = flags
        self.defaults = defaults
    }

    /// Parses `arguments` (without the executable name). Accepts `--name value` and `--name=value`.
    /// - Throws: ``ArgumentError`` for an unknown option (suggesting the closest name), a missing value,
    ///   a value given to a flag, a value outside the option's choices, or a stray argument.
    public static func parse<Arguments: Sequence>(
        _ arguments: Arguments, spec: CommandLineSpec
    ) throws(ArgumentError) -> ParseOutcome where Arguments.Element == String {
        var values: [String: String] = [:]
        var flags = Set<String>()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "-h" || argument == "--help" { return .help }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw .unexpectedArgument(argument)
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = spec.option(named: name) else {
                throw .unknownOption("--" + name, suggestion: closestName(to: name, among: spec.options.map(\.name)))
            }
            if option.isFlag {
                if let inlineValue { throw .unexpectedValue(option: name, value: inlineValue) }
                flags.insert(name)
                continue
            }
            guard let value = inlineValue ?? iterator.next() else { throw .missingValue(option: name) }
            if inlineValue == nil, value.hasPrefix("--"), spec.option(named: String(value.dropFirst(2))) != nil {
                // `--epochs --json`: the next token is an option, not this option's value.
                throw .missingValue(option: name)
            }
            if let choices = option.choices, !choices.contains(value) {
                throw .invalidValue(option: name, value: value, expected: "one of " + choices.joined(separator: ", "))
            }
            values[name] = value
        }
        var defaults: [String: String] = [:]
        for option in spec.options { defaults[option.name] = option.defaultValue }
        return .run(ParsedArguments(values: values, flags: flags, defaults: defaults))
    }

    /// Whether the flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Whether the option was given explicitly (not just defaulted).
    public func isGiven(_ name: String) -> Bool { values[name] != nil }

    /// The value given, else the declared default, else `nil`.
    public func string(_ name: String) -> String? { values[name] ?? defaults[name] }

    /// An integer option, checked against `range`.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(ArgumentError) -> Int {
        guard let text = string(name) else { throw .missingValue(option: name) }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(option: name, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// An optional integer option (`nil` when absent and without default).
    public func optionalInt(_ name: String, in range: ClosedRange<Int>) throws(ArgumentError) -> Int? {
        string(name) == nil ? nil : try int(name, in: range)
    }

    /// A finite floating-point option, checked against `range`.
    public func double(_ name: String, in range: ClosedRange<Double>) throws(ArgumentError) -> Double {
        guard let text = string(name) else { throw .missingValue(option: name) }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw .invalidValue(option: name, value: text, expected: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// An optional floating-point option (`nil` when absent and without default).
    public func optionalDouble(_ name: String, in range: ClosedRange<Double>) throws(ArgumentError) -> Double? {
        string(name) == nil ? nil : try double(name, in: range)
    }
}

/// The option name nearest to `name` by edit distance, when it is close enough to be a likely typo.
func closestName(to name: String, among names: [String]) -> String? {
    let scored = names.map { ($0, editDistance(Array(name), Array($0))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, name.count / 3) ? best.0 : nil
}

/// Levenshtein distance.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
