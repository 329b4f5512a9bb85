"""Pillow's decode-only rate on one thread, the reference for `image-bench decode`:

  pillow_decode.py <folder> [--rounds 3] [--scale 1|2|4|8]

Reads every .png/.jpg/.jpeg under <folder> (recursively) into memory first, then per round times
`Image.open(BytesIO(data))` + `load()` (the file's own mode: RGB for colour JPEG and RGB PNG) with
`time.thread_time()`. With --scale n, JPEG files decode through `draft(mode, (w // n, h // n))` (libjpeg's DCT
scaling). Prints a `RESULT {json}` line with the median images per CPU-second."""
import argparse, io, json, os, statistics, time
from PIL import Image

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--scale", type=int, default=1)
args = parser.parse_args()

paths = sorted(os.path.join(root, name) for root, _, names in os.walk(args.folder) for name in names
               if name.lower().rsplit(".", 1)[-1] in ("png", "jpg", "jpeg"))
data = [open(path, "rb").read() for path in paths]
if not data:
    print(f"{args.folder}: no images")
    raise SystemExit(1)
rates = []
for round_index in range(args.rounds):
    start_cpu, start = time.thread_time(), time.perf_counter()
    pixels = 0
    for blob in data:
        image = Image.open(io.BytesIO(blob))
        if args.scale > 1 and image.format == "JPEG":
            image.draft(image.mode, (image.size[0] // args.scale, image.size[1] // args.scale))
        image.load()
        pixels += image.size[0] * image.size[1]
    cpu, wall = time.thread_time() - start_cpu, time.perf_counter() - start
    rates.append(len(data) / cpu)
    print(f"round {round_index}: {len(data)} files in {wall:.3f} s wall; CPU {cpu / len(data) * 1e3:.3f} ms/image = "
          f"{len(data) / cpu:.0f} images/s, {pixels / cpu / 1e6:.1f} MP/s")
print("RESULT " + json.dumps({"mode": "pillow_decode", "files": len(data), "scale": args.scale,
                              "median_images_per_cpu_s": statistics.median(rates)}))
