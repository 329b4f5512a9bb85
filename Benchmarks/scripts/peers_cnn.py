"""The convolutional chapter's model trained by Keras/TensorFlow, PyTorch and JAX, alternating with SwiftLearn.

    python3 Benchmarks/scripts/peers_cnn.py [--epochs 2] [--rounds 2] [--limit N] [--peers keras,torch,jax]
                                           [--train-bench .build/release/train-bench] [--peak-gflops G]

Every run trains Conv2D(32, 3, relu, same) -> MaxPooling2D(2) -> Conv2D(64, 3, relu, same) -> MaxPooling2D(2) ->
Flatten -> Dense(100, relu) -> Dropout(0.4) -> Dense(10, softmax) with Adam (learning rate 0.001) and batch 32 on
Fashion-MNIST's 48,000 / 12,000 split (train_test_split(test_size=0.2, random_state=42)), and times each epoch
including the validation pass (as Keras's fit does). Each framework runs in its own process (`--framework NAME`),
in rounds that alternate SwiftLearn's `train-bench --model cnn --json` with the peers; the summary prints the
median seconds per epoch of each and the ratio to SwiftLearn's. JAX runs a jitted training step (optax.adam) and
a jitted evaluation step; PyTorch runs eagerly in channels-first layout (its native one).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = "/usr/share/datasets/fashion-mnist"


def load_split(limit):
    """The 48,000 / 12,000 split of SwiftLearn's train-bench, images NHWC float32 in [0, 1]."""
    import numpy as np
    sys.path.insert(0, os.path.join(ROOT, "Tests", "Fixtures", "linear_models"))
    from make_reference import read_idx
    images = read_idx(os.path.join(DATA, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    labels = read_idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    permutation = np.random.RandomState(42).permutation(len(images))
    validation, train = permutation[:12000], permutation[12000:]
    if limit:
        train = train[:limit]
    shape = (-1, 28, 28, 1)
    return images[train].reshape(shape), labels[train], images[validation].reshape(shape), labels[validation]


def run_keras(x, y, xv, yv, epochs):
    import tensorflow as tf
    from tensorflow import keras
    keras.utils.set_random_seed(42)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, kernel_size=3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu", padding="same"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dropout(0.4),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    times = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    history = model.fit(x, y, epochs=epochs, batch_size=32, validation_data=(xv, yv), callbacks=[Timer()], verbose=0)
    return times, history.history["val_accuracy"][-1], f"keras {keras.__version__} / tensorflow {tf.__version__}"


def run_torch(x, y, xv, yv, epochs):
    import torch
    from torch import nn
    torch.manual_seed(42)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 100), nn.ReLU(), nn.Dropout(0.4), nn.Linear(100, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_function = nn.CrossEntropyLoss()
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    yt = torch.from_numpy(y)
    xvt = torch.from_numpy(xv.transpose(0, 3, 1, 2).copy())
    yvt = torch.from_numpy(yv)
    generator = torch.Generator().manual_seed(42)
    times, accuracy = [], 0.0
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(xt), generator=generator)
        for first in range(0, len(xt), 32):
            rows = order[first:first + 32]
            optimizer.zero_grad()
            loss = loss_function(model(xt[rows]), yt[rows])
            loss.backward()
            optimizer.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for first in range(0, len(xvt), 32):
                correct += (model(xvt[first:first + 32]).argmax(1) == yvt[first:first + 32]).sum().item()
        accuracy = correct / len(xvt)
        times.append(time.perf_counter() - start)
    return times, accuracy, f"torch {torch.__version__} ({torch.get_num_threads()} threads)"


def run_jax(x, y, xv, yv, epochs):
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax

    def glorot(key, shape, fan_in, fan_out):
        limit = (6.0 / (fan_in + fan_out)) ** 0.5
        return jax.random.uniform(key, shape, jnp.float32, -limit, limit)

    keys = jax.random.split(jax.random.PRNGKey(42), 5)
    params = {
        "c1": (glorot(keys[0], (3, 3, 1, 32), 9, 288), jnp.zeros(32)),
        "c2": (glorot(keys[1], (3, 3, 32, 64), 288, 576), jnp.zeros(64)),
        "d1": (glorot(keys[2], (3136, 100), 3136, 100), jnp.zeros(100)),
        "d2": (glorot(keys[3], (100, 10), 100, 10), jnp.zeros(10)),
    }
    dimensions = ("NHWC", "HWIO", "NHWC")

    def pool(v):
        return jax.lax.reduce_window(v, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def forward(p, images, key, training):
        h = jax.lax.conv_general_dilated(images, p["c1"][0], (1, 1), "SAME", dimension_numbers=dimensions) + p["c1"][1]
        h = pool(jax.nn.relu(h))
        h = jax.lax.conv_general_dilated(h, p["c2"][0], (1, 1), "SAME", dimension_numbers=dimensions) + p["c2"][1]
        h = pool(jax.nn.relu(h)).reshape(images.shape[0], -1)
        h = jax.nn.relu(h @ p["d1"][0] + p["d1"][1])
        if training:
            keep = jax.random.bernoulli(key, 0.6, h.shape)
            h = jnp.where(keep, h / 0.6, 0.0)
        return h @ p["d2"][0] + p["d2"][1]

    optimizer = optax.adam(1e-3, eps=1e-7)
    state = optimizer.init(params)

    @jax.jit
    def step(p, s, images, labels, key):
        def loss(q):
            logits = forward(q, images, key, True)
            return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
        value, grads = jax.value_and_grad(loss)(p)
        updates, s = optimizer.update(grads, s, p)
        return optax.apply_updates(p, updates), s, value

    @jax.jit
    def correct(p, images, labels):
        return (forward(p, images, None, False).argmax(1) == labels).sum()

    rng = np.random.RandomState(42)
    times, accuracy = [], 0.0
    base = jax.random.PRNGKey(7)
    count = (len(x) // 32) * 32  # full batches only: one compiled shape
    for epoch in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(len(x))[:count]
        for index, first in enumerate(range(0, count, 32)):
            rows = order[first:first + 32]
            params, state, _ = step(params, state, x[rows], y[rows], jax.random.fold_in(base, epoch * 100000 + index))
        hits = 0
        for first in range(0, len(xv), 32):
            hits += int(correct(params, xv[first:first + 32], yv[first:first + 32]))
        accuracy = hits / len(xv)
        times.append(time.perf_counter() - start)
    return times, accuracy, f"jax {jax.__version__} (jitted step), optax"


def run_framework(options):
    x, y, xv, yv = load_split(options.limit)
    runner = {"keras": run_keras, "torch": run_torch, "jax": run_jax}[options.framework]
    times, accuracy, version = runner(x, y, xv, yv, options.epochs)
    print(json.dumps({"impl": options.framework, "version": version, "epoch_seconds": times,
                      "seconds_per_epoch_median": statistics.median(times), "final_val_accuracy": float(accuracy),
                      "train_samples": len(x)}))


def last_json_line(text):
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def drive(options):
    peers = [p for p in options.peers.split(",") if p]
    results = {name: [] for name in ["swiftlearn"] + peers}
    details = {}
    print(f"date {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, load average {os.getloadavg()}")
    for round_index in range(options.rounds):
        for name in ["swiftlearn"] + peers:
            if name == "swiftlearn":
                command = [options.train_bench, "--model", "cnn", "--json", "--epochs", str(options.epochs)]
                if options.limit:
                    command += ["--limit", str(options.limit)]
                if options.peak_gflops:
                    command += ["--peak-gflops", str(options.peak_gflops)]
            else:
                command = [sys.executable, os.path.abspath(__file__), "--framework", name, "--epochs", str(options.epochs)]
                if options.limit:
                    command += ["--limit", str(options.limit)]
            environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
            completed = subprocess.run(command, capture_output=True, text=True, env=environment)
            if completed.returncode != 0:
                print(f"{name} failed:\n{completed.stderr[-2000:]}")
                continue
            result = last_json_line(completed.stdout)
            results[name] += result["epoch_seconds"]
            details[name] = result
            print(f"round {round_index + 1} {name}: epochs {[round(t, 3) for t in result['epoch_seconds']]} s, "
                  f"val_accuracy {result['final_val_accuracy']:.4f}")
    ours = statistics.median(results["swiftlearn"]) if results["swiftlearn"] else float("nan")
    print(f"\n| implementation | s/epoch (median of {options.rounds} x {options.epochs}) | peer / SwiftLearn |")
    print("|---|---|---|")
    for name, times in results.items():
        if not times:
            continue
        median = statistics.median(times)
        version = details[name].get("version", "swiftlearn")
        print(f"| {name} ({version}) | {median:.2f} | {median / ours:.2f}x |")
    swift = details.get("swiftlearn", {})
    if swift:
        print(f"\nSwiftLearn: {swift.get('gflops')} GFLOPS, {swift.get('percent_of_two_core_peak')}% of the two-core peak "
              f"({swift.get('peak_gflops')} GFLOPS), "
              f"peak RSS {swift.get('peak_rss_mb')} MB, {swift.get('threads')} threads")
    print(f"load average after: {os.getloadavg()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--framework", choices=["keras", "torch", "jax"])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--peers", default="keras,torch,jax")
    parser.add_argument("--peak-gflops", type=float, default=0,
                        help="the two-core FMA peak for SwiftLearn's percentage (default: train-bench's measured 231)")
    parser.add_argument("--train-bench", default=os.path.join(ROOT, ".build", "release", "train-bench"))
    options = parser.parse_args()
    if options.framework:
        run_framework(options)
    else:
        drive(options)


if __name__ == "__main__":
    main()
