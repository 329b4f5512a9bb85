"""Writes the safetensors integrity fixtures with Python's own `safetensors` package and zlib's CRC-32
(pip install safetensors numpy). Run from this directory: python3 make_fixtures.py

python_crc32.safetensors: the four weights of a 3 -> 2 -> 1 model with metadata `format` and one
`crc32/<name>` entry per tensor (8 lowercase hex digits of zlib.crc32 over the tensor's bytes), which is
what SwiftLearn's writer adds. SwiftLearn must write the same tensors, offsets and metadata (the Rust
writer orders metadata entries by hash, so only their order may differ) and load the file.
"""
import zlib
import numpy as np
from safetensors.numpy import save_file, load_file
from safetensors import safe_open

weights = {
    "dense/kernel": np.array([[0.5, -1.25], [2.0, 0.125], [-3.5, 4.0]], dtype=np.float32),
    "dense/bias": np.array([0.25, -0.75], dtype=np.float32),
    "dense_1/kernel": np.array([[1.5], [-2.5]], dtype=np.float32),
    "dense_1/bias": np.array([0.0625], dtype=np.float32),
}
metadata = {"format": "swiftlearn.weights"}
for name, array in weights.items():
    metadata["crc32/" + name] = format(zlib.crc32(array.astype("<f4").tobytes()), "08x")
save_file(weights, "python_crc32.safetensors", metadata=metadata)

# Python reads the file back, metadata included (readers ignore keys they do not know).
loaded = load_file("python_crc32.safetensors")
assert all(np.array_equal(loaded[k], v) for k, v in weights.items())
with safe_open("python_crc32.safetensors", framework="numpy") as f:
    print(f.metadata())
