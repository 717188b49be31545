"""Reading a wijksim scenario file the way docs/model.md section 4 says, for the numpy reference.

Only what the baseline needs is turned into arrays (population, domains, agencies, fragmentation, ladder,
payers, simulation); `coaches` is read only to refuse a scenario that enables them (the numpy reference
simulates the baseline without coaches).
"""
import copy
import math
import os

import numpy as np
import yaml

# Keys that hold a path relative to the file that names them (section 4.8), also when inherited.
RELATIVE_PATH_KEYS = ("targets", "parameter_sets", "comparator")

# Giving one of these removes an inherited other (section 4.8).
EXCLUSIVE_KEYS = {
    "capacity": "capacity_per_1000_households",
    "capacity_per_1000_households": "capacity",
}

# Inside a distribution, one parameterisation replaces the other (section 4.8).
DIST_PARAMETERISATIONS = [
    {"mean", "sd"},
    {"shape", "scale"},
    {"alpha", "beta"},
    {"meanlog", "sdlog"},
]

COST_CATEGORIES = ["coach", "capacity", "intake", "treatment", "escalation", "transfer"]


def _is_dist(x):
    return isinstance(x, dict) and "dist" in x


def _merge(base, over):
    """Merges `over` onto `base` (both resolved trees) as section 4.8 says; returns a new tree."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:  # an empty value removes the key
            out.pop(key, None)
            continue
        if key in EXCLUSIVE_KEYS:
            out.pop(EXCLUSIVE_KEYS[key], None)
        old = out.get(key)
        if isinstance(value, dict) and not _is_dist(value) and isinstance(old, dict):
            if _is_dist(old):
                # A distribution given new parameters: the other parameterisations' keys go.
                for group in DIST_PARAMETERISATIONS:
                    if group & set(value):
                        for k in [k for k in out[key] if k in _all_dist_keys() - group]:
                            out[key].pop(k)
                out[key].update(copy.deepcopy(value))
            else:
                out[key] = _merge(old, value)
        else:  # lists, scalars and distributions replace
            out[key] = copy.deepcopy(value)
    return out


def _all_dist_keys():
    return set().union(*DIST_PARAMETERISATIONS)


def resolve_file(path, _seen=()):
    """The resolved tree of a scenario file: its `extends` parents merged left to right, then itself."""
    path = os.path.abspath(path)
    if path in _seen:
        raise ValueError(f"{path}: extends makes a cycle")
    with open(path) as f:
        tree = yaml.safe_load(f) or {}
    here = os.path.dirname(path)
    for key in RELATIVE_PATH_KEYS:
        if isinstance(tree.get(key), str):
            tree[key] = os.path.normpath(os.path.join(here, tree[key]))
    parents = tree.pop("extends", None)
    if parents is None:
        return tree
    if isinstance(parents, str):
        parents = [parents]
    resolved = {}
    for parent in parents:
        resolved = _merge(resolved, resolve_file(os.path.join(here, parent), _seen + (path,)))
    return _merge(resolved, tree)


def base_value(x):
    """The base case's value of a number or a distribution: its mean (section 15.2-15.3)."""
    if not isinstance(x, dict):
        return x
    dist = x["dist"]
    if dist == "fixed":
        return x["value"]
    if dist == "uniform":
        return (x["min"] + x["max"]) / 2
    if dist == "triangular":
        return (x["min"] + x["mode"] + x["max"]) / 3
    if dist == "normal":
        return x["mean"]
    if dist == "lognormal":
        if "mean" in x:
            return x["mean"]
        return math.exp(x["meanlog"] + x["sdlog"] ** 2 / 2)
    if dist == "gamma":
        return x["mean"] if "mean" in x else x["shape"] * x["scale"]
    if dist == "beta":
        return x["mean"] if "mean" in x else x["alpha"] / (x["alpha"] + x["beta"])
    if dist == "dirichlet":
        alpha = np.asarray(x["alpha"], dtype=float)
        return list(alpha / alpha.sum())
    raise ValueError(f"unknown distribution {dist}")


def _num(x):
    return float(base_value(x))


def _shares(x):
    x = base_value(x)
    return [float(base_value(v)) for v in x]


def round_half_away(x):
    """round(x) of section 1: half away from zero (numpy's round is half to even)."""
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def cents(euros):
    return int(round_half_away(euros * 100))


def wp(rate_per_year):
    """Section 4.1: a yearly hazard rate as a weekly probability."""
    return -np.expm1(-np.asarray(rate_per_year, dtype=float) / 52.0)


def end_probability(mean_weeks):
    """Section 4.2: a mean duration as the weekly end probability."""
    return 1.0 / mean_weeks if mean_weeks > 1 else 1.0


class Scenario:
    """The base case of a scenario in the model's weekly units (section 4)."""

    def __init__(self, path):
        t = resolve_file(path)
        self.path = path
        self.name = t.get("name", os.path.basename(path))
        coaches = t.get("coaches") or {}
        self.coaches_enabled = bool(coaches.get("enabled", False))

        sim = t["simulation"]
        self.years = int(sim["years"])
        self.warmup_years = int(sim["warmup_years"])
        self.replications = int(sim.get("replications", 1))
        self.seed = int(sim.get("seed", 0))

        self._population(t["population"])
        self.payers = list(t["payers"].keys())
        self._domains(t["domains"])
        self._agencies(t["agencies"])
        self._fragmentation(t["fragmentation"])
        lad = t["ladder"]
        self.climb_per_year = _num(lad["climb_per_year"])
        self.climb_factor_per_problem = _num(lad["climb_factor_per_problem"])
        self.drop_per_year = _num(lad["drop_per_year"])
        self.drop_per_year_per_problem = _num(lad["drop_per_year_per_problem"])
        self.escalation_drop_probability = _num(lad["escalation_drop_probability"])
        ag = t["agencies"]
        self.presence = np.array([_num(ag[a].get("presence", 1.0)) for a in self.agencies])
        self.cooperation = np.array([_num(ag[a].get("cooperation", 1.0)) for a in self.agencies])
        self.reallocation_share = np.array([_num(ag[a].get("reallocation_share", 0.0)) for a in self.agencies])
        if self.coaches_enabled:
            self._coaches(coaches, t["population"])

    def _coaches(self, c, pop):
        """Section 11 (and 4.5, 4.9): the coach settings of the base case."""
        N, K = self.households, len(self.neighbourhoods)
        if pop.get("neighbourhoods"):
            self.teams = K
            self.team_of = np.repeat(np.arange(K), self.neighbourhood_households)
        else:
            self.teams = int(c["teams"])
            self.team_of = (np.arange(N) * self.teams) // N  # 11.1: floor(i T / N)
        T = self.teams
        self.team_households = np.bincount(self.team_of, minlength=T)
        sched = c.get("schedule")
        if sched:
            self.schedule = [(int(x["year"]), int(x["teams"]), float(_num(x["fte"]))) for x in sched]
        else:
            self.schedule = [(0, T, float(_num(c["fte"])))]
        self.norm = _num(c["caseload_norm_per_fte"])
        self.cap_per_fte = _num(c["caseload_cap_per_fte"])
        self.cost_per_fte_year_cents = cents(_num(c["cost_per_fte_year"]))
        self.coach_funding = c["funding"]
        if self.coach_funding == "additional":
            self.funding_payer = self.payers.index(c["funding_payer"])
        self.notice = np.array([_num(c["notice_per_week"][d]) for d in self.domains])
        self.solve = np.array([_num(c["solve_per_week"][d]) for d in self.domains])
        self.competence_spread = _num(c["competence_spread"])
        self.outreach_per_year = _num(c["outreach_per_year"])
        self.self_referral_per_year = _num(c["self_referral_per_year"])
        self.mandate_probability = _num(c["mandate_probability"])
        self.privacy_probability = _num(c["privacy_probability"])
        self.privacy_delay_weeks = int(round_half_away(_num(c["privacy_delay_weeks"])))
        self.coordination = _num(c["coordination"])
        self.coordination_success_gain = _num(c["coordination_success_gain"])
        self.going_native_probability = _num(c["going_native_probability"])
        self.activation_per_year = _num(c["activation_per_year"])
        self.overload_slope = _num(c["overload_slope"])
        self.min_effectiveness = _num(c["min_effectiveness"])
        self.close_after_quiet_weeks = int(round_half_away(_num(c["close_after_quiet_weeks"])))
        self.max_weeks = int(round_half_away(_num(c["max_weeks"])))
        self.relapse_factor = _num(c["relapse_factor"])
        self.relapse_weeks = int(round_half_away(_num(c["relapse_weeks"])))
        self.trust_gain_per_year = _num(c["trust_gain_per_year"])
        self.new_cases_per_fte_week = _num(c.get("new_cases_per_fte_week", 0.0))

    def _population(self, pop):
        self.problem_count_shares = _shares(pop["problem_count_shares"])
        self.professionals_given_problems = [_shares(row) for row in pop["professionals_given_problems"]]
        self.rung_shares = _shares(pop["rung_shares"])
        trust = pop["trust"]
        self.recovery = min(1.0, max(0.0, _num(trust["recovery_per_year"])))
        hoods = pop.get("neighbourhoods")
        if not hoods:
            hoods = {"all": {"households": int(pop["households"])}}
        self.neighbourhoods = list(hoods.keys())
        self.neighbourhood_households = np.array([int(h["households"]) for h in hoods.values()])
        self.households = int(self.neighbourhood_households.sum())
        if "households" in pop and int(pop["households"]) != self.households:
            raise SystemExit("population.households is not the sum of the neighbourhoods")
        K = len(self.neighbourhoods)
        # Each neighbourhood's own values, the population's where it gives none (section 6).
        self.incidence_factor = np.array([_num(h.get("incidence_factor", 1.0)) for h in hoods.values()])
        self.hood_rung_shares = np.array([_shares(h.get("rung_shares", self.rung_shares)) for h in hoods.values()])
        rows = len(self.professionals_given_problems)
        counts = np.zeros((K, rows))
        for k, h in enumerate(hoods.values()):
            s = _shares(h.get("problem_count_shares", self.problem_count_shares))
            counts[k, : len(s)] = s
        self.hood_problem_count_shares = counts
        self.trust_mean = np.array([_num((h.get("trust") or {}).get("mean", trust["mean"])) for h in hoods.values()])
        self.trust_sd = np.array([_num((h.get("trust") or {}).get("sd", trust["sd"])) for h in hoods.values()])
        # The usual level each neighbourhood's trust returns to (4.6), not rounded.
        self.usual_trust = np.clip(self.trust_mean, 0, 1) * 255.0

    def _domains(self, domains):
        self.domains = list(domains.keys())
        D = len(self.domains)
        g = lambda key: np.array([_num(domains[d][key]) for d in self.domains])  # noqa: E731
        self.incidence_per_year = g("incidence_per_year")
        self.rung_factor = g("rung_factor")
        self.clustering_factor = g("clustering_factor")
        self.resolution_per_year = g("resolution_per_year")
        self.complex_share = g("complex_share")
        self.seek_help_per_year = g("seek_help_per_year")
        self.escalation_per_year = g("escalation_per_year")
        self.escalation_growth_per_year = g("escalation_growth_per_year")
        self.escalation_event = [domains[d]["escalation"]["event"] for d in self.domains]
        self.escalation_cost_cents = np.array([cents(_num(domains[d]["escalation"]["cost"])) for d in self.domains])
        self.escalation_payer = np.array([self.payers.index(domains[d]["escalation"]["payer"]) for d in self.domains])
        self.spell_domain = -1
        for i, d in enumerate(self.domains):
            spell = domains[d]["escalation"].get("spell")
            if spell:
                self.spell_domain = i
                self.spell_exit_per_year = _num(spell["exit_per_year"])
                # Section 4.3: a spell-week's cents, rounded from the yearly cents.
                self.spell_cost_per_week = int(round_half_away(cents(_num(spell["cost_per_year"])) / 52))
                self.spell_transfer_per_week = int(round_half_away(cents(_num(spell["transfer_per_year"])) / 52))
        assert D >= 1

    def _agencies(self, agencies):
        self.agencies = list(agencies.keys())
        A = len(self.agencies)
        D = len(self.domains)
        N = self.households
        self.serves = np.zeros((A, D), dtype=bool)
        self.capacity = np.zeros(A, dtype=np.int64)
        self.intake_cost_cents = np.zeros(A, dtype=np.int64)
        self.intake_weeks = np.zeros(A, dtype=np.int64)
        self.case_week_cents = np.zeros(A, dtype=np.int64)
        self.treatment_end = np.zeros(A)
        self.success_probability = np.zeros(A)
        self.agency_payer = np.zeros(A, dtype=np.int64)
        self.activity_funded = np.zeros(A, dtype=bool)
        self.cases_per_fte = np.zeros(A)
        for a, name in enumerate(self.agencies):
            ag = agencies[name]
            for d in ag["domains"]:
                self.serves[a, self.domains.index(d)] = True
            if "capacity" in ag:
                self.capacity[a] = int(round_half_away(_num(ag["capacity"])))
            else:  # section 4.4
                self.capacity[a] = max(1, int(round_half_away(_num(ag["capacity_per_1000_households"]) * N / 1000)))
            self.intake_cost_cents[a] = cents(_num(ag["intake_cost"]))
            self.intake_weeks[a] = int(round_half_away(_num(ag["intake_weeks"])))
            self.case_week_cents[a] = cents(_num(ag["cost_per_case_week"]))
            self.treatment_end[a] = end_probability(_num(ag["treatment_weeks"]))
            self.success_probability[a] = _num(ag["success_probability"])
            self.agency_payer[a] = self.payers.index(ag["payer"])
            self.activity_funded[a] = ag.get("funding", "capacity") == "activity"
            self.cases_per_fte[a] = _num(ag.get("cases_per_fte", 0))
        if not self.serves.any(axis=0).all():
            raise SystemExit("every domain must be served by at least one agency")

    def _fragmentation(self, fr):
        self.wrong_agency_probability = _num(fr["wrong_agency_probability"])
        self.max_bounces = int(round_half_away(_num(fr["max_bounces"])))
        self.bounce_weeks = int(round_half_away(_num(fr["bounce_weeks"])))
        self.search_weeks = int(round_half_away(_num(fr["search_weeks"])))
        # Trust changes in whole 1/255 steps (4.6, 10.2).
        self.bounce_trust_change = -int(round_half_away(255 * _num(fr["bounce_trust_loss"])))
        self.seek_trust_floor = _num(fr["seek_trust_floor"])
        self.duplicate_probability = _num(fr["duplicate_probability"])
        self.duplicate_cost_share = _num(fr["duplicate_cost_share"])
        self.success_loss_per_extra_professional = _num(fr["success_loss_per_extra_professional"])
        self.success_trust_change = int(round_half_away(255 * _num(fr["success_trust_gain"])))
        self.failure_trust_change = -int(round_half_away(255 * _num(fr["failure_trust_loss"])))
        self.escalation_in_treatment_factor = _num(fr["escalation_in_treatment_factor"])
        # Section 4.3: the duplicate case-week cost.
        self.duplicate_week_cents = np.array(
            [int(round_half_away(c * self.duplicate_cost_share)) for c in self.case_week_cents]
        )
