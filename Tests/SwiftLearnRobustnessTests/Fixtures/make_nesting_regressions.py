"""Writes the nesting-depth regression inputs of issue 13 (the other files in fuzz/ are inputs the fuzzers
found). Run from this directory: python3 make_nesting_regressions.py (standard library only); writes into fuzz/.

fuzz/npy/stack-overflow-20000-parens.npy: 20,000 nested '(' in the shape of a 40 KB NPY file; the recursive header
parser overflowed the stack (SIGSEGV) before nesting was bounded.
fuzz/safetensors/deep-json-10000-brackets.safetensors: a tensor description holding 10,000 nested JSON arrays.
"""
import os, struct

prefix = "{'descr': '<f4', 'fortran_order': False, 'shape': "
header = (prefix + "(" * 20000 + "1" + ")" * 20000 + ", }").encode("latin-1")
header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
os.makedirs("fuzz/npy", exist_ok=True)
with open("fuzz/npy/stack-overflow-20000-parens.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\x00" * 4)

json_header = ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + "[" * 10000 + "]" * 10000 + "}}").encode()
json_header += b" " * ((8 - len(json_header) % 8) % 8)
os.makedirs("fuzz/safetensors", exist_ok=True)
with open("fuzz/safetensors/deep-json-10000-brackets.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(json_header)) + json_header + b"\x00" * 4)
