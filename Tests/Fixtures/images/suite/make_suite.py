"""Writes the PNG/JPEG suite (Tests/Fixtures/images/suite, read by the codecs and Vision tests) and the pixels
Pillow decodes from them.

PNGs are encoded by hand here (zlib + every filter type + Adam7) so that all colour types and bit depths occur;
JPEGs are written by Pillow/libjpeg-turbo. `expected.json` holds, per file, Pillow's decoding converted with
`Image.convert` to L, RGB and RGBA (16-bit samples by their high byte), and for resize checks Pillow's
`resize(..., NEAREST/BILINEAR)` of one RGB image. Run: python3 make_suite.py (pillow + numpy).
"""
import io, json, os, struct, zlib
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(7)
W, H = 11, 7


def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(raw_rows, bpp, first_filter):
    out = bytearray()
    prev = bytes(len(raw_rows[0])) if raw_rows else b""
    for y, row in enumerate(raw_rows):
        ftype = (first_filter + y) % 5
        out.append(ftype)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ftype]
            out.append((x - pred) & 0xFF)
        prev = row
    return out


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per):
        byte = 0
        group = samples[i:i + per]
        for j in range(per):
            v = group[j] if j < len(group) else 0
            byte |= v << (8 - depth * (j + 1))
        out.append(byte)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def encode_png(samples, color_type, depth, interlace, plte=None, trns=None):
    """samples: int array [H, W, channels] of raw sample values."""
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    data = bytearray()
    if interlace:
        for p, (x0, y0, dx, dy) in enumerate(ADAM7):
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            rows = [pack_row(list(sub[y].reshape(-1)), depth) for y in range(sub.shape[0])]
            data += filter_rows(rows, bpp, p)
    else:
        rows = [pack_row(list(samples[y].reshape(-1)), depth) for y in range(h)]
        data += filter_rows(rows, bpp, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, interlace))
    if plte is not None:
        png += chunk(b"PLTE", bytes(plte))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    comp = zlib.compress(bytes(data), 9)
    # Split IDAT in two to exercise multi-chunk concatenation.
    half = len(comp) // 2
    png += chunk(b"IDAT", comp[:half]) + chunk(b"IDAT", comp[half:]) + chunk(b"IEND", b"")
    return png


def pillow_layouts(im, depth16=False):
    out = {}
    if depth16:
        a = np.array(im).astype(np.int64)
        if a.ndim == 2:
            hb = (a >> 8).astype(np.uint8)
            out["L"] = hb.reshape(-1).tolist()
        else:
            out["RGB"] = (a >> 8).astype(np.uint8).reshape(-1).tolist()
        return out
    for mode in ("L", "RGB", "RGBA"):
        out[mode] = np.array(im.convert(mode)).reshape(-1).tolist()
    return out


expected = {}
files = {}
for ct, depths, ch in [(0, [1, 2, 4, 8, 16], 1), (2, [8, 16], 3), (3, [1, 2, 4, 8], 1), (4, [8, 16], 2), (6, [8, 16], 4)]:
    for depth in depths:
        for interlace in (0, 1):
            maxv = (1 << depth) - 1
            plte = trns = None
            if ct == 3:
                n = 1 << depth
                samples = rng.randint(0, n, (H, W, 1))
                plte = rng.randint(0, 256, (n, 3)).astype(np.uint8).reshape(-1)
                trns = bytes(rng.randint(0, 256, min(n, 5)).astype(np.uint8))
            else:
                samples = rng.randint(0, maxv + 1, (H, W, ch))
                if ct == 0 and depth == 8:
                    trns = struct.pack(">H", int(samples[1, 2, 0]))
                if ct == 2 and depth == 8:
                    trns = struct.pack(">HHH", *[int(v) for v in samples[3, 4]])
            name = f"ct{ct}_d{depth}{'_adam7' if interlace else ''}.png"
            png = encode_png(samples, ct, depth, interlace, plte, trns)
            files[name] = png
            im = Image.open(io.BytesIO(png))
            im.load()
            entry = {"size": [W, H]}
            entry.update(pillow_layouts(im, depth16=(depth == 16 and ct == 0)))
            if depth == 16 and ct in (2, 4, 6):
                # Pillow reads 16-bit RGB/LA/RGBA as 8-bit by the high byte.
                entry = {"size": [W, H]}
                entry.update(pillow_layouts(im))
            expected[name] = entry

# JPEGs: a smooth gradient with edges and noise, odd size so MCUs are partial.
JW, JH = 37, 29
yy, xx = np.mgrid[0:JH, 0:JW]
rgb = np.stack([xx * 255 / JW, yy * 255 / JH, (xx + yy) * 127 / (JW + JH) + 60 * (((xx // 6) + (yy // 5)) % 2)], -1)
rgb = np.clip(rgb + rng.normal(0, 12, rgb.shape), 0, 255).astype(np.uint8)
base = Image.fromarray(rgb, "RGB")
icc = b"\x00" * 128 + b"fake icc profile for skipping" * 4
exif = Image.Exif()
exif[0x010F] = "SwiftLearn fixture"
jpeg_specs = {
    "j444.jpg": dict(quality=92, subsampling=0),
    "j422.jpg": dict(quality=88, subsampling=1),
    "j420.jpg": dict(quality=85, subsampling=2),
    "j444_prog.jpg": dict(quality=92, subsampling=0, progressive=True),
    "j422_prog.jpg": dict(quality=88, subsampling=1, progressive=True),
    "j420_prog.jpg": dict(quality=80, subsampling=2, progressive=True, optimize=True),
    "j420_restart.jpg": dict(quality=85, subsampling=2, restart_marker_blocks=3),
    "j420_prog_restart.jpg": dict(quality=85, subsampling=2, progressive=True, restart_marker_rows=1),
    "j420_exif_icc.jpg": dict(quality=85, subsampling=2, exif=exif.tobytes(), icc_profile=icc),
    "jrgb_adobe.jpg": dict(quality=90, keep_rgb=True, subsampling=0),
}
for name, opts in jpeg_specs.items():
    buf = io.BytesIO()
    base.save(buf, "JPEG", **opts)
    files[name] = buf.getvalue()
gbuf = io.BytesIO(); base.convert("L").save(gbuf, "JPEG", quality=90); files["jgray.jpg"] = gbuf.getvalue()
gbuf = io.BytesIO(); base.convert("L").save(gbuf, "JPEG", quality=90, progressive=True); files["jgray_prog.jpg"] = gbuf.getvalue()
cbuf = io.BytesIO(); base.convert("CMYK").save(cbuf, "JPEG", quality=90); files["jcmyk.jpg"] = cbuf.getvalue()
# Samplings Pillow cannot write (4:4:0 = h1v2, 4:1:1 = h4v1) come from libjpeg-turbo's cjpeg
# (apt-get install libjpeg-turbo-progs); without it the committed files are reused.
import shutil, subprocess, tempfile
if shutil.which("cjpeg"):
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "source.ppm")
        base.save(source)
        for name, factors in (("j440.jpg", "1x2,1x1,1x1"), ("j411.jpg", "4x1,1x1,1x1")):
            files[name] = subprocess.run(["cjpeg", "-quality", "88", "-sample", factors, source],
                                         check=True, capture_output=True).stdout
elif os.path.exists(os.path.join(HERE, "j440.jpg")):
    for name in ("j440.jpg", "j411.jpg"):
        files[name] = open(os.path.join(HERE, name), "rb").read()
for name in [n for n in files if n.endswith(".jpg")]:
    im = Image.open(io.BytesIO(files[name])); im.load()
    entry = {"size": [im.size[0], im.size[1]], "mode": im.mode}
    entry.update(pillow_layouts(im))
    expected[name] = entry

# Resize references: Pillow's resize on one RGB image (what Keras's load_img does for target_size).
src = np.array(Image.open(io.BytesIO(files["ct2_d8.png"])).convert("RGB"))
big = Image.fromarray(rgb, "RGB")
resize = {}
for (w, h) in [(5, 3), (20, 13), (8, 7), (11, 17)]:
    for label, f in (("nearest", Image.NEAREST), ("bilinear", Image.BILINEAR)):
        resize[f"small_{label}_{w}x{h}"] = np.array(Image.fromarray(src).resize((w, h), f)).reshape(-1).tolist()
for (w, h) in [(16, 12), (64, 48), (37, 10)]:
    for label, f in (("nearest", Image.NEAREST), ("bilinear", Image.BILINEAR)):
        resize[f"big_{label}_{w}x{h}"] = np.array(big.resize((w, h), f)).reshape(-1).tolist()
expected["__resize__"] = {"small_source": "ct2_d8.png", "big_source_rgb": rgb.reshape(-1).tolist(), "big_size": [JW, JH], **resize}

for name, data in files.items():
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, separators=(",", ":"))
print(len(files), "files")
