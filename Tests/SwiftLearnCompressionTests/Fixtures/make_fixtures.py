"""Generates the compression test fixtures with Python's zlib/gzip/zipfile (the independent reference).

Run from this directory: python3 make_fixtures.py
Every `<name>.deflate`/`.gz`/`.zlib` decompresses (with Python) to the bytes in the matching `.bin`.
"""
import gzip
import io
import struct
import zipfile
import zlib


def sample_text():
    words = ["tensor", "gradient", "layer", "dense", "conv", "pool", "epoch", "batch", "loss", "adam",
             "relu", "softmax", "dropout", "kernel", "stride", "padding"]
    state = 12345
    lines = []
    for line in range(300):
        parts = []
        for _ in range(8 + line % 5):
            state = (state * 1103515245 + 12345) % 2**31
            parts.append(words[(state >> 16) % len(words)])
        lines.append(" ".join(parts) + f" {line * 7919 % 1000}")
    return ("\n".join(lines) + "\n").encode()


def skewed_bytes(count):
    # Geometric-ish byte distribution: rare symbols get long Huffman codes (> 10 bits -> decoder subtables),
    # and far, irregular matches exercise long distance codes.
    state = 987654321
    out = bytearray()
    for _ in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        r = state >> 33
        value = 0
        while r & 1 and value < 255:
            value += 1
            r >>= 1
        out.append(value * 13 % 256)
    # Repeat earlier stretches at long distances.
    for start in (0, 1000, 20000):
        out += out[start:start + 300]
    return bytes(out)


def raw_deflate(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, mem_level=8):
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15, mem_level, strategy)
    return compressor.compress(data) + compressor.flush()


def write(name, data):
    with open(name, "wb") as handle:
        handle.write(data)


text = sample_text()
skewed = skewed_bytes(40000)
mixed = text + skewed + bytes(range(256)) * 4
write("text.bin", text)
write("mixed.bin", mixed)
write("text_stored.deflate", raw_deflate(text, level=0))
write("text_fixed.deflate", raw_deflate(text, strategy=zlib.Z_FIXED))
write("text_dynamic.deflate", raw_deflate(text, level=9))
write("mixed_dynamic.deflate", raw_deflate(mixed, level=9))
write("mixed_huffman_only.deflate", raw_deflate(mixed, strategy=zlib.Z_HUFFMAN_ONLY))
write("mixed_rle.deflate", raw_deflate(mixed, strategy=zlib.Z_RLE))
write("mixed_level1_small_blocks.deflate", raw_deflate(mixed, level=1, mem_level=1))
# Many small blocks of all three kinds: a sync flush after every chunk, changing level/strategy between chunks.
compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
parts = []
for index in range(0, len(mixed), 4096):
    parts.append(compressor.compress(mixed[index:index + 4096]))
    parts.append(compressor.flush(zlib.Z_FULL_FLUSH if index % 8192 else zlib.Z_SYNC_FLUSH))
parts.append(compressor.flush())
write("mixed_flushed.deflate", b"".join(parts))
write("zeros_1m.deflate", raw_deflate(bytes(1 << 20), level=9))

# gzip: a single member with a file name (Python's GzipFile writes FNAME), and two concatenated members.
buffer = io.BytesIO()
with gzip.GzipFile(filename="text.txt", mode="wb", fileobj=buffer, mtime=1700000000) as handle:
    handle.write(text)
write("text.txt.gz", buffer.getvalue())
write("multi_member.gz", gzip.compress(b"Hello, ", mtime=0) + gzip.compress(b"gzip ", mtime=0) + gzip.compress(b"world!\n", mtime=0))
write("empty.gz", gzip.compress(b"", mtime=0))


def gzip_with_all_fields(data):
    # FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT, built by hand (Python's gzip never writes the last three).
    flags = 0x01 | 0x02 | 0x04 | 0x08 | 0x10
    header = struct.pack("<BBBBIBB", 0x1F, 0x8B, 8, flags, 1234567890, 2, 3)
    extra = b"AP\x04\x00abcd"
    header += struct.pack("<H", len(extra)) + extra
    header += "café.txt".encode("latin-1") + b"\x00"
    header += b"made by make_fixtures.py\x00"
    header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    body = raw_deflate(data, level=9)
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


write("all_fields.gz", gzip_with_all_fields(text))
assert gzip.decompress(open("all_fields.gz", "rb").read()) == text

write("text.zlib", zlib.compress(text, 9))


def make_zip(name, compression_members, **kwargs):
    with zipfile.ZipFile(name, "w", **kwargs) as archive:
        for member, data, method in compression_members:
            if member.endswith("/"):
                archive.mkdir(member) if hasattr(archive, "mkdir") else archive.writestr(member, b"")
            else:
                info = zipfile.ZipInfo(member, date_time=(2024, 5, 6, 7, 8, 10))
                info.compress_type = method
                archive.writestr(info, data)


make_zip("members.zip", [
    ("text.txt", text, zipfile.ZIP_STORED),
    ("dir/", b"", zipfile.ZIP_STORED),
    ("dir/mixed.bin", mixed, zipfile.ZIP_DEFLATED),
    ("ünïcode-名前.txt", b"utf-8 name\n", zipfile.ZIP_DEFLATED),
    ("empty.txt", b"", zipfile.ZIP_DEFLATED),
])
make_zip("bzip2.zip", [("text.txt", text, zipfile.ZIP_BZIP2)])

# zip64 structures on small data: lower zipfile's limits so it writes zip64 extra fields, the zip64 end record
# and its locator.
saved = (zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT)
zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 100, 1
with zipfile.ZipFile("zip64.zip", "w") as archive:
    with archive.open("text.txt", "w", force_zip64=True) as handle:
        handle.write(text)
    archive.writestr(zipfile.ZipInfo("small.txt", date_time=(2024, 1, 1, 0, 0, 0)), b"tiny")
zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved
with zipfile.ZipFile("zip64.zip") as archive:
    assert archive.read("text.txt") == text and archive.read("small.txt") == b"tiny"
raw = open("zip64.zip", "rb").read()
assert b"PK\x06\x06" in raw and b"PK\x06\x07" in raw, "zip64 end records expected"

# Data prepended to an archive (self-extractor style).
write("prefixed.zip", b"#!/bin/sh\necho prefix\nexit 0\n" + open("members.zip", "rb").read())

# Reference checksums for the tests, from zlib.
for name in ("text.bin", "mixed.bin"):
    data = open(name, "rb").read()
    print(name, len(data), f"crc32={zlib.crc32(data):08x}", f"adler32={zlib.adler32(data):08x}")
ones = bytes([255]) * 100000
print("ff*100000", f"adler32={zlib.adler32(ones):08x}", f"crc32={zlib.crc32(ones):08x}")
