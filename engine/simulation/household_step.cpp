#include "wijksim/simulation/household_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "wijksim/core/dutch_numbers.h"
#include "wijksim/simulation/run_result.h"

namespace wijksim {
namespace {

inline double unit(std::uint32_t x) {
  return RandomStreams::to_unit(x);
}

// Pick one of n items uniformly with a uniform u in (0, 1).
inline int pick(double u, std::size_t n) {
  return std::min(static_cast<int>(u * static_cast<double>(n)), static_cast<int>(n) - 1);
}

// An experience changes trust: from its level this week (its recovery since the last experience included)
// by delta01 of the 0..1 scale in whole steps of 1/255; trust recovers from this new level from now on.
inline void add_trust(const WeekView& v, const Who& who, Household& h, double delta01) {
  const int t = v.trust(who, h) + static_cast<int>(std::lround(delta01 * 255.0));
  h.trust_base = static_cast<std::uint8_t>(std::clamp(t, 0, 255));
  h.trust_week = static_cast<std::uint16_t>(v.week);
}

// Trust enters a household's chances (seeking help, asking a coach) and the measures of those with help
// only while it has a problem or a coach; then every change of its level wakes the household
// (next_deterministic), so its chances and the measures always use its level in the week at hand.
inline bool trust_matters(const Household& h) {
  return h.active_count > 0 || h.coach() == CoachStatus::Active;
}

// ---- Clocks -----------------------------------------------------------------------------------------------
//
// In a week each process fires with its probability p, independently of the others. A household's
// processes other than being found by a coach (that one exists only with coaches) race: their weekly
// hazards -log(1 - p) add up, and so do their cumulative hazards, which are linear in time for a constant p
// and quadratic for an escalation (its hazard grows linearly with the problem's age). So the first week
// from `origin` in which any of them fires comes from one uniform u: the first n with H(n) > -log(u), a
// quadratic. In that week, which ones fire is drawn given that at least one does: the first to fire in a
// fixed order with probability p_i * prod_{j<i} (1 - p_j) / P(any), then each later one independently
// with its p. The coach contact has a clock of its own, so that the race, and with it every other event, is
// drawn from the same numbers with or without coaches (common random numbers).

inline bool fires(double u, double p) {
  return u > 1.0 - p;
}

// Week `from` + floor(weeks) for weeks >= 0 (infinity included), or kNever when that is kNever or later.
// For 0 <= weeks < kNever - from, floor is the conversion to int, which needs no rounding call.
inline int week_after(int from, double weeks) {
  return weeks < static_cast<double>(kNever - from) ? from + static_cast<int>(weeks) : kNever;
}

// The first week from `from` in which a process with log(1 - p) = log_stay fires:
// from + floor(log(u) / log_stay), since P(not by week from + k) = (1 - p)^(k + 1). Never when p = 0.
inline int first_week(double u, int from, double log_stay) {
  if (!(log_stay < 0)) return kNever;
  return week_after(from, std::log(u) / log_stay);  // log(u) <= 0: a quotient >= 0
}

// A coach client's yearly rate of life events (new problems, rungs up and down) with its team's effectiveness
// `effectiveness`: the coach's activation is part of its climbing and scales with it.
double coached_life_total(const Model& m, const Who& who, const Household& h, double effectiveness) {
  const LifeRates& r = m.life(who.nbh, false, h.rung, h.active_count);
  double total = r.climb + r.drop;
  if (h.rung < kRungs) total += m.scenario().coaches.activation_per_year * effectiveness;
  const unsigned mask = h.active_mask();
  for (int d = 0; d < m.domains(); ++d)
    if (!((mask >> d) & 1u)) total += r.incidence[d];
  return total;
}

// The household's processes but the coach contact, in the race's fixed order, for its state and the week
// `from` (`trust` its level then: it does not change before the household next wakes): f(bit, p, log_stay)
// for a process with a constant weekly probability, and f(bit, curve, age) for an escalation, `age` being the
// problem's age at `from`. A coach client's life event, noticing and solving depend on its team's
// effectiveness, which moves with the caseload from week to week: they are given with `effectiveness`, the
// week's for a week decided on its own, 1 (their bound) for the race, whose candidates are then carried out
// with the ratio of the week's probability to the bound's (thin_coach_candidates).
template <class Constant, class Escalation>
void each_process(const WeekView& v, const Who& who, const Household& h, int from, std::uint8_t trust,
                  double effectiveness, Constant&& constant, Escalation&& escalation) {
  const Model& m = *v.model;
  const CoachStatus coach = h.coach();
  const bool coached = coach == CoachStatus::Active;
  const bool relapse = coach == CoachStatus::Closed;
  const int nbh = who.nbh;
  const bool in_spell = h.has(Household::kInSpell);
  const unsigned mask = h.active_mask();

  if (coached) {
    const double total = coached_life_total(m, who, h, effectiveness);
    constant(due::bit(due::kLife), weekly_probability(total), -total / kWeeksPerYear);
    constant(due::bit(due::kTrustGain), m.trust_step_p(), m.trust_step_log_stay());
  } else {
    const double total = m.life_total(nbh, relapse, h.rung, mask);
    constant(due::bit(due::kLife), m.life_p(nbh, relapse, h.rung, mask), -total / kWeeksPerYear);
  }
  if (in_spell) constant(due::bit(due::kSpellExit), m.spell_exit_p(), m.spell_exit_log_stay());
  // A coach's weekly chance of noticing or solving, scaled by the team's effectiveness.
  auto coach_chance = [&](std::uint32_t bit, double competence) {
    const double p = competence * effectiveness;
    constant(bit, p, std::log1p(-p));
  };
  for (unsigned active = mask; active != 0; active &= active - 1) {  // its problems, by domain
    const int d = std::countr_zero(active);
    const Problem& p = h.problems[d];
    const DomainModel& dm = m.domain(d);
    const ProblemStatus s = p.status();
    const bool treated = s == ProblemStatus::Treatment || s == ProblemStatus::FirstLine;
    // A household in a spell (social assistance) does not flow into it again.
    if (!(in_spell && d == m.spell_domain()))
      escalation(due::bit(due::kEscalation, d), dm.escalation[treated ? 1 : 0],
                 from - static_cast<int>(p.onset()));
    const std::uint32_t a = due::bit(due::kClockA, d), b = due::bit(due::kClockB, d);
    switch (s) {
      case ProblemStatus::Unnoticed:
        constant(a, dm.resolve_p, dm.resolve_log_stay);
        if (coached) {
          coach_chance(b, v.team(who).notice_p[d]);
        } else {
          constant(b, dm.seek_p_at[trust], dm.seek_log_stay_at[trust]);
        }
        break;
      case ProblemStatus::Seeking:
      case ProblemStatus::Waiting:
        constant(a, dm.resolve_p, dm.resolve_log_stay);
        break;
      case ProblemStatus::Treatment: {
        const AgencyModel& am = m.agency(p.agency);
        constant(a, am.end_p, am.end_log_stay);
        break;
      }
      case ProblemStatus::FirstLine:
        constant(a, dm.resolve_p, dm.resolve_log_stay);
        if (coached) coach_chance(b, v.team(who).solve_p[d]);
        break;
      case ProblemStatus::None:
        break;
    }
  }
}

// Whether the household can be found by a coach in its current state (coaches on and its team working, no
// coach, a problem).
bool has_contact(const WeekView& v, const Who& who, const Household& h) {
  const CoachStatus c = h.coach();
  return v.coaches_on && (c == CoachStatus::None || c == CoachStatus::Closed) && h.active_count > 0 &&
         v.team(who).active;
}

// Uniforms in order from the blocks of one address's index 0, 1, ...
class Uniforms {
 public:
  Uniforms(const WeekView& v, const Who& who, int week, Stream stream)
      : v_(v), id_(who.id), week_(static_cast<std::uint32_t>(week)), stream_(stream) {}
  double next() {
    if (word_ == 4) {
      block_ = v_.rng->block(id_, week_, stream_, index_++);
      word_ = 0;
    }
    return unit(block_[word_++]);
  }

 private:
  const WeekView& v_;
  std::uint32_t id_, week_;
  Stream stream_;
  std::uint32_t index_ = 0;
  int word_ = 4;
  RandomStreams::Block block_{};
};

// What fires in week `week` itself, each process decided on its own (Stream::ThisWeek, one uniform per
// process in the race's order; the contact from Stream::ContactClock).
// `trust` is its level this week.
std::uint32_t due_this_week(const WeekView& v, const Who& who, const Household& h, int week,
                            std::uint8_t trust) {
  std::uint32_t due = 0;
  Uniforms u(v, who, week, Stream::ThisWeek);
  each_process(
      v, who, h, week, trust, v.team(who).effectiveness,
      [&](std::uint32_t bit, double p, double) {
        if (fires(u.next(), p)) due |= bit;
      },
      [&](std::uint32_t bit, const EscalationCurve& c, int age) {
        if (fires(u.next(), c.probability(age))) due |= bit;
      });
  if (has_contact(v, who, h)) {
    const auto c = v.rng->block(who.id, static_cast<std::uint32_t>(week), Stream::ContactClock);
    if (fires(unit(c[0]), v.model->contact_p(trust))) due |= due::bit(due::kCoachContact);
  }
  return due;
}

// A coach client's race drew its life event, noticing and solving at their bound, effectiveness 1 (each
// process fires in a week with probability p(E) <= p(1), independently of the others): each candidate that
// fired in the race's week is carried out with probability p(E) / p(1), E the team's effectiveness this
// week, so that it fires with p(1) * p(E) / p(1) = p(E), as decided on its own (docs/model.md A.1). Its
// effectiveness moves with the caseload from week to week; drawn at the bound, the race need not be drawn
// again when it moves. Noticing and solving: p(E) = competence * E, so the ratio is E.
std::uint32_t thin_coach_candidates(const WeekView& v, const Who& who, const Household& h,
                                    std::uint32_t due) {
  const double e = v.team(who).effectiveness;
  if (e >= 1.0) return due;  // every candidate is carried out (ratio 1): nothing to draw
  const auto week = static_cast<std::uint32_t>(v.week);
  auto carried_out = [&](std::uint32_t index, double ratio) {
    return unit(v.rng->block(who.id, week, Stream::CoachEffect, index)[0]) < ratio;
  };
  if ((due & due::bit(due::kLife)) && h.rung < kRungs) {
    const Model& m = *v.model;
    const double ratio = weekly_probability(coached_life_total(m, who, h, e)) /
                         weekly_probability(coached_life_total(m, who, h, 1.0));
    if (!carried_out(0, ratio)) due &= ~due::bit(due::kLife);
  }
  for (unsigned active = h.active_mask(); active != 0; active &= active - 1) {
    const int d = std::countr_zero(active);
    const ProblemStatus s = h.problems[d].status();
    const std::uint32_t b = due::bit(due::kClockB, d);
    if ((due & b) && (s == ProblemStatus::Unnoticed || s == ProblemStatus::FirstLine) &&
        !carried_out(1 + static_cast<std::uint32_t>(d), e))
      due &= ~b;
  }
  return due;
}

// The household's next events from its clocks' origin: the week and which processes fire then.
struct Next {
  int week = kNever;
  std::uint32_t due = 0;
};

// Which processes of the race fire is drawn only when the race's week is not after `woken_by`: a household
// woken earlier by a deterministic event (in week `woken_by`) carries out none of them, and when it sleeps on
// unchanged its race from the same origin is drawn again, the same. With that week later than `woken_by` the
// returned `due` lacks the race's processes, and `week` may be a week in which, after all, none can fire
// (rounding: see below), never earlier than the true one: the caller wakes it at `woken_by` either way.
Next next_events(const WeekView& v, const Who& who, const Household& h, int woken_by) {
  const int origin = h.origin;
  // The processes in the race's order: each one's probability in the race's week, known now for constant
  // ones; an escalation's depends on the problem's age then (curve != nullptr).
  struct Entry {
    std::uint32_t bit;
    double p;
    const EscalationCurve* curve;
    int age;
  };
  std::array<Entry, 1 + 3 * kMaxDomains> entries;  // filled up to `count`, never read beyond
  std::size_t count = 0;
  // The race: total hazard L + B (2k + 1) in the k-th week from the origin (k = 0, 1, ...), so a cumulative
  // hazard over n weeks of L n + B n (n - 1).
  double linear = 0, quadratic = 0;
  // Trust as it stands at the origin; the same at the contact clock's origin (a change would have reset
  // both).
  const std::uint8_t trust = v.model->trust_level(who.nbh, h.trust_base, origin - h.trust_week);
  each_process(
      v, who, h, origin, trust, 1.0,
      [&](std::uint32_t bit, double p, double log_stay) {
        linear -= log_stay;
        entries[count++] = {bit, p, nullptr, 0};
      },
      [&](std::uint32_t bit, const EscalationCurve& c, int age) {
        linear += c.hazard(age);
        quadratic += 0.5 * c.base * c.growth;
        entries[count++] = {bit, 0.0, &c, age};
      });
  Next n;
  Uniforms u(v, who, origin, Stream::Clock);
  const double e = -std::log(u.next());
  const double b = linear - quadratic;
  // The first n with L n + B n (n - 1) > e is floor(r) + 1, r the positive root of B n^2 + (L - B) n = e
  // (written without cancellation); the race's week is origin + floor(r).
  // r >= 0 (e >= 0 over a denominator >= 0), and infinity when nothing can fire.
  const double r = e > 0 ? 2.0 * e / (b + std::sqrt(b * b + 4.0 * quadratic * e)) : 0.0;
  n.week = week_after(origin, r);
  if (n.week > woken_by) {
    // Woken by a deterministic event first: which of the race's processes fire is not needed.
  } else if (n.week < kNever && count == 1) {
    n.due = entries[0].bit;  // the race's one process fires then: nothing to draw
  } else if (n.week < kNever) {
    // Which fire in that week, given that one does.
    const int k = n.week - origin;
    double none = 1;
    for (std::size_t i = 0; i < count; ++i) {
      Entry& x = entries[i];
      if (x.curve) x.p = x.curve->probability(x.age + k);
      none *= 1.0 - x.p;
    }
    // The first to fire among entries [from, count), given that one does (p_any = 1 - prod (1 - p)).
    auto first_of = [&](std::size_t from, double p_any) {
      const double target = u.next() * p_any;
      double before = 1, cumulative = 0;
      std::size_t first = count;
      for (std::size_t i = from; i < count; ++i) {
        cumulative += entries[i].p * before;
        before *= 1.0 - entries[i].p;
        if (entries[i].p > 0) first = i;  // the last possible one, should rounding leave the target unreached
        if (target < cumulative) break;
      }
      return first;
    };
    std::size_t first = first_of(0, 1.0 - none);
    if (first == count) n.week = kNever;  // nothing can fire after all
    // The later ones fire independently: whether any does (one uniform), and if so which first, again.
    while (first < count) {
      n.due |= entries[first].bit;
      double rest = 1;
      for (std::size_t i = first + 1; i < count; ++i) rest *= 1.0 - entries[i].p;
      if (!fires(u.next(), 1.0 - rest)) break;
      first = first_of(first + 1, 1.0 - rest);
    }
  }
  if (has_contact(v, who, h)) {
    const auto c = v.rng->block(who.id, h.contact_origin, Stream::ContactClock);
    const int contact = first_week(unit(c[0]), h.contact_origin, v.model->contact_log_stay(trust));
    if (contact < n.week) {
      n = {contact, due::bit(due::kCoachContact)};
    } else if (contact == n.week && contact < kNever) {
      n.due |= due::bit(due::kCoachContact);
    }
  }
  return n;
}

// Weeks of the household's deterministic events from `after` on: the end of the relapse window, the coach
// closing the case, a bounce leaving the two-year memory of the survey measure, a step of trust's recovery
// while trust matters. (A referral reaching its agency is the driver's: arrive.)
int next_deterministic(const WeekView& v, const Who& who, const Household& h, int after) {
  const Model& m = *v.model;
  int week = kNever;
  if (trust_matters(h))
    week = std::min(week, m.trust_change_week(who.nbh, h.trust_base, h.trust_week, after));
  const Coaches& c = m.scenario().coaches;
  if (h.coach() == CoachStatus::Closed)
    week = std::min(week, std::max(after, h.coach_week + c.relapse_weeks));
  if (h.coach() == CoachStatus::Active) {  // the coach closes the case: quiet long enough, or its maximum
    week = std::min(week, std::max(after, h.coach_week + c.max_weeks));
    if (h.quiet_since != kNever)
      week = std::min(week, std::max(after, h.quiet_since + c.close_after_quiet_weeks));
  }
  if (h.last_bounce != kNever && h.last_bounce + kBounceMemoryWeeks >= after)
    week = std::min(week, h.last_bounce + kBounceMemoryWeeks);
  return week;
}

// ---- What happens to a household
// ---------------------------------------------------------------------------

// Only the traced household pays for formatting; everybody else pays one compare.
template <class... Args>
inline void note_as(const WeekView& v, const Who& who, WeekTally& t, TraceEvent::Kind kind,
                    fmt::format_string<Args...> f, Args&&... args) {
  if (t.trace != nullptr && who.id == v.traced)
    t.trace->push_back({v.week, fmt::format(f, std::forward<Args>(args)...), kind});
}
template <class... Args>
inline void note(const WeekView& v, const Who& who, WeekTally& t, fmt::format_string<Args...> f,
                 Args&&... args) {
  note_as(v, who, t, TraceEvent::Kind::Other, f, std::forward<Args>(args)...);
}

// What happened to the household, for a run that asks (`wijksim trace --pick`); one compare otherwise.
inline void mark(const WeekView& v, const Who& who, std::uint16_t what) {
  if (v.happened != nullptr) v.happened[who.id] |= what;
}

const std::string& dname(const WeekView& v, int d) {
  return v.model->scenario().domains[d].name;
}
const std::string& aname(const WeekView& v, int a) {
  return v.model->scenario().agencies[a].label;
}

void book(const WeekView& v, const Who& who, WeekTally& t, int payer, CostCategory c, Cents amount,
          const char* what) {
  t.book(payer, c, amount);
  // A cost of nothing (an escalation whose cost is booked elsewhere, as social assistance's in its spell) is
  // not a line of the trace: it showed "cost € 0,00 escalation on municipality".
  if (t.trace != nullptr && who.id == v.traced && amount != 0)
    t.trace->push_back({v.week,
                        fmt::format("  cost {} {} on {}", format_euro_cents(amount / 100.0), what,
                                    v.model->scenario().payers[payer].label),
                        TraceEvent::Kind::Cost, amount});
}

void close_duplicate(Problem& p, WeekTally& t) {
  if (p.duplicate == kNoAgency) return;
  --t.duplicates[p.duplicate];
  p.duplicate = kNoAgency;
}

void resolve(const WeekView& v, const Who& who, Household& h, int d, WeekTally& t, const char* how) {
  Problem& p = h.problems[d];
  if (p.status() == ProblemStatus::Waiting) ++t.left_waiting[p.agency];
  close_duplicate(p, t);
  note_as(v, who, t, TraceEvent::Kind::Resolved, "{} problem resolved ({})", dname(v, d), how);
  p.clear();
  --h.active_count;
  ++t.resolved;
}

int choose_agency(const WeekView& v, const Who& who, int d) {
  const DomainModel& dm = v.model->domain(d);
  auto r = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::Referral,
                        static_cast<std::uint32_t>(d));
  return dm.agencies[pick(unit(r[0]), dm.agencies.size())];
}

// The household (or the coach's referral) reaches the agency: intake, perhaps a duplicate case, onto the
// waiting list.
void arrive_at_agency(const WeekView& v, const Who& who, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const Scenario& s = m.scenario();
  Problem& p = h.problems[d];
  const int a = p.agency;
  const AgencyModel& am = m.agency(a);
  const bool priority = p.has(Problem::kPriority);
  if (!priority) {
    if (am.activity_funded) book(v, who, t, am.payer, CostCategory::Intake, am.intake_cost, "intake");
    ++t.intakes[a];
  }
  const bool coordinated = h.coach() == CoachStatus::Active && h.has(Household::kCoordinated);
  const DomainModel& dm = m.domain(d);
  if (p.has(Problem::kComplex) && !coordinated && dm.agencies.size() > 1 && p.duplicate == kNoAgency) {
    // Fragmented help: another agency opens its own case for the same problem (its own intake, its own plan).
    auto r = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::Referral,
                          static_cast<std::uint32_t>(d));
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
      note(v, who, t, "{} problem: {} opens a duplicate case", dname(v, d), aname(v, p.duplicate));
      if (dup.activity_funded)
        book(v, who, t, dup.payer, CostCategory::Intake, dup.intake_cost, "duplicate intake");
      ++t.intakes[p.duplicate];
    }
  }
  p.set_status(ProblemStatus::Waiting);
  if (p.has(Problem::kViaCoach)) ++t.coach_referrals[a];
  t.joins.push_back({who.id, p.onset(), static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(a),
                     static_cast<std::uint8_t>(priority ? 1 : 0)});
  note(v, who, t, "{} problem: on the waiting list of {}{}", dname(v, d), aname(v, a),
       priority ? " (priority)" : "");
}

// On its way to agency a, arriving `delay` weeks from now (at once when 0).
void set_out(const WeekView& v, const Who& who, Household& h, int d, int a, int delay, WeekTally& t) {
  Problem& p = h.problems[d];
  p.agency = static_cast<std::uint8_t>(a);
  p.set_status(ProblemStatus::Seeking);
  delay = std::clamp(delay, 0, 255);
  if (delay == 0) return arrive_at_agency(v, who, h, d, t);
  // The driver carries out the arrival in its week (arrive): the household's chances do not change with
  // it, so the household need not wake for it.
  t.arrivals.push_back(
      {who.id, p.onset(), static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(a), v.week + delay});
}

// The household seeks help on its own: perhaps at the wrong door first (bounces), then the right one; after
// max_bounces wrong doors in a row it gives up this search (the problem stays unnoticed; it may seek again).
void seek_help(const WeekView& v, const Who& who, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const Fragmentation& f = m.scenario().fragmentation;
  const DomainModel& dm = m.domain(d);
  int bounces = 0;
  for (int k = 0; k < f.max_bounces && !dm.other_agencies.empty(); ++k) {
    auto b = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::Bounce,
                          static_cast<std::uint32_t>(d * 16 + k));
    if (unit(b[0]) >= f.wrong_agency_probability) break;
    int wrong = dm.other_agencies[pick(unit(b[1]), dm.other_agencies.size())];
    const AgencyModel& am = m.agency(wrong);
    note_as(v, who, t, TraceEvent::Kind::Bounce, "{} problem: asked {}, which does not serve it (bounce)",
            dname(v, d), aname(v, wrong));
    if (am.activity_funded)
      book(v, who, t, am.payer, CostCategory::Intake, am.intake_cost, "intake at the wrong agency");
    ++t.intakes[wrong];
    add_trust(v, who, h, -f.bounce_trust_loss);
    ++bounces;
  }
  if (bounces > 0) {
    h.last_bounce = static_cast<std::uint16_t>(v.week);
    mark(v, who, happened::kBounced);
  }
  t.bounces += bounces;
  if (bounces == f.max_bounces) {
    ++t.gave_up;
    note(v, who, t, "{} problem: gives up after {} wrong doors", dname(v, d), bounces);
    return;
  }
  const int a = choose_agency(v, who, d);
  const int delay = f.search_weeks + bounces * f.bounce_weeks + m.agency(a).intake_weeks;
  note(v, who, t, "{} problem: seeks help at {}, arrives in {} weeks", dname(v, d), aname(v, a),
       std::min(delay, 255));
  set_out(v, who, h, d, a, delay, t);
}

// The coach notices a problem: solves a simple one, refers a complex one.
void coach_takes_up(const WeekView& v, const Who& who, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const Coaches& c = m.scenario().coaches;
  Problem& p = h.problems[d];
  if (!p.has(Problem::kComplex)) {
    p.set_status(ProblemStatus::FirstLine);
    note(v, who, t, "{} problem noticed by the coach: solved in the first line", dname(v, d));
    return;
  }
  const auto n = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::CoachNotice,
                              static_cast<std::uint32_t>(d));
  const int a = choose_agency(v, who, d);
  const AgencyModel& am = m.agency(a);
  if (unit(n[1]) < c.going_native_probability) {
    // The coach pushes the household's request; the agency assesses it and turns it down.
    note(v, who, t, "{} problem: coach pushes a referral that {} rejects", dname(v, d), aname(v, a));
    if (am.activity_funded)
      book(v, who, t, am.payer, CostCategory::Intake, am.intake_cost, "intake of a rejected referral");
    ++t.intakes[a];
    return;
  }
  const auto r = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::Referral,
                              static_cast<std::uint32_t>(d));
  const Agency& ag = m.scenario().agencies[a];
  const bool present = (v.team(who).present_agencies >> a) & 1u;
  const bool honoured = present && unit(r[2]) < c.mandate_probability * ag.cooperation;
  p.set(Problem::kViaCoach, true);
  if (honoured) {
    p.set(Problem::kPriority, true);
    note(v, who, t, "{} problem: coach refers to {}, mandate honoured (no intake, priority)", dname(v, d),
         aname(v, a));
    set_out(v, who, h, d, a, 0, t);
  } else {
    const int delay = am.intake_weeks + (unit(r[3]) < c.privacy_probability ? c.privacy_delay_weeks : 0);
    note(v, who, t, "{} problem: coach refers to {}, normal route, arrives in {} weeks", dname(v, d),
         aname(v, a), std::min(delay, 255));
    set_out(v, who, h, d, a, delay, t);
  }
}

void close_coach_case(const WeekView& v, const Who& who, Household& h, WeekTally& t, const char* why) {
  for (Problem& p : h.problems)
    if (p.status() == ProblemStatus::FirstLine) p.set_status(ProblemStatus::Unnoticed);
  const int team = who.team;
  t.coach_closed_weeks += v.week - h.coach_week;  // weeks in the caseload, from its admission
  h.set_coach(CoachStatus::Closed);
  h.coach_week = static_cast<std::uint16_t>(v.week);
  h.quiet_since = kNever;
  ++t.coach_closed[static_cast<std::size_t>(team)];
  note(v, who, t, "coach closes the case ({})", why);
}

void treatment_ends(const WeekView& v, const Who& who, Household& h, int d, WeekTally& t) {
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
  const auto e = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::ProblemEvent,
                              static_cast<std::uint32_t>(d));
  ++t.treatments_ended;
  if (unit(e[0]) < success) {
    add_trust(v, who, h, s.fragmentation.success_trust_gain);
    note(v, who, t, "{} problem: treatment at {} succeeded", dname(v, d), aname(v, a));
    resolve(v, who, h, d, t, "treatment");
  } else {
    ++t.treatments_failed;
    add_trust(v, who, h, -s.fragmentation.failure_trust_loss);
    note(v, who, t, "{} problem: treatment at {} ended without solving it", dname(v, d), aname(v, a));
    p.agency = kNoAgency;
    close_duplicate(p, t);
    p.set(Problem::kPriority, false);
    p.set(Problem::kViaCoach, false);
    p.set_status(ProblemStatus::Unnoticed);
  }
}

// Social assistance: the household enters a spell (each_process leaves out a second inflow while it lasts),
// and it is not in paid work (rung 5 or 6) while it receives it.
void start_spell(const WeekView& v, const Who& who, Household& h, WeekTally& t) {
  h.set(Household::kInSpell, true);
  if (h.rung > 4) h.rung = 4;
  ++t.spell_starts;
  mark(v, who, happened::kSpell);
  note(v, who, t, "enters a spell of {}",
       v.model->scenario().domains[v.model->spell_domain()].escalation_event);
}

void end_spell(const WeekView& v, const Who& who, Household& h, WeekTally& t, const char* why) {
  h.set(Household::kInSpell, false);
  ++t.spell_exits;
  note(v, who, t, "leaves its spell ({})", why);
}

void escalate(const WeekView& v, const Who& who, Household& h, int d, WeekTally& t) {
  const Model& m = *v.model;
  const DomainModel& dm = m.domain(d);
  Problem& p = h.problems[d];
  ++t.escalations[d];
  mark(v, who, static_cast<std::uint16_t>(happened::kEscalation << d));
  note_as(v, who, t, TraceEvent::Kind::Escalation, "{} problem escalates: {}", dname(v, d),
          m.scenario().domains[d].escalation_event);
  book(v, who, t, dm.escalation_payer, CostCategory::Escalation, dm.escalation_cost, "escalation");
  p.set(Problem::kComplex, true);  // after an eviction or a crisis, the first line no longer suffices
  const auto e = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::ProblemEvent,
                              static_cast<std::uint32_t>(d));
  if (h.rung > 1 && unit(e[1]) < m.scenario().ladder.escalation_drop_probability) --h.rung;
  if (d == m.spell_domain()) start_spell(v, who, h, t);
}

// A problem's events of the week: its escalation, then its own transition (resolution first).
void step_problem(const WeekView& v, const Who& who, Household& h, int d, std::uint32_t due, bool coached,
                  WeekTally& t) {
  Problem& p = h.problems[d];
  const ProblemStatus status = p.status();
  if (due & due::bit(due::kEscalation, d)) escalate(v, who, h, d, t);
  const bool a = due & due::bit(due::kClockA, d), b = due & due::bit(due::kClockB, d);
  switch (status) {
    case ProblemStatus::Unnoticed:
      if (a) return resolve(v, who, h, d, t, "by itself");
      // A coach client's problems are found by the coach (coach_step), not by the household's own search.
      if (b && !coached) seek_help(v, who, h, d, t);
      return;
    case ProblemStatus::Seeking:  // it reaches the agency in the driver's part of its arrival week
      if (a) return resolve(v, who, h, d, t, "by itself");
      return;
    case ProblemStatus::Waiting:
      if (a) return resolve(v, who, h, d, t, "by itself, while waiting");
      return;
    case ProblemStatus::Treatment:
      if (a) treatment_ends(v, who, h, d, t);
      return;
    case ProblemStatus::FirstLine:
      if (a) return resolve(v, who, h, d, t, "by itself");
      if (b && coached) {
        ++t.resolved_by_coach;
        return resolve(v, who, h, d, t, "solved by the coach");
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
  std::uint8_t trust;  // its level at the start of the week
};

void life_event(const WeekView& v, const Who& who, Household& h, const WeekStart& start, WeekTally& t) {
  const Model& m = *v.model;
  const LifeRates& r = m.life(who.nbh, start.coach == CoachStatus::Closed, start.rung, start.active_count);
  double climb = r.climb;
  if (start.coach == CoachStatus::Active && start.rung < kRungs)
    climb += m.scenario().coaches.activation_per_year * v.team(who).effectiveness;
  double total = climb + r.drop;
  for (int d = 0; d < m.domains(); ++d)
    if (!((start.mask >> d) & 1u)) total += r.incidence[d];
  const auto u = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::LifeEvent);
  double x = unit(u[1]) * total;
  for (int d = 0; d < m.domains(); ++d) {
    if ((start.mask >> d) & 1u) continue;
    x -= r.incidence[d];
    if (x < 0) {
      Problem& p = h.problems[d];
      p.clear();
      p.set_status(ProblemStatus::Unnoticed);
      p.set(Problem::kComplex, unit(u[2]) < m.domain(d).complex_share);
      p.set_onset(v.week);
      ++h.active_count;
      ++t.new_problems;
      note_as(v, who, t, TraceEvent::Kind::NewProblem, "new {} {} problem",
              p.has(Problem::kComplex) ? "complex" : "simple", dname(v, d));
      return;
    }
  }
  x -= climb;
  if (x < 0) {
    if (h.rung < kRungs) {
      ++h.rung;
      note(v, who, t, "climbs to rung {} of the participation ladder", h.rung);
      if (h.rung == 5 && h.has(Household::kInSpell)) end_spell(v, who, h, t, "paid work");
    }
  } else if (h.rung > 1) {
    --h.rung;
    note(v, who, t, "drops to rung {} of the participation ladder", h.rung);
  }
}

// The coach's part of the week. Returns true when the household's hazards changed.
bool coach_step(const WeekView& v, const Who& who, Household& h, std::uint32_t due, const WeekStart& start,
                WeekTally& t) {
  const Model& m = *v.model;
  const Coaches& c = m.scenario().coaches;
  switch (h.coach()) {
    case CoachStatus::None:
    case CoachStatus::Closed: {
      if (!(due & due::bit(due::kCoachContact)) || h.active_count == 0) return false;
      // Coaches go behind front doors only while they have room; a household that asks is always listed.
      const auto u = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::CoachContact);
      const bool asked = unit(u[0]) < m.self_referral_share(start.trust);
      if (!asked && !v.team(who).room) return false;
      const bool was_closed = h.coach() == CoachStatus::Closed;  // its relapse window ends: hazards change
      h.set_coach(CoachStatus::Waiting);
      h.set(Household::kEverListed, true);
      h.coach_week = static_cast<std::uint16_t>(v.week);
      t.coach_requests.push_back(who.id);
      note(v, who, t, "{}; waits for a place",
           asked ? "asks a coach for help" : "found by a coach's outreach");
      return was_closed;
    }
    case CoachStatus::Waiting:
      if (h.active_count == 0) {
        h.set_coach(CoachStatus::None);
        ++t.coach_left_queue[static_cast<std::size_t>(who.team)];
        note(v, who, t, "leaves the coach's waiting list: nothing left to help with");
      }
      return false;
    case CoachStatus::Active: {
      for (int d = 0; d < m.domains(); ++d)
        if (h.problems[d].status() == ProblemStatus::Unnoticed && (due & due::bit(due::kClockB, d)))
          coach_takes_up(v, who, h, d, t);
      if (due & due::bit(due::kTrustGain)) {
        add_trust(v, who, h, Model::kTrustStep / 255.0);
        // Said, so that a coach's step reads apart from trust's own recovery (an outside audit's reading).
        note(v, who, t, "the coach builds trust: trust {}", format_dutch(h.trust_base / 255.0, 2));
      }
      if (h.active_count == 0) {
        if (h.quiet_since == kNever) h.quiet_since = static_cast<std::uint16_t>(v.week);
        if (v.week - h.quiet_since >= c.close_after_quiet_weeks) {
          close_coach_case(v, who, h, t, "nothing active");
          return true;
        }
      } else {
        h.quiet_since = kNever;
      }
      if (v.week - h.coach_week >= c.max_weeks) close_coach_case(v, who, h, t, "maximum duration");
      return true;
    }
  }
  return false;
}

}  // namespace

namespace {
// Sleeps until its next event from its clocks' origin, or its next deterministic event from `after` on.
void schedule(const WeekView& v, const Who& who, Household& h, std::uint16_t& wake, int after) {
  const int deterministic = next_deterministic(v, who, h, after);
  const Next next = next_events(v, who, h, deterministic);
  h.due = deterministic < next.week ? 0u : next.due;
  wake = static_cast<std::uint16_t>(std::min({next.week, deterministic, static_cast<int>(kNever)}));
}

}  // namespace

void start_coach_contact(const WeekView& v, const Who& who, Household& h, std::uint16_t& wake, int week) {
  if (h.due & due::kDueNow) return;
  h.contact_origin = static_cast<std::uint16_t>(week);
  // Its race from its origin is what it was (it has slept since), so its week is still `wake` or later.
  schedule(v, who, h, wake, week);
}

void reschedule(const WeekView& v, const Who& who, Household& h, std::uint16_t& wake, int from) {
  h.origin = h.contact_origin = static_cast<std::uint16_t>(from);
  schedule(v, who, h, wake, from);
}

void arrive(const WeekView& v, const Arrival& a, Household& h, WeekTally& t) {
  const Problem& p = h.problems[a.domain];
  const bool live = p.status() == ProblemStatus::Seeking && p.onset() == a.onset && p.agency == a.agency;
  if (!live) return;  // resolved on the way
  // Not stepped this week, or stepped with this week's trust: either way counted with this week's level.
  const Who who = v.who(a.household);
  t.counts.add(h, v.trust(who, h), -1);
  arrive_at_agency(v, who, h, a.domain, t);
  t.counts.add(h, v.trust(who, h), +1);
}

void wake_afresh(Household& h, std::uint16_t& wake, int week) {
  h.due = due::kDueNow;
  h.origin = h.contact_origin = static_cast<std::uint16_t>(week);
  wake = static_cast<std::uint16_t>(std::min(week, static_cast<int>(kNever)));
}

void admit_to_coach(const WeekView& v, const Who& who, Household& h, WeekTally& t) {
  const Coaches& c = v.model->scenario().coaches;
  const auto u = v.rng->block(who.id, static_cast<std::uint32_t>(v.week), Stream::CoachContact);
  t.counts.add(h, v.trust(who, h), -1);
  h.set_coach(CoachStatus::Active);
  h.set(Household::kEverCoached, true);
  mark(v, who, happened::kCoached);
  h.coach_week = static_cast<std::uint16_t>(v.week);
  h.quiet_since = kNever;
  h.set(Household::kCoordinated, unit(u[1]) < c.coordination);
  note(v, who, t, "admitted to the coach's caseload ({})",
       h.has(Household::kCoordinated) ? "coordination works" : "coach added beside the agencies");
  if (h.has(Household::kCoordinated))
    for (int d = 0; d < v.model->domains(); ++d) {  // the coach stops the duplicate cases
      Problem& p = h.problems[d];
      if (p.duplicate != kNoAgency)
        note(v, who, t, "{} problem: the duplicate case at {} is closed (the coach coordinates)", dname(v, d),
             aname(v, p.duplicate));
      close_duplicate(p, t);
    }
  t.counts.add(h, v.trust(who, h), +1);
}

void step_household(const WeekView& v, const Who& who, Household& h, std::uint16_t& wake, WeekTally& t) {
  const Model& m = *v.model;
  const int w = v.week;
  ++t.stepped;
  // Its contribution to the measures, taken out and put back below as it is after the week. It was counted
  // with its trust of last week: where trust matters its level cannot have changed since it was last
  // stepped without waking it (next_deterministic).
  const std::uint8_t counted_trust = m.trust_level(who.nbh, h.trust_base, w - 1 - h.trust_week);
  t.counts.add(h, counted_trust, -1);
  const std::uint8_t trust_now = v.trust(who, h);
  const bool trust_moved = trust_matters(h) && trust_now != counted_trust;

  // A week in which trust takes a recovery step is decided afresh, with the new level: the race drew it with
  // the old one.
  std::uint32_t due = h.due;
  const bool afresh = (due & due::kDueNow) != 0 || trust_moved;
  if (afresh) {
    due = due_this_week(v, who, h, w, trust_now);
  } else if (h.coach() == CoachStatus::Active) {
    due = thin_coach_candidates(v, who, h, due);
  }
  const WeekStart start{h.rung, h.active_count, h.active_mask(), h.coach(), trust_now};
  const bool coached = start.coach == CoachStatus::Active;

  // Anything but being found by a coach changes what the household's processes' probabilities are.
  bool changed = trust_moved || (due & ~due::bit(due::kCoachContact)) != 0;
  for (unsigned active = start.mask; active != 0; active &= active - 1)  // its problems, by domain
    step_problem(v, who, h, std::countr_zero(active), due, coached, t);
  if (due & due::bit(due::kLife)) life_event(v, who, h, start, t);
  if ((due & due::bit(due::kSpellExit)) && h.has(Household::kInSpell))
    end_spell(v, who, h, t, "leaves benefit");
  if (v.coaches_on) changed |= coach_step(v, who, h, due, start, t);

  // The week's deterministic events, at its end: the relapse window closes; a bounce leaves the survey's
  // two-year memory (a referral reaching its agency was handled with its problem).
  if (h.coach() == CoachStatus::Closed && w >= h.coach_week + m.scenario().coaches.relapse_weeks) {
    h.set_coach(CoachStatus::None);
    note(v, who, t, "the relapse window ends ({} weeks after the coach closed the case)",
         m.scenario().coaches.relapse_weeks);
    changed = true;
  }
  h.set(Household::kCountedBounced, h.last_bounce != kNever && w - h.last_bounce < kBounceMemoryWeeks);
  // Its trust after the week: an experience this week set it (add_trust: trust_week is this week, and the
  // level is trust_base), or it is this week's level as at the start.
  t.counts.add(h, h.trust_week == w ? h.trust_base : trust_now, +1);

  // Until when it sleeps. Decided afresh this week, or changed, its clocks count from next week; otherwise
  // they count on from their origin (the race had not reached this week: only the coach contact or a
  // deterministic event happened).
  if (changed || afresh) return reschedule(v, who, h, wake, w + 1);
  if (due & due::bit(due::kCoachContact)) h.contact_origin = static_cast<std::uint16_t>(w + 1);
  schedule(v, who, h, wake, w + 1);
}

}  // namespace wijksim
