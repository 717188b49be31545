// The weekly step of one household: small verbs on plain state (STYLE.md lesson 2). The step does not
// know about threads or scheduling: it reads the week's shared, read-only view and writes only its own
// household and its chunk's tally.
#pragma once

#include <array>
#include <cstdint>

#include "wijksim/household.h"
#include "wijksim/model.h"
#include "wijksim/random_streams.h"
#include "wijksim/week_tally.h"

namespace wijksim {

inline constexpr std::uint32_t kNoHousehold = 0xFFFFFFFFu;
inline constexpr int kBounceMemoryWeeks = 104;  // "sent from pillar to post": a bounce in the last two years
inline constexpr std::uint8_t kLowTrust = 102;  // trust below 0.4 counts as "little or no trust"

// A coach team as the households see it this week.
struct TeamView {
  double effectiveness = 1;                    // falls when the caseload is above the norm
  std::array<double, kMaxDomains> notice_p{};  // this team's competence: blind spots differ per team
  std::array<double, kMaxDomains> solve_p{};
  std::uint32_t present_agencies = ~0u;  // agencies with a contact person in this neighbourhood
};

struct WeekView {
  const Model* model = nullptr;
  const RandomStreams* rng = nullptr;
  const TeamView* teams = nullptr;
  int week = 0;
  bool coaches_on = false;
  double outreach_p = 0;       // weekly chance a household with problems is found by outreach
  double self_referral_p = 0;  // weekly chance it asks a coach itself, at full trust
  std::uint32_t traced = kNoHousehold;
};

// Steps one household through week view.week. `wake` is the week an idle household next has something
// to do (the caller skips it until then); `last_bounce` is cold history for the survey measures.
void step_household(const WeekView& v, std::uint32_t id, Household& h, std::uint16_t& wake,
                    std::uint16_t& last_bounce, WeekTally& t);

// The household reaches the end of its search: intake, perhaps a duplicate case, onto the waiting list.
// Also used when the initial population is placed on waiting lists.
void arrive_at_agency(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t);

// Adds the household's survey measures (problems, professionals, trust, bounces) to the tally.
void count_household(const WeekView& v, const Household& h, std::uint16_t last_bounce, WeekTally& t);

// The coach's first week with a household: does coordination work, and if so close duplicate cases.
void admit_to_coach(const WeekView& v, std::uint32_t id, Household& h, WeekTally& t);

}  // namespace wijksim
