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
  // Settings a scenario gives that this study does not use ("FILE:LINE: what"), for the command to say (they
  // were ignored in silence): a later scenario's seed, replications or years (the first scenario's, or the
  // command line's, hold for all), an intervention's economics (its comparator's hold).
  std::vector<std::string> unused_settings;
  std::vector<std::uint32_t> draw_ids() const;  // {0} or {1, ..., N}
  // A scenario as run in a draw: the base case for draw 0, else its parameters sampled for that draw
  // (the same values for every scenario that gives a parameter the same distribution).
  Scenario scenario_in_draw(std::size_t index, std::uint32_t draw) const;
};

// Loads the scenarios (and, when with_comparators, each one's comparator, once even if shared) and fixes
// the study's seed, replications and years: the overrides, else the first scenario's. Throws InputError
// listing every problem in every file.
// A note when the scenario's coach schedule has steps from policy year `years` on, which a run of `years`
// policy years never reaches (Study::unused_settings; validate says it of the file's own years); "" when
// none.
std::string schedule_beyond_the_run(const ScenarioSource& source, const Scenario& scenario, int years);

Study plan_study(const std::vector<std::string>& paths, const StudyOverrides& overrides,
                 bool with_comparators);

// Throws InputError, located at the scenario's `comparator`, when an intervention and its comparator do not
// share their warm-up (simulation.h, warmup_difference) in the base case or in draws first_draw ...
// first_draw + draws - 1 (indices into draw_ids()). plan_study checks the first 100 draws; the study checks
// each draw again before it keeps it.
void check_shared_warmups(const Study& study, std::uint32_t first_draw = 0, std::uint32_t draws = 100);

// Throws InputError, located at the scenario's coaches.funding, when in some parameter draw the coaches paid
// by reallocation would take more places from an agency than it has (model.h, reallocation_problem): a file
// so set is refused, and a draw so set was run with the agency's places cut to 0 without a word, its
// figures those of another question. Every draw is checked (a draw's scenario is made in microseconds).
void check_reallocation_in_draws(const Study& study);

struct StudyResult {
  // Over every run of a scenario (all draws and replications), parallel to Study::scenarios.
  std::vector<ScenarioSummary> summaries;
  std::vector<ComparisonSummary> comparisons;  // one per scenario with a comparator, in scenario order
  // Per comparator, the named scenarios compared with it: a decision (DecisionGroup::comparator and
  // options are indices into Study::scenarios).
  EconomicEvaluation evaluation;
};

// Called once per completed part, serially and in order, with every run of that part: results[scenario][k].
// A part is a parameter draw with all its replications, or in the base case (no draws) one replication, so
// that an interrupted base case keeps its finished replications. `measures` are the figures measured from
// `results`, same layout; each run carries its draw and replication number.
using DrawSink = std::function<void(std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                                    const std::vector<std::vector<RunMeasures>>& measures)>;

// Runs already done (a resumed run): (draw, replication number) -> [scenario] figures. A part whose runs
// are all here is not run again.
using CompletedRuns = std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<RunMeasures>>;

// Thrown by run_study when `stop` was set: the parts before it completed (and went to on_draw). `what`
// names the parts: "draws", or "replications" in the base case.
class Interrupted : public Error {
 public:
  // `at_most`: total is the most there could be (a calibration stops adding candidates once it has enough).
  Interrupted(std::size_t done, std::size_t total, const std::string& what = "draws", bool at_most = false)
      : Error(fmt::format("interrupted after {} of {}{} {}", done, at_most ? "at most " : "", total, what)),
        done_(done),
        total_(total) {}
  std::size_t done() const { return done_; }
  std::size_t total() const { return total_; }

 private:
  std::size_t done_, total_;
};

// Runs every replication of every scenario in every draw, a part (see DrawSink) at a time, several parts in
// flight and each part's runs in parallel (oneTBB; the caller sets the thread count).
// `on_progress(done, total)` counts runs over the whole study. `stop`, when set (Ctrl-C), ends the study
// after the parts in flight by throwing Interrupted; should it be set after the last part has begun, the
// study simply completes.
StudyResult run_study(const Study& study, const Progress::Callback& on_progress = nullptr,
                      const DrawSink& on_draw = nullptr, const CompletedRuns* completed = nullptr,
                      const std::atomic<bool>* stop = nullptr);

// ---- run_study in two halves, for a driver that simulates a study's units elsewhere -------------------
// (cluster/: the ranks of an MPI job). run_study itself is these two halves in one process.
//
// A unit of work is every scenario's run in one (parameter draw, replication): a PSA spreads its draws, a
// base case its replications. Units are numbered draw-major over every draw of the study, done before or
// not: unit = draw index (in Study::draw_ids) x replications + replication slot. Units are kept in parts
// (DrawSink): a part is one unit in the base case, a draw's units in a PSA.

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
  // The draw indices in the order to simulate them, those continuing from one warm-up together, so that
  // few warm-ups are held at once (StudyAssembler::simulate_in).
  std::vector<std::size_t> draw_order() const;
  // The shared warm-ups simulated so far (a warm-up given back and needed again counts twice), and the most
  // held at once (each is the whole population's state).
  struct WarmupCount {
    std::size_t simulated = 0, most_held = 0;
  };
  WarmupCount warmups() const;

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

// What a part's simulation produced: [scenario][k], k the run's place in the part.
struct DrawRuns {
  std::vector<std::vector<RunResult>> results;  // kept only when there is a sink
  std::vector<std::vector<RunMeasures>> measures;
};

// Takes a study's runs as they are simulated, in any order, and keeps each part once it is whole and every
// part before it (in the order they are simulated in: simulate_in) is kept: to `on_draw` (the store), then
// into the summaries, in part order. So the parts reach the sink in one order and the summaries in part
// order, whoever simulated them and in whatever order they finished.
class StudyAssembler {
 public:
  StudyAssembler(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw,
                 const CompletedRuns* completed);

  // Parts: p = a draw index with every replication (a PSA), or a replication slot of the base case.
  std::size_t parts() const { return parts_.size(); }
  std::size_t draw_index(std::size_t p) const { return base_case_ ? 0 : p; }
  std::uint32_t first_slot(std::size_t p) const { return base_case_ ? static_cast<std::uint32_t>(p) : 0; }
  std::uint32_t slots(std::size_t /*part*/) const { return base_case_ ? 1 : reps_; }
  // The part that unit (draw index d, replication slot) belongs to, and the run's place k in it.
  std::size_t part_of(std::size_t d, std::uint32_t slot) const { return base_case_ ? slot : d; }
  std::uint32_t place_in_part(std::uint32_t slot) const { return base_case_ ? 0 : slot; }
  std::uint32_t draw_id(std::size_t d) const { return draws_[d]; }
  std::uint32_t replications() const { return reps_; }
  // The parts are simulated and kept in this order of the draw indices (StudyUnits::draw_order) instead of
  // theirs; before any is kept. Ignored in the base case.
  void simulate_in(const std::vector<std::size_t>& draw_order);
  // The part at place `at` of that order.
  std::size_t in_order(std::size_t at) const { return order_[at]; }
  // Completed in an earlier, interrupted run (resume): not simulated again.
  bool done_before(std::size_t p) const { return parts_[p].done_before; }
  // The units still to simulate, in the order of the parts.
  std::vector<std::size_t> todo() const;
  bool keeps_results() const { return static_cast<bool>(on_draw_); }

  // The figures of one run (thread-safe).
  RunMeasures measure(std::size_t scenario, const Scenario& in_draw, const RunResult& run) const {
    return measure_run(shapes_[scenario], in_draw, run);
  }
  // Where part p's runs go, sized for every scenario and place: the caller fills distinct places, from any
  // thread, then calls filled(). The first call for a part checks its draw (check_draw) and may throw
  // InputError; calls for one part are not concurrent.
  DrawRuns& place(std::size_t p);
  // Counts `runs` finished runs for the progress callback (thread-safe).
  void ran(std::size_t runs);
  // `runs` more runs of part p are in place; keeps every part now whole whose predecessors are kept.
  // One call at a time. Rethrows what the sink throws (the part is then not kept).
  void filled(std::size_t p, std::size_t runs);
  // Parts kept so far (the place in the order of the first part not kept; parts() when all are).
  std::size_t kept() const { return kept_; }
  // "draws", or "replications" in the base case: what a part is, for Interrupted.
  const char* part_name() const { return base_case_ ? "replications" : "draws"; }
  // The summaries and the economic evaluation. Throws Interrupted unless every part was kept.
  StudyResult finish();

 private:
  struct Part : DrawRuns {
    bool done_before = false;
    std::size_t runs_in = 0;
  };
  void keep_ready();

  const Study& study_;
  const std::size_t n_;
  const std::uint32_t reps_;
  const std::vector<std::uint32_t> draws_;
  const bool base_case_;
  const Progress::Callback on_progress_;
  const DrawSink on_draw_;
  std::vector<ScenarioShape> shapes_;
  std::vector<Part> parts_;  // emptied once kept, so only parts in flight hold results
  std::vector<std::vector<RunMeasures>> runs_;  // per scenario, in part order: for the summaries
  std::vector<std::size_t> order_;              // the parts in the order they are simulated and kept
  std::size_t kept_ = 0;
  std::atomic<std::size_t> runs_done_{0};
};

}  // namespace wijksim
