// What one chunk of households reports from one week: costs, requests for scarce places (agency and
// coach), and counts. Each chunk writes only its own tally, so the household step needs no locks; the
// driver merges tallies in chunk order, which makes every result independent of the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/params.h"

namespace wijksim {

// A household arriving on an agency's waiting list.
struct QueueJoin {
  std::uint32_t household;
  std::uint16_t onset;  // identifies the problem: a waiting-list entry is stale once this no longer matches
  std::uint8_t domain;
  std::uint8_t agency;
  std::uint8_t priority;  // coach referral under the mandate
};

// One line of a traced household's history (wijksim trace).
struct TraceEvent {
  int week;
  std::string what;
};

struct WeekTally {
  std::array<Cents, kMaxPayers * kCostCategories> cost{};
  std::vector<QueueJoin> joins;                             // in household order
  std::vector<std::uint32_t> coach_requests;                // households found by a coach, in household order
  std::array<std::int32_t, kMaxAgencies> treatment_ends{};  // places freed
  std::array<std::int32_t, kMaxAgencies> left_waiting{};    // left a waiting list without a place
  std::array<std::int32_t, kMaxAgencies> coach_referrals{};
  std::array<std::int32_t, kMaxAgencies> intakes{};
  std::vector<std::int32_t> coach_left_queue;  // per team
  std::vector<std::int32_t> coach_closed;      // per team
  // Household measures over the households stepped this week (the idle ones count as having nothing).
  std::int32_t stepped = 0;  // households stepped (the rest slept: no problem, no professional)
  std::int32_t with_problem = 0, multi_problem = 0;
  std::array<std::int32_t, 4> professionals{};  // 0, 1, 2, 3+ (idle households are added by the driver)
  std::int32_t with_help = 0, with_help_low_trust = 0, with_help_bounced = 0;
  std::int64_t trust_sum = 0;   // sum of trust (0..255) of households with help
  std::int32_t rung_delta = 0;  // rungs climbed minus dropped
  std::int32_t bounces = 0, new_problems = 0, resolved = 0, resolved_by_coach = 0;
  std::array<std::int32_t, kMaxDomains> escalations{};
  std::array<std::int32_t, kMaxDomains> active_by_domain{};
  std::vector<TraceEvent>* trace = nullptr;  // set only on the chunk holding the traced household

  void book(int payer, CostCategory c, Cents amount) {
    cost[payer * kCostCategories + static_cast<int>(c)] += amount;
  }
  void reset(int teams);
};

}  // namespace wijksim
