"""NPY / NPZ / IDX fixtures written by numpy and by hand-packed IDX headers (Python's struct), plus
expected.json with the values numpy reads back (dtype, shape, flattened C-order values).

Run from this directory: python3 make_fixtures.py
"""
import gzip
import json
import struct

import numpy as np

expected = {}


def record(name, array):
    array = np.asarray(array)
    values = array.ravel(order="C")
    if array.dtype == np.bool_:
        values = values.astype(int)
    expected[name] = {"dtype": str(array.dtype), "shape": list(array.shape),
                      "values": [v if not isinstance(v, float) or np.isfinite(v) else repr(v) for v in values.tolist()]}


def save(name, array, version=None):
    array = np.asarray(array)
    if version is None:
        np.save(name, array)
    else:
        with open(name, "wb") as handle:
            np.lib.format.write_array(handle, array, version=version)
    record(name, np.load(name))


save("f4_c.npy", (np.arange(12, dtype="<f4").reshape(3, 4) * 0.5 - 1))
save("f8_fortran.npy", np.asfortranarray(np.arange(24, dtype="<f8").reshape(2, 3, 4) * 1.25 - 7))
save("i4_fortran_2d.npy", np.asfortranarray(np.arange(15, dtype="<i4").reshape(3, 5) - 7))
save("i4_big.npy", np.array([1, -2, 300000, -2147483648, 2147483647], dtype=">i4"))
save("f8_big.npy", np.array([[1.5, -2.25], [1e300, -0.0]], dtype=">f8"))
save("f4_big_fortran.npy", np.asfortranarray((np.arange(6).reshape(2, 3) / 4).astype(">f4")))
save("i8.npy", np.array([0, -1, 2**40, -(2**53), 7], dtype="<i8"))
save("i8_big_values.npy", np.array([1, 2**62], dtype="<i8"))
save("u1.npy", np.arange(0, 256, 17, dtype=np.uint8).reshape(4, 4))
save("i1.npy", np.array([-128, -1, 0, 1, 127], dtype=np.int8))
save("u2.npy", np.array([0, 1, 65535, 4096], dtype="<u2"))
save("i2_big.npy", np.array([-32768, -1, 0, 32767], dtype=">i2"))
save("b1.npy", np.array([[True, False, True], [False, False, True]]))
save("u4.npy", np.array([0, 4294967295, 12345], dtype="<u4"))
save("u8.npy", np.array([0, 18446744073709551615], dtype="<u8"))
save("scalar_f8.npy", np.array(3.5))
save("empty_f4.npy", np.zeros((0, 3), dtype="<f4"))
save("rank4_u1.npy", (np.arange(2 * 3 * 2 * 2) % 251).astype(np.uint8).reshape(2, 3, 2, 2))
save("v2_f4.npy", np.linspace(0, 1, 7, dtype="<f4"), version=(2, 0))
save("v3_i2.npy", np.array([[1, -2], [3, -4]], dtype="<i2"), version=(3, 0))
save("nan_f8.npy", np.array([np.nan, 1.0, np.inf]))
save("f4_float_values.npy", np.array([0.5, 1.25, 2.0], dtype="<f4"))

# NPZ: stored (savez) and deflated (savez_compressed).
images = (np.arange(3 * 4 * 5) * 7 % 256).astype(np.uint8).reshape(3, 4, 5)
labels = np.array([2, 0, 1], dtype=np.int64)
weights = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3) / 3)
np.savez("stored.npz", images=images, labels=labels, weights=weights)
np.savez_compressed("compressed.npz", images=images, labels=labels, weights=weights)
for name in ("images", "labels", "weights"):
    record(f"npz:{name}", np.load("stored.npz")[name])

# Keras-style mnist.npz for the loader's search test: 4 training and 2 test images.
np.savez_compressed("mnist_tiny.npz",
                    x_train=(np.arange(4 * 28 * 28) % 256).astype(np.uint8).reshape(4, 28, 28),
                    y_train=np.array([5, 0, 4, 1], dtype=np.uint8),
                    x_test=(np.arange(2 * 28 * 28) % 7).astype(np.uint8).reshape(2, 28, 28),
                    y_test=np.array([7, 2], dtype=np.uint8))


# IDX: header packed by hand, data big-endian.
def idx(name, code, array, fmt, compress=False):
    array = np.asarray(array)
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    data = array.astype(fmt).tobytes()
    blob = header + data
    with open(name, "wb") as handle:
        handle.write(gzip.compress(blob, mtime=0) if compress else blob)
    record(name, array)


idx("ubyte_rank3.idx", 0x08, (np.arange(2 * 3 * 4) * 11 % 256).astype(np.uint8).reshape(2, 3, 4), ">u1")
idx("ubyte_rank3.idx.gz", 0x08, (np.arange(2 * 3 * 4) * 11 % 256).astype(np.uint8).reshape(2, 3, 4), ">u1", compress=True)
idx("byte_rank1.idx", 0x09, np.array([-128, -5, 0, 5, 127], dtype=np.int8), ">i1")
idx("short_rank2.idx", 0x0B, np.array([[-32768, 1], [2, 32767]], dtype=np.int16), ">i2")
idx("int_rank1.idx", 0x0C, np.array([-2147483648, 0, 123456789], dtype=np.int32), ">i4")
idx("float_rank2.idx", 0x0D, np.array([[0.5, -1.75, 3e-8]], dtype=np.float32), ">f4")
idx("double_rank4.idx", 0x0E, (np.arange(16, dtype=np.float64) / 3).reshape(2, 2, 2, 2), ">f8")
idx("ubyte_rank0.idx", 0x08, np.array(42, dtype=np.uint8), ">u1")

with open("expected.json", "w") as handle:
    json.dump(expected, handle, indent=0, sort_keys=True)
print(len(expected), "fixtures")
