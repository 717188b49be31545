// Uncertainty stated no stronger than the runs support, in one place: the rules every table follows.
//
//  - Few runs: a probability estimated from fewer than kFewRuns runs (or draws) is shown as a count,
//    "5 of 5 runs", not "100,0%" (the report's words; `few_runs` decides).
//  - Intervals that respect the range of what they describe: a figure that cannot be negative (a count, a
//    wait, a scenario's euros) or must lie in a range (a share in [0, 1], a rung in [1, 6]) gets a 95%
//    interval of its mean that stays inside: the t interval is taken on a transformed scale and mapped
//    back (delta method). Below-bounded: log(x - lo), the interval lo + (m - lo) exp(-/+ t se / (m - lo)).
//    Bounded on both sides: logit((x - lo) / (hi - lo)), the interval of u = (m - lo) / (hi - lo) being
//    expit(logit(u) -/+ t se_u / (u (1 - u))). Unbounded figures (differences) keep mean -/+ t se. Every
//    interval of a scenario's table therefore means one thing: a 95% interval of the mean over runs, on the
//    scale on which the figure is unbounded. The standard error stays sd / sqrt(n) on the figure's scale.
//  - Spread over draws: the 2.5th to 97.5th percentiles of the draws, from kPercentileDraws or more of them.
//    From fewer, 2.5% of the draws is less than one draw, and an interpolated percentile would lie between
//    the two lowest draws: two draws of 0 and -11.77 would give -11.5 to -0.29, an interval that leaves out
//    a draw and so "saves" where one draw saves nothing. Below kPercentileDraws the spread is the lowest to
//    the highest draw, and the tables say so (`spread_of_draws`).
//  - Probabilities over draws: dominance and break-even are said with the share of draws (or runs) in which
//    they hold (economic_evaluation.h: InterventionFigures::quadrant_share, p_broken_even).
//
// References: the delta method for transformed confidence intervals (e.g. Agresti A, Categorical Data
// Analysis, 3rd ed., Wiley 2013, section 16.1); Briggs, Claxton & Sculpher 2006, ch. 8 on reporting PSA.
#pragma once

#include <limits>
#include <span>
#include <vector>

#include "wijksim/core/statistics.h"

namespace wijksim {

// Break-even where the interval says so: the first year (0-based) from which a cumulative difference's 95%
// interval lies below zero in every later year (`year`, -1: none; with one run there is no interval, so
// none), and whether a year before it costs more on average (`outlay`): without one there was nothing to earn
// back, and the option saves from that year on rather than breaking even. A mean below zero alone is not a
// break-even. The tables' words and the report's payback chart both take it from here.
struct BreakEven {
  int year = -1;
  bool outlay = false;
};
BreakEven break_even_of(std::span<const Stat> cumulative);

// Below this many runs (or draws) a probability is shown as "k of n".
inline constexpr int kFewRuns = 20;
inline bool few_runs(int n) {
  return n > 0 && n < kFewRuns;
}
// Below this many, a probability shown as a percentage carries its count and its exact 95% interval too:
// "46,7% (14 of 30 draws; 95%: 28,3 to 65,7%)" (a tenth of a percent from 30 draws claimed a precision they
// do not have; outside attack 23 and a policy advisor's reading). From 100 to 999 too: "96,0%" of 100 draws
// is 90,1 to 98,9% (a policy advisor's reading of a 100-draw PSA). All or none of them carry their bound
// at any number ("100,0%" of 100 draws read as certainty; at least 96,4%).
inline constexpr int kCountShownBelow = 1000;

// `x` to `digits` significant digits (73.63 to 74, 206,164 to 210,000 at two), for a figure that few draws
// know no better (an EVPI from fewer draws than the EVPPI's least); 0, infinities and NaN as they are.
double round_to_significant(double x, int digits);

// From this many draws on, a spread over draws is the 2.5th to 97.5th percentiles; below, the lowest to the
// highest draw.
inline constexpr int kPercentileDraws = 40;

// The spread of `values` (draws, or runs): the 2.5th and 97.5th percentiles (type 7) from kPercentileDraws
// values on, else the lowest and the highest value. No values: NaN.
Interval spread_of_draws(const std::vector<double>& values);

// A figure of a study's runs, arranged by [draw][replication], summarised over the draws: the mean of the
// per-draw means, their sd, the spread over draws (`spread_of_draws`) as its interval, n the draws and se
// sd / sqrt(n). A run where the figure is undefined (NaN: nobody admitted) is left out of its draw's mean,
// and a draw with none left out of the rest. Without draws (one row, of the replications): `describe`, the t
// interval over the replications.
Stat spread_over_draws(const std::vector<std::vector<double>>& by_draw);

// The range a figure can take.
struct Bounds {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool bounded() const {
    return lo > -std::numeric_limits<double>::infinity() || hi < std::numeric_limits<double>::infinity();
  }
};
inline constexpr Bounds kUnbounded{};
inline constexpr Bounds kNonNegative{0, std::numeric_limits<double>::infinity()};
inline constexpr Bounds kUnitInterval{0, 1};

// A paired difference's interval cut to the range the difference can take (`range`: the figure's range less
// the comparator's mean, 13.3): an end past it is moved to it, never past the mean, and marked in `cut`. An
// interval of no width (the same difference in every pair) is left as it is.
void cut_to_range(Stat& s, const Bounds& range);

// describe(values) (mean, sd, se, t interval) with the interval taken on the scale on which `bounds` are
// removed (see above), so it never leaves them. NaN values are left out, as in describe. Should a value lie
// outside the bounds (they were wrong for this figure), the plain t interval is kept.
Stat describe_within(std::span<const double> values, const Bounds& bounds);

// The interval of a mean m with standard error se and t quantile t, mapped through the transformation that
// removes `bounds`; `cut`, when given, is set to the ends (kCutLow, kCutHigh) set at a bound because the
// plain interval, taken where the transformed one would run away, passed it. Exposed for tests.
Interval bounded_interval(double m, double se, double t, const Bounds& bounds, std::uint8_t* cut = nullptr);

}  // namespace wijksim
