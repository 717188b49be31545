#include "wijksim/model/params.h"

namespace wijksim {

template <class Named>
static int index_of(const std::vector<Named>& v, const std::string& n) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i].name == n) return static_cast<int>(i);
  return -1;
}

int Scenario::payer_index(const std::string& n) const {
  return index_of(payers, n);
}
int Scenario::domain_index(const std::string& n) const {
  return index_of(domains, n);
}
int Scenario::agency_index(const std::string& n) const {
  return index_of(agencies, n);
}

std::vector<Neighbourhood> Population::areas() const {
  if (!neighbourhoods.empty()) {
    std::vector<Neighbourhood> out;
    for (const NeighbourhoodSpec& n : neighbourhoods) {
      Neighbourhood a;
      a.name = n.name;
      a.households = n.households;
      a.incidence_factor = n.incidence_factor;
      a.problem_count_shares = n.problem_count_shares.value_or(problem_count_shares);
      a.rung_shares = n.rung_shares.value_or(rung_shares);
      a.trust_mean = n.trust_mean.value_or(trust_mean);
      a.trust_sd = n.trust_sd.value_or(trust_sd);
      out.push_back(std::move(a));
    }
    return out;
  }
  Neighbourhood all;
  all.name = "all";
  all.households = households;
  all.problem_count_shares = problem_count_shares;
  all.rung_shares = rung_shares;
  all.trust_mean = trust_mean;
  all.trust_sd = trust_sd;
  return {all};
}

}  // namespace wijksim
