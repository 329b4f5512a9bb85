import SwiftLearnRandom
import SwiftLearnTensor

/// One decoded batch, or what stopped it: the files left out (``BadFilePolicy/skip``) and the error of the
/// file that failed (``BadFilePolicy/fail``).
struct BatchOutcome: Sendable {
    var batch: Batch?
    var skipped: [SkippedFile]
    var error: ImageError?
}

extension ImageBatchSource {
    /// Decodes batch `index` of an epoch whose visiting order is `order`: inputs through ``PixelWriter``, then
    /// targets by class mode.
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
        var inputs = inputArray(count: positions.count * perImage)
        var writer = PixelWriter(targetHeight: height, targetWidth: width, colorMode: colorMode,
                                 interpolation: interpolation, options: fileDecodingOptions)
        var written = 0
        inputs.withUnsafeMutableBufferPointer { buffer in
            for position in positions {
                let sample = order[position]
                let path = filePaths[sample]
                do throws(ImageError) {
                    let out = buffer.baseAddress! + written * perImage
                    if generator.augments {
                        let mixed = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(epoch) &* 0xBF58_476D_1CE4_E5B9
                            ^ UInt64(position) &* 0x94D0_49BB_1331_11EB
                        var random = RandomState(seed: UInt32(truncatingIfNeeded: mixed ^ (mixed >> 29) ^ (mixed >> 47)))
                        try writer.writeAugmented(path, generator: generator, random: &random, into: out)
                    } else {
                        try writer.write(path, scale: generator.rescale ?? 1, into: out)
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
        let batch = Batch(inputs: inputTensor, targets: targets(of: included, inputs: inputTensor),
                          paths: included.map { filePaths[$0] })
        return BatchOutcome(batch: batch, skipped: skippedHere, error: nil)
    }

    /// An array of `needed` floats for a batch's inputs: a recycled one when the pool has one (see
    /// ``recycledInputs``), else fresh. Every element the batch keeps is written before use.
    func inputArray(count needed: Int) -> [Float] {
        if var reused = recycledInputs.withLock({ pool in pool.popLast() }), reused.capacity >= needed {
            if reused.count > needed { reused.removeLast(reused.count - needed) }
            if reused.count < needed { reused.append(contentsOf: repeatElement(0, count: needed - reused.count)) }
            return reused
        }
        return [Float](unsafeUninitializedCapacity: needed) { _, initialized in initialized = needed }
    }

    /// The targets of the samples `included` (in batch order) for the flow's ``ClassMode``.
    func targets(of included: [Int], inputs: Tensor<Float>) -> Tensor<Float>? {
        let count = included.count
        switch classMode {
        case .categorical:
            return Tensor<Float>(shape: [count, classNames.count]) { buffer in
                buffer.initialize(repeating: 0)
                for (row, sample) in included.enumerated() { buffer[row * classNames.count + classes[sample]] = 1 }
            }
        case .binary:
            return try! Tensor<Float>(shape: [count, 1], scalars: included.map { Float(classes[$0]) })
        case .sparse:
            return Tensor<Float>(included.map { Float(classes[$0]) })
        case .multiLabel, .raw:
            return Tensor<Float>(shape: [count, targetWidth]) { buffer in
                for (row, sample) in included.enumerated() {
                    for k in 0..<targetWidth { buffer[row * targetWidth + k] = values[sample * targetWidth + k] }
                }
            }
        case .input:
            return inputs
        case .none:
            return nil
        }
    }
}
