// The event-driven engine against a plain weekly stepper written from docs/model.md alone
// (reference_model.h): on small scenarios that together switch on every mechanism, the mean over
// replications of every reported measure must agree within Monte Carlo error, and the money of every week
// must be what the specification makes it given the week's counts (exactly, to the cent).
//
// Statistics. Each scenario is run R times by each implementation (independent random numbers). Every
// measure is a figure of one run: a household measure at week 0 and at the policy start, and per policy year
// the mean of each weekly stock (household measures, waiting lists, places, caseloads) and the sum of each
// weekly count (events, referrals, waits, money). For each figure the two sample means must satisfy
//     |mean_engine - mean_reference| <= k * sqrt(se_engine^2 + se_reference^2)
// with k from a Bonferroni bound: a family-wise error of 0.001 over every figure that varies in either
// implementation, as a two-sided quantile of Student's t with R - 1 degrees of freedom (the smallest the
// Welch statistic can have). Figures that vary in neither (capacities, FTE, budgets per place, the coach
// bill) must be equal. A correct engine fails this test with probability below 0.001.
//
// [reference] runs by default (6 scenarios x R = 80 x 2 implementations on 500-900 households, 1 year
// of warm-up and 2 policy years). [reference-thorough] (hidden, not run by ctest) uses R = 400.
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.h"
#include "reference_model.h"
#include "wijksim/model/model.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;

namespace {

// ---------------------------------------------------------------------------------------------- scenarios

enum Payers { kMunicipality = 0, kHousing = 1, kInsurers = 2, kPolice = 3, kPilotFund = 4 };

Domain make_domain(const char* name, double escalation, int payer, double cost, double complex_share) {
  Domain d;
  d.name = name;
  d.label = name;
  d.incidence_per_year = 0.03;
  d.rung_factor = 1.4;
  d.clustering_factor = 1.29;
  d.resolution_per_year = 0.4;
  d.complex_share = complex_share;
  d.seek_help_per_year = 2.0;
  d.escalation_per_year = escalation;
  d.escalation_growth_per_year = 1.0;
  d.escalation_event = std::string(name) + "_crisis";
  d.escalation_cost = euros_to_cents(cost);
  d.escalation_payer = payer;
  return d;
}

Agency make_agency(const char* name, std::uint32_t mask, int capacity, AgencyFunding funding, int payer,
                   double intake_cost, int intake_weeks, double cost_per_case_week, double treatment_weeks) {
  Agency a;
  a.name = name;
  a.label = name;
  a.domain_mask = mask;
  a.capacity = capacity;
  a.funding = funding;
  a.payer = payer;
  a.intake_cost = euros_to_cents(intake_cost);
  a.intake_weeks = intake_weeks;
  a.cost_per_case_week = euros_to_cents(cost_per_case_week);
  a.treatment_weeks = treatment_weeks;
  a.success_probability = 0.65;
  return a;
}

// The fragmented baseline: six domains (one of them starts a social-assistance spell), six agencies paid by
// place or by activity, wrong doors with giving up, duplicates, trust that recovers, escalation that grows
// with age; one neighbourhood.
Scenario fragmented(int households) {
  Scenario s;
  s.name = "reference-fragmented";
  s.payers = {{"municipality", "Municipality"},
              {"housing_corporations", "Housing corporations"},
              {"health_insurers", "Health insurers"},
              {"police_justice", "Police and justice"},
              {"pilot_fund", "Coach fund"}};
  s.domains = {make_domain("money", 0.05, kHousing, 7500, 0.6),
               make_domain("work_income", 0.3, kMunicipality, 0, 0.5),
               make_domain("housing", 0.05, kHousing, 7500, 0.5),
               make_domain("health", 0.1, kInsurers, 10000, 0.6),
               make_domain("family", 0.1, kMunicipality, 40000, 0.5),
               make_domain("isolation", 0.15, kPolice, 1750, 0.3)};
  Domain& spell = s.domains[1];
  spell.spell = true;
  spell.spell_exit_per_year = 0.4;
  spell.spell_cost_per_year = euros_to_cents(2883);
  spell.spell_transfer_per_year = euros_to_cents(11117);
  const double k = households / 1000.0;
  auto places = [&](double per_1000) { return std::max(1, static_cast<int>(std::lround(per_1000 * k))); };
  using F = AgencyFunding;
  s.agencies = {
      make_agency("social_services", 0b000011, places(45), F::Capacity, kMunicipality, 592, 2, 55, 30),
      make_agency("debt_counselling", 0b000001, places(20), F::Activity, kMunicipality, 592, 0, 40, 30),
      make_agency("housing_corporation", 0b000100, places(20), F::Capacity, kHousing, 300, 2, 30, 30),
      make_agency("mental_health", 0b001000, places(18), F::Activity, kInsurers, 800, 4, 120, 25),
      make_agency("youth_care", 0b010000, places(18), F::Activity, kMunicipality, 956, 3, 150, 30),
      make_agency("social_work", 0b111101, places(90), F::Capacity, kMunicipality, 400, 1, 45, 30)};
  Fragmentation& f = s.fragmentation;
  f.wrong_agency_probability = 0.35;
  f.max_bounces = 2;
  f.bounce_weeks = 2;
  f.bounce_trust_loss = 0.052;
  f.search_weeks = 1;
  f.seek_trust_floor = 0.3;
  f.duplicate_probability = 0.7;
  f.duplicate_cost_share = 0.5;
  f.success_loss_per_extra_professional = 0.05;
  f.success_trust_gain = 0.05;
  f.failure_trust_loss = 0.065;
  f.escalation_in_treatment_factor = 0.5;
  s.ladder = {0.2, 0.7, 0.0628, 0.1, 0.3};
  Population& p = s.population;
  p.households = households;
  p.problem_count_shares = {0.51, 0.23, 0.13, 0.08, 0.05};
  p.professionals_given_problems = {{1.00, 0.00, 0.00, 0.00},
                                    {0.45, 0.40, 0.15, 0.00},
                                    {0.10, 0.15, 0.35, 0.40},
                                    {0.05, 0.05, 0.25, 0.65},
                                    {0.00, 0.00, 0.10, 0.90}};
  p.rung_shares = {0.12, 0.18, 0.20, 0.12, 0.08, 0.30};
  p.trust_mean = 0.5;
  p.trust_sd = 0.25;
  p.trust_recovery_per_year = 0.4;
  s.simulation.years = 2;
  s.simulation.warmup_years = 1;
  s.simulation.replications = 1;
  s.simulation.seed = 20240613;
  // Coaches as the pilot has them, switched off here.
  Coaches& c = s.coaches;
  c.enabled = false;
  c.fte = 4;
  c.teams = 1;
  c.caseload_norm_per_fte = 10;
  c.caseload_cap_per_fte = 15;
  c.cost_per_fte_year = euros_to_cents(75000);
  c.funding = Funding::Additional;
  c.funding_payer = kPilotFund;
  c.notice_per_week = {0.3, 0.3, 0.3, 0.2, 0.25, 0.3};
  c.solve_per_week = {0.08, 0.06, 0.08, 0.05, 0.06, 0.1};
  c.competence_spread = 0.1;
  c.outreach_per_year = 1.0;
  c.self_referral_per_year = 0.6;
  c.mandate_probability = 0.8;
  c.privacy_probability = 0.2;
  c.privacy_delay_weeks = 4;
  c.coordination = 0.7;
  c.coordination_success_gain = 0.1;
  c.going_native_probability = 0.1;
  c.activation_per_year = 0.5;
  c.overload_slope = 0.6;
  c.min_effectiveness = 0.3;
  c.close_after_quiet_weeks = 4;
  c.max_weeks = 30;
  c.relapse_factor = 1.5;
  c.relapse_weeks = 13;
  c.trust_gain_per_year = 0.4;
  c.new_cases_per_fte_week = 1.0;
  return s;
}

// Two neighbourhoods of different deprivation, each with its own team: coaches with outreach (room) and
// self-referral, a norm they exceed (overload) and a cap, intake pacing, mandate with presence and
// cooperation, privacy, coordination, going native, activation, closing by quiet and by duration, relapse,
// competence spread; additional funding.
Scenario two_neighbourhoods(int deprived, int better_off) {
  Scenario s = fragmented(deprived + better_off);
  s.name = "reference-two-neighbourhoods";
  NeighbourhoodSpec a;
  a.name = "deprived";
  a.households = deprived;
  a.incidence_factor = 1.5;
  a.problem_count_shares = std::vector<double>{0.4, 0.25, 0.15, 0.12, 0.08};
  a.rung_shares = std::array<double, kRungs>{0.2, 0.2, 0.2, 0.15, 0.1, 0.15};
  a.trust_mean = 0.45;
  a.trust_sd = 0.2;
  NeighbourhoodSpec b;
  b.name = "better_off";
  b.households = better_off;
  b.incidence_factor = 0.6;
  b.problem_count_shares = std::vector<double>{0.7, 0.2, 0.1};
  b.rung_shares = std::array<double, kRungs>{0.04, 0.08, 0.1, 0.1, 0.1, 0.58};
  b.trust_mean = 0.65;  // sd: the population's
  s.population.neighbourhoods = {a, b};
  s.coaches.enabled = true;
  s.coaches.teams = 2;
  const std::array<double, 6> presence = {0.8, 0.5, 1.0, 0.6, 0.7, 0.9};
  for (std::size_t i = 0; i < s.agencies.size(); ++i) s.agencies[i].presence = presence[i];
  s.agencies[3].cooperation = 0.6;
  return s;
}

// Coaches far over their norm: a cap of 15 households per FTE against a norm of 4, so the team's
// effectiveness 1 - 0.15 x (caseload per FTE / 4 - 1) lies between 1 (at the norm) and 0.59 (at the cap) and
// moves with the caseload from week to week. A coach client's noticing, solving and activation - drawn by the
// engine's race at their bound and carried out with this week's effectiveness (docs/model.md A.1) - are then
// far from what they would be at effectiveness 1. An engine that skipped that last step is found here: tried
// by hand, the coaches' solved problems and referrals to social services came out 6.2-6.5 standard errors
// from the reference's (k = 5.35).
Scenario overloaded(int households) {
  Scenario s = fragmented(households);
  s.name = "reference-overloaded";
  Coaches& c = s.coaches;
  c.enabled = true;
  c.fte = 3;
  c.caseload_norm_per_fte = 4;
  c.caseload_cap_per_fte = 15;
  c.overload_slope = 0.15;
  c.min_effectiveness = 0.2;
  c.activation_per_year = 3.0;
  c.new_cases_per_fte_week = 2.0;
  c.outreach_per_year = 2.0;
  c.max_weeks = 40;
  return s;
}

// A city scale-up paid by reallocation: one neighbourhood in three teams (blocks of households), a schedule
// of two steps (two teams, then all three with twice the FTE), capacities cut per step and the coach bill
// split over the agencies' payers; intake pacing and short cases as the city's teams had them. Trust does
// not recover here (R = 0).
Scenario reallocated_schedule(int households) {
  Scenario s = fragmented(households);
  s.name = "reference-reallocated";
  s.population.trust_recovery_per_year = 0;
  Coaches& c = s.coaches;
  c.enabled = true;
  c.teams = 3;
  c.schedule = {{0, 2, 3.0}, {52, 3, 6.0}};  // CoachPhase::week is 52 x the step's year
  c.fte = 6.0;
  c.caseload_norm_per_fte = 20;
  c.caseload_cap_per_fte = 30;
  c.cost_per_fte_year = euros_to_cents(30000);
  c.funding = Funding::Reallocated;
  c.new_cases_per_fte_week = 3;
  c.max_weeks = 12;
  c.close_after_quiet_weeks = 3;
  c.outreach_per_year = 0.3;
  c.self_referral_per_year = 1.0;
  c.mandate_probability = 0.5;
  c.privacy_probability = 0.3;
  c.coordination = 0.8;
  c.relapse_weeks = 26;
  c.relapse_factor = 1.2;
  const std::array<double, 6> shares = {0.3, 0.2, 0.15, 0.0, 0.15, 0.2};
  for (std::size_t i = 0; i < s.agencies.size(); ++i) {
    s.agencies[i].reallocation_share = shares[i];
    s.agencies[i].presence = 0.7;
  }
  return s;
}

// Edges of the rules: a domain every agency serves (no wrong door) and served twice (duplicates), giving up
// at the first wrong door, arrivals without delay, treatments of one week, trust back in one step (R = 1),
// help-seeking that stops at zero trust, a social-assistance spell often left by climbing, one team without
// intake pacing whose mandate is always honoured (the priority list), coordination that always works,
// closing in the week a household is problem-free, no relapse window, competences clamped at 0 and 1.
Scenario edges(int households) {
  Scenario s = fragmented(households);
  s.name = "reference-edges";
  s.domains = {make_domain("money", 0.1, kHousing, 7500, 0.7),
               make_domain("work_income", 0.4, kMunicipality, 0, 0.6),
               make_domain("health", 0.2, kInsurers, 10000, 0.5)};
  for (Domain& d : s.domains) d.incidence_per_year = 0.08;
  s.domains[1].spell = true;
  s.domains[1].spell_exit_per_year = 0.3;
  s.domains[1].spell_cost_per_year = euros_to_cents(2883.33);
  s.domains[1].spell_transfer_per_year = euros_to_cents(11117.77);
  using F = AgencyFunding;
  const int k = households / 100;
  s.agencies = {make_agency("debt", 0b011, 3 * k, F::Activity, kMunicipality, 500, 0, 40, 1),
                make_agency("clinic", 0b101, 2 * k, F::Capacity, kInsurers, 800, 0, 120, 12)};
  s.agencies[0].success_probability = 0.4;
  Fragmentation& f = s.fragmentation;
  f.wrong_agency_probability = 0.5;
  f.max_bounces = 1;
  f.bounce_weeks = 1;
  f.search_weeks = 0;
  f.seek_trust_floor = 0;
  f.duplicate_probability = 1;
  f.duplicate_cost_share = 0.37;
  s.ladder = {0.6, 0.8, 0.1, 0.1, 0.5};
  s.population.trust_recovery_per_year = 1;
  s.population.trust_mean = 0.45;
  s.population.trust_sd = 0.35;
  s.population.problem_count_shares = {0.4, 0.3, 0.2, 0.1};
  s.population.professionals_given_problems = {{1, 0, 0, 0}, {0.3, 0.3, 0.4, 0}, {0.2, 0.2, 0.2, 0.4}};
  Coaches& c = s.coaches;
  c.enabled = true;
  c.teams = 1;
  c.fte = 3;
  c.caseload_norm_per_fte = 1e6;
  c.caseload_cap_per_fte = 1e6;
  c.notice_per_week = {0.9, 0.1, 0.05};
  c.solve_per_week = {0.95, 0.0, 0.2};
  c.competence_spread = 0.3;
  c.new_cases_per_fte_week = 0;
  c.mandate_probability = 1;
  c.privacy_probability = 0;
  c.coordination = 1;
  c.going_native_probability = 0;
  c.close_after_quiet_weeks = 0;
  c.max_weeks = 8;
  c.relapse_weeks = 0;
  c.relapse_factor = 3;  // no effect: no relapse window
  c.outreach_per_year = 2;
  c.self_referral_per_year = 2;
  c.trust_gain_per_year = 1;
  return s;
}

// ---------------------------------------------------------------------------------------------- figures

using Figures = std::map<std::string, double>;

void household_figures(Figures& f, const std::string& prefix, const HouseholdMeasures& m, double weight,
                       int D) {
  auto add = [&](const std::string& name, double x) { f[prefix + name] += x * weight; };
  add("with_problem", m.with_problem);
  add("multi_problem", m.multi_problem);
  for (int i = 0; i < 4; ++i)
    add("professionals_" + std::to_string(i), m.professionals[static_cast<std::size_t>(i)]);
  add("with_help", m.with_help);
  add("with_help_low_trust", m.with_help_low_trust);
  add("with_help_bounced", m.with_help_bounced);
  add("trust_sum", static_cast<double>(m.trust_sum));
  add("rung_sum", static_cast<double>(m.rung_sum));
  for (int d = 0; d < D; ++d)
    add("active_" + std::to_string(d), m.active_by_domain[static_cast<std::size_t>(d)]);
  for (int k = 0; k <= D; ++k)
    add("by_problems_" + std::to_string(k), m.by_problems[static_cast<std::size_t>(k)]);
  add("in_spell", m.in_spell);
  add("ever_listed", m.ever_listed);
  add("ever_coached", m.ever_coached);
}

// Which teams work in policy week p (11.3): for the caseload per FTE of working teams.
int working_teams(const Scenario& s, int teams, int p) {
  if (s.coaches.schedule.empty()) return teams;
  int working = 0;
  for (const CoachPhase& step : s.coaches.schedule)
    if (p >= step.week + 1) working = std::min(step.teams, teams);
  return working;
}

template <typename Caseload>
Figures figures(const Scenario& s, const HouseholdMeasures& initial, const std::vector<WeekRecord>& weeks,
                const std::vector<Caseload>& caseload_per_fte, int teams) {
  const int D = static_cast<int>(s.domains.size());
  const int A = static_cast<int>(s.agencies.size());
  const int P = static_cast<int>(s.payers.size());
  Figures f;
  household_figures(f, "initial.", initial, 1, D);
  household_figures(f, "start.", weeks.at(0).households, 1, D);
  const int W = s.weeks();
  REQUIRE(static_cast<int>(weeks.size()) == W + 1);
  for (int p = 1; p <= W; ++p) {
    const WeekRecord& r = weeks[static_cast<std::size_t>(p)];
    REQUIRE(r.week == p);
    const std::string y = "year" + std::to_string((p - 1) / 52 + 1) + ".";
    const double mean = 1.0 / 52;  // stocks: the mean over the year's weeks
    household_figures(f, y, r.households, mean, D);
    f[y + "bounces"] += r.bounces;
    f[y + "gave_up"] += r.gave_up;
    f[y + "new_problems"] += r.new_problems;
    f[y + "resolved"] += r.resolved;
    f[y + "resolved_by_coach"] += r.resolved_by_coach;
    f[y + "treatments_ended"] += r.treatments_ended;
    f[y + "treatments_failed"] += r.treatments_failed;
    f[y + "spell_exits"] += r.spell_exits;
    for (int d = 0; d < D; ++d)
      f[y + "escalations_" + std::to_string(d)] += r.escalations[static_cast<std::size_t>(d)];
    f[y + "coach_caseload"] += r.coach_caseload * mean;
    f[y + "coach_waiting"] += r.coach_waiting * mean;
    f[y + "coach_fte"] += r.coach_fte * mean;
    f[y + "coach_admitted"] += r.coach_admitted;
    f[y + "coach_wait_weeks"] += static_cast<double>(r.coach_wait_weeks);
    f[y + "coach_closed"] += r.coach_closed;
    f[y + "coach_closed_weeks"] += static_cast<double>(r.coach_closed_weeks);
    for (int a = 0; a < A; ++a) {
      const AgencyWeek& g = r.agencies[static_cast<std::size_t>(a)];
      const std::string n = y + s.agencies[static_cast<std::size_t>(a)].name + ".";
      f[n + "waiting"] += g.waiting * mean;
      f[n + "in_treatment"] += g.in_treatment * mean;
      f[n + "capacity"] += g.capacity * mean;
      f[n + "duplicates"] += g.duplicates * mean;
      f[n + "referrals"] += g.referrals;
      f[n + "coach_referrals"] += g.coach_referrals;
      f[n + "admitted"] += g.admitted;
      f[n + "intakes"] += g.intakes;
      f[n + "wait_weeks"] += static_cast<double>(g.wait_weeks);
    }
    for (int payer = 0; payer < P; ++payer)
      for (int c = 0; c < kCostCategories; ++c)
        f[y + "cost." + s.payers[static_cast<std::size_t>(payer)].name + "." +
          kCostCategoryNames[static_cast<std::size_t>(c)]] +=
            static_cast<double>(r.cost_of(payer, static_cast<CostCategory>(c))) / 100.0;
    const int working = s.coaches.enabled ? working_teams(s, teams, p) : 0;
    for (int t = 0; t < working; ++t) {
      const std::string n = y + "team" + std::to_string(t) + ".caseload_per_fte";
      f[n] += static_cast<double>(caseload_per_fte.at(static_cast<std::size_t>((p - 1) * teams + t)));
      f[n + ".weeks"] += 1;
    }
  }
  // Turn the per-team sums into means over the weeks the team works.
  for (auto it = f.begin(); it != f.end();) {
    const std::string& name = it->first;
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".weeks") == 0) {
      f[name.substr(0, name.size() - 6)] /= it->second;
      it = f.erase(it);
    } else {
      ++it;
    }
  }
  return f;
}

// The money of every policy week as the specification makes it from the week's counts (reference_model.h).
void check_costs(const Scenario& s, const std::vector<WeekRecord>& weeks, const char* who) {
  int wrong = 0;
  std::string first;
  for (int p = 1; p < static_cast<int>(weeks.size()); ++p) {
    const WeekRecord& r = weeks[static_cast<std::size_t>(p)];
    const auto e = reference::expected_costs(s, weeks[static_cast<std::size_t>(p - 1)], r, p);
    for (int payer = 0; payer < static_cast<int>(s.payers.size()); ++payer)
      for (int c = 0; c < kCostCategories; ++c) {
        // Week 1's case-weeks come from the end of the warm-up, which the record of policy week 0 does not
        // carry.
        if (p == 1 && c == static_cast<int>(CostCategory::Treatment)) continue;
        const Cents expected = e.cost[static_cast<std::size_t>(payer * kCostCategories + c)];
        const Cents got = r.cost_of(payer, static_cast<CostCategory>(c));
        if (got != expected && wrong++ == 0) {
          std::ostringstream o;
          o << who << " week " << p << " " << s.payers[static_cast<std::size_t>(payer)].name << "."
            << kCostCategoryNames[static_cast<std::size_t>(c)] << ": booked " << got << " cents, expected "
            << expected;
          first = o.str();
        }
      }
  }
  INFO(first);
  CHECK(wrong == 0);
}

// Consistency of one record's household measures (counts that must add up to the number of households).
void check_measures(const HouseholdMeasures& m, int households) {
  CHECK(m.households == households);
  CHECK(m.professionals[0] + m.professionals[1] + m.professionals[2] + m.professionals[3] == households);
  CHECK(m.with_help == households - m.professionals[0]);
  int by = 0;
  for (int x : m.by_problems) by += x;
  CHECK(by == households);
}

struct Moments {
  double mean = 0, se = 0, sd = 0;
};
Moments moments(const std::vector<double>& x) {
  Moments m;
  const double n = static_cast<double>(x.size());
  for (double v : x) m.mean += v / n;
  double ss = 0;
  for (double v : x) ss += (v - m.mean) * (v - m.mean);
  m.sd = x.size() > 1 ? std::sqrt(ss / (n - 1)) : 0;
  m.se = m.sd / std::sqrt(n);
  return m;
}

struct Comparison {
  std::string scenario;
  std::vector<std::string> names;
  std::vector<Moments> engine, reference;
  std::vector<bool> deterministic;
  int varying = 0;
};

Comparison compare_runs(const Scenario& s, int replications) {
  const Model model(s);
  std::map<std::string, std::vector<double>> engine, ref;
  const int N = s.population.households;
  for (int r = 0; r < replications; ++r) {
    const RunResult e = simulate(model, {s.simulation.seed, 0, static_cast<std::uint32_t>(r)});
    check_measures(e.initial, N);
    for (const WeekRecord& w : e.weeks) check_measures(w.households, N);
    check_costs(s, e.weeks, ("engine " + s.name).c_str());
    for (const auto& [name, x] : figures(s, e.initial, e.weeks, e.team_caseload_per_fte, e.teams))
      engine[name].push_back(x);
    const reference::ReferenceRun f =
        reference::simulate_reference(s, 0x5eed0000u + static_cast<std::uint64_t>(r));
    check_measures(f.initial, N);
    for (const WeekRecord& w : f.weeks) check_measures(w.households, N);
    check_costs(s, f.weeks, ("reference " + s.name).c_str());
    for (const auto& [name, x] : figures(s, f.initial, f.weeks, f.team_caseload_per_fte, f.teams))
      ref[name].push_back(x);
  }
  Comparison c;
  c.scenario = s.name;
  for (const auto& [name, xs] : engine) {
    INFO(s.name << ": " << name << " is reported by the engine only");
    REQUIRE(ref.count(name) == 1);
    c.names.push_back(name);
    c.engine.push_back(moments(xs));
    c.reference.push_back(moments(ref[name]));
    const bool fixed = c.engine.back().sd == 0 && c.reference.back().sd == 0;
    c.deterministic.push_back(fixed);
    c.varying += fixed ? 0 : 1;
  }
  for (const auto& [name, xs] : ref) {
    INFO(s.name << ": " << name << " is reported by the reference only");
    REQUIRE(engine.count(name) == 1);
  }
  return c;
}

void compare_scenarios(const std::vector<Scenario>& scenarios, int replications) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<Comparison> all;
  int varying = 0;
  for (const Scenario& s : scenarios) {
    all.push_back(compare_runs(s, replications));
    varying += all.back().varying;
  }
  const double family_error = 0.001;
  // Two-sided: P(|T| > k) = family_error / varying, T Student's t with R - 1 degrees of freedom.
  const double k = boost::math::quantile(
      boost::math::complement(boost::math::students_t(replications - 1), family_error / varying / 2));
  double largest = 0;
  std::string largest_name;
  int failures = 0;
  for (const Comparison& c : all) {
    std::vector<std::pair<double, std::string>> worst;
    for (std::size_t i = 0; i < c.names.size(); ++i) {
      const Moments& e = c.engine[i];
      const Moments& r = c.reference[i];
      const std::string name = c.scenario + ": " + c.names[i];
      std::ostringstream detail;
      detail << std::setprecision(6) << name << ": engine " << e.mean << " (se " << e.se << "), reference "
             << r.mean << " (se " << r.se << ")";
      if (c.deterministic[i]) {
        // The engine keeps a team's caseload per FTE as a float (run_result.h): a team at its cap every
        // week of every run agrees to a float's precision, not a double's.
        const bool single = c.names[i].find(".caseload_per_fte") != std::string::npos;
        const double tolerance = (single ? 1e-6 : 1e-9) * std::max(1.0, std::fabs(e.mean));
        const bool equal = std::fabs(e.mean - r.mean) <= tolerance;
        INFO(detail.str());
        CHECK(equal);
        if (!equal) ++failures;
        continue;
      }
      const double z = std::fabs(e.mean - r.mean) / std::sqrt(e.se * e.se + r.se * r.se);
      worst.push_back({z, detail.str()});
      if (z > largest) {
        largest = z;
        largest_name = detail.str();
      }
      INFO(detail.str() << ": standardized difference " << z << " > k = " << k);
      CHECK(z <= k);
      if (z > k) ++failures;
    }
    std::sort(worst.rbegin(), worst.rend());
    std::cout << c.scenario << ": " << c.names.size() << " figures (" << c.varying << " varying); largest "
              << "standardized differences:\n";
    for (std::size_t i = 0; i < std::min<std::size_t>(5, worst.size()); ++i)
      std::cout << "  " << std::setprecision(3) << worst[i].first << "  " << worst[i].second << "\n";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "reference comparison: R = " << replications << ", " << varying
            << " varying figures, k = " << std::setprecision(4) << k
            << " (family-wise 0.001, Bonferroni, t with " << replications - 1
            << " df); largest standardized difference " << largest << " (" << largest_name << "); "
            << failures << " failures; " << seconds << " s\n";
}

// A shipped scenario at a tenth of its size: each neighbourhood's households, each agency's places and each
// step's coach FTE times 0.1 (rounded, at least 1 household or place), with `warmup_years` of warm-up. The
// mechanisms are those of the shipped file (nine neighbourhoods, the scale-up's schedule, reallocation), at
// a size the plain stepper runs in about two seconds a replication.
Scenario shipped_tenth(const char* file, int warmup_years) {
  Scenario s = ScenarioSource::load(test::shipped(file)).base();
  s.simulation.warmup_years = warmup_years;
  const auto tenth = [](int n) { return std::max(1, static_cast<int>(std::lround(n * 0.1))); };
  int households = 0;
  for (NeighbourhoodSpec& n : s.population.neighbourhoods) households += (n.households = tenth(n.households));
  if (s.population.neighbourhoods.empty()) households = tenth(s.population.households);
  s.population.households = households;
  for (Agency& a : s.agencies) a.capacity = tenth(a.capacity);
  for (CoachPhase& step : s.coaches.schedule) step.fte *= 0.1;
  s.coaches.fte *= 0.1;
  return s;
}

// The pilot under reallocated funding at its most demanding: a schedule that grows from one team to three
// and falls back to one (4 -> 7.5 -> 2.5 FTE), so that teams stop with clients and lists; cuts over five
// agencies, two of them paid per activity and one with a share but no case-week cost (uncut, yet paying);
// the coach FTE dear enough that debt counselling goes from 84 places to 19 (at the pilot's 2,800
// households; capacities and FTE scale with `households`). The coaches act in the policy years only; the
// warm-up only sets where they start. An independent Python re-implementation of such a scenario (stop 44's
// note) was 0.0057 rungs below the engine (z -3.7 pooled): at R = 1,500 the rungs agree here (every figure
// but two within 3.1 standard errors). The two were this stepper's: it left the stopped teams' clients and
// lists out of the coach totals, which D9 sums over all teams (year 3: caseload 74.7 against the engine's
// 199.7, z 1,308); no earlier scenario stopped a team.
Scenario reallocation_stress(int households, int warmup_years) {
  Scenario s = ScenarioSource::load(test::shipped("pilot.yaml")).base();
  s.name = "reference-reallocation-stress";
  const double k = households / static_cast<double>(s.population.households);
  s.population.households = households;
  for (Agency& a : s.agencies) a.capacity = std::max(1, static_cast<int>(std::lround(a.capacity * k)));
  s.simulation.warmup_years = warmup_years;
  s.simulation.years = 3;
  Coaches& c = s.coaches;
  c.teams = 3;
  // CoachPhase::week is 52 x the step's year; FTE and its cost in proportion to the households
  c.schedule = {{0, 1, 4.0 * k}, {52, 3, 7.5 * k}, {104, 1, 2.5 * k}};
  c.fte = 2.5 * k;
  c.cost_per_fte_year = euros_to_cents(90000);
  c.funding = Funding::Reallocated;
  const std::map<std::string, double> shares = {{"social_services", 0.3},      {"debt_counselling", 0.2},
                                                {"housing_corporation", 0.15}, {"mental_health", 0.1},
                                                {"youth_care", 0.15},          {"social_work", 0.1}};
  for (Agency& a : s.agencies) {
    a.reallocation_share = shares.at(a.name);
    if (a.name == "housing_corporation") a.cost_per_case_week = 0;
  }
  return s;
}

}  // namespace

TEST_CASE("The engine is the weekly model of docs/model.md: a plain weekly stepper agrees on every measure",
          "[reference]") {
  compare_scenarios({fragmented(800), two_neighbourhoods(450, 350), reallocated_schedule(900), edges(500),
                     overloaded(600), reallocation_stress(700, 1)},
                    80);
}

TEST_CASE("The engine is the weekly model of docs/model.md, thoroughly (R = 400)",
          "[.][reference-thorough]") {
  compare_scenarios(
      {fragmented(800), two_neighbourhoods(450, 350), reallocated_schedule(900), edges(500), overloaded(600)},
      400);
}

// The shipped city's three scenarios (the baseline, the scale-up with reallocated funding, the funded
// scale-up) at a tenth of their size, 5 warm-up years, R = 300: about 35 minutes on one core.
TEST_CASE("The engine is the weekly model on the shipped city's scenarios at a tenth of their size",
          "[.][reference-city]") {
  compare_scenarios({shipped_tenth("baseline-enschede.yaml", 5), shipped_tenth("scaleup.yaml", 5),
                     shipped_tenth("scaleup-funded.yaml", 5)},
                    300);
}

// The stress scenario above at the pilot's size, R = 1,500: the rung figures' standard error about a third
// of the gap the Python re-implementation saw. About 20 minutes of one core.
TEST_CASE("The engine is the weekly model under reallocated funding with teams that start and stop",
          "[.][reference-stress]") {
  compare_scenarios({reallocation_stress(2800, 5)}, 1500);
}
