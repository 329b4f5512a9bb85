"""Reference outputs for SwiftLearn's Conv2D and pooling layers, from naive loops in numpy (float64).

Writes conv_cases.json next to this file. Each case holds the input batch (NHWC), the kernel
[kh, kw, channels, filters], the bias and the expected output, all as flat row-major lists; padding
follows TensorFlow (same: out = ceil(in / stride), the odd padding row/column at the bottom/right).

Run: python3 Tests/Fixtures/conv/make_conv_fixtures.py
"""
import json
import os

import numpy as np


def axis_geometry(size, window, stride, dilation, padding):
    span = dilation * (window - 1) + 1
    if padding == "valid":
        return (size - span) // stride + 1, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + span - size, 0) // 2


def naive_conv(x, kernel, bias, stride, dilation, padding, activation):
    n, h, w, c = x.shape
    kh, kw, _, f = kernel.shape
    oh, pt = axis_geometry(h, kh, stride[0], dilation[0], padding)
    ow, pl = axis_geometry(w, kw, stride[1], dilation[1], padding)
    y = np.zeros((n, oh, ow, f))
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for o in range(f):
                    total = bias[o]
                    for p in range(kh):
                        for q in range(kw):
                            r = i * stride[0] - pt + p * dilation[0]
                            s = j * stride[1] - pl + q * dilation[1]
                            if 0 <= r < h and 0 <= s < w:
                                for ch in range(c):
                                    total += float(x[b, r, s, ch]) * float(kernel[p, q, ch, o])
                    y[b, i, j, o] = max(total, 0.0) if activation == "relu" else total
    return y


def naive_pool(x, window, stride, padding, reduction):
    n, h, w, c = x.shape
    oh, pt = axis_geometry(h, window[0], stride[0], 1, padding)
    ow, pl = axis_geometry(w, window[1], stride[1], 1, padding)
    y = np.zeros((n, oh, ow, c))
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    taps = [float(x[b, r, s, ch])
                            for r in range(i * stride[0] - pt, i * stride[0] - pt + window[0])
                            for s in range(j * stride[1] - pl, j * stride[1] - pl + window[1])
                            if 0 <= r < h and 0 <= s < w]
                    y[b, i, j, ch] = max(taps) if reduction == "max" else sum(taps) / len(taps)
    return y


def flat(array):
    return [float(v) for v in np.asarray(array, dtype=np.float32).ravel()]


def main():
    rng = np.random.RandomState(20261202)
    conv_cases = [
        # batch, height, width, channels, filters, kernel, strides, dilation, padding, activation
        (1, 7, 5, 1, 2, (3, 3), (1, 1), (1, 1), "valid", "linear"),
        (3, 6, 7, 3, 4, (3, 2), (2, 2), (1, 1), "same", "linear"),
        (1, 9, 8, 5, 3, (3, 3), (1, 1), (2, 2), "same", "linear"),
        (3, 5, 6, 3, 2, (2, 3), (2, 2), (1, 1), "valid", "relu"),
        (3, 8, 7, 5, 3, (5, 5), (1, 1), (1, 1), "same", "linear"),
        (3, 4, 5, 5, 3, (1, 1), (1, 1), (1, 1), "valid", "linear"),
        (1, 11, 9, 3, 2, (3, 3), (1, 1), (2, 3), "valid", "relu"),
        (3, 7, 7, 1, 5, (4, 4), (2, 1), (1, 1), "same", "linear"),
    ]
    cases = []
    for batch, h, w, c, f, k, s, d, padding, activation in conv_cases:
        x = rng.uniform(-1, 1, (batch, h, w, c)).astype(np.float32)
        kernel = rng.uniform(-1, 1, (k[0], k[1], c, f)).astype(np.float32)
        bias = rng.uniform(-0.5, 0.5, f).astype(np.float32)
        y = naive_conv(x, kernel, bias, s, d, padding, activation)
        cases.append({"layer": "conv", "input_shape": [batch, h, w, c], "filters": f, "kernel_size": list(k),
                      "strides": list(s), "dilation_rate": list(d), "padding": padding, "activation": activation,
                      "input": flat(x), "kernel": flat(kernel), "bias": flat(bias),
                      "output_shape": list(y.shape), "output": flat(y)})
    pool_cases = [
        (1, 6, 6, 1, (2, 2), (2, 2), "valid", "max"),
        (3, 7, 5, 3, (3, 3), (2, 2), "same", "max"),
        (3, 5, 7, 5, (2, 3), (1, 2), "valid", "max"),
        (1, 6, 6, 3, (2, 2), (2, 2), "valid", "average"),
        (3, 7, 5, 3, (3, 3), (2, 2), "same", "average"),
        (3, 5, 4, 5, (5, 4), (1, 1), "valid", "average"),
        (3, 5, 4, 5, (5, 4), (1, 1), "valid", "max"),
    ]
    for batch, h, w, c, window, stride, padding, reduction in pool_cases:
        x = rng.uniform(-1, 1, (batch, h, w, c)).astype(np.float32)
        y = naive_pool(x, window, stride, padding, reduction)
        cases.append({"layer": reduction + "_pool", "input_shape": [batch, h, w, c], "pool_size": list(window),
                      "strides": list(stride), "padding": padding, "input": flat(x),
                      "output_shape": list(y.shape), "output": flat(y)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_cases.json")
    with open(path, "w") as out:
        json.dump({"generator": "Tests/Fixtures/conv/make_conv_fixtures.py (naive loops, numpy float64)",
                   "cases": cases}, out, separators=(",", ":"))
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
