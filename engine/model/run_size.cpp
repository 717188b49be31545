#include "wijksim/model/run_size.h"

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

}  // namespace wijksim
