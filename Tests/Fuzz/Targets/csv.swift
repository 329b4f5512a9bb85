// libFuzzer target: CSV string tables and numeric tables, with the first byte choosing options.
import SwiftLearnData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? CSV.readTable(bytes: bytes, fileName: "fuzz.csv")
    _ = try? CSV.readNumeric(bytes: bytes, as: Double.self, fileName: "fuzz.csv")
    if let first = bytes.first {
        let delimiter: Character = [",", ";", "\t", " "][Int(first & 3)]
        let header: CSVOptions.Header = [.auto, .present, .absent][Int(first >> 2) % 3]
        let missing: CSVOptions.MissingValues = first & 0x40 == 0 ? .nan : .fill(-1)
        let options = CSVOptions(delimiter: delimiter, header: header, missingValues: missing)
        if let table = try? CSV.readNumeric(bytes: Array(bytes.dropFirst()), as: Float.self, options: options, fileName: "fuzz.csv"),
           let name = table.columnNames.first {
            _ = try? table.column(name)
        }
    }
    return 0
}
