"""Regenerates reference.json (scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1):
    python3 make_reference.py > reference.json
Every value in reference.json comes from scikit-learn / numpy / scipy, never from SwiftLearn."""
import json, warnings
import numpy as np
import scipy.stats
from sklearn.model_selection import (train_test_split, ShuffleSplit, StratifiedShuffleSplit, KFold,
                                     StratifiedKFold)
from sklearn.preprocessing import MinMaxScaler, StandardScaler, RobustScaler
from sklearn.metrics import (classification_report, confusion_matrix, precision_recall_fscore_support,
                             accuracy_score, mean_absolute_error, mean_squared_error, r2_score)

warnings.simplefilter("ignore")
out = {}

def tolist(a):
    return [int(v) for v in a]

# --- train_test_split on indices -------------------------------------------------------------------
cases = [
    dict(n=10, test_size=0.3, train_size=None, seed=0),
    dict(n=37, test_size=0.25, train_size=None, seed=42),
    dict(n=37, test_size=None, train_size=0.6, seed=42),
    dict(n=37, test_size=5, train_size=None, seed=113),
    dict(n=37, test_size=None, train_size=20, seed=113),
    dict(n=50, test_size=0.2, train_size=0.5, seed=4294967295),
    dict(n=50, test_size=7, train_size=13, seed=7),
    dict(n=101, test_size=None, train_size=None, seed=1),
    dict(n=1000, test_size=0.123, train_size=None, seed=2024),
]
out["train_test_split"] = []
for c in cases:
    tr, te = train_test_split(np.arange(c["n"]), test_size=c["test_size"], train_size=c["train_size"],
                              random_state=c["seed"])
    out["train_test_split"].append(dict(c, train=tolist(tr), test=tolist(te)))
tr, te = train_test_split(np.arange(23), test_size=0.3, shuffle=False)
out["train_test_split_noshuffle"] = dict(n=23, test_size=0.3, train=tolist(tr), test=tolist(te))

errors = []
for n, test, train in [(10, 0.0, None), (10, 1.0, None), (10, 10, None), (10, 0, None), (10, None, 11),
                       (10, 0.6, 0.6), (10, 6, 5), (3, 0.9, None), (10, None, 1.0)]:
    try:
        train_test_split(np.arange(n), test_size=test, train_size=train, random_state=0)
        errors.append(dict(n=n, test_size=test, train_size=train, raises=False))
    except ValueError:
        errors.append(dict(n=n, test_size=test, train_size=train, raises=True))
out["train_test_split_errors"] = errors

# --- stratified -------------------------------------------------------------------------------------
rng = np.random.RandomState(3)
uneven = np.repeat(np.arange(5), [7, 5, 3, 11, 2])
rng.shuffle(uneven)
strat = []
for labels, test, train, seed in [
    (uneven, 0.3, None, 0), (uneven, 0.3, None, 42), (uneven, 9, None, 113), (uneven, None, 0.5, 4294967295),
    (uneven, 0.25, 0.5, 5), (np.repeat(np.arange(3), [10, 10, 10]), 0.5, None, 8),
    (np.array([2, 0, 1, 1, 2, 0, 0, 2, 1, 2, 0, 1, 1, 0, 2, 2, 1, 0, 0, 1, 2, 2, 0]), 0.4, None, 11),
    # tied remainders: _approximate_mode breaks ties with rng.choice
    (np.repeat(np.arange(3), 10), 0.35, None, 0), (np.repeat(np.arange(3), 10), 0.35, None, 1),
    (np.repeat(np.arange(4), [6, 6, 3, 3]), 5, None, 2), (np.repeat(np.arange(5), 4), 7, 9, 3),
]:
    tr, te = train_test_split(np.arange(len(labels)), test_size=test, train_size=train, random_state=seed,
                              stratify=labels)
    strat.append(dict(labels=tolist(labels), test_size=test, train_size=train, seed=seed,
                      train=tolist(tr), test=tolist(te)))
out["stratified"] = strat
names = np.array(["cat", "dog", "bird", "dog", "cat", "cat", "bird", "dog", "cat", "fish", "fish", "dog", "cat",
                  "bird", "fish", "cat"])
tr, te = train_test_split(np.arange(len(names)), test_size=0.5, random_state=9, stratify=names)
out["stratified_strings"] = dict(labels=names.tolist(), test_size=0.5, seed=9, train=tolist(tr), test=tolist(te))
multi = np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 1], [1, 1], [1, 0], [0, 1], [1, 1], [1, 0], [0, 1], [1, 1]])
tr, te = train_test_split(np.arange(12), test_size=0.5, random_state=4, stratify=multi)
out["stratified_multilabel"] = dict(rows=multi.tolist(), test_size=0.5, seed=4, train=tolist(tr), test=tolist(te))

sss = StratifiedShuffleSplit(n_splits=3, test_size=0.2, random_state=17)
out["stratified_shuffle_split"] = dict(labels=tolist(uneven), n_splits=3, test_size=0.2, seed=17,
    splits=[[tolist(a), tolist(b)] for a, b in sss.split(np.zeros(len(uneven)), uneven)])
ss = ShuffleSplit(n_splits=3, test_size=0.2, train_size=0.5, random_state=21)
out["shuffle_split"] = dict(n=30, n_splits=3, test_size=0.2, train_size=0.5, seed=21,
    splits=[[tolist(a), tolist(b)] for a, b in ss.split(np.zeros(30))])

# --- k-fold -----------------------------------------------------------------------------------------
kf = []
for n, k, shuffle, seed in [(17, 5, False, None), (17, 5, True, 0), (23, 4, True, 4294967295), (6, 6, True, 3)]:
    folds = KFold(n_splits=k, shuffle=shuffle, random_state=seed).split(np.zeros(n))
    kf.append(dict(n=n, n_splits=k, shuffle=shuffle, seed=seed, folds=[[tolist(a), tolist(b)] for a, b in folds]))
out["kfold"] = kf
skf = []
appearance = np.array([3, 1, 3, 2, 1, 1, 3, 2, 2, 1, 3, 3, 1, 2, 3, 1, 1, 3, 2, 1, 3, 3, 1, 2, 1])
for labels, k, shuffle, seed in [(appearance, 3, False, None), (appearance, 3, True, 5), (appearance, 4, True, 113),
                                 (uneven, 3, True, 0), (uneven, 5, False, None)]:
    folds = StratifiedKFold(n_splits=k, shuffle=shuffle, random_state=seed).split(np.zeros(len(labels)), labels)
    skf.append(dict(labels=tolist(labels), n_splits=k, shuffle=shuffle, seed=seed,
                    folds=[[tolist(a), tolist(b)] for a, b in folds]))
out["stratified_kfold"] = skf

# --- scalers ----------------------------------------------------------------------------------------
rs = np.random.RandomState(0)
X = rs.standard_normal((40, 4)) * np.array([1.0, 100.0, 0.01, 5.0]) + np.array([0.0, 1000.0, -3.0, 2.0])
X[:, 3] = np.round(X[:, 3])           # ties for the percentiles
X[5, 0] = np.nan; X[17, 2] = np.nan; X[30, 2] = np.nan
Xt = rs.standard_normal((6, 4)) * 3
Xt[2, 1] = np.nan
def nan_to_none(a):
    return [[None if np.isnan(v) else float(v) for v in row] for row in np.asarray(a)]
def vec(a):
    return None if a is None else [None if np.isnan(v) else float(v) for v in np.atleast_1d(a)]
sc = {"X": nan_to_none(X), "X_test": nan_to_none(Xt)}
m = MinMaxScaler(feature_range=(-2, 3)).fit(X)
sc["minmax_m2_3"] = dict(data_min=vec(m.data_min_), data_max=vec(m.data_max_), data_range=vec(m.data_range_),
                         scale=vec(m.scale_), min=vec(m.min_), transform=nan_to_none(m.transform(Xt)),
                         inverse=nan_to_none(m.inverse_transform(Xt)))
m = MinMaxScaler(clip=True).fit(X)
sc["minmax_clip"] = dict(transform=nan_to_none(m.transform(Xt)))
m = MinMaxScaler().partial_fit(X[:15]).partial_fit(X[15:])
sc["minmax_partial"] = dict(data_min=vec(m.data_min_), data_max=vec(m.data_max_), n_samples_seen=int(m.n_samples_seen_))
s = StandardScaler().fit(X)
sc["standard"] = dict(mean=vec(s.mean_), var=vec(s.var_), scale=vec(s.scale_), n_samples_seen=tolist(s.n_samples_seen_),
                      transform=nan_to_none(s.transform(Xt)), inverse=nan_to_none(s.inverse_transform(Xt)))
s = StandardScaler().partial_fit(X[:11]).partial_fit(X[11:29]).partial_fit(X[29:])
sc["standard_partial"] = dict(mean=vec(s.mean_), var=vec(s.var_), scale=vec(s.scale_))
s = StandardScaler(with_mean=False).fit(X)
sc["standard_no_mean"] = dict(mean=vec(s.mean_), scale=vec(s.scale_), transform=nan_to_none(s.transform(Xt)))
s = StandardScaler(with_std=False).fit(X)
sc["standard_no_std"] = dict(mean=vec(s.mean_), transform=nan_to_none(s.transform(Xt)))
r = RobustScaler().fit(X)
sc["robust"] = dict(center=vec(r.center_), scale=vec(r.scale_), transform=nan_to_none(r.transform(Xt)),
                    inverse=nan_to_none(r.inverse_transform(Xt)))
r = RobustScaler(quantile_range=(5.0, 62.5), unit_variance=True).fit(X)
sc["robust_5_62_unit"] = dict(center=vec(r.center_), scale=vec(r.scale_), transform=nan_to_none(r.transform(Xt)))
r = RobustScaler(with_centering=False, quantile_range=(0.0, 100.0)).fit(X)
sc["robust_no_center_0_100"] = dict(scale=vec(r.scale_), transform=nan_to_none(r.transform(Xt)))
X32 = X.astype(np.float32)
# Float32 inputs with float64 statistics and arithmetic (what SwiftLearn does before rounding the output once).
Xt32 = Xt.astype(np.float32)
sc["standard_float32_inputs"] = nan_to_none(StandardScaler().fit(X32.astype(np.float64)).transform(
    Xt32.astype(np.float64)))
sc["minmax_float32_inputs"] = nan_to_none(MinMaxScaler().fit(X32.astype(np.float64)).transform(
    Xt32.astype(np.float64)))
out["scalers"] = sc
out["norm_ppf"] = [[p, float(scipy.stats.norm.ppf(p))] for p in
                   [1e-300, 1e-10, 0.001, 0.02, 0.02425, 0.05, 0.1, 0.25, 0.4, 0.5, 0.625, 0.75, 0.9, 0.975, 0.99,
                    0.999999, 1 - 1e-12]]

# --- metrics ----------------------------------------------------------------------------------------
y_true = [0, 1, 2, 2, 2, 0, 1, 3, 3, 0, 1, 2, 3, 3, 0, 2, 1, 1]
y_pred = [0, 2, 2, 2, 1, 0, 1, 3, 0, 0, 2, 2, 3, 0, 0, 1, 2, 2]   # class 1 recall low; no class 4
y_zero = [0, 0, 2, 2, 2, 0, 2, 3, 3, 0, 2, 2, 3, 3, 0, 2, 2, 0]   # class 1 never predicted
rep = {}
rep["default"] = classification_report(y_true, y_pred)
rep["zero_pred_names_digits4"] = classification_report(y_true, y_zero, target_names=["zero", "one", "two",
                                                       "a long class name"], digits=4)
rep["zero_pred_zd1"] = classification_report(y_true, y_zero, zero_division=1)
rep["zero_pred_zdnan"] = classification_report(y_true, y_zero, zero_division=np.nan)
rep["labels_subset"] = classification_report(y_true, y_pred, labels=[1, 2, 3])
rep["labels_extra"] = classification_report(y_true, y_pred, labels=[0, 1, 2, 3, 4])
rep["strings_digits0"] = classification_report(["b", "a", "c", "a", "b", "b"], ["b", "a", "a", "a", "c", "b"], digits=0)
out["reports"] = rep
d = classification_report(y_true, y_zero, output_dict=True)
out["report_dict_zero_pred"] = d
p, r_, f, s_ = precision_recall_fscore_support(y_true, y_pred)
out["prfs"] = dict(precision=p.tolist(), recall=r_.tolist(), f1=f.tolist(), support=tolist(s_))
out["prfs_avg"] = {avg: list(map(float, precision_recall_fscore_support(y_true, y_pred, average=avg)[:3]))
                   for avg in ["micro", "macro", "weighted"]}
out["prfs_beta2"] = precision_recall_fscore_support(y_true, y_pred, beta=2.0)[2].tolist()
out["accuracy"] = float(accuracy_score(y_true, y_pred))
out["confusion"] = confusion_matrix(y_true, y_pred).tolist()
out["confusion_labels"] = confusion_matrix(y_true, y_pred, labels=[3, 1, 5]).tolist()
out["y_true"] = y_true; out["y_pred"] = y_pred; out["y_zero"] = y_zero
yt = rs.standard_normal(25); yp = yt + rs.standard_normal(25) * 0.3
Yt = rs.standard_normal((12, 3)); Yp = Yt + rs.standard_normal((12, 3)) * 0.5
out["regression"] = dict(y_true=yt.tolist(), y_pred=yp.tolist(), mae=mean_absolute_error(yt, yp),
                         mse=mean_squared_error(yt, yp), r2=r2_score(yt, yp),
                         Y_true=Yt.tolist(), Y_pred=Yp.tolist(), mae2=mean_absolute_error(Yt, Yp),
                         mse2=mean_squared_error(Yt, Yp), r2_2=r2_score(Yt, Yp),
                         r2_constant_perfect=r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]),
                         r2_constant_wrong=r2_score([2.0, 2.0, 2.0], [2.0, 2.5, 2.0]))
print(json.dumps(out, indent=0, allow_nan=False))
