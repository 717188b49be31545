// The step of one household: small verbs on plain state (STYLE.md lesson 2). The step does not know about
// threads or scheduling: it reads the week's shared, read-only view and writes only its own household, its
// wake-up week and its chunk's tally.
//
// Time is in weeks. In a week every process of a household (a new problem, a rung up or down, each
// problem's escalation, resolution, help-seeking or end of treatment, being found by a coach) fires with its
// weekly probability, computed from the household's state at the start of the week; what fires is then
// carried out in a fixed order (problems by domain: escalation first, then the problem's own transition;
// then the life event; then the coach). A household is only stepped in a week in which something fires:
// after each step its processes race (Stream::Clock: their cumulative hazards add up to a quadratic in time,
// whose root gives the first week anything fires, and a few more uniforms which processes fire then), and it
// sleeps until that week or its next deterministic event, whichever comes first. That is the same process as
// drawing every process every week (docs/model.md, Appendix A), at a fraction of the cost: most households
// have nothing happen in most weeks. A coach client's processes that depend on its team's effectiveness
// (which moves with the caseload week by week) race at their bound, and a candidate is carried out with the
// ratio of its probability this week to the bound's: so a change of effectiveness wakes nobody.
#pragma once

#include <array>
#include <cstdint>

#include "wijksim/core/random_streams.h"
#include "wijksim/model/household.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/week_tally.h"

namespace wijksim {

inline constexpr std::uint32_t kNoHousehold = 0xFFFFFFFFu;

// A coach team as the households see it this week.
struct TeamView {
  double effectiveness = 1;                    // falls when the caseload is above the norm
  std::array<double, kMaxDomains> notice_p{};  // this team's competence: blind spots differ per team
  std::array<double, kMaxDomains> solve_p{};
  std::uint32_t present_agencies = ~0u;  // agencies with a contact person in this neighbourhood
  bool room =
      true;  // fewer households in the caseload and on the waiting list than the cap: outreach goes on
  bool active = true;  // the team works (the scale-up has reached it): its households can meet a coach
};

// A household as its step sees it: its number, and the neighbourhood and coach team it belongs to, looked
// up once per step (both are contiguous blocks of households, so the driver walks them along with the ids).
struct Who {
  std::uint32_t id = 0;
  int nbh = 0;   // Model::neighbourhood_of(id)
  int team = 0;  // WeekView::team_index(id)
};

struct WeekView {
  const Model* model = nullptr;
  const RandomStreams* rng = nullptr;
  const TeamView* teams = nullptr;
  const std::uint32_t* team_first = nullptr;  // first household of each team (a contiguous block each)
  int n_teams = 1;
  int week = 0;
  bool coaches_on = false;
  std::uint32_t traced = kNoHousehold;
  // Per household, what happened to it (namespace happened, run_result.h); set in the policy period of a
  // run that asks (RunRequest::mark_events), else null.
  std::uint16_t* happened = nullptr;

  int team_index(std::uint32_t id) const {
    int t = 0;  // teams are few: a linear scan of their first households is cheapest
    while (t + 1 < n_teams && id >= team_first[t + 1]) ++t;
    return t;
  }
  Who who(std::uint32_t id) const { return {id, model->neighbourhood_of(id), team_index(id)}; }
  // `who` moved on to household id >= who.id: a step or two at most, where who(id) scans from the start.
  void move_to(Who& who, std::uint32_t id) const {
    who.id = id;
    while (who.nbh + 1 < model->neighbourhoods() && id >= model->first_household(who.nbh + 1)) ++who.nbh;
    while (who.team + 1 < n_teams && id >= team_first[who.team + 1]) ++who.team;
  }
  const TeamView& team(const Who& who) const { return teams[who.team]; }
  // The household's trust this week (its neighbourhood's recovery since its last experience).
  std::uint8_t trust(const Who& who, const Household& h) const {
    return model->trust_level(who.nbh, h.trust_base, week - h.trust_week);
  }
};

// Steps household `who` through week v.week (its wake-up week): carries out what fires, then sets `wake` to
// the week it next has something to do (kNever: nothing ever).
void step_household(const WeekView& v, const Who& who, Household& h, std::uint16_t& wake, WeekTally& t);

// The household's state was changed from outside (a place with a coach, the policy start): it decides every
// process afresh in week `week`, and is stepped then.
void wake_afresh(Household& h, std::uint16_t& wake, int week);

// The household's team starts work in week `week`: its coach-contact clock starts then; its other clocks
// are kept (common random numbers with the comparator). A household deciding afresh this week is left as it
// is.
void start_coach_contact(const WeekView& v, const Who& who, Household& h, std::uint16_t& wake, int week);

// The household's state was changed from outside (a place at an agency): its clocks count afresh from week
// `from`, and it sleeps until its next event. v.week may be the week before `from`.
void reschedule(const WeekView& v, const Who& who, Household& h, std::uint16_t& wake, int from);

// A referral reaches its agency in its arrival week (the driver's part of that week, after every household
// was stepped): intake, perhaps a duplicate case, onto the waiting list; nothing if the problem resolved on
// the way. Its measures change: `t.counts` records that.
void arrive(const WeekView& v, const Arrival& a, Household& h, WeekTally& t);

// The coach's first week with a household (the driver gives it a place): does coordination work, and if so
// close duplicate cases. Its measures change: `t.counts` records that.
void admit_to_coach(const WeekView& v, const Who& who, Household& h, WeekTally& t);

}  // namespace wijksim
