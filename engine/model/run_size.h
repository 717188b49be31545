// What a run costs in memory and time, known before anything is simulated: the scenario reader refuses
// sizes that cannot fit, and a study refuses what would take more than a week of one core, each with the
// estimate, before anything is allocated.
#pragma once

#include <string>

#include "wijksim/model/household.h"
#include "wijksim/model/params.h"

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

// Per run of a study, beyond its household-weeks (study.cpp, check_size): the time to measure a week and
// write a row of the results store, and what a run keeps in memory until the study ends (its figures, held
// as the run's measures, in the summary and in the economic evaluation, and the bookkeeping around them).
inline constexpr double kSecondsPerStoredRow = 2e-6;
inline constexpr double kBytesPerFigureKept = 3 * sizeof(double);
inline constexpr double kBytesPerRun = 512;
inline constexpr double kBytesPerDraw = 256;
// Replication numbers are stored as 32-bit signed integers.
inline constexpr double kMaxReplicationNumber = 2147483647;

// The most the costs of one policy week can reach, in cents, for a scenario whose parameters are at the
// largest values they can take (ScenarioSource's largest draw): every household with a problem in every
// domain, each with an intake, a duplicate intake, a bounce at every wrong door it may try and a rejected
// coach referral, two cases in treatment (its own and a duplicate) and an escalation, and in a spell; every
// place of an agency funded by capacity; the coaches at their largest FTE.
// `key` names the setting of the largest of these terms, for the message that refuses it.
struct CostBound {
  double cents_per_week = 0;
  std::string key;
};
CostBound max_cents_per_week(const Scenario& s);
// A run's costs are summed exactly in 64-bit cents (at most 9.2e18): a run whose bound over its policy
// weeks passes this, a margin of 9 below, is refused.
inline constexpr double kMaxRunCents = 1e18;

// The machine's physical memory in bytes (0 when unknown).
double machine_memory_bytes();

struct RunEstimate {
  double memory_bytes = 0;   // household state of one replication
  double results_bytes = 0;  // the weekly records of all replications (a WeekRecord per policy week)
  double core_seconds = 0;   // all replications, warm-up included, on one core
};
RunEstimate estimate_run(double households, double years, double warmup_years, double replications);

}  // namespace wijksim
