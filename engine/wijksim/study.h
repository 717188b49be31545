// A study: the scenarios a command names, each with its comparator, run with common random numbers and
// summarised into the tables a policy advisor reads. `wijksim run` and `wijksim compare` are each one
// call here; the command line only parses options and prints.
//
// Common random numbers: every scenario of a study runs with the same seed, the same replications and the
// same policy horizon, so an intervention and its comparator see the same households, the same life events
// and the same draws wherever their paths agree; their differences are paired by replication.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/experiment.h"
#include "wijksim/model.h"
#include "wijksim/scenario_loader.h"
#include "wijksim/summary.h"
#include "wijksim/table.h"

namespace wijksim {

// Values that override every scenario's own (the command line's --seed, --replications, --years).
struct StudyOverrides {
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  std::optional<int> years;
  std::optional<std::uint32_t> first_replication;  // to replay one failed run exactly
};

struct StudyScenario {
  ScenarioSource source;
  Scenario scenario;         // base case, with the study's seed, replications and horizon
  int comparator = -1;       // index of its comparator in Study::scenarios, -1 for none
  bool named = false;        // named on the command line (not only pulled in as a comparator)
};

struct Study {
  std::vector<StudyScenario> scenarios;  // named scenarios first, then comparators not named themselves
  std::uint64_t seed = 0;
  int replications = 0;
  std::uint32_t first_replication = 0;
  int years = 0;
};

// Loads the scenarios (and, when with_comparators, each one's comparator, once even if shared) and fixes
// the study's seed, replications and years: the overrides, else the first scenario's. Throws InputError
// listing every problem in every file.
Study plan_study(const std::vector<std::string>& paths, const StudyOverrides& overrides, bool with_comparators);

struct StudyResult {
  std::vector<ScenarioSummary> summaries;    // parallel to Study::scenarios
  std::vector<ComparisonSummary> comparisons;  // one per scenario with a comparator, in scenario order
};

// Runs every replication of every scenario in parallel (oneTBB; the caller sets the thread count).
StudyResult run_study(const Study& study, Progress* progress = nullptr);

// The report of a run or comparison: each named scenario's tables, then, for each scenario with a
// comparator, the comparator's tables (once) and the differences from it.
Report study_report(const std::string& command, const Study& study, const StudyResult& result);

}  // namespace wijksim
