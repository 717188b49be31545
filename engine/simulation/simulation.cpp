#include "wijksim/simulation/simulation.h"

#include <fmt/format.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/error.h"
#include "wijksim/simulation/household_step.h"
#include "wijksim/simulation/population.h"
#include "wijksim/simulation/waiting_list.h"

namespace wijksim {

namespace {

// A coach team's fixed characteristics for this replication.
struct Team {
  double fte = 0;  // in the current step of the scale-up (0 before the team starts)
  int cap = 0;
  int caseload = 0;
  int waiting = 0;
  double intake_credit = 0;  // new households the team may still take on (coaches.new_cases_per_fte_week)
  WaitingList<CoachQueueEntry> queue;
};

// The households from begin to end whose wake-up week is `week`, in order, into `out`; returns how many.
// Eight at a time where SSE2 is there (every x86-64): one compare for eight households that sleep.
int find_awake(const std::uint16_t* wake, int begin, int end, std::uint16_t week, std::uint32_t* out) {
  int n = 0;
  int id = begin;
#if defined(__SSE2__)
  const __m128i w = _mm_set1_epi16(static_cast<short>(week));
  for (; id + 8 <= end; id += 8) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(wake + id));
    unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi16(x, w)));
    while (bits) {  // two mask bits per household
      const int lane = std::countr_zero(bits) / 2;
      out[n++] = static_cast<std::uint32_t>(id + lane);
      bits &= bits - 1;
      bits &= bits - 1;
    }
  }
#endif
  for (; id < end; ++id) {
    out[n] = static_cast<std::uint32_t>(id);
    n += wake[id] == week;
  }
  return n;
}

class Run {
 public:
  Run(const Model& m, const RunRequest& req)
      : m_(&m),
        s_(&m.scenario()),
        warmup_rng_(req.seed, 0, req.replication),
        policy_rng_(req.seed, req.draw, req.replication),
        req_(req) {
    n_ = s_->population.households;
    if (s_->warmup_weeks() + s_->weeks() >= kNever) throw Error("warm-up plus horizon exceeds 65,534 weeks");
    chunks_ = (n_ + kChunkHouseholds - 1) / kChunkHouseholds;
    tallies_.resize(static_cast<std::size_t>(chunks_));
    lists_.resize(static_cast<std::size_t>(m.agencies()) * 2);
    waiting_.assign(static_cast<std::size_t>(m.agencies()), 0);
    in_treatment_.assign(static_cast<std::size_t>(m.agencies()), 0);
    capacity_.resize(static_cast<std::size_t>(m.agencies()));
    for (int a = 0; a < m.agencies(); ++a) capacity_[a] = m.agency(a).capacity;
    setup_teams();
    result_.draw = req.draw;
    result_.replication = req.replication;
    result_.teams = n_teams_;
  }

  // The warm-up: the drawn population under the fragmented baseline (no coaches), up to the policy start.
  void warm_up() {
    initialise();
    for (int w = 1; w <= s_->warmup_weeks(); ++w) step_week(w, false);
  }

  // Continues, from the end of the warm-up, as another scenario with the same population and baseline
  // (shares_warmup): its coach teams, its policy.
  void switch_to(const Model& m, std::uint32_t draw) {
    m_ = &m;
    s_ = &m.scenario();
    req_.draw = draw;
    result_.draw = draw;
    policy_rng_ = RandomStreams(req_.seed, draw, req_.replication);
    setup_teams();
    result_.teams = n_teams_;
    driver_.reset(n_teams_);
    const bool tracing = req_.traced < static_cast<std::uint32_t>(n_);
    for (WeekTally& t : tallies_) t.trace = nullptr;
    if (tracing) tallies_[req_.traced / kChunkHouseholds].trace = &result_.trace;
    driver_.trace = tracing ? &result_.trace : nullptr;
  }

  // The policy period: week 0 is the state at the end of the warm-up.
  RunResult policy() {
    const int warmup = s_->warmup_weeks();
    const int last = warmup + s_->weeks();
    result_.weeks.reserve(static_cast<std::size_t>(s_->weeks() + 1));
    result_.team_caseload_per_fte.reserve(static_cast<std::size_t>(s_->weeks()) * n_teams_);
    record_.week = 0;
    result_.weeks.push_back(record_);
    for (int w = warmup + 1; w <= last; ++w) {
      if (w == warmup + 1) start_policy(w);
      step_week(w, true);
      record_.week = w - warmup;
      result_.weeks.push_back(record_);
      for (const Team& t : teams_)
        // A team that has not started yet (the scale-up's schedule) has no caseload per FTE: NaN.
        result_.team_caseload_per_fte.push_back(
            static_cast<float>(t.fte > 0 ? t.caseload / t.fte : std::numeric_limits<double>::quiet_NaN()));
    }
    check_counts();
    result_.checksum = checksum();
    result_.households_stepped = stepped_;
    return std::move(result_);
  }

 private:
  // Coach teams, each serving a contiguous block of households: one per neighbourhood, or (in a population of
  // one neighbourhood) coaches.teams equal blocks. Without coaches, one team that never acts.
  void setup_teams() {
    const Coaches& c = s_->coaches;
    team_first_.clear();
    if (c.enabled && m_->neighbourhoods() > 1) {
      n_teams_ = m_->neighbourhoods();
      for (int t = 0; t < n_teams_; ++t) team_first_.push_back(m_->first_household(t));
    } else {
      n_teams_ = c.enabled ? std::max(1, c.teams) : 1;
      for (int t = 0; t < n_teams_; ++t)
        team_first_.push_back(
            static_cast<std::uint32_t>((static_cast<std::int64_t>(n_) * t + n_teams_ - 1) / n_teams_));
    }
    team_first_.push_back(static_cast<std::uint32_t>(n_));
    teams_.resize(static_cast<std::size_t>(n_teams_));
    team_views_.resize(static_cast<std::size_t>(n_teams_));
    for (int t = 0; t < n_teams_; ++t) {
      Team& team = teams_[t];
      TeamView& view = team_views_[t];
      if (!c.enabled) continue;
      team.fte = 0;  // set by the scale-up's step that starts it (apply_phase)
      team.cap = 0;
      view.active = false;
      // Jack-of-all-trades: each team's competence scatters around the mean by competence_spread.
      for (int d = 0; d < m_->domains(); ++d) {
        auto b = policy_rng_.block(static_cast<std::uint32_t>(t), 0, Stream::TeamCompetence, d);
        view.notice_p[d] = std::clamp(
            c.notice_per_week[d] + c.competence_spread * standard_normal(RandomStreams::to_unit(b[0]),
                                                                         RandomStreams::to_unit(b[1])),
            0.0, 1.0);
        view.solve_p[d] = std::clamp(
            c.solve_per_week[d] + c.competence_spread * standard_normal(RandomStreams::to_unit(b[2]),
                                                                        RandomStreams::to_unit(b[3])),
            0.0, 1.0);
      }
      view.present_agencies = 0;
      for (int a = 0; a < m_->agencies(); ++a) {
        auto b = policy_rng_.block(static_cast<std::uint32_t>(a), 0, Stream::AgencyPresence, t);
        if (RandomStreams::to_unit(b[0]) < s_->agencies[a].presence) view.present_agencies |= 1u << a;
      }
    }
  }

  WeekView view(int week, bool policy) const {
    WeekView v;
    v.model = m_;
    v.rng = policy ? &policy_rng_ : &warmup_rng_;
    v.teams = team_views_.data();
    v.team_first = team_first_.data();
    v.n_teams = n_teams_;
    v.week = week;
    v.coaches_on = policy && s_->coaches.enabled;
    v.traced = req_.traced;
    if (policy) v.happened = happened_;
    return v;
  }

  void initialise() {
    std::vector<QueueJoin> joins;
    draw_population(*m_, warmup_rng_, households_, joins);
    wake_.assign(static_cast<std::size_t>(n_), 0);
    const bool tracing = req_.traced < static_cast<std::uint32_t>(n_);
    for (int c = 0; c < chunks_; ++c) {
      tallies_[c].trace = nullptr;
      tallies_[c].reset(n_teams_);
    }
    if (tracing) tallies_[req_.traced / kChunkHouseholds].trace = &result_.trace;
    driver_.trace = tracing ? &result_.trace : nullptr;
    driver_.reset(n_teams_);
    // Every household decides its first week afresh; the survey measures start from everybody's share.
    counts_ = HouseholdCounts{};
    dup_open_.assign(static_cast<std::size_t>(m_->agencies()), 0);
    for (int id = 0; id < n_; ++id) {
      Household& h = households_[static_cast<std::size_t>(id)];
      wake_afresh(h, wake_[static_cast<std::size_t>(id)], 1);
      counts_.add(h, h.trust_base, +1);  // week 0: trust as drawn
      for (const Problem& p : h.problems)
        if (p.duplicate != kNoAgency) ++dup_open_[p.duplicate];
    }

    WeekView v = view(0, false);
    record_ = WeekRecord{};
    for (const QueueJoin& j : joins) push_join(j, 0);
    admit(v);
    record_.households = measures();
    result_.initial = record_.households;
    if (tracing) trace_state(0);
  }

  HouseholdMeasures measures() const {
    HouseholdMeasures hm;
    static_cast<HouseholdCounts&>(hm) = counts_;
    hm.households = n_;
    return hm;
  }

  void push_join(const QueueJoin& j, int week) {
    lists_[static_cast<std::size_t>(j.agency) * 2 + (j.priority ? 0 : 1)].push(
        {j.household, j.onset, static_cast<std::uint16_t>(week), j.domain});
    ++waiting_[j.agency];
    ++record_.agencies[j.agency].referrals;
  }

  // The policy starts: every household decides its processes afresh, in every scenario alike (with or
  // without coaches), so a comparator and its intervention keep drawing the same numbers from here on
  // wherever the coaches make no difference.
  void start_policy(int w) {
    if (req_.mark_events) {
      result_.happened.assign(static_cast<std::size_t>(n_), 0);
      happened_ = result_.happened.data();
    }
    phase_ = 0;
    apply_phase(w, false);
    for (int id = 0; id < n_; ++id)
      wake_afresh(households_[static_cast<std::size_t>(id)], wake_[static_cast<std::size_t>(id)], w);
  }

  // A step of the scale-up starts in week w: the agencies' capacity, the coaches' FTE over the teams that
  // work (in proportion to their households), and their caps. A team that starts now wakes its households
  // afresh (`wake`): they can meet a coach from now on.
  void apply_phase(int w, bool wake) {
    const CoachPhaseModel& phase = m_->coach_phases()[phase_];
    capacity_ = phase.capacity;
    if (!s_->coaches.enabled) return;
    const int active = std::clamp(phase.teams, 0, n_teams_);
    std::vector<int> starting;
    const std::uint32_t served = team_first_[static_cast<std::size_t>(active)];
    for (int t = 0; t < n_teams_; ++t) {
      Team& team = teams_[t];
      TeamView& view = team_views_[t];
      const bool starts = t < active && !view.active;
      const bool stops = t >= active && view.active;
      view.active = t < active;
      team.fte = view.active && served > 0 ? phase.fte * (team_first_[t + 1] - team_first_[t]) / served : 0.0;
      team.cap = static_cast<int>(std::floor(s_->coaches.caseload_cap_per_fte * team.fte + 1e-9));
      if ((starts || stops) && wake) starting.push_back(t);
    }
    // The households of a team that starts can meet a coach from now on: their coach-contact clock starts
    // this week; their other processes keep their clocks, so they keep drawing the comparator's numbers.
    // Those of a team that stops are scheduled again the same way, now without the contact (has_contact:
    // the team does not work), so a contact drawn while it worked does not fire.
    const WeekView v = view(w, true);
    for (int t : starting)
      for (std::uint32_t id = team_first_[t]; id < team_first_[t + 1]; ++id)
        start_coach_contact(v, v.who(id), households_[id], wake_[id], w);
  }

  void step_week(int w, bool policy) {
    record_ = WeekRecord{};
    // The scale-up's next step, when it starts this week: before the teams' effectiveness and room are
    // set from their caseloads, as the first step is.
    if (policy) {
      const auto& phases = m_->coach_phases();
      const int week = w - s_->warmup_weeks();
      while (phase_ + 1 < phases.size() && week > phases[phase_ + 1].week) {
        ++phase_;
        apply_phase(w, true);
      }
    }
    update_effectiveness(policy);
    // The week's cost of open cases, for every case in treatment and every duplicate case at its start:
    // booked here from the counts, so a household in a long treatment need not wake every week.
    if (policy) {
      // An activity-funded agency is paid per case-week (and per intake, when it happens); a capacity-funded
      // one has its budget per place, used or not.
      for (int a = 0; a < m_->agencies(); ++a) {
        const AgencyModel& am = m_->agency(a);
        const std::size_t payer = static_cast<std::size_t>(am.payer) * kCostCategories;
        if (am.activity_funded)
          record_.cost[payer + static_cast<int>(CostCategory::Treatment)] +=
              in_treatment_[a] * am.cost_per_case_week + dup_open_[a] * am.duplicate_cost_per_week;
        else
          record_.cost[payer + static_cast<int>(CostCategory::Capacity)] +=
              capacity_[a] * am.cost_per_case_week;
      }
      // Social assistance: every household in a spell at the week's start, its administration and the
      // benefit paid (a transfer).
      if (const int d = m_->spell_domain(); d >= 0) {
        const std::size_t payer = static_cast<std::size_t>(m_->domain(d).escalation_payer) * kCostCategories;
        record_.cost[payer + static_cast<int>(CostCategory::Escalation)] +=
            counts_.in_spell * m_->spell_cost_per_week();
        record_.cost[payer + static_cast<int>(CostCategory::Transfer)] +=
            counts_.in_spell * m_->spell_transfer_per_week();
      }
    }
    const WeekView v = view(w, policy);
    tbb::parallel_for(
        tbb::blocked_range<int>(0, chunks_, 1),
        [&](const tbb::blocked_range<int>& r) {
          for (int c = r.begin(); c != r.end(); ++c) step_chunk(v, c);
        },
        tbb::simple_partitioner());
    merge(v, policy);
    if (policy) {
      const auto& coach = m_->coach_phases()[phase_].cost_per_week;
      for (int p = 0; p < m_->payers(); ++p)
        record_.cost[static_cast<std::size_t>(p) * kCostCategories + static_cast<int>(CostCategory::Coach)] +=
            coach[p];
    }
    admit(v);
    if (req_.traced < static_cast<std::uint32_t>(n_)) trace_state(w);
  }

  // Starts fetching household id's state (a household may straddle two cache lines: both). The households
  // a week touches are few and scattered (those awake, those a referral reaches, those admitted from a
  // waiting list), so memory latency, not work, would dominate: each loop over them fetches kFetchAhead
  // households ahead (without it, the first read of a household was half of the arrivals' and of the
  // admissions' time).
  static constexpr std::size_t kFetchAhead = 4;
  void prefetch_household(std::uint32_t id) const {
    const char* h = reinterpret_cast<const char*>(&households_[id]);
    __builtin_prefetch(h);
    __builtin_prefetch(h + sizeof(Household) - 1);
  }

  void step_chunk(const WeekView& v, int c) {
    WeekTally& t = tallies_[c];
    t.reset(n_teams_);
    const int begin = c * kChunkHouseholds;
    const int end = std::min(n_, begin + kChunkHouseholds);
    // Which households have something to do (the rest sleep), then step them, each fetched a few steps ahead
    // (prefetch_household).
    std::array<std::uint32_t, kChunkHouseholds> awake;
    const int n_awake =
        find_awake(wake_.data(), begin, end, static_cast<std::uint16_t>(v.week), awake.data());
    constexpr int kAhead = static_cast<int>(kFetchAhead);
    Who who = v.who(static_cast<std::uint32_t>(begin));
    for (int i = 0; i < n_awake; ++i) {
      if (i + kAhead < n_awake) prefetch_household(awake[static_cast<std::size_t>(i + kAhead)]);
      const std::uint32_t id = awake[static_cast<std::size_t>(i)];
      v.move_to(who, id);
      step_household(v, who, households_[id], wake_[id], t);
      // A household that slept through a week it was due in would be lost for good: never let one.
      WIJKSIM_CHECK(wake_[id] > v.week, "household {} was scheduled for week {} in week {}", id, wake_[id],
                    v.week);
    }
  }

  // The teams' effectiveness this week, from their caseloads. It wakes nobody: a coach client's race draws
  // what depends on it at its bound and carries a candidate out with this week's (thin_coach_candidates).
  void update_effectiveness(bool policy) {
    const Coaches& c = s_->coaches;
    for (int t = 0; t < n_teams_; ++t) {
      double eff = 1.0;
      if (policy && c.enabled && teams_[t].fte > 0 && c.caseload_norm_per_fte > 0) {
        double ratio = teams_[t].caseload / teams_[t].fte / c.caseload_norm_per_fte;
        if (ratio > 1.0) eff = std::max(c.min_effectiveness, 1.0 - c.overload_slope * (ratio - 1.0));
      }
      // The races of its clients draw at effectiveness 1 and thin to this: it must not exceed it.
      WIJKSIM_CHECK(eff >= 0.0 && eff <= 1.0, "team {} has effectiveness {} outside 0..1", t, eff);
      team_views_[t].effectiveness = eff;
      team_views_[t].room = teams_[t].caseload + teams_[t].waiting < teams_[t].cap;
    }
  }

  // Takes in what the households reported this week (chunk by chunk, in order), then carries out the
  // referrals arriving this week, in household order, and takes in what they reported.
  void merge(const WeekView& v, bool policy) {
    for (WeekTally& t : tallies_) absorb(t, v.week, policy);
    std::vector<Arrival>& due = calendar_[static_cast<std::size_t>(v.week) % calendar_.size()];
    std::sort(due.begin(), due.end());
    for (std::size_t i = 0; i < due.size(); ++i) {
      if (i + kFetchAhead < due.size()) prefetch_household(due[i + kFetchAhead].household);
      arrive(v, due[i], households_[due[i].household], driver_);
    }
    due.clear();
    absorb(driver_, v.week, policy);
    driver_.reset(n_teams_);
    record_.households = measures();
  }

  void absorb(WeekTally& t, int w, bool policy) {
    {
      for (const Arrival& a : t.arrivals)
        calendar_[static_cast<std::size_t>(a.week) % calendar_.size()].push_back(a);
      for (const QueueJoin& j : t.joins) push_join(j, w);
      for (std::uint32_t id : t.coach_requests) {
        Team& team = teams_[static_cast<std::size_t>(team_index(id))];
        team.queue.push({id, static_cast<std::uint16_t>(w)});
        ++team.waiting;
      }
      for (int a = 0; a < m_->agencies(); ++a) {
        in_treatment_[a] -= t.treatment_ends[a];
        waiting_[a] -= t.left_waiting[a];
        dup_open_[a] += t.duplicates[a];
        record_.agencies[a].coach_referrals += t.coach_referrals[a];
        record_.agencies[a].intakes += t.intakes[a];
      }
      for (int tm = 0; tm < n_teams_; ++tm) {
        teams_[tm].waiting -= t.coach_left_queue[tm];
        teams_[tm].caseload -= t.coach_closed[tm];
        record_.coach_closed += t.coach_closed[tm];
      }
      record_.coach_closed_weeks += t.coach_closed_weeks;
      if (policy)
        for (std::size_t i = 0; i < t.cost.size(); ++i) record_.cost[i] += t.cost[i];
      counts_ += t.counts;
      stepped_ += t.stepped;
      record_.bounces += t.bounces;
      record_.gave_up += t.gave_up;
      record_.treatments_ended += t.treatments_ended;
      record_.treatments_failed += t.treatments_failed;
      record_.spell_exits += t.spell_exits;
      record_.new_problems += t.new_problems;
      record_.resolved += t.resolved;
      record_.resolved_by_coach += t.resolved_by_coach;
      for (int d = 0; d < kMaxDomains; ++d) record_.escalations[d] += t.escalations[d];
    }
  }

  // Hand out free places: per agency, priority referrals first, then first come, first served. A household
  // given a place decides its processes afresh from next week (its problem's chances have changed).
  void admit(const WeekView& v) {
    const int next = v.week + 1;
    for (int a = 0; a < m_->agencies(); ++a) {
      AgencyWeek& aw = record_.agencies[a];
      for (int cls = 0; cls < 2; ++cls) {
        WaitingList<AgencyQueueEntry>& list = lists_[static_cast<std::size_t>(a) * 2 + cls];
        while (in_treatment_[a] < capacity_[a] && !list.empty()) {
          if (const AgencyQueueEntry* ahead = list.behind_front(kFetchAhead))
            prefetch_household(ahead->household);
          AgencyQueueEntry e = list.front();
          list.pop();
          Household& h = households_[e.household];
          Problem& p = h.problems[e.domain];
          bool live = p.status() == ProblemStatus::Waiting && p.agency == a && p.onset() == e.onset &&
                      p.has(Problem::kPriority) == (cls == 0);
          if (!live) continue;  // left the list earlier (resolved, or re-referred)
          p.set_status(ProblemStatus::Treatment);
          // Its problem's chances change: its clocks count afresh from next week.
          reschedule(v, v.who(e.household), h, wake_[e.household], next);
          WIJKSIM_CHECK(wake_[e.household] >= next, "household {} was scheduled for week {} in week {}",
                        e.household, wake_[e.household], v.week);
          ++in_treatment_[a];
          --waiting_[a];
          ++aw.admitted;
          aw.wait_weeks += v.week - e.joined;
          if (driver_.trace && e.household == req_.traced)
            driver_.trace->push_back(
                {v.week, fmt::format("{} problem: starts treatment at {} after {} week{} waiting",
                                     s_->domains[e.domain].name, s_->agencies[a].label, v.week - e.joined,
                                     v.week - e.joined == 1 ? "" : "s")});
        }
      }
      aw.waiting = waiting_[a];
      aw.in_treatment = in_treatment_[a];
      aw.capacity = capacity_[a];
    }
    // New households per team and week: as many as the caseload cap leaves room for, and (with
    // coaches.new_cases_per_fte_week) as many as the team's intake time allows, saved up to at most two
    // weeks' worth plus one.
    const double pace = s_->coaches.new_cases_per_fte_week;
    for (int t = 0; t < n_teams_; ++t) {
      Team& team = teams_[t];
      if (pace > 0 && v.coaches_on)
        team.intake_credit = std::min(team.intake_credit + team.fte * pace, 2 * team.fte * pace + 1);
      while (team.caseload < team.cap && !team.queue.empty() && (pace <= 0 || team.intake_credit >= 1)) {
        if (const CoachQueueEntry* ahead = team.queue.behind_front(kFetchAhead))
          prefetch_household(ahead->household);
        CoachQueueEntry e = team.queue.front();
        team.queue.pop();
        Household& h = households_[e.household];
        if (h.coach() != CoachStatus::Waiting || h.coach_week != e.since) continue;
        if (pace > 0) team.intake_credit -= 1;
        admit_to_coach(v, v.who(e.household), h, driver_);
        wake_afresh(h, wake_[e.household], next);
        ++team.caseload;
        --team.waiting;
        ++record_.coach_admitted;
        record_.coach_wait_weeks += v.week - e.since;
      }
      record_.coach_caseload += team.caseload;
      record_.coach_waiting += team.waiting;
      record_.coach_fte += team.fte;
    }
    // What the admissions changed (a coach counts as a professional; duplicate cases end) shows in the
    // measures from next week on.
    absorb(driver_, v.week, false);
    driver_.reset(n_teams_);
    // Open duplicate cases as next week's treatment cost counts them: after the coach admissions above,
    // which stop the duplicates of coordinated households.
    for (int a = 0; a < m_->agencies(); ++a) record_.agencies[a].duplicates = dup_open_[a];
  }

  void trace_state(int w) {
    const Household& h = households_[req_.traced];
    std::string s = fmt::format(
        "state: rung {}, trust {}{}, coach {}, professionals {}", h.rung,
        format_dutch(
            m_->trust_level(m_->neighbourhood_of(req_.traced), h.trust_base, w - h.trust_week) / 255.0, 2),
        h.has(Household::kInSpell) ? ", on social assistance" : "",
        kCoachStatusNames[static_cast<int>(h.coach())], h.professionals());
    for (int d = 0; d < m_->domains(); ++d) {
      const Problem& p = h.problems[d];
      if (!p.active()) continue;
      s += fmt::format("; {} {} {}", s_->domains[d].name, p.has(Problem::kComplex) ? "complex" : "simple",
                       kProblemStatusNames[static_cast<int>(p.status())]);
      if (p.agency != kNoAgency) s += fmt::format(" at {}", s_->agencies[p.agency].label);
      if (p.duplicate != kNoAgency) s += fmt::format(" (+ duplicate at {})", s_->agencies[p.duplicate].label);
    }
    // What its open cases cost their agencies each week from the next week on (booked for all cases
    // together, step_week), per payer: at agencies paid per case only (a capacity-funded agency's budget is
    // paid per place, whoever fills it: model.md 12).
    std::vector<Cents> weekly(static_cast<std::size_t>(m_->payers()), 0);
    for (const Problem& p : h.problems) {
      if (p.status() == ProblemStatus::Treatment && m_->agency(p.agency).activity_funded)
        weekly[m_->agency(p.agency).payer] += m_->agency(p.agency).cost_per_case_week;
      if (p.duplicate != kNoAgency && m_->agency(p.duplicate).activity_funded)
        weekly[m_->agency(p.duplicate).payer] += m_->agency(p.duplicate).duplicate_cost_per_week;
    }
    for (int p = 0; p < m_->payers(); ++p)
      if (weekly[p] > 0)
        s += fmt::format("; open cases {} a week on {}", format_euro_cents(weekly[p] / 100.0),
                         s_->payers[p].label);
    // Its spell's administration and benefit, booked each week it starts in the spell (step_week): the
    // trace showed neither, though it says every euro (outside attack 15).
    if (const int d = m_->spell_domain(); d >= 0 && h.has(Household::kInSpell))
      s += fmt::format("; social assistance {} administration and {} benefit (a transfer) a week on {}",
                       format_euro_cents(m_->spell_cost_per_week() / 100.0),
                       format_euro_cents(m_->spell_transfer_per_week() / 100.0),
                       s_->payers[m_->domain(d).escalation_payer].label);
    result_.trace.push_back({w, s, TraceEvent::Kind::State});
  }

  // The running totals of the survey measures must equal a count from scratch: a household that changed
  // without taking its old contribution out would show here. Once per run, so always checked.
  void check_counts() const {
    HouseholdCounts recount;
    const int last = s_->warmup_weeks() + s_->weeks();
    for (std::size_t id = 0; id < households_.size(); ++id) {
      const Household& h = households_[id];
      recount.add(h,
                  m_->trust_level(m_->neighbourhood_of(static_cast<std::uint32_t>(id)), h.trust_base,
                                  last - h.trust_week),
                  +1);
    }
    if (recount == counts_) return;
    // Which measure drifted (it said the households with a problem, equal, when trust's sum had drifted).
    std::string drifted;
    static constexpr const char* kProfessionalsNames[] = {"with no professional", "with 1 professional",
                                                          "with 2 professionals", "with 3 or more"};
    const auto compare = [&](const char* name, std::int64_t counted, std::int64_t recounted) {
      if (counted != recounted)
        drifted += fmt::format("{}{} {} counted, {} recounted", drifted.empty() ? "" : "; ", name, counted,
                               recounted);
    };
    compare("with a problem", counts_.with_problem, recount.with_problem);
    compare("with more than one problem", counts_.multi_problem, recount.multi_problem);
    for (std::size_t k = 0; k < counts_.professionals.size(); ++k)
      compare(kProfessionalsNames[k], counts_.professionals[k], recount.professionals[k]);
    compare("with help", counts_.with_help, recount.with_help);
    compare("with help and little trust", counts_.with_help_low_trust, recount.with_help_low_trust);
    compare("with help and bounced", counts_.with_help_bounced, recount.with_help_bounced);
    compare("trust summed", counts_.trust_sum, recount.trust_sum);
    compare("rungs summed", counts_.rung_sum, recount.rung_sum);
    for (std::size_t d = 0; d < counts_.active_by_domain.size(); ++d)
      compare("active in a domain", counts_.active_by_domain[d], recount.active_by_domain[d]);
    for (std::size_t k = 0; k < counts_.by_problems.size(); ++k)
      compare("by number of problems", counts_.by_problems[k], recount.by_problems[k]);
    compare("in a spell", counts_.in_spell, recount.in_spell);
    compare("ever listed", counts_.ever_listed, recount.ever_listed);
    compare("ever coached", counts_.ever_coached, recount.ever_coached);
    WIJKSIM_CHECK(false, "the household measures drifted from a recount: {}", drifted);
  }

  std::uint64_t checksum() const {
    // FNV-1a over the final household states: two runs that diverge anywhere differ here.
    std::uint64_t x = 1469598103934665603ull;
    const auto* bytes = reinterpret_cast<const unsigned char*>(households_.data());
    for (std::size_t i = 0; i < households_.size() * sizeof(Household); ++i)
      x = (x ^ bytes[i]) * 1099511628211ull;
    return x;
  }

  const Model* m_;  // the scenario run; switch_to changes it at the policy start of a shared warm-up
  const Scenario* s_;
  // The population and the warm-up draw from (seed, replication) alone, the policy period from (seed, draw,
  // replication): every parameter draw of a PSA whose baseline is the same starts from the same state.
  RandomStreams warmup_rng_, policy_rng_;
  RunRequest req_;
  int n_ = 0, chunks_ = 0, n_teams_ = 1;
  std::vector<Household> households_;
  std::vector<std::uint16_t> wake_;  // week each household next has something to do (kNever: never)
  std::vector<WeekTally> tallies_;
  WeekTally driver_;                    // what the driver itself changes (admissions)
  HouseholdCounts counts_;              // running totals of the survey measures over all households
  std::vector<std::int32_t> dup_open_;  // open duplicate cases per agency
  // Referrals on their way, by arrival week modulo 256 (a referral arrives within 255 weeks).
  std::array<std::vector<Arrival>, 256> calendar_;
  std::int64_t stepped_ = 0;
  std::vector<WaitingList<AgencyQueueEntry>> lists_;  // [agency * 2 + class], class 0 = priority
  std::vector<int> waiting_, in_treatment_, capacity_;
  std::vector<Team> teams_;
  std::vector<TeamView> team_views_;
  std::size_t phase_ = 0;                  // the scale-up's current step (Model::coach_phases)
  std::vector<std::uint32_t> team_first_;  // first household of each team, and n_ at the end
  int team_index(std::uint32_t id) const {
    int t = 0;
    while (t + 1 < n_teams_ && id >= team_first_[static_cast<std::size_t>(t + 1)]) ++t;
    return t;
  }
  WeekRecord record_;
  RunResult result_;
  std::uint16_t* happened_ = nullptr;  // result_.happened while a run marks what happened (RunRequest)
};

}  // namespace

RunResult simulate(const Model& model, const RunRequest& request) {
  Run run(model, request);
  run.warm_up();
  return run.policy();
}

std::vector<RunResult> simulate_shared_warmup(std::span<const Model* const> models, std::uint64_t seed,
                                              std::uint32_t draw, std::uint32_t replication) {
  std::vector<RunResult> results;
  if (models.empty()) return results;
  const WarmedUp start(*models.front(), seed, replication);
  for (const Model* m : models) results.push_back(start.policy(*m, draw));
  return results;
}

WarmupDifference warmup_difference(const Scenario& a, const Scenario& b) {
  // The agencies' coach-related settings only act once the coaches start, and nothing the warm-up books is
  // kept: costs do not matter either.
  auto baseline_agencies = [](std::vector<Agency> agencies) {
    for (Agency& g : agencies) {
      g.presence = g.cooperation = g.reallocation_share = 0;
      g.intake_cost = g.cost_per_case_week = 0;
      g.payer = 0;
      g.funding = AgencyFunding::Capacity;  // how it is paid changes the bill, not what happens
      g.label.clear();
    }
    return agencies;
  };
  auto baseline_domains = [](std::vector<Domain> domains) {
    for (Domain& d : domains) {
      d.escalation_cost = 0;
      d.escalation_payer = 0;
      d.spell_cost_per_year = d.spell_transfer_per_year = 0;
      d.label.clear();
    }
    return domains;
  };
  auto baseline_fragmentation = [](Fragmentation f) {
    f.duplicate_cost_share = 0;
    return f;
  };
  if (a.simulation.warmup_years != b.simulation.warmup_years)
    return {"simulation", fmt::format("warmup_years is {} here and {} there", a.simulation.warmup_years,
                                      b.simulation.warmup_years)};
  if (!(a.population == b.population)) return {"population", "the population section differs"};
  if (a.payers.size() != b.payers.size()) return {"payers", "the number of payers differs"};
  if (baseline_domains(a.domains) != baseline_domains(b.domains))
    return {"domains", "the domains section differs (beyond escalation costs and payers)"};
  if (baseline_fragmentation(a.fragmentation) != baseline_fragmentation(b.fragmentation))
    return {"fragmentation", "the fragmentation section differs (beyond duplicate_cost_share)"};
  if (!(a.ladder == b.ladder)) return {"ladder", "the ladder section differs"};
  if (baseline_agencies(a.agencies) != baseline_agencies(b.agencies))
    return {
        "agencies",
        "the agencies section differs (beyond costs, payers and the coach-related presence, cooperation and "
        "reallocation_share)"};
  return {};
}

bool shares_warmup(const Scenario& a, const Scenario& b) {
  return warmup_difference(a, b).none();
}

struct WarmedUp::State {
  Run run;
};

WarmedUp::WarmedUp(const Model& m, std::uint64_t seed, std::uint32_t replication)
    : model_(&m), replication_(replication) {
  auto state = std::make_shared<State>(State{Run(m, {seed, 0, replication})});
  state->run.warm_up();
  state_ = std::move(state);
}

RunResult WarmedUp::policy(const Model& m, std::uint32_t draw) const {
  if (!shares_warmup(model_->scenario(), m.scenario()))
    throw Error(
        fmt::format("'{}' does not share the warm-up of '{}'", m.scenario().name, model_->scenario().name));
  Run run = state_->run;  // the state at the policy start, copied
  run.switch_to(m, draw);
  return run.policy();
}

std::vector<std::string> happened_names(const Scenario& s) {
  std::vector<std::string> names = {"coached", "bounced", "benefit", "evicted"};
  for (const Domain& d : s.domains)
    if (std::find(names.begin(), names.end(), d.escalation_event) == names.end())
      names.push_back(d.escalation_event);
  return names;
}

std::optional<std::uint16_t> happened_mask(const Scenario& s, const std::string& name) {
  if (name == "coached") return happened::kCoached;
  if (name == "bounced") return happened::kBounced;
  if (name == "benefit") return happened::kSpell;
  const std::string event = name == "evicted" ? "eviction" : name;
  std::uint16_t mask = 0;
  for (std::size_t d = 0; d < s.domains.size(); ++d)
    if (s.domains[d].escalation_event == event)
      mask |= static_cast<std::uint16_t>(happened::kEscalation << d);
  if (mask == 0) return std::nullopt;
  return mask;
}

std::optional<std::uint32_t> first_household_with(const Model& m, RunRequest r, std::uint16_t mask) {
  r.mark_events = true;
  r.traced = 0xFFFFFFFFu;
  const RunResult result = simulate(m, r);
  for (std::size_t h = 0; h < result.happened.size(); ++h)
    if (result.happened[h] & mask) return static_cast<std::uint32_t>(h);
  return std::nullopt;
}

}  // namespace wijksim
