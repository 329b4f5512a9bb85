#!/usr/bin/env python3
"""Trains the same Fashion-MNIST MLP with train-bench and its peers, alternating in one run, and prints a table.

    swift build -c release -Xswiftc -target-cpu -Xswiftc native --product train-bench
    python3 Benchmarks/scripts/peers_mlp.py .build/release/train-bench [--hidden 100[,H2]] [--batch-size 32]
        [--optimizer adam|sgd] [--epochs 5] [--rounds 2] [--threads 2] [--only NAME,...] [--grid]
        [--lock /tmp/swiftlearn-cpu.lock] [--timeout SECONDS] [--markdown]

Every contender trains Flatten -> Dense(H, relu) [-> Dense(H2, relu)] -> Dense(10, softmax) with Glorot-uniform
kernels and zero biases, sparse categorical cross-entropy, Keras's Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7) or
plain SGD (lr 0.01), on the 48,000/12,000 split of the Fashion-MNIST training set that train-bench uses
(`train_test_split(test_size=0.2, random_state=42)`), reshuffled every epoch, the last batch partial. An epoch is
timed from its first batch to the end of its validation pass (12,000 samples), as train-bench times it.
Contenders (each in its own process, run once per round in this order, so background load hits all alike):

    ours-1, ours-2   train-bench with SWIFTLEARN_NUM_THREADS=1 and =THREADS
    jax-scan         the whole epoch compiled as one jitted `lax.scan` over the shuffled batches (optax),
                     plus one jitted step for a partial last batch; compiled before the timed epochs
    jax-step         a jitted train step called once per batch from Python (optax)
    torch            a plain PyTorch loop (torch.set_num_threads(THREADS)), batches gathered by index
    keras            Keras 3 on TensorFlow, model.fit with the same split (intra/inter-op threads THREADS)

Frameworks that are not installed are skipped with a note. The table gives the median seconds per epoch over the
rounds' medians, the final validation accuracy, and each contender's time over ours on THREADS threads
(above 1: we are faster), and whether every train-bench process of the point (all rounds, 1 and THREADS threads)
ended with bit-identical weights (train-bench's FNV-1a fingerprint). `--grid` runs {784-100-10, 784-300-10, 784-1000-10, 784-300-100-10} x {batch 32, 256}
with the chosen optimizer. `--lock` takes an exclusive flock on that file around each grid point, so other
work sharing the machine waits while one point is measured (and gets the CPU between points).
"""
import argparse
import fcntl
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import time

DATA_DIRECTORIES = [os.environ.get("SWIFTLEARN_DATASETS", ""), os.path.expanduser("~/.cache/swiftlearn/datasets"),
                    os.path.expanduser("~/.keras/datasets"), "/usr/share/datasets"]
CONTENDERS = ["ours-1", "ours-2", "jax-scan", "jax-step", "torch", "keras"]
GRID = [([100], 32), ([100], 256), ([300], 32), ([300], 256), ([1000], 32), ([1000], 256),
        ([300, 100], 32), ([300, 100], 256)]


# MARK: - Data (shared by the workers)

def load_split():
    """The 48,000 training and 12,000 validation images as float32 [n, 784] in [0, 1], and int32 labels."""
    import numpy as np
    for base in DATA_DIRECTORIES:
        folder = os.path.join(base, "fashion-mnist") if base else ""
        path = os.path.join(folder, "train-images-idx3-ubyte.gz")
        if base and os.path.exists(path):
            with gzip.open(path) as f:
                images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(60000, 784)
            with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz")) as f:
                labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int32)
            break
    else:
        sys.exit("Fashion-MNIST not found in " + ", ".join(d for d in DATA_DIRECTORIES if d))
    # sklearn's train_test_split(test_size=0.2, random_state=42): one permutation, the test rows first.
    permutation = np.random.RandomState(42).permutation(60000)
    validation, train = permutation[:12000], permutation[12000:]
    x = images.astype(np.float32) / 255
    return x[train], labels[train], x[validation], labels[validation]


def glorot(rng, fan_in, fan_out):
    import numpy as np
    limit = (6 / (fan_in + fan_out)) ** 0.5
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def initial_weights(widths):
    import numpy as np
    rng = np.random.RandomState(0)
    return [(glorot(rng, a, b), np.zeros(b, np.float32)) for a, b in zip(widths[:-1], widths[1:])]


def report(name, epoch_seconds, accuracy, version):
    print(json.dumps({"contender": name, "epoch_seconds": epoch_seconds, "val_accuracy": float(accuracy),
                      "version": version}), flush=True)


# MARK: - Workers (one framework per process)

def worker_jax(args, scan):
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax
    x_train, y_train, x_val, y_val = load_split()
    widths = [784] + args.hidden + [10]
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in initial_weights(widths)]
    optimizer = optax.adam(1e-3, b1=0.9, b2=0.999, eps=1e-7) if args.optimizer == "adam" else optax.sgd(0.01)
    state = optimizer.init(params)

    def logits(params, x):
        for w, b in params[:-1]:
            x = jax.nn.relu(x @ w + b)
        w, b = params[-1]
        return x @ w + b

    def loss(params, x, y):
        return optax.softmax_cross_entropy_with_integer_labels(logits(params, x), y).mean()

    def step(params, state, x, y):
        gradients = jax.grad(loss)(params, x, y)
        updates, state = optimizer.update(gradients, state, params)
        return optax.apply_updates(params, updates), state

    @jax.jit
    def scan_epoch(params, state, x, y, order):
        def body(carry, rows):
            params, state = step(*carry, x[rows], y[rows])
            return (params, state), None
        (params, state), _ = jax.lax.scan(body, (params, state), order)
        return params, state

    jit_step = jax.jit(step)
    accuracy_of = jax.jit(lambda params, x, y: (logits(params, x).argmax(-1) == y).mean())
    batch, n = args.batch_size, len(x_train)
    full = n // batch * batch
    rng = np.random.RandomState(1)
    x_device, y_device = jnp.asarray(x_train), jnp.asarray(y_train)
    x_val_device, y_val_device = jnp.asarray(x_val), jnp.asarray(y_val)

    def epoch(params, state):
        order = rng.permutation(n).astype(np.int32)
        if scan:
            params, state = scan_epoch(params, state, x_device, y_device, order[:full].reshape(-1, batch))
            if full < n:
                rows = order[full:]
                params, state = jit_step(params, state, x_device[rows], y_device[rows])
        else:
            for start in range(0, n, batch):
                rows = order[start:start + batch]
                params, state = jit_step(params, state, x_train[rows], y_train[rows])
        accuracy = float(accuracy_of(params, x_val_device, y_val_device))
        return params, state, accuracy

    # Compile everything the timed epochs use (the scan, the partial-batch step, evaluation) on a throwaway copy.
    jax.block_until_ready(epoch(params, state))
    rng = np.random.RandomState(1)
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        params, state, accuracy = epoch(params, state)
        jax.block_until_ready(params)
        seconds.append(time.perf_counter() - start)
    report("jax-scan" if scan else "jax-step", seconds, accuracy, f"jax {jax.__version__}, optax {optax.__version__}")


def worker_torch(args):
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    x_train, y_train, x_val, y_val = load_split()
    widths = [784] + args.hidden + [10]
    layers = []
    for index, (w, b) in enumerate(initial_weights(widths)):
        linear = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if index < len(widths) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = torch.nn.CrossEntropyLoss()
    x, y = torch.from_numpy(x_train), torch.from_numpy(y_train).long()
    xv, yv = torch.from_numpy(x_val), torch.from_numpy(y_val).long()
    generator = torch.Generator().manual_seed(1)
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x), generator=generator)
        for first in range(0, len(x), args.batch_size):
            rows = order[first:first + args.batch_size]
            optimizer.zero_grad(set_to_none=True)
            criterion(model(x[rows]), y[rows]).backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = (model(xv).argmax(1) == yv).float().mean().item()
        seconds.append(time.perf_counter() - start)
    report("torch", seconds, accuracy, f"torch {torch.__version__}")


def worker_keras(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import keras
    x_train, y_train, x_val, y_val = load_split()
    widths = [784] + args.hidden + [10]
    model = keras.Sequential([keras.Input((784,))] +
                             [keras.layers.Dense(h, activation="relu") for h in args.hidden] +
                             [keras.layers.Dense(10, activation="softmax")])
    model.set_weights([array for pair in initial_weights(widths) for array in pair])
    optimizer = keras.optimizers.Adam(1e-3) if args.optimizer == "adam" else keras.optimizers.SGD(0.01)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds, self.started = [], 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.started)

    timer = EpochTimer()
    history = model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_data=(x_val, y_val),
                        callbacks=[timer], verbose=0)
    report("keras", timer.seconds, history.history["val_accuracy"][-1], f"keras {keras.__version__}, tensorflow {tf.__version__}")


# MARK: - Driver

def installed(module):
    import importlib.util
    return importlib.util.find_spec(module) is not None


def contender_command(name, args, bench):
    """The command and environment that run one contender, or None when its framework is missing."""
    shape = ",".join(map(str, args.hidden))
    common = ["--hidden", shape, "--batch-size", str(args.batch_size), "--optimizer", args.optimizer,
              "--epochs", str(args.epochs), "--threads", str(args.threads)]
    environment = dict(os.environ)
    if name.startswith("ours"):
        threads = 1 if name == "ours-1" else args.threads
        environment["SWIFTLEARN_NUM_THREADS"] = str(threads)
        return [bench, "--json", "--hidden", shape, "--batch-size", str(args.batch_size), "--optimizer", args.optimizer,
                "--epochs", str(args.epochs)], environment
    module = {"jax-scan": "optax", "jax-step": "optax", "torch": "torch", "keras": "tensorflow"}[name]
    if not installed(module) or (name.startswith("jax") and not installed("jax")):
        return None
    # Two threads for every framework: XLA's and Eigen's pools, OpenMP (PyTorch), TensorFlow's op pools.
    environment.update(OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads),
                       OPENBLAS_NUM_THREADS=str(args.threads), TF_CPP_MIN_LOG_LEVEL="2",
                       XLA_FLAGS=f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={args.threads}")
    return [sys.executable, os.path.abspath(__file__), "--worker", name] + common, environment


def run_contender(command, environment, timeout):
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not rows:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{command[0]} {' '.join(command[1:4])} failed ({done.returncode}): {' | '.join(tail)}")
    return rows[-1]


def measure_point(args, bench):
    """Median seconds per epoch (over the rounds' medians), last accuracy and version for each contender."""
    results = {}
    commands = {}
    fingerprints = []  # train-bench's fingerprint of the trained weights, one per process of ours
    for name in args.only:
        command = contender_command(name, args, bench)
        if command is None:
            print(f"  ({name}: not installed, skipped)", file=sys.stderr)
        else:
            commands[name] = command
    for _ in range(args.rounds):
        for name, (command, environment) in commands.items():
            row = run_contender(command, environment, args.timeout)
            if row is None:
                print(f"  ({name}: no result within {args.timeout:.0f} s, left out of this round)", file=sys.stderr)
                continue
            entry = results.setdefault(name, {"medians": [], "accuracy": 0.0, "version": ""})
            entry["medians"].append(statistics.median(row["epoch_seconds"] if "epoch_seconds" in row
                                                      else [row["seconds_per_epoch_median"]]))
            entry["accuracy"] = row.get("val_accuracy", row.get("final_val_accuracy"))
            if isinstance(entry["accuracy"], list):
                entry["accuracy"] = entry["accuracy"][-1]
            entry["version"] = row.get("version", f"SwiftLearn, {row.get('threads', '?')} threads")
            if name.startswith("ours"):
                entry["percent_of_peak"] = row.get("percent_of_flop_limit")
                fingerprints.append(f"{row.get('weights_fnv1a', '?')} (SGEMM {row.get('gemm_family', '?')})")
    results["fingerprints"] = fingerprints
    return {name: entry if name == "fingerprints" else dict(entry, seconds=statistics.median(entry["medians"]))
            for name, entry in results.items()}


def print_fingerprints(fingerprints, markdown):
    """Whether every process of ours (all rounds, 1 and N threads) ended with bit-identical weights."""
    if not fingerprints:
        return
    distinct = sorted(set(fingerprints))
    verdict = (f"ours: trained weights bit-identical in all {len(fingerprints)} processes (FNV-1a {distinct[0]})"
               if len(distinct) == 1 else f"ours: trained weights DIFFER between processes: {fingerprints}")
    print(verdict, file=sys.stderr if markdown else sys.stdout, flush=True)


def print_point(args, results, markdown):
    shape = "-".join(map(str, [784] + args.hidden + [10]))
    baseline = results.get(f"ours-2" if args.threads > 1 else "ours-1", results.get("ours-1"))
    if markdown:
        cells = [f"{shape} b{args.batch_size} {args.optimizer}"]
        for name in CONTENDERS:
            entry = results.get(name)
            if entry is None:
                cells.append("-")
            elif name.startswith("ours"):
                share = entry.get("percent_of_peak")
                cells.append(f"{entry['seconds']:.3f}" + (f" ({share:.0f}% of limit)" if share is not None else ""))
            elif baseline is None:
                cells.append(f"{entry['seconds']:.3f}")
            else:
                cells.append(f"{entry['seconds']:.3f} ({entry['seconds'] / baseline['seconds']:.2f}x)")
        print("| " + " | ".join(cells) + " |", flush=True)
        return
    print(f"\n{shape}, batch {args.batch_size}, {args.optimizer}, {args.epochs} epochs, {args.rounds} rounds")
    print(f"{'contender':>10} {'s/epoch':>8} {'val acc':>8} {'vs ours':>8}  version / rounds")
    for name in CONTENDERS:
        entry = results.get(name)
        if entry is None:
            continue
        ratio = f"{entry['seconds'] / baseline['seconds']:.2f}x" if baseline else "-"
        rounds = ", ".join(f"{value:.3f}" for value in entry["medians"])
        print(f"{name:>10} {entry['seconds']:>8.3f} {entry['accuracy']:>8.4f} {ratio:>8}  {entry['version']} [{rounds}]",
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bench", nargs="?", help="the train-bench executable")
    parser.add_argument("--hidden", default="100", help="hidden widths, comma separated (default 100)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default=",".join(CONTENDERS), help="contenders to run, comma separated")
    parser.add_argument("--grid", action="store_true", help="run the 8-point grid with the chosen optimizer")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a contender may take per round (default 600)")
    parser.add_argument("--lock", help="hold an exclusive flock on this file while each point runs")
    parser.add_argument("--markdown", action="store_true", help="one Markdown table row per point")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.hidden = [int(width) for width in str(args.hidden).split(",")]
    if args.worker:
        {"jax-scan": lambda: worker_jax(args, scan=True), "jax-step": lambda: worker_jax(args, scan=False),
         "torch": lambda: worker_torch(args), "keras": lambda: worker_keras(args)}[args.worker]()
        return
    if not args.bench:
        parser.error("the train-bench executable is required")
    args.only = [name for name in args.only.split(",") if name]
    unknown = [name for name in args.only if name not in CONTENDERS]
    if unknown:
        parser.error(f"unknown contenders {unknown}; choose from {CONTENDERS}")
    points = GRID if args.grid else [(args.hidden, args.batch_size)]
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.1f}, "
          f"{platform.python_version()}, {args.threads} threads for every framework", flush=True)
    if args.markdown:
        print("| model, batch, optimizer | " + " | ".join(CONTENDERS) + " |")
        print("|---" * (len(CONTENDERS) + 1) + "|")
    for hidden, batch in points:
        args.hidden, args.batch_size = hidden, batch
        lock = open(args.lock, "a") if args.lock else None
        if lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            load = os.getloadavg()[0]
            results = measure_point(args, args.bench)
        finally:
            if lock:
                lock.close()
        fingerprints = results.pop("fingerprints", [])
        print_point(args, results, args.markdown)
        print_fingerprints(fingerprints, args.markdown)
        if not args.markdown:
            print(f"(load {load:.1f} at the start of this point)")


if __name__ == "__main__":
    main()
