/// A JSON value for layer configurations and saved architectures.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    var doubleValue: Double? { if case .number(let value) = self { return value }; return nil }
    var stringValue: String? { if case .string(let value) = self { return value }; return nil }
    var boolValue: Bool? { if case .bool(let value) = self { return value }; return nil }
    var intArray: [Int]? {
        guard case .array(let values) = self else { return nil }
        var result: [Int] = []
        for value in values {
            guard let number = value.doubleValue, number == number.rounded(), abs(number) < 1e15 else { return nil }
            result.append(Int(number))
        }
        return result
    }

    /// Short JSON-like text for error messages: `[3, 4]`, `"relu"`, `{...}`.
    var compactText: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): return "\"\(value)\""
        case .array(let values): return "[" + values.map(\.compactText).joined(separator: ", ") + "]"
        case .object(let fields): return "{" + fields.keys.sorted().map { "\"\($0)\": \(fields[$0]!.compactText)" }.joined(separator: ", ") + "}"
        }
    }

    static func shape(_ shape: [Int]?) -> JSONValue {
        guard let shape else { return .null }
        return .array(shape.map { .number(Double($0)) })
    }
}
