# scipy/numpy baseline for bench:drift: the same statistics on the same windows, timed in-process
# (loading excluded). Usage: /usr/bin/python3 scipy_drift.py <data dir> <repeats>
import json
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

BINS = 10


def psi_shares(ca, cb):
    p = np.asarray(ca, dtype=float) / np.sum(ca)
    c = np.asarray(cb, dtype=float) / np.sum(cb)
    p[p == 0] = 1e-4
    c[c == 0] = 1e-4
    return float(np.sum((c - p) * np.log(c / p)))


def numeric(a, b):
    ks = stats.ks_2samp(a, b)
    wd = stats.wasserstein_distance(a, b)
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=BINS)
    q = np.unique(np.quantile(a, [i / BINS for i in range(1, BINS)]))
    ca = np.bincount(np.searchsorted(q, a, side='left'), minlength=len(q) + 1)
    cb = np.bincount(np.searchsorted(q, b, side='left'), minlength=len(q) + 1)
    return {
        'ks_statistic': float(ks.statistic), 'ks_pvalue': float(ks.pvalue),
        'wasserstein': float(wd), 'wasserstein_normed': float(wd / max(np.std(a), 0.001)),
        'jensen_shannon': float(jensenshannon(np.histogram(a, edges)[0], np.histogram(b, edges)[0])),
        'psi': psi_shares(ca, cb),
    }


def categorical(a, b):
    keys, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    ca = np.bincount(inv[:len(a)], minlength=len(keys))
    cb = np.bincount(inv[len(a):], minlength=len(keys))
    chi2 = stats.chi2_contingency(np.array([ca, cb]))
    return {
        'chi2_statistic': float(chi2[0]), 'chi2_pvalue': float(chi2[1]),
        'jensen_shannon': float(jensenshannon(ca, cb)), 'psi': psi_shares(ca, cb),
    }


def main():
    d, repeats = sys.argv[1], int(sys.argv[2])
    spec = json.load(open(f'{d}/spec.json'))
    data = {}
    for c in spec['numeric']:
        data[c] = (np.fromfile(f'{d}/{c}.ref.f64'), np.fromfile(f'{d}/{c}.cur.f64'))
    for c in spec['categorical']:
        data[c] = tuple(np.array(open(f'{d}/{c}.{s}.txt').read().split('\n')) for s in ('ref', 'cur'))
    times, results = [], {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        for c in spec['numeric']:
            results[c] = numeric(*data[c])
        for c in spec['categorical']:
            results[c] = categorical(*data[c])
        times.append(time.perf_counter() - t0)
    print(json.dumps({'times': times, 'results': results}))


main()
