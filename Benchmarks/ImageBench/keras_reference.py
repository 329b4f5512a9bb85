"""Keras's ImageDataGenerator.flow_from_directory pipeline, reproduced with Pillow + numpy (TensorFlow is not
installed here). Per batch of 32, exactly the steps of keras DirectoryIterator._get_batches_of_transformed_samples:
  load_img(path, color_mode='rgb', target_size, interpolation='nearest')   # PIL open from BytesIO, convert, resize
  x = img_to_array(img, dtype='float32')
  params = get_random_transform(x.shape); x = apply_transform(x, params)   # no-op transforms, draws as Keras does
  x = standardize(x)                                                       # x *= rescale
  batch_x[i] = x; batch_y one-hot (categorical)
Single process, like Keras's default (workers=1). Usage: keras_reference.py <folder> [target] [batch] [epochs]
"""
import io, os, sys, time
import numpy as np
from PIL import Image

folder = sys.argv[1]
target = int(sys.argv[2]) if len(sys.argv) > 2 else 112
batch_size = int(sys.argv[3]) if len(sys.argv) > 3 else 32
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
rescale = 1.0 / 255
white = {"png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff"}

classes = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
filenames, labels = [], []
for ci, c in enumerate(classes):
    for root, _, files in sorted(os.walk(os.path.join(folder, c)), key=lambda x: x[0]):
        for f in sorted(files):
            if f.lower().rsplit(".", 1)[-1] in white:
                filenames.append(os.path.join(root, f)); labels.append(ci)
labels = np.array(labels)
n = len(filenames)


def load_img(path, target_size):
    with open(path, "rb") as f:
        img = Image.open(io.BytesIO(f.read()))
        if img.mode != "RGB":
            img = img.convert("RGB")
        width_height_tuple = (target_size[1], target_size[0])
        if img.size != width_height_tuple:
            img = img.resize(width_height_tuple, Image.NEAREST)
        return img


def get_random_transform():
    # Keras draws the flips unconditionally.
    return {"flip_horizontal": (np.random.random() < 0.5) * False, "flip_vertical": (np.random.random() < 0.5) * False}


def apply_transform(x, params):
    return x


rates, cpu_rates = [], []
for epoch in range(epochs):
    np.random.seed(1 + epoch * ((n + batch_size - 1) // batch_size))
    index_array = np.random.permutation(n)
    start = time.perf_counter()
    cpu_start = time.process_time()
    seen = 0
    for b in range(0, n, batch_size):
        idx = index_array[b:b + batch_size]
        batch_x = np.zeros((len(idx), target, target, 3), dtype="float32")
        for i, j in enumerate(idx):
            img = load_img(filenames[j], (target, target))
            x = np.asarray(img, dtype="float32")
            x = apply_transform(x, get_random_transform())
            x *= rescale
            batch_x[i] = x
        batch_y = np.zeros((len(batch_x), len(classes)), dtype="float32")
        for i, label in enumerate(labels[idx]):
            batch_y[i, label] = 1.0
        seen += len(idx)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    rates.append(seen / seconds)
    cpu_rates.append(seen / cpu)
    print(f"epoch {epoch}: {seen} images in {seconds:.3f} s = {int(seen / seconds)} images/s, {int(seen / cpu)} images per CPU-second")
print(f"RESULT keras-equivalent median_images_per_s={int(sorted(rates)[len(rates) // 2])} "
      f"median_images_per_cpu_s={int(sorted(cpu_rates)[len(cpu_rates) // 2])} files={n}")
