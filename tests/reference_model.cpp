// The weekly model of docs/model.md, stepped plainly: see reference_model.h. Section numbers refer to
// docs/model.md. Where that text left a choice open, the choice is marked "Reading:".
#include "reference_model.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

namespace wijksim::reference {
namespace {

constexpr int kStep = 13;            // trust's recovery step and the coach's step (4.6, 10)
constexpr int kLowTrustBelow = 102;  // "little or no trust": tau < 102 (4.6)
constexpr int kBounceMemory = 104;   // the bounced flag (9.13)
constexpr int kMaxDelay = 255;       // delays are capped (9.3, 9.10)

double wp(double rate_per_year) {
  return 1.0 - std::exp(-rate_per_year / 52.0);
}  // 4.1
double end_probability(double mean_weeks) {
  return mean_weeks > 1 ? 1.0 / mean_weeks : 1.0;
}  // 4.2
long round_half_away(double x) {
  return std::lround(x);
}  // 1: round half away from zero
double clamp01(double x) {
  return std::clamp(x, 0.0, 1.0);
}

// 1, Order and Rounding: categorical draw from shares with a uniform u.
int categorical(const std::vector<double>& shares, double u) {
  const int k = static_cast<int>(shares.size());
  double cumulative = 0;
  for (int i = 0; i < k - 1; ++i) {
    cumulative += shares[static_cast<std::size_t>(i)];
    if (u < cumulative) return i;
  }
  return k - 1;
}
int uniform_index(int n, double u) {
  return std::min(static_cast<int>(std::floor(u * n)), n - 1);
}

class Random {
 public:
  explicit Random(std::uint64_t seed) : gen_(seed) {}
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }  // [0, 1)
  bool bernoulli(double p) { return uniform() < p; }
  int index(int n) { return uniform_index(n, uniform()); }
  double normal() {  // Box-Muller
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 gen_;
};

enum class Status { None, Unnoticed, Seeking, Waiting, Treatment, FirstLine };  // 5.1
enum class Coach { None, Waiting, Active, Closed };                             // 5.2

struct Problem {
  Status status = Status::None;
  bool complex = false;
  int onset = 0;
  int agency = -1;     // seeking, waiting, treatment
  int duplicate = -1;  // an agency with an open duplicate case
  bool priority = false;
  bool via_coach = false;
  int arrival_week = -1;  // seeking with a delay: the week of arrival (D4)
  std::uint64_t id = 0;   // identity of this problem on a waiting list
  bool active() const { return status != Status::None; }
};

struct Household {
  int neighbourhood = 0, team = 0;
  std::vector<Problem> problems;
  int rung = 6;
  int trust_base = 0, trust_week = 0;  // B, s (10.1)
  bool in_spell = false;
  Coach coach = Coach::None;
  int coach_week = 0;
  int quiet = -1;  // -1: unset
  bool coordinated = false;
  bool ever_listed = false, ever_coached = false;
  bool has_bounced = false;
  int last_bounce = 0;
  bool bounced = false;

  int active_count() const {
    int n = 0;
    for (const Problem& p : problems) n += p.active() ? 1 : 0;
    return n;
  }
  // 5.5
  int professionals() const {
    int n = coach == Coach::Active ? 1 : 0;
    for (const Problem& p : problems) {
      if (p.status == Status::Waiting || p.status == Status::Treatment) ++n;
      if (p.duplicate >= 0) ++n;
    }
    return n;
  }
};

struct ListEntry {
  int household, domain;
  std::uint64_t id;
  int join_week;
};

struct AgencyState {
  int full_capacity = 0, capacity = 0;
  std::deque<ListEntry> priority_list, normal_list;
};

struct CoachEntry {
  int household, listed_week;
};

struct TeamState {
  int households = 0;
  bool works = false;
  double fte = 0;
  int cap = 0;
  std::deque<CoachEntry> list;
  double credit = 0;
  std::vector<double> notice, solve;  // 11.2
  std::vector<bool> present;          // per agency
  double effectiveness = 1;           // E_t of this week (11.4)
  bool room = false;
};

struct AreaValues {  // a neighbourhood with the population's defaults filled in (6)
  int households = 0;
  double incidence_factor = 1;
  std::vector<double> problem_count_shares;
  std::vector<double> rung_shares;
  double trust_mean = 0, trust_sd = 0;
  double usual = 0;  // U_n (4.6)
};

// The fired processes of one household in one week (H2), drawn from the start-of-week state.
struct Fired {
  bool life = false;
  int life_choice = -1;  // domain 0..D-1, D: climb, D+1: drop
  std::vector<char> escalation, resolution, seek, treatment_end, notice, solve;
  bool trust_step = false, outreach = false, self_referral = false, spell_exit = false;
};

// 11.7: the coach bill of a step, per payer, and each agency's capacity in the step.
struct StepMoney {
  std::vector<Cents> bill;  // per payer
  std::vector<int> capacity;
};

StepMoney step_money(const Scenario& s, double fte) {
  StepMoney m;
  m.bill.assign(s.payers.size(), 0);
  for (const Agency& a : s.agencies) m.capacity.push_back(a.capacity);
  const double yearly = fte * static_cast<double>(s.coaches.cost_per_fte_year);
  const Cents weekly = round_half_away(yearly / 52.0);
  if (s.coaches.funding == Funding::Additional) {
    m.bill[static_cast<std::size_t>(s.coaches.funding_payer)] += weekly;
    return m;
  }
  double total_share = 0;
  for (const Agency& a : s.agencies)
    if (a.reallocation_share > 0) total_share += a.reallocation_share;
  double cumulative = 0;
  Cents booked = 0;
  for (std::size_t j = 0; j < s.agencies.size(); ++j) {
    const Agency& a = s.agencies[j];
    if (a.reallocation_share <= 0) continue;
    cumulative += a.reallocation_share;
    const Cents upto = round_half_away(cumulative / total_share * static_cast<double>(weekly));
    m.bill[static_cast<std::size_t>(a.payer)] += upto - booked;
    booked = upto;
    const long cut = a.cost_per_case_week == 0
                         ? 0
                         : round_half_away(a.reallocation_share / total_share * yearly /
                                           (static_cast<double>(a.cost_per_case_week) * 52.0));
    m.capacity[j] = static_cast<int>(std::max(0L, a.capacity - cut));
  }
  return m;
}

// The steps of the scale-up (11.3): CoachPhase::week is 52 x year; a step takes effect in policy week
// week + 1.
std::vector<CoachPhase> steps_of(const Scenario& s, int teams) {
  if (s.coaches.schedule.empty()) return {CoachPhase{0, teams, s.coaches.fte}};
  return s.coaches.schedule;
}

int team_count(const Scenario& s, int neighbourhoods) {
  if (!s.coaches.enabled) return 0;
  return neighbourhoods >= 2 ? neighbourhoods : s.coaches.teams;  // 11.1
}

std::vector<AreaValues> areas_of(const Scenario& s) {
  const Population& pop = s.population;
  const std::vector<double> rungs(pop.rung_shares.begin(), pop.rung_shares.end());
  std::vector<AreaValues> out;
  if (pop.neighbourhoods.empty()) {
    out.push_back({pop.households, 1.0, pop.problem_count_shares, rungs, pop.trust_mean, pop.trust_sd, 0});
  } else {
    for (const NeighbourhoodSpec& n : pop.neighbourhoods) {
      AreaValues a;
      a.households = n.households;
      a.incidence_factor = n.incidence_factor;
      a.problem_count_shares = n.problem_count_shares ? *n.problem_count_shares : pop.problem_count_shares;
      a.rung_shares =
          n.rung_shares ? std::vector<double>(n.rung_shares->begin(), n.rung_shares->end()) : rungs;
      a.trust_mean = n.trust_mean ? *n.trust_mean : pop.trust_mean;
      a.trust_sd = n.trust_sd ? *n.trust_sd : pop.trust_sd;
      out.push_back(a);
    }
  }
  for (AreaValues& a : out) a.usual = clamp01(a.trust_mean) * 255.0;
  return out;
}

class Simulator {
 public:
  Simulator(const Scenario& s, std::uint64_t seed) : s_(s), rng_(seed) {
    D_ = static_cast<int>(s.domains.size());
    A_ = static_cast<int>(s.agencies.size());
    areas_ = areas_of(s);
    for (int d = 0; d < D_; ++d) {
      std::vector<int> serving, other;
      for (int a = 0; a < A_; ++a)
        (s.agencies[static_cast<std::size_t>(a)].domain_mask >> d & 1u ? serving : other).push_back(a);
      serving_.push_back(serving);
      others_.push_back(other);
      if (s.domains[static_cast<std::size_t>(d)].spell) spell_domain_ = d;
    }
    for (int n = 0; n < static_cast<int>(areas_.size()); ++n)
      for (int i = 0; i < areas_[static_cast<std::size_t>(n)].households; ++i) {
        Household h;
        h.neighbourhood = n;
        households_.push_back(h);
      }
    N_ = static_cast<int>(households_.size());
    T_ = team_count(s, static_cast<int>(areas_.size()));
    teams_.resize(static_cast<std::size_t>(T_));
    for (int i = 0; i < N_; ++i) {
      Household& h = households_[static_cast<std::size_t>(i)];
      h.team =
          T_ == 0 ? 0
                  : (areas_.size() >= 2 ? h.neighbourhood : static_cast<int>(static_cast<long>(i) * T_ / N_));
      if (T_ > 0) ++teams_[static_cast<std::size_t>(h.team)].households;
    }
    for (const Agency& a : s.agencies) agencies_.push_back({a.capacity, a.capacity, {}, {}});
    R_ = clamp01(s.population.trust_recovery_per_year);
  }

  ReferenceRun run() {
    ReferenceRun out;
    out.teams = T_;
    const int warm = s_.warmup_weeks(), policy = s_.weeks();
    if (warm + policy >= 65535) throw std::invalid_argument("too many weeks");
    initial_population();
    out.initial = measures(0);
    if (warm == 0) out.weeks.push_back(policy_start(out.initial));
    admissions_to_treatment(0, scratch_);  // the initial lists, week 0 (6)
    for (int w = 1; w <= warm + policy; ++w) {
      const int p = w - warm;  // policy week (<= 0 in the warm-up)
      WeekRecord record;
      record.week = p;
      week(w, p, p >= 1 ? record : scratch_, out);
      if (p == 0) out.weeks.push_back(policy_start(measures(w)));
      if (p >= 1) out.weeks.push_back(record);
    }
    return out;
  }

 private:
  static WeekRecord policy_start(const HouseholdMeasures& m) {
    WeekRecord r;
    r.week = 0;
    r.households = m;
    return r;
  }

  // ---------------------------------------------------------------- trust (10)
  int level(const Household& h, int t) const {
    const int since = t - h.trust_week;
    if (since <= 0) return h.trust_base;
    const double distance = areas_[static_cast<std::size_t>(h.neighbourhood)].usual - h.trust_base;
    const double regained = std::fabs(distance) * (1.0 - std::pow(1.0 - R_, since / 52.0));
    // Only the steps with 13 k < |U - B| exist: the exact recovery never reaches U.
    const int exist = std::max(0, static_cast<int>(std::ceil(std::fabs(distance) / kStep)) - 1);
    const int steps = std::min(static_cast<int>(std::floor(regained / kStep)), exist);
    return h.trust_base + (distance > 0 ? 1 : -1) * kStep * steps;
  }
  void experience(Household& h, int t, int change) {  // 10.2
    h.trust_base = std::clamp(level(h, t) + change, 0, 255);
    h.trust_week = t;
  }
  static int trust_change(double delta) { return static_cast<int>(round_half_away(255.0 * delta)); }
  double trust_factor(int tau) const {  // f_trust (1)
    const double floor = s_.fragmentation.seek_trust_floor;
    return floor + (1.0 - floor) * tau / 255.0;
  }

  // ---------------------------------------------------------------- bookkeeping helpers
  void book(int payer, CostCategory c, Cents amount) {
    if (!booking_) return;
    (*rec_).cost[static_cast<std::size_t>(payer * kCostCategories + static_cast<int>(c))] += amount;
  }
  const Agency& agency(int a) const { return s_.agencies[static_cast<std::size_t>(a)]; }
  const Domain& domain(int d) const { return s_.domains[static_cast<std::size_t>(d)]; }
  bool activity(int a) const { return agency(a).funding == AgencyFunding::Activity; }
  void intake_at(int a) {  // one intake counted, its cost booked if activity-funded
    ++rec_->agencies[static_cast<std::size_t>(a)].intakes;
    if (activity(a)) book(agency(a).payer, CostCategory::Intake, agency(a).intake_cost);
  }
  Problem new_problem(bool complex, int onset) {
    Problem p;
    p.status = Status::Unnoticed;
    p.complex = complex;
    p.onset = onset;
    p.id = ++next_id_;
    return p;
  }
  double incidence(const Household& h, int d, int rung, int others) const {  // 8.1, 6
    const Domain& dom = domain(d);
    return areas_[static_cast<std::size_t>(h.neighbourhood)].incidence_factor * dom.incidence_per_year *
           std::pow(dom.rung_factor, 6 - rung) * std::pow(dom.clustering_factor, others);
  }

  // ---------------------------------------------------------------- the initial population (6)
  void initial_population() {
    const auto& rows = s_.population.professionals_given_problems;
    for (int i = 0; i < N_; ++i) {
      Household& h = households_[static_cast<std::size_t>(i)];
      const AreaValues& area = areas_[static_cast<std::size_t>(h.neighbourhood)];
      h.problems.assign(static_cast<std::size_t>(D_), Problem{});
      h.rung = 1 + categorical(area.rung_shares, rng_.uniform());
      const double z = rng_.normal();
      h.trust_base = static_cast<int>(round_half_away(clamp01(area.trust_mean + area.trust_sd * z) * 255.0));
      h.trust_week = 0;
      const int k = std::min(categorical(area.problem_count_shares, rng_.uniform()), D_);
      const int row = std::min(k, static_cast<int>(rows.size()) - 1);
      const int c = categorical(rows[static_cast<std::size_t>(row)], rng_.uniform());
      // Which domains: one after another without replacement, weights of the household's rung with no
      // active problem.
      std::vector<int> remaining(static_cast<std::size_t>(D_));
      for (int d = 0; d < D_; ++d) remaining[static_cast<std::size_t>(d)] = d;
      std::vector<int> chosen;
      for (int j = 0; j < k; ++j) {
        std::vector<double> weights;
        double total = 0;
        for (int d : remaining) {
          weights.push_back(incidence(h, d, h.rung, 0));
          total += weights.back();
        }
        std::size_t pick = remaining.size() - 1;
        if (total > 0) {
          const double target = rng_.uniform() * total;
          double cumulative = 0;
          for (std::size_t x = 0; x < remaining.size(); ++x) {
            cumulative += weights[x];
            if (target < cumulative) {
              pick = x;
              break;
            }
          }
        }
        chosen.push_back(remaining[pick]);
        remaining.erase(remaining.begin() + static_cast<long>(pick));
      }
      int professionals = 0;
      for (int j = 0; j < k; ++j) {
        const int d = chosen[static_cast<std::size_t>(j)];
        Problem& p = h.problems[static_cast<std::size_t>(d)];
        p = new_problem(rng_.bernoulli(domain(d).complex_share), 0);
        if (j < std::min(c, k)) {
          const auto& serving = serving_[static_cast<std::size_t>(d)];
          p.agency = serving[static_cast<std::size_t>(rng_.index(static_cast<int>(serving.size())))];
          p.status = Status::Waiting;
          agencies_[static_cast<std::size_t>(p.agency)].normal_list.push_back({i, d, p.id, 0});
          ++professionals;
        }
      }
      if (c > k) {
        for (int j = 0; j < k && professionals < c; ++j) {
          const int d = chosen[static_cast<std::size_t>(j)];
          Problem& p = h.problems[static_cast<std::size_t>(d)];
          if (p.status != Status::Waiting) continue;
          const auto& serving = serving_[static_cast<std::size_t>(d)];
          const auto& others = others_[static_cast<std::size_t>(d)];
          if (serving.size() >= 2) {
            for (int a : serving)
              if (a != p.agency) {
                p.duplicate = a;
                break;
              }
          } else if (!others.empty()) {
            p.duplicate = others[static_cast<std::size_t>(rng_.index(static_cast<int>(others.size())))];
          }
          if (p.duplicate >= 0) ++professionals;
        }
      }
    }
  }

  // ---------------------------------------------------------------- one week (7)
  void week(int w, int p, WeekRecord& record, ReferenceRun& out) {
    rec_ = &record;
    booking_ = p >= 1;
    const bool coaching = p >= 1 && T_ > 0;
    // D0, D0b: a step of the scale-up taking effect this week.
    if (coaching) {
      if (p == 1) draw_competence();
      for (const CoachPhase& step : steps_of(s_, T_))
        if (p == step.week + 1) apply_step(step);
    }
    // D1: effectiveness and room.
    for (int t = 0; t < T_; ++t) {
      TeamState& team = teams_[static_cast<std::size_t>(t)];
      team.effectiveness = 1;
      team.room = false;
      if (!coaching) continue;
      const int caseload = count_coach(t, Coach::Active), waiting = count_coach(t, Coach::Waiting);
      if (team.fte > 0) {
        const double ratio = caseload / team.fte / s_.coaches.caseload_norm_per_fte;
        if (ratio > 1)
          team.effectiveness =
              std::max(s_.coaches.min_effectiveness, 1 - s_.coaches.overload_slope * (ratio - 1));
      }
      team.room = team.works && caseload + waiting < team.cap;
    }
    // D2: the agencies' and the spells' costs from the counts at the start of the week.
    if (p >= 1) {
      for (int a = 0; a < A_; ++a) {
        const Agency& ag = agency(a);
        if (ag.funding == AgencyFunding::Activity) {
          const Cents duplicate_cost = round_half_away(static_cast<double>(ag.cost_per_case_week) *
                                                       s_.fragmentation.duplicate_cost_share);
          book(ag.payer, CostCategory::Treatment,
               count_in_treatment(a) * ag.cost_per_case_week + count_duplicates(a) * duplicate_cost);
        } else {
          book(ag.payer, CostCategory::Capacity,
               static_cast<Cents>(agencies_[static_cast<std::size_t>(a)].capacity) * ag.cost_per_case_week);
        }
      }
      if (spell_domain_ >= 0) {
        const Domain& sd = domain(spell_domain_);
        Cents in_spell = 0;
        for (const Household& h : households_) in_spell += h.in_spell ? 1 : 0;
        book(sd.escalation_payer, CostCategory::Escalation,
             in_spell * round_half_away(static_cast<double>(sd.spell_cost_per_year) / 52.0));
        book(sd.escalation_payer, CostCategory::Transfer,
             in_spell * round_half_away(static_cast<double>(sd.spell_transfer_per_year) / 52.0));
      }
    }
    // H1-H7 for every household, in household order (so joins and requests reach the lists in household
    // order, D3).
    for (int i = 0; i < N_; ++i) household_week(i, w, coaching);
    // D4: arrivals due this week, by household, then domain.
    for (int i = 0; i < N_; ++i)
      for (int d = 0; d < D_; ++d) {
        Problem& pr = households_[static_cast<std::size_t>(i)].problems[static_cast<std::size_t>(d)];
        if (pr.status == Status::Seeking && pr.arrival_week == w) arrive(i, d, w);
      }
    // D5: measures.
    if (p >= 1) record.households = measures(w);
    // D6: the coach bill.
    if (coaching)
      for (std::size_t payer = 0; payer < s_.payers.size(); ++payer)
        book(static_cast<int>(payer), CostCategory::Coach, bill_[payer]);
    // D7, then D9's agency figures, then D8, then D9's open duplicate cases: D9 takes the lists, cases in
    // treatment and capacity "as after D7" and the open duplicates "as after D8", without those a coach's
    // coordination closes at this week's admissions (the count next week's D2 charges).
    admissions_to_treatment(w, record);
    if (p >= 1)
      for (int a = 0; a < A_; ++a) {
        AgencyWeek& aw = record.agencies[static_cast<std::size_t>(a)];
        aw.waiting = count_waiting(a);
        aw.in_treatment = count_in_treatment(a);
        aw.capacity = agencies_[static_cast<std::size_t>(a)].capacity;
      }
    if (coaching) admissions_to_coach(w, record);
    if (p >= 1)
      for (int a = 0; a < A_; ++a)
        record.agencies[static_cast<std::size_t>(a)].duplicates = count_duplicates(a);
    // D9: the coach figures: caseload and list summed over all teams (one that stopped working keeps its
    // clients and its list, 11.3), FTE and caseload per FTE over the working ones.
    if (p >= 1) {
      for (int t = 0; t < T_; ++t) {
        const TeamState& team = teams_[static_cast<std::size_t>(t)];
        const int caseload = count_coach(t, Coach::Active);
        record.coach_caseload += caseload;
        record.coach_waiting += count_coach(t, Coach::Waiting);
        if (team.works) {
          record.coach_fte += team.fte;
          out.team_caseload_per_fte.push_back(caseload / team.fte);
        } else {
          out.team_caseload_per_fte.push_back(std::numeric_limits<double>::quiet_NaN());
        }
      }
    }
  }

  void household_week(int i, int w, bool coaching) {
    Household& h = households_[static_cast<std::size_t>(i)];
    const Coaches& co = s_.coaches;
    const Fragmentation& fr = s_.fragmentation;
    // H1
    const int tau = level(h, w);
    // H3: the start-of-week state.
    const int rung0 = h.rung, n0 = h.active_count();
    const Coach coach0 = h.coach;
    const bool spell0 = h.in_spell;
    std::vector<Status> status0(static_cast<std::size_t>(D_));
    for (int d = 0; d < D_; ++d)
      status0[static_cast<std::size_t>(d)] = h.problems[static_cast<std::size_t>(d)].status;
    const bool active_client = coach0 == Coach::Active;
    const double E = T_ > 0 ? teams_[static_cast<std::size_t>(h.team)].effectiveness : 1.0;
    // H2: every process that exists fires with its weekly probability (8.10).
    Fired f;
    f.escalation.assign(static_cast<std::size_t>(D_), 0);
    f.resolution = f.seek = f.treatment_end = f.notice = f.solve = f.escalation;
    {  // 8.1 the life event
      std::vector<double> weights(static_cast<std::size_t>(D_ + 2), 0.0);
      for (int d = 0; d < D_; ++d)
        if (status0[static_cast<std::size_t>(d)] == Status::None)
          weights[static_cast<std::size_t>(d)] =
              incidence(h, d, rung0, n0) * (coach0 == Coach::Closed ? co.relapse_factor : 1.0);
      double climb =
          rung0 < 6 ? s_.ladder.climb_per_year * std::pow(s_.ladder.climb_factor_per_problem, n0) : 0;
      if (active_client && rung0 < 6) climb += co.activation_per_year * E;
      weights[static_cast<std::size_t>(D_)] = climb;
      weights[static_cast<std::size_t>(D_ + 1)] =
          rung0 > 1 ? s_.ladder.drop_per_year + s_.ladder.drop_per_year_per_problem * n0 : 0;
      double total = 0;
      for (double x : weights) total += x;
      f.life = total > 0 && rng_.bernoulli(wp(total));
      if (f.life) {
        std::vector<double> shares;
        for (double x : weights) shares.push_back(x / total);
        f.life_choice = categorical(shares, rng_.uniform());
      }
    }
    for (int d = 0; d < D_; ++d) {
      const std::size_t di = static_cast<std::size_t>(d);
      const Status st = status0[di];
      if (st == Status::None) continue;
      const Problem& pr = h.problems[di];
      const Domain& dom = domain(d);
      if (!(spell0 && d == spell_domain_)) {  // 8.2
        const double phi =
            st == Status::Treatment || st == Status::FirstLine ? fr.escalation_in_treatment_factor : 1.0;
        const double hazard = phi * dom.escalation_per_year / 52.0 *
                              (1 + dom.escalation_growth_per_year / 52.0 * (w - pr.onset));
        f.escalation[di] = rng_.bernoulli(-std::expm1(-hazard));
      }
      if (st == Status::Unnoticed || st == Status::Seeking || st == Status::Waiting ||
          st == Status::FirstLine)
        f.resolution[di] = rng_.bernoulli(wp(dom.resolution_per_year));  // 8.3
      if (st == Status::Unnoticed && !active_client)
        f.seek[di] = rng_.bernoulli(wp(dom.seek_help_per_year) * trust_factor(tau));  // 8.4
      if (st == Status::Treatment)
        f.treatment_end[di] = rng_.bernoulli(end_probability(agency(pr.agency).treatment_weeks));  // 8.5
      if (st == Status::Unnoticed && active_client)
        f.notice[di] = rng_.bernoulli(teams_[static_cast<std::size_t>(h.team)].notice[di] * E);  // 8.6
      if (st == Status::FirstLine && active_client)
        f.solve[di] = rng_.bernoulli(teams_[static_cast<std::size_t>(h.team)].solve[di] * E);
    }
    if (active_client) f.trust_step = rng_.bernoulli(wp(co.trust_gain_per_year * 255.0 / kStep));  // 8.7
    if (coaching && teams_[static_cast<std::size_t>(h.team)].works &&
        (coach0 == Coach::None || coach0 == Coach::Closed) && n0 >= 1) {  // 8.8
      f.outreach = rng_.bernoulli(wp(co.outreach_per_year));
      f.self_referral = rng_.bernoulli(wp(co.self_referral_per_year) * trust_factor(tau));
    }
    if (spell0) f.spell_exit = rng_.bernoulli(wp(domain(spell_domain_).spell_exit_per_year));  // 8.9

    // H4: problems, in domain order.
    for (int d = 0; d < D_; ++d) {
      const std::size_t di = static_cast<std::size_t>(d);
      if (status0[di] == Status::None) continue;
      if (f.escalation[di]) escalate(h, d);
      switch (status0[di]) {
        case Status::Unnoticed:
          if (f.resolution[di])
            resolve(h, d, false);
          else if (f.seek[di] && h.coach != Coach::Active)
            seek_help(i, d, w);
          break;
        case Status::Seeking:
        case Status::Waiting:
          if (f.resolution[di]) resolve(h, d, false);
          break;
        case Status::Treatment:
          if (f.treatment_end[di]) end_treatment(h, d, w);
          break;
        case Status::FirstLine:
          if (f.resolution[di])
            resolve(h, d, false);
          else if (f.solve[di] && h.coach == Coach::Active)
            resolve(h, d, true);
          break;
        case Status::None:
          break;
      }
    }
    // H5: the life event (9.7).
    if (f.life) {
      if (f.life_choice < D_) {
        h.problems[static_cast<std::size_t>(f.life_choice)] =
            new_problem(rng_.bernoulli(domain(f.life_choice).complex_share), w);
        ++rec_->new_problems;
      } else if (f.life_choice == D_) {
        if (h.rung < 6) {
          ++h.rung;
          if (h.rung == 5 && h.in_spell) end_spell(h);
        }
      } else if (h.rung > 1) {
        --h.rung;
      }
    }
    // H5b: the spell exit.
    if (f.spell_exit && h.in_spell) end_spell(h);
    // H6: the coach part.
    if (coaching) {
      TeamState& team = teams_[static_cast<std::size_t>(h.team)];
      if (coach0 == Coach::None || coach0 == Coach::Closed) {
        if ((f.outreach || f.self_referral) && h.active_count() >= 1 &&
            (f.self_referral || (f.outreach && team.room))) {  // 9.8
          h.coach = Coach::Waiting;
          h.coach_week = w;
          h.ever_listed = true;
          team.list.push_back({i, w});
        }
      } else if (coach0 == Coach::Waiting) {
        if (h.active_count() == 0) h.coach = Coach::None;
      } else if (coach0 == Coach::Active) {
        for (int d = 0; d < D_; ++d) {
          const std::size_t di = static_cast<std::size_t>(d);
          if (status0[di] == Status::Unnoticed && h.problems[di].status == Status::Unnoticed && f.notice[di])
            take_up(i, d, w);
        }
        if (f.trust_step) {  // 9.11
          h.trust_base = std::min(255, level(h, w) + kStep);
          h.trust_week = w;
        }
        // 9.12 closing.
        bool closes = false;
        if (h.active_count() == 0) {
          if (h.quiet < 0) h.quiet = w;
          if (w - h.quiet >= co.close_after_quiet_weeks) closes = true;
        } else {
          h.quiet = -1;
        }
        if (!closes && w - h.coach_week >= co.max_weeks) closes = true;
        if (closes) {
          ++rec_->coach_closed;
          rec_->coach_closed_weeks += w - h.coach_week;
          for (Problem& pr : h.problems)
            if (pr.status == Status::FirstLine) pr.status = Status::Unnoticed;
          h.coach = Coach::Closed;
          h.coach_week = w;
          h.quiet = -1;
        }
      }
    }
    // H7: end-of-week bookkeeping.
    if (h.coach == Coach::Closed && w >= h.coach_week + co.relapse_weeks) h.coach = Coach::None;
    h.bounced = h.has_bounced && w - h.last_bounce < kBounceMemory;
  }

  // ---------------------------------------------------------------- events (9)
  void escalate(Household& h, int d) {  // 9.1
    const Domain& dom = domain(d);
    ++rec_->escalations[static_cast<std::size_t>(d)];
    book(dom.escalation_payer, CostCategory::Escalation, dom.escalation_cost);
    h.problems[static_cast<std::size_t>(d)].complex = true;
    if (rng_.bernoulli(s_.ladder.escalation_drop_probability) && h.rung > 1) --h.rung;
    if (d == spell_domain_) {  // 9.14
      h.in_spell = true;
      h.rung = std::min(h.rung, 4);
    }
  }
  void end_spell(Household& h) {
    h.in_spell = false;
    ++rec_->spell_exits;
  }
  void resolve(Household& h, int d, bool by_coach) {  // 9.2
    h.problems[static_cast<std::size_t>(d)] = Problem{};
    ++rec_->resolved;
    if (by_coach) ++rec_->resolved_by_coach;
  }
  void seek_help(int i, int d, int w) {  // 9.3
    Household& h = households_[static_cast<std::size_t>(i)];
    const Fragmentation& fr = s_.fragmentation;
    const auto& others = others_[static_cast<std::size_t>(d)];
    int bounces = 0;
    if (!others.empty()) {
      for (int k = 1; k <= fr.max_bounces; ++k) {
        if (!rng_.bernoulli(fr.wrong_agency_probability)) break;
        ++bounces;
        intake_at(others[static_cast<std::size_t>(rng_.index(static_cast<int>(others.size())))]);
        experience(h, w, trust_change(-fr.bounce_trust_loss));
      }
    }
    rec_->bounces += bounces;
    if (bounces >= 1) {
      h.has_bounced = true;
      h.last_bounce = w;
    }
    if (bounces == fr.max_bounces) {
      ++rec_->gave_up;
      return;
    }
    const auto& serving = serving_[static_cast<std::size_t>(d)];
    const int a = serving[static_cast<std::size_t>(rng_.index(static_cast<int>(serving.size())))];
    const int delay =
        std::min(kMaxDelay, fr.search_weeks + bounces * fr.bounce_weeks + agency(a).intake_weeks);
    Problem& p = h.problems[static_cast<std::size_t>(d)];
    p.status = Status::Seeking;
    p.agency = a;
    if (delay == 0)
      arrive(i, d, w);
    else
      p.arrival_week = w + delay;
  }
  void arrive(int i, int d, int w) {  // 9.4
    Household& h = households_[static_cast<std::size_t>(i)];
    Problem& p = h.problems[static_cast<std::size_t>(d)];
    const int a = p.agency;
    if (!p.priority) intake_at(a);
    const auto& serving = serving_[static_cast<std::size_t>(d)];
    const bool coordinated_client = h.coach == Coach::Active && h.coordinated;
    if (p.complex && !coordinated_client && serving.size() >= 2 && p.duplicate < 0 &&
        rng_.bernoulli(s_.fragmentation.duplicate_probability)) {
      std::vector<int> other;
      for (int x : serving)
        if (x != a) other.push_back(x);
      p.duplicate = other[static_cast<std::size_t>(rng_.index(static_cast<int>(other.size())))];
      intake_at(p.duplicate);
    }
    p.status = Status::Waiting;
    p.arrival_week = -1;
    AgencyState& ag = agencies_[static_cast<std::size_t>(a)];
    (p.priority ? ag.priority_list : ag.normal_list).push_back({i, d, p.id, w});
    ++rec_->agencies[static_cast<std::size_t>(a)].referrals;
    if (p.via_coach) ++rec_->agencies[static_cast<std::size_t>(a)].coach_referrals;
  }
  void end_treatment(Household& h, int d, int w) {  // 9.6
    Problem& p = h.problems[static_cast<std::size_t>(d)];
    const Fragmentation& fr = s_.fragmentation;
    ++rec_->treatments_ended;
    double s = agency(p.agency).success_probability;
    if (h.coach == Coach::Active && h.coordinated)
      s += s_.coaches.coordination_success_gain;
    else
      s -= fr.success_loss_per_extra_professional * std::max(0, h.professionals() - 1);
    s = clamp01(s);
    if (rng_.bernoulli(s)) {
      experience(h, w, trust_change(fr.success_trust_gain));
      resolve(h, d, false);
    } else {
      ++rec_->treatments_failed;
      experience(h, w, trust_change(-fr.failure_trust_loss));
      p.duplicate = -1;
      p.agency = -1;
      p.priority = p.via_coach = false;
      p.status = Status::Unnoticed;
    }
  }
  void take_up(int i, int d, int w) {  // 9.10
    Household& h = households_[static_cast<std::size_t>(i)];
    Problem& p = h.problems[static_cast<std::size_t>(d)];
    const Coaches& co = s_.coaches;
    if (!p.complex) {
      p.status = Status::FirstLine;
      return;
    }
    const auto& serving = serving_[static_cast<std::size_t>(d)];
    const int a = serving[static_cast<std::size_t>(rng_.index(static_cast<int>(serving.size())))];
    if (rng_.bernoulli(co.going_native_probability)) {
      intake_at(a);
      return;
    }
    p.via_coach = true;
    p.agency = a;
    p.status = Status::Seeking;
    const bool present = teams_[static_cast<std::size_t>(h.team)].present[static_cast<std::size_t>(a)];
    if (present && rng_.bernoulli(co.mandate_probability * agency(a).cooperation)) {
      p.priority = true;
      arrive(i, d, w);
      return;
    }
    const bool privacy = rng_.bernoulli(co.privacy_probability);
    const int delay = std::min(kMaxDelay, agency(a).intake_weeks + (privacy ? co.privacy_delay_weeks : 0));
    if (delay == 0)
      arrive(i, d, w);
    else
      p.arrival_week = w + delay;
  }

  // ---------------------------------------------------------------- the driver's places
  void admissions_to_treatment(int w, WeekRecord& record) {  // D7
    for (int a = 0; a < A_; ++a) {
      AgencyState& ag = agencies_[static_cast<std::size_t>(a)];
      int in_treatment = count_in_treatment(a);
      while (in_treatment < ag.capacity && !(ag.priority_list.empty() && ag.normal_list.empty())) {
        const bool priority = !ag.priority_list.empty();
        std::deque<ListEntry>& list = priority ? ag.priority_list : ag.normal_list;
        const ListEntry e = list.front();
        list.pop_front();
        Problem& p =
            households_[static_cast<std::size_t>(e.household)].problems[static_cast<std::size_t>(e.domain)];
        if (p.id != e.id || p.status != Status::Waiting || p.agency != a || p.priority != priority) continue;
        p.status = Status::Treatment;
        ++in_treatment;
        ++record.agencies[static_cast<std::size_t>(a)].admitted;
        record.agencies[static_cast<std::size_t>(a)].wait_weeks += w - e.join_week;
      }
    }
  }
  void admissions_to_coach(int w, WeekRecord& record) {  // D8
    const double pace = s_.coaches.new_cases_per_fte_week;
    for (int t = 0; t < T_; ++t) {
      TeamState& team = teams_[static_cast<std::size_t>(t)];
      if (pace > 0) team.credit = std::min(team.credit + team.fte * pace, 2 * team.fte * pace + 1);
      int caseload = count_coach(t, Coach::Active);
      while (caseload < team.cap && !team.list.empty() && (pace <= 0 || team.credit >= 1)) {
        const CoachEntry e = team.list.front();
        team.list.pop_front();
        Household& h = households_[static_cast<std::size_t>(e.household)];
        if (h.coach != Coach::Waiting || h.coach_week != e.listed_week) continue;
        h.coach = Coach::Active;  // 9.9
        h.coach_week = w;
        h.quiet = -1;
        h.ever_coached = true;
        h.coordinated = rng_.bernoulli(s_.coaches.coordination);
        if (h.coordinated)
          for (Problem& p : h.problems) p.duplicate = -1;
        ++caseload;
        if (pace > 0) team.credit -= 1;
        ++record.coach_admitted;
        record.coach_wait_weeks += w - e.listed_week;
      }
    }
  }

  // ---------------------------------------------------------------- coaches' set-up (11)
  void draw_competence() {  // 11.2
    const Coaches& co = s_.coaches;
    for (TeamState& team : teams_) {
      team.notice.assign(static_cast<std::size_t>(D_), 0);
      team.solve.assign(static_cast<std::size_t>(D_), 0);
      for (int d = 0; d < D_; ++d) {
        const std::size_t di = static_cast<std::size_t>(d);
        team.notice[di] = clamp01(co.notice_per_week[di] + co.competence_spread * rng_.normal());
        team.solve[di] = clamp01(co.solve_per_week[di] + co.competence_spread * rng_.normal());
      }
      team.present.assign(static_cast<std::size_t>(A_), false);
      for (int a = 0; a < A_; ++a)
        team.present[static_cast<std::size_t>(a)] = rng_.bernoulli(agency(a).presence);
    }
  }
  void apply_step(const CoachPhase& step) {  // 11.3, 4.5, 11.7
    const int working = std::min(step.teams, T_);
    long households = 0;
    for (int t = 0; t < working; ++t) households += teams_[static_cast<std::size_t>(t)].households;
    for (int t = 0; t < T_; ++t) {
      TeamState& team = teams_[static_cast<std::size_t>(t)];
      team.works = t < working;
      team.fte = team.works ? step.fte * team.households / static_cast<double>(households) : 0;
      team.cap = static_cast<int>(std::floor(s_.coaches.caseload_cap_per_fte * team.fte + 1e-9));
    }
    const StepMoney money = step_money(s_, step.fte);
    bill_ = money.bill;
    for (int a = 0; a < A_; ++a)
      agencies_[static_cast<std::size_t>(a)].capacity = money.capacity[static_cast<std::size_t>(a)];
  }

  // ---------------------------------------------------------------- counts by scanning every household
  int count_in_treatment(int a) const { return count_problems(a, Status::Treatment); }
  int count_waiting(int a) const { return count_problems(a, Status::Waiting); }
  int count_problems(int a, Status st) const {
    int n = 0;
    for (const Household& h : households_)
      for (const Problem& p : h.problems) n += p.status == st && p.agency == a ? 1 : 0;
    return n;
  }
  int count_duplicates(int a) const {
    int n = 0;
    for (const Household& h : households_)
      for (const Problem& p : h.problems) n += p.duplicate == a ? 1 : 0;
    return n;
  }
  int count_coach(int t, Coach c) const {
    int n = 0;
    for (const Household& h : households_) n += h.team == t && h.coach == c ? 1 : 0;
    return n;
  }

  HouseholdMeasures measures(int w) const {  // 13.1
    HouseholdMeasures m;
    m.households = N_;
    for (const Household& h : households_) {
      const int n = h.active_count();
      m.with_problem += n >= 1 ? 1 : 0;
      m.multi_problem += n >= 2 ? 1 : 0;
      const int pros = h.professionals();
      ++m.professionals[static_cast<std::size_t>(std::min(pros, 3))];
      if (pros >= 1) {
        const int tau = level(h, w);
        ++m.with_help;
        m.with_help_low_trust += tau < kLowTrustBelow ? 1 : 0;
        m.with_help_bounced += h.bounced ? 1 : 0;
        m.trust_sum += tau;
      }
      m.rung_sum += h.rung;
      for (int d = 0; d < D_; ++d)
        m.active_by_domain[static_cast<std::size_t>(d)] +=
            h.problems[static_cast<std::size_t>(d)].active() ? 1 : 0;
      ++m.by_problems[static_cast<std::size_t>(n)];
      m.in_spell += h.in_spell ? 1 : 0;
      m.ever_listed += h.ever_listed ? 1 : 0;
      m.ever_coached += h.ever_coached ? 1 : 0;
    }
    return m;
  }

  const Scenario& s_;
  Random rng_;
  int D_ = 0, A_ = 0, N_ = 0, T_ = 0;
  double R_ = 0;
  int spell_domain_ = -1;
  std::vector<AreaValues> areas_;
  std::vector<std::vector<int>> serving_, others_;
  std::vector<Household> households_;
  std::vector<AgencyState> agencies_;
  std::vector<TeamState> teams_;
  std::vector<Cents> bill_;
  std::uint64_t next_id_ = 0;
  WeekRecord scratch_;  // the warm-up's counts, not kept
  WeekRecord* rec_ = &scratch_;
  bool booking_ = false;
};

}  // namespace

ReferenceRun simulate_reference(const Scenario& s, std::uint64_t seed) {
  return Simulator(s, seed).run();
}

ExpectedCosts expected_costs(const Scenario& s, const WeekRecord& previous, const WeekRecord& week,
                             int policy_week) {
  ExpectedCosts e;
  e.cost.assign(static_cast<std::size_t>(kMaxPayers * kCostCategories), 0);
  auto add = [&](int payer, CostCategory c, Cents x) {
    e.cost[static_cast<std::size_t>(payer * kCostCategories + static_cast<int>(c))] += x;
  };
  for (std::size_t a = 0; a < s.agencies.size(); ++a) {
    const Agency& ag = s.agencies[a];
    const AgencyWeek& now = week.agencies[a];
    const AgencyWeek& before = previous.agencies[a];
    if (ag.funding == AgencyFunding::Activity) {
      add(ag.payer, CostCategory::Intake, now.intakes * ag.intake_cost);
      const Cents duplicate_cost =
          round_half_away(static_cast<double>(ag.cost_per_case_week) * s.fragmentation.duplicate_cost_share);
      add(ag.payer, CostCategory::Treatment,
          before.in_treatment * ag.cost_per_case_week + before.duplicates * duplicate_cost);
    } else {
      add(ag.payer, CostCategory::Capacity, now.capacity * ag.cost_per_case_week);
    }
  }
  for (std::size_t d = 0; d < s.domains.size(); ++d) {
    const Domain& dom = s.domains[d];
    add(dom.escalation_payer, CostCategory::Escalation, week.escalations[d] * dom.escalation_cost);
    if (dom.spell) {
      const Cents stock = previous.households.in_spell;
      add(dom.escalation_payer, CostCategory::Escalation,
          stock * round_half_away(static_cast<double>(dom.spell_cost_per_year) / 52.0));
      add(dom.escalation_payer, CostCategory::Transfer,
          stock * round_half_away(static_cast<double>(dom.spell_transfer_per_year) / 52.0));
    }
  }
  if (s.coaches.enabled) {
    const int neighbourhoods = std::max<int>(1, static_cast<int>(s.population.neighbourhoods.size()));
    double fte = -1;  // the step in force this week, if any
    for (const CoachPhase& step : steps_of(s, team_count(s, neighbourhoods)))
      if (policy_week >= step.week + 1) fte = step.fte;
    if (fte >= 0) {
      const StepMoney money = step_money(s, fte);
      for (std::size_t payer = 0; payer < money.bill.size(); ++payer)
        add(static_cast<int>(payer), CostCategory::Coach, money.bill[payer]);
    }
  }
  return e;
}

}  // namespace wijksim::reference
