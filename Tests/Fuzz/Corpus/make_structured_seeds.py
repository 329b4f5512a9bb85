"""Writes the hand-made seeds that teach the fuzzers structure the fixtures lack: nesting right at and past
the parsers' 128-level limit, safetensors headers in the targets' JSON form (an input starting with '{' is
header JSON, then 0x00 and the data; the target adds the length prefix), overlapping and CRC-carrying
tensors, and CSV cells at Float's range and with NUL bytes. Run from this directory:
python3 make_structured_seeds.py (standard library only)."""
import json, os, struct, zlib


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy(header):
    text = header.encode("latin-1")
    text += b" " * ((64 - (10 + len(text) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + b"\x00" * 4


def nested_tuple(depth):
    return "(" * (depth - 1) + "1" + ",)" * (depth - 1)


# NPY: the dictionary is level 1, so a shape nested d - 1 tuples deep reaches level d.
write("npy", "nested_127.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % nested_tuple(127)))
write("npy", "nested_129.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % nested_tuple(129)))
# Far past the limit (an 8 KB header): under the old unbounded parser a few mutations that copy part of it
# into itself reach the ~10,000 levels that overflow an ASan build's stack.
write("npy", "nested_4000.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % nested_tuple(4000)))
write("npy", "lists_and_dicts.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': [{'a': [(1,)]}], }"))

# JSON: arrays and objects around the limit.
write("json", "arrays_128.json", "[" * 128 + "]" * 128)
write("json", "arrays_129.json", "[" * 129 + "]" * 129)
write("json", "arrays_4000.json", "[" * 4000 + "]" * 4000)
write("json", "objects_mixed.json", '{"a":[{"b":[' * 20 + "1" + "]}]" * 20 + "}")
write("json", "strings.json", json.dumps({"s": "\u00e9\n\"\U0001F600", "n": [-0.5, 1e-3, 12, True, None], "o": {}}))


def tensors_header(entries, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    header.update(entries)
    return json.dumps(header, separators=(",", ":"))


floats = struct.pack("<4f", 0.5, -1.25, 2.0, 0.125)
one = {"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
crc = {"crc32/a": format(zlib.crc32(floats), "08x")}
write("safetensors", "json_crc.txt", tensors_header(one, crc).encode() + b"\x00" + floats)
write("safetensors", "json_overlap.txt", tensors_header({
    "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
    "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}).encode() + b"\x00" + floats)
deep = tensors_header(one)[:-2] + ',"x":' + "[" * 126 + "]" * 126 + "}}"
write("safetensors", "json_nested_128.txt", deep.encode() + b"\x00" + floats)
deeper = tensors_header(one)[:-2] + ',"x":' + "[" * 4000 + "]" * 4000 + "}}"
write("safetensors", "json_nested_4000.txt", deeper.encode() + b"\x00" + floats)

architecture = json.dumps({"class_name": "Sequential", "name": "m", "build_input_shape": [2],
                           "layers": [{"class_name": "Dense", "name": "d", "trainable": True, "input_shape": None,
                                       "config": {"units": 1, "activation": "linear", "use_bias": True}}]},
                          separators=(",", ":"), sort_keys=True)
weights = struct.pack("<3f", 0.5, -1.0, 0.25)
model = {"d/bias": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
         "d/kernel": {"dtype": "F32", "shape": [2, 1], "data_offsets": [4, 12]}}
write("model", "json_dense.txt", tensors_header(model, {
    "format": "swiftlearn.model", "architecture": architecture,
    "weight_order": '["d/kernel","d/bias"]'}).encode() + b"\x00" + weights[4:8] + weights[0:4] + weights[8:12])
nested_architecture = architecture.replace('"input_shape":null', '"input_shape":' + "[" * 4000 + "]" * 4000)
write("model", "json_nested_architecture.txt", tensors_header(model, {
    "format": "swiftlearn.model", "architecture": nested_architecture}).encode() + b"\x00" + weights)

# CSV: cells at the edges the reader must refuse or record.
write("csv", "float_range.csv", "a,b\n3.4028235e38,1e39\n-inf,1e-50\n")
write("csv", "nul.csv", b"a,b\n1\x00,2\n")
