#!/usr/bin/env python3
"""The Keras Boston-housing K-fold tutorial itself, for the spread of its figures over seeds.

    python3 Benchmarks/scripts/keras_boston_tutorial.py [SEED ...]     # one JSON line per seed

The tutorial's cells as written (Dense 64 relu, Dense 32 relu, Dense 1; adam; mse; mae; 300 epochs; Keras's
default batch size 32), except that load_data(test_split=0.2, seed=777) is reproduced with numpy on the rows of
Tests/Fixtures/datasets/boston_housing.csv (as Keras writes it), so no download is needed, and that each run
starts from keras.utils.set_random_seed(SEED) (the tutorial sets none). Compare with
`boston-housing --seed SEED --json`.
"""
import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
from sklearn.model_selection import KFold, train_test_split  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Fixtures", "examples"))
from boston_split import standardized_split  # noqa: E402

x_train, y_train, x_test, y_test, _, _ = standardized_split()

def get_model():
    model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


for seed in [int(argument) for argument in sys.argv[1:]] or [0]:
    keras.utils.set_random_seed(seed)
    x_fit, x_val, y_fit, y_val = train_test_split(x_train, y_train, test_size=0.33, random_state=777)
    model = get_model()
    model.fit(x_fit, y_fit, epochs=300, validation_data=(x_val, y_val), verbose=0)
    holdout = model.evaluate(x_test, y_test, verbose=0)[1]
    folds = []
    for train_index, val_index in KFold(n_splits=3).split(x_train):
        model = get_model()
        model.fit(x_train[train_index], y_train[train_index], epochs=300,
                  validation_data=(x_train[val_index], y_train[val_index]), verbose=0)
        folds.append(model.evaluate(x_test, y_test, verbose=0)[1])
    print(json.dumps({"seed": seed, "holdout_test_mae": holdout, "kfold_test_mae": folds,
                      "kfold_mean": float(np.mean(folds)), "keras": keras.__version__}), flush=True)
