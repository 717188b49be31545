// What a run costs in memory and time, known before anything is simulated: the scenario reader refuses
// sizes that cannot fit, and a study refuses what would take more than a week of one core, each with the
// estimate, before anything is allocated.
#pragma once

#include "wijksim/model/household.h"

namespace wijksim {

// Refusal thresholds for sizes.
inline constexpr double kMaxHouseholds = 10'000'000;
inline constexpr double kMaxYears = 200;  // both simulation.years and simulation.warmup_years
inline constexpr double kMaxReplications = 100'000;
// A Household and its wake-up week (simulation/simulation.cpp keeps the week in an array of its own).
inline constexpr double kBytesPerHousehold = sizeof(Household) + sizeof(std::uint16_t);
// One WeekRecord (simulation/run_result.h checks this at compile time).
inline constexpr double kBytesPerWeekRecord = 2312;
// Throughput assumed in time estimates: a little below what benchmarks/ measures on one core.
inline constexpr double kHouseholdWeeksPerCoreSecond = 5e7;

struct RunEstimate {
  double memory_bytes = 0;   // household state of one replication
  double results_bytes = 0;  // the weekly records of all replications (a WeekRecord per policy week)
  double core_seconds = 0;   // all replications, warm-up included, on one core
};
RunEstimate estimate_run(double households, double years, double warmup_years, double replications);

}  // namespace wijksim
