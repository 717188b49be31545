// The economic evaluation of compared scenarios, as numbers: budget impact per payer (nominal and
// discounted, cumulative, the break-even year, who pays and who saves) and cost-effectiveness (incremental
// cost per problem-free household-year, ICER with its quadrant, net monetary benefit, the efficiency
// frontier, acceptability curves and frontier, probability of saving money, expected value of perfect
// information). The report layer turns these numbers into tables (report/economic_tables.h).
//
// Figures are per household and discounted (the comparator's economics: the Dutch guideline's 3% for costs
// and 1.5% for effects by default), from the policy start (year 1 undiscounted). Over a probabilistic
// sensitivity analysis each figure is the mean over parameter draws with a 95% percentile interval over
// draws; its Monte Carlo standard error is sd / sqrt(draws). Without draws the interval is over
// replications.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "wijksim/analysis/cost_effectiveness.h"
#include "wijksim/analysis/summary.h"
#include "wijksim/model/params.h"

namespace wijksim {

// One decision to evaluate: a comparator and the interventions compared with it (same population).
struct DecisionInput {
  std::size_t comparator = 0;        // the caller's index of the comparator (a study's scenario index)
  std::vector<std::size_t> options;  // the caller's indices: comparator first, then its interventions
  std::vector<std::string> names;    // parallel to options
  std::vector<const ScenarioSummary*> summaries;  // parallel to options; runs stored draw by draw
  std::vector<bool> utilities;  // parallel to options: the scenario gives economics.utility_by_problems
  Economics economics;          // the comparator's (base case)
  std::size_t draws = 1;        // parameter draws, or 1: the base case (parameter_draws false)
  // The runs are parameter draws (`--draws N`, N >= 1), not the base case: with one draw both are one set
  // of runs, but only the base case has the scenarios' own values (outside attack 13: --draws 1 was said
  // to be the base case, and the base case "the one parameter draw").
  bool parameter_draws = false;
  // The comparator's economics in each draw (a willingness to pay or discount rate given as a distribution
  // is used per draw); empty: `economics` in every draw.
  std::vector<Economics> economics_by_draw;
};

// The figures of one run that the evaluation compares, under one draw's economics: discounted cost per
// household and per payer, effects per household. Sensitivity analysis (sensitivity.h) measures its
// outcomes with the same functions.
class DecisionFigures {
 public:
  DecisionFigures(const ScenarioShape& shape, const Economics& econ);

  // Euros of one payer (payers(): all) in year y (0-based), discounted.
  double cost_in_year(const Measures<double>& m, int payer, int y) const;
  // The same, nominal: what the payer's budget for that year holds.
  double nominal_in_year(const Measures<double>& m, int payer, int y) const;
  double discounted_cost(const Measures<double>& m, int payer) const;  // over the policy years
  double nominal_cost(const Measures<double>& m, int payer) const;
  double cumulative_cost(const Measures<double>& m, int y) const;  // all payers, years 0..y, discounted
  // The societal perspective: every payer's euros but transfers (social assistance paid to households),
  // discounted; per household the cost-effectiveness figures' cost.
  double societal_cost(const Measures<double>& m) const;
  double cost_per_household(const Measures<double>& m) const;
  double effect_per_household(const Measures<double>& m) const;  // problem-free household-years
  double quality_adjusted_per_household(const Measures<double>& m) const;
  static double escalations(const Measures<double>& m);  // all types, per 1,000 households per year
  int years() const { return years_; }
  int payers() const { return payers_; }
  const Economics& economics() const { return econ_; }
  // The same figures under other economics (a setting of a sensitivity analysis that changes them).
  DecisionFigures with(const Economics& e) const {
    DecisionFigures d = *this;
    d.econ_ = e;
    return d;
  }

 private:
  double discounted_years(const std::vector<double>& per_year) const;
  int years_, payers_;
  BudgetLayout layout_;
  Economics econ_;
  double households_;
};

// Whether a payer pays or saves: certain when the 95% interval of its nominal cash difference excludes zero
// (model.md 14.7).
// Unclear: the interval holds zero, whatever the mean's sign (draws on both sides: not said to pay or save).
enum class PayerRole { NoChange, Pays, Saves, Unclear };

struct PayerBalance {
  Stat nominal;     // euros for the whole population, intervention minus comparator, over the policy years
  Stat discounted;  // the same, discounted
  PayerRole role = PayerRole::NoChange;
  double p_saves = 0;  // share of draws (without draws: replications) in which the payer saves
};

// An intervention against the decision's comparator.
struct InterventionFigures {
  std::size_t option = 0;  // index into DecisionGroup::options (1, 2, ...)
  Stat delta_cost;         // euros per household, discounted
  Stat delta_effect;       // problem-free household-years per household, discounted
  Icer icer;
  Stat nmb;  // incremental net monetary benefit per household at the willingness to pay (of each draw)
  double p_cost_saving = 0, p_cost_effective = 0;
  // Share of draws (without draws: runs) in which this option's net monetary benefit at the willingness to
  // pay (of each draw) is the highest of the decision's options, ties shared: with two or more
  // interventions "cost-effective" against the comparator may hold for each while only one is the choice
  // (a policy advisor's reading: 100% for the funded scale-up, best in 0 of 20 draws).
  double p_best = 0;
  // Share of draws (without draws: runs) whose increment lies in each quadrant (index: Quadrant), so that
  // "dominant" is said with how often it holds.
  std::array<double, 5> quadrant_share{};
  Stat rungs;                         // ladder rungs gained per household
  Stat escalations;                   // per 1,000 households per year
  bool has_quality_adjusted = false;  // every option gives utility weights
  Stat delta_quality_adjusted;        // quality-adjusted household-years per household, discounted
  Icer icer_quality_adjusted;
  std::array<double, 5> quadrant_share_quality_adjusted{};
  // Discounted budget impact, euros for the whole population: [payer][year], payer == payers is all payers,
  // year == years the total over the years.
  std::vector<std::vector<Stat>> budget_impact;
  // The same nominal, [payer][year] with year == years the nominal total: a budget's own figures, year by
  // year, with the spread of the economic figures (a steering group's reading of the report: it gave only
  // the five years' total nominal, and the yearly difference only as the interval of the mean over runs,
  // seven times narrower than the spread over draws beside it).
  std::vector<std::vector<Stat>> budget_nominal;
  std::vector<Stat> cumulative;  // per year: the cumulative discounted difference of all payers
  // First year (0-based) from which the cumulative difference's 95% interval lies below zero in every later
  // year (honest_uncertainty.h); -1: none. A mean below zero alone is not a break-even.
  int break_even_year = -1;
  int mean_break_even_year = -1;      // first year from which the cumulative mean stays <= 0; -1: none
  std::vector<double> p_broken_even;  // per year: share of draws (runs) with the cumulative difference < 0
  std::vector<PayerBalance> payers;
  // All payers together, nominal, transfers included: what the payers' cash differences net to (the glance
  // named each payer's and left the sum to the reader; a policy advisor's reading).
  Stat nominal_all_payers;
};

struct DecisionGroup {
  std::size_t comparator = 0;        // the caller's index of the comparator
  std::vector<std::size_t> options;  // comparator first, then its interventions
  std::vector<std::string> names;
  // Cost-effectiveness takes the societal perspective (every payer, transfers netted out); budget impact
  // and who pays take each payer's budget (transfers included).
  DrawMatrix cost;    // [draw][option]: discounted cost per household, all payers, transfers left out
  DrawMatrix effect;  // [draw][option]: discounted problem-free household-years per household
  // The same per run: [option][draw][replication] (the matrices above are their means over replications).
  std::vector<std::vector<std::vector<double>>> run_cost, run_effect;
  int households = 0;
  int years = 0;
  std::vector<Label> payers;  // the comparator's
  std::size_t draws = 1;      // parameter draws (1: one draw or the base case, uncertainty over replications)
  bool parameter_draws = false;  // DecisionInput::parameter_draws
  // How many draws (without draws: runs) each probability of the decision counts: "5 of 5 runs" below
  // kFewRuns (honest_uncertainty.h).
  int probability_n = 0;
  // Euros per problem-free household-year (the comparator's economics): the base case's, the mean of the
  // draws' when it is a distribution; each draw's own value weighs that draw's net benefit.
  double willingness_to_pay = 0;
  bool willingness_to_pay_varies = false;
  double discount_costs = 0, discount_effects = 0;
  std::vector<double> wtp;  // the acceptability curve's grid
  AcceptabilityCurves ceac;
  std::vector<AcceptabilityFrontierPoint> ceaf;
  // Per household, at each wtp; empty without parameter draws (the spread of replications is chance,
  // not information research could buy).
  std::vector<double> evpi;
  Frontier frontier;                               // on the mean cost and effect
  std::vector<double> mean_cost, mean_effect;      // per option, over draws
  std::vector<InterventionFigures> interventions;  // options 1, 2, ...
};

struct EconomicEvaluation {
  std::vector<DecisionGroup> groups;
};

EconomicEvaluation evaluate(const std::vector<DecisionInput>& decisions);

}  // namespace wijksim
