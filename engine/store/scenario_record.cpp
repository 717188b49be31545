#include "wijksim/store/scenario_record.h"

namespace wijksim {
namespace {

template <typename Named>
std::vector<StoredLabel> labels(const std::vector<Named>& named) {
  std::vector<StoredLabel> out;
  out.reserve(named.size());
  for (const Named& n : named) out.push_back({n.name, n.label.empty() ? n.name : n.label});
  return out;
}

}  // namespace

StoredScenario scenario_record(const Scenario& scenario, const ScenarioSource& source) {
  StoredScenario st;
  st.name = scenario.name;
  st.file = scenario.file;
  st.households = scenario.population.households;
  const Coaches& c = scenario.coaches;
  st.coach_fte = c.enabled ? c.fte : 0;
  st.caseload_norm_per_fte = c.enabled ? c.caseload_norm_per_fte : 0;
  st.caseload_cap_per_fte = c.enabled ? c.caseload_cap_per_fte : 0;
  st.resolved_yaml = source.resolved_yaml();
  st.hash = source.hash();
  st.description = scenario.description;
  st.willingness_to_pay = scenario.economics.willingness_to_pay;
  st.settings = source.settings();
  return st;
}

std::vector<StoredLabel> payer_labels(const Scenario& scenario) {
  return labels(scenario.payers);
}
std::vector<StoredLabel> agency_labels(const Scenario& scenario) {
  return labels(scenario.agencies);
}

}  // namespace wijksim
