import FoundationEssentials
import SwiftLearnTensor

/// Where dataset loaders look for files, in order, and how they explain a miss.
///
/// A `directory` argument is the only root: the loader looks there and nowhere else, and a directory that does
/// not exist is an error naming it (a typo must not silently load another copy). Without one, the roots are,
/// in order:
/// 1. the `SWIFTLEARN_DATASETS` environment variable;
/// 2. the user cache: `$XDG_CACHE_HOME/swiftlearn/datasets` (default `~/.cache/swiftlearn/datasets`);
/// 3. Keras's cache, `~/.keras/datasets`;
/// 4. `/usr/share/datasets` (Debian's `dataset-*` packages).
///
/// In each root the dataset's own folder (`<root>/<name>`, e.g. `fashion-mnist`) is tried before the root itself.
struct DatasetLocator {
    struct Root {
        var url: URL
        var origin: String
    }

    var roots: [Root] = []
    /// Notes for the error message (e.g. "SWIFTLEARN_DATASETS is not set").
    var notes: [String] = []
    /// The loader's `directory` argument, when given: then the only root.
    var explicitDirectory: URL?

    static let environmentVariable = "SWIFTLEARN_DATASETS"

    init(directory: URL?, environment: [String: String], home: URL?,
         systemRoot: URL = URL(fileURLWithPath: "/usr/share/datasets", isDirectory: true)) {
        if let directory {
            explicitDirectory = directory
            roots.append(Root(url: directory, origin: "directory argument"))
            return
        }
        if let value = environment[DatasetLocator.environmentVariable], !value.isEmpty {
            roots.append(Root(url: URL(fileURLWithPath: value, isDirectory: true), origin: "$\(DatasetLocator.environmentVariable)"))
        } else {
            notes.append("$\(DatasetLocator.environmentVariable) is not set")
        }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            roots.append(Root(url: URL(fileURLWithPath: cache, isDirectory: true).appendingPathComponent("swiftlearn/datasets"),
                              origin: "user cache ($XDG_CACHE_HOME)"))
        } else if let home {
            roots.append(Root(url: home.appendingPathComponent(".cache/swiftlearn/datasets"), origin: "user cache"))
        }
        if let home {
            roots.append(Root(url: home.appendingPathComponent(".keras/datasets"), origin: "Keras cache"))
        }
        roots.append(Root(url: systemRoot, origin: "system datasets"))
    }

    /// The locator for the running process's environment.
    static func current(directory: URL?) -> DatasetLocator {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
        return DatasetLocator(directory: directory, environment: environment, home: home)
    }

    /// Directories to try for dataset `name`, with where each came from.
    func directories(for name: String) -> [(url: URL, origin: String)] {
        var result: [(URL, String)] = []
        for root in roots {
            result.append((root.url.appendingPathComponent(name), root.origin))
            result.append((root.url, root.origin))
        }
        return result
    }

    /// The first existing file among `names` in `directory`.
    static func existingFile(in directory: URL, names: [String]) -> URL? {
        for name in names {
            let url = directory.appendingPathComponent(name)
            var isDirectory = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory { return url }
        }
        return nil
    }
}

/// An IDX-distributed image dataset (MNIST and Fashion-MNIST share the file layout).
struct IDXImageDataset {
    var displayName: String
    var folderName: String
    /// A Keras-style `.npz` alternative (`x_train`, `y_train`, `x_test`, `y_test`), looked for in every root.
    var npzName: String?
    var installHint: [String]

    static let fileStems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    /// Accepted spellings of one file: gzip-compressed or not, and the `train-images.idx3-ubyte` variant.
    static func variants(of stem: String) -> [String] {
        let dotted = stem.replacingFirstDash(afterPrefixOf: ["train-images", "train-labels", "t10k-images", "t10k-labels"])
        return [stem + ".gz", stem, dotted, dotted + ".gz"]
    }

    enum Source {
        case idx([URL])
        case npz(URL)
    }

    /// Finds the dataset or throws a ``FormatError`` listing every place searched and how to get the files.
    func locate(_ locator: DatasetLocator) throws(FormatError) -> Source {
        if let directory = locator.explicitDirectory {
            var isDirectory = false
            let exists = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
            guard exists, isDirectory else {
                throw FormatError(
                    .notFound, file: directory.path,
                    (exists ? "not a directory" : "no such directory")
                        + "; loadData(directory:) looks for \(displayName) only in the directory it is given."
                        + " Pass the folder holding the four IDX files, or leave `directory` out to search"
                        + " $\(DatasetLocator.environmentVariable), ~/.cache/swiftlearn/datasets, ~/.keras/datasets"
                        + " and /usr/share/datasets.")
            }
        }
        var searched: [String] = []
        for (directory, origin) in locator.directories(for: folderName) {
            let files = IDXImageDataset.fileStems.map { DatasetLocator.existingFile(in: directory, names: IDXImageDataset.variants(of: $0)) }
            if files.allSatisfy({ $0 != nil }) { return .idx(files.compactMap { $0 }) }
            searched.append("  \(directory.path)  (\(origin))")
            if let npzName, let npz = DatasetLocator.existingFile(in: directory, names: [npzName]) {
                return .npz(npz)
            }
        }
        var message = "\(displayName) not found. Looked for the four IDX files ("
            + IDXImageDataset.fileStems.map { $0 + "[.gz]" }.joined(separator: ", ") + ")"
            + (npzName.map { " or \($0)" } ?? "") + " in:\n" + searched.joined(separator: "\n")
        if !locator.notes.isEmpty { message += "\n  (" + locator.notes.joined(separator: "; ") + ")" }
        if locator.explicitDirectory != nil {
            message += "\n(the directory argument is the only place looked; leave it out to search the default places)"
        }
        message += "\nTo get the files:\n" + installHint.map { "  " + $0 }.joined(separator: "\n")
        message += "\nor pass the folder holding them: loadData(directory: URL(fileURLWithPath: \"/path/to/\(folderName)\")),"
            + " or set \(DatasetLocator.environmentVariable) to a folder containing \(folderName)/."
        throw FormatError(.notFound, message)
    }

    typealias Split = (images: [UInt8], labels: [UInt8])

    /// Loads `((xTrain, yTrain), (xTest, yTest))` from wherever the files are.
    func load(_ locator: DatasetLocator) throws(FormatError) -> ((xTrain: Tensor<UInt8>, yTrain: Tensor<UInt8>), (xTest: Tensor<UInt8>, yTest: Tensor<UInt8>)) {
        switch try locate(locator) {
        case .idx(let files):
            let xTrain = try IDX.readTensor(contentsOf: files[0], as: UInt8.self)
            let yTrain = try IDX.readTensor(contentsOf: files[1], as: UInt8.self)
            let xTest = try IDX.readTensor(contentsOf: files[2], as: UInt8.self)
            let yTest = try IDX.readTensor(contentsOf: files[3], as: UInt8.self)
            try check(images: xTrain, labels: yTrain, imagesFile: files[0].path, labelsFile: files[1].path)
            try check(images: xTest, labels: yTest, imagesFile: files[2].path, labelsFile: files[3].path)
            return ((xTrain, yTrain), (xTest, yTest))
        case .npz(let url):
            let npz = try NPZ.read(contentsOf: url)
            let xTrain = try npz.tensor("x_train", as: UInt8.self)
            let yTrain = try npz.tensor("y_train", as: UInt8.self)
            let xTest = try npz.tensor("x_test", as: UInt8.self)
            let yTest = try npz.tensor("y_test", as: UInt8.self)
            try check(images: xTrain, labels: yTrain, imagesFile: url.path + " (x_train)", labelsFile: url.path + " (y_train)")
            try check(images: xTest, labels: yTest, imagesFile: url.path + " (x_test)", labelsFile: url.path + " (y_test)")
            return ((xTrain, yTrain), (xTest, yTest))
        }
    }

    private func check(images: Tensor<UInt8>, labels: Tensor<UInt8>, imagesFile: String, labelsFile: String) throws(FormatError) {
        guard images.rank == 3, images.shape[1] == 28, images.shape[2] == 28 else {
            throw FormatError(.corrupt, file: imagesFile, "\(displayName) images have shape \(images.shape), expected [n, 28, 28]")
        }
        guard labels.rank == 1, labels.shape[0] == images.shape[0] else {
            throw FormatError(.corrupt, file: labelsFile,
                              "\(displayName) labels have shape \(labels.shape), expected [\(images.shape[0])] to match the images")
        }
        if let bad = labels.scalars.firstIndex(where: { $0 > 9 }) {
            throw FormatError(.invalidValue, file: labelsFile, at: .element(flat: bad, index: [bad]),
                              "\(displayName) label \(labels.scalars[bad]), expected 0...9")
        }
    }
}

private extension String {
    /// `train-images-idx3-ubyte` -> `train-images.idx3-ubyte` (the spelling of some unpacked copies).
    func replacingFirstDash(afterPrefixOf prefixes: [String]) -> String {
        for prefix in prefixes where hasPrefix(prefix + "-") {
            return prefix + "." + dropFirst(prefix.count + 1)
        }
        return self
    }
}
