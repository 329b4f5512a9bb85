import ExampleSupport
import FoundationEssentials
import SwiftLearn

/// Where the 28x28 grayscale garments of the generated dataset come from.
enum GarmentSourceKind: String, CaseIterable {
    /// Fashion-MNIST training images (the intended source).
    case fashionMNIST = "fashion-mnist"
    /// MNIST digits from a CSV file, standing in for garments when Fashion-MNIST is not installed.
    case mnistCSV = "mnist-csv"
    /// Drawn shapes, when neither data set is at hand.
    case shapes
}

/// Grayscale 28x28 images with their class, and the class names used as CSV column names.
struct GarmentImages {
    var kind: GarmentSourceKind
    /// What was loaded, for the user (e.g. "Fashion-MNIST training images").
    var description: String
    /// `[n, 28, 28]` pixels.
    var images: Tensor<UInt8>
    var labels: [Int]
    /// Display names, indexed by label.
    var classNames: [String]

    /// CSV-safe column names: lower case, letters and digits joined by `_` ("T-shirt/top" -> "t_shirt_top").
    var columnNames: [String] { classNames.map(columnName) }
}

func columnName(_ name: String) -> String {
    var result = ""
    var pendingSeparator = false
    for character in name.lowercased() {
        if character.isLetter || character.isNumber {
            if pendingSeparator && !result.isEmpty { result.append("_") }
            result.append(character)
            pendingSeparator = false
        } else {
            pendingSeparator = true
        }
    }
    return result
}

/// Loads the garments: `requested` when given (failing with the loader's error), else the first source that
/// works among Fashion-MNIST, the MNIST CSV (when `mnistCSV` is given) and drawn shapes.
func loadGarments(requested: GarmentSourceKind?, count: Int, mnistCSV: String?, seed: UInt32) throws -> GarmentImages {
    if requested == nil || requested == .fashionMNIST {
        do throws(FormatError) {
            let ((images, labels), _) = try FashionMNIST.loadData()
            return GarmentImages(kind: .fashionMNIST, description: "Fashion-MNIST training images", images: images,
                                 labels: classList(labels), classNames: FashionMNIST.classNames)
        } catch {
            if requested == .fashionMNIST { throw error }
            say("Fashion-MNIST is not installed (\(error.description.split(separator: "\n").first ?? ""))")
        }
    }
    if requested == .mnistCSV || (requested == nil && mnistCSV != nil) {
        guard let mnistCSV else { throw ExampleError("--source mnist-csv needs --mnist-csv PATH") }
        let (images, labels) = try MNIST.loadCSV(contentsOf: URL(fileURLWithPath: mnistCSV))
        return GarmentImages(kind: .mnistCSV, description: "MNIST digits from \(mnistCSV) (standing in for garments)",
                             images: images, labels: classList(labels),
                             classNames: (0...9).map { "digit \($0)" })
    }
    let (images, labels) = drawShapes(count: count, seed: seed)
    return GarmentImages(kind: .shapes, description: "drawn shapes (standing in for garments)", images: images,
                         labels: labels, classNames: ShapeKind.allCases.map(\.rawValue))
}
