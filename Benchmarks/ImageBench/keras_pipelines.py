"""Keras's two image pipelines on a folder of class sub-folders, the references for `image-bench throughput`:

  keras_pipelines.py flow|dataset <folder> [--target 112] [--batch 32] [--epochs 3]

flow:    tf.keras.preprocessing.image.ImageDataGenerator(rescale=1/255).flow_from_directory(folder,
         target_size=(t, t), batch_size=b) iterated batch by batch, as `fit` consumes it (Keras's default: one
         thread, Pillow decoding, nearest resizing).
dataset: tf.keras.utils.image_dataset_from_directory(folder, image_size=(t, t), batch_size=b) (tf.data:
         libjpeg-turbo decoding on all cores, bilinear resizing), then Rescaling(1/255) in a parallel map and
         prefetch(AUTOTUNE).
Prints images/s per epoch and a `RESULT {json}` line with the medians (pip install tensorflow-cpu)."""
import argparse, json, os, statistics, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["flow", "dataset"])
parser.add_argument("folder")
parser.add_argument("--target", type=int, default=112)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()
size = (args.target, args.target)

if args.mode == "flow":
    generator = tf.keras.preprocessing.image.ImageDataGenerator(rescale=1.0 / 255)
    iterator = generator.flow_from_directory(args.folder, target_size=size, batch_size=args.batch, seed=1)

    def epoch():
        count = 0
        for _ in range(len(iterator)):
            x, _ = next(iterator)
            count += len(x)
        return count
else:
    rescale = tf.keras.layers.Rescaling(1.0 / 255)
    dataset = tf.keras.utils.image_dataset_from_directory(args.folder, image_size=size, batch_size=args.batch, seed=1)
    dataset = dataset.map(lambda x, y: (rescale(x), y), num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

    def epoch():
        count = 0
        for x, _ in dataset:
            count += int(x.shape[0])
        return count

rates, cpu_rates = [], []
for index in range(args.epochs):
    start, start_cpu = time.perf_counter(), time.process_time()
    images = epoch()
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    rates.append(images / seconds)
    cpu_rates.append(images / cpu)
    print(f"epoch {index}: {images} images in {seconds:.3f} s = {images / seconds:.0f} images/s, {images / cpu:.0f} images per CPU-second")
print("RESULT " + json.dumps({"mode": args.mode, "median_images_per_s": statistics.median(rates),
                              "median_images_per_cpu_s": statistics.median(cpu_rates)}))
