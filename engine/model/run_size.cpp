#include "wijksim/model/run_size.h"

#include <unistd.h>

#include <algorithm>

namespace wijksim {

static_assert(kBytesPerHousehold == 62, "62 bytes of state per household (README, benchmarks/README.md)");

RunEstimate estimate_run(double households, double years, double warmup_years, double replications) {
  RunEstimate e;
  e.memory_bytes = households * kBytesPerHousehold;
  e.results_bytes = years * kWeeksPerYear * replications * kBytesPerWeekRecord;
  e.core_seconds =
      households * (years + warmup_years) * kWeeksPerYear * replications / kHouseholdWeeksPerCoreSecond;
  return e;
}

CostBound max_cents_per_week(const Scenario& s) {
  const double households = s.population.households, domains = static_cast<double>(s.domains.size());
  const double problems = households * domains;  // at most one problem per domain
  const double intakes_per_problem = s.fragmentation.max_bounces + 3.0;
  CostBound b;
  double largest = -1;
  auto term = [&](double cents, const std::string& key) {
    b.cents_per_week += cents;
    if (cents > largest) largest = cents, b.key = key;
  };
  double intake = 0, case_week = 0, escalation = 0;
  std::string intake_key, case_key, escalation_key;
  for (const Agency& a : s.agencies) {
    if (static_cast<double>(a.intake_cost) >= intake)
      intake = static_cast<double>(a.intake_cost), intake_key = "agencies." + a.name + ".intake_cost";
    if (static_cast<double>(a.cost_per_case_week) >= case_week)
      case_week = static_cast<double>(a.cost_per_case_week),
      case_key = "agencies." + a.name + ".cost_per_case_week";
  }
  for (const Domain& d : s.domains)
    if (static_cast<double>(d.escalation_cost) >= escalation)
      escalation = static_cast<double>(d.escalation_cost),
      escalation_key = "domains." + d.name + ".escalation.cost";
  term(problems * intakes_per_problem * intake, intake_key);
  term(problems * 2 * case_week, case_key);
  term(problems * escalation, escalation_key);
  // An agency funded by capacity is paid for every place, used or not.
  for (const Agency& a : s.agencies)
    if (a.funding == AgencyFunding::Capacity)
      term(static_cast<double>(a.capacity) * static_cast<double>(a.cost_per_case_week),
           "agencies." + a.name + ".cost_per_case_week");
  // A spell (social assistance) costs its administration and its transfer every week; one per household.
  for (const Domain& d : s.domains)
    if (d.spell)
      term(households *
               (static_cast<double>(d.spell_cost_per_year) + static_cast<double>(d.spell_transfer_per_year)) /
               kWeeksPerYear,
           "domains." + d.name + ".escalation.spell.cost_per_year");
  if (s.coaches.enabled) {
    double fte = s.coaches.fte;
    for (const CoachPhase& p : s.coaches.schedule) fte = std::max(fte, p.fte);
    term(fte * static_cast<double>(s.coaches.cost_per_fte_year) / kWeeksPerYear, "coaches.cost_per_fte_year");
  }
  return b;
}

double machine_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

}  // namespace wijksim
