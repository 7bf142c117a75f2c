"""scikit-learn side of `npm run bench:ml`: the issue's reference pipelines on the e-commerce data.

Run with Debian's python3 (python3-sklearn), one thread. First prints the stratified 80/20 split
(random_state 42) as row indices, so the TypeScript learners train and test on the same rows; then
fits on request (see main), timing the whole preprocessing + model pipeline fit.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def make_pipeline(numeric, categorical, learner):
    pre = ColumnTransformer(
        [
            ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric),
            ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore"))]), categorical),
        ]
    )
    return Pipeline([("pre", pre), ("model", learner)])


LEARNERS = {
    "lr": lambda: LogisticRegression(C=1.0, max_iter=1000),
    "rf": lambda: RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=1),
    "gbdt": lambda: HistGradientBoostingClassifier(random_state=42),
}


def main() -> None:
    """Serves fits over stdin/stdout so the caller can interleave them with its own (same machine load).

    Prints the split first; then each input line `fit <learner>` answers {"fit_s": ...} and
    `metrics <learner>` answers the test metrics of the last fit of that learner.
    """
    path, target, id_column = sys.argv[1], sys.argv[2], sys.argv[3]
    df = pd.read_csv(path)
    y = df[target].astype(int).to_numpy()
    x = df.drop(columns=[target, id_column])
    numeric = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c])]
    categorical = [c for c in x.columns if c not in numeric]
    rows = np.arange(len(df))
    train, test = train_test_split(rows, test_size=0.2, stratify=y, random_state=42)
    x_train, y_train, x_test, y_test = x.iloc[train], y[train], x.iloc[test], y[test]
    print(json.dumps({"sklearn": sklearn.__version__, "train": sorted(train.tolist()), "test": sorted(test.tolist())}), flush=True)
    fitted = {}
    for line in sys.stdin:
        command, name = line.split()
        if command == "fit":
            model = make_pipeline(numeric, categorical, LEARNERS[name]())
            start = time.perf_counter()
            model.fit(x_train, y_train)
            seconds = time.perf_counter() - start
            fitted[name] = model
            print(json.dumps({"fit_s": seconds}), flush=True)
        else:
            p = fitted[name].predict_proba(x_test)[:, 1]
            print(
                json.dumps(
                    {
                        "auc": roc_auc_score(y_test, p),
                        "accuracy": accuracy_score(y_test, p > 0.5),
                        "f1": f1_score(y_test, p > 0.5),
                        "log_loss": log_loss(y_test, p),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
