// "At a glance": what the steering group asks first about a scenario compared with its comparator, on one
// screen: who pays in cash and who saves (per payer, with the interval), who gains or loses capacity (per
// agency, in places and FTE), who waits longer or shorter (the coaches and each agency), and who pays for the
// coaches, named from the scenario. The terminal prints it first.
#pragma once

#include <string>
#include <vector>

#include "wijksim/report/table.h"
#include "wijksim/study/study.h"

namespace wijksim {

// One table per scenario with a comparator, in the order the scenarios were named.
std::vector<Table> headline_tables(const Study& study, const StudyResult& result);

// Who pays for the coaches, in words: "Coach fund (additional money, ...)", "reallocated from the agencies'
// budgets: social services 30%, debt counselling 20%, ...", or "no coaches".
std::string coach_payer_text(const Scenario& s);
// The words of coach_payer_text for new money whose source the model does not hold; the report's who-pays
// caption says it where they stand (a stored run's headline row).
inline constexpr const char* kFundNotModelled = "who fills that fund is not modelled";

// The verdict of an agency's wait row ("wait_KEY") whose interval lies above zero.
inline constexpr const char* kWaitLonger = "households wait longer";
// Whether a headline table says households wait longer at any agency.
bool waits_grow(const Table& headline);
// The largest mean difference in weeks of those waits (NaN where none grows): the size "dominant, yet waits
// grow" gives (an advisor's reading: the cell said they grow, not by how much).
double largest_wait_growth(const Table& headline);
// Where a comparator's households gain (or lose) rungs without any policy, its events table's interval of
// rungs gained excluding zero and its mean at least kSteadyRungDrift from zero, the sentence that says its
// warm-up ends short of its steady state; else "". The city's baseline after its 20 years, before its start
// was mended (scenarios/README.md, "The warm-up"; an advisor's reading).
// Below kSteadyRungDrift rungs a household over the policy period a drift is read as steady: many runs
// measure a drift that moves nothing (the mended city baseline over 200 PSA draws, whose sets differ from the
// base values its start was set for: 0.001, its interval excluding zero), a thirtieth of the 0.030 that
// moved the comparison of the scale-ups before the mend.
inline constexpr double kSteadyRungDrift = 0.005;
std::string short_of_steady_state(const std::vector<Table>& tables, const std::string& comparator);

}  // namespace wijksim
