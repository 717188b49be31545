// `wijksim calibrate`: a scenario's free parameters (its targets file's `free:`) fitted to its targets by
// incremental mixture importance sampling (analysis/imis.h), each candidate simulated here. docs/model.md
// ("Calibration") defines the method; the command line only prints what this returns.
//
// A candidate is the scenario with the candidate's values (ScenarioSource::reread_with, so every conversion
// and check applies), on the targets file's `calibration.households` (every neighbourhood scaled
// proportionally), run for `replications` replications of `years` policy years after the scenario's
// warm-up. Every candidate runs the same seed and replications: common random numbers, so two candidates'
// figures differ by their parameters, not by luck. Candidates run in parallel (oneTBB), or over the ranks of
// an MPI job (SimulateCandidates); each is addressed by its index, so nothing depends on the thread or rank
// count or the order they finish in.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wijksim/analysis/calibration.h"
#include "wijksim/analysis/imis.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/scenario/targets_file.h"
#include "wijksim/simulation/experiment.h"

namespace wijksim {

struct CalibrationPlan {
  ScenarioSource source;     // the scenario as written
  ScenarioSource simulated;  // with the households calibration simulates
  TargetsFile file;
  std::vector<CalibrationTarget> targets;  // checked against the scenario
  CalibrationSettings settings;
  std::uint64_t seed = 0;
  int households = 0;   // simulated per candidate
  int represented = 0;  // targets the model represents (measure not `none`): the likelihood's terms
};

// Loads the scenario and its targets file and checks that calibration can run: a targets file with free
// parameters and targets the model represents (each with an interval of some width), every free parameter a
// number of the scenario whose prior stays within what the parameter can take. `seed`: the command line's,
// else the scenario's. Throws InputError listing every problem with its location.
CalibrationPlan plan_calibration(const std::string& scenario, std::optional<std::uint64_t> seed);

// The targets file's free parameters as calibrate takes them, without simulating: each a prior that varies,
// a key path of a number the scenario lets vary, and the scenario read at the priors' means and edges (the
// reader's own message where a value is out of range). validate, run and compare check a targets file's
// free parameters with it (outside attack 13: run and compare said nothing of a broken `free:`, validate
// refused it); calibrate checks the same in plan_calibration. InputError when they are not usable.
void check_free_parameters(const ScenarioSource& source, const TargetsFile& file);

// One evaluated candidate.
struct CandidateRecord {
  std::uint32_t index = 0;
  int round = 0;
  std::vector<double> parameters;  // parallel to the free parameters
  std::vector<double> model;       // the model's mean over replications, parallel to the targets
  std::vector<double> model_se;    // its Monte Carlo standard error (NaN with one replication)
  double log_likelihood = kMinusInfinity;
  bool rejected = false;  // the scenario cannot take these values (a parameter out of its range): weight 0
};

// Candidates evaluated before (a resumed run), by index: not simulated again.
using CompletedCandidates = std::map<std::uint32_t, CandidateRecord>;
// Receives every candidate as it is evaluated (serially: one at a time, in any order).
using CandidateSink = std::function<void(const CandidateRecord&)>;

// One candidate simulated as the plan says: its scenario with the candidate's values, run for the plan's
// replications and years with the plan's seed (common random numbers). Deterministic, so any process of a
// job may simulate any candidate; rejected when the scenario cannot take the values. Throws RunFailure
// when a run throws.
CandidateRecord simulate_candidate(const CalibrationPlan& plan, const ImisCandidate& candidate);

// Receives a simulated candidate: its position in the candidates given to SimulateCandidates, and its record.
using CandidateDone = std::function<void(std::size_t position, CandidateRecord&& record)>;
// Simulates candidates (those of one IMIS batch not taken from the store), handing each one's record to
// `done`, one at a time or from several threads at once, in any order. Once `stop` is set it starts no more
// candidates and returns (those it did not hand to `done` are what Interrupted counts as missing). What a
// candidate throws it rethrows. run_calibration's own simulates them here, in parallel (oneTBB); an MPI job
// spreads them over its ranks (cluster/distributed_calibration.h), which the study layer cannot see.
using SimulateCandidates = std::function<void(std::span<const ImisCandidate> candidates,
                                              const CandidateDone& done, const std::atomic<bool>* stop)>;

struct ParameterPosterior {
  // Over the sets: mean, sd, and their spread (spread_of_draws: 2.5% and 97.5% percentiles from 40 sets on,
  // else the lowest and the highest).
  double mean = 0, sd = 0, lo = 0, hi = 0;
};

struct TargetFit {
  // The model at the posterior: the mean of the figure over the sets (each set's candidate as simulated; no
  // further simulation), and its spread over the sets (spread_of_draws: the 2.5% and 97.5% percentiles from
  // 40 sets on, else the lowest and the highest).
  double model = kNaN, lo = kNaN, hi = kNaN;
  Fit fit = Fit::NotModelled;  // inside: the weighted mean lies in the target's interval
};

struct CalibrationResult {
  ImisResult imis;
  std::vector<CandidateRecord> candidates;  // by index; those outside the prior's support are not evaluated
  std::size_t evaluated = 0;                // simulated now or taken from the store
  std::size_t rejected = 0;                 // evaluated, but values the scenario cannot take
  std::vector<std::size_t> sets;            // the resampled candidates, one per set
  std::vector<std::vector<double>> set_values;
  std::vector<ParameterPosterior> posterior;  // parallel to the free parameters
  std::vector<TargetFit> fit;                 // parallel to the targets
  // The candidates of the search for the posterior's mode (IMIS with optimisation; round -1).
  std::size_t mode_search() const;
  // The distinct candidates among the sets (the resampling repeats a heavy one).
  std::size_t distinct_sets() const;
};

// Runs the calibration. `on_progress(done, total)`: candidates evaluated of the most there can be (initial
// + the mode search's evaluations and its Hessian's d(d + 1) points + rounds x per_round), from worker
// threads. `stop` (Ctrl-C) ends it after the candidates in flight, which
// go to `sink`, by throwing Interrupted. `simulate`: where the candidates are simulated (empty: here, on
// this process's threads). IMIS runs here whatever `simulate` is, and a candidate's record is the same
// wherever it was simulated, so the result does not depend on it.
CalibrationResult run_calibration(const CalibrationPlan& plan,
                                  const Progress::Callback& on_progress = nullptr,
                                  const CandidateSink& sink = nullptr,
                                  const CompletedCandidates* completed = nullptr,
                                  const std::atomic<bool>* stop = nullptr,
                                  const SimulateCandidates& simulate = nullptr);

// The sets file (scenario/parameter_sets.h): comment lines saying how the sets were made, then one row per
// set.
// The scenario and targets files as the sets file and the report name them: by default as the command gave
// them; a resumed run's as it began with them (the same files, perhaps spelt otherwise: ./s/../s/x.yaml for
// s/x.yaml), which its store holds.
struct CalibrationFiles {
  std::string scenario, targets;
};
std::string calibration_sets_text(const CalibrationPlan& plan, const CalibrationResult& result,
                                  const std::optional<CalibrationFiles>& as_stored = std::nullopt);

// The scenario whose calibration wrote the sets file at `path`, as its header says: its path as written and
// its name (empty in a file written before the name was recorded); nothing when the file cannot be read or
// does not begin as calibration_sets_text does.
struct CalibratedScenario {
  std::string path, name;
};
std::optional<CalibratedScenario> calibrated_scenario_of(const std::string& path);

}  // namespace wijksim
