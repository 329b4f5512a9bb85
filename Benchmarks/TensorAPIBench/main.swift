// tensor-api-bench: the Tensor API's copies and conversions, driven by Benchmarks/scripts/compare_tensor_api.py
// so that numpy and SwiftLearn alternate in one run.
//
//     swift build -c release -Xswiftc -target-cpu -Xswiftc native --product tensor-api-bench
//     python3 Benchmarks/scripts/compare_tensor_api.py .build/release/tensor-api-bench
//
// Protocol: one request per line on standard input, `<op> <rows> <columns> <threads>`; the answer is one JSON
// line with the median seconds per call (7 samples, each long enough to cover ≥ 2 ms of calls, after a
// warm-up), results allocated per call as numpy's are. `list` prints the op names. Inputs are the same
// patterns the script builds for numpy (values do not change the time of a copy or a conversion).
import BenchmarkSupport
import Foundation
import SwiftLearnSystem
import SwiftLearnTensor

/// Median seconds per call of `body`.
func measure(_ body: () -> Void) -> Double {
    body()
    var calls = 1
    while true {
        let start = monotonicSeconds()
        for _ in 0..<calls { body() }
        if monotonicSeconds() - start >= 0.002 || calls >= 1 << 20 { break }
        calls *= 2
    }
    var samples: [Double] = []
    for _ in 0..<7 {
        let start = monotonicSeconds()
        for _ in 0..<calls { body() }
        samples.append((monotonicSeconds() - start) / Double(calls))
    }
    return median(samples)
}

/// The op names and what each times; the script holds the matching numpy statements.
let ops: [String: (Int, Int) -> () -> Void] = [
    "u8_to_f32": { rows, columns in
        let x = bytes(rows * columns).reshaped([rows, columns])
        return { blackHole(x.astype(Float.self)) }
    },
    "u8_to_f32_div255": { rows, columns in
        let x = bytes(rows * columns).reshaped([rows, columns])
        return { blackHole(x.astype(Float.self) / 255) }
    },
    "f32_to_f64": { rows, columns in
        let x = floats(rows, columns)
        return { blackHole(x.astype(Double.self)) }
    },
    "f64_to_f32": { rows, columns in
        let x = floats(rows, columns).astype(Double.self)
        return { blackHole(x.astype(Float.self)) }
    },
    "transpose": { rows, columns in
        let x = floats(rows, columns)
        return { blackHole(x.transposed()) }
    },
    "transpose_f64": { rows, columns in
        let x = floats(rows, columns).astype(Double.self)
        return { blackHole(x.transposed()) }
    },
    "permute_021": { rows, columns in
        let x = floats(rows, columns).reshaped([rows, columns / 10, 10])
        return { blackHole(x.permuted([0, 2, 1])) }
    },
    "concat_axis0": { rows, columns in
        let half = floats(rows / 2, columns)
        return { blackHole(Tensor.concatenate([half, half], axis: 0)) }
    },
    "concat_axis1": { rows, columns in
        let half = floats(rows, columns / 2)
        return { blackHole(Tensor.concatenate([half, half], axis: 1)) }
    },
    "gather_rows": { rows, columns in
        let x = floats(rows, columns)
        let order = permutation(rows)
        return { blackHole(x.gatheringRows(order)) }
    },
    "rows_copy": { rows, columns in
        let x = floats(rows, columns)
        return { blackHole(x.rows(1..<(rows - 1))) }
    },
    "rows_view": { rows, columns in
        let x = floats(rows, columns)
        return { blackHole(x.rowsView(1..<(rows - 1))) }
    },
    "column_slice": { rows, columns in
        let x = floats(rows, columns)
        return { blackHole(x[.all, (columns / 10)..<(columns / 2)]) }
    },
    "step_slice": { rows, columns in
        let x = floats(rows, columns)
        return { blackHole(x[.stride(by: 2), .stride(by: -1)]) }
    },
    "where": { rows, columns in
        let x = floats(rows, columns), y = x * 0.5
        return { blackHole(Tensor.where(x .> 0, x, y)) }
    },
    "mask_select": { rows, columns in
        let x = floats(rows, columns)
        return { blackHole(x[mask: x .> 0]) }
    },
]

func bytes(_ count: Int) -> Tensor<UInt8> { Tensor((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }) }
func floats(_ rows: Int, _ columns: Int) -> Tensor<Float> {
    Tensor((0..<(rows * columns)).map { Float(($0 &* 7919) % 1000) / 100 - 5 }).reshaped([rows, columns])
}
/// A fixed shuffle of `0..<count` (an LCG stride that is coprime with the count).
func permutation(_ count: Int) -> [Int] {
    var step = 7919 % Swift.max(1, count)
    while count > 1 && gcd(step, count) != 1 { step += 1 }
    return (0..<count).map { ($0 &* step &+ 11) % Swift.max(1, count) }
}
func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }


while let line = readLine() {
    let words = line.split(separator: " ").map(String.init)
    if words == ["list"] { print(ops.keys.sorted().joined(separator: " ")); continue }
    guard words.count == 4, let make = ops[words[0]], let rows = Int(words[1]), let columns = Int(words[2]),
          let threads = Int(words[3]) else {
        print("{\"error\": \"cannot parse request \(line)\"}")
        fflush(nil)
        continue
    }
    Parallelism.threadCount = threads
    let seconds = measure(make(rows, columns))
    print("{\"op\": \"\(words[0])\", \"rows\": \(rows), \"columns\": \(columns), \"threads\": \(threads), \"seconds\": \(seconds)}")
    fflush(nil)  // the script waits for this line
}
