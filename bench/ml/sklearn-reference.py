"""scikit-learn side of `npm run bench:ml`: the reference pipelines on the e-commerce data.

Run with Debian's python3 (python3-sklearn, numpy; no pandas needed), one thread. First prints the
stratified 80/20 split (random_state 42) as row indices, so the TypeScript learners train and test on
the same rows; then fits on request (see main), timing the whole preprocessing + model pipeline fit.

Pipelines: numeric columns median-imputed and standardised, categorical columns most-frequent-imputed
and one-hot encoded (unknown categories ignored), then LogisticRegression(C=1) or
RandomForestClassifier(100 trees) (scikit-learn 1.2's forest cannot take missing values); and
HistGradientBoostingClassifier() on the raw numeric columns with their missing values (its own learned
missing-value directions, as Keel's boosting) beside the one-hot categorical columns.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import csv
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def read_table(path, target, id_column):
    """Numeric columns as float arrays (blank = NaN), the others as object arrays, pandas-style."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    y = np.array([int(r[header.index(target)]) for r in body])
    numeric, categorical, names_num, names_cat = [], [], [], []
    for c, name in enumerate(header):
        if name in (target, id_column):
            continue
        cells = [r[c] for r in body]
        try:
            numeric.append([float(v) if v != "" else np.nan for v in cells])
            names_num.append(name)
        except ValueError:
            categorical.append([v if v != "" else np.nan for v in cells])
            names_cat.append(name)
    x_num = np.array(numeric, dtype=float).T
    x_cat = np.array(categorical, dtype=object).T
    return x_num, x_cat, y


class Reference:
    """The preprocessing + learner pipeline, fitted on (numeric, categorical) arrays."""

    def __init__(self, name):
        self.name = name

    def fit(self, x_num, x_cat, y):
        self.onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        if self.name == "gbdt":
            self.model = HistGradientBoostingClassifier(random_state=42)
            self.cat_impute = None
            self.num_impute = None
        else:
            self.num_impute = SimpleImputer(strategy="median")
            self.scale = StandardScaler()
            self.cat_impute = SimpleImputer(strategy="most_frequent")
            if self.name == "lr":
                self.model = LogisticRegression(C=1.0, max_iter=1000)
            else:
                self.model = RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=1)
        self.model.fit(self._features(x_num, x_cat, fit=True), y)
        return self

    def _features(self, x_num, x_cat, fit=False):
        if self.name == "gbdt":
            num = x_num
            cat = self.onehot.fit_transform(x_cat) if fit else self.onehot.transform(x_cat)
        else:
            num = self.num_impute.fit_transform(x_num) if fit else self.num_impute.transform(x_num)
            num = self.scale.fit_transform(num) if fit else self.scale.transform(num)
            filled = self.cat_impute.fit_transform(x_cat) if fit else self.cat_impute.transform(x_cat)
            cat = self.onehot.fit_transform(filled) if fit else self.onehot.transform(filled)
        return np.hstack([num, cat])

    def predict_proba(self, x_num, x_cat):
        return self.model.predict_proba(self._features(x_num, x_cat))


def main() -> None:
    """Serves fits over stdin/stdout so the caller can interleave them with its own (same machine load).

    Prints the split first; then each input line `fit <learner>` answers {"fit_s": ...} and
    `metrics <learner>` answers the test metrics of the last fit of that learner.
    """
    path, target, id_column = sys.argv[1], sys.argv[2], sys.argv[3]
    x_num, x_cat, y = read_table(path, target, id_column)
    rows = np.arange(len(y))
    train, test = train_test_split(rows, test_size=0.2, stratify=y, random_state=42)
    print(json.dumps({"sklearn": sklearn.__version__, "train": sorted(train.tolist()), "test": sorted(test.tolist())}), flush=True)
    fitted = {}
    for line in sys.stdin:
        command, name = line.split()
        if command == "fit":
            start = time.perf_counter()
            model = Reference(name).fit(x_num[train], x_cat[train], y[train])
            seconds = time.perf_counter() - start
            fitted[name] = model
            print(json.dumps({"fit_s": seconds}), flush=True)
        else:
            p = fitted[name].predict_proba(x_num[test], x_cat[test])[:, 1]
            print(
                json.dumps(
                    {
                        "auc": roc_auc_score(y[test], p),
                        "accuracy": accuracy_score(y[test], p > 0.5),
                        "f1": f1_score(y[test], p > 0.5),
                        "log_loss": log_loss(y[test], p),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
