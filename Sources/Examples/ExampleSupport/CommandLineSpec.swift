/// One `--name value` option or `--name` flag of an example's command line.
///
/// ```swift
/// CommandLineOption("epochs", value: "N", help: "passes over the training data", default: "10")
/// CommandLineOption("json", help: "print one JSON result object as the last line")   // a flag
/// ```
public struct CommandLineOption: Sendable, Equatable {
    /// `--verbose 0|1|2`, passed to `fit` as Keras's `verbose`.
    public static func verbose(default value: Int) -> CommandLineOption {
        CommandLineOption("verbose", value: "0|1|2", help: "fit output: 0 silent, 1 progress bar, 2 one line per epoch",
                          default: String(value), choices: ["0", "1", "2"])
    }

    /// `--output-dir DIR`: where the example writes `what`.
    public static func outputDirectory(for what: String, default path: String) -> CommandLineOption {
        CommandLineOption("output-dir", value: "DIR", help: "where \(what) are written", default: path)
    }

    /// The long name without dashes: `epochs` for `--epochs`.
    public let name: String
    /// The placeholder shown in help (`N`, `PATH`); `nil` makes the option a flag that takes no value.
    public let valueName: String?
    public let help: String
    /// The value used when the option is absent (shown in help); `nil` means "no value".
    public let defaultValue: String?
    /// The accepted values, when the option is an enumeration; checked while parsing.
    public let choices: [String]?

    public init(_ name: String, value valueName: String? = nil, help: String, default defaultValue: String? = nil,
                choices: [String]? = nil) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
        self.choices = choices
    }

    public var isFlag: Bool { valueName == nil }
}

/// What an example accepts, and the text `--help` prints.
///
/// Every example gets `--help` (also `-h`) and `--json` without declaring them.
public struct CommandLineSpec: Sendable {
    /// The executable's product name (`fashion-mnist`).
    public let command: String
    /// One paragraph saying what the example does.
    public let summary: String
    public let options: [CommandLineOption]
    /// Sample invocations printed at the end of the help.
    public let examples: [String]

    public static let helpOption = CommandLineOption("help", help: "show this help and exit")
    public static let jsonOption = CommandLineOption(
        "json", help: "print one machine-readable JSON result object as the last line of output")

    public init(command: String, summary: String, options: [CommandLineOption], examples: [String] = []) {
        self.command = command
        self.summary = summary
        self.options = options + [Self.jsonOption, Self.helpOption]
        self.examples = examples
    }

    public func option(named name: String) -> CommandLineOption? {
        options.first { $0.name == name }
    }

    /// The `--help` text: usage line, summary, one entry per option with its default and choices, examples.
    public var helpText: String {
        var lines = ["USAGE: \(command) [options]", ""]
        lines += wrap(summary, width: 78, indent: "")
        lines += ["", "OPTIONS:"]
        for option in options {
            var head = "  --\(option.name)"
            if let valueName = option.valueName { head += " \(valueName)" }
            if option.name == "help" { head += ", -h" }
            var help = option.help
            if let choices = option.choices { help += " (one of: \(choices.joined(separator: ", ")))" }
            if let defaultValue = option.defaultValue { help += " [default: \(defaultValue)]" }
            let column = 26
            if head.count < column - 1 {
                let body = wrap(help, width: 78 - column, indent: "")
                lines.append(head + String(repeating: " ", count: column - head.count) + body[0])
                lines += body.dropFirst().map { String(repeating: " ", count: column) + $0 }
            } else {
                lines.append(head)
                lines += wrap(help, width: 78 - column, indent: String(repeating: " ", count: column))
            }
        }
        if !examples.isEmpty {
            lines += ["", "EXAMPLES:"]
            lines += examples.map { "  " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Greedy word wrap; a word longer than `width` gets a line of its own.
func wrap(_ text: String, width: Int, indent: String) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
        if current.isEmpty {
            current = String(word)
        } else if current.count + 1 + word.count <= width {
            current += " " + word
        } else {
            lines.append(indent + current)
            current = String(word)
        }
    }
    lines.append(indent + current)
    return lines
}
