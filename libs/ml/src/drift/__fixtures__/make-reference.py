# Generates scipy-reference.json: every drift statistic computed by scipy 1.10 / numpy on seeded samples.
# Run with Debian's python3 (python3-scipy): /usr/bin/python3 libs/ml/src/drift/__fixtures__/make-reference.py
import json
import os
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

sys.path.insert(0, os.path.dirname(__file__))
from samples import sample  # noqa: E402


def psi_numeric(a, b, bins):
    q = np.quantile(a, [i / bins for i in range(1, bins)])
    edges = []
    for e in q:
        if not edges or edges[-1] != e:
            edges.append(float(e))
    ca = np.bincount(np.searchsorted(edges, a, side='left'), minlength=len(edges) + 1)
    cb = np.bincount(np.searchsorted(edges, b, side='left'), minlength=len(edges) + 1)
    return psi_shares(ca, cb)


def psi_shares(ca, cb):
    p = np.asarray(ca, dtype=float) / np.sum(ca)
    c = np.asarray(cb, dtype=float) / np.sum(cb)
    p[p == 0] = 1e-4
    c[c == 0] = 1e-4
    return float(np.sum((c - p) * np.log(c / p)))


def numeric_case(name, a_spec, b_spec, bins=10):
    a = np.array(sample(a_spec))
    b = np.array(sample(b_spec))
    ks = stats.ks_2samp(a, b)
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=bins)
    ha = np.histogram(a, edges)[0]
    hb = np.histogram(b, edges)[0]
    wd = stats.wasserstein_distance(a, b)
    return {
        'name': name, 'a': a_spec, 'b': b_spec, 'bins': bins,
        'ks_statistic': float(ks.statistic), 'ks_pvalue': float(ks.pvalue),
        'wasserstein': float(wd),
        'wasserstein_normed': float(wd / max(np.std(a), 0.001)),
        'jensen_shannon': float(jensenshannon(ha, hb)),
        'psi': psi_numeric(a, b, bins),
    }


def U(n, seed, loc=0.0, scale=1.0):
    return {'kind': 'uniform', 'n': n, 'seed': seed, 'loc': loc, 'scale': scale}


def N(n, seed, loc=0.0, scale=1.0):
    return {'kind': 'normal', 'n': n, 'seed': seed, 'loc': loc, 'scale': scale}


def S(n, seed, loc=0.0, scale=1.0):
    return {'kind': 'skew', 'n': n, 'seed': seed, 'loc': loc, 'scale': scale}


def P(n, seed, loc=0.0, scale=1.0):
    return {'kind': 'pareto', 'n': n, 'seed': seed, 'loc': loc, 'scale': scale}


def I(n, seed, k, loc=0):
    return {'kind': 'int', 'n': n, 'seed': seed, 'k': k, 'loc': loc}


numeric = [
    numeric_case('normal same, unequal sizes', N(200, 1), N(150, 2)),
    numeric_case('normal shifted, equal sizes', N(300, 3), N(300, 4, 0.3)),
    numeric_case('skewed vs skewed, scaled', S(500, 5, 0, 10), S(420, 6, 0, 12)),
    numeric_case('heavy tail', P(800, 7, 0, 2), P(640, 8, 0.5, 2)),
    numeric_case('tied integers', I(400, 9, 6), I(333, 10, 6, 0)),
    numeric_case('tied integers shifted', I(1000, 11, 12), I(1000, 12, 12, 1)),
    numeric_case('tiny 1 vs 1', U(1, 13), U(1, 14)),
    numeric_case('tiny 1 vs 5', U(1, 15), U(5, 16)),
    numeric_case('tiny 3 vs 2', N(3, 17), N(2, 18, 1)),
    numeric_case('tiny 7 vs 9', N(7, 19), N(9, 20, 0.5), bins=4),
    numeric_case('far apart (tiny p)', N(60, 21), N(50, 22, 3)),
    numeric_case('exact at the limit 10000 vs 9999', N(10000, 23), N(9999, 24, 0.02)),
    numeric_case('exact equal 5000', U(5000, 25), U(5000, 26, 0.01)),
    numeric_case('asymptotic 12000 vs 9000', N(12000, 27), N(9000, 28, 0.03)),
    numeric_case('asymptotic strong shift', N(15000, 29), N(11000, 30, 0.2)),
    numeric_case('asymptotic small other side', N(20000, 31), N(40, 32, 0.4)),
    numeric_case('asymptotic 30 vs 20000 tiny d', U(30, 33), U(20000, 34)),
    numeric_case('uniform 20 bins', U(2000, 35, 5, 3), U(1500, 36, 5.2, 3), bins=20),
]

# kstwo.sf directly, to cover every branch of scipy's method choice.
kstwo = []
for n in [1, 2, 5, 10, 50, 140, 141, 500, 5000, 50000, 100001, 400000]:
    for x in [0.0005, 0.002, 0.01, 0.03, 0.05, 0.08, 0.12, 0.2, 0.35, 0.5, 0.7, 0.95]:
        kstwo.append({'n': n, 'x': x, 'sf': float(stats.kstwo.sf(x, n))})
# Above n = 10^6 scipy's smirnov switches to exp(-(6nx+1)^2/18n).
for n in [999_999, 2_000_000, 25_000_000]:
    for x in [0.0004, 0.0012, 0.002, 0.005, 0.0125]:
        kstwo.append({'n': n, 'x': x, 'sf': float(stats.kstwo.sf(x, n))})
for n in [3, 20, 100]:
    for t in [0.6, 0.9, 1.5, 2.5, n - 0.5]:
        kstwo.append({'n': n, 'x': t / n, 'sf': float(stats.kstwo.sf(t / n, n))})

tables = [
    [[10, 20, 30], [12, 18, 35]],
    [[50, 50], [30, 70]],
    [[5, 0], [3, 2]],
    [[100, 0, 3, 7], [90, 4, 1, 12]],
    [[1000, 2000, 1500, 10, 1], [1200, 1900, 1400, 40, 0]],
    [[3], [4]],
    [[400, 600], [410, 590]],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]],
]
chi2 = []
for t in tables:
    obs = np.array(t, dtype=float)
    keep = obs.sum(axis=0) > 0
    res = stats.chi2_contingency(obs[:, keep]) if keep.sum() > 1 else None
    chi2.append({
        'ref': t[0], 'cur': t[1],
        'statistic': float(res[0]) if res is not None else 0.0,
        'pvalue': float(res[1]) if res is not None else 1.0,
        'dof': int(res[2]) if res is not None else 0,
        'jensen_shannon': float(jensenshannon(t[0], t[1])),
        'psi': psi_shares(t[0], t[1]),
    })

ztests = []
for x1, n1, x2, n2 in [(30, 100, 45, 100), (500, 1000, 520, 1000), (1, 10, 9, 10), (2, 5000, 30, 4000), (0, 50, 1, 60)]:
    p1, p2 = x1 / n1, x2 / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    ztests.append({'x1': x1, 'n1': n1, 'x2': x2, 'n2': n2, 'statistic': float(z), 'pvalue': float(2 * stats.norm.sf(abs(z)))})

chi2sf = [{'x': x, 'dof': d, 'sf': float(stats.chi2.sf(x, d))}
          for d in [1, 2, 3, 7, 30, 101] for x in [0.001, 0.5, 2.0, 9.0, 40.0, 150.0, 600.0]]

out = {'scipy': scipy.__version__, 'numpy': np.__version__, 'numeric': numeric, 'kstwo': kstwo,
       'chi2': chi2, 'ztests': ztests, 'chi2sf': chi2sf}
with open(os.path.join(os.path.dirname(__file__), 'scipy-reference.json'), 'w') as f:
    json.dump(out, f, indent=1)
print('wrote', len(numeric), 'numeric cases,', len(kstwo), 'kstwo points')
