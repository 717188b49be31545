// Deterministic sensitivity analysis of a decision, as numbers: one-way (a tornado), two-way (a grid),
// thresholds (the value of one parameter at which the decision changes or a target is met) and planning
// curves (an outcome along a range of one parameter).
//
// It is generic in two ways, so new parameters and outcomes plug in:
//  - parameters are key paths of the scenarios ("coaches.fte"); the caller (study/sensitivity_study.h)
//    turns a setting of them into simulated runs through a `Simulate` function;
//  - outcomes are functions of one replication of an intervention and its comparator (`Outcome`), averaged
//    over the replications. standard_outcomes() lists the ones a decision reports: incremental net monetary
//    benefit per household, incremental cost and effect, each payer's budget difference, and the coaches'
//    wait and caseload.
//
// Every setting is simulated with common random numbers: the base case's seed and replications, parameter
// draw 0, so a swing is the parameter's effect, not the households' luck.
//
// References: Briggs AH, Weinstein MC, Fenwick EAL et al. Model parameter estimation and uncertainty
// analysis: ISPOR-SMDM Modeling Good Research Practices Task Force-6. Med Decis Making 2012;32:722-732
// (one-way, two-way, threshold analysis; tornado diagrams).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/analysis/economic_evaluation.h"
#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/analysis/summary.h"

namespace wijksim {

// ---- Outcomes ----

enum class OutcomeUnit { EuroPerHousehold, Euro, Years, Weeks, PerFte, Places };

// An outcome of an intervention against its comparator in one replication (or of the intervention alone,
// e.g. its coaches' wait): NaN where it is undefined in that replication (no household waited).
struct Outcome {
  Label label;  // key ("inmb", "delta_cost", "budget:municipality", "coach_wait") and words
  OutcomeUnit unit = OutcomeUnit::Euro;
  std::function<double(const Measures<double>& intervention, const Measures<double>& comparator,
                       const DecisionFigures& figures)>
      of;
  // The range it can take: its interval over replications stays inside, as a scenario table's does for the
  // same figure (honest_uncertainty.h; the sweep's caseload gave 2,8 to 20,5 where compare gave 5,4 to 24,9).
  Bounds bounds = kUnbounded;
};

// The outcomes a decision's sensitivity analysis reports, the first being the one a tornado is sorted by:
// incremental net monetary benefit per household at the willingness to pay, incremental cost and effect per
// household, each payer's discounted budget difference over the policy years (euros, whole population), and,
// where the decision has coaches, the intervention's mean wait for a coach and caseload per FTE.
std::vector<Outcome> standard_outcomes(const ScenarioShape& shape, bool coaches);
// Where the intervention's coaches are paid by cutting agencies' places (reallocated funding: the shape's
// capacity_cut), each cut agency's places funded and the wait of those it admits, against the comparator
// (keys "places_funded:AGENCY" and "agency_wait:AGENCY"); empty otherwise. A planning curve of the coaches'
// FTE shows its cost flat under such funding: these rows show what pays for it.
std::vector<Outcome> capacity_outcomes(const ScenarioShape& intervention);
// The outcome with key `key`, or nullptr.
const Outcome* find_outcome(const std::vector<Outcome>& outcomes, const std::string& key);

// The runs of a decision at one setting: [option][replication] (option 0 the comparator). An option that
// was not simulated for this setting is empty. `economics`: the comparator's at this setting when the setting
// changes them (a willingness to pay or a discount rate); the outcomes then use these.
struct DecisionRuns {
  std::vector<std::vector<RunMeasures>> options;
  std::optional<Economics> economics;
};

// The outcome of option `option` at a setting: the mean over replications (NaN ones left out) and the value
// of each replication.
double outcome_mean(const Outcome& o, const DecisionRuns& runs, std::size_t option, const DecisionFigures& f);
std::vector<double> outcome_values(const Outcome& o, const DecisionRuns& runs, std::size_t option,
                                   const DecisionFigures& f);

// ---- Settings and their simulation ----

// A parameter set for a sensitivity run: to a value, or to a quantile of each scenario's own distribution
// of it (one-way analysis: a scenario that gives the key as a plain number keeps it).
struct Assignment {
  std::string key;
  double value = 0;
  bool quantile = false;  // `value` is a probability: each scenario's own distribution's quantile
};

struct Setting {
  std::vector<Assignment> assignments;
  // Options to simulate (indices into the decision, 0 the comparator); empty: all. Options left out
  // come back empty.
  std::vector<std::size_t> options;
  int replication = -1;  // -1: every replication of the base case; k: only its k-th (slot)
};

// Simulates settings of one decision, with common random numbers (the base case's seed, draw 0); the
// study layer provides it. Returns one DecisionRuns per setting, in order.
using Simulate = std::function<std::vector<DecisionRuns>(const std::vector<Setting>&)>;

// ---- One-way: the tornado ----

struct TornadoBar {
  std::string parameter;                 // key path
  double low_value = 0, high_value = 0;  // the parameter at its 2.5th and 97.5th percentiles
  bool given = false;                    // at the ends of a range the command line gave instead
  // Whether the base case's value of the parameter lies between the two ends (a range given on the command
  // line may leave it outside): only then is an outcome moving one way across the range the expectation.
  bool base_between = true;
  std::vector<double> low, high;         // per outcome: its value at each end
  double swing = 0;                      // of the first outcome: max - min of low, high and base
};

struct Tornado {
  std::size_t option = 0;        // the intervention (index into the decision)
  std::vector<double> base;      // per outcome, every parameter at its mean
  std::vector<TornadoBar> bars;  // largest swing of the first outcome first
};

// The swing of a bar in outcome `k`: the range of {low, high, base}. sort_by_swing sorts by the first
// outcome's swing, largest first (ties in parameter order).
double swing(const TornadoBar& bar, double base, std::size_t k);
void sort_by_swing(std::vector<TornadoBar>& bars, double base);

// A parameter of a one-way analysis: its key and the values of its 2.5th and 97.5th percentiles (for the
// table; each scenario is set to its own distribution's percentiles).
struct OneWayParameter {
  std::string key;
  double low_value = 0, high_value = 0;
  // true: each scenario at its own distribution's 2.5th and 97.5th percentiles; false: every scenario that
  // has the parameter at low_value and high_value (a range the command line gives).
  bool by_quantile = true;
  bool base_between = true;  // the base case's value lies strictly between the ends (TornadoBar)
  // The options whose scenario gives the parameter (0 the comparator); empty: all. An intervention's tornado
  // has a bar for it when the intervention or the comparator gives it.
  std::vector<std::size_t> options;
};

// One tornado per intervention (options 1 .. options - 1): the base case and each parameter at its two
// percentiles, every option simulated at every setting (2 settings per parameter, in one batch).
std::vector<Tornado> one_way(const std::vector<OneWayParameter>& parameters, std::size_t options,
                             const std::vector<Outcome>& outcomes, const DecisionFigures& figures,
                             const Simulate& simulate);

// ---- Two-way: a grid ----

struct TwoWayCell {
  double x = 0, y = 0;
  std::vector<double> inmb;        // per option (0 for the comparator): net benefit over the comparator
  std::vector<double> delta_cost;  // per option (0 for the comparator): incremental cost per household
  std::size_t preferred = 0;       // the option with the highest expected net benefit (lowest index on a tie)
};

struct TwoWay {
  std::string x_parameter, y_parameter;
  std::vector<double> xs, ys;
  std::vector<TwoWayCell> cells;  // y-major: cells[j * xs.size() + i] is (xs[i], ys[j])
};

// The option a risk-neutral decision maker prefers: highest net benefit over the comparator (whose own is 0),
// the lowest index on a tie.
std::size_t preferred_option(const std::vector<double>& inmb);

// The grid xs x ys of two parameters (values, set in every scenario of the decision that has them), every
// option simulated in every cell (one batch). `inmb` and `delta_cost` are the outcomes of those keys.
TwoWay two_way(const std::string& x_parameter, const std::vector<double>& xs, const std::string& y_parameter,
               const std::vector<double>& ys, std::size_t options, const Outcome& inmb,
               const Outcome& delta_cost, const DecisionFigures& figures, const Simulate& simulate);

// ---- Thresholds and planning curves ----

// Where a piecewise-linear curve through (xs, ys) crosses `target`: the brackets [x_k, x_k+1] with y - target
// changing sign (or touching zero at x_k), in order. NaN points are skipped.
std::vector<std::pair<double, double>> crossings(const std::vector<double>& xs, const std::vector<double>& ys,
                                                 double target);

// Bisection of f(x) = target on [lo, hi], where f(lo) - target and f(hi) - target differ in sign, to a
// bracket no wider than `tolerance`; the root is then interpolated linearly inside the last bracket. The
// evaluations are handed to `f` one at a time. Returns NaN when the ends do not bracket the target.
struct Bisection {
  double root = 0;
  double lo = 0, hi = 0;  // the final bracket
  int evaluations = 0;
};
Bisection bisect(const std::function<double(double)>& f, double lo, double hi, double target,
                 double tolerance, int max_evaluations = 60);

struct ThresholdSpec {
  std::size_t option = 1;   // the intervention whose outcome is solved for
  std::string parameter;    // key path, set in the comparator and that intervention (where they have it)
  double from = 0, to = 0;  // the range searched
  std::string outcome;      // an Outcome key
  double target = 0;        // e.g. 0 for net benefit, 6 for a wait of 6 weeks
  // A whole-number parameter (weeks, counts): the grid and the bisection's midpoints are whole numbers, the
  // values simulated, and the search ends at two neighbours; the threshold is interpolated between them.
  bool whole = false;
};

enum class ThresholdStatus { Found, NotCrossed, Undefined };

struct Threshold {
  ThresholdSpec spec;
  ThresholdStatus status = ThresholdStatus::Undefined;
  std::vector<double> grid_x, grid_mean;  // the planning curve the search started from
  double value = kNaN;                    // where the mean over replications crosses the target
  int crossings = 0;                      // sign changes of the mean on the grid (> 1: not monotone)
  bool rising = false;                    // the outcome grows with the parameter at the crossing
  // Each replication's own crossing (NaN where it has none in the range) and their summary: the
  // threshold's uncertainty from the households' luck.
  std::vector<double> per_replication;
  Stat over_replications;
  int evaluations = 0;  // settings simulated
};

// Solves a threshold: a grid of `grid` points over [from, to] (all replications), the first crossing of
// the mean from the low end refined by bisection to `tolerance` x (to - from), then each replication's own
// first crossing refined the same way (the replications' bisections step together, one batch per step).
// Crossings beyond the first (noise, or an outcome that turns) are counted, not refined.
Threshold solve_threshold(const ThresholdSpec& spec, const Outcome& outcome, const DecisionFigures& figures,
                          const Simulate& simulate, int replications, int grid = 5, double tolerance = 0.01);

// A planning curve: the outcomes of option `option` at each value of `parameter` (set in the comparator and
// that option where they have it), the mean over replications and its interval.
struct SweepPoint {
  double x = 0;
  std::vector<Stat> outcomes;  // per outcome
};
std::vector<SweepPoint> sweep(std::size_t option, const std::string& parameter, const std::vector<double>& xs,
                              const std::vector<Outcome>& outcomes, const DecisionFigures& figures,
                              const Simulate& simulate);

// `n` values evenly spaced from `from` to `to` inclusive (n >= 2; n == 1: `from`).
std::vector<double> linspace(double from, double to, int n);

}  // namespace wijksim
