import ExampleSupport
import SwiftLearn

/// The dataset a previous run generated in `directory` (for `--reuse`): its CSV header tells the garment and
/// colour columns apart (colours are the known tint names).
func existingDataset(in directory: String) throws -> GeneratedDataset {
    let csvPath = joinPath(directory, "labels.csv")
    guard fileExists(csvPath) else {
        throw ExampleError("\(csvPath): not found; run without --reuse to generate the dataset first")
    }
    let table = try ImageTable(csvFile: csvPath)
    let colorNames = Set(Tint.all.map(\.name))
    guard table.columns.first == "filename" else {
        throw ExampleError("\(csvPath): line 1: expected the first column \"filename\", found \"\(table.columns.first ?? "")\"")
    }
    let labels = Array(table.columns.dropFirst())
    let garments = labels.filter { !colorNames.contains($0) }
    let colors = labels.filter { colorNames.contains($0) }
    guard !garments.isEmpty, !colors.isEmpty else {
        throw ExampleError("\(csvPath): line 1: expected garment columns then colour columns (\(colorNames.sorted())), "
            + "found \(labels)")
    }
    return GeneratedDataset(csvPath: csvPath, garmentColumns: garments, colorColumns: colors, count: table.rows.count,
                            previews: [])
}
