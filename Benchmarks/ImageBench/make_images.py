"""Writes benchmark images with Pillow (libjpeg-turbo, zlib):

  make_images.py <folder> <png|jpg> <count> <width> <height> [--classes 4] [--flat] [--quality 90]

Smooth colour gradients plus Gaussian noise (sigma 10), so JPEG and PNG sizes are those of detailed photos
(an 800 x 600 JPEG at quality 90 is about 150 KB); JPEG chroma 4:2:0, Pillow's default. Files go into
`class_<k>` sub-folders (round robin), or straight into <folder> with --flat."""
import argparse, os
import numpy as np
from PIL import Image

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("format", choices=["png", "jpg"])
parser.add_argument("count", type=int)
parser.add_argument("width", type=int)
parser.add_argument("height", type=int)
parser.add_argument("--classes", type=int, default=4)
parser.add_argument("--flat", action="store_true")
parser.add_argument("--quality", type=int, default=90)
args = parser.parse_args()

rng = np.random.RandomState(0)
yy, xx = np.mgrid[0:args.height, 0:args.width].astype(np.float32)
base = np.stack([xx * (255 / args.width), yy * (255 / args.height), (xx + yy) * (127 / max(args.width, args.height))], -1)
for i in range(args.count):
    pixels = base * rng.uniform(0.5, 1.0) + rng.normal(0, 10, base.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    folder = args.folder if args.flat else os.path.join(args.folder, f"class_{i % args.classes}")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"img_{i:06d}.{args.format}")
    if args.format == "jpg":
        image.save(path, quality=args.quality)
    else:
        image.save(path)
print(f"wrote {args.count} {args.format} files of {args.width}x{args.height} to {args.folder}")
