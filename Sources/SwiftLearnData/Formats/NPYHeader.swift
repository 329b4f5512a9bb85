/// The header dictionary of an `.npy` file: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader: Equatable {
    var dtype: NumericDType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]

    /// A parsed Python literal (the subset NumPy writes in headers).
    indirect enum Literal: Equatable {
        case string(String)
        case integer(Int)
        case bool(Bool)
        case none
        case tuple([Literal])
        case list([Literal])
        case dictionary([(String, Literal)])

        static func == (lhs: Literal, rhs: Literal) -> Bool {
            switch (lhs, rhs) {
            case let (.string(a), .string(b)): return a == b
            case let (.integer(a), .integer(b)): return a == b
            case let (.bool(a), .bool(b)): return a == b
            case (.none, .none): return true
            case let (.tuple(a), .tuple(b)), let (.list(a), .list(b)): return a == b
            case let (.dictionary(a), .dictionary(b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }
    }

    /// The deepest nesting of tuples, lists and dictionaries the header parser accepts. NumPy's headers
    /// nest two levels (three with structured dtypes); Python's own parser stops at 200.
    static let maxNestingDepth = 128

    /// Parses the header text; `offset` (the header's position in the file) and `file` label errors, and
    /// `utf8` tells how characters map to bytes (UTF-8 in version 3.0 headers, Latin-1 before).
    static func parse(_ text: String, offset: Int, file: String?, utf8: Bool = false) throws(FormatError) -> NPYHeader {
        // A hostile header may be 4 GiB long: messages quote its start only.
        let quoted = text.unicodeScalars.count > 200 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(200))) + "..." : text
        func fail(_ message: String) -> FormatError {
            FormatError(.corrupt, file: file, at: .byteOffset(offset), "NPY header \(message); header text: \(quoted)")
        }
        var parser = LiteralParser(scalars: Array(text.unicodeScalars), maxDepth: maxNestingDepth)
        let literal: Literal
        do throws(LiteralParser.Failure) {
            literal = try parser.parseValue()
            parser.skipSpace()
            guard parser.atEnd else { throw LiteralParser.Failure(message: "unexpected text after the dictionary", position: parser.position) }
        } catch {
            let byte = offset + (utf8 ? text.unicodeScalars.prefix(error.position).reduce(0) { $0 + $1.utf8.count } : error.position)
            throw FormatError(.corrupt, file: file, at: .byteOffset(byte),
                              "NPY header is not a valid Python literal: \(error.message) at character \(error.position) "
                                  + "of the header; header text: \(quoted)")
        }
        guard case .dictionary(let entries) = literal else { throw fail("is not a dictionary") }
        var values: [String: Literal] = [:]
        for (key, value) in entries { values[key] = value }
        for key in values.keys where !["descr", "fortran_order", "shape"].contains(key) {
            throw fail("has an unexpected key '\(key)' (expected 'descr', 'fortran_order' and 'shape')")
        }
        guard case .string(let descr)? = values["descr"] else {
            if case .list? = values["descr"] {
                throw FormatError(.unsupported, file: file, at: .byteOffset(offset),
                                  "structured (record) dtypes are not supported; header text: \(quoted)")
            }
            throw fail("has no string 'descr'")
        }
        guard case .bool(let fortranOrder)? = values["fortran_order"] else { throw fail("has no boolean 'fortran_order'") }
        guard case .tuple(let extents)? = values["shape"] else { throw fail("has no tuple 'shape'") }
        var shape: [Int] = []
        for extent in extents {
            guard case .integer(let value) = extent, value >= 0 else { throw fail("shape has a non-integer or negative extent") }
            shape.append(value)
        }
        let (dtype, bigEndian) = try parseDescr(descr, offset: offset, file: file)
        return NPYHeader(dtype: dtype, bigEndian: bigEndian, fortranOrder: fortranOrder, shape: shape)
    }

    static let supportedDescriptions = "b1, i1, u1, i2, u2, i4, u4, i8, u8, f4, f8 with byte order <, >, | or ="

    static func parseDescr(_ descr: String, offset: Int, file: String?) throws(FormatError) -> (NumericDType, Bool) {
        var scalars = Array(descr)
        var bigEndian = false
        if let first = scalars.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            scalars.removeFirst()
        }
        guard scalars.count >= 2, let size = Int(String(scalars.dropFirst())),
              let dtype = NumericDType(numpyKind: scalars[0], size: size) else {
            throw FormatError(.unsupported, file: file, at: .byteOffset(offset),
                              "NPY dtype '\(descr)' is not supported (supported: \(supportedDescriptions))")
        }
        return (dtype, bigEndian && dtype.itemSize > 1)
    }

    /// NumPy's header text for this array, with the same spacing NumPy's `write_array` produces.
    func text() -> String {
        let descr = (dtype.itemSize == 1 ? "|" : "<") + dtype.numpyCode
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        // NumPy leaves room for the growing axis's extent to reach 21 digits (GROWTH_AXIS_MAX_DIGITS).
        if let growing = fortranOrder ? shape.last : shape.first {
            header += String(repeating: " ", count: Swift.max(0, 21 - String(growing).count))
        }
        return header
    }
}

/// A recursive-descent parser for Python literals: dict, tuple, list, str, int, True/False/None.
struct LiteralParser {
    struct Failure: Error {
        var message: String
        var position: Int
    }

    let scalars: [Unicode.Scalar]
    /// How deep tuples, lists and dictionaries may nest: the parser recurses once per level, so a header
    /// of 20,000 `(` must be refused, not allowed to overflow the stack.
    let maxDepth: Int
    var position = 0
    private var depth = 0

    init(scalars: [Unicode.Scalar], maxDepth: Int) {
        self.scalars = scalars
        self.maxDepth = maxDepth
    }

    var atEnd: Bool { position >= scalars.count }

    mutating func skipSpace() {
        while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
    }

    mutating func parseValue() throws(Failure) -> NPYHeader.Literal {
        skipSpace()
        guard position < scalars.count else { throw Failure(message: "unexpected end", position: position) }
        let scalar = scalars[position]
        switch scalar {
        case "{": return try parseDictionary()
        case "(": return .tuple(try parseSequence(closing: ")"))
        case "[": return .list(try parseSequence(closing: "]"))
        case "'", "\"": return .string(try parseString())
        case "-", "+", "0"..."9": return .integer(try parseInteger())
        default:
            for (word, value) in [("True", NPYHeader.Literal.bool(true)), ("False", .bool(false)), ("None", .none)] {
                let end = position + word.unicodeScalars.count
                if end <= scalars.count, String(String.UnicodeScalarView(scalars[position..<end])) == word {
                    position = end
                    return value
                }
            }
            throw Failure(message: "unexpected character '\(scalar)'", position: position)
        }
    }

    /// Enters one more level of nesting at the opening bracket.
    private mutating func enter() throws(Failure) {
        guard depth < maxDepth else {
            throw Failure(message: "tuples, lists and dictionaries nested more than \(maxDepth) levels deep (the limit is \(maxDepth))",
                          position: position)
        }
        depth += 1
    }

    private mutating func expect(_ scalar: Unicode.Scalar) throws(Failure) {
        skipSpace()
        guard position < scalars.count, scalars[position] == scalar else {
            throw Failure(message: "expected '\(scalar)'", position: position)
        }
        position += 1
    }

    private mutating func parseDictionary() throws(Failure) -> NPYHeader.Literal {
        try enter()
        defer { depth -= 1 }
        try expect("{")
        var entries: [(String, NPYHeader.Literal)] = []
        while true {
            skipSpace()
            if position < scalars.count, scalars[position] == "}" { position += 1; break }
            guard case .string(let key) = try parseValue() else {
                throw Failure(message: "dictionary keys must be strings", position: position)
            }
            try expect(":")
            entries.append((key, try parseValue()))
            skipSpace()
            if position < scalars.count, scalars[position] == "," { position += 1; continue }
            try expect("}")
            break
        }
        return .dictionary(entries)
    }

    private mutating func parseSequence(closing: Unicode.Scalar) throws(Failure) -> [NPYHeader.Literal] {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [NPYHeader.Literal] = []
        while true {
            skipSpace()
            if position < scalars.count, scalars[position] == closing { position += 1; break }
            items.append(try parseValue())
            skipSpace()
            if position < scalars.count, scalars[position] == "," { position += 1; continue }
            try expect(closing)
            break
        }
        return items
    }

    private mutating func parseString() throws(Failure) -> String {
        let quote = scalars[position]
        position += 1
        var result = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            if scalar == quote { return String(result) }
            if scalar == "\\", position < scalars.count {
                result.append(scalars[position])
                position += 1
            } else {
                result.append(scalar)
            }
        }
        throw Failure(message: "unterminated string", position: position)
    }

    private mutating func parseInteger() throws(Failure) -> Int {
        let start = position
        if scalars[position] == "-" || scalars[position] == "+" { position += 1 }
        while position < scalars.count, ("0"..."9").contains(scalars[position]) { position += 1 }
        guard let value = Int(String(String.UnicodeScalarView(scalars[start..<position]))) else {
            throw Failure(message: "invalid integer", position: start)
        }
        // Python 2 wrote long integers with an L suffix.
        if position < scalars.count, scalars[position] == "L" { position += 1 }
        return value
    }
}
