#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftLearnSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ImageDataGenerator {
    /// The file extensions flows read (the formats the decoders support), compared case-insensitively.
    public static let supportedExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Batches from a folder with one sub-folder per class, like Keras's `flow_from_directory`.
    ///
    /// Classes are the sub-folder names sorted (or `classes` in the order given); each class's files are found
    /// recursively, directories visited in sorted path order and files sorted by name (Keras's `os.walk` order),
    /// keeping `.png`, `.jpg`, `.jpeg`. With `subset`, the first `validationSplit` fraction of each class is the
    /// validation part and the rest the training part.
    ///
    /// ```swift
    /// let flow = try generator.flowFromDirectory("flowers/train", targetSize: (112, 112), classMode: .categorical,
    ///                                            batchSize: 32, seed: 1, subset: .training)
    /// ```
    /// Prints Keras's `Found 2000 images belonging to 4 classes.`
    ///
    /// - Parameters:
    ///   - location: the folder, as a path `String` or a file `URL`.
    ///   - classMode: `categorical`, `binary` (exactly two classes), `sparse`, `input` or `none`.
    ///   - jpegDraft: ``JPEGDraftMode/automatic`` (default) decodes large JPEG files at a reduced DCT scale when
    ///     the target is at most half their size; ``JPEGDraftMode/off`` gives `load_img`'s exact pixels.
    ///   - decodingOptions: pixel limit and truncated-file policy for every file (default: the process's
    ///     ``ImageDecodingOptions/default`` when the flow is made).
    ///   - badFilePolicy: ``BadFilePolicy/fail`` (default) throws at the batch with the unreadable file.
    ///   - workers: decoding threads; `prefetchBatches` (>= workers) bounds batches held in memory.
    /// - Throws: ``ImageError`` for a missing folder, a class folder that does not exist, or invalid arguments.
    public func flowFromDirectory(
        _ location: some FileLocation, targetSize: (height: Int, width: Int) = (256, 256), colorMode: ColorMode = .rgb,
        classes: [String]? = nil, classMode: ClassMode = .categorical, batchSize: Int = 32, shuffle: Bool = true,
        seed: UInt32? = nil, subset: Subset? = nil, interpolation: Interpolation = .nearest,
        jpegDraft: JPEGDraftMode = .automatic, decodingOptions: ImageDecodingOptions? = nil,
        badFilePolicy: BadFilePolicy = .fail, followLinks: Bool = false,
        workers: Int = defaultWorkers, prefetchBatches: Int? = nil
    ) throws(ImageError) -> ImageBatchSource {
        let directory = location.fileSystemPath
        guard [.categorical, .binary, .sparse, .input, .none].contains(classMode) else {
            throw ImageError("flowFromDirectory classMode must be categorical, binary, sparse, input or none, received \(classMode.rawValue)")
        }
        guard Self.isDirectory(directory) else {
            throw ImageError(file: directory, "not a directory: expected one sub-folder per class")
        }
        let classNames: [String]
        if let classes {
            classNames = classes
        } else {
            classNames = try Self.sortedEntries(directory).filter { Self.isDirectory(joinPath(directory, $0)) }
        }
        if classMode == .binary && classNames.count != 2 {
            throw ImageError(file: directory, "classMode binary needs exactly 2 classes, found \(classNames.count): \(classNames)")
        }
        var paths: [String] = []
        var labels: [Int] = []
        for (index, name) in classNames.enumerated() {
            let classDirectory = joinPath(directory, name)
            guard Self.isDirectory(classDirectory) else {
                throw ImageError(file: classDirectory, "class folder \"\(name)\" does not exist")
            }
            let files = try Self.walk(classDirectory, followLinks: followLinks)
            let range = try splitRange(count: files.count, subset: subset)
            paths.append(contentsOf: files[range])
            labels.append(contentsOf: repeatElement(index, count: range.count))
        }
        let source = try ImageBatchSource(
            filePaths: paths, classNames: classNames, classes: labels, values: [], targetWidth: 0, classMode: classMode,
            generator: self, targetSize: targetSize, colorMode: colorMode, interpolation: interpolation,
            jpegDraft: jpegDraft, decodingOptions: decodingOptions, batchSize: batchSize, shuffle: shuffle, seed: seed,
            badFilePolicy: badFilePolicy, workers: workers, prefetchBatches: prefetchBatches ?? max(2 * workers, 4))
        ImageConsole.write("Found \(paths.count) images belonging to \(classNames.count) classes.")
        return source
    }

    /// Batches from a table of file names and labels, like Keras's `flow_from_dataframe`.
    ///
    /// `xCol` holds paths, joined to `directory` as Python's `os.path.join` does (`""` or `nil` leaves them as
    /// they are; an absolute path ignores the directory). `yCol` holds, per class mode: the class name
    /// (`categorical`, `binary`, `sparse`; classes are the sorted distinct values, or `classes`), or numbers
    /// (`raw`, `multiLabel` — Keras's `'other'` with several 0/1 columns, e.g. `["red", "blue", "dress"]`).
    /// Rows whose file does not exist or is not a PNG/JPEG name are dropped, as with Keras's `validate_filenames`
    /// (see ``ImageBatchSource/filePaths``), and so are rows whose class is not in `classes`. With `subset`, the
    /// first `validationSplit` fraction of the rows is the validation part.
    ///
    /// Prints Keras's `Found 3000 validated image filenames belonging to 15 classes.` (without the classes
    /// for `raw`, `input` and `none`), then, when rows were dropped, how many and why, naming the first few.
    ///
    /// ```swift
    /// let table = try ImageTable(csvFile: "styles.csv")
    /// let flow = try ImageDataGenerator(rescale: 1.0 / 255).flowFromDataFrame(
    ///     table, directory: "images", xCol: "image", yCol: ["red", "blue", "dress", "shirt"],
    ///     targetSize: (112, 112), classMode: .multiLabel, batchSize: 32)
    /// ```
    /// - Throws: ``ImageError`` naming the column, row and value that cannot be used.
    public func flowFromDataFrame(
        _ table: ImageTable, directory: String? = nil, xCol: String = "filename", yCol: [String] = ["class"],
        targetSize: (height: Int, width: Int) = (256, 256), colorMode: ColorMode = .rgb, classes: [String]? = nil,
        classMode: ClassMode = .categorical, batchSize: Int = 32, shuffle: Bool = true, seed: UInt32? = nil,
        subset: Subset? = nil, interpolation: Interpolation = .nearest, jpegDraft: JPEGDraftMode = .automatic,
        decodingOptions: ImageDecodingOptions? = nil, badFilePolicy: BadFilePolicy = .fail,
        workers: Int = defaultWorkers, prefetchBatches: Int? = nil
    ) throws(ImageError) -> ImageBatchSource {
        let xIndex = try table.columnIndex(xCol)
        let usesLabels = classMode != .input && classMode != .none
        let yIndices: [Int] = usesLabels ? try yCol.map { (name) throws(ImageError) in try table.columnIndex(name) } : []
        if [.categorical, .binary, .sparse].contains(classMode) && yIndices.count != 1 {
            throw ImageError("classMode \(classMode.rawValue) reads one yCol with class names, received yCol \(yCol)")
        }
        if usesLabels && yIndices.isEmpty {
            throw ImageError("classMode \(classMode.rawValue) needs at least one yCol")
        }
        // Validate file names (extension and existence), keeping row order.
        var rows: [(path: String, row: [String], line: Int)] = []
        var dropped = DroppedRows()
        for (line, row) in table.rows.enumerated() {
            let name = row[xIndex]
            let path = joinPath(directory ?? "", name)
            let ext = name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } ?? "" : ""
            guard Self.supportedExtensions.contains(ext) else { dropped.add(path, .notAnImageName); continue }
            guard Self.fileKind(path).exists else { dropped.add(path, .missing); continue }
            rows.append((path, row, line))
        }
        var classNames: [String] = []
        var labels: [Int] = []
        var values: [Float] = []
        switch classMode {
        case .categorical, .binary, .sparse:
            let column = yIndices[0]
            if let classes {
                classNames = classes
                rows = rows.filter { entry in
                    if classes.contains(entry.row[column]) { return true }
                    dropped.add(entry.path, .classNotListed(entry.row[column]))
                    return false
                }
            } else {
                classNames = Set(rows.map { $0.row[column] }).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            }
            if classMode == .binary && classNames.count != 2 {
                throw ImageError("classMode binary needs exactly 2 classes in column \"\(yCol[0])\", found \(classNames.count): \(classNames.prefix(10))")
            }
        case .multiLabel, .raw:
            classNames = yCol
        case .input, .none:
            break
        }
        let validated = rows.count
        let range = try splitRange(count: rows.count, subset: subset)
        rows = Array(rows[range])
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        for entry in rows {
            switch classMode {
            case .categorical, .binary, .sparse:
                labels.append(index[entry.row[yIndices[0]]] ?? 0)
            case .multiLabel, .raw:
                for (k, column) in yIndices.enumerated() {
                    let text = String(entry.row[column].drop(while: { $0 == " " || $0 == "\t" }).reversed()
                        .drop(while: { $0 == " " || $0 == "\t" }).reversed())
                    guard let value = Float(text) else {
                        throw ImageError("row \(entry.line), column \"\(yCol[k])\": \"\(text)\" is not a number; classMode \(classMode.rawValue) expects numeric (0/1) columns")
                    }
                    values.append(value)
                }
            case .input, .none:
                break
            }
        }
        let source = try ImageBatchSource(
            filePaths: rows.map(\.path), classNames: classNames, classes: labels, values: values,
            targetWidth: yIndices.count, classMode: classMode, generator: self, targetSize: targetSize,
            colorMode: colorMode, interpolation: interpolation, jpegDraft: jpegDraft, decodingOptions: decodingOptions,
            batchSize: batchSize, shuffle: shuffle, seed: seed, badFilePolicy: badFilePolicy, workers: workers,
            prefetchBatches: prefetchBatches ?? max(2 * workers, 4))
        // Keras counts the validated rows of the whole table (before the subset split) and names the classes
        // except for modes without them.
        let found = validated
        if [.raw, .input, .none].contains(classMode) {
            ImageConsole.write("Found \(found) validated image filenames.")
        } else {
            ImageConsole.write("Found \(found) validated image filenames belonging to \(classNames.count) classes.")
        }
        if let report = dropped.report(column: xCol, directory: directory) { ImageConsole.write(report) }
        return source
    }

    /// ``flowFromDataFrame(_:directory:xCol:yCol:targetSize:colorMode:classes:classMode:batchSize:shuffle:seed:subset:interpolation:badFilePolicy:workers:prefetchBatches:)``
    /// over a CSV file with a header line (see ``ImageTable/init(csvFile:)``); the file and `directory` are path
    /// `String`s or file `URL`s.
    public func flowFromCSV(
        _ csvFile: some FileLocation, directory: (any FileLocation)? = nil, xCol: String = "filename", yCol: [String] = ["class"],
        targetSize: (height: Int, width: Int) = (256, 256), colorMode: ColorMode = .rgb, classes: [String]? = nil,
        classMode: ClassMode = .categorical, batchSize: Int = 32, shuffle: Bool = true, seed: UInt32? = nil,
        subset: Subset? = nil, interpolation: Interpolation = .nearest, jpegDraft: JPEGDraftMode = .automatic,
        decodingOptions: ImageDecodingOptions? = nil, badFilePolicy: BadFilePolicy = .fail,
        workers: Int = defaultWorkers, prefetchBatches: Int? = nil
    ) throws(ImageError) -> ImageBatchSource {
        let csvPath = csvFile.fileSystemPath
        let table = try ImageTable(csvFile: csvPath)
        do throws(ImageError) {
            return try flowFromDataFrame(
                table, directory: directory?.fileSystemPath, xCol: xCol, yCol: yCol, targetSize: targetSize, colorMode: colorMode,
                classes: classes, classMode: classMode, batchSize: batchSize, shuffle: shuffle, seed: seed,
                subset: subset, interpolation: interpolation, jpegDraft: jpegDraft, decodingOptions: decodingOptions,
                badFilePolicy: badFilePolicy, workers: workers, prefetchBatches: prefetchBatches)
        } catch {
            throw error.attributed(to: csvPath)
        }
    }

    /// Decoding threads by default: SwiftLearn's thread count (`Parallelism.threadCount`: the processor count
    /// or `SWIFTLEARN_NUM_THREADS`), at most 8.
    public static var defaultWorkers: Int { max(1, min(8, Parallelism.threadCount)) }

    static func isDirectory(_ path: String) -> Bool { fileKind(path).isDirectory }

    /// Whether `path` exists (following links), is a directory, and is itself a symbolic link.
    static func fileKind(_ path: String) -> (exists: Bool, isDirectory: Bool, isLink: Bool) {
        var status = stat()
        guard stat(path, &status) == 0 else { return (false, false, false) }
        var linkStatus = stat()
        let isLink = lstat(path, &linkStatus) == 0 && (linkStatus.st_mode & S_IFMT) == S_IFLNK
        return (true, (status.st_mode & S_IFMT) == S_IFDIR, isLink)
    }

    /// Directory entries sorted by their UTF-8 bytes (Python's `sorted` order for str).
    static func sortedEntries(_ directory: String) throws(ImageError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        } catch {
            throw ImageError(file: directory, "cannot list directory: \(error)")
        }
    }

    /// Image files under `directory`, recursively: directories in sorted path order, files sorted within each.
    static func walk(_ directory: String, followLinks: Bool) throws(ImageError) -> [String] {
        var directories: [(path: String, files: [String])] = []
        var pending = [directory]
        while let current = pending.popLast() {
            var files: [String] = []
            for entry in try sortedEntries(current) {
                let path = joinPath(current, entry)
                let kind = fileKind(path)
                guard kind.exists else { continue }
                if kind.isDirectory {
                    if followLinks || !kind.isLink { pending.append(path) }
                } else {
                    let ext = entry.split(separator: ".").last.map { $0.lowercased() } ?? ""
                    if entry.contains("."), supportedExtensions.contains(ext) { files.append(path) }
                }
            }
            directories.append((current, files))
        }
        directories.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        return directories.flatMap(\.files)
    }
}

/// Python's `os.path.join(directory, name)`: `name` alone when `directory` is empty or `name` is absolute,
/// otherwise the two joined by exactly the separator they lack.
///
/// ```swift
/// joinPath("", "a.png")          // "a.png"
/// joinPath("images/", "a.png")   // "images/a.png"
/// joinPath("images", "/a.png")   // "/a.png"
/// ```
func joinPath(_ directory: String, _ name: String) -> String {
    if directory.isEmpty || name.hasPrefix("/") { return name }
    return directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// Rows `flowFromDataFrame` leaves out, and why, for its report.
struct DroppedRows {
    enum Reason: Equatable {
        case notAnImageName
        case missing
        case classNotListed(String)
    }

    var entries: [(path: String, reason: Reason)] = []

    mutating func add(_ path: String, _ reason: Reason) { entries.append((path, reason)) }

    /// "Dropped 2 of the table's rows: 1 file not found (data/x.png), 1 not a .png/.jpg/.jpeg name (notes.txt)."
    func report(column: String, directory: String?) -> String? {
        guard !entries.isEmpty else { return nil }
        var parts: [String] = []
        func describe(_ label: String, _ matching: [(path: String, reason: Reason)]) {
            guard !matching.isEmpty else { return }
            let names = matching.prefix(3).map(\.path).joined(separator: ", ") + (matching.count > 3 ? ", ..." : "")
            parts.append("\(matching.count) \(label) (\(names))")
        }
        describe(entries.filter { $0.reason == .missing }.count == 1 ? "file not found" : "files not found",
                 entries.filter { $0.reason == .missing })
        describe("not a .png, .jpg or .jpeg name", entries.filter { $0.reason == .notAnImageName })
        describe("with a class not in `classes`", entries.filter { if case .classNotListed = $0.reason { return true }; return false })
        let place = directory.map { $0.isEmpty ? "" : " under \"\($0)\"" } ?? ""
        return "Dropped \(entries.count) row(s) whose \"\(column)\" file cannot be used\(place): " + parts.joined(separator: ", ") + "."
    }
}
