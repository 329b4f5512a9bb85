"""Keras's boston_housing.load_data(test_split=0.2, seed=777) and the tutorial's standardization, with numpy.

Shared by the fixture generator beside it and Benchmarks/scripts/keras_boston_tutorial.py, so the split the
reference describes is the split the Keras run trains on.
"""
import os

import numpy as np

CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "boston_housing.csv")


def standardized_split(seed=777, test_split=0.2):
    """(x_train, y_train, x_test, y_test, mean, std): Keras's row shuffle, then both sets scaled by the training statistics."""
    rows = np.loadtxt(CSV, delimiter=",")
    x, y = rows[:, :13], rows[:, 13]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    x_train, y_train, x_test, y_test = x[:cut], y[:cut], x[cut:], y[cut:]
    mean, std = np.mean(x_train, axis=0), np.std(x_train, axis=0)
    return (x_train - mean) / std, y_train, (x_test - mean) / std, y_test, mean, std
