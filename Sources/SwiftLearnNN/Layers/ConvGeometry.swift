import SwiftLearnSystem

/// Two integers (height, width), written as one integer for both or as a list of two, the way Keras's
/// `kernel_size`, `strides`, `pool_size` and `dilation_rate` take them.
///
/// ```swift
/// Conv2D(32, kernelSize: 3)            // 3 x 3
/// Conv2D(32, kernelSize: [5, 3])       // 5 rows by 3 columns
/// ```
public struct Size2D: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The values as given (two when valid; anything else is reported when the layer validates).
    public let values: [Int]

    public init(_ both: Int) { values = [both, both] }
    public init(_ height: Int, _ width: Int) { values = [height, width] }
    public init(integerLiteral value: Int) { self.init(value) }
    public init(arrayLiteral elements: Int...) { values = elements }
    /// A list of two integers (or one, used for both axes).
    public init(_ list: [Int]) { values = list.count == 1 ? [list[0], list[0]] : list }

    public var height: Int { values[0] }
    public var width: Int { values[1] }

    public var description: String { "(" + values.map(String.init).joined(separator: ", ") + ")" }

    /// Throws unless there are two positive values; `what` names the argument in the message.
    func validate(_ what: String, owner: String) throws {
        guard values.count == 2, values.allSatisfy({ $0 > 0 }) else {
            throw NNError.invalidArgument("\(owner): \(what) must be a positive integer or two positive integers, received \(values)")
        }
    }

    var json: JSONValue { .array(values.map { .number(Double($0)) }) }
}

/// How a sliding window treats the border, as Keras's `padding`.
///
/// - `valid`: no padding; the window stays inside, `out = floor((in - window) / stride) + 1`.
/// - `same`: `out = ceil(in / stride)`, zeros (or, for max pooling, nothing) added around the input, the
///   odd one at the bottom/right as TensorFlow does.
public enum Padding: String, Sendable {
    case valid
    case same
}

/// The sliding-window arithmetic of one spatial axis.
struct WindowAxis: Equatable {
    let input: Int
    let window: Int
    let stride: Int
    let dilation: Int
    let output: Int
    /// Padding rows (or columns) before the first input element.
    let padBefore: Int

    /// The axis for `input` positions, or `nil` when a valid window does not fit in the input.
    static func make(input: Int, window: Int, stride: Int, dilation: Int, padding: Padding) -> WindowAxis? {
        let span = dilation * (window - 1) + 1
        if padding == .valid {
            guard input >= span else { return nil }
            return WindowAxis(input: input, window: window, stride: stride, dilation: dilation,
                              output: (input - span) / stride + 1, padBefore: 0)
        }
        let output = (input + stride - 1) / stride
        return WindowAxis(input: input, window: window, stride: stride, dilation: dilation, output: output,
                          padBefore: Swift.max((output - 1) * stride + span - input, 0) / 2)
    }

    /// The input position of output `o`, window tap `t` (may fall outside `0..<input`).
    @inline(__always) func position(output o: Int, tap t: Int) -> Int { o * stride - padBefore + t * dilation }

    /// The outputs whose tap `t` falls inside `0..<input` (a contiguous range, possibly empty).
    func outputsInside(tap t: Int) -> Range<Int> {
        let offset = t * dilation - padBefore  // position(o, t) = o * stride + offset
        // first o with o * stride + offset >= 0, last with o * stride + offset <= input - 1
        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let limit = input - 1 - offset
        let last = limit < 0 ? -1 : Swift.min(output - 1, limit / stride)
        return first <= last ? first..<(last + 1) : 0..<0
    }

    /// The outputs whose every tap falls inside the input.
    var outputsWithWholeWindow: Range<Int> {
        let first = outputsInside(tap: 0), last = outputsInside(tap: window - 1)
        let range = Swift.max(first.lowerBound, last.lowerBound)..<Swift.min(first.upperBound, last.upperBound)
        return range.isEmpty ? 0..<0 : range
    }

    /// The taps of output `o` that fall inside `0..<input` (a contiguous range, possibly empty).
    func tapsInside(output o: Int) -> Range<Int> {
        let start = o * stride - padBefore  // position(o, t) = start + t * dilation
        let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
        let limit = input - 1 - start
        let last = limit < 0 ? -1 : Swift.min(window - 1, limit / dilation)
        return first <= last ? first..<(last + 1) : 0..<0
    }

    /// Every input position is some window's tap (dilation 1).
    var coversInput: Bool {
        dilation == 1 && padBefore == 0 && stride <= window && (output - 1) * stride + window >= input
    }
}

/// The geometry of a 2-D sliding window over channels-last samples `[height, width, channels]`.
struct WindowGeometry: Equatable {
    let rows: WindowAxis
    let columns: WindowAxis
    let channels: Int

    init(inputShape: [Int], window: Size2D, strides: Size2D, dilation: Size2D, padding: Padding,
         owner: String) throws {
        guard inputShape.count == 3 else {
            throw NNError.shapeMismatch("\(owner) expects inputs of shape (None, height, width, channels), received input of shape \(kerasShape(inputShape))")
        }
        guard let rows = WindowAxis.make(input: inputShape[0], window: window.height, stride: strides.height,
                                    dilation: dilation.height, padding: padding),
              let columns = WindowAxis.make(input: inputShape[1], window: window.width, stride: strides.width,
                                       dilation: dilation.width, padding: padding) else {
            throw NNError.shapeMismatch("\(owner): a \(window) window (dilation \(dilation)) does not fit input of shape \(kerasShape(inputShape)) with padding 'valid'")
        }
        self.rows = rows
        self.columns = columns
        self.channels = inputShape[2]
    }

    init(rows: WindowAxis, columns: WindowAxis, channels: Int) {
        self.rows = rows
        self.columns = columns
        self.channels = channels
    }

    var inputCount: Int { rows.input * columns.input * channels }
    var outputPixels: Int { rows.output * columns.output }
    /// Values in one im2col row: the window's taps times the channels.
    var patchSize: Int { rows.window * columns.window * channels }
    /// A 1 x 1 window with stride 1: the input already is its own im2col matrix.
    var isPointwise: Bool { patchSize == channels && rows.stride == 1 && columns.stride == 1 }

    /// The (row, column) taps of output pixel (`oh`, `ow`), with `body(tapIndex, inputPixel)` called for
    /// those inside the input (`inputPixel = ih * width + iw`) in row-major tap order.
    @inline(__always)
    func forEachTap(_ oh: Int, _ ow: Int, _ body: (_ tap: Int, _ inputPixel: Int?) -> Void) {
        for i in 0..<rows.window {
            let ih = rows.position(output: oh, tap: i)
            let rowInside = ih >= 0 && ih < rows.input
            for j in 0..<columns.window {
                let iw = columns.position(output: ow, tap: j)
                let inside = rowInside && iw >= 0 && iw < columns.input
                body(i * columns.window + j, inside ? ih * columns.input + iw : nil)
            }
        }
    }

    /// Visits the im2col row of output pixel (`oh`, `ow`) one kernel row at a time:
    /// `segment(inputOffset, rowOffset, count)` for a run of `count` values that sit contiguously in the input
    /// (`inputOffset`, in floats) and in the row (`rowOffset`), and `outside(rowOffset, count)` for values
    /// outside the input. With dilation 1 and the window inside the columns, a kernel row is a single run.
    @inline(__always)
    func forEachSegment(_ oh: Int, _ ow: Int, segment: (Int, Int, Int) -> Void, outside: (Int, Int) -> Void) {
        let c = channels, kw = columns.window, span = kw * c
        let firstColumn = columns.position(output: ow, tap: 0)
        let contiguous = columns.dilation == 1 && firstColumn >= 0 && firstColumn + kw <= columns.input
        for i in 0..<rows.window {
            let ih = rows.position(output: oh, tap: i)
            let rowOffset = i * span
            if ih < 0 || ih >= rows.input {
                outside(rowOffset, span)
            } else if contiguous {
                segment((ih * columns.input + firstColumn) * c, rowOffset, span)
            } else {
                for j in 0..<kw {
                    let iw = columns.position(output: ow, tap: j)
                    if iw >= 0 && iw < columns.input {
                        segment((ih * columns.input + iw) * c, rowOffset + j * c, c)
                    } else {
                        outside(rowOffset + j * c, c)
                    }
                }
            }
        }
    }

    /// The runs of one kernel row at a time, for column dilation 1, in the row-major order of
    /// ``forEachSegment(_:_:segment:outside:)`` (so col2im adds in the same order):
    /// `body(oh, ow, rowOffset, inputOffset, count)` for `count` values at `rowOffset` in the im2col
    /// row of (`oh`, `ow`), read from `inputOffset` in the sample, or `nil` outside the input. A window whose
    /// columns all lie inside gives one run of `kw·channels` values per kernel row, without per-tap bookkeeping.
    @inline(__always)
    private func forEachKernelRowRun(_ body: (Int, Int, Int, Int?, Int) -> Void) {
        let c = channels, kw = columns.window, span = kw &* c
        let inside = columns.outputsWithWholeWindow
        for oh in 0..<rows.output {
            for ow in 0..<columns.output {
                let firstColumn = columns.position(output: ow, tap: 0)
                for i in 0..<rows.window {
                    let ih = rows.position(output: oh, tap: i)
                    let rowOffset = i &* span
                    if ih < 0 || ih >= rows.input {
                        body(oh, ow, rowOffset, nil, span)
                    } else if inside.contains(ow) {
                        body(oh, ow, rowOffset, (ih &* columns.input &+ firstColumn) &* c, span)
                    } else {
                        for j in 0..<kw {
                            let iw = firstColumn &+ j
                            let source = iw >= 0 && iw < columns.input ? (ih &* columns.input &+ iw) &* c : nil
                            body(oh, ow, rowOffset &+ j &* c, source, c)
                        }
                    }
                }
            }
        }
    }

    /// Writes the im2col matrix of one sample: row `oh * outWidth + ow` holds the window's taps in
    /// (row, column, channel) order, zeros where the window leaves the input, matching a kernel laid out
    /// `[kh, kw, channels, filters]` read as a `[kh·kw·channels, filters]` matrix.
    func im2col(_ sample: UnsafePointer<Float>, into columnsOut: UnsafeMutablePointer<Float>) {
        guard columns.dilation == 1 else { return im2col(sample, patchColumns: 0..<patchSize, into: columnsOut) }
        let patch = patchSize  // whole runs, without the band's clipping
        forEachKernelRowRun { oh, ow, rowOffset, inputOffset, count in
            let row = columnsOut + ((oh &* columns.output &+ ow) &* patch &+ rowOffset)
            if let inputOffset { copyFloats(sample + inputOffset, to: row, count: count) } else { zeroFloats(row, count: count) }
        }
    }

    /// Columns `patchColumns` of the im2col matrix of one sample (``im2col(_:into:)``), written as rows of
    /// `patchColumns.count` values: the share of the matrix one thread's rows of the weight gradient read.
    func im2col(_ sample: UnsafePointer<Float>, patchColumns: Range<Int>, into columnsOut: UnsafeMutablePointer<Float>) {
        let width = patchColumns.count, low = patchColumns.lowerBound, high = patchColumns.upperBound
        // Copies the part of a run at `rowOffset` (`count` values read from `inputOffset`) that lies in the range.
        @inline(__always) func clip(_ row: UnsafeMutablePointer<Float>, _ rowOffset: Int, _ inputOffset: Int?, _ count: Int) {
            let first = Swift.max(rowOffset, low), end = Swift.min(rowOffset &+ count, high)
            guard first < end else { return }
            let to = row + (first &- low)
            if let inputOffset {
                copyFloats(sample + (inputOffset &+ first &- rowOffset), to: to, count: end &- first)
            } else {
                zeroFloats(to, count: end &- first)
            }
        }
        if columns.dilation == 1 {
            forEachKernelRowRun { oh, ow, rowOffset, inputOffset, count in
                clip(columnsOut + (oh &* columns.output &+ ow) &* width, rowOffset, inputOffset, count)
            }
            return
        }
        for oh in 0..<rows.output {
            for ow in 0..<columns.output {
                let row = columnsOut + (oh * columns.output + ow) * width
                forEachSegment(oh, ow, segment: { source, offset, count in
                    clip(row, offset, source, count)
                }, outside: { offset, count in
                    clip(row, offset, nil, count)
                })
            }
        }
    }

    /// The adjoint of ``im2col(_:into:)``: adds every im2col row back onto the sample it came from
    /// (`sample` is overwritten). Rows are visited in a fixed order, so the sums are reproducible.
    func col2im(_ columnsIn: UnsafePointer<Float>, into sample: UnsafeMutablePointer<Float>) {
        let patch = patchSize
        sample.update(repeating: 0, count: inputCount)
        if columns.dilation == 1 {
            forEachKernelRowRun { oh, ow, rowOffset, inputOffset, count in
                guard let inputOffset else { return }
                addFloats(columnsIn + ((oh &* columns.output &+ ow) &* patch &+ rowOffset), to: sample + inputOffset, count: count)
            }
            return
        }
        for oh in 0..<rows.output {
            for ow in 0..<columns.output {
                let row = columnsIn + (oh * columns.output + ow) * patch
                forEachSegment(oh, ow, segment: { destination, offset, count in
                    let to = sample + destination, from = row + offset
                    for k in 0..<count { to[k] += from[k] }
                }, outside: { _, _ in })
            }
        }
    }
}

/// Runs `body(range)` over disjoint ranges of `0..<count` samples on up to ``Parallelism/threadCount``
/// threads. Each sample's result depends on that sample alone, so the split never changes a bit.
func forEachSampleRange(_ count: Int, _ body: (Range<Int>) -> Void) {
    let parts = Swift.max(1, Swift.min(Parallelism.threadCount, count))
    Parallelism.run(parts) { part in
        let start = count * part / parts, end = count * (part + 1) / parts
        if start < end { body(start..<end) }
    }
}

/// Adds a per-channel bias to `rows` rows of `width` and applies `activation` (relu fused with the bias).
func addBias(_ bias: UnsafePointer<Float>?, andActivate activation: ActivationFunction,
             _ values: UnsafeMutableBufferPointer<Float>, rows: Int, width: Int) {
    guard let base = values.baseAddress else { return }
    let fuseRelu = activation == .relu
    if let bias {
        for row in 0..<rows {
            let v = base + row * width
            if fuseRelu {
                for j in 0..<width { v[j] = Swift.max(v[j] + bias[j], 0) }
            } else {
                for j in 0..<width { v[j] += bias[j] }
            }
        }
        if fuseRelu { return }
    }
    activation.apply(values, rows: rows, width: width)
}

/// relu's backward pass and the bias gradient in one sweep: `g[i, j] = y[i, j] > 0 ? g[i, j] : 0`, then
/// `sums[j] = Σ_i g[i, j]` added row by row (the order of ``columnSums``). Threads split the columns in blocks
/// of 16 (`width` a multiple of 16), so every sum runs alone in row order whatever the thread count.
func reluBackwardWithColumnSums(output: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
                                rows: Int, width: Int, into sums: UnsafeMutableBufferPointer<Float>) {
    guard let y = output.baseAddress, let g = gradient.baseAddress, let s = sums.baseAddress else { return }
    let blocks = width / 16
    let parts = Swift.max(1, Swift.min(Parallelism.threadCount, blocks))
    Parallelism.run(parts) { part in
        for block in (blocks * part / parts)..<(blocks * (part + 1) / parts) {
            let column = block &* 16
            var total = Lanes.zero
            for row in 0..<rows {
                let offset = row &* width &+ column
                var value = loadLanes(g + offset)
                value.replace(with: 0, where: .!(loadLanes(y + offset) .> 0))
                storeLanes(value, g + offset)
                total += value
            }
            storeLanes(total, s + column)
        }
    }
}

/// `count` floats from `source` to `destination` (not overlapping), 16 at a time.
@inline(__always)
func copyFloats(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    var k = 0
    while k &+ 16 <= count {
        storeLanes(loadLanes(source + k), destination + k)
        k &+= 16
    }
    while k < count {
        destination[k] = source[k]
        k &+= 1
    }
}

/// `count` zeros from `destination`, 16 at a time.
@inline(__always)
func zeroFloats(_ destination: UnsafeMutablePointer<Float>, count: Int) {
    var k = 0
    while k &+ 16 <= count {
        storeLanes(.zero, destination + k)
        k &+= 16
    }
    while k < count {
        destination[k] = 0
        k &+= 1
    }
}

/// `destination[k] += source[k]` for `count` floats, 16 at a time (each element alone: the same sums as a scalar loop).
@inline(__always)
func addFloats(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    var k = 0
    while k &+ 16 <= count {
        storeLanes(loadLanes(destination + k) + loadLanes(source + k), destination + k)
        k &+= 16
    }
    while k < count {
        destination[k] += source[k]
        k &+= 1
    }
}
