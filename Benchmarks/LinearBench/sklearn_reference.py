"""scikit-learn's side of linear-bench: the same SGDClassifier epoch and fit, timed the same way.

    python3 Benchmarks/LinearBench/sklearn_reference.py [--threads N] [--repeats N] [--samples N]

n_jobs=threads runs the one-vs-rest problems on joblib threads (scikit-learn's fastest setting for dense data);
prints one JSON line, and threadpoolctl's view of the BLAS (SGD's inner loops do not call it).
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
# The IDX reader of the fixture generator, so both read Fashion-MNIST the same way.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "linear_models"))
from make_reference import read_idx  # noqa: E402


parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--samples", type=int, default=48000)
options = parser.parse_args()
images = read_idx("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")[:options.samples]
labels = read_idx("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz")[:options.samples]
x = (images / 255.0).reshape(len(images), -1)


def fit(max_iter):
    model = SGDClassifier(loss="log_loss", max_iter=max_iter, tol=None, random_state=42, n_jobs=options.threads)
    start = time.perf_counter()
    model.fit(x, labels)
    return time.perf_counter() - start, float(model.coef_.sum())


fit(1)
epochs, fits, checksum = [], [], 0.0
for _ in range(options.repeats):
    seconds, checksum = fit(1)
    epochs.append(seconds)
    fits.append(fit(5)[0])
try:
    from threadpoolctl import threadpool_info
    blas = ",".join(f"{info.get('internal_api')}:{info.get('architecture')}" for info in threadpool_info()
                    if info.get("user_api") == "blas")
except ImportError:
    blas = "unknown (pip install threadpoolctl)"
print(json.dumps({"impl": "scikit-learn", "threads": options.threads, "samples": len(x),
                  "epoch_seconds": float(np.median(epochs)), "fit_max_iter_5_seconds": float(np.median(fits)),
                  "coef_sum": checksum, "sklearn": sklearn.__version__, "blas": blas}))
