"""Writes benchmark images with Pillow: make_images.py <folder> <format png|jpg> <count> <size> [classes]
Smooth gradients plus noise (so JPEG/PNG sizes are realistic), one sub-folder per class."""
import os, sys
import numpy as np
from PIL import Image

folder, fmt, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
n_classes = int(sys.argv[5]) if len(sys.argv) > 5 else 4
rng = np.random.RandomState(0)
yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
for c in range(n_classes):
    os.makedirs(os.path.join(folder, f"class_{c}"), exist_ok=True)
for i in range(count):
    base = np.stack([xx * (255 / size), yy * (255 / size), (xx + yy) * (127 / size)], -1)
    base = base * rng.uniform(0.5, 1.0) + rng.normal(0, 10, base.shape)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    path = os.path.join(folder, f"class_{i % n_classes}", f"img_{i:06d}.{fmt}")
    if fmt == "jpg":
        img.save(path, quality=90)
    else:
        img.save(path)
print(f"wrote {count} {fmt} files of {size}x{size} to {folder}")
