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
  // Parameter sets every scenario's draws take values from, instead of the scenarios' own `parameter_sets`.
  std::optional<std::string> parameter_sets;
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

struct StudyResult {
  // Over every run of a scenario (all draws and replications), parallel to Study::scenarios.
  std::vector<ScenarioSummary> summaries;
  std::vector<ComparisonSummary> comparisons;  // one per scenario with a comparator, in scenario order
  // Per comparator, the named scenarios compared with it: a decision (DecisionGroup::comparator and
  // options are indices into Study::scenarios).
  EconomicEvaluation evaluation;
};

// Called once per completed draw, serially, with every run of that draw: results[scenario][replication].
// `measures` are the figures measured from `results`, same layout.
using DrawSink = std::function<void(std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                                    const std::vector<std::vector<RunMeasures>>& measures)>;

// Draws already done (a resumed run): draw -> [scenario][replication] figures. They are not run again.
using CompletedDraws = std::map<std::uint32_t, std::vector<std::vector<RunMeasures>>>;

// Thrown by run_study when `stop` was set: the draws before it completed (and went to on_draw).
class Interrupted : public Error {
 public:
  Interrupted(std::size_t done, std::size_t total, const char* what = "draws")
      : Error(fmt::format("interrupted after {} of {} {}", done, total, what)), done_(done), total_(total) {}
  std::size_t done() const { return done_; }
  std::size_t total() const { return total_; }

 private:
  std::size_t done_, total_;
};

// Runs every replication of every scenario in every draw, a draw at a time, each draw's runs in parallel
// (oneTBB; the caller sets the thread count). `on_progress(done, total)` counts runs over the whole study.
// `stop`, when set (Ctrl-C), ends the study after the draw in flight by throwing Interrupted.
StudyResult run_study(const Study& study, const Progress::Callback& on_progress = nullptr,
                      const DrawSink& on_draw = nullptr, const CompletedDraws* completed = nullptr,
                      const std::atomic<bool>* stop = nullptr);

}  // namespace wijksim
