// A study: the scenarios a command names, each with its comparator, run with common random numbers and
// summarised into the tables a policy advisor reads. `wijksim run` and `wijksim compare` are each one
// call here; the command line only parses options and prints.
//
// Common random numbers: every scenario of a study runs with the same seed, the same replications and the
// same policy horizon, so an intervention and its comparator see the same households, the same life events
// and the same draws wherever their paths agree; their differences are paired by replication.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/analysis/economic_evaluation.h"
#include "wijksim/analysis/summary.h"
#include "wijksim/model/model.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/simulation/experiment.h"

namespace wijksim {

// Values that override every scenario's own (the command line's --seed, --replications, --years).
struct StudyOverrides {
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  std::optional<int> years;
  std::optional<std::uint32_t> first_replication;  // to replay one failed run exactly
  std::optional<int> draws;  // parameter draws of a probabilistic sensitivity analysis (0: base case only)
};

struct StudyScenario {
  ScenarioSource source;
  Scenario scenario;    // base case, with the study's seed, replications and horizon
  int comparator = -1;  // index of its comparator in Study::scenarios, -1 for none
  bool named = false;   // named on the command line (not only pulled in as a comparator)
};

struct Study {
  std::vector<StudyScenario> scenarios;  // named scenarios first, then comparators not named themselves
  std::uint64_t seed = 0;
  int replications = 0;
  std::uint32_t first_replication = 0;
  int years = 0;
  int draws = 0;  // 0: the base case (every distribution at its mean) only; N: draws 1..N
  std::vector<std::uint32_t> draw_ids() const;  // {0} or {1, ..., N}
  // A scenario as run in a draw: the base case for draw 0, else its parameters sampled for that draw
  // (the same values for every scenario that gives a parameter the same distribution).
  Scenario scenario_in_draw(std::size_t index, std::uint32_t draw) const;
};

// Loads the scenarios (and, when with_comparators, each one's comparator, once even if shared) and fixes
// the study's seed, replications and years: the overrides, else the first scenario's. Throws InputError
// listing every problem in every file.
Study plan_study(const std::vector<std::string>& paths, const StudyOverrides& overrides,
                 bool with_comparators);

// Throws InputError, located at the scenario's `comparator`, when an intervention and its comparator do not
// share their warm-up (simulation.h, warmup_difference) in the base case or in draws first_draw ...
// first_draw + draws - 1 (indices into draw_ids()). plan_study checks the first 100 draws; the study checks
// each draw again before it simulates it.
void check_shared_warmups(const Study& study, std::uint32_t first_draw = 0, std::uint32_t draws = 100);

struct StudyResult {
  // Over every run of a scenario (all draws and replications), parallel to Study::scenarios.
  std::vector<ScenarioSummary> summaries;
  std::vector<ComparisonSummary> comparisons;  // one per scenario with a comparator, in scenario order
  // Per comparator, the named scenarios compared with it: a decision (DecisionGroup::comparator and
  // options are indices into Study::scenarios).
  EconomicEvaluation evaluation;
};

// Called once per completed unit, serially and in order, with every run of that unit:
// results[scenario][k]. A unit is a parameter draw with all its replications, or in the base case (no draws)
// one replication, so that an interrupted base case keeps its finished replications. `measures` are the
// figures measured from `results`, same layout; each run carries its draw and replication number.
using DrawSink = std::function<void(std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                                    const std::vector<std::vector<RunMeasures>>& measures)>;

// Runs already done (a resumed run): (draw, replication number) -> [scenario] figures. A unit whose runs
// are all here is not run again.
using CompletedRuns = std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<RunMeasures>>;

// Thrown by run_study when `stop` was set: the units before it completed (and went to on_draw). `what`
// names the units: "draws", or "replications" in the base case.
class Interrupted : public Error {
 public:
  Interrupted(std::size_t done, std::size_t total, const std::string& what = "draws")
      : Error(fmt::format("interrupted after {} of {} {}", done, total, what)), done_(done), total_(total) {}
  std::size_t done() const { return done_; }
  std::size_t total() const { return total_; }

 private:
  std::size_t done_, total_;
};

// Runs every replication of every scenario in every draw, a unit (see DrawSink) at a time, several units
// in flight and each unit's runs in parallel (oneTBB; the caller sets the thread count).
// `on_progress(done, total)` counts runs over the whole study. `stop`, when set (Ctrl-C), ends the study
// after the units in flight by throwing Interrupted; should it be set after the last unit has begun, the
// study simply completes.
StudyResult run_study(const Study& study, const Progress::Callback& on_progress = nullptr,
                      const DrawSink& on_draw = nullptr, const CompletedRuns* completed = nullptr,
                      const std::atomic<bool>* stop = nullptr);

}  // namespace wijksim
