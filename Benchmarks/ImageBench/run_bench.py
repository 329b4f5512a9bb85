"""Runs the image-pipeline benchmark end to end (python3 + numpy + pillow):

  python3 Benchmarks/ImageBench/run_bench.py [--count 2000] [--rounds 3] [--tiny 50000] [--bench PATH]

1. Writes `count` 112x112 RGB JPEG (quality 90, 4:2:0) and PNG files with Pillow in a temp dir (4 class folders).
2. Alternates, `rounds` times per format: keras_reference.py (Keras's flow_from_directory pipeline reproduced with
   Pillow + numpy, single process like Keras's default) and `image-bench throughput` (workers 1 and 2); 3 epochs each,
   batch 32, target 112x112 nearest, rescale 1/255. Prints medians of images/s (wall) and images per CPU-second.
3. Writes `tiny` 8x8 images (half PNG, half JPEG) and runs `image-bench memory` over 3 epochs, printing RSS.
Build first: swift build -c release -Xswiftc -target-cpu -Xswiftc native --product image-bench
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--count", type=int, default=2000)
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--tiny", type=int, default=50000)
parser.add_argument("--bench", default=os.path.join(here, "..", "..", ".build", "release", "image-bench"))
args = parser.parse_args()

root = tempfile.mkdtemp(prefix="image-bench-")
try:
    for fmt in ("jpg", "png"):
        subprocess.run([sys.executable, os.path.join(here, "make_images.py"), os.path.join(root, fmt), fmt,
                        str(args.count), "112"], check=True)

    def result(cmd):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        line = [l for l in out.splitlines() if l.startswith("RESULT")][-1]
        return int(re.search(r"median_images_per_s=(\d+)", line).group(1)), \
            int(re.search(r"median_images_per_cpu_s=(\d+)", line).group(1))

    print(f"{'format':6} {'pipeline':28} {'images/s (wall)':>16} {'images/CPU-s':>14}")
    for fmt in ("jpg", "png"):
        folder = os.path.join(root, fmt)
        runs = {"keras-equivalent (Pillow)": [], "swift workers=1": [], "swift workers=2": []}
        for _ in range(args.rounds):
            runs["keras-equivalent (Pillow)"].append(result([sys.executable, os.path.join(here, "keras_reference.py"), folder, "112", "32", "3"]))
            runs["swift workers=1"].append(result([args.bench, "throughput", folder, "--workers", "1"]))
            runs["swift workers=2"].append(result([args.bench, "throughput", folder, "--workers", "2"]))
        base_wall = statistics.median(r[0] for r in runs["keras-equivalent (Pillow)"])
        base_cpu = statistics.median(r[1] for r in runs["keras-equivalent (Pillow)"])
        for name, values in runs.items():
            wall = statistics.median(r[0] for r in values)
            cpu = statistics.median(r[1] for r in values)
            print(f"{fmt:6} {name:28} {wall:>10.0f} ({wall / base_wall:4.2f}x) {cpu:>8.0f} ({cpu / base_cpu:4.2f}x)")

    if args.tiny > 0:
        tiny = os.path.join(root, "tiny")
        subprocess.run([sys.executable, os.path.join(here, "make_images.py"), tiny, "png", str(args.tiny // 2), "8", "10"], check=True)
        subprocess.run([sys.executable, os.path.join(here, "make_images.py"), tiny + "_jpg", "jpg", str(args.tiny - args.tiny // 2), "8", "10"], check=True)
        for c in os.listdir(tiny + "_jpg"):
            for f in os.listdir(os.path.join(tiny + "_jpg", c)):
                os.rename(os.path.join(tiny + "_jpg", c, f), os.path.join(tiny, c, f))
        out = subprocess.run([args.bench, "memory", tiny, "--epochs", "3", "--target", "8"], check=True,
                             capture_output=True, text=True).stdout
        print(out)
finally:
    shutil.rmtree(root, ignore_errors=True)
