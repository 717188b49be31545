#include "wijksim/household_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace wijksim {
namespace {

inline double unit(std::uint32_t x) {
  return RandomStreams::to_unit(x);
}

// Pick one of n items uniformly with a uniform u in (0, 1).
inline int pick(double u, std::size_t n) {
  return std::min(static_cast<int>(u * static_cast<double>(n)), static_cast<int>(n) - 1);
}

inline void add_trust(Household& h, double delta01) {
  int t = h.trust + static_cast<int>(std::lround(delta01 * 255.0));
  h.trust = static_cast<std::uint8_t>(std::clamp(t, 0, 255));
}

// Only the traced household pays for formatting; everybody else pays one compare.
template <class... Args>
inline void note(const WeekView& v, std::uint32_t id, WeekTally& t, fmt::format_string<Args...> f,
                 Args&&... args) {
  if (t.trace != nullptr && id == v.traced)
    t.trace->push_back({v.week, fmt::format(f, std::forward<Args>(args)...)});
}

const std::string& dname(const WeekView& v, int d) {
  return v.model->scenario().domains[d].name;
}
const std::string& aname(const WeekView& v, int a) {
  return v.model->scenario().agencies[a].name;
}

void book(const WeekView& v, std::uint32_t id, WeekTally& t, int payer, CostCategory c, Cents amount,
          const char* what) {
  t.book(payer, c, amount);
  if (t.trace != nullptr && id == v.traced)
    t.trace->push_back({v.week, fmt::format("  cost EUR {:.2f} {} on {}", amount / 100.0, what,
                                            v.model->scenario().payers[payer].name)});
}

void resolve(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t, const char* how) {
  Problem& p = h.problems[d];
  if (p.status() == ProblemStatus::Waiting) ++t.left_waiting[p.agency];
  note(v, id, t, "{} problem resolved ({})", dname(v, d), how);
  p.clear();
  --h.active_count;
  ++t.resolved;
}

int choose_agency(const WeekView& v, std::uint32_t id, int d) {
  const DomainModel& dm = v.model->domain(d);
  auto r = v.rng->block(id, v.week, Stream::Referral, d);
  return dm.agencies[pick(unit(r[0]), dm.agencies.size())];
}

// The household seeks help on its own: perhaps at the wrong door first (bounces), then the right one.
void seek_help(const WeekView& v, std::uint32_t id, Household& h, std::uint16_t& last_bounce, int d,
               WeekTally& t) {
  const Model& m = *v.model;
  const Fragmentation& f = m.scenario().fragmentation;
  const DomainModel& dm = m.domain(d);
  int bounces = 0;
  for (int k = 0; k < f.max_bounces && !dm.other_agencies.empty(); ++k) {
    auto b = v.rng->block(id, v.week, Stream::Bounce, static_cast<std::uint32_t>(d * 16 + k));
    if (unit(b[0]) >= f.wrong_agency_probability) break;
    int wrong = dm.other_agencies[pick(unit(b[1]), dm.other_agencies.size())];
    const AgencyModel& am = m.agency(wrong);
    note(v, id, t, "{} problem: asked {}, which does not serve it (bounce)", dname(v, d), aname(v, wrong));
    book(v, id, t, am.payer, CostCategory::Intake, am.intake_cost, "intake at the wrong agency");
    ++t.intakes[wrong];
    add_trust(h, -f.bounce_trust_loss);
    ++bounces;
  }
  if (bounces > 0) last_bounce = static_cast<std::uint16_t>(v.week);
  t.bounces += bounces;
  Problem& p = h.problems[d];
  int a = choose_agency(v, id, d);
  p.agency = static_cast<std::uint8_t>(a);
  p.set_status(ProblemStatus::Seeking);
  int delay = f.search_weeks + bounces * f.bounce_weeks + m.agency(a).intake_weeks;
  p.timer = static_cast<std::uint8_t>(std::min(delay, 255));
  note(v, id, t, "{} problem: seeks help at {}, arrives in {} weeks", dname(v, d), aname(v, a), p.timer);
  if (p.timer == 0) arrive_at_agency(v, id, h, d, t);
}

// The coach notices a problem: solves a simple one, refers a complex one.
void coach_takes_up(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const Coaches& c = m.scenario().coaches;
  Problem& p = h.problems[d];
  if (!p.has(Problem::kComplex)) {
    p.set_status(ProblemStatus::FirstLine);
    note(v, id, t, "{} problem noticed by the coach: solved in the first line", dname(v, d));
    return;
  }
  auto n = v.rng->block(id, v.week, Stream::CoachNotice, d);
  int a = choose_agency(v, id, d);
  const AgencyModel& am = m.agency(a);
  if (unit(n[1]) < c.going_native_probability) {
    // The coach pushes the household's request; the agency assesses it and turns it down.
    note(v, id, t, "{} problem: coach pushes a referral that {} rejects", dname(v, d), aname(v, a));
    book(v, id, t, am.payer, CostCategory::Intake, am.intake_cost, "intake of a rejected referral");
    ++t.intakes[a];
    return;
  }
  auto r = v.rng->block(id, v.week, Stream::Referral, d);
  const Agency& ag = m.scenario().agencies[a];
  bool present = (v.teams[h.team].present_agencies >> a) & 1u;
  bool honoured = present && unit(r[2]) < c.mandate_probability * ag.cooperation;
  p.agency = static_cast<std::uint8_t>(a);
  p.set(Problem::kViaCoach, true);
  p.set_status(ProblemStatus::Seeking);
  if (honoured) {
    p.set(Problem::kPriority, true);
    p.timer = 0;
    note(v, id, t, "{} problem: coach refers to {}, mandate honoured (no intake, priority)", dname(v, d),
         aname(v, a));
  } else {
    int delay = am.intake_weeks + (unit(r[3]) < c.privacy_probability ? c.privacy_delay_weeks : 0);
    p.timer = static_cast<std::uint8_t>(std::min(delay, 255));
    note(v, id, t, "{} problem: coach refers to {}, normal route, arrives in {} weeks", dname(v, d),
         aname(v, a), p.timer);
  }
  if (p.timer == 0) arrive_at_agency(v, id, h, d, t);
}

void close_coach_case(const WeekView& v, std::uint32_t id, Household& h, WeekTally& t, const char* why) {
  for (Problem& p : h.problems)
    if (p.status() == ProblemStatus::FirstLine) p.set_status(ProblemStatus::Unnoticed);
  h.coach = CoachStatus::Closed;
  h.closed_week = static_cast<std::uint16_t>(v.week);
  h.quiet_since = kNever;
  ++t.coach_closed[h.team];
  note(v, id, t, "coach closes the case ({})", why);
}

void treatment_ends(const WeekView& v, std::uint32_t id, Household& h, int d, double u_outcome,
                    WeekTally& t) {
  const Model& m = *v.model;
  const Scenario& s = m.scenario();
  Problem& p = h.problems[d];
  const int a = p.agency;
  ++t.treatment_ends[a];
  double success = m.agency(a).success;
  if (h.coach == CoachStatus::Active && h.coordinated) {
    success += s.coaches.coordination_success_gain;
  } else {
    // Uncoordinated plans: each professional beyond the first pulls the household another way.
    success -= s.fragmentation.success_loss_per_extra_professional * std::max(0, h.professionals() - 1);
  }
  success = std::clamp(success, 0.0, 1.0);
  if (u_outcome < success) {
    add_trust(h, s.fragmentation.success_trust_gain);
    note(v, id, t, "{} problem: treatment at {} succeeded", dname(v, d), aname(v, a));
    resolve(v, id, h, d, t, "treatment");
  } else {
    add_trust(h, -s.fragmentation.failure_trust_loss);
    note(v, id, t, "{} problem: treatment at {} ended without solving it", dname(v, d), aname(v, a));
    p.agency = kNoAgency;
    p.duplicate = kNoAgency;
    p.set(Problem::kPriority, false);
    p.set(Problem::kViaCoach, false);
    p.set_status(ProblemStatus::Unnoticed);
  }
}

void escalate(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const DomainModel& dm = m.domain(d);
  Problem& p = h.problems[d];
  ++t.escalations[d];
  note(v, id, t, "{} problem escalates: {}", dname(v, d), m.scenario().domains[d].escalation_event);
  book(v, id, t, dm.escalation_payer, CostCategory::Escalation, dm.escalation_cost, "escalation");
  p.set(Problem::kComplex, true);  // after an eviction or a crisis, the first line no longer suffices
  auto b = v.rng->block(id, v.week, Stream::CoachNotice, d);
  if (h.rung > 1 && unit(b[2]) < m.scenario().ladder.escalation_drop_probability) {
    --h.rung;
    --t.rung_delta;
  }
}

void step_problem(const WeekView& v, std::uint32_t id, Household& h, std::uint16_t& last_bounce, int d,
                  WeekTally& t) {
  const Model& m = *v.model;
  const Scenario& s = m.scenario();
  const DomainModel& dm = m.domain(d);
  Problem& p = h.problems[d];
  const ProblemStatus status = p.status();
  const bool with_coach = h.coach == CoachStatus::Active;
  auto u = v.rng->block(id, v.week, Stream::ProblemWeek, d);

  int age = std::min(v.week - static_cast<int>(p.onset), kEscalationAgeWeeks - 1);
  double esc = dm.escalation_p[std::max(age, 0)];
  if (status == ProblemStatus::Treatment || status == ProblemStatus::FirstLine)
    esc *= s.fragmentation.escalation_in_treatment_factor;
  if (unit(u[1]) < esc) escalate(v, id, h, d, t);

  // Costs of open cases this week.
  if (status == ProblemStatus::Treatment) {
    const AgencyModel& am = m.agency(p.agency);
    book(v, id, t, am.payer, CostCategory::Treatment, am.cost_per_case_week, "treatment week");
  }
  if (p.duplicate != kNoAgency) {
    const AgencyModel& am = m.agency(p.duplicate);
    book(v, id, t, am.payer, CostCategory::Treatment, am.duplicate_cost_per_week, "duplicate case week");
  }

  switch (status) {
    case ProblemStatus::Unnoticed:
      if (unit(u[0]) < dm.resolve_p) return resolve(v, id, h, d, t, "by itself");
      // A coach client's problems are found by the coach (CoachNotice), not by the household's own search.
      if (!with_coach && unit(u[2]) < dm.seek_p * m.seek_trust_factor(h.trust01()))
        seek_help(v, id, h, last_bounce, d, t);
      return;
    case ProblemStatus::Seeking:
      if (unit(u[0]) < dm.resolve_p) return resolve(v, id, h, d, t, "by itself");
      if (p.timer > 0) --p.timer;
      if (p.timer == 0) arrive_at_agency(v, id, h, d, t);
      return;
    case ProblemStatus::Waiting:
      if (unit(u[0]) < dm.resolve_p) return resolve(v, id, h, d, t, "by itself, while waiting");
      return;
    case ProblemStatus::Treatment:
      if (unit(u[2]) < m.agency(p.agency).end_p) treatment_ends(v, id, h, d, unit(u[3]), t);
      return;
    case ProblemStatus::FirstLine:
      if (unit(u[0]) < dm.resolve_p) return resolve(v, id, h, d, t, "by itself");
      if (with_coach && unit(u[2]) < v.teams[h.team].solve_p[d] * v.teams[h.team].effectiveness) {
        ++t.resolved_by_coach;
        return resolve(v, id, h, d, t, "solved by the coach");
      }
      return;
    case ProblemStatus::None:
      return;
  }
}

// Competing risks, at most one life event a week: a new problem (in a domain without one), a rung up,
// a rung down. `certain` is set when an idle household wakes: its wake week was drawn as the first
// week with an event, so an event happens and only which one is left to draw.
void life_event(const WeekView& v, std::uint32_t id, Household& h, unsigned active_mask, bool certain,
                WeekTally& t) {
  const Model& m = *v.model;
  const Scenario& s = m.scenario();
  const bool with_coach = h.coach == CoachStatus::Active;
  const bool relapse = h.coach == CoachStatus::Closed;
  const LifeRates& r = m.life(relapse, h.rung, h.active_count);
  double climb = r.climb;
  double total, p_any;
  if (with_coach && h.rung < kRungs) {
    climb += s.coaches.activation_per_year * v.teams[h.team].effectiveness;
    total = climb + r.drop;
    for (int d = 0; d < m.domains(); ++d)
      if (!h.problems[d].active()) total += r.incidence[d];
    p_any = weekly_probability(total);
  } else {
    total = m.life_total(relapse, h.rung, active_mask);
    p_any = m.life_p(relapse, h.rung, active_mask);
  }
  if (total <= 0) return;
  auto u = v.rng->block(id, v.week, Stream::LifeEvent);
  if (!certain && unit(u[0]) >= p_any) return;
  double x = unit(u[1]) * total;
  for (int d = 0; d < m.domains(); ++d) {
    Problem& p = h.problems[d];
    if (p.active()) continue;
    x -= r.incidence[d];
    if (x < 0) {
      p.clear();
      p.set_status(ProblemStatus::Unnoticed);
      p.set(Problem::kComplex, unit(u[2]) < m.domain(d).complex_share);
      p.onset = static_cast<std::uint16_t>(v.week);
      ++h.active_count;
      ++t.new_problems;
      note(v, id, t, "new {} {} problem", p.has(Problem::kComplex) ? "complex" : "simple", dname(v, d));
      return;
    }
  }
  x -= climb;
  if (x < 0) {
    ++h.rung;
    ++t.rung_delta;
    note(v, id, t, "climbs to rung {} of the participation ladder", h.rung);
  } else if (h.rung > 1) {
    --h.rung;
    --t.rung_delta;
    note(v, id, t, "drops to rung {} of the participation ladder", h.rung);
  }
}

void coach_step(const WeekView& v, std::uint32_t id, Household& h, WeekTally& t) {
  const Model& m = *v.model;
  const Coaches& c = m.scenario().coaches;
  switch (h.coach) {
    case CoachStatus::None:
    case CoachStatus::Closed: {
      if (h.active_count == 0) return;
      auto u = v.rng->block(id, v.week, Stream::CoachContact);
      double stay = (1.0 - v.outreach_p) * (1.0 - v.self_referral_p * m.seek_trust_factor(h.trust01()));
      if (unit(u[0]) < 1.0 - stay) {
        h.coach = CoachStatus::Waiting;
        h.coach_since = static_cast<std::uint16_t>(v.week);
        t.coach_requests.push_back(id);
        note(v, id, t, "found by a coach (outreach or own request); waits for a place");
      }
      return;
    }
    case CoachStatus::Waiting:
      if (h.active_count == 0) {
        h.coach = CoachStatus::None;
        ++t.coach_left_queue[h.team];
        note(v, id, t, "leaves the coach's waiting list: nothing left to help with");
      }
      return;
    case CoachStatus::Active: {
      const TeamView& team = v.teams[h.team];
      for (int d = 0; d < m.domains(); ++d) {
        if (h.problems[d].status() != ProblemStatus::Unnoticed) continue;
        auto n = v.rng->block(id, v.week, Stream::CoachNotice, d);
        if (unit(n[0]) < team.notice_p[d] * team.effectiveness) coach_takes_up(v, id, h, d, t);
      }
      double gain = c.trust_gain_per_year * 255.0 / kWeeksPerYear;
      if (gain > 0) {
        auto u = v.rng->block(id, v.week, Stream::CoachContact);
        double whole = std::floor(gain);
        add_trust(h, (whole + (unit(u[2]) < gain - whole ? 1.0 : 0.0)) / 255.0);
      }
      if (h.active_count == 0) {
        if (h.quiet_since == kNever) h.quiet_since = static_cast<std::uint16_t>(v.week);
        if (v.week - h.quiet_since >= c.close_after_quiet_weeks)
          return close_coach_case(v, id, h, t, "nothing active");
      } else {
        h.quiet_since = kNever;
      }
      if (v.week - h.coach_since >= c.max_weeks) close_coach_case(v, id, h, t, "maximum duration");
      return;
    }
  }
}

}  // namespace

void arrive_at_agency(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const Scenario& s = m.scenario();
  Problem& p = h.problems[d];
  const int a = p.agency;
  const AgencyModel& am = m.agency(a);
  const bool priority = p.has(Problem::kPriority);
  if (!priority) {
    book(v, id, t, am.payer, CostCategory::Intake, am.intake_cost, "intake");
    ++t.intakes[a];
  }
  const bool coordinated = h.coach == CoachStatus::Active && h.coordinated;
  const DomainModel& dm = m.domain(d);
  if (p.has(Problem::kComplex) && !coordinated && dm.agencies.size() > 1 && p.duplicate == kNoAgency) {
    // Fragmented help: another agency opens its own case for the same problem (its own intake, its own plan).
    auto r = v.rng->block(id, v.week, Stream::Referral, d);
    double dup_p = s.fragmentation.duplicate_probability;
    double u = unit(r[1]);
    if (u < dup_p) {
      std::size_t n = dm.agencies.size();
      std::size_t self = static_cast<std::size_t>(std::find(dm.agencies.begin(), dm.agencies.end(), a) -
                                                  dm.agencies.begin());
      std::size_t other = (self + 1 + static_cast<std::size_t>(pick(u / dup_p, n - 1))) % n;
      p.duplicate = dm.agencies[other];
      const AgencyModel& dup = m.agency(p.duplicate);
      note(v, id, t, "{} problem: {} opens a duplicate case", dname(v, d), aname(v, p.duplicate));
      book(v, id, t, dup.payer, CostCategory::Intake, dup.intake_cost, "duplicate intake");
      ++t.intakes[p.duplicate];
    }
  }
  p.set_status(ProblemStatus::Waiting);
  if (p.has(Problem::kViaCoach)) ++t.coach_referrals[a];
  t.joins.push_back({id, p.onset, static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(a),
                     static_cast<std::uint8_t>(priority ? 1 : 0)});
  note(v, id, t, "{} problem: on the waiting list of {}{}", dname(v, d), aname(v, a),
       priority ? " (priority)" : "");
}

void admit_to_coach(const WeekView& v, std::uint32_t id, Household& h, WeekTally& t) {
  const Coaches& c = v.model->scenario().coaches;
  auto u = v.rng->block(id, v.week, Stream::CoachContact);
  h.coach = CoachStatus::Active;
  h.coach_since = static_cast<std::uint16_t>(v.week);
  h.quiet_since = kNever;
  h.coordinated = unit(u[1]) < c.coordination ? 1 : 0;
  note(v, id, t, "admitted to the coach's caseload ({})",
       h.coordinated ? "coordination works" : "coach added beside the agencies");
  if (!h.coordinated) return;
  for (Problem& p : h.problems)
    if (p.duplicate != kNoAgency) p.duplicate = kNoAgency;  // the coach stops the duplicate case
}

void count_household(const WeekView& v, const Household& h, std::uint16_t last_bounce, WeekTally& t) {
  if (h.active_count > 0) ++t.with_problem;
  if (h.active_count > 1) ++t.multi_problem;
  int prof = h.coach == CoachStatus::Active ? 1 : 0;
  for (int d = 0; d < v.model->domains(); ++d) {
    const Problem& p = h.problems[d];
    if (!p.active()) continue;
    ++t.active_by_domain[d];
    ProblemStatus s = p.status();
    prof += (s == ProblemStatus::Waiting || s == ProblemStatus::Treatment) + (p.duplicate != kNoAgency);
  }
  ++t.professionals[std::min(prof, 3)];
  if (prof > 0) {
    ++t.with_help;
    t.trust_sum += h.trust;
    if (h.trust < kLowTrust) ++t.with_help_low_trust;
    if (last_bounce != kNever && v.week - last_bounce < kBounceMemoryWeeks) ++t.with_help_bounced;
  }
}

void step_household(const WeekView& v, std::uint32_t id, Household& h, std::uint16_t& wake,
                    std::uint16_t& last_bounce, WeekTally& t) {
  const Model& m = *v.model;
  const bool woke = wake == v.week;  // an idle household's drawn event week
  wake = 0;
  ++t.stepped;
  // The relapse window is the relapse_weeks weeks after the week of closure.
  if (h.coach == CoachStatus::Closed && v.week - h.closed_week > m.scenario().coaches.relapse_weeks)
    h.coach = CoachStatus::None;

  unsigned active_mask = 0;
  for (int d = 0; d < m.domains(); ++d)
    if (h.problems[d].active()) {
      step_problem(v, id, h, last_bounce, d, t);
      active_mask |= static_cast<unsigned>(h.problems[d].active()) << d;
    }
  life_event(v, id, h, active_mask, woke, t);
  if (v.coaches_on) coach_step(v, id, h, t);
  count_household(v, h, last_bounce, t);

  if (h.active_count == 0 && h.coach == CoachStatus::None) {
    // Nothing going on: draw the week of the next life event (geometric) and sleep until then.
    double log_stay = m.idle_log_stay(h.rung);
    if (log_stay >= 0) {
      wake = kNever;
    } else {
      double u = unit(v.rng->block(id, v.week, Stream::IdleWake)[0]);
      double skip = std::floor(std::log(u) / log_stay);
      double next = v.week + 1 + skip;
      wake = next >= kNever ? kNever : static_cast<std::uint16_t>(next);
    }
  }
}

}  // namespace wijksim
