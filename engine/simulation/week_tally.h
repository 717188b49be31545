// What one chunk of households reports from one week: costs, requests for scarce places (agency and
// coach), counts of events, and the change in the household measures. Each chunk writes only its own
// tally, so the household step needs no locks; the driver merges tallies in chunk order, which makes every
// result independent of the thread count.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/model/household.h"
#include "wijksim/model/params.h"

namespace wijksim {

// A household arriving on an agency's waiting list.
struct QueueJoin {
  std::uint32_t household;
  std::uint16_t onset;  // identifies the problem: a waiting-list entry is stale once this no longer matches
  std::uint8_t domain;
  std::uint8_t agency;
  std::uint8_t priority;  // coach referral under the mandate
};

// A referral on its way to an agency, due to arrive in a later week (the driver carries it out then).
struct Arrival {
  std::uint32_t household;
  std::uint16_t onset;  // identifies the problem: stale if the problem resolved in the meantime
  std::uint8_t domain;
  std::uint8_t agency;
  int week;

  bool operator<(const Arrival& o) const {
    return household != o.household ? household < o.household : domain < o.domain;
  }
};

// One line of a traced household's history (wijksim trace).
struct TraceEvent {
  // What kind of line it is, so `wijksim trace` can summarise a stretch of weeks.
  enum class Kind : std::uint8_t { Other, State, NewProblem, Resolved, Bounce, Escalation, Cost };
  int week;
  std::string what;
  Kind kind = Kind::Other;
  Cents cost = 0;  // Kind::Cost: the amount booked
};

inline constexpr int kBounceMemoryWeeks = 104;  // "sent from pillar to post": a bounce in the last two years
inline constexpr std::uint8_t kLowTrust = 102;  // trust below 0.4 counts as "little or no trust"

// The seeds' survey measures summed over households. The driver keeps them as running totals: a household
// that has something to do takes its old contribution out and puts its new one in, so a household with
// nothing going on costs nothing in a week.
struct HouseholdCounts {
  std::int32_t with_problem = 0, multi_problem = 0;
  std::array<std::int32_t, 4> professionals{};  // 0, 1, 2, 3+
  std::int32_t with_help = 0, with_help_low_trust = 0, with_help_bounced = 0;
  std::int64_t trust_sum = 0;  // sum of trust (0..255) of households with help
  std::int64_t rung_sum = 0;
  std::array<std::int32_t, kMaxDomains> active_by_domain{};
  std::array<std::int32_t, kMaxDomains + 1> by_problems{};  // households with 0, 1, ... active problems
  std::int32_t in_spell = 0;                                // households in a spell (social assistance)
  std::int32_t ever_listed = 0;   // households ever on a coach's list (found by outreach or asked)
  std::int32_t ever_coached = 0;  // households ever in a coach's caseload

  // Adds (sign +1) or removes (sign -1) one household's contribution, with `trust` its level in the week it
  // is counted for. "Sent from pillar to post" is the household's Household::kCountedBounced flag, so what is
  // removed is what was added.
  void add(const Household& h, std::uint8_t trust, int sign);
  HouseholdCounts& operator+=(const HouseholdCounts& o);
  bool operator==(const HouseholdCounts&) const = default;
};

// Inline: every step of a household calls it twice (its contribution out, then back in).
inline void HouseholdCounts::add(const Household& h, std::uint8_t trust, int sign) {
  by_problems[h.active_count] += sign;
  if (h.active_count > 0) with_problem += sign;
  if (h.active_count > 1) multi_problem += sign;
  int prof = h.coach() == CoachStatus::Active ? 1 : 0;
  for (int d = 0; d < kMaxDomains; ++d) {
    const Problem& p = h.problems[static_cast<std::size_t>(d)];
    if (!p.active()) continue;
    active_by_domain[static_cast<std::size_t>(d)] += sign;
    const ProblemStatus s = p.status();
    prof += (s == ProblemStatus::Waiting || s == ProblemStatus::Treatment) + (p.duplicate != kNoAgency);
  }
  professionals[static_cast<std::size_t>(std::min(prof, 3))] += sign;
  rung_sum += sign * h.rung;
  if (h.has(Household::kInSpell)) in_spell += sign;
  if (h.has(Household::kEverListed)) ever_listed += sign;
  if (h.has(Household::kEverCoached)) ever_coached += sign;
  if (prof > 0) {
    with_help += sign;
    trust_sum += sign * trust;
    if (trust < kLowTrust) with_help_low_trust += sign;
    if (h.has(Household::kCountedBounced)) with_help_bounced += sign;
  }
}

struct WeekTally {
  std::array<Cents, kMaxPayers * kCostCategories> cost{};
  std::vector<QueueJoin> joins;                             // in household order
  std::vector<std::uint32_t> coach_requests;                // households found by a coach, in household order
  std::vector<Arrival> arrivals;                            // referrals set out this week that arrive later
  std::array<std::int32_t, kMaxAgencies> treatment_ends{};  // places freed
  std::array<std::int32_t, kMaxAgencies> left_waiting{};    // left a waiting list without a place
  std::array<std::int32_t, kMaxAgencies> coach_referrals{};
  std::array<std::int32_t, kMaxAgencies> intakes{};
  std::array<std::int32_t, kMaxAgencies>
      duplicates{};                            // duplicate cases opened minus closed (their weeks cost)
  std::vector<std::int32_t> coach_left_queue;  // per team
  std::vector<std::int32_t> coach_closed;      // per team
  HouseholdCounts counts;                      // change in the household measures
  std::int32_t stepped = 0;                    // households that had something to do this week
  std::int32_t bounces = 0, new_problems = 0, resolved = 0, resolved_by_coach = 0;
  std::int32_t gave_up = 0;  // searches given up after max_bounces wrong doors
  std::int32_t treatments_ended = 0, treatments_failed = 0;
  std::int32_t spell_starts = 0, spell_exits = 0;
  std::int64_t coach_closed_weeks = 0;  // summed weeks in the caseload of the cases closed
  std::array<std::int32_t, kMaxDomains> escalations{};
  std::vector<TraceEvent>* trace = nullptr;  // set only on the chunk holding the traced household

  void book(int payer, CostCategory c, Cents amount) {
    cost[payer * kCostCategories + static_cast<int>(c)] += amount;
  }
  void reset(int teams);
};

}  // namespace wijksim
