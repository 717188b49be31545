#include "wijksim/household_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace wijksim {
namespace {

// Calls a set of lambdas as one overloaded callable.
template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

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

// ---- Clocks -----------------------------------------------------------------------------------------------
//
// A process with weekly probability p fires in a given week when its uniform u > 1 - p. Counted from week
// `from`, the first week it fires is from + floor(log(u) / log(1 - p)): P(not by week from + k) =
// (1 - p)^(k + 1). Both read the same u, so "fires this week" and "first fires this week" agree.

inline bool fires(double u, double p) {
  return u > 1.0 - p;
}

inline int clamp_week(double week) {
  return week < kNever ? static_cast<int>(week) : kNever;
}

// log_stay = log(1 - p) <= 0; 0 (p = 0) never fires.
inline int first_week(double u, int from, double log_stay) {
  if (!(log_stay < 0)) return kNever;
  return clamp_week(from + std::floor(std::log(u) / log_stay));
}

// The first week from `from` on in which a problem of age `age` (weeks) at `from` escalates. Its hazard
// in week `from` + j is base (1 + growth (age + j)), so its cumulative hazard over n weeks is
// H(n) = base (n A + growth n (n - 1) / 2) with A = 1 + growth age, and it first escalates in the n-th week
// for the smallest n with H(n) > -log(u): k = n - 1 = floor(r), r the positive root of
// (growth / 2) n^2 + (A - growth / 2) n = -log(u) / base (in the cancellation-free form of the root).
int escalation_week(const EscalationCurve& c, double u, int from, int age) {
  if (!(c.base > 0)) return kNever;
  const double e = -std::log(u) / c.base;
  const double half_g = 0.5 * c.growth;
  const double b = 1.0 + c.growth * age - half_g;
  const double r = 2.0 * e / (b + std::sqrt(b * b + 4.0 * half_g * e));
  return clamp_week(from + std::floor(r));
}

// The household's processes with their weekly probabilities, for its state and the week `from`; `f` is
// called as f(bit, u, p, log_stay) for a process with a constant probability and as f(bit, u, curve, age)
// for an escalation. Coach clients (decided week by week) get no log_stay.
template <class F>
void each_process(const WeekView& v, std::uint32_t id, const Household& h, int from, F&& f) {
  const Model& m = *v.model;
  const CoachStatus coach = h.coach();
  const bool coached = coach == CoachStatus::Active;
  unsigned mask = 0;
  for (int d = 0; d < m.domains(); ++d) mask |= static_cast<unsigned>(h.problems[d].active()) << d;

  const auto b0 = v.rng->block(id, static_cast<std::uint32_t>(from), Stream::Clock, 0);
  const bool relapse = coach == CoachStatus::Closed;
  if (coached) {
    const TeamView& team = v.team(id);
    const LifeRates& r = m.life(relapse, h.rung, h.active_count);
    double total = r.climb + r.drop;
    if (h.rung < kRungs) total += m.scenario().coaches.activation_per_year * team.effectiveness;
    for (int d = 0; d < m.domains(); ++d)
      if (!((mask >> d) & 1u)) total += r.incidence[d];
    f(due::bit(due::kLife), unit(b0[0]), weekly_probability(total), 0.0);
  } else {
    const double total = m.life_total(relapse, h.rung, mask);
    f(due::bit(due::kLife), unit(b0[0]), m.life_p(relapse, h.rung, mask), -total / kWeeksPerYear);
  }
  if (v.coaches_on && (coach == CoachStatus::None || coach == CoachStatus::Closed) && h.active_count > 0)
    f(due::bit(due::kCoachContact), unit(b0[1]), m.contact_p(h.trust), m.contact_log_stay(h.trust));

  for (int d = 0; d < m.domains(); ++d) {
    if (!((mask >> d) & 1u)) continue;
    const Problem& p = h.problems[d];
    const DomainModel& dm = m.domain(d);
    const ProblemStatus s = p.status();
    const auto b =
        v.rng->block(id, static_cast<std::uint32_t>(from), Stream::Clock, 1 + static_cast<std::uint32_t>(d));
    const bool treated = s == ProblemStatus::Treatment || s == ProblemStatus::FirstLine;
    f(due::bit(due::kEscalation, d), unit(b[0]), dm.escalation[treated ? 1 : 0],
      from - static_cast<int>(p.onset));
    const std::uint32_t a = due::bit(due::kClockA, d), bb = due::bit(due::kClockB, d);
    switch (s) {
      case ProblemStatus::Unnoticed:
        f(a, unit(b[1]), dm.resolve_p, dm.resolve_log_stay);
        if (coached) {
          const TeamView& team = v.team(id);
          f(bb, unit(b[2]), team.notice_p[d] * team.effectiveness, 0.0);
        } else {
          f(bb, unit(b[2]), dm.seek_p_at[h.trust], dm.seek_log_stay_at[h.trust]);
        }
        break;
      case ProblemStatus::Seeking:
      case ProblemStatus::Waiting:
        f(a, unit(b[1]), dm.resolve_p, dm.resolve_log_stay);
        break;
      case ProblemStatus::Treatment: {
        const AgencyModel& am = m.agency(p.agency);
        f(a, unit(b[1]), am.end_p, am.end_log_stay);
        break;
      }
      case ProblemStatus::FirstLine:
        f(a, unit(b[1]), dm.resolve_p, dm.resolve_log_stay);
        if (coached) {
          const TeamView& team = v.team(id);
          f(bb, unit(b[2]), team.solve_p[d] * team.effectiveness, 0.0);
        }
        break;
      case ProblemStatus::None:
        break;
    }
  }
}

// What fires in week `week` itself, deciding each process afresh (clocks counted from `week`).
std::uint32_t due_this_week(const WeekView& v, std::uint32_t id, const Household& h, int week) {
  std::uint32_t due = 0;
  each_process(v, id, h, week,
               overloaded{[&](std::uint32_t bit, double u, double p, double) {
                            if (fires(u, p)) due |= bit;
                          },
                          [&](std::uint32_t bit, double u, const EscalationCurve& c, int age) {
                            if (fires(u, c.probability(age))) due |= bit;
                          }});
  return due;
}

// The first week from `after` on in which a process fires, and which fire then; clocks count from
// h.origin (<= after). Processes in `exclude` (fired already) are left out.
struct Next {
  int week = kNever;
  std::uint32_t due = 0;
};
Next next_events(const WeekView& v, std::uint32_t id, const Household& h, int after, std::uint32_t exclude) {
  Next n;
  const int from = h.origin;
  auto consider = [&](std::uint32_t bit, int week) {
    if (bit & exclude) return;
    week = std::max(week, after);  // a clock counted from an earlier origin is past `after` unless it fired
    if (week < n.week) {
      n.week = week;
      n.due = bit;
    } else if (week == n.week && week != kNever) {
      n.due |= bit;
    }
  };
  each_process(v, id, h, from,
               overloaded{[&](std::uint32_t bit, double u, double, double log_stay) {
                            consider(bit, first_week(u, from, log_stay));
                          },
                          [&](std::uint32_t bit, double u, const EscalationCurve& c, int age) {
                            consider(bit, escalation_week(c, u, from, age));
                          }});
  return n;
}

// Weeks of the household's deterministic events from `after` on: a referral reaching its agency, the end of
// the relapse window, a bounce leaving the two-year memory of the survey measure.
int next_deterministic(const WeekView& v, const Household& h, int after) {
  const Model& m = *v.model;
  int week = kNever;
  for (int d = 0; d < m.domains(); ++d)
    if (h.problems[d].status() == ProblemStatus::Seeking)
      week = std::min(week, h.problems[d].arrival_week(after));
  if (h.coach() == CoachStatus::Closed)
    week = std::min(week, std::max(after, h.coach_week + m.scenario().coaches.relapse_weeks));
  if (h.last_bounce != kNever && h.last_bounce + kBounceMemoryWeeks >= after)
    week = std::min(week, h.last_bounce + kBounceMemoryWeeks);
  return week;
}

// ---- What happens to a household
// ---------------------------------------------------------------------------

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

void close_duplicate(Problem& p, WeekTally& t) {
  if (p.duplicate == kNoAgency) return;
  --t.duplicates[p.duplicate];
  p.duplicate = kNoAgency;
}

void resolve(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t, const char* how) {
  Problem& p = h.problems[d];
  if (p.status() == ProblemStatus::Waiting) ++t.left_waiting[p.agency];
  close_duplicate(p, t);
  note(v, id, t, "{} problem resolved ({})", dname(v, d), how);
  p.clear();
  --h.active_count;
  ++t.resolved;
}

int choose_agency(const WeekView& v, std::uint32_t id, int d) {
  const DomainModel& dm = v.model->domain(d);
  auto r =
      v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::Referral, static_cast<std::uint32_t>(d));
  return dm.agencies[pick(unit(r[0]), dm.agencies.size())];
}

// The household (or the coach's referral) reaches the agency: intake, perhaps a duplicate case, onto the
// waiting list.
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
  const bool coordinated = h.coach() == CoachStatus::Active && h.has(Household::kCoordinated);
  const DomainModel& dm = m.domain(d);
  if (p.has(Problem::kComplex) && !coordinated && dm.agencies.size() > 1 && p.duplicate == kNoAgency) {
    // Fragmented help: another agency opens its own case for the same problem (its own intake, its own plan).
    auto r =
        v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::Referral, static_cast<std::uint32_t>(d));
    const double dup_p = s.fragmentation.duplicate_probability;
    const double u = unit(r[1]);
    if (u < dup_p) {
      const std::size_t n = dm.agencies.size();
      const auto self = static_cast<std::size_t>(std::find(dm.agencies.begin(), dm.agencies.end(), a) -
                                                 dm.agencies.begin());
      const std::size_t other = (self + 1 + static_cast<std::size_t>(pick(u / dup_p, n - 1))) % n;
      p.duplicate = dm.agencies[other];
      ++t.duplicates[p.duplicate];
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

// On its way to agency a, arriving `delay` weeks from now (at once when 0).
void set_out(const WeekView& v, std::uint32_t id, Household& h, int d, int a, int delay, WeekTally& t) {
  Problem& p = h.problems[d];
  p.agency = static_cast<std::uint8_t>(a);
  p.set_status(ProblemStatus::Seeking);
  delay = std::clamp(delay, 0, 255);
  p.arrival = static_cast<std::uint8_t>((v.week + delay) & 0xFF);
  if (delay == 0) arrive_at_agency(v, id, h, d, t);
}

// The household seeks help on its own: perhaps at the wrong door first (bounces), then the right one.
void seek_help(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const Fragmentation& f = m.scenario().fragmentation;
  const DomainModel& dm = m.domain(d);
  int bounces = 0;
  for (int k = 0; k < f.max_bounces && !dm.other_agencies.empty(); ++k) {
    auto b = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::Bounce,
                          static_cast<std::uint32_t>(d * 16 + k));
    if (unit(b[0]) >= f.wrong_agency_probability) break;
    int wrong = dm.other_agencies[pick(unit(b[1]), dm.other_agencies.size())];
    const AgencyModel& am = m.agency(wrong);
    note(v, id, t, "{} problem: asked {}, which does not serve it (bounce)", dname(v, d), aname(v, wrong));
    book(v, id, t, am.payer, CostCategory::Intake, am.intake_cost, "intake at the wrong agency");
    ++t.intakes[wrong];
    add_trust(h, -f.bounce_trust_loss);
    ++bounces;
  }
  if (bounces > 0) h.last_bounce = static_cast<std::uint16_t>(v.week);
  t.bounces += bounces;
  const int a = choose_agency(v, id, d);
  const int delay = f.search_weeks + bounces * f.bounce_weeks + m.agency(a).intake_weeks;
  note(v, id, t, "{} problem: seeks help at {}, arrives in {} weeks", dname(v, d), aname(v, a),
       std::min(delay, 255));
  set_out(v, id, h, d, a, delay, t);
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
  const auto n = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::CoachNotice,
                              static_cast<std::uint32_t>(d));
  const int a = choose_agency(v, id, d);
  const AgencyModel& am = m.agency(a);
  if (unit(n[1]) < c.going_native_probability) {
    // The coach pushes the household's request; the agency assesses it and turns it down.
    note(v, id, t, "{} problem: coach pushes a referral that {} rejects", dname(v, d), aname(v, a));
    book(v, id, t, am.payer, CostCategory::Intake, am.intake_cost, "intake of a rejected referral");
    ++t.intakes[a];
    return;
  }
  const auto r =
      v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::Referral, static_cast<std::uint32_t>(d));
  const Agency& ag = m.scenario().agencies[a];
  const bool present = (v.team(id).present_agencies >> a) & 1u;
  const bool honoured = present && unit(r[2]) < c.mandate_probability * ag.cooperation;
  p.set(Problem::kViaCoach, true);
  if (honoured) {
    p.set(Problem::kPriority, true);
    note(v, id, t, "{} problem: coach refers to {}, mandate honoured (no intake, priority)", dname(v, d),
         aname(v, a));
    set_out(v, id, h, d, a, 0, t);
  } else {
    const int delay = am.intake_weeks + (unit(r[3]) < c.privacy_probability ? c.privacy_delay_weeks : 0);
    note(v, id, t, "{} problem: coach refers to {}, normal route, arrives in {} weeks", dname(v, d),
         aname(v, a), std::min(delay, 255));
    set_out(v, id, h, d, a, delay, t);
  }
}

void close_coach_case(const WeekView& v, std::uint32_t id, Household& h, WeekTally& t, const char* why) {
  for (Problem& p : h.problems)
    if (p.status() == ProblemStatus::FirstLine) p.set_status(ProblemStatus::Unnoticed);
  const int team = team_of(id, v.households, v.n_teams);
  h.set_coach(CoachStatus::Closed);
  h.coach_week = static_cast<std::uint16_t>(v.week);
  h.quiet_since = kNever;
  ++t.coach_closed[static_cast<std::size_t>(team)];
  note(v, id, t, "coach closes the case ({})", why);
}

void treatment_ends(const WeekView& v, std::uint32_t id, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const Scenario& s = m.scenario();
  Problem& p = h.problems[d];
  const int a = p.agency;
  ++t.treatment_ends[a];
  double success = m.agency(a).success;
  if (h.coach() == CoachStatus::Active && h.has(Household::kCoordinated)) {
    success += s.coaches.coordination_success_gain;
  } else {
    // Uncoordinated plans: each professional beyond the first pulls the household another way.
    success -= s.fragmentation.success_loss_per_extra_professional * std::max(0, h.professionals() - 1);
  }
  success = std::clamp(success, 0.0, 1.0);
  const auto e = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::ProblemEvent,
                              static_cast<std::uint32_t>(d));
  if (unit(e[0]) < success) {
    add_trust(h, s.fragmentation.success_trust_gain);
    note(v, id, t, "{} problem: treatment at {} succeeded", dname(v, d), aname(v, a));
    resolve(v, id, h, d, t, "treatment");
  } else {
    add_trust(h, -s.fragmentation.failure_trust_loss);
    note(v, id, t, "{} problem: treatment at {} ended without solving it", dname(v, d), aname(v, a));
    p.agency = kNoAgency;
    close_duplicate(p, t);
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
  const auto e = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::ProblemEvent,
                              static_cast<std::uint32_t>(d));
  if (h.rung > 1 && unit(e[1]) < m.scenario().ladder.escalation_drop_probability) --h.rung;
}

// A problem's events of the week: its escalation, then its own transition (resolution first).
void step_problem(const WeekView& v, std::uint32_t id, Household& h, int d, std::uint32_t due, bool coached,
                  WeekTally& t) {
  Problem& p = h.problems[d];
  const ProblemStatus status = p.status();
  if (due & due::bit(due::kEscalation, d)) escalate(v, id, h, d, t);
  const bool a = due & due::bit(due::kClockA, d), b = due & due::bit(due::kClockB, d);
  switch (status) {
    case ProblemStatus::Unnoticed:
      if (a) return resolve(v, id, h, d, t, "by itself");
      // A coach client's problems are found by the coach (coach_step), not by the household's own search.
      if (b && !coached) seek_help(v, id, h, d, t);
      return;
    case ProblemStatus::Seeking:
      if (a) return resolve(v, id, h, d, t, "by itself");
      if (p.arrival_week(v.week) == v.week) arrive_at_agency(v, id, h, d, t);
      return;
    case ProblemStatus::Waiting:
      if (a) return resolve(v, id, h, d, t, "by itself, while waiting");
      return;
    case ProblemStatus::Treatment:
      if (a) treatment_ends(v, id, h, d, t);
      return;
    case ProblemStatus::FirstLine:
      if (a) return resolve(v, id, h, d, t, "by itself");
      if (b && coached) {
        ++t.resolved_by_coach;
        return resolve(v, id, h, d, t, "solved by the coach");
      }
      return;
    case ProblemStatus::None:
      return;
  }
}

// The week's life event (one at most): a new problem in a domain that had none, a rung up, a rung down,
// chosen in proportion to their rates at the start of the week.
struct WeekStart {
  std::uint8_t rung;
  std::uint8_t active_count;
  unsigned mask;
  CoachStatus coach;
};

void life_event(const WeekView& v, std::uint32_t id, Household& h, const WeekStart& start, WeekTally& t) {
  const Model& m = *v.model;
  const LifeRates& r = m.life(start.coach == CoachStatus::Closed, start.rung, start.active_count);
  double climb = r.climb;
  if (start.coach == CoachStatus::Active && start.rung < kRungs)
    climb += m.scenario().coaches.activation_per_year * v.team(id).effectiveness;
  double total = climb + r.drop;
  for (int d = 0; d < m.domains(); ++d)
    if (!((start.mask >> d) & 1u)) total += r.incidence[d];
  const auto u = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::LifeEvent);
  double x = unit(u[1]) * total;
  for (int d = 0; d < m.domains(); ++d) {
    if ((start.mask >> d) & 1u) continue;
    x -= r.incidence[d];
    if (x < 0) {
      Problem& p = h.problems[d];
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
    if (h.rung < kRungs) {
      ++h.rung;
      note(v, id, t, "climbs to rung {} of the participation ladder", h.rung);
    }
  } else if (h.rung > 1) {
    --h.rung;
    note(v, id, t, "drops to rung {} of the participation ladder", h.rung);
  }
}

// The coach's part of the week. Returns true when the household's hazards changed.
bool coach_step(const WeekView& v, std::uint32_t id, Household& h, std::uint32_t due, WeekTally& t) {
  const Model& m = *v.model;
  const Coaches& c = m.scenario().coaches;
  switch (h.coach()) {
    case CoachStatus::None:
    case CoachStatus::Closed: {
      if (!(due & due::bit(due::kCoachContact)) || h.active_count == 0) return false;
      // Coaches go behind front doors only while they have room; a household that asks is always listed.
      const auto u = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::CoachContact);
      const bool asked = unit(u[0]) < m.self_referral_share(h.trust);
      if (!asked && !v.team(id).room) return false;
      const bool was_closed = h.coach() == CoachStatus::Closed;  // its relapse window ends: hazards change
      h.set_coach(CoachStatus::Waiting);
      h.coach_week = static_cast<std::uint16_t>(v.week);
      t.coach_requests.push_back(id);
      note(v, id, t, "{}; waits for a place",
           asked ? "asks a coach for help" : "found by a coach's outreach");
      return was_closed;
    }
    case CoachStatus::Waiting:
      if (h.active_count == 0) {
        h.set_coach(CoachStatus::None);
        ++t.coach_left_queue[static_cast<std::size_t>(team_of(id, v.households, v.n_teams))];
        note(v, id, t, "leaves the coach's waiting list: nothing left to help with");
      }
      return false;
    case CoachStatus::Active: {
      for (int d = 0; d < m.domains(); ++d)
        if (h.problems[d].status() == ProblemStatus::Unnoticed && (due & due::bit(due::kClockB, d)))
          coach_takes_up(v, id, h, d, t);
      const double gain = c.trust_gain_per_year * 255.0 / kWeeksPerYear;
      if (gain > 0) {
        const auto u = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::CoachContact);
        const double whole = std::floor(gain);
        add_trust(h, (whole + (unit(u[2]) < gain - whole ? 1.0 : 0.0)) / 255.0);
      }
      if (h.active_count == 0) {
        if (h.quiet_since == kNever) h.quiet_since = static_cast<std::uint16_t>(v.week);
        if (v.week - h.quiet_since >= c.close_after_quiet_weeks) {
          close_coach_case(v, id, h, t, "nothing active");
          return true;
        }
      } else {
        h.quiet_since = kNever;
      }
      if (v.week - h.coach_week >= c.max_weeks) close_coach_case(v, id, h, t, "maximum duration");
      return true;
    }
  }
  return false;
}

}  // namespace

void wake_afresh(Household& h, std::uint16_t& wake, int week) {
  h.due = due::kDueNow;
  h.origin = static_cast<std::uint16_t>(week);
  wake = static_cast<std::uint16_t>(std::min(week, static_cast<int>(kNever)));
}

void admit_to_coach(const WeekView& v, std::uint32_t id, Household& h, WeekTally& t) {
  const Coaches& c = v.model->scenario().coaches;
  const auto u = v.rng->block(id, static_cast<std::uint32_t>(v.week), Stream::CoachContact);
  t.counts.add(h, -1);
  h.set_coach(CoachStatus::Active);
  h.coach_week = static_cast<std::uint16_t>(v.week);
  h.quiet_since = kNever;
  h.set(Household::kCoordinated, unit(u[1]) < c.coordination);
  note(v, id, t, "admitted to the coach's caseload ({})",
       h.has(Household::kCoordinated) ? "coordination works" : "coach added beside the agencies");
  if (h.has(Household::kCoordinated))
    for (Problem& p : h.problems) close_duplicate(p, t);  // the coach stops the duplicate cases
  t.counts.add(h, +1);
}

void step_household(const WeekView& v, std::uint32_t id, Household& h, std::uint16_t& wake, WeekTally& t) {
  const Model& m = *v.model;
  const int w = v.week;
  ++t.stepped;
  t.counts.add(h, -1);  // its contribution to the week's measures, put back below as it is after the week

  std::uint32_t due = h.due;
  if (due & due::kDueNow) due = due_this_week(v, id, h, w);
  WeekStart start{h.rung, h.active_count, 0, h.coach()};
  for (int d = 0; d < m.domains(); ++d) start.mask |= static_cast<unsigned>(h.problems[d].active()) << d;
  const bool coached = start.coach == CoachStatus::Active;

  // Anything but being found by a coach changes what the household's processes' probabilities are.
  bool changed = (due & ~due::bit(due::kCoachContact)) != 0;
  for (int d = 0; d < m.domains(); ++d)
    if ((start.mask >> d) & 1u) step_problem(v, id, h, d, due, coached, t);
  if (due & due::bit(due::kLife)) life_event(v, id, h, start, t);
  if (v.coaches_on) changed |= coach_step(v, id, h, due, t);

  // The week's deterministic events, at its end: the relapse window closes; a bounce leaves the survey's
  // two-year memory (a referral reaching its agency was handled with its problem).
  if (h.coach() == CoachStatus::Closed && w >= h.coach_week + m.scenario().coaches.relapse_weeks) {
    h.set_coach(CoachStatus::None);
    changed = true;
  }
  h.set(Household::kCountedBounced, h.last_bounce != kNever && w - h.last_bounce < kBounceMemoryWeeks);
  t.counts.add(h, +1);

  // Until when it sleeps. A coach client is decided week by week; otherwise the clocks count on from their
  // origin while nothing changed, and afresh from next week when something did.
  if (h.coach() == CoachStatus::Active) return wake_afresh(h, wake, w + 1);
  if (changed) h.origin = static_cast<std::uint16_t>(w + 1);
  const Next next = next_events(v, id, h, w + 1, changed ? 0u : due);
  const int deterministic = next_deterministic(v, h, w + 1);
  h.due = deterministic < next.week ? 0u : next.due;
  wake = static_cast<std::uint16_t>(std::min({next.week, deterministic, static_cast<int>(kNever)}));
}

}  // namespace wijksim
