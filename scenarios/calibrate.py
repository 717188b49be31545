#!/usr/bin/env python3
"""Fit the fragmented baseline's steady state to the seeds' survey (README, "Calibration").

    python3 scenarios/calibrate.py [--wijksim build/cli/wijksim] [--steps 25] [--start baseline-velve.yaml]

Runs the Velve-Lindenhof baseline after a long warm-up with the current parameter values as overrides, reads
the steady state (the policy period's means) from `wijksim run --format csv`, and moves each parameter
toward its target by a damped one-to-one update in log space, the step clamped to a few per cent:

  ladder.drop_per_year             mean rung 3.76 (that of population.rung_shares)
  domains.*.incidence_per_year     49% of households with at least one problem
  domains.*.clustering_factor      26% with several (its excess over 1)
  domains.*.seek_help_per_year     37% with at least one professional
  fragmentation.wrong_agency_probability   47% of the helped sent from pillar to post
  fragmentation.*_trust_loss (one factor)  40% of the helped with little or no trust
  agencies.*.capacity_per_1000_households  a wait of about 4 weeks on each waiting list

It prints each step's parameters and steady state, and at the end the values to write into
baseline-velve.yaml. The outputs are noisy (a neighbourhood of 2,800 households, near-full queues): read the
last few steps, not one. Only the Python 3 standard library is needed.
"""
import argparse
import csv
import io
import os
import subprocess
import tempfile

DOMAINS = ["money", "work_income", "housing", "health", "family", "isolation"]
AGENCIES = ["social_services", "debt_counselling", "housing_corporation", "mental_health", "youth_care", "social_work"]
TARGET_WAIT = 4.0  # weeks on an agency's waiting list (an assumption: intake waits come before it)
HERE = os.path.dirname(os.path.abspath(__file__))


def scenario(p, start, warmup, years):
    domains = "\n".join(
        f"  {d}: {{incidence_per_year: {p['incidence']:.5f}, clustering_factor: {p['clustering']:.4f}, "
        f"seek_help_per_year: {p['seek']:.4f}}}" for d in DOMAINS)
    agencies = "\n".join(f"  {a}: {{capacity_per_1000_households: {p['capacity'][a]:.2f}}}" for a in AGENCIES)
    return (f"extends: {os.path.join(HERE, start)}\nname: calibration\n"
            f"simulation: {{warmup_years: {warmup}, years: {years}}}\n"
            f"ladder: {{drop_per_year: {p['drop']:.5f}}}\n"
            f"fragmentation: {{wrong_agency_probability: {p['wrong']:.4f}, "
            f"bounce_trust_loss: {p['bounce_loss']:.4f}, failure_trust_loss: {p['failure_loss']:.4f}}}\n"
            f"domains:\n{domains}\nagencies:\n{agencies}\n")


def steady_state(wijksim, p, start, warmup=25, years=2, replications=4):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(scenario(p, start, warmup, years))
        path = f.name
    try:
        out = subprocess.run([wijksim, "run", path, "-r", str(replications), "--no-store", "--format", "csv"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.remove(path)
    rows = list(csv.DictReader(io.StringIO(out)))

    def get(table, row, column):
        return next(float(r["mean"]) for r in rows if (r["table"], r["row"], r["column"]) == (table, row, column))

    m = {k: get("households", k, "period") for k in
         ["with_problem", "multi_problem", "professionals_0", "professionals_1", "professionals_2",
          "professionals_3plus", "low_trust", "bounced", "rung"]}
    m["wait"] = {a: get("agencies", a, "wait_weeks") for a in AGENCIES}
    return m


def clamp(f, limit):
    return min(1 + limit, max(1 - limit, f))


def update(p, m):
    p["drop"] *= clamp((m["rung"] / 3.76) ** 1.5, 0.08)
    p["incidence"] *= clamp((0.49 / m["with_problem"]) ** 0.6, 0.05)
    p["clustering"] = 1 + (p["clustering"] - 1) * clamp((0.26 / m["multi_problem"]) ** 0.7, 0.05)
    shock = clamp((0.40 / m["low_trust"]) ** 0.7, 0.08)
    p["bounce_loss"] = min(1.0, p["bounce_loss"] * shock)
    p["failure_loss"] = min(1.0, p["failure_loss"] * shock)
    p["wrong"] = min(0.95, p["wrong"] * clamp((0.47 / m["bounced"]) ** 1.0, 0.1))
    p["seek"] *= clamp(((1 - 0.63) / (1 - m["professionals_0"])) ** 0.6, 0.05)
    for a in AGENCIES:
        p["capacity"][a] *= clamp((max(m["wait"][a], 0.5) / TARGET_WAIT) ** 0.05, 0.03)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wijksim", default=os.path.join(HERE, "..", "build", "cli", "wijksim"))
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--start", default="baseline-velve.yaml", help="the scenario whose values to start from")
    args = ap.parse_args()
    # The starting point: the shipped values (read by hand from baseline-velve.yaml; all domains share them).
    p = {"drop": 0.0628, "incidence": 0.0175, "clustering": 1.282, "seek": 2.52, "wrong": 0.301,
         "bounce_loss": 0.135, "failure_loss": 0.169,
         "capacity": {"social_services": 115, "debt_counselling": 29, "housing_corporation": 48,
                      "mental_health": 44, "youth_care": 45, "social_work": 240}}
    for step in range(args.steps):
        m = steady_state(args.wijksim, p, args.start)
        print(f"step {step}: problem {m['with_problem']:.3f} (0.49)  several {m['multi_problem']:.3f} (0.26)  "
              f"professionals {m['professionals_0']:.3f}/{m['professionals_1']:.3f}/{m['professionals_2']:.3f}/"
              f"{m['professionals_3plus']:.3f} (.63/.12/.11/.14)  little trust {m['low_trust']:.3f} (0.40)  "
              f"pillar to post {m['bounced']:.3f} (0.47)  rung {m['rung']:.2f} (3.76)  waits "
              + " ".join(f"{w:.1f}" for w in m["wait"].values()))
        update(p, m)
    print("\nvalues to write into baseline-velve.yaml:")
    print(scenario(p, args.start, 20, 5))


if __name__ == "__main__":
    main()
