import SwiftLearnSystem
@_exported import SwiftLearnBatches
import SwiftLearnRandom
import SwiftLearnTensor

/// A file a flow could not read or decode, with the reason.
public struct SkippedFile: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let error: ImageError
    public var description: String { error.description }
}

/// Whether a flow may decode a large JPEG file at a reduced size before resizing it to the target.
public enum JPEGDraftMode: String, Sendable, CaseIterable {
    /// Decode at the largest DCT scale (1/2, 1/4 or 1/8) whose output still covers the target size, then resize
    /// the rest of the way (the default: most of the inverse DCT, upsampling and colour conversion is skipped).
    /// The pixels are Pillow's `img.draft("RGB", (width, height))` followed by `img.resize((width, height))`
    /// with the flow's interpolation: each reduced sample is the DCT-domain average of a 2x2, 4x4 or 8x8 area,
    /// not one source pixel. A file less than twice the target in either direction decodes at full size.
    case automatic
    /// Always decode at full resolution, then resize: the pixels of Keras's `load_img(target_size=...)`.
    case off
}

/// Batches of images read from disk on background threads, for `fit`, `evaluate` and `predict`
/// (made by ``ImageDataGenerator/flowFromDirectory(_:targetSize:colorMode:classes:classMode:batchSize:shuffle:seed:subset:interpolation:jpegDraft:decodingOptions:badFilePolicy:followLinks:workers:prefetchBatches:)``
/// and ``ImageDataGenerator/flowFromDataFrame(_:directory:xCol:yCol:targetSize:colorMode:classes:classMode:batchSize:shuffle:seed:subset:interpolation:jpegDraft:decodingOptions:badFilePolicy:workers:prefetchBatches:)``).
///
/// Each epoch visits every sample once in the order ``order(epoch:)``: with `shuffle`, Keras's
/// `np.random.seed(seed + epoch * batchesPerEpoch); np.random.permutation(n)` (numpy's legacy MT19937,
/// so the order is Keras's for a full-epoch run); without, the listing order. `workers` threads decode whole
/// batches ahead of the consumer; at most `prefetchBatches` batches are decoded or being decoded at any
/// time. Inputs are `[batch, height, width, channels]` Float; targets follow ``ClassMode``; `paths` lists the files.
///
/// Memory stays bounded whatever the dataset size or the number of epochs: at most `prefetchBatches + 2`
/// batch arrays (`batchSize * height * width * channels` floats each), plus per worker one file's bytes and
/// one decoded image, which ``ImageDecodingOptions/maxImagePixels`` bounds (files above twice that many pixels
/// are refused before decoding; decoding needs at most about 12 bytes per pixel): `workers * 2 * maxImagePixels * 12`
/// bytes at worst, 2.1 GB per worker with Pillow's default limit, and far less for ordinary photos (an
/// 800 x 600 JPEG needs under 3 MB, less again when decoded at a reduced scale).
public final class ImageBatchSource: BatchSource, Sendable {
    /// File paths in listing order (Keras's `filenames`, here as full paths).
    public let filePaths: [String]
    /// Class names in index order.
    public let classNames: [String]
    /// Class name to index (Keras's `class_indices`).
    public let classIndices: [String: Int]
    /// Class index of each file (Keras's `classes`); empty for `raw`/`multiLabel` tables.
    public let classes: [Int]
    public let classMode: ClassMode
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt32
    public let targetSize: (height: Int, width: Int)
    public let colorMode: ColorMode
    public let interpolation: Interpolation
    public let jpegDraft: JPEGDraftMode
    /// Truncated-file policy and pixel limit used for every file (the process default when the flow was made,
    /// unless given).
    public let decodingOptions: ImageDecodingOptions
    public let badFilePolicy: BadFilePolicy
    public let workers: Int
    public let prefetchBatches: Int
    let generator: ImageDataGenerator
    /// Row-major numeric targets for `raw` / `multiLabel`, `targetWidth` per sample.
    let values: [Float]
    let targetWidth: Int
    let skipped = Locked<[Int: [SkippedFile]]>([:])
    /// Input arrays of recent batches, kept for reuse. A batch's tensor shares its array with this pool; once the
    /// consumer has dropped the batch the array is uniquely referenced again and the next batch is written into
    /// the same, already-mapped memory. (Fresh multi-megabyte arrays cost a page fault per 4 KiB on first touch,
    /// which with several workers and glibc's per-thread arenas cost as much as decoding.) A batch still held
    /// by the consumer is never overwritten: writing goes through copy-on-write.
    let recycledInputs = Locked<[[Float]]>([])

    init(filePaths: [String], classNames: [String], classes: [Int], values: [Float], targetWidth: Int,
         classMode: ClassMode, generator: ImageDataGenerator, targetSize: (height: Int, width: Int), colorMode: ColorMode,
         interpolation: Interpolation, jpegDraft: JPEGDraftMode, decodingOptions: ImageDecodingOptions?, batchSize: Int,
         shuffle: Bool, seed: UInt32?, badFilePolicy: BadFilePolicy, workers: Int, prefetchBatches: Int) throws(ImageError) {
        guard batchSize > 0 else { throw ImageError("batchSize must be positive, received \(batchSize)") }
        guard targetSize.height > 0, targetSize.width > 0 else {
            throw ImageError("targetSize must be positive, received \(targetSize)")
        }
        guard workers > 0 else { throw ImageError("workers must be positive, received \(workers)") }
        guard prefetchBatches >= workers else {
            throw ImageError("prefetchBatches must be at least workers (\(workers)), received \(prefetchBatches)")
        }
        self.filePaths = filePaths
        self.classNames = classNames
        self.classIndices = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        self.classes = classes
        self.values = values
        self.targetWidth = targetWidth
        self.classMode = classMode
        self.generator = generator
        self.targetSize = targetSize
        self.colorMode = colorMode
        self.interpolation = interpolation
        self.jpegDraft = jpegDraft
        self.decodingOptions = decodingOptions ?? .default
        self.batchSize = batchSize
        self.shuffle = shuffle
        var system = SystemRandomNumberGenerator()
        self.seed = seed ?? UInt32.random(in: 0...UInt32.max, using: &system)
        self.badFilePolicy = badFilePolicy
        self.workers = workers
        self.prefetchBatches = prefetchBatches
    }

    /// The number of samples (files) in one epoch.
    public var sampleCount: Int { filePaths.count }

    /// `ceil(sampleCount / batchSize)`.
    public var batchesPerEpoch: Int { (filePaths.count + batchSize - 1) / batchSize }

    /// The sample indices in the order epoch `epoch` visits them.
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<filePaths.count) }
        var random = RandomState(seed: seed &+ UInt32(truncatingIfNeeded: epoch &* batchesPerEpoch))
        return random.permutation(filePaths.count)
    }

    /// Starts epoch `epoch`: background workers begin decoding its first batches immediately.
    public func makeEpoch(_ epoch: Int) throws -> any BatchIterator {
        ImageBatchIterator(pipeline: EpochPipeline(source: self, epoch: epoch))
    }

    /// Files skipped (with ``BadFilePolicy/skip``) during epoch `epoch` so far, in batch order.
    public func skippedFiles(epoch: Int) -> [SkippedFile] {
        skipped.withLock { $0[epoch] ?? [] }
    }

    /// What the decoders get for every file: the flow's options, with the JPEG draft size set to the target
    /// when ``jpegDraft`` allows reduced decoding.
    var fileDecodingOptions: ImageDecodingOptions {
        var options = decodingOptions
        if jpegDraft == .automatic { options.jpegDraftSize = (targetSize.width, targetSize.height) }
        return options
    }
}
