// Cost-effectiveness: ICERs with their quadrant, net monetary benefit, the efficiency frontier, and the
// summaries of a probabilistic sensitivity analysis (PSA) over parameter draws.
//
// Costs are in euros and effects in whatever unit the caller measures (problem-free household-years,
// rungs gained, QALYs). Everywhere cost comes before effect in argument lists, and an increment is
// "option minus comparator".
//
// References:
//  - Drummond MF, Sculpher MJ, Claxton K, Stoddart GL, Torrance GW. Methods for the Economic Evaluation of
//    Health Care Programmes, 4th ed. Oxford University Press, 2015 (cost-effectiveness plane, dominance,
//    extended dominance, net benefit).
//  - Briggs A, Claxton K, Sculpher M. Decision Modelling for Health Economic Evaluation. Oxford University
//    Press, 2006, ch. 7-8 (acceptability curves, expected value of perfect information).
//  - Fenwick E, Claxton K, Sculpher M. Representing uncertainty: the role of cost-effectiveness
//    acceptability curves. Health Economics 2001;10:779-787 (acceptability frontier).
//  - dampack (DARTH workgroup), R function calculate_icers: the conventions of efficiency_frontier.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "wijksim/core/statistics.h"

namespace wijksim {

// Where an increment (delta cost, delta effect) lies on the cost-effectiveness plane, with effect on the
// horizontal axis and cost on the vertical one (Drummond et al.).
enum class Quadrant {
  NE,      // more costly, more effective: a trade-off, judged by the ICER against willingness to pay
  SE,      // no more costly, no less effective, and better in at least one: dominant
  NW,      // no less costly, no more effective, and worse in at least one: dominated
  SW,      // cheaper, less effective: a trade-off, acceptable when the saving per unit forgone exceeds WTP
  Origin,  // no difference in either
};
const char* to_string(Quadrant q);  // "NE", "SE", "NW", "SW", "origin"

// An incremental cost-effectiveness ratio together with what it means.
struct Icer {
  double delta_cost = 0;
  double delta_effect = 0;
  Quadrant quadrant = Quadrant::Origin;
  // delta_cost / delta_effect in NE and SW, where a ratio means something (in SW it is the saving per unit
  // of effect forgone); NaN in SE, NW and at the origin, where a ratio would mislead.
  double value = 0;
  bool has_ratio() const { return quadrant == Quadrant::NE || quadrant == Quadrant::SW; }
};

// ICER of an option against its comparator (its words are the report's: report/economic_text.h).
Icer icer(double delta_cost, double delta_effect);

// Net monetary benefit: wtp * effect - cost (Stinnett & Mullahy 1998; Drummond et al.).
double nmb(double cost, double effect, double wtp);
// Incremental NMB of an option over its comparator: wtp * delta_effect - delta_cost. Positive means the
// option is worth its extra cost at that willingness to pay.
double incremental_nmb(double delta_cost, double delta_effect, double wtp);

// ---- Efficiency frontier over n options (dampack calculate_icers conventions) ----
//
// Options are sorted by cost, ties by effect descending. An option is (strongly) dominated when a cheaper
// or equally costly option has at least its effect (so of two identical options the later one is
// dominated). Among the rest, successive ICERs are computed; an option whose ICER exceeds the next one's
// is extendedly dominated (a mix of its neighbours does better) and is removed, repeatedly, until the
// ICERs increase along the frontier.
enum class FrontierStatus { Frontier, Dominated, ExtendedlyDominated };
const char* to_string(FrontierStatus s);  // "frontier", "dominated", "extendedly dominated"

struct FrontierOption {
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  FrontierStatus status = FrontierStatus::Frontier;
  // For frontier options other than the cheapest: the increment over the next cheaper frontier option
  // (`previous`) and its ICER. NaN (and previous == npos) for the cheapest frontier option and for
  // options off the frontier.
  std::size_t previous = npos;
  double delta_cost = std::numeric_limits<double>::quiet_NaN();
  double delta_effect = std::numeric_limits<double>::quiet_NaN();
  double icer = std::numeric_limits<double>::quiet_NaN();
};

struct Frontier {
  std::vector<FrontierOption> options;  // one per input option, in input order
  std::vector<std::size_t> order;       // indices of the frontier options, cheapest first
};

// Throws wijksim::Error when the vectors differ in length or hold a non-finite number.
Frontier efficiency_frontier(const std::vector<double>& costs, const std::vector<double>& effects);

// ---- Probabilistic sensitivity analysis ----
//
// A DrawMatrix holds one row per parameter draw and one column per option: m[draw][option]. The PSA
// functions throw wijksim::Error when a matrix is empty or ragged, costs and effects differ in shape, or a
// value is not finite.
using DrawMatrix = std::vector<std::vector<double>>;

// `points` willingness-to-pay values evenly spaced from `from` to `to` inclusive (points >= 2).
std::vector<double> wtp_grid(double from, double to, std::size_t points);

// Adds to an ascending `grid` each frontier option's ICER over the next cheaper one, rounded to whole euros,
// that lies strictly inside it and is not within half a euro of a point already there: the willingnesses to
// pay at which the option with the highest expected net benefit changes. The grid stays ascending.
void add_frontier_icers(std::vector<double>& grid, const Frontier& frontier);

// Column means: the expected cost (or effect) of each option over the draws.
std::vector<double> column_means(const DrawMatrix& m);

// Cost-effectiveness acceptability curves: for each WTP, the share of draws in which each option has the
// highest NMB. Options tied for the highest NMB in a draw share that draw equally, so each row sums to 1.
struct AcceptabilityCurves {
  std::vector<double> wtp;
  std::vector<std::vector<double>> probability;  // probability[wtp index][option]
};
// The share of draws in which each option has the highest net monetary benefit, each draw at its own
// willingness to pay (`wtp_by_draw`, one per row), ties shared equally among the options that reach it: one
// point of the acceptability curves (ceac), or, with a willingness to pay drawn per draw, the decision's.
std::vector<double> probability_best(const DrawMatrix& costs, const DrawMatrix& effects,
                                     const std::vector<double>& wtp_by_draw);
AcceptabilityCurves ceac(const DrawMatrix& costs, const DrawMatrix& effects, const std::vector<double>& wtp);

// Cost-effectiveness acceptability frontier (Fenwick et al. 2001): at each WTP the option a risk-neutral
// decision maker chooses, the one with the highest expected NMB (the lowest index on a tie), and the
// probability that it is in fact optimal. That probability can be below another option's: the frontier
// follows the mean, not the majority.
struct AcceptabilityFrontierPoint {
  double wtp = 0;
  std::size_t option = 0;
  double expected_nmb = 0;
  double probability_optimal = 0;
};
std::vector<AcceptabilityFrontierPoint> ceaf(const DrawMatrix& costs, const DrawMatrix& effects,
                                             const std::vector<double>& wtp);

// Expected value of perfect information per decision (per household, if effects and costs are per
// household), at each WTP: E_draws[max_option NMB] - max_option E_draws[NMB] (Briggs et al. 2006, ch. 7).
// Never negative. Multiply by the number of decisions affected for a population EVPI.
std::vector<double> evpi(const DrawMatrix& costs, const DrawMatrix& effects, const std::vector<double>& wtp);

// Share of draws in which `option` costs less than `reference` (incremental cost strictly below zero).
double probability_cost_saving(const DrawMatrix& costs, std::size_t option, std::size_t reference);

}  // namespace wijksim
