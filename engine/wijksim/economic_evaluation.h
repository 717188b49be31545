// The economic evaluation of a study: budget impact per payer (nominal and discounted, cumulative, the
// break-even year, who pays and who saves) and cost-effectiveness (incremental cost per problem-free
// household-year, ICER with its quadrant, net monetary benefit, the efficiency frontier, acceptability curve
// and frontier, probability of saving money, expected value of perfect information).
//
// Figures are per household and discounted (the scenario's economics: the Dutch guideline's 3% for costs
// and 1.5% for effects by default), from the policy start (year 1 undiscounted). Over a probabilistic
// sensitivity analysis each figure is the mean over parameter draws with a 95% percentile interval over
// draws; its Monte Carlo standard error is that of the replications within draws. Without draws the
// interval is over replications.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "wijksim/cost_effectiveness.h"
#include "wijksim/study.h"
#include "wijksim/table.h"

namespace wijksim {

inline constexpr const char* kEffectUnit = "problem-free household-year";

// A comparator and the interventions compared with it (same population): the options of one decision.
struct DecisionGroup {
  std::size_t comparator = 0;        // index in Study::scenarios
  std::vector<std::size_t> options;  // comparator first, then its interventions
  std::vector<std::string> names;
  DrawMatrix cost;    // [draw][option]: discounted cost per household, all payers
  DrawMatrix effect;  // [draw][option]: discounted problem-free household-years per household
  // The same per run: [option][draw][replication] (the matrices above are their means over replications).
  std::vector<std::vector<std::vector<double>>> run_cost, run_effect;
  int households = 0;
  double willingness_to_pay = 0;  // euros per problem-free household-year (the comparator's economics)
  std::vector<double> wtp;        // the acceptability curve's grid
  AcceptabilityCurves ceac;
  std::vector<AcceptabilityFrontierPoint> ceaf;
  std::vector<double> evpi;  // per household, at each wtp
  Frontier frontier;         // on the mean cost and effect
};

struct EconomicEvaluation {
  std::vector<DecisionGroup> groups;
  std::vector<Table> tables;
};

EconomicEvaluation evaluate(const Study& study, const StudyResult& result);

}  // namespace wijksim
