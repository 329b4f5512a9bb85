"""Writes jpeg_cases.bin.gz: JPEG files and the pixels Pillow (libjpeg-turbo) decodes from them, for the
decoder's edge cases. Run: python3 make_jpeg_cases.py (numpy + Pillow); the output is committed.

Cases (name prefix):
  tiny/     every size 1x1 ... 17x17 in 4:4:4, 4:2:2 and 4:2:0 (quality 90, random colour ramps): chroma edges.
  mjpeg/    Motion-JPEG style frames: a baseline file with its DHT segments removed (decoders use the
            ITU T.81 Annex K tables, as Pillow's libjpeg does), gray and colour.
  cut/      files cut short, decoded with Pillow's ImageFile.LOAD_TRUNCATED_IMAGES = True: progressive files cut
            at every scan boundary and inside scans, baseline files cut inside the scan and before EOI.
  draft/    reduced-size decodes: Pillow's img.draft(mode, (w // n, h // n)) for n = 2, 4, 8 (libjpeg's DCT scaling),
            baseline and progressive, 4:4:4, 4:2:2, 4:2:0, 4:4:0 and gray, odd sizes.

Format (big-endian), after gunzip: repeated records
  u16 name length, name (UTF-8); u32 JPEG length, JPEG bytes;
  u8 scale denominator (1, 2, 4, 8); u8 allow truncated (0/1);
  u16 width, u16 height, u8 channels (1 = L, 3 = RGB), then width * height * channels bytes: Pillow's pixels,
  row by row, each sample stored as its difference (mod 256) from the same channel of the pixel to its left
  (the first pixel of a row as it is).
"""
import gzip, io, os, struct
import numpy as np
from PIL import Image, ImageFile

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(17)
records = []


def pillow_decode(data, scale=1, truncated=False):
    ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    try:
        im = Image.open(io.BytesIO(data))
        mode = "L" if im.mode == "L" else "RGB"
        if scale > 1:
            im.draft(mode, (im.size[0] // scale, im.size[1] // scale))
        im.load()
        return im.convert(mode)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def add(name, data, scale=1, truncated=False):
    im = pillow_decode(data, scale, truncated)
    channels = 1 if im.mode == "L" else 3
    array = np.asarray(im, dtype=np.int16).reshape(im.size[1], im.size[0] * channels)
    # Stored as differences from the same channel of the pixel to the left (PNG's Sub filter), which deflate
    # compresses several times better than smooth raw samples.
    delta = array.copy()
    delta[:, channels:] = array[:, channels:] - array[:, :-channels]
    pixels = (delta % 256).astype(np.uint8).tobytes()
    assert len(pixels) == im.size[0] * im.size[1] * channels
    encoded = name.encode()
    records.append(struct.pack(">H", len(encoded)) + encoded + struct.pack(">I", len(data)) + data
                   + struct.pack(">BBHHB", scale, 1 if truncated else 0, im.size[0], im.size[1], channels) + pixels)


def jpeg(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def segments(data):
    """(marker, start, end) of every marker segment before the first scan data and of every SOS."""
    out, i = [], 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0xD9, 0x00, 0xFF) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = data[i + 2] << 8 | data[i + 3]
        out.append((marker, i, i + 2 + length))
        i += 2 + length
    return out


def scan_data_end(data, start):
    """Offset of the marker that ends the entropy-coded data after the segment ending at `start`."""
    i = start
    while i + 1 < len(data):
        if data[i] == 0xFF and data[i + 1] != 0x00 and not 0xD0 <= data[i + 1] <= 0xD7:
            return i
        i += 1
    return len(data)


def photo(width, height):
    """A smooth colour field with noise and an edge: JPEG's usual content."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([x * 255 / max(width - 1, 1), y * 255 / max(height - 1, 1), (x + y) * 127 / max(width + height - 2, 1)], -1)
    base[:, width // 2:] = 255 - base[:, width // 2:]
    base += rng.normal(0, 4, base.shape)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")


# tiny/: every size, every subsampling.
for subsampling, label in ((0, "444"), (1, "422"), (2, "420")):
    for height in range(1, 18):
        for width in range(1, 18):
            # Random corner colours blended across the image, every chroma sample differs.
            corners = rng.randint(0, 256, (2, 2, 3)).astype(np.float32)
            fy = np.linspace(0, 1, height)[:, None, None]
            fx = np.linspace(0, 1, width)[None, :, None]
            blend = (corners[0, 0] * (1 - fy) * (1 - fx) + corners[0, 1] * (1 - fy) * fx
                     + corners[1, 0] * fy * (1 - fx) + corners[1, 1] * fy * fx)
            pixels = np.clip(blend, 0, 255).astype(np.uint8)
            add(f"tiny/{label}_{width}x{height}", jpeg(Image.fromarray(pixels, "RGB"), quality=90, subsampling=subsampling))

# mjpeg/: DHT segments removed (libjpeg's encoder writes exactly the Annex K tables unless optimizing).
for name, image in (("mjpeg/color_420_64x48", photo(64, 48)), ("mjpeg/gray_40x24", photo(40, 24).convert("L"))):
    data = jpeg(image, quality=85)
    stripped = bytearray(data)
    for marker, start, end in reversed(segments(data)):
        if marker == 0xC4:
            del stripped[start:end]
    assert bytes(stripped) != data
    add(name, bytes(stripped))

# cut/: progressive files cut at each scan boundary and inside scans; baseline cut inside the scan and before EOI.
for name, image, options in (("prog_420", photo(32, 24), dict(quality=85, progressive=True)),
                             ("prog_444", photo(25, 17), dict(quality=90, progressive=True, subsampling=0)),
                             ("prog_gray", photo(24, 16).convert("L"), dict(quality=85, progressive=True))):
    data = jpeg(image, **options)
    scans = [(start, end) for marker, start, end in segments(data) if marker == 0xDA]
    for index, (start, _) in enumerate(scans[1:], 1):
        add(f"cut/{name}_before_scan_{index}", data[:start], truncated=True)
    for index, (_, header_end) in enumerate(scans):
        # Two thirds into the scan's entropy-coded data.
        data_end = scan_data_end(data, header_end)
        add(f"cut/{name}_inside_scan_{index}", data[:header_end + (data_end - header_end) * 2 // 3], truncated=True)
for name, image, options in (("base_420", photo(48, 32), dict(quality=90)), ("base_gray", photo(40, 24).convert("L"), dict(quality=90)),
                             ("base_restart", photo(48, 32), dict(quality=90, restart_marker_blocks=2))):
    data = jpeg(image, **options)
    scan = [start for marker, start, end in segments(data) if marker == 0xDA][0]
    for fraction in (3, 2):
        add(f"cut/{name}_scan_1_of_{fraction}", data[:scan + (len(data) - scan) // fraction], truncated=True)
    add(f"cut/{name}_no_eoi", data[:-2], truncated=True)

# draft/: DCT-domain scaling at 1/2, 1/4, 1/8.
import shutil, subprocess, tempfile
draft_files = {
    "444_61x45": jpeg(photo(61, 45), quality=90, subsampling=0),
    "422_61x45": jpeg(photo(61, 45), quality=90, subsampling=1),
    "420_61x45": jpeg(photo(61, 45), quality=90, subsampling=2),
    "420_prog_77x50": jpeg(photo(77, 50), quality=85, subsampling=2, progressive=True),
    "gray_35x29": jpeg(photo(35, 29).convert("L"), quality=90),
    "420_tiny_9x7": jpeg(photo(9, 7), quality=90, subsampling=2),
}
if shutil.which("cjpeg"):
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "source.ppm")
        photo(43, 37).save(source)
        draft_files["440_43x37"] = subprocess.run(["cjpeg", "-quality", "90", "-sample", "1x2,1x1,1x1", source],
                                                  check=True, capture_output=True).stdout
for name, data in draft_files.items():
    width, height = Image.open(io.BytesIO(data)).size
    for scale in (2, 4, 8):
        if width // scale >= 1 and height // scale >= 1:
            add(f"draft/{name}_1_{scale}", data, scale=scale)
            # Pillow picks the scale from the requested size; make sure it picked this one.
            assert pillow_decode(data, scale).size == ((width + scale - 1) // scale, (height + scale - 1) // scale)

with open(os.path.join(HERE, "jpeg_cases.bin.gz"), "wb") as raw, \
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
    for record in records:
        f.write(record)
print(len(records), "cases,", os.path.getsize(os.path.join(HERE, "jpeg_cases.bin.gz")), "bytes")
