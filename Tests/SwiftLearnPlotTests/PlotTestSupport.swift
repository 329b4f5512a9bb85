import Foundation
import XCTest
import SwiftLearnCompression
@testable import SwiftLearnPlot

/// A decoded PNG for assertions: RGBA pixels plus the header fields.
struct DecodedPNG {
    var width, height: Int
    var bitDepth, colorType, interlace: UInt8
    var chunkTypes: [String]
    var rgba: [UInt8]

    func pixel(_ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * width + x) * 4
        return Array(rgba[i..<(i + 4)])
    }
}

enum PNGTestDecoder {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Bitwise CRC-32 (no tables), independent of the module's implementation.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    /// Parses chunks (checking every CRC), inflates IDAT with the module's zlib decoder and undoes the filters
    /// (PNG spec section 9). Only what the encoder under test writes (8-bit RGBA, no interlace) is supported.
    static func decode(_ png: [UInt8]) throws -> DecodedPNG {
        guard png.count > 8, Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure(description: "bad signature")
        }
        var offset = 8
        var types: [String] = []
        var header: [UInt8] = []
        var idat: [UInt8] = []
        while offset + 12 <= png.count {
            let length = be32(png, offset)
            let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
            let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
            let stored = UInt32(be32(png, offset + 8 + length))
            guard stored == crc32(typeAndData) else { throw Failure(description: "CRC mismatch in \(type)") }
            types.append(type)
            let data = Array(typeAndData[4...])
            if type == "IHDR" { header = data }
            if type == "IDAT" { idat += data }
            offset += 12 + length
        }
        guard offset == png.count else { throw Failure(description: "trailing bytes after chunk at \(offset)") }
        guard header.count == 13 else { throw Failure(description: "IHDR length \(header.count)") }
        let width = be32(header, 0), height = be32(header, 4)
        guard header[8] == 8, header[9] == 6, header[12] == 0 else { throw Failure(description: "not 8-bit RGBA") }
        let raw = try Zlib.decompress(idat)
        let stride = width * 4
        guard raw.count == height * (stride + 1) else { throw Failure(description: "IDAT size \(raw.count)") }
        var out = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for i in 0..<stride {
                let x = Int(raw[y * (stride + 1) + 1 + i])
                let a = i >= 4 ? Int(out[y * stride + i - 4]) : 0
                let b = y > 0 ? Int(out[(y - 1) * stride + i]) : 0
                let c = (i >= 4 && y > 0) ? Int(out[(y - 1) * stride + i - 4]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                default: throw Failure(description: "filter type \(filter) in row \(y)")
                }
                out[y * stride + i] = UInt8((x + predictor) & 0xFF)
            }
        }
        return DecodedPNG(width: width, height: height, bitDepth: header[8], colorType: header[9],
                          interlace: header[12], chunkTypes: types, rgba: out)
    }
}

enum TestTools {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plot-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A minimal XML well-formedness check: tags balance and nest, attributes are quoted, and no raw `<` or
    /// `&` outside markup/entities. Returns the element names in document order.
    static func checkWellFormed(_ xml: String) throws -> [String] {
        struct Failure: Error, CustomStringConvertible { let description: String }
        var stack: [String] = []
        var names: [String] = []
        let chars = Array(xml.unicodeScalars)
        var i = 0
        while i < chars.count {
            if chars[i] == "<" {
                guard let close = chars[i...].firstIndex(of: ">") else { throw Failure(description: "unclosed < at \(i)") }
                let tag = String(String.UnicodeScalarView(chars[(i + 1)..<close]))
                if tag.hasPrefix("?") {
                    // XML declaration
                } else if tag.hasPrefix("/") {
                    let name = String(tag.dropFirst())
                    guard stack.popLast() == name else { throw Failure(description: "mismatched </\(name)> at \(i)") }
                } else {
                    let selfClosing = tag.hasSuffix("/")
                    let body = selfClosing ? String(tag.dropLast()) : tag
                    let name = String(body.prefix { $0 != " " && $0 != "\n" })
                    guard !name.isEmpty, !body.contains("<") else { throw Failure(description: "bad tag at \(i)") }
                    guard body.filter({ $0 == "\"" }).count % 2 == 0 else {
                        throw Failure(description: "unbalanced quotes in <\(name)> at \(i)")
                    }
                    names.append(name)
                    if !selfClosing { stack.append(name) }
                }
                i = close + 1
            } else {
                if chars[i] == "&" {
                    let rest = String(String.UnicodeScalarView(chars[i..<min(chars.count, i + 7)]))
                    guard ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(where: { rest.hasPrefix($0) }) else {
                        throw Failure(description: "raw & at \(i)")
                    }
                }
                i += 1
            }
        }
        guard stack.isEmpty else { throw Failure(description: "unclosed elements \(stack)") }
        return names
    }

    /// The text content of every `<text>` element, unescaped.
    static func svgTexts(_ svg: String) -> [String] {
        var texts: [String] = []
        var rest = svg[...]
        while let open = rest.range(of: "<text") {
            guard let start = rest[open.upperBound...].firstIndex(of: ">"),
                  let end = rest[start...].range(of: "</text>") else { break }
            let content = rest[rest.index(after: start)..<end.lowerBound]
            texts.append(content.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&"))
            rest = rest[end.upperBound...]
        }
        return texts
    }
}
