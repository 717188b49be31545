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
#include <memory>

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
  Interrupted(std::size_t done, std::size_t total)
      : Error(fmt::format("interrupted after {} of {} draws", done, total)), done_(done), total_(total) {}
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

// ---- run_study in two halves, for a driver that simulates a study's units elsewhere -------------------
// (cluster/: the ranks of an MPI job). run_study itself is these two halves in one process.
//
// A unit of work is every scenario's run in one (parameter draw, replication): a PSA spreads its draws, a
// base case its replications. Units are numbered draw-major over every draw of the study, done before or
// not: unit = draw index (in Study::draw_ids) x replications + replication slot.

class SharedWarmups;  // study.cpp

// Simulates units: what every process that simulates needs. The warm-ups that every draw shares are
// simulated when a unit first needs them, once per process (they are deterministic, so each process computes
// its own, and only those of the replications it simulates).
class StudyUnits {
 public:
  explicit StudyUnits(const Study& study);
  ~StudyUnits();
  StudyUnits(const StudyUnits&) = delete;
  StudyUnits& operator=(const StudyUnits&) = delete;

  std::size_t count() const { return draws_.size() * reps_; }

  // Receives each run: (scenario, replication slot, the scenario as run in this draw, result). Called
  // concurrently from worker threads, once for each (scenario, slot).
  using Take =
      std::function<void(std::size_t scenario, std::uint32_t slot, const Scenario& in_draw, RunResult&& run)>;
  // The runs of replication slots [first, first + slots) of draw index d, in parallel: from the study's
  // warm-ups where there are any, else each group's warm-up for this draw. Throws RunFailure (its job is the
  // scenario's index).
  void simulate(std::size_t d, std::uint32_t first, std::uint32_t slots, const Take& take) const;
  // One unit's runs, [scenario].
  std::vector<RunResult> simulate(std::size_t unit) const;

 private:
  const Study& study_;
  const std::vector<std::uint32_t> draws_;
  const std::uint32_t reps_;
  std::unique_ptr<SharedWarmups> warmups_;
};

// What a draw's simulation produced: [scenario][replication slot].
struct DrawRuns {
  std::vector<std::vector<RunResult>> results;  // kept only when there is a sink
  std::vector<std::vector<RunMeasures>> measures;
};

// Takes a study's runs as they are simulated, in any order, and keeps each draw once it is whole and every
// draw before it is kept: to `on_draw` (the store), then into the summaries. So the draws reach the sink
// and the summaries in draw order, whoever simulated them and in whatever order they finished.
class StudyAssembler {
 public:
  StudyAssembler(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw,
                 const CompletedDraws* completed);

  std::size_t draws() const { return draws_.size(); }
  std::uint32_t draw_id(std::size_t d) const { return draws_[d]; }
  std::uint32_t replications() const { return reps_; }
  // Completed in an earlier, interrupted run (resume): not simulated again.
  bool done_before(std::size_t d) const { return pending_[d].done_before; }
  // The units still to simulate, in order.
  std::vector<std::size_t> todo() const;
  bool keeps_results() const { return static_cast<bool>(on_draw_); }

  // The figures of one run (thread-safe).
  RunMeasures measure(std::size_t scenario, const Scenario& in_draw, const RunResult& run) const {
    return measure_run(shapes_[scenario], in_draw, run);
  }
  // Where draw d's runs go, sized for every scenario and slot: the caller fills distinct places, from any
  // thread, then calls filled().
  DrawRuns& place(std::size_t d);
  // Counts `runs` finished runs for the progress callback (thread-safe).
  void ran(std::size_t runs);
  // `runs` more runs of draw d are in place; keeps every draw now whole whose predecessors are kept.
  // One call at a time. Rethrows what the sink throws (the draw is then not kept).
  void filled(std::size_t d, std::size_t runs);
  // Draws kept so far, and the index of the first draw not kept (draws() when all are).
  std::size_t kept() const { return kept_; }
  // The summaries and the economic evaluation. Throws Interrupted unless every draw was kept.
  StudyResult finish();

 private:
  struct Pending : DrawRuns {
    bool done_before = false;
    std::size_t runs_in = 0;
  };
  void keep_ready();

  const Study& study_;
  const std::size_t n_;
  const std::uint32_t reps_;
  const std::vector<std::uint32_t> draws_;
  const Progress::Callback on_progress_;
  const DrawSink on_draw_;
  std::vector<ScenarioShape> shapes_;
  std::vector<Pending> pending_;  // per draw; emptied once kept, so only draws in flight hold results
  std::vector<std::vector<RunMeasures>> runs_;  // per scenario, in draw order: for the summaries
  std::size_t kept_ = 0;
  std::atomic<std::size_t> runs_done_{0};
};

}  // namespace wijksim
