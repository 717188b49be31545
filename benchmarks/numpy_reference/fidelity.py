#!/usr/bin/python3
"""Puts the engine's figures (`wijksim run --format csv`) next to the numpy reference's, as a Markdown table.

    fidelity.py ENGINE.csv NUMPY.csv [NUMPY2.csv ...]

(several numpy files, from runs of different replications, are pooled).

For each figure: the engine's mean (se), the numpy reference's mean (se) over their replications, and
z = difference / sqrt(se_engine^2 + se_numpy^2). With 5 replications each, |z| above about 3 is more than
noise (the se themselves are rough with so few replications).
"""
import csv
import math
import sys

# (label, engine key, numpy key); a key is (table, row, column).
FIGURES = [
    ("households with a problem, start", ("households", "with_problem", "start")),
    ("households with a problem, period", ("households", "with_problem", "period")),
    ("households with 2+ problems, period", ("households", "multi_problem", "period")),
    ("0 professionals, period", ("households", "professionals_0", "period")),
    ("1 professional, period", ("households", "professionals_1", "period")),
    ("2 professionals, period", ("households", "professionals_2", "period")),
    ("3+ professionals, period", ("households", "professionals_3plus", "period")),
    ("low trust among those with help, period", ("households", "low_trust", "period")),
    ("bounced among those with help, period", ("households", "bounced", "period")),
    ("mean trust of those with help, period", ("households", "trust", "period")),
    ("mean rung, period", ("households", "rung", "period")),
    ("bounces per 1,000 a year", ("events", "bounces", "value")),
    ("evictions per 1,000 a year", ("events", "escalations/eviction", "value")),
    ("benefit inflows per 1,000 a year", ("events", "escalations/benefit_inflow", "value")),
    ("crisis admissions per 1,000 a year", ("events", "escalations/crisis_admission", "value")),
    ("out-of-home placements per 1,000 a year", ("events", "escalations/out_of_home_placement", "value")),
    ("police interventions per 1,000 a year", ("events", "escalations/police_intervention", "value")),
    ("problems resolved a year", ("events", "resolved", "value")),
    ("not helped (failed / ended treatments)", ("calibration", "not_helped", "model"), ("events", "not_helped", "value")),
    # Only the city's targets file reports these (its own names for them).
    ("households in a spell per 1,000", ("calibration", "benefit_stock", "model"), ("events", "spell_per_1000", "value")),
    ("spell years (stock / inflow)", ("calibration", "benefit_years", "model"), ("events", "spell_years", "value")),
    ("money problems, start", ("calibration", "debts", "model"), ("households", "problem.money", "start")),
]
AGENCY_COLUMNS = [("waiting", "waiting list"), ("wait_weeks", "wait (weeks)"), ("referrals", "referrals a year"),
                  ("intakes", "intakes a year"), ("places_used", "places used"), ("utilisation", "utilisation")]
BUDGET_ROWS = ["municipality/total", "housing_corporations/total", "health_insurers/total", "police_justice/total",
               "all_payers/total", "all_payers/capacity", "all_payers/intake", "all_payers/treatment",
               "all_payers/escalation", "all_payers/transfer"]


def read(path, key_fields):
    out = {}
    with open(path) as f:
        for row in csv.DictReader(line for line in f if not line.startswith("numpy reference")):
            if not row.get("mean"):
                continue
            key = tuple(row[k] for k in key_fields)
            se = row.get("se") or "nan"
            out[key] = (float(row["mean"]), float(se) if se else float("nan"), int(row["n"] or 0))
    return out


def pool(parts):
    """Mean and se of the union of several samples, from each one's (mean, se, n)."""
    parts = [p for p in parts if p is not None and p[2] > 0]
    if not parts:
        return None
    n = sum(p[2] for p in parts)
    mean = sum(p[0] * p[2] for p in parts) / n
    # Sum of squares about the pooled mean: within (sd^2 (n-1)) plus between (n (mean_i - mean)^2).
    ss = 0.0
    for m, se, k in parts:
        sd2 = (se * math.sqrt(k)) ** 2 if k > 1 and not math.isnan(se) else 0.0
        ss += sd2 * (k - 1) + k * (m - mean) ** 2
    se = math.sqrt(ss / (n - 1) / n) if n > 1 else float("nan")
    return mean, se, n


def fmt(x):
    if x is None or math.isnan(x):
        return "-"
    a = abs(x)
    if a >= 1e5:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.3f}"
    return f"{x:.4f}"


def main():
    engine = read(sys.argv[1], ("table", "row", "column"))
    files = [read(path, ("table", "row", "column")) for path in sys.argv[2:]]
    numpy_ = {key: pool([f.get(key) for f in files]) for key in files[0]}
    rows = list(FIGURES)
    agencies = sorted({k[1] for k in numpy_ if k[0] == "agencies"}, key=lambda a: list(numpy_).index(("agencies", a, "waiting")))
    for a in agencies:
        for col, label in AGENCY_COLUMNS:
            rows.append((f"{a}: {label}", ("agencies", a, col)))
    for b in BUDGET_ROWS:
        rows.append((f"{b.replace('all_payers/', 'cost, all payers: ')} (EUR, 5 years)", ("budget", b, "total")))
    print("| figure | engine mean (se) | numpy mean (se) | z |")
    print("|---|---|---|---|")
    for entry in rows:
        label, ekey = entry[0], entry[1]
        nkey = entry[2] if len(entry) > 2 else ekey
        e, n = engine.get(ekey), numpy_.get(nkey)
        if e is None and ekey[0] == "calibration":
            continue
        if e is None or n is None:
            print(f"| {label} | {fmt(e[0]) if e else 'not reported'} | {fmt(n[0]) if n else '-'} | |")
            continue
        se = math.sqrt((e[1] if not math.isnan(e[1]) else 0) ** 2 + (n[1] if not math.isnan(n[1]) else 0) ** 2)
        z = (n[0] - e[0]) / se if se > 0 else (0.0 if n[0] == e[0] else float("inf"))
        flag = " **" if abs(z) > 3 else ""
        print(f"| {label} | {fmt(e[0])} ({fmt(e[1])}) | {fmt(n[0])} ({fmt(n[1])}) | {z:+.1f}{flag} |")


if __name__ == "__main__":
    main()
