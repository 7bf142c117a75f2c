"""scikit-learn side of `npm run bench:ml`: the issue's reference pipelines on the e-commerce data.

Run with Debian's python3 (python3-sklearn). Prints one JSON object: the stratified 80/20 split
(random_state 42) as row indices, so the TypeScript learners train and test on the same rows, and per
learner the test metrics and the median pipeline fit time over `repeats` fits on one thread.
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


def main() -> None:
    path, target, id_column, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    df = pd.read_csv(path)
    y = df[target].astype(int).to_numpy()
    x = df.drop(columns=[target, id_column])
    numeric = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c])]
    categorical = [c for c in x.columns if c not in numeric]
    rows = np.arange(len(df))
    train, test = train_test_split(rows, test_size=0.2, stratify=y, random_state=42)
    learners = {
        "lr": lambda: LogisticRegression(C=1.0, max_iter=1000),
        "rf": lambda: RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=1),
        "gbdt": lambda: HistGradientBoostingClassifier(random_state=42),
    }
    results = {}
    for name, make in learners.items():
        times = []
        for _ in range(repeats):
            pre = ColumnTransformer(
                [
                    ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric),
                    ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore"))]), categorical),
                ]
            )
            model = Pipeline([("pre", pre), ("model", make())])
            start = time.perf_counter()
            model.fit(x.iloc[train], y[train])
            times.append(time.perf_counter() - start)
        p = model.predict_proba(x.iloc[test])[:, 1]
        results[name] = {
            "auc": roc_auc_score(y[test], p),
            "accuracy": accuracy_score(y[test], p > 0.5),
            "f1": f1_score(y[test], p > 0.5),
            "log_loss": log_loss(y[test], p),
            "fit_s": float(np.median(times)),
        }
    print(json.dumps({"sklearn": sklearn.__version__, "train": sorted(train.tolist()), "test": sorted(test.tolist()), "results": results}))


if __name__ == "__main__":
    main()
