// What a policy advisor reads from a scenario's runs: caseload pressure, agencies' queues, the budget per
// payer per year, and household outcomes, first per replication, then over replications.
//
// The figures of one replication are a Measures<double>; over replications each figure becomes a Stat
// (Measures<Stat>). Both are the same template, and `zip` walks two of them field by field, so the
// across-replication summary, the paired difference from a comparator, and any later aggregation (over
// PSA draws) are each one short loop instead of a hand-written list of fields.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/error.h"
#include "wijksim/core/statistics.h"
#include "wijksim/model/params.h"
#include "wijksim/simulation/run_result.h"

namespace wijksim {

// ---- Measures -------------------------------------------------------------------------------------------

// The seeds' survey table and more, at one moment (or as a ratio of sums over a period).
template <class T>
struct ShareMeasures {
  T with_problem{};                  // share of households with at least one active problem
  T multi_problem{};                 // ... with several
  std::array<T, 4> professionals{};  // share with 0, 1, 2, 3+ professionals involved
  T low_trust{};  // of households with help (>= 1 professional): share with little or no trust
  T bounced{};    // of households with help: share sent from pillar to post
  T trust{};      // of households with help: mean trust, 0..1
  T rung{};       // mean rung on the participation ladder, 1..6
};

// Coach caseload pressure over the policy period (NaN when the scenario has no coaches).
template <class T>
struct CoachMeasures {
  T caseload_mean{};  // households per FTE over team-weeks
  T caseload_p95{};
  T caseload_max{};
  T above_norm{};  // share of team-weeks with caseload per FTE above the norm
  T waiting{};     // households on the coaches' waiting list, mean over weeks
  T wait_weeks{};  // mean wait of admitted households: sum of waits / admissions
};

template <class T>
struct AgencyMeasures {
  T waiting{};          // waiting list, mean over weeks
  T wait_weeks{};       // mean wait of admitted cases: sum of waits / admissions
  T utilisation{};      // cases in treatment / capacity (ratio of sums over weeks)
  T referrals{};        // arrivals on the waiting list per year
  T coach_referrals{};  // ... of which referred by a coach
  T intakes{};          // intakes per year
  // Capacity used: places a week (cases in treatment, and duplicate cases at their share of a place), and
  // in FTE (agencies.X.cases_per_fte; NaN without). A difference from the comparator is capacity freed
  // (negative) or used.
  T places_used{};
  T fte_used{};
  T places_funded{};  // capacity: places a week the agency's budget or contract holds (mean over weeks)
};

template <class T>
struct Measures {
  CoachMeasures<T> coaches;
  std::vector<AgencyMeasures<T>> agencies;
  // Nominal euros by (year, payer, category), with an extra index for the totals over each: see
  // BudgetLayout. Discounting (discounting.h) belongs next to this, as a second vector of the same layout.
  std::vector<T> cost;
  ShareMeasures<T> initial;  // the drawn population, before the warm-up
  ShareMeasures<T> start;    // the policy start (end of the warm-up)
  ShareMeasures<T> period;   // over the policy weeks: ratios of sums
  ShareMeasures<T> end;      // the last policy week
  T bounces{};               // per 1,000 households per year
  std::vector<T>
      escalations;   // per escalation type (ScenarioShape::escalation_types), per 1,000 households per year
  T rungs_gained{};  // mean rung at the end minus at the start
  T resolved{};      // problems resolved per year
  T resolved_by_coach{};  // ... of which by a coach
  // Per policy year: household-years without an active problem, per household (at most 1 a year), the
  // effect measure of the economic evaluation.
  std::vector<T> problem_free_years;
  // Per policy year: quality-adjusted household-years per household (economics.utility_by_problems; NaN
  // without weights).
  std::vector<T> quality_adjusted_years;
  // Per calibration target of the scenario (ScenarioShape::targets): the model's figure for it (NaN for a
  // target the model does not represent).
  std::vector<T> targets;
};

// `zip(a, b, f)` calls f(x, y) on every pair of matching figures of a and b, in a fixed order. A vector
// in `a` that is empty is first sized like its match in `b`; otherwise sizes must agree (Error if not).
template <class A, class B, class F>
void zip(A& a, const B& b, F&& f) {
  f(a, b);
}
template <class A, class B, std::size_t N, class F>
void zip(std::array<A, N>& a, const std::array<B, N>& b, F&& f) {
  for (std::size_t i = 0; i < N; ++i) zip(a[i], b[i], f);
}
template <class A, class B, class F>
void zip(std::vector<A>& a, const std::vector<B>& b, F&& f) {
  if (a.empty()) a.resize(b.size());
  if (a.size() != b.size()) throw Error("figures of different shapes cannot be combined");
  for (std::size_t i = 0; i < a.size(); ++i) zip(a[i], b[i], f);
}
template <class A, class B, class F>
void zip(ShareMeasures<A>& a, const ShareMeasures<B>& b, F&& f) {
  zip(a.with_problem, b.with_problem, f);
  zip(a.multi_problem, b.multi_problem, f);
  zip(a.professionals, b.professionals, f);
  zip(a.low_trust, b.low_trust, f);
  zip(a.bounced, b.bounced, f);
  zip(a.trust, b.trust, f);
  zip(a.rung, b.rung, f);
}
template <class A, class B, class F>
void zip(CoachMeasures<A>& a, const CoachMeasures<B>& b, F&& f) {
  zip(a.caseload_mean, b.caseload_mean, f);
  zip(a.caseload_p95, b.caseload_p95, f);
  zip(a.caseload_max, b.caseload_max, f);
  zip(a.above_norm, b.above_norm, f);
  zip(a.waiting, b.waiting, f);
  zip(a.wait_weeks, b.wait_weeks, f);
}
template <class A, class B, class F>
void zip(AgencyMeasures<A>& a, const AgencyMeasures<B>& b, F&& f) {
  zip(a.waiting, b.waiting, f);
  zip(a.wait_weeks, b.wait_weeks, f);
  zip(a.utilisation, b.utilisation, f);
  zip(a.referrals, b.referrals, f);
  zip(a.coach_referrals, b.coach_referrals, f);
  zip(a.intakes, b.intakes, f);
  zip(a.places_used, b.places_used, f);
  zip(a.fte_used, b.fte_used, f);
  zip(a.places_funded, b.places_funded, f);
}
template <class A, class B, class F>
void zip(Measures<A>& a, const Measures<B>& b, F&& f) {
  zip(a.coaches, b.coaches, f);
  zip(a.agencies, b.agencies, f);
  zip(a.cost, b.cost, f);
  zip(a.initial, b.initial, f);
  zip(a.start, b.start, f);
  zip(a.period, b.period, f);
  zip(a.end, b.end, f);
  zip(a.bounces, b.bounces, f);
  zip(a.escalations, b.escalations, f);
  zip(a.rungs_gained, b.rungs_gained, f);
  zip(a.resolved, b.resolved, f);
  zip(a.resolved_by_coach, b.resolved_by_coach, f);
  zip(a.problem_free_years, b.problem_free_years, f);
  zip(a.quality_adjusted_years, b.quality_adjusted_years, f);
  zip(a.targets, b.targets, f);
}

// ---- What the figures are about ------------------------------------------------------------------------

struct Label {
  std::string key;   // stable identifier (CSV, JSON)
  std::string text;  // for people (the table renderer)
};

// Index of the budget figures: years x payers x categories, each with one more index for the total
// over it (year == years: all years; payer == payers: all payers; category == kCostCategories: total).
struct BudgetLayout {
  int years = 0;
  int payers = 0;
  std::size_t size() const {
    return static_cast<std::size_t>(years + 1) * static_cast<std::size_t>(payers + 1) * (kCostCategories + 1);
  }
  std::size_t at(int year, int payer, int category) const {
    return (static_cast<std::size_t>(year) * static_cast<std::size_t>(payers + 1) +
            static_cast<std::size_t>(payer)) *
               (kCostCategories + 1) +
           static_cast<std::size_t>(category);
  }
};

struct ScenarioShape {
  std::string name;
  std::string file;
  int households = 0;
  int weeks = 0;  // policy weeks
  int years = 0;  // policy years (52-week blocks; the last may be partial)
  bool coaches = false;
  double caseload_norm_per_fte = 0;
  std::vector<Label> payers;
  std::vector<Label> agencies;
  // Per agency: whether the coaches' reallocated funding cuts its capacity, so that its cases in treatment
  // can exceed its capacity (utilisation above 1); otherwise they never do.
  std::vector<bool> capacity_cut;
  std::vector<std::string> escalation_types;  // distinct Domain::escalation_event, in domain order
  BudgetLayout budget;
  std::vector<CalibrationTarget> targets;  // the scenario's calibration targets
};

ScenarioShape shape_of(const Scenario& s);

// Figures of this shape, all zero: one entry per agency, budget cell, escalation type and policy year.
Measures<double> sized_measures(const ScenarioShape& shape);

// ---- Per replication, and over replications -----------------------------------------------------------

struct RunMeasures {
  std::uint32_t draw = 0;
  std::uint32_t replication = 0;
  Measures<double> figures;
};

// The figures of one run. The run must be of a scenario with this shape (its policy weeks may differ:
// the shape's weeks are taken from the run).
RunMeasures measure_run(const ScenarioShape& shape, const Scenario& s, const RunResult& r);
RunMeasures measure_run(const Scenario& s, const RunResult& r);

// The range of each figure of a scenario's runs (a count, a wait or euros cannot be negative, a share lies
// in [0, 1], a rung in [1, 6]), which the interval of its mean respects (honest_uncertainty.h). Figures
// not named here (and every paired difference) are unbounded.
Measures<Bounds> figure_bounds(const ScenarioShape& shape);

// Each figure over runs: mean, sd, standard error and its 95% interval, within `bounds` when given.
Measures<Stat> describe_runs(std::span<const RunMeasures> runs, const Measures<Bounds>* bounds = nullptr);

struct ScenarioSummary {
  ScenarioShape shape;
  std::vector<RunMeasures> runs;  // in replication order
  Measures<Stat> stats;
};

ScenarioSummary summarise(const Scenario& s, std::vector<RunMeasures> runs);
ScenarioSummary summarise(const Scenario& s, std::span<const RunResult> results);

// An intervention against its comparator: per-replication differences (intervention - comparator),
// paired by replication, with common random numbers.
struct ComparisonSummary {
  ScenarioShape intervention;
  ScenarioShape comparator;
  std::vector<RunMeasures> differences;
  Measures<Stat> stats;
};

// Throws InputError when the two cannot be paired: different payers, agencies, escalation types,
// households or policy weeks; Error when their runs are not the same replications.
ComparisonSummary compare(const ScenarioSummary& intervention, const ScenarioSummary& comparator);

}  // namespace wijksim
