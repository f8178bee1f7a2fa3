# The README's "Drift statistics" recipe in runnable form: numpy/scipy compute what Switchyard's drift
# engine (lib/monitoring/drift) must reproduce. The unit tests feed it JSON on stdin:
#   {"cases": [{"reference": [...], "current": [...], "currentRows": n}], "kolmogorov": [x...], "gammaincc": [[a, x]...]}
# and compare every figure it prints. Missing values are null (JSON has no NaN).
import json
import sys
from collections import Counter

import numpy as np
from scipy import special, stats
from scipy.spatial import distance

SMALL_REFERENCE, P_VALUE, WASSERSTEIN, JS_DISTANCE = 1000, 0.05, 0.1, 0.1


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def present(values):
    return [v for v in values if v is not None and not (is_number(v) and not np.isfinite(v))]


def label(v):
    # a number's label is JavaScript's String(n): 1, 1.0 and "1" are one category
    if is_number(v):
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    return str(v)


def psi(rs, cs):
    r = np.where(rs == 0, 0.0001, rs)
    c = np.where(cs == 0, 0.0001, cs)
    return float(np.sum((c - r) * np.log(c / r)))


def column(case):
    ref, cur = present(case["reference"]), present(case["current"])
    rows = case["currentRows"]
    if all(is_number(v) for v in ref) and len(set(ref)) > 5:
        r = np.array(ref, dtype=float)
        c = np.array([v for v in cur if is_number(v)], dtype=float)
        n, m = len(r), len(c)
        out = {"kind": "numeric", "method": "ks" if n <= SMALL_REFERENCE else "wasserstein", "missingShare": (rows - m) / rows if rows else None}
        if m == 0:
            return out
        d = stats.ks_2samp(r, c, method="asymp").statistic
        w = stats.wasserstein_distance(r, c)
        sd = np.std(r)
        edges = np.unique(np.quantile(r, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]))
        rs = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1) / n
        cs = np.bincount(np.searchsorted(edges, c, side="right"), minlength=len(edges) + 1) / m
        out.update(statistic=float(d), pValue=float(special.kolmogorov(np.sqrt(n * m / (n + m)) * d)),
                   wasserstein=float(w / sd if sd > 0 else w), psi=psi(rs, cs),
                   jsDistance=float(distance.jensenshannon(rs, cs, base=2)))
        out["drifted"] = out["pValue"] < P_VALUE if n <= SMALL_REFERENCE else out["wasserstein"] >= WASSERSTEIN
        return out
    rc, cc = Counter(map(label, ref)), Counter(map(label, cur))
    n, m = sum(rc.values()), sum(cc.values())
    out = {"kind": "categorical", "method": "chisquare" if n <= SMALL_REFERENCE else "jensenshannon", "missingShare": (rows - m) / rows if rows else None}
    if n == 0 or m == 0:
        return out
    cats = list(dict.fromkeys([*rc, *cc]))
    table = np.array([[rc[k] for k in cats], [cc[k] for k in cats]])
    chi2, p, _dof, _expected = stats.chi2_contingency(table, correction=False)
    rs, cs = table[0] / n, table[1] / m
    out.update(statistic=float(chi2), pValue=float(p), wasserstein=None, psi=psi(rs, cs),
               jsDistance=float(distance.jensenshannon(rs, cs, base=2)))
    out["drifted"] = out["pValue"] < P_VALUE if n <= SMALL_REFERENCE else out["jsDistance"] >= JS_DISTANCE
    return out


def finite_or_none(x):
    return x if np.isfinite(x) else None


data = json.load(sys.stdin)
json.dump({
    "cases": [column(c) for c in data.get("cases", [])],
    "kolmogorov": [finite_or_none(float(special.kolmogorov(x))) for x in data.get("kolmogorov", [])],
    "gammaincc": [finite_or_none(float(special.gammaincc(a, x))) for a, x in data.get("gammaincc", [])],
}, sys.stdout)
