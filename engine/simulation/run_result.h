// What one replication of one scenario produces: a record per week of the policy period, the
// household measures of the initial population, and the coach caseload per team per week.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/model/params.h"
#include "wijksim/model/run_size.h"
#include "wijksim/simulation/week_tally.h"

namespace wijksim {

struct AgencyWeek {
  std::int32_t waiting = 0;       // live entries on the waiting list (end of week)
  std::int32_t in_treatment = 0;  // cases in treatment (end of week)
  std::int32_t capacity = 0;
  std::int32_t referrals = 0;  // arrivals on the waiting list this week
  std::int32_t coach_referrals = 0;
  std::int32_t admitted = 0;  // places given this week
  std::int32_t intakes = 0;
  std::int32_t duplicates = 0;  // open duplicate cases (end of week): each pays duplicate_cost_share of a
                                // case-week the next week (it fills what was padding: the size is unchanged)
  std::int64_t wait_weeks = 0;  // summed waits of those admitted this week
};

// Household measures at one moment: the seeds' survey table and more (week_tally.h, HouseholdCounts),
// with the number of households they are counted over.
struct HouseholdMeasures : HouseholdCounts {
  std::int32_t households = 0;
};

struct WeekRecord {
  int week = 0;  // week of the policy period, 1-based; 0 is the policy's starting point
  HouseholdMeasures households;
  std::int32_t bounces = 0, new_problems = 0, resolved = 0, resolved_by_coach = 0;
  std::int32_t gave_up = 0;  // searches given up after max_bounces wrong doors
  std::int32_t treatments_ended = 0, treatments_failed = 0;  // ... failed: ended without solving the problem
  std::int32_t spell_exits = 0;  // households leaving social assistance (entries are escalations)
  std::array<std::int32_t, kMaxDomains> escalations{};
  // Coaches (all teams together; per team in RunResult::team_caseload).
  std::int32_t coach_caseload = 0, coach_waiting = 0, coach_admitted = 0;
  double coach_fte = 0;               // of the teams that work this week (the scale-up's step)
  std::int64_t coach_wait_weeks = 0;  // summed waits of households admitted this week
  std::int32_t coach_closed = 0;
  std::int64_t coach_closed_weeks = 0;  // summed weeks in the caseload of the cases closed this week
  std::array<AgencyWeek, kMaxAgencies> agencies{};
  std::array<Cents, kMaxPayers * kCostCategories> cost{};  // [payer * kCostCategories + category]

  Cents cost_of(int payer, CostCategory c) const {
    return cost[payer * kCostCategories + static_cast<int>(c)];
  }
};

static_assert(sizeof(WeekRecord) == kBytesPerWeekRecord,
              "the run-size estimate (model/run_size.h) is out of date");

// What happened to a household in the policy period, a bit each (RunRequest::mark_events): how `wijksim
// trace --pick` finds a household to follow.
namespace happened {
inline constexpr std::uint16_t kCoached = 1u << 0;     // taken into a coach's caseload
inline constexpr std::uint16_t kBounced = 1u << 1;     // sent from one agency to another (a wrong door)
inline constexpr std::uint16_t kSpell = 1u << 2;       // started a spell of social assistance
inline constexpr std::uint16_t kEscalation = 1u << 3;  // << domain: a problem of that domain escalated
static_assert(3 + kMaxDomains <= 16, "a household's events fit in 16 bits");
}  // namespace happened

struct RunResult {
  std::uint32_t draw = 0, replication = 0;
  HouseholdMeasures initial;                 // week 0: the drawn population, before the warm-up
  std::vector<WeekRecord> weeks;             // [0] = policy start (end of warm-up), then each policy week
  std::vector<float> team_caseload_per_fte;  // [(week - 1) * teams + team], policy weeks only
  int teams = 0;
  std::vector<TraceEvent> trace;        // the traced household's history, when asked for
  std::vector<std::uint16_t> happened;  // per household, its events in the policy period, when asked for
  std::uint64_t checksum = 0;           // of the final household states: catches diverging runs
  std::int64_t households_stepped = 0;  // household-weeks in which something happened (warm-up included)
};

}  // namespace wijksim
