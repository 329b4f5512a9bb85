"""numpy reference values for the Tensor API tests (Tests/SwiftLearnTensorTests/NumpyAPITests.swift).

    python3 Tests/Fixtures/tensor_api/make_reference.py   # rewrites reference.json next to this file

Each case names an operation, its inputs and numpy's result. Arrays are {"dtype", "shape", "values"} with
values in row-major order. Floating values are strings (Python's `repr`: shortest round-trip digits, and
"nan", "inf", "-inf", which JSON has no literal for), so that the tests parse them exactly.
"""
import json
import os

import numpy as np

rng = np.random.RandomState(16)


def encode(array):
    array = np.asarray(array)
    values = array.reshape(-1).tolist()
    if array.dtype.kind == "f":
        values = [repr(float(v)) for v in values]
    return {"dtype": str(array.dtype), "shape": list(array.shape), "values": values}


cases = []


def case(op, inputs, expected, **params):
    cases.append({"op": op, "inputs": [encode(x) for x in inputs], "expected": encode(expected), "params": params})


special32 = np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45, 3.4e38, 0.1, -2.5, 16777217.0], dtype=np.float32)
special64 = np.array([np.nan, np.inf, -np.inf, -0.0, 1e300, -1e300, 0.1, 1 + 2.0 ** -30, 1e-320, 5e-324], dtype=np.float64)
bytes_ = np.arange(256, dtype=np.uint8)
ints = np.array([-2 ** 31, 2 ** 31 - 1, 16777217, -16777219, 0, 7], dtype=np.int32)

# Conversions (astype). Float -> integer only where numpy defines it: finite, in range, toward zero.
case("astype", [special32], special32.astype(np.float64), target="float64")
case("astype", [special64], special64.astype(np.float32), target="float32")
case("astype", [bytes_], bytes_.astype(np.float32), target="float32")
case("astype", [bytes_], bytes_.astype(np.float64), target="float64")
case("astype", [bytes_], bytes_.astype(np.int32), target="int32")
case("astype", [ints], ints.astype(np.float32), target="float32")
case("astype", [ints], ints.astype(np.float64), target="float64")
finite32 = np.array([2.9, -2.9, 1e9, -0.5, 0.0, -2147483520.0], dtype=np.float32)
case("astype", [finite32], finite32.astype(np.int32), target="int32")
in_byte_range = np.array([0.0, 0.99, 254.9, 255.0, 17.5], dtype=np.float64)
case("astype", [in_byte_range], in_byte_range.astype(np.uint8), target="uint8")
case("astype", [in_byte_range.astype(np.float32)], in_byte_range.astype(np.float32).astype(np.uint8), target="uint8")
case("astype", [np.array([0, 255, 300, -1], dtype=np.int32)[:2]], np.array([0, 255], dtype=np.uint8), target="uint8")
image = rng.randint(0, 256, (7, 33)).astype(np.uint8)
case("scale255", [image], image.astype(np.float32) / np.float32(255))
case("astype", [np.zeros((0, 3), np.uint8)], np.zeros((0, 3), np.float32), target="float32")
# A converted non-contiguous input: every other row, reversed columns.
case("astype_of_slice", [image], image[::2, ::-1].astype(np.float64), target="float64")

# Transposes and permutations.
for shape, dtype in [((3, 5), np.float32), ((70, 45), np.float32), ((33, 257), np.float64), ((17, 19), np.uint8),
                     ((1, 9), np.float32), ((0, 3), np.float32), ((200, 3), np.int32)]:
    x = np.arange(int(np.prod(shape))).astype(dtype).reshape(shape)
    case("permute", [x], x.T, axes=[1, 0])
import itertools
p = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
p[0, 0, 0] = np.nan
p[1, 2, 3] = -np.inf
for axes in itertools.permutations(range(3)):
    case("permute", [p], p.transpose(axes), axes=list(axes))
q = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
for axes in [(3, 1, 0, 2), (0, 1, 3, 2), (1, 0, 2, 3), (3, 2, 1, 0), (0, 2, 1, 3)]:
    case("permute", [q], q.transpose(axes), axes=list(axes))
wide = np.arange(4 * 1 * 300, dtype=np.float32).reshape(4, 1, 300)
case("permute", [wide], wide.transpose(2, 1, 0), axes=[2, 1, 0])
empty = np.zeros((2, 0, 3), np.float32)
case("permute", [empty], empty.transpose(2, 0, 1), axes=[2, 0, 1])

# Basic slicing: a spec per axis, {"i": n} or {"start", "stop", "step"} (null = left out).
cube = np.arange(3 * 4 * 5, dtype=np.float32).reshape(3, 4, 5)
cube[1, 2, 3] = np.nan


def s(start=None, stop=None, step=None):
    return {"start": start, "stop": stop, "step": step}


def apply(x, spec):
    return x[tuple(item["i"] if "i" in item else slice(item["start"], item["stop"], item["step"]) for item in spec)]


for spec in [[s(), s(1, 3)], [s(), {"i": 2}], [s(step=2)], [s(), s(step=-1)], [s(step=-2), s(), s(4, 0, -3)],
             [{"i": -1}, s(-3, None)], [s(1, 100), s(-100, 2)], [s(2, 1)], [s(), s(), {"i": 4}],
             [{"i": 1}, {"i": 2}], [s(None, None, 3), s(3, None, -1), s(-1, -6, -2)], [s(5, 10)]]:
    case("slice", [cube], apply(cube, spec), spec=spec)
matrix = np.arange(300 * 8, dtype=np.float32).reshape(300, 8)
case("slice", [matrix], matrix[:, 2:5], spec=[s(), s(2, 5)])
case("slice", [matrix], matrix[::7, ::-3], spec=[s(step=7), s(step=-3)])

# Boolean masks: elementwise and over rows. NaN in a mask selects (bool(nan) is True).
values = rng.randn(4, 6).astype(np.float32)
values[0, 1] = np.nan
values[2, 2] = np.inf
mask = (values > 0).astype(np.float32)
case("mask", [values, mask], values[values > 0])
row_mask = np.array([1, 0, np.nan, 0], dtype=np.float32)
case("mask", [values, row_mask], values[row_mask != 0])
case("mask", [values, np.zeros(4, np.int32)], values[np.zeros(4, bool)])

# where, with broadcasting, NaN conditions and non-finite values.
condition = np.array([[1], [0], [np.nan]], dtype=np.float32)
a = np.array([[1, -np.inf, 3, np.nan]], dtype=np.float32)
b = np.float32(-7)
case("where", [condition, a, np.array(b)], np.where(condition != 0, a, b))
c2 = (values > 0).astype(np.uint8)
case("where", [c2, values, values * 0.01], np.where(c2 != 0, values, values * np.float32(0.01)))
case("where", [np.array([0, 1], np.int32), np.arange(6, dtype=np.float64).reshape(3, 2), np.array([-1.0, -2.0])],
     np.where(np.array([0, 1]) != 0, np.arange(6, dtype=np.float64).reshape(3, 2), np.array([-1.0, -2.0])))
case("where", [np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32), np.ones((1, 2), np.float32)],
     np.zeros((0, 2), np.float32))

# Gathering rows: negative indices count from the end; an index array of rank 2 gives rank + 1.
table = np.arange(5 * 3, dtype=np.float32).reshape(5, 3)
table[3, 1] = np.nan
indices = np.array([4, -1, 0, -5, 2], dtype=np.int32)
case("gather", [table, indices], table[indices])
case("gather", [table, np.array([[0, 1], [4, 4]], np.int32)], table[np.array([[0, 1], [4, 4]])])
vector = np.array([10, 20, 30], dtype=np.float64)
case("gather", [vector, np.array([2, 2, 0, -2], np.int32)], vector[np.array([2, 2, 0, -2])])
case("gather", [table, np.zeros(0, np.int32)], table[np.zeros(0, int)])
logits = rng.randn(6, 5).astype(np.float32)
case("gather_argmax", [np.arange(5, dtype=np.float32) * 10, logits], (np.arange(5, dtype=np.float32) * 10)[logits.argmax(1)])

# Joining.
x1 = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
x2 = -np.arange(2 * 1 * 4, dtype=np.float32).reshape(2, 1, 4)
x0 = np.zeros((2, 0, 4), np.float32)
case("concatenate", [x1, x2, x0, x1], np.concatenate([x1, x2, x0, x1], axis=1), axis=1)
case("concatenate", [x1, x1[:1]], np.concatenate([x1, x1[:1]], axis=0), axis=0)
case("concatenate", [x1, x1 * 2], np.concatenate([x1, x1 * 2], axis=-1), axis=-1)
case("stack", [x1, x1 + 100], np.stack([x1, x1 + 100], axis=2), axis=2)

# dot and maximum/minimum.
u = np.array([1.5, -2, 3], dtype=np.float64)
m = np.arange(6, dtype=np.float64).reshape(2, 3) - 2
n = np.arange(12, dtype=np.float64).reshape(3, 4) / 4
case("dot", [u, u], u.dot(u))
case("dot", [m, u], m.dot(u))
case("dot", [u, n], u.dot(n))
case("dot", [m, n], m.dot(n))
left = np.array([1, np.nan, 3, -np.inf, 2], dtype=np.float32)
right = np.array([2, 0, np.nan, 5, np.inf], dtype=np.float32)
case("maximum", [left, right], np.maximum(left, right))
case("minimum", [left, right], np.minimum(left, right))
case("maximum", [left, np.array(np.float32(1.5))], np.maximum(left, np.float32(1.5)))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
with open(path, "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
