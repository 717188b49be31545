#!/usr/bin/python3
"""z-table of every figure both CSVs give: compare.py ENGINE.csv NUMPY.csv [NUMPY2.csv ...]"""
import csv, math, sys
sys.path.insert(0, __import__("os").path.dirname(__file__))
from fidelity import pool, fmt

def read(path):
    out = {}
    with open(path) as f:
        for row in csv.DictReader(l for l in f if not l.startswith("numpy reference")):
            if not row.get("mean") or row.get("scenario") == "scenario":
                continue
            if row["table"] == "calibration" and row["column"] != "model":
                continue
            se = row.get("se") or "nan"
            out[(row["table"], row["row"], row["column"])] = (float(row["mean"]), float(se), int(row["n"] or 0))
    return out

e = read(sys.argv[1])
parts = [read(p) for p in sys.argv[2:]]
keys = [k for k in parts[0] if k in e]
only = [k for k in e if k not in parts[0] and k[2] in ("value", "period", "start", "end", "total", "model") ]
rows = []
for k in keys:
    n = pool([p.get(k) for p in parts]); x = e[k]
    se_e = 0 if math.isnan(x[1]) else x[1]; se_n = 0 if math.isnan(n[1]) else n[1]
    se = math.hypot(se_e, se_n)
    if se <= 1e-9 * max(1, abs(x[0])):  # the same in every run: compared by value (13.3)
        z = 0.0 if abs(n[0] - x[0]) <= 1e-9 * max(1, abs(x[0])) else float("inf")
    else:
        z = (n[0] - x[0]) / se
    rows.append(("/".join(k), x[0], x[1], n[0], n[1], z))
print("| figure | engine (se) | numpy (se) | z |\n|---|---|---|---|")
for r in rows:
    flag = " **" if abs(r[5]) > 3 else ""
    print(f"| {r[0]} | {fmt(r[1])} ({fmt(r[2])}) | {fmt(r[3])} ({fmt(r[4])}) | {r[5]:+.2f}{flag} |")
zs = [r[5] for r in rows if math.isfinite(r[5]) and not (r[2] == 0 and r[4] == 0)]
print(f"\n{len(rows)} figures, {len(zs)} varying; mean z^2 {sum(z*z for z in zs)/len(zs):.2f}; |z|>2: {sum(abs(z)>2 for z in zs)}; |z|>3: {sum(abs(z)>3 for z in zs)}")
print("engine-only figures (not compared):", ", ".join("/".join(k) for k in only if k[0] != "budget"))
