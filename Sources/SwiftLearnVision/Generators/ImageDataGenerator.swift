import SwiftLearnTensor

/// How labels become the `targets` of a batch, as Keras's `class_mode`.
public enum ClassMode: String, Sendable, CaseIterable {
    /// One-hot rows `[batch, classes]`.
    case categorical
    /// 0/1 for two classes (index in the sorted class list), `[batch, 1]`.
    case binary
    /// Class index as a float, `[batch]`.
    case sparse
    /// Keras's `'other'` with several 0/1 (or numeric) columns: the `yCol` values, `[batch, yCol.count]`.
    case multiLabel
    /// The numeric `yCol` values as they are, `[batch, yCol.count]` (regression targets).
    case raw
    /// Targets are the inputs themselves (autoencoders).
    case input
    /// No targets (prediction).
    case none
}

/// Which part of a `validationSplit` a flow reads: Keras puts the first `validationSplit` fraction of every
/// class folder (or of the table's rows) in `validation` and the rest in `training`.
public enum Subset: String, Sendable {
    case training
    case validation
}

/// Points outside the image after a rotation, shift or zoom take their value from (Keras's `fill_mode`).
public enum FillMode: String, Sendable, CaseIterable {
    /// `aaaaaaaa|abcd|dddddddd`
    case nearest
    /// `kkkkkkkk|abcd|kkkkkkkk` with `k = cval`
    case constant
    /// `abcddcba|abcd|dcbaabcd`
    case reflect
    /// `abcdabcd|abcd|abcdabcd`
    case wrap
}

/// What a flow does with a file that cannot be read or decoded.
public enum BadFilePolicy: Sendable, Equatable {
    /// Throw the ``ImageError`` (naming the file) from the iterator's `next()`.
    case fail
    /// Leave the sample out of its batch (the batch is one shorter), count it, and list it in the epoch report.
    case skip
}

/// Real-time data augmentation and batch generation from image folders or tables of file names, after Keras's
/// `ImageDataGenerator`; batches stream from background threads through a bounded prefetch queue.
///
/// Per image: decode, convert to `colorMode`, resize to `targetSize` (nearest by default, like Keras),
/// random affine transform (rotation, shift, shear, zoom; bilinear sampling with `fillMode`), random flips,
/// then `x * rescale`. Random parameters come from a `RandomState` seeded by `(seed, epoch, position)`, so a
/// seeded flow produces bit-identical batches on every run and for any number of worker threads.
///
/// ```swift
/// let generator = try ImageDataGenerator(rescale: 1.0 / 255, validationSplit: 0.2, horizontalFlip: true)
/// let train = try generator.flowFromDirectory("data/train", targetSize: (112, 112), batchSize: 32,
///                                             seed: 42, subset: .training)
/// try model.fit(train, epochs: 10)
/// ```
public struct ImageDataGenerator: Sendable {
    public let rescale: Float?
    public let validationSplit: Double
    public let horizontalFlip: Bool
    public let verticalFlip: Bool
    /// Degrees: the rotation angle is uniform in `[-rotationRange, rotationRange]`.
    public let rotationRange: Double
    /// Fraction of the width when `< 1`, else pixels: horizontal shift uniform in `[-range, range]`.
    public let widthShiftRange: Double
    /// Fraction of the height when `< 1`, else pixels.
    public let heightShiftRange: Double
    /// Degrees of shear, uniform in `[-shearRange, shearRange]`.
    public let shearRange: Double
    /// Zoom factors are uniform in `[zoomRange.lower, zoomRange.upper]` (Keras's `zoom_range=z` is `1-z...1+z`).
    public let zoomRange: (lower: Double, upper: Double)
    public let fillMode: FillMode
    /// The value of points outside the image with ``FillMode/constant``.
    public let cval: Float

    /// Creates a generator; every argument is validated here.
    /// - Parameter zoomRange: `z` for `[1 - z, 1 + z]`; use ``init(rescale:validationSplit:horizontalFlip:verticalFlip:rotationRange:widthShiftRange:heightShiftRange:shearRange:zoomBounds:fillMode:cval:)`` for explicit bounds.
    /// - Throws: ``ImageError`` quoting the invalid value.
    public init(rescale: Float? = nil, validationSplit: Double = 0, horizontalFlip: Bool = false,
                verticalFlip: Bool = false, rotationRange: Double = 0, widthShiftRange: Double = 0,
                heightShiftRange: Double = 0, shearRange: Double = 0, zoomRange: Double = 0,
                fillMode: FillMode = .nearest, cval: Float = 0) throws(ImageError) {
        guard zoomRange >= 0, zoomRange.isFinite else {
            throw ImageError("ImageDataGenerator zoomRange must be a finite number >= 0, received \(zoomRange)")
        }
        try self.init(rescale: rescale, validationSplit: validationSplit, horizontalFlip: horizontalFlip,
                      verticalFlip: verticalFlip, rotationRange: rotationRange, widthShiftRange: widthShiftRange,
                      heightShiftRange: heightShiftRange, shearRange: shearRange,
                      zoomBounds: (1 - zoomRange, 1 + zoomRange), fillMode: fillMode, cval: cval)
    }

    /// Creates a generator with explicit zoom bounds `(lower, upper)`.
    public init(rescale: Float? = nil, validationSplit: Double = 0, horizontalFlip: Bool = false,
                verticalFlip: Bool = false, rotationRange: Double = 0, widthShiftRange: Double = 0,
                heightShiftRange: Double = 0, shearRange: Double = 0, zoomBounds: (Double, Double),
                fillMode: FillMode = .nearest, cval: Float = 0) throws(ImageError) {
        guard validationSplit >= 0, validationSplit < 1 else {
            throw ImageError("ImageDataGenerator validationSplit must be in [0, 1), received \(validationSplit)")
        }
        for (name, value) in [("rotationRange", rotationRange), ("widthShiftRange", widthShiftRange),
                              ("heightShiftRange", heightShiftRange), ("shearRange", shearRange)] {
            guard value >= 0, value.isFinite else {
                throw ImageError("ImageDataGenerator \(name) must be a finite number >= 0, received \(value)")
            }
        }
        guard zoomBounds.0 > 0, zoomBounds.0 <= zoomBounds.1, zoomBounds.1.isFinite else {
            throw ImageError("ImageDataGenerator zoom bounds must satisfy 0 < lower <= upper, received \(zoomBounds)")
        }
        if let rescale, !rescale.isFinite {
            throw ImageError("ImageDataGenerator rescale must be finite, received \(rescale)")
        }
        self.rescale = rescale
        self.validationSplit = validationSplit
        self.horizontalFlip = horizontalFlip
        self.verticalFlip = verticalFlip
        self.rotationRange = rotationRange
        self.widthShiftRange = widthShiftRange
        self.heightShiftRange = heightShiftRange
        self.shearRange = shearRange
        self.zoomRange = (zoomBounds.0, zoomBounds.1)
        self.fillMode = fillMode
        self.cval = cval
    }

    /// Whether any random transform is configured (otherwise the fast fused path is used).
    var augments: Bool {
        horizontalFlip || verticalFlip || rotationRange != 0 || widthShiftRange != 0 || heightShiftRange != 0
            || shearRange != 0 || zoomRange.lower != 1 || zoomRange.upper != 1
    }

    /// The range of rows of `count` samples (in listing order) that `subset` selects, as Keras splits.
    func splitRange(count: Int, subset: Subset?) throws(ImageError) -> Range<Int> {
        guard let subset else { return 0..<count }
        guard validationSplit > 0 else {
            throw ImageError("subset \(subset.rawValue) was requested but the generator's validationSplit is 0")
        }
        let cut = Int(validationSplit * Double(count))
        return subset == .validation ? 0..<cut : cut..<count
    }
}
