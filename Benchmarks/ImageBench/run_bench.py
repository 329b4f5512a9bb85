"""The image benchmark end to end: SwiftLearn against Pillow and Keras on the same files, alternating.

  python3 Benchmarks/ImageBench/run_bench.py [--rounds 3] [--small 2000] [--photos 200] [--skip-keras]

Needs numpy, Pillow and, for the Keras pipelines, TensorFlow (pip install tensorflow-cpu). Build first:
  swift build -c release -Xswiftc -target-cpu -Xswiftc native --product image-bench

1. Writes two sets with Pillow into a temporary folder (4 class folders each): `small`, 112 x 112 JPEG
   (quality 90, 4:2:0), and `photo`, 800 x 600 JPEG (same settings, ~150 KB each) plus 800 x 600 PNG.
2. Decoding on one thread, `rounds` alternating rounds: Pillow (`pillow_decode.py`) and `image-bench decode`,
   for the photo JPEGs at full size and at 1/4 (Pillow's draft() against JPEGScale.quarter) and the photo PNGs.
3. Batches of 32 at 112 x 112 with rescale 1/255, `rounds` alternating rounds on each set: Keras's
   ImageDataGenerator.flow_from_directory, keras.utils.image_dataset_from_directory (tf.data), and
   `image-bench throughput` with 2 workers, JPEG draft decoding on (default) and off.
Each measured command runs under `flock -x LOCK` (default /tmp/swiftlearn-cpu.lock when it exists), so the
machine is otherwise quiet while it runs. Prints medians (images per second; per CPU-second for decoding)
and ratios, plus the date and load average.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--small", type=int, default=2000)
parser.add_argument("--photos", type=int, default=200)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--skip-keras", action="store_true")
parser.add_argument("--bench", default=os.path.join(here, "..", "..", ".build", "release", "image-bench"))
parser.add_argument("--lock", default="/tmp/swiftlearn-cpu.lock" if os.path.exists("/tmp/swiftlearn-cpu.lock") else "")
args = parser.parse_args()


def run(command):
    """The RESULT json of one measured command (under the exclusive lock when given)."""
    if args.lock:
        command = ["flock", "-x", args.lock] + command
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"no RESULT line from {' '.join(command)}:\n{output}")
    return json.loads(lines[-1][len("RESULT "):])


def median_of(results, key):
    return statistics.median(r[key] for r in results)


root = tempfile.mkdtemp(prefix="image-bench-")
try:
    make = [sys.executable, os.path.join(here, "make_images.py")]
    small, photo, photo_png = (os.path.join(root, name) for name in ("small", "photo", "photo_png"))
    subprocess.run(make + [small, "jpg", str(args.small), "112", "112"], check=True)
    subprocess.run(make + [photo, "jpg", str(args.photos), "800", "600"], check=True)
    subprocess.run(make + [photo_png, "png", str(max(20, args.photos // 4)), "800", "600"], check=True)
    print(f"date {time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")

    # 2. Decoding, one thread.
    decode_cases = [("800x600 JPEG q90 4:2:0, full size", photo, 1), ("800x600 JPEG, 1/4 scale (draft)", photo, 4),
                    ("800x600 PNG RGB", photo_png, 1)]
    print(f"\n{'decode on one thread':38} {'Pillow img/s':>13} {'SwiftLearn img/s':>17} {'ratio':>7}")
    for label, folder, scale in decode_cases:
        pillow, swift = [], []
        for _ in range(args.rounds):
            pillow.append(run([sys.executable, os.path.join(here, "pillow_decode.py"), folder, "--rounds", "1",
                               "--scale", str(scale)]))
            swift.append(run([args.bench, "decode", folder, "--rounds", "1", "--scale", str(scale)]))
        p, s = median_of(pillow, "median_images_per_cpu_s"), median_of(swift, "median_images_per_cpu_s")
        print(f"{label:38} {p:13.0f} {s:17.0f} {s / p:6.2f}x")

    # 3. Generators.
    for label, folder in (("112x112 JPEG", small), ("800x600 JPEG", photo)):
        pipelines = {}
        if not args.skip_keras:
            pipelines["Keras flow_from_directory"] = [sys.executable, os.path.join(here, "keras_pipelines.py"), "flow",
                                                      folder, "--epochs", str(args.epochs)]
            pipelines["tf.data image_dataset_from_directory"] = [sys.executable, os.path.join(here, "keras_pipelines.py"),
                                                                 "dataset", folder, "--epochs", str(args.epochs)]
        pipelines["SwiftLearn, 2 workers"] = [args.bench, "throughput", folder, "--workers", "2", "--epochs", str(args.epochs)]
        pipelines["SwiftLearn, 2 workers, draft off"] = [args.bench, "throughput", folder, "--workers", "2", "--epochs",
                                                         str(args.epochs), "--jpeg-draft", "off"]
        results = {name: [] for name in pipelines}
        for _ in range(args.rounds):
            for name, command in pipelines.items():
                results[name].append(run(command))
        medians = {name: median_of(values, "median_images_per_s") for name, values in results.items()}
        print(f"\n{label}, batches of 32 at 112x112, rescale 1/255: images/s (median of {args.rounds} alternating rounds)")
        reference = medians.get("tf.data image_dataset_from_directory")
        keras = medians.get("Keras flow_from_directory")
        for name, value in medians.items():
            ratios = []
            if reference: ratios.append(f"{value / reference:.2f}x tf.data")
            if keras: ratios.append(f"{value / keras:.2f}x Keras flow")
            print(f"  {name:38} {value:8.0f}   {', '.join(ratios)}")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
finally:
    shutil.rmtree(root, ignore_errors=True)
