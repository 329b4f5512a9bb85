#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
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

/// Batches of images read from disk on background threads, for `fit`, `evaluate` and `predict`
/// (made by ``ImageDataGenerator/flowFromDirectory(_:targetSize:colorMode:classes:classMode:batchSize:shuffle:seed:subset:interpolation:badFilePolicy:followLinks:workers:prefetchBatches:)``
/// and ``ImageDataGenerator/flowFromDataFrame(_:directory:xCol:yCol:targetSize:colorMode:classes:classMode:batchSize:shuffle:seed:subset:interpolation:badFilePolicy:workers:prefetchBatches:)``).
///
/// Each epoch visits every sample once in the order ``order(epoch:)``: with `shuffle`, Keras's
/// `np.random.seed(seed + epoch * batchesPerEpoch); np.random.permutation(n)` (numpy's legacy MT19937,
/// so the order is Keras's for a full-epoch run); without, the listing order. `workers` threads decode whole
/// batches ahead of the consumer; at most `prefetchBatches` batches are decoded or being decoded at any
/// time, so memory does not grow with the dataset or the number of epochs. Inputs are
/// `[batch, height, width, channels]` Float; targets follow ``ClassMode``; `paths` lists the files.
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
         interpolation: Interpolation, batchSize: Int, shuffle: Bool, seed: UInt32?, badFilePolicy: BadFilePolicy,
         workers: Int, prefetchBatches: Int) throws(ImageError) {
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

    /// Decodes batch `index` of an epoch whose visiting order is `order`.
    func makeBatch(_ index: Int, order: [Int], epoch: Int) -> BatchOutcome {
        let start = index * batchSize
        let positions = start..<min(start + batchSize, order.count)
        let (height, width) = targetSize
        let channels = colorMode.channels
        let perImage = height * width * channels
        var included: [Int] = []
        included.reserveCapacity(positions.count)
        var skippedHere: [SkippedFile] = []
        var failure: ImageError? = nil
        var scratch: [Float] = []
        let needed = positions.count * perImage
        // Every element up to `written * perImage` is written below; the rest is cut off before use.
        var inputs: [Float]
        if var reused = recycledInputs.withLock({ pool in pool.popLast() }), reused.capacity >= needed {
            if reused.count > needed { reused.removeLast(reused.count - needed) }
            if reused.count < needed { reused.append(contentsOf: repeatElement(0, count: needed - reused.count)) }
            inputs = reused
        } else {
            inputs = [Float](unsafeUninitializedCapacity: needed) { _, initialized in initialized = needed }
        }
        var written = 0
        inputs.withUnsafeMutableBufferPointer { buffer in
            for position in positions {
                let sample = order[position]
                let path = filePaths[sample]
                do throws(ImageError) {
                    let raw = try decodeRawImage(try readImageFile(path), file: path)
                    let out = buffer.baseAddress! + written * perImage
                    if generator.augments {
                        if scratch.count != perImage { scratch = [Float](repeating: 0, count: perImage) }
                        scratch.withUnsafeMutableBufferPointer { s in writeSample(raw, into: s.baseAddress!, scale: 1) }
                        let mixed = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(epoch) &* 0xBF58_476D_1CE4_E5B9 ^ UInt64(position) &* 0x94D0_49BB_1331_11EB
                        var random = RandomState(seed: UInt32(truncatingIfNeeded: mixed ^ (mixed >> 29) ^ (mixed >> 47)))
                        let parameters = generator.randomTransform(height: height, width: width, random: &random)
                        generator.apply(parameters, to: &scratch, height: height, width: width, channels: channels)
                        let scale = generator.rescale ?? 1
                        scratch.withUnsafeBufferPointer { s in
                            for i in 0..<perImage { out[i] = s[i] * scale }
                        }
                    } else {
                        writeSample(raw, into: out, scale: generator.rescale ?? 1)
                    }
                    written += 1
                    included.append(sample)
                } catch {
                    if badFilePolicy == .skip {
                        skippedHere.append(SkippedFile(path: path, error: error))
                    } else {
                        failure = error
                        break
                    }
                }
            }
        }
        if inputs.count > written * perImage { inputs.removeLast(inputs.count - written * perImage) }
        if let failure { return BatchOutcome(batch: nil, skipped: skippedHere, error: failure) }
        let count = included.count
        let inputTensor = try! Tensor<Float>(shape: [count, height, width, channels], scalars: inputs)
        recycledInputs.withLock { pool in
            if pool.count < prefetchBatches + 2 { pool.append(inputs) }
        }
        let paths = included.map { filePaths[$0] }
        var targets: Tensor<Float>? = nil
        switch classMode {
        case .categorical:
            targets = Tensor<Float>(shape: [count, classNames.count]) { buffer in
                buffer.initialize(repeating: 0)
                for (row, sample) in included.enumerated() { buffer[row * classNames.count + classes[sample]] = 1 }
            }
        case .binary:
            targets = try! Tensor<Float>(shape: [count, 1], scalars: included.map { Float(classes[$0]) })
        case .sparse:
            targets = Tensor<Float>(included.map { Float(classes[$0]) })
        case .multiLabel, .raw:
            targets = Tensor<Float>(shape: [count, targetWidth]) { buffer in
                for (row, sample) in included.enumerated() {
                    for k in 0..<targetWidth { buffer[row * targetWidth + k] = values[sample * targetWidth + k] }
                }
            }
        case .input:
            targets = inputTensor
        case .none:
            targets = nil
        }
        return BatchOutcome(batch: Batch(inputs: inputTensor, targets: targets, paths: paths), skipped: skippedHere, error: nil)
    }

    /// Converts to the colour mode, resizes to the target size and writes `value * scale` floats.
    /// Nearest resizing is fused with the conversion (it commutes with per-pixel colour conversion).
    func writeSample(_ raw: RawImage, into out: UnsafeMutablePointer<Float>, scale: Float) {
        let (height, width) = targetSize
        let channels = colorMode.channels
        var image = raw
        if image.channels != channels {
            var converted = [UInt8](repeating: 0, count: image.width * image.height * channels)
            converted.withUnsafeMutableBufferPointer { image.convert(to: colorMode, into: $0.baseAddress!) }
            image = RawImage(unchecked: image.width, height: image.height, channels: channels, pixels: converted)
        }
        if interpolation == .bilinear && (image.width != width || image.height != height) {
            image = ImageResizer.resize(image, width: width, height: height, interpolation: .bilinear)
        }
        if image.width == width && image.height == height {
            // Already the target size: one contiguous, vectorisable conversion.
            let total = width * height * channels
            image.pixels.withUnsafeBufferPointer { src in
                for i in 0..<total { out[i] = Float(src[i]) * scale }
            }
            return
        }
        let xs = image.width == width ? Array(0..<width) : ImageResizer.nearestIndices(inSize: image.width, outSize: width)
        let ys = image.height == height ? Array(0..<height) : ImageResizer.nearestIndices(inSize: image.height, outSize: height)
        let sourceWidth = image.width
        image.pixels.withUnsafeBufferPointer { src in
            xs.withUnsafeBufferPointer { xs in
                var o = out
                for y in 0..<height {
                    let row = src.baseAddress! + ys[y] * sourceWidth * channels
                    if channels == 3 {
                        for x in 0..<width {
                            let p = row + xs[x] * 3
                            o[0] = Float(p[0]) * scale; o[1] = Float(p[1]) * scale; o[2] = Float(p[2]) * scale
                            o += 3
                        }
                    } else {
                        for x in 0..<width {
                            let p = row + xs[x] * channels
                            for k in 0..<channels { o[k] = Float(p[k]) * scale }
                            o += channels
                        }
                    }
                }
            }
        }
    }
}

struct BatchOutcome: Sendable {
    var batch: Batch?
    var skipped: [SkippedFile]
    var error: ImageError?
}

/// The producer side of one epoch: workers claim batch numbers in increasing order, decode them, and park the
/// results until the consumer takes them in order. `slots` bounds decoded-or-decoding batches.
final class EpochPipeline: Sendable {
    struct State {
        var nextToClaim = 0
        var results: [Int: BatchOutcome] = [:]
        var cancelled = false
    }

    let source: ImageBatchSource
    let epoch: Int
    let order: [Int]
    let batchCount: Int
    let slots: DispatchSemaphore
    let completed = DispatchSemaphore(value: 0)
    let state = Locked(State())

    init(source: ImageBatchSource, epoch: Int) {
        self.source = source
        self.epoch = epoch
        self.order = source.order(epoch: epoch)
        self.batchCount = source.batchesPerEpoch
        self.slots = DispatchSemaphore(value: source.prefetchBatches)
        for _ in 0..<min(source.workers, max(1, batchCount)) {
            DispatchQueue.global(qos: .userInitiated).async { [self] in work() }
        }
    }

    func work() {
        while true {
            slots.wait()
            let claimed: Int? = state.withLock { s in
                guard !s.cancelled, s.nextToClaim < batchCount else { return nil }
                defer { s.nextToClaim += 1 }
                return s.nextToClaim
            }
            guard let index = claimed else {
                slots.signal()
                return
            }
            let outcome = source.makeBatch(index, order: order, epoch: epoch)
            state.withLock { $0.results[index] = outcome }
            completed.signal()
        }
    }

    /// Blocks until batch `index` is decoded and takes it, freeing its slot.
    func take(_ index: Int) -> BatchOutcome {
        while true {
            if let outcome = state.withLock({ $0.results.removeValue(forKey: index) }) {
                slots.signal()
                return outcome
            }
            completed.wait()
        }
    }

    func cancel() {
        state.withLock { $0.cancelled = true; $0.results = [:] }
        for _ in 0..<(source.workers + source.prefetchBatches) { slots.signal() }
    }
}

/// Owns an epoch's pipeline; dropping it early (e.g. after `stepsPerEpoch` batches) stops the workers.
final class PipelineHandle: Sendable {
    let pipeline: EpochPipeline
    init(_ pipeline: EpochPipeline) { self.pipeline = pipeline }
    deinit { pipeline.cancel() }
}

/// The batches of one epoch of an ``ImageBatchSource``, in order.
public struct ImageBatchIterator: BatchIterator {
    let handle: PipelineHandle
    var nextIndex = 0
    /// Files skipped so far in this epoch (``BadFilePolicy/skip``); complete once `next()` returned `nil`.
    public private(set) var skippedFiles: [SkippedFile] = []
    /// ``skippedFiles`` in the form every batch source reports them.
    public var skippedSamples: [SkippedSample] {
        skippedFiles.map { SkippedSample(path: $0.path, reason: $0.error.description) }
    }
    var reported = false

    init(pipeline: EpochPipeline) {
        handle = PipelineHandle(pipeline)
    }

    /// The epoch this iterator walks.
    public var epoch: Int { handle.pipeline.epoch }

    /// The next batch, `nil` after the last. Throws the ``ImageError`` of an unreadable file with ``BadFilePolicy/fail``.
    public mutating func next() throws -> Batch? {
        let pipeline = handle.pipeline
        while nextIndex < pipeline.batchCount {
            let outcome = pipeline.take(nextIndex)
            nextIndex += 1
            if !outcome.skipped.isEmpty {
                skippedFiles.append(contentsOf: outcome.skipped)
                let epoch = pipeline.epoch
                pipeline.source.skipped.withLock { $0[epoch, default: []].append(contentsOf: outcome.skipped) }
            }
            if let error = outcome.error { throw error }
            // A batch whose every file was skipped is dropped rather than returned empty.
            if let batch = outcome.batch, batch.inputs.shape[0] > 0 { return batch }
        }
        if !reported && !skippedFiles.isEmpty {
            reported = true
            var message = "SwiftLearnVision: epoch \(pipeline.epoch) skipped \(skippedFiles.count) unreadable image(s):\n"
            for file in skippedFiles { message += "  \(file)\n" }
            FileDescriptorOutput.standardError.write(message)
        }
        return nil
    }
}

/// Unbuffered writes to a file descriptor (the epoch's skip report goes to standard error).
struct FileDescriptorOutput {
    let descriptor: Int32
    static let standardError = FileDescriptorOutput(descriptor: 2)
    func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
