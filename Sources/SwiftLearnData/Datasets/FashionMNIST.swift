import FoundationEssentials
import SwiftLearnTensor

/// Fashion-MNIST (Zalando Research): 70,000 grayscale 28x28 images of clothing in 10 classes, 60,000 for
/// training and 10,000 for testing, like `keras.datasets.fashion_mnist`.
///
/// ```swift
/// let ((xTrain, yTrain), (xTest, yTest)) = try FashionMNIST.loadData()
/// xTrain.shape                                // [60000, 28, 28], UInt8 pixels 0...255
/// FashionMNIST.classNames[Int(yTrain[0])]     // "Ankle boot"
/// ```
///
/// No network access. Given a `directory`, the loader looks there only (the folder itself, then a
/// `fashion-mnist/` folder inside it); a directory that does not exist is an error naming it. Without one it looks,
/// in order, in `$SWIFTLEARN_DATASETS` (a folder containing `fashion-mnist/` or the files directly), in
/// `~/.cache/swiftlearn/datasets/fashion-mnist` (or under `$XDG_CACHE_HOME`), in `~/.keras/datasets/fashion-mnist`,
/// then in `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist` package). It wants the four IDX files, gzip-compressed or not:
/// `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`.
/// When they are nowhere, the error lists each place searched and how to get them.
public enum FashionMNIST {
    /// Label names, indexed by label.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Where the canonical files can be downloaded (used in the not-found message; this library never downloads).
    public static let downloadBaseURL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"

    static let dataset = IDXImageDataset(
        displayName: "Fashion-MNIST", folderName: "fashion-mnist", npzName: nil,
        installHint: [
            "Debian/Ubuntu:  sudo apt-get install dataset-fashion-mnist   (installs /usr/share/datasets/fashion-mnist)",
            "or download:    mkdir -p ~/.cache/swiftlearn/datasets/fashion-mnist && cd ~/.cache/swiftlearn/datasets/fashion-mnist && \\",
            "                for f in " + IDXImageDataset.fileStems.joined(separator: " ")
                + "; do curl -fLO \(downloadBaseURL)$f.gz; done",
        ])

    /// Loads the training and test sets: images `[n, 28, 28]` and labels `[n]` (0...9), both `UInt8`.
    /// - Parameter directory: a folder holding the files (or a `fashion-mnist/` folder with them); when given, the
    ///   only place looked.
    /// - Throws: ``FormatError``: `.notFound` naming a `directory` that does not exist, or listing the places
    ///   searched; a file's decoding error.
    public static func loadData(directory: URL? = nil) throws(FormatError)
        -> ((xTrain: Tensor<UInt8>, yTrain: Tensor<UInt8>), (xTest: Tensor<UInt8>, yTest: Tensor<UInt8>)) {
        try dataset.load(DatasetLocator.current(directory: directory))
    }
}
