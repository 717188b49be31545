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

}  // namespace wijksim
