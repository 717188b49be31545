// The model as the hot loop reads it: a Scenario's rates turned into weekly probabilities and lookup
// tables once, so the weekly step does table lookups instead of exp() and name lookups.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "wijksim/model/params.h"

namespace wijksim {

inline constexpr int kTrustLevels = 256;  // trust is held in a byte

// Escalation of a problem by its age in weeks: the weekly hazard grows linearly with age, so the weekly
// probability is 1 - exp(-base (1 + growth age)), and the week of the next escalation has a closed form
// (household_step.cpp, escalation_week).
struct EscalationCurve {
  double base = 0;    // weekly hazard at age 0: escalation_per_year / 52, times the in-treatment factor
  double growth = 0;  // relative growth of the hazard per week of age: escalation_growth_per_year / 52
  double hazard(int age) const { return base * (1.0 + growth * age); }
  double probability(int age) const { return probability_of_hazard(hazard(age)); }
  // 1 - exp(-h); for the small weekly hazards of escalation its Taylor series to h^8 is exact to double
  // precision (the next term, h^9 / 9!, is below 2e-21 of h for h < 0.02) and far cheaper than expm1.
  static double probability_of_hazard(double h) {
    if (h < 2e-2)
      return h *
             (1 -
              h * (1.0 / 2 -
                   h * (1.0 / 6 -
                        h * (1.0 / 24 - h * (1.0 / 120 - h * (1.0 / 720 - h * (1.0 / 5040 - h / 40320)))))));
    return -std::expm1(-h);
  }
};

struct DomainModel {
  double resolve_p = 0;                                 // weekly natural resolution of an untreated problem
  double resolve_log_stay = 0;                          // log(1 - resolve_p)
  double seek_p = 0;                                    // weekly help-seeking at full trust
  std::array<double, kTrustLevels> seek_p_at{};         // weekly help-seeking by trust (0..255)
  std::array<double, kTrustLevels> seek_log_stay_at{};  // log(1 - seek_p_at)
  double complex_share = 0;
  // Escalation without and with escalation_in_treatment_factor (in treatment or with the coach).
  std::array<EscalationCurve, 2> escalation;
  std::vector<std::uint8_t> agencies;        // agencies serving this domain
  std::vector<std::uint8_t> other_agencies;  // agencies that do not: where a bounce lands
  Cents escalation_cost = 0;
  int escalation_payer = 0;
};

struct AgencyModel {
  double end_p = 1;         // weekly chance a treatment ends
  double end_log_stay = 0;  // log(1 - end_p)
  double success = 0;
  Cents intake_cost = 0;
  Cents cost_per_case_week = 0;
  Cents duplicate_cost_per_week = 0;
  int intake_weeks = 0;
  int payer = 0;
  int capacity = 0;              // before any reallocation
  bool activity_funded = false;  // paid per intake and case-week; else a budget per place (AgencyFunding)
};

// A step of the coaches' scale-up as the driver applies it: from policy week `week` on, the first `teams`
// teams work with `fte` FTE; the coaches' cost per week on each payer, and each agency's capacity (cut
// under reallocated funding to pay for the coaches).
struct CoachPhaseModel {
  int week = 0;
  int teams = 0;
  double fte = 0;
  std::vector<Cents> cost_per_week;  // per payer
  std::vector<int> capacity;         // per agency
};

// What reallocated funding takes from each agency to pay `fte` coaches: the coach bill per week split over
// the agencies by their reallocation shares (cumulative rounding, so the cents add up to the bill), and the
// places each gives up (as many as its share buys at its cost per place-week).
struct Reallocation {
  std::vector<Cents> bill_per_week;  // per agency
  std::vector<int> places;           // per agency
};
Reallocation reallocation(const Scenario& s, double fte);
// What is wrong with the scenario's reallocation (an agency would give up more places than it has, in some
// step of the scale-up), or "".
std::string reallocation_problem(const Scenario& s);

// Yearly rates of the life events (new problem in domain d, climb a rung, drop a rung) for a household
// on a given rung with a given number of active problems, with or without the relapse multiplier.
struct LifeRates {
  std::array<double, kMaxDomains> incidence{};
  double climb = 0;
  double drop = 0;
};

class Model {
 public:
  // The model keeps its own copy of the scenario: it may be built from a temporary.
  explicit Model(const Scenario& s);

  const Scenario& scenario() const { return scenario_; }
  // The domain whose escalation starts a spell (social assistance), or -1.
  int spell_domain() const { return spell_domain_; }
  double spell_exit_p() const { return spell_exit_p_; }
  // A spell-week's cost in cents: administration, and the benefit paid (a transfer).
  Cents spell_cost_per_week() const { return spell_cost_per_week_; }
  Cents spell_transfer_per_week() const { return spell_transfer_per_week_; }
  double spell_exit_log_stay() const { return spell_exit_log_stay_; }
  int domains() const { return n_domains_; }
  int agencies() const { return n_agencies_; }
  int payers() const { return n_payers_; }
  const DomainModel& domain(int d) const { return domains_[d]; }
  const AgencyModel& agency(int a) const { return agencies_[a]; }

  // Neighbourhoods: households are numbered one neighbourhood after another.
  int neighbourhoods() const { return static_cast<int>(first_household_.size()); }
  int neighbourhood_of(std::uint32_t id) const {
    int n = 0;  // few neighbourhoods: a linear scan of their first households is cheapest
    while (n + 1 < neighbourhoods() && id >= first_household_[static_cast<std::size_t>(n + 1)]) ++n;
    return n;
  }
  std::uint32_t first_household(int n) const { return first_household_[static_cast<std::size_t>(n)]; }

  const LifeRates& life(int nbh, bool relapse, int rung, int active) const {
    return tables_[static_cast<std::size_t>(nbh)].life[relapse ? 1 : 0][rung - 1][active];
  }
  // Total yearly life-event rate and its weekly probability for a household without a coach, by which
  // domains have an active problem (bit d of `active_mask`): a lookup instead of an exp() per week.
  double life_total(int nbh, bool relapse, int rung, unsigned active_mask) const {
    return tables_[static_cast<std::size_t>(nbh)].total[relapse ? 1 : 0][rung - 1][active_mask];
  }
  double life_p(int nbh, bool relapse, int rung, unsigned active_mask) const {
    return tables_[static_cast<std::size_t>(nbh)].p[relapse ? 1 : 0][rung - 1][active_mask];
  }
  // Weekly chance that a household without a coach is found by outreach or asks a coach itself, by trust
  // (when the coaches are on), and log(1 - p).
  double contact_p(int trust) const { return contact_p_[static_cast<std::size_t>(trust)]; }
  double contact_log_stay(int trust) const { return contact_log_stay_[static_cast<std::size_t>(trust)]; }
  // Trust in week t of a household whose last experience set it to `base` in week s: it returns toward its
  // neighbourhood's usual level U in whole steps of kTrustStep, having regained k steps once the exact
  // recovery (U - base)(1 - (1 - R)^((t - s) / 52)) reaches k steps, R = population.trust_recovery_per_year
  // (the share of the distance regained in a year). Steps keep the household's wake-ups few: its chances
  // change only when a step is taken (docs/model.md, "Trust").
  std::uint8_t trust_level(int nbh, std::uint8_t base, int weeks_since) const {
    if (!recovers_ || weeks_since <= 0) return base;
    const double distance = tables_[static_cast<std::size_t>(nbh)].trust_usual - base;
    const double whole = std::fabs(distance);
    const double regained = whole * (1.0 - trust_distance_left(weeks_since));
    int steps = static_cast<int>(regained / kTrustStep);
    // A step exists only while 13 k < |U - base| (docs/model.md 10.1): the exact recovery never reaches U.
    // Once (1 - R)^(weeks / 52) is below 2^-53, 1 minus it rounds to 1 and `regained` is the whole distance;
    // where that is a whole number of steps (a base 52 below a usual level of 166), the last step then came
    // out, a century after the experience, in a week trust_change_week says none comes (its table stops at
    // the steps that exist): the household was not woken and the survey's trust measure drifted from its
    // recount (an outside attack: scaleup.yaml, 176 years).
    // (Below the whole distance steps * 13 <= regained < it: one comparison, nearly always false, decides.)
    if (regained >= whole && steps > 0 && steps * kTrustStep >= whole) [[unlikely]]
      --steps;
    return static_cast<std::uint8_t>(base + (distance > 0 ? steps : -steps) * kTrustStep);
  }
  // The first week t >= from in which the level of trust set to `base` in week `set` differs from the week
  // before (it takes another step toward the usual level); kNeverWeek when it never does again. A lookup:
  // the week of the next step depends only on the steps taken so far (trust_steps_).
  int trust_change_week(int nbh, std::uint8_t base, int set, int from) const {
    if (!recovers_) return kNeverWeek;
    const int taken = std::abs(trust_level(nbh, base, from - 1 - set) - base) / kTrustStep;
    const auto& next = trust_steps_[static_cast<std::size_t>(nbh) * kTrustLevels + base];
    return std::min(set + static_cast<int>(next[static_cast<std::size_t>(taken)]), kNeverWeek);
  }
  static constexpr int kNeverWeek = 0xFFFF;
  // With a coach, trust is rebuilt in steps of kTrustStep (0..255 scale) at random times, as many a year
  // as make trust_gain_per_year on average: the weekly chance of a step, and log(1 - p).
  static constexpr int kTrustStep = 13;  // about 0.05 of the 0..1 scale
  double trust_step_p() const { return trust_step_p_; }
  double trust_step_log_stay() const { return trust_step_log_stay_; }
  // Given a contact, the chance that the household asked itself (possibly found by outreach too); the rest
  // are found by outreach alone.
  double self_referral_share(int trust) const { return self_share_[static_cast<std::size_t>(trust)]; }

  // The scale-up's steps (one when the scenario has no schedule), in order of their policy week. Coach cost
  // per week per payer: under additional funding all on the funding payer, under reallocation split over
  // the agencies' payers by their reallocation shares, which cut the agencies' capacity.
  const std::vector<CoachPhaseModel>& coach_phases() const { return phases_; }

  double seek_trust_factor(double trust01) const {
    const auto& f = scenario_.fragmentation;
    return f.seek_trust_floor + (1.0 - f.seek_trust_floor) * trust01;
  }

 private:
  Scenario scenario_;
  int n_domains_, n_agencies_, n_payers_;
  std::vector<DomainModel> domains_;
  std::vector<AgencyModel> agencies_;
  // What differs between neighbourhoods: their rates of life events and their usual trust.
  struct NeighbourhoodTables {
    std::array<std::array<std::array<LifeRates, kMaxDomains + 1>, kRungs>, 2> life{};
    std::array<std::array<std::vector<double>, kRungs>, 2> total, p;
    double trust_usual = 128;  // 0..255
  };
  std::vector<NeighbourhoodTables> tables_;
  std::vector<std::uint32_t> first_household_;
  int spell_domain_ = -1;
  double spell_exit_p_ = 0, spell_exit_log_stay_ = 0;
  Cents spell_cost_per_week_ = 0, spell_transfer_per_week_ = 0;
  // (1 - R)^(weeks / 52): what is left of trust's distance from its usual level after `weeks`.
  double trust_distance_left(int weeks) const {
    return weeks < kTrustDecayWeeks ? trust_decay_[static_cast<std::size_t>(weeks)]
                                    : std::exp(weeks * trust_log_decay_per_week_);
  }
  std::array<double, kTrustLevels> contact_p_{}, contact_log_stay_{}, self_share_{};
  double trust_step_p_ = 0, trust_step_log_stay_ = 0;
  bool recovers_ = false;
  double trust_log_decay_per_week_ = 0;  // log((1 - R)^(1/52))
  static constexpr int kTrustDecayWeeks = 1024;
  std::array<double, kTrustDecayWeeks> trust_decay_{};
  // trust_change_week by search: from the closed form of the recovery, then checked week by week with
  // trust_level itself. It fills trust_steps_.
  int trust_change_week_by_search(int nbh, std::uint8_t base, int set, int from) const;
  // [nbh * kTrustLevels + base][k]: the weeks after an experience that set trust to `base` until its next
  // step, once it has taken k (kNeverWeek: no further step, or k steps are never taken).
  static constexpr int kMaxTrustSteps = 255 / kTrustStep + 1;
  std::vector<std::array<std::uint16_t, kMaxTrustSteps>> trust_steps_;
  std::vector<CoachPhaseModel> phases_;
};

}  // namespace wijksim
