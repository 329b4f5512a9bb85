"""Reference for the boston-housing example's data preparation, written to boston_tutorial.json beside this script.

The Keras tutorial's cells, on the rows in Tests/Fixtures/datasets/boston_housing.csv (Keras's order):

    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.2, seed=777)
    mean = np.mean(x_train, axis=0); std = np.std(x_train, axis=0)
    x_train = (x_train - mean) / std; x_test = (x_test - mean) / std
    x_train, x_val, y_train, y_val = train_test_split(x_train, y_train, test_size=0.33, random_state=777)

load_data is reproduced with numpy as Keras writes it (RandomState(seed).shuffle of the row indices, the first
int(n * (1 - test_split)) rows for training), so TensorFlow is not needed. Run from the repository root:

    python3 Tests/Fixtures/examples/make_boston_tutorial.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.model_selection import KFold, train_test_split

from boston_split import standardized_split

HERE = os.path.dirname(os.path.abspath(__file__))
x_train, y_train, x_test, y_test, mean, std = standardized_split()
x_fit, x_val, y_fit, y_val = train_test_split(x_train, y_train, test_size=0.33, random_state=777)
folds = list(KFold(n_splits=3).split(x_train))
reference = {
    "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
    "train_rows": len(x_train), "test_rows": len(x_test), "fit_rows": len(x_fit), "validation_rows": len(x_val),
    "y_train_head": y_train[:10].tolist(), "y_test_head": y_test[:10].tolist(),
    "mean": mean.tolist(), "std": std.tolist(),
    "x_train_first": x_train[0].tolist(), "x_test_first": x_test[0].tolist(),
    "y_fit_head": y_fit[:10].tolist(), "y_validation_head": y_val[:10].tolist(), "x_fit_first": x_fit[0].tolist(),
    "kfold_validation_ranges": [[int(test[0]), int(test[-1]) + 1] for _, test in folds],
}
with open(os.path.join(HERE, "boston_tutorial.json"), "w") as handle:
    json.dump(reference, handle, indent=1)
    handle.write("\n")
