// Scenarios built in code for unit tests: small, with every mechanism at a known setting, so a test can
// switch exactly one mechanism on and derive its effect by hand.
#pragma once

#include <string>

#include "wijksim/core/statistics.h"
#include "wijksim/model/params.h"

namespace wijksim::test {

// A figure as a table holds it: its mean and 95% interval over `n` runs (sd and se left unknown).
inline Stat stat_of(double mean, double lo, double hi, int n = 5) {
  Stat s;
  s.mean = mean;
  s.lo = lo;
  s.hi = hi;
  s.n = n;
  return s;
}

// The path of a scenario file shipped in scenarios/ (`name` relative to it).
inline std::string shipped(const std::string& name) {
  return std::string(WIJKSIM_SOURCE_DIR) + "/scenarios/" + name;
}

// One domain, one agency, one payer: an M/M/c-like queue. Households get a problem at `incidence_per_year`
// only when they have none, seek help at once, and every treatment resolves the problem.
inline Scenario single_queue(int households, double incidence_per_year, int capacity,
                             double treatment_weeks) {
  Scenario s;
  s.name = "single-queue";
  s.payers = {{"municipality", "Municipality"}};
  Domain d;
  d.name = "money";
  d.incidence_per_year = incidence_per_year;
  d.rung_factor = 1;
  d.clustering_factor = 1;
  d.resolution_per_year = 0;
  d.complex_share = 1;
  d.seek_help_per_year = 1e9;  // weekly probability 1: seek at once
  d.escalation_per_year = 0;
  d.escalation_event = "none";
  s.domains = {d};
  Agency a;
  a.funding = AgencyFunding::Activity;  // paid per intake and case-week: every euro of work booked
  a.name = "debt_counselling";
  a.domain_mask = 1;
  a.capacity = capacity;
  a.intake_cost = euros_to_cents(100);
  a.cost_per_case_week = euros_to_cents(50);
  a.treatment_weeks = treatment_weeks;
  a.success_probability = 1;
  s.agencies = {a};
  s.fragmentation.max_bounces = 3;  // wrong doors are off: wrong_agency_probability 0
  s.fragmentation.seek_trust_floor = 1;
  s.population.households = households;
  s.population.problem_count_shares = {1.0};
  s.population.professionals_given_problems = {{1, 0, 0, 0}};
  s.population.rung_shares = {0, 0, 0, 0, 0, 1};
  s.simulation.years = 10;
  s.simulation.warmup_years = 2;
  s.simulation.replications = 1;
  s.simulation.seed = 42;
  return s;
}

// Six domains, six agencies, six payers: a miniature of the shipped scenarios with every mechanism active.
inline Scenario small_city(int households = 3000, bool coaches = false) {
  Scenario s;
  s.name = coaches ? "small-city-coaches" : "small-city";
  s.payers = {{"municipality", "Municipality"},         {"housing_corporations", "Housing corporations"},
              {"health_insurers", "Health insurers"},   {"youth_care_funder", "Youth-care funder"},
              {"police_justice", "Police and justice"}, {"pilot_fund", "Coach fund"}};
  const char* names[] = {"money", "work_income", "housing", "health", "family", "isolation"};
  const int esc_payer[] = {1, 0, 1, 2, 3, 4};
  const double esc_cost[] = {7500, 14000, 7500, 10000, 40000, 1500};
  for (int i = 0; i < 6; ++i) {
    Domain d;
    d.name = names[i];
    d.incidence_per_year = 0.06;
    d.rung_factor = 1.25;
    d.clustering_factor = 1.3;
    d.resolution_per_year = 0.5;
    d.complex_share = 0.5;
    d.seek_help_per_year = 1.5;
    d.escalation_per_year = 0.05;
    d.escalation_growth_per_year = 0.5;
    d.escalation_event = "escalation";
    d.escalation_cost = euros_to_cents(esc_cost[i]);
    d.escalation_payer = esc_payer[i];
    s.domains.push_back(d);
  }
  auto agency = [&](const char* name, std::uint32_t mask, int cap, int payer) {
    Agency a;
    a.funding = AgencyFunding::Activity;  // paid per intake and case-week: every euro of work booked
    a.name = name;
    a.domain_mask = mask;
    a.capacity = cap;
    a.intake_cost = euros_to_cents(600);
    a.intake_weeks = 2;
    a.cost_per_case_week = euros_to_cents(60);
    a.treatment_weeks = 26;
    a.success_probability = 0.6;
    a.payer = payer;
    a.reallocation_share = 1.0 / 6;
    return a;
  };
  const int k = households / 100;
  s.agencies = {agency("social_services", 0b000011, 2 * k, 0), agency("debt_counselling", 0b000001, k, 0),
                agency("housing_corporation", 0b000100, k, 1), agency("mental_health", 0b001000, k, 2),
                agency("youth_care", 0b010000, k, 3),          agency("social_work", 0b111101, 2 * k, 0)};
  Fragmentation& f = s.fragmentation;
  f.wrong_agency_probability = 0.3;
  f.max_bounces = 3;
  f.bounce_weeks = 3;
  f.bounce_trust_loss = 0.05;
  f.search_weeks = 2;
  f.seek_trust_floor = 0.3;
  f.duplicate_probability = 0.3;
  f.duplicate_cost_share = 0.5;
  f.success_loss_per_extra_professional = 0.05;
  f.success_trust_gain = 0.05;
  f.failure_trust_loss = 0.05;
  f.escalation_in_treatment_factor = 0.5;
  s.ladder = {0.2, 0.7, 0.1, 0.3};
  Coaches& c = s.coaches;
  c.enabled = coaches;
  c.fte = households / 500.0;
  c.teams = 2;
  c.caseload_norm_per_fte = 20;
  c.caseload_cap_per_fte = 30;
  c.cost_per_fte_year = euros_to_cents(60000);
  c.funding = Funding::Additional;
  c.funding_payer = 5;
  c.notice_per_week.assign(6, 0.3);
  c.solve_per_week.assign(6, 0.1);
  c.outreach_per_year = 1;
  c.self_referral_per_year = 0.5;
  c.mandate_probability = 0.9;
  c.privacy_probability = 0.1;
  c.privacy_delay_weeks = 4;
  c.coordination = 1;
  c.coordination_success_gain = 0.1;
  c.activation_per_year = 0.3;
  c.overload_slope = 0.5;
  c.min_effectiveness = 0.3;
  c.close_after_quiet_weeks = 8;
  c.max_weeks = 104;
  c.relapse_factor = 1;
  c.relapse_weeks = 26;
  s.population.households = households;
  s.population.problem_count_shares = {0.51, 0.23, 0.13, 0.08, 0.05};
  s.population.professionals_given_problems = {{1, 0, 0, 0},
                                               {0.45, 0.40, 0.15, 0},
                                               {0.1, 0.15, 0.35, 0.40},
                                               {0.05, 0.05, 0.25, 0.65},
                                               {0, 0, 0.1, 0.9}};
  s.population.rung_shares = {0.1, 0.2, 0.2, 0.15, 0.1, 0.25};
  s.simulation.years = 3;
  s.simulation.warmup_years = 3;
  s.simulation.replications = 2;
  s.simulation.seed = 7;
  return s;
}

}  // namespace wijksim::test
