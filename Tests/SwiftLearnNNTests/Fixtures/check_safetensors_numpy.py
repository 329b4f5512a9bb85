"""Parses a safetensors file with numpy only (no safetensors package) and prints every tensor:
python3 check_safetensors_numpy.py FILE. Used to check SwiftLearn's output by hand or in CI."""
import json, struct, sys
import numpy as np

data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + n])
assert n % 8 == 0, "header length is not 8-byte aligned"
base = 8 + n
print("metadata:", {k: (v[:60] + "...") if len(v) > 60 else v for k, v in header.pop("__metadata__", {}).items()})
end = 0
for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
    begin, stop = info["data_offsets"]
    assert info["dtype"] == "F32" and begin == end, (name, info)
    array = np.frombuffer(data[base + begin:base + stop], dtype="<f4").reshape(info["shape"])
    print(name, array.shape, float(array.sum()))
    end = stop
assert base + end == len(data), "trailing bytes"
print("ok")
