// Which assumptions decide the answer: the sensitivity analyses of a study's decisions.
//
// Simulated (`wijksim compare --sensitivity`): per decision, a one-way analysis of every uncertain parameter
// of its scenarios (a tornado per intervention), a two-way grid, and thresholds, each setting simulated with
// common random numbers (the base case's seed and replications, parameter draw 0), continuing from the
// base case's warm-ups wherever the setting leaves the warm-up as it is. From the runs already made (always,
// with `compare`): the value of information by regression (with parameter draws), the evaluation the city
// would run (a virtual survey), the expected incremental benefit and the PSA's convergence.
//
// A parameter is a key path. One that several scenarios of a decision give (the comparator's escalation
// costs, the coaches' mandate of two scale-ups) moves in all of them together, as a PSA's common parameter
// draws do; in a one-way analysis each scenario goes to its own distribution's percentile. A Dirichlet's
// shares move together and have no single percentile: one-way analysis leaves them at their means (they are
// listed as skipped), EVPPI takes them as one group.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/analysis/evppi.h"
#include "wijksim/analysis/psa_diagnostics.h"
#include "wijksim/analysis/sensitivity.h"
#include "wijksim/analysis/virtual_evaluation.h"
#include "wijksim/study/study.h"

namespace wijksim {

// A parameter with an optional range, as the command line gives it: "coaches.fte" or "coaches.fte=20:200".
struct ParameterRange {
  std::string key;
  std::optional<double> from, to;
  std::string option;  // where a given range came from (--parameters, --two-way, --threshold), for its errors
};

// "coaches.fte=20:200,coach_wait=6": the value of a parameter (in a range) at which an outcome meets a
// target.
struct ThresholdRequest {
  ParameterRange parameter;
  std::string outcome;
  double target = 0;
};

struct SensitivityOptions {
  bool simulate = false;                     // one-way, two-way and thresholds (--sensitivity)
  std::vector<std::string> parameters;       // one-way: these; empty: every uncertain parameter
  std::vector<ParameterRange> two_way;       // two of them; empty: the first tornado's top two
  int grid = 5;                              // two-way: points per parameter
  std::vector<ThresholdRequest> thresholds;  // empty: the defaults (README)
  std::optional<int> replications;           // of the sensitivity runs; default: the scenarios' own
  // EVPPI groups besides each parameter, each section (coaches, domains, ...) and all parameters together.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  double noise_share = 0.1;  // the raw EVPI's inflation the replications advice allows
  VirtualStudyDesign survey;
  // The survey's size was asked for: one larger than a population surveyed is refused. The default (the
  // seeds' 168) larger than a small population leaves the virtual evaluation out, said in its table: a plain
  // `compare` of 100 households failed on an option nobody gave (outside attack 38).
  bool survey_sample_given = false;
  bool survey_studies_given = false;  // --survey-studies on the command line
};

// The value of information of one parameter or group.
struct EvppiRow {
  std::string name;                     // the key path, the section ("coaches.*"), a group's name, or "all"
  std::vector<std::string> parameters;  // its columns
  enum class Kind { Parameter, Section, Group, All } kind = Kind::Parameter;
  EvppiEstimate estimate;
};

// The virtual survey of one measure for one intervention.
struct SurveyRow {
  std::size_t option = 1;
  Label measure;  // "with_problem", "professionals_3plus", "low_trust"
  VirtualStudyResult result;
};

struct DecisionSensitivity {
  std::size_t comparator = 0;        // study index
  std::vector<std::size_t> options;  // study indices, comparator first
  std::vector<std::string> names;
  std::vector<Outcome> outcomes;  // the tornado's outcomes, the first the one it is sorted by
  double willingness_to_pay = 0;
  int households = 0;
  // Simulated (--sensitivity).
  bool simulated = false;
  int replications = 0;              // of the sensitivity runs
  // Their base case is the comparison the tables print (its runs reused: the base case's replications, no
  // draws); otherwise it is simulated anew with `replications` and differs from it by Monte Carlo error.
  bool base_is_printed = false;
  std::vector<Tornado> tornados;     // one per intervention
  std::vector<std::string> skipped;  // uncertain parameters one-way analysis cannot vary (Dirichlet shares)
  std::optional<TwoWay> two_way;
  std::string no_two_way;         // why there is none
  std::string two_way_grid_note;  // a whole-number axis with fewer values than the grid asked for
  std::vector<Threshold> thresholds;
  std::vector<std::string> threshold_scenario;  // parallel: the intervention's name
  int settings_simulated = 0;
  // From the PSA's draws.
  std::vector<EvppiRow> evppi;
  std::optional<NoiseAdvice> noise;
  std::string no_evppi;  // why there is no EVPPI ("no parameter draws", "too few draws")
  // Rows whose regression could not be fitted (more columns than the draws can carry): "all (24 columns)".
  std::vector<std::string> evppi_left_out;
  std::vector<std::vector<BenefitPoint>> benefit;                            // per intervention
  std::vector<std::vector<RunningPoint>> convergence_nmb, convergence_cost;  // per intervention
  // The virtual evaluation.
  std::vector<SurveyRow> survey;
  std::string no_survey;  // why there is no virtual evaluation (a population smaller than the survey)
  VirtualStudyDesign survey_design;
  bool survey_control_is_same_run = false;  // one run only: the control is the same households
};

struct SensitivityResult {
  std::vector<DecisionSensitivity> decisions;  // parallel to StudyResult::evaluation.groups
};

// Called with the runs of the sensitivity settings done so far and an estimate of the total.
using SensitivityProgress = std::function<void(std::size_t done, std::size_t total)>;

// The analyses of a completed study. Throws InputError for a parameter or outcome the command line names
// that no scenario of the study has (with the nearest key), Interrupted when `stop` is set between two
// batches of settings.
// Throws InputError naming the option unless what the options name exists in the study: parameters that may
// vary, two of them for --two-way, a grid of 2 to 50, EVPPI groups of parameters the draws vary, each
// group named once and not like a parameter or "all". Called before anything is simulated.
void check_sensitivity_options(const Study& study, const SensitivityOptions& o);

// What is wrong with the options whatever the study: a parameter, threshold or EVPPI group given twice, a
// parameter on both axes of --two-way or another number of axes than two, a grid out of 2 to 50, a group
// name that cannot be one. The option and the message, or nothing. The command line says these as mistakes
// of its own (usage, exit 2); check_sensitivity_options throws them as InputError for a library caller.
struct OptionProblem {
  std::string option, message;
};
std::optional<OptionProblem> sensitivity_options_problem(const SensitivityOptions& o);

SensitivityResult analyse_sensitivity(const Study& study, const StudyResult& result,
                                      const SensitivityOptions& options,
                                      const SensitivityProgress& progress = nullptr,
                                      const std::atomic<bool>* stop = nullptr);

// A planning curve of one scenario against its comparator: the outcomes at each of `steps` values of a
// parameter from `from` to `to` (`wijksim sweep`).
struct SweepResult {
  std::string scenario, comparator, parameter;
  std::vector<Outcome> outcomes;
  std::vector<SweepPoint> points;
  int replications = 0;
  double willingness_to_pay = 0;  // the comparator's, at which the net monetary benefit is valued
  std::string grid_note;  // a whole-number parameter with fewer values than steps asked for, else empty
};
SweepResult run_sweep(const Study& study, const std::string& parameter, double from, double to, int steps,
                      const SensitivityProgress& progress = nullptr, const std::atomic<bool>* stop = nullptr);

// Parses "key", "key=from:to" (ranges) and "key[=from:to],outcome=target" (thresholds); InputError with
// the option's name when malformed.
ParameterRange parse_parameter_range(const std::string& text, const std::string& option);
ThresholdRequest parse_threshold(const std::string& text);

}  // namespace wijksim
