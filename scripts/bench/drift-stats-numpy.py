# The numpy/scipy side of `npm run bench:drift`: the same statistics on the same in-memory data as
# lib/monitoring/drift, the README's recipe. Reads the columns the TypeScript side wrote (raw float64 /
# int32 files and a JSON manifest), times only the computation, prints JSON on stdout.
import json
import os
import sys
import time

import numpy as np
from scipy import special, stats
from scipy.spatial import distance

QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def psi(rs, cs):
    r = np.where(rs == 0, 0.0001, rs)
    c = np.where(cs == 0, 0.0001, cs)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric(r, c):
    r, c = r[np.isfinite(r)], c[np.isfinite(c)]
    assert len(np.unique(r)) > 5  # the kind rule
    n, m = len(r), len(c)
    d = stats.ks_2samp(r, c, method="asymp").statistic
    w = stats.wasserstein_distance(r, c)
    sd = np.std(r)
    edges = np.unique(np.quantile(r, QUANTILES))
    rs = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1) / n
    cs = np.bincount(np.searchsorted(edges, c, side="right"), minlength=len(edges) + 1) / m
    return {"statistic": float(d), "pValue": float(special.kolmogorov(np.sqrt(n * m / (n + m)) * d)),
            "wasserstein": float(w / sd if sd > 0 else w), "psi": psi(rs, cs), "jsDistance": float(distance.jensenshannon(rs, cs, base=2))}


def categorical(r, c, k):
    rc = np.bincount(r[r >= 0], minlength=k)
    cc = np.bincount(c[c >= 0], minlength=k)
    seen = (rc + cc) > 0
    table = np.vstack([rc[seen], cc[seen]])
    chi2, p, _dof, _expected = stats.chi2_contingency(table, correction=False)
    rs, cs = table[0] / table[0].sum(), table[1] / table[1].sum()
    return {"statistic": float(chi2), "pValue": float(p), "psi": psi(rs, cs), "jsDistance": float(distance.jensenshannon(rs, cs, base=2))}


folder = sys.argv[1]
runs = int(sys.argv[2])
manifest = json.load(open(os.path.join(folder, "manifest.json")))
out = []
for col in manifest["columns"]:
    dtype = np.float64 if col["kind"] == "numeric" else np.int32
    ref = np.fromfile(os.path.join(folder, col["name"] + ".ref"), dtype=dtype)
    cur = np.fromfile(os.path.join(folder, col["name"] + ".cur"), dtype=dtype)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        result = numeric(ref, cur) if col["kind"] == "numeric" else categorical(ref, cur, len(col["labels"]))
        seconds.append(time.perf_counter() - start)
    out.append({"name": col["name"], "seconds": min(seconds), "result": result})
json.dump(out, sys.stdout)
