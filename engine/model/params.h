// Validated model parameters: the plain data the simulation reads.
//
// Units are in the names or the comments. Rates given per year in a scenario are converted to weekly
// probabilities once, here (see weekly_probability), so the hot loop never converts. Money is held in
// euro cents as int64 so that every sum is exact and independent of the order it is added in (the
// conservation tests compare totals to the cent).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/model/targets.h"

namespace wijksim {

inline constexpr int kMaxDomains = 8;    // problems per household live in a fixed array (hot state)
inline constexpr int kMaxAgencies = 32;  // agency index fits in a byte; kNoAgency marks "none"
inline constexpr int kMaxPayers = 16;
inline constexpr int kMaxCaveats = 16;         // a scenario's `caveats`
inline constexpr int kMaxNeighbourhoods = 32;  // a neighbourhood is a team: a few dozen at most
inline constexpr int kRungs = 6;               // Dutch participation ladder: 1 isolated ... 6 paid work
inline constexpr int kWeeksPerYear = 52;
inline constexpr std::uint8_t kNoAgency = 0xFF;

using Cents = std::int64_t;

inline Cents euros_to_cents(double euros) {
  return static_cast<Cents>(std::llround(euros * 100.0));
}

// A yearly hazard rate (events per year) as the probability of at least one event in a week.
inline double weekly_probability(double rate_per_year) {
  return 1.0 - std::exp(-rate_per_year / kWeeksPerYear);
}
// A mean duration in weeks as the per-week probability of ending (geometric duration).
inline double weekly_end_probability(double mean_weeks) {
  return mean_weeks <= 1.0 ? 1.0 : 1.0 / mean_weeks;
}

// What a euro is spent on. Every euro is booked on exactly one (payer, category). Capacity is the budget of
// a capacity-funded agency, paid per place whether the place is used or not; intake and treatment are what
// an activity-funded agency is paid per intake and per case-week. A transfer (the social assistance paid to
// a household) moves money from a payer to a household: a payer's budget carries it, a societal perspective
// nets it out.
enum class CostCategory : std::uint8_t {
  Coach = 0,
  Capacity = 1,
  Intake = 2,
  Treatment = 3,
  Escalation = 4,
  Transfer = 5
};
inline constexpr int kCostCategories = 6;
inline constexpr std::array<const char*, kCostCategories> kCostCategoryNames = {
    "coach", "capacity", "intake", "treatment", "escalation", "transfer"};

struct Payer {
  std::string name;   // key, e.g. "municipality"
  std::string label;  // for tables, e.g. "Municipality"

  bool operator==(const Payer&) const = default;
};

// A problem domain (money/debts, work & income, housing, ...).
struct Domain {
  std::string name;
  std::string label;
  double incidence_per_year = 0;          // new-problem rate on rung 6 with no other active problem
  double rung_factor = 1;                 // rate multiplier per rung below 6 (problems are likelier low down)
  double clustering_factor = 1;           // rate multiplier per other active problem (problems cluster)
  double resolution_per_year = 0;         // natural resolution rate of an untreated problem
  double complex_share = 0;               // share of new problems that need a second-line agency
  double seek_help_per_year = 0;          // baseline help-seeking rate at full trust
  double escalation_per_year = 0;         // escalation rate of a new unresolved problem
  double escalation_growth_per_year = 0;  // rate grows linearly: rate * (1 + growth * age_in_years)
  std::string escalation_event;           // e.g. "eviction"
  Cents escalation_cost = 0;              // cost of one escalation event
  int escalation_payer = 0;               // index into Scenario::payers
  // An escalation that starts a spell (social assistance): the household stays in it, costing every week,
  // until it leaves (a weekly hazard, or climbing to paid work, rung 5). At most one domain has a spell.
  bool spell = false;
  double spell_exit_per_year = 0;  // rate of leaving the spell by other routes than paid work
  Cents spell_cost_per_year = 0;   // real cost of a spell-year (administration): booked as escalation
  Cents spell_transfer_per_year =
      0;  // money paid to the household a year: a transfer (CostCategory::Transfer)

  bool operator==(const Domain&) const = default;
};

// How an agency is paid, which decides what a change in its work is worth in cash: a capacity-funded
// agency has a budget per place per week, paid whether the place is used or not (most municipal and
// subsidised services), so work it does not do frees capacity, not cash; an activity-funded agency is paid
// per intake and per case-week (insured mental-health care), so work it does not do is money not spent.
enum class AgencyFunding : std::uint8_t { Capacity, Activity };

// A second-line agency.
struct Agency {
  std::string name;
  std::string label;
  std::uint32_t domain_mask = 0;  // bit d set: serves domain d
  int capacity = 0;               // concurrent cases in treatment
  Cents intake_cost = 0;          // one intake (assessment, decision)
  int intake_weeks = 0;           // from first contact to a place on the waiting list
  Cents cost_per_case_week = 0;   // one case in treatment for one week (capacity-funded: one place-week)
  AgencyFunding funding = AgencyFunding::Capacity;
  double cases_per_fte = 0;        // cases in treatment one FTE carries (0: capacity not shown in FTE)
  double treatment_weeks = 1;      // mean treatment duration (geometric)
  double success_probability = 0;  // chance a finished treatment resolves the problem
  int payer = 0;                   // index into Scenario::payers
  double presence = 1;     // chance the agency is present locally (a contact person the coach can reach)
  double cooperation = 1;  // multiplier on the mandate being honoured by this agency
  double reallocation_share = 0;  // share of coach cost paid by cutting this agency (reallocated funding)

  bool operator==(const Agency&) const = default;
};

// The fragmented baseline ("verkokering"): how households find help on their own.
struct Fragmentation {
  double wrong_agency_probability =
      0;                             // chance each attempt lands at an agency that does not serve the domain
  int max_bounces = 3;               // wrong doors in one search after which the household gives up (>= 1)
  int bounce_weeks = 0;              // delay added by each bounce
  double bounce_trust_loss = 0;      // trust lost per bounce (trust is 0..1)
  int search_weeks = 0;              // time to find an agency's door when seeking help
  double seek_trust_floor = 0;       // help-seeking rate at zero trust relative to full trust
  double duplicate_probability = 0;  // complex problem: a second agency opens its own case (duplicate intake)
  double duplicate_cost_share = 0;   // duplicate case's weekly cost as a share of the agency's case-week
  double success_loss_per_extra_professional =
      0;                          // uncoordinated plans: absolute loss per extra professional
  double success_trust_gain = 0;  // trust gained when a treatment resolves the problem
  double failure_trust_loss = 0;  // trust lost when a treatment fails
  double escalation_in_treatment_factor =
      1;  // escalation rate multiplier while in treatment or with the coach

  bool operator==(const Fragmentation&) const = default;
};

// Movement on the participation ladder (all households, with or without a coach).
struct Ladder {
  double climb_per_year = 0;               // rate of climbing one rung with no active problem
  double climb_factor_per_problem = 1;     // climb rate multiplier per active problem
  double drop_per_year = 0;                // rate of dropping one rung with no active problem (job loss...)
  double drop_per_year_per_problem = 0;    // extra rate of dropping one rung per active problem
  double escalation_drop_probability = 0;  // chance an escalation also costs a rung

  bool operator==(const Ladder&) const = default;
};

enum class Funding : std::uint8_t { Additional, Reallocated };

// A step of the scale-up: from policy week `week` on (0: from the start), the first `teams` teams (in
// neighbourhood order) work, with `fte` coach FTE between them in proportion to their households.
struct CoachPhase {
  int week = 0;
  int teams = 0;
  double fte = 0;

  bool operator==(const CoachPhase&) const = default;
};

// First-line neighbourhood coaches (absent in the baseline).
struct Coaches {
  bool enabled = false;
  double fte = 0;
  int teams = 1;                     // households are split evenly over teams (neighbourhoods)
  double caseload_norm_per_fte = 0;  // households per FTE above which effectiveness falls
  double caseload_cap_per_fte = 0;   // households per FTE at which new households wait
  Cents cost_per_fte_year = 0;
  Funding funding = Funding::Additional;
  int funding_payer = 0;                // payer of coach cost under additional funding
  std::vector<double> notice_per_week;  // per domain: chance a coach notices an active problem in a week
  std::vector<double> solve_per_week;   // per domain: chance a coach solves a simple problem in a week
  double competence_spread = 0;         // sd of a team's competence around the mean (jack-of-all-trades)
  double outreach_per_year = 0;         // rate at which a household with problems is found behind its door
  double self_referral_per_year = 0;  // rate at which a household with problems asks a coach (at full trust)
  double mandate_probability = 0;     // chance an agency honours the coach's advice (skips intake and queue)
  double privacy_probability = 0;     // chance privacy rules stop information flowing on a referral
  int privacy_delay_weeks = 0;
  double coordination = 1;               // chance coordination works for a client (1 - extra bureaucracy)
  double coordination_success_gain = 0;  // absolute gain in treatment success when coordinated
  double going_native_probability = 0;   // chance a referral is a push the agency rejects
  double activation_per_year = 0;        // extra climb rate on the ladder while with the coach
  double overload_slope = 0;             // effectiveness lost per unit of caseload/norm above 1
  double min_effectiveness = 0;          // effectiveness never falls below this
  int close_after_quiet_weeks = 0;       // close the case when nothing is active this long
  int max_weeks = 0;                     // close the case at this duration anyway
  double relapse_factor = 1;             // paternalism: incidence multiplier after closure
  int relapse_weeks = 0;                 // ... for this long after closure
  double trust_gain_per_year = 0;        // trust rebuilt while with the coach
  // A team takes on at most this many new households per FTE a week (intakes take time; a new team's
  // caseload fills over weeks, not at once). 0: no limit.
  double new_cases_per_fte_week = 0;
  std::vector<CoachPhase> schedule;  // the scale-up's steps; empty: every team with `fte` from the start
};

// A neighbourhood as a scenario gives it: what it does not give is the population's value.
struct NeighbourhoodSpec {
  std::string name;
  int households = 0;
  double incidence_factor = 1;
  std::optional<std::vector<double>> problem_count_shares;
  std::optional<std::array<double, kRungs>> rung_shares;
  std::optional<double> trust_mean, trust_sd;

  bool operator==(const NeighbourhoodSpec&) const = default;
};

// A neighbourhood of the population: households numbered one neighbourhood after another, each with its
// own deprivation (how often problems come, the ladder and trust at the start) and, with coaches, its own
// team.
struct Neighbourhood {
  std::string name;
  int households = 0;
  double incidence_factor = 1;               // multiplier on every domain's incidence (deprivation)
  std::vector<double> problem_count_shares;  // P(0), P(1), ..., P(k) active problems at start
  std::array<double, kRungs> rung_shares{};  // P(rung 1..6) at start
  double trust_mean = 0.5;                   // initial trust, and the level it returns to (0..1)
  double trust_sd = 0.2;

  bool operator==(const Neighbourhood&) const = default;
};

// The starting population, drawn to reproduce the seeds' baseline table.
struct Population {
  int households = 0;  // in all neighbourhoods
  // One neighbourhood's values, and the defaults of `neighbourhoods` (the scenario reader fills them in).
  std::vector<double> problem_count_shares;  // P(0), P(1), ..., P(k) active problems at start
  std::array<double, kRungs> rung_shares{};  // P(rung 1..6) at start
  double trust_mean = 0.5;                   // initial trust, and the level it returns to (0..1)
  double trust_sd = 0.2;
  std::vector<NeighbourhoodSpec> neighbourhoods;  // empty: one neighbourhood, of the values above
  std::vector<std::vector<double>> professionals_given_problems;  // row k: P(0, 1, 2, 3+ professionals | k)
  // Share of the distance between trust and its neighbourhood's usual level that trust regains in a year.
  double trust_recovery_per_year = 0;

  // The neighbourhoods, or the one the values above describe (named "all").
  std::vector<Neighbourhood> areas() const;

  bool operator==(const Population&) const = default;
};

struct Simulation {
  int years = 5;
  int warmup_years = 10;
  int replications = 10;
  std::uint64_t seed = 20100201;
};

struct Economics {
  double discount_costs = 0.03;  // Zorginstituut Nederland guideline, January 2024
  double discount_effects = 0.015;
  double willingness_to_pay = 20000;  // euros per problem-free household-year (assumption for NMB)
  // Optional utility weights (0..1) of a household-week by its number of active problems (0, 1, 2, ...; the
  // last for more): quality-adjusted household-years, an effect reported beside problem-free years.
  std::vector<double> utility_by_problems;
};

// A fully resolved scenario. Everything the engine needs, nothing it must look up elsewhere.
struct Scenario {
  std::string name;
  std::string file;  // where it was read from
  std::string description;
  // What its author warns a reader of its figures about, by name (`caveats:`, merged through `extends` as
  // any map), in file order: said under In short beside the answer they may move. Text only.
  std::vector<std::pair<std::string, std::string>> caveats;
  std::string comparator;  // path of the comparator scenario ("" = this is a comparator)
  std::vector<Payer> payers;
  std::vector<Domain> domains;
  std::vector<Agency> agencies;
  Fragmentation fragmentation;
  Ladder ladder;
  Coaches coaches;
  Population population;
  Simulation simulation;
  Economics economics;
  std::string targets_file;         // the calibration targets' file ("" for none)
  std::string parameter_sets_file;  // calibrated parameter sets that PSA draws take values from ("" for none)
  std::vector<CalibrationTarget> targets;  // what every run reports the model next to

  int weeks() const { return simulation.years * kWeeksPerYear; }
  int warmup_weeks() const { return simulation.warmup_years * kWeeksPerYear; }
  int payer_index(const std::string& n) const;
  int domain_index(const std::string& n) const;
  int agency_index(const std::string& n) const;
};

}  // namespace wijksim
