// Scenarios built in code for the mechanism tests: everything switched off, so a test switches on exactly
// the mechanism it checks and derives the effect by hand.
#pragma once

#include <cstdint>

#include "wijksim/model/params.h"

namespace wijksim::test {

// Payers of quiet_cohort.
inline constexpr int kMunicipality = 0;  // the agency's payer
inline constexpr int kInsurer = 1;       // payer of a second agency, where one is added
inline constexpr int kPolice = 2;        // escalation payer
inline constexpr int kPilotFund = 3;     // coach funding payer (additional funding)

// A cohort of `households`, each starting (week 0) with exactly one problem in the one domain, nobody
// helping (status unnoticed, no professional), on rung 6 with trust 0.5 (128/255). Then nothing happens:
// no incidence, no natural resolution, no help-seeking, no escalation, no movement on the ladder. One agency
// serves the domain with unlimited places and a treatment that practically never ends (1e9 weeks) and
// always succeeds. Coaches are configured but disabled; when enabled they notice every problem at once,
// never solve, never close, and nothing else (outreach, mandate, privacy, ...) is on. No warm-up: the policy
// period starts at week 1, so coaches are on from week 1 when enabled.
inline Scenario quiet_cohort(int households) {
  Scenario s;
  s.name = "quiet-cohort";
  s.payers = {{"municipality", "Municipality"},
              {"health_insurers", "Health insurers"},
              {"police_justice", "Police and justice"},
              {"pilot_fund", "Coach fund"}};
  Domain d;
  d.name = "money";
  d.incidence_per_year = 0;
  d.rung_factor = 1;
  d.clustering_factor = 1;
  d.resolution_per_year = 0;
  d.complex_share = 1;
  d.seek_help_per_year = 0;
  d.escalation_per_year = 0;
  d.escalation_growth_per_year = 0;
  d.escalation_event = "crisis";
  d.escalation_cost = euros_to_cents(1000);
  d.escalation_payer = kPolice;
  s.domains = {d};
  Agency a;
  a.funding = AgencyFunding::Activity;  // paid per intake and case-week: every euro of work booked
  a.name = "debt_counselling";
  a.domain_mask = 1;
  a.capacity = 1000000;
  a.intake_cost = euros_to_cents(500);
  a.intake_weeks = 0;
  a.cost_per_case_week = euros_to_cents(40);
  a.treatment_weeks = 1e9;
  a.success_probability = 1;
  a.payer = kMunicipality;
  s.agencies = {a};
  Fragmentation& f = s.fragmentation;
  f.wrong_agency_probability = 0;
  f.max_bounces = 3;       // wrong doors are off: wrong_agency_probability 0
  f.seek_trust_floor = 1;  // help-seeking does not depend on trust
  f.escalation_in_treatment_factor = 1;
  s.ladder = {0, 1, 0, 0};
  Coaches& c = s.coaches;
  c.enabled = false;
  c.fte = 1;
  c.teams = 1;
  c.caseload_norm_per_fte = 1e7;
  c.caseload_cap_per_fte = 1e7;
  c.cost_per_fte_year = euros_to_cents(52000);
  c.funding = Funding::Additional;
  c.funding_payer = kPilotFund;
  c.notice_per_week = {1.0};
  c.solve_per_week = {0.0};
  c.competence_spread = 0;
  c.outreach_per_year = 0;
  c.self_referral_per_year = 0;
  c.mandate_probability = 0;
  c.privacy_probability = 0;
  c.privacy_delay_weeks = 0;
  c.coordination = 1;
  c.coordination_success_gain = 0;
  c.going_native_probability = 0;
  c.activation_per_year = 0;
  c.overload_slope = 0;
  c.min_effectiveness = 1;
  c.close_after_quiet_weeks = 10000;
  c.max_weeks = 60000;
  c.relapse_factor = 1;
  c.relapse_weeks = 0;
  c.trust_gain_per_year = 0;
  Population& p = s.population;
  p.households = households;
  p.problem_count_shares = {0.0, 1.0};
  p.professionals_given_problems = {{1, 0, 0, 0}, {1, 0, 0, 0}};
  p.rung_shares = {0, 0, 0, 0, 0, 1};
  p.trust_mean = 0.5;
  p.trust_sd = 0;
  s.simulation.years = 1;
  s.simulation.warmup_years = 0;
  s.simulation.replications = 1;
  s.simulation.seed = 20240501;
  return s;
}

// quiet_cohort with the coaches on and finding every household with a problem in week 1 (outreach with a
// weekly probability of 1); admitted to the caseload at the end of week 1, they meet the coach from week 2.
inline Scenario coached_cohort(int households) {
  Scenario s = quiet_cohort(households);
  s.coaches.enabled = true;
  s.coaches.outreach_per_year = 1e9;
  return s;
}

}  // namespace wijksim::test
