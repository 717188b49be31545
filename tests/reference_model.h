// A plain, slow weekly stepper of the whole model, written from docs/model.md alone (sections 3-13): every
// household, every week, every process drawn with its weekly probability from the state at the start of the
// week, events carried out in the specified order (section 7), the driver's part done by scanning all
// households. It shares no code with the event-driven engine (only the plain data types: Scenario in, the
// engine's WeekRecord and HouseholdMeasures out, so the two can be compared field by field) and uses its own
// random numbers (std::mt19937_64): it has the engine's distribution, not its numbers.
//
// tests/reference_model_test.cpp compares the two on small populations.
#pragma once

#include <cstdint>
#include <vector>

#include "wijksim/model/params.h"
#include "wijksim/simulation/run_result.h"

namespace wijksim::reference {

// One replication, in the engine's units (run_result.h): the drawn population, the record of policy week 0
// (the end of the warm-up: household measures only) and one record per policy week.
struct ReferenceRun {
  HouseholdMeasures initial;
  std::vector<WeekRecord> weeks;  // [0] = policy start, then policy weeks 1 .. W_pol
  // Caseload per FTE after the week's coach admissions, [(p - 1) * teams + t]; NaN for a team that does not
  // work in policy week p (and empty without coaches).
  std::vector<double> team_caseload_per_fte;
  int teams = 0;
};

// Simulates one replication of `s` (its parameters as given: no distributions) with its own random numbers,
// a pure function of `seed`.
ReferenceRun simulate_reference(const Scenario& s, std::uint64_t seed);

// The weekly record's money as docs/model.md defines it from the record's own counts (sections 4.3, 7 D2,
// 11.7, 12): what each payer's categories must hold given the week's counts and the previous week's stocks
// as recorded (the open duplicate cases recorded after D8 are those D2 charges next week). Used as an exact
// check on both implementations.
struct ExpectedCosts {
  std::vector<Cents> cost;  // [payer * kCostCategories + category]
};
ExpectedCosts expected_costs(const Scenario& s, const WeekRecord& previous, const WeekRecord& week,
                             int policy_week);

}  // namespace wijksim::reference
