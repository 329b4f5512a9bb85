"""Writes the safetensors fixtures with Python's own `safetensors` package (pip install safetensors numpy).
Run from this directory: python3 make_safetensors_fixtures.py"""
import numpy as np
from safetensors.numpy import save_file

weights = {
    "dense/kernel": np.array([[0.5, -1.25], [2.0, 0.125], [-3.5, 4.0]], dtype=np.float32),
    "dense/bias": np.array([0.25, -0.75], dtype=np.float32),
    "dense_1/kernel": np.array([[1.5], [-2.5]], dtype=np.float32),
    "dense_1/bias": np.array([0.0625], dtype=np.float32),
}
# Keys only, no metadata: SwiftLearn matches them by name.
save_file(weights, "python_weights.safetensors")
# One metadata entry: SwiftLearn's writer must produce these exact bytes for the same tensors.
save_file(weights, "python_with_metadata.safetensors", metadata={"format": "swiftlearn.weights"})
# float64 data: loading must fail naming the dtype.
save_file({k: v.astype(np.float64) for k, v in weights.items()}, "python_float64.safetensors")
