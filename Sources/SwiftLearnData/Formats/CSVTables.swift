import SwiftLearnTensor

/// A numeric CSV table: values `[rows, columns]` and the column names.
public struct NumericCSV<Scalar: TensorScalar & BinaryFloatingPoint>: Sendable {
    /// From the header, or `column1`, `column2`, ... without one.
    public var columnNames: [String]
    /// Whether the file had a header record.
    public var hadHeader: Bool
    /// The values, shape `[rows, columns]`.
    public var values: Tensor<Scalar>
    /// Cells that were missing and filled (with ``CSVOptions/MissingValues/nan`` or `.fill`).
    public var missing: [CSVPosition]
    /// Cells holding a finite number beyond `Scalar`'s range (`1e39` in a Float table), stored as an
    /// infinity because ``CSVOptions/overflow`` was ``CSVOptions/Overflow/infinity`` (numpy's behaviour,
    /// with its warning as this list); with the default `.error` the read throws instead.
    public var overflowed: [CSVPosition] = []
    /// The line each row starts on.
    public var lines: [Int]

    /// The column called `name`, shape `[rows]`.
    public func column(_ name: String) throws(FormatError) -> Tensor<Scalar> {
        guard let index = columnNames.firstIndex(of: name) else {
            throw FormatError(.notFound, "no column '\(name)' (columns: \(columnNames.joined(separator: ", ")))")
        }
        let rows = values.shape[0]
        let columns = values.shape[1]
        let scalars = values.scalars
        return Tensor(shape: [rows]) { buffer in
            for row in 0..<rows { buffer[row] = scalars[row * columns + index] }
        }
    }
}

/// A CSV table of strings (paths, class names, ...), as image generators' flow-from-dataframe reads.
public struct CSVTable: Sendable, Equatable {
    public var columnNames: [String]
    /// One array per record, each with `columnNames.count` cells.
    public var rows: [[String]]
    /// The line each row starts on (for messages).
    public var lines: [Int]
    /// The file it came from, for messages.
    public var fileName: String?

    /// The index of the column called `name`.
    public func columnIndex(_ name: String) throws(FormatError) -> Int {
        guard let index = columnNames.firstIndex(of: name) else {
            throw FormatError(.notFound, file: fileName, "no column '\(name)' (columns: \(columnNames.joined(separator: ", ")))")
        }
        return index
    }

    /// Every cell of the column called `name`, top to bottom.
    public func column(_ name: String) throws(FormatError) -> [String] {
        let index = try columnIndex(name)
        return rows.map { $0[index] }
    }
}
