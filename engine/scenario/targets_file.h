// A calibration targets file (scenarios/targets/*.yaml; scenarios/README.md, "Targets files"): the public
// figures a population's model should reproduce, each with its interval, unit, source and the model measure
// it is compared with; the parameters `wijksim calibrate` may move to fit them, each with its prior; and how
// calibration runs. A scenario names its file (`targets:`) and every run reports the targets beside the
// model.
#pragma once

#include <string>
#include <vector>

#include "wijksim/model/params.h"
#include "wijksim/scenario/distributions.h"

namespace wijksim {

// A parameter calibration may move: a scenario key path (a number in the scenario) and its prior.
struct FreeParameter {
  std::string key_path;  // e.g. "domains.money.incidence_per_year"
  Location where;
  Distribution prior;
};

// How `wijksim calibrate` runs (every value has a default).
struct CalibrationSettings {
  int households = 0;    // simulate this many households (the same neighbourhood shares); 0: all of them
  int replications = 2;  // per candidate, common random numbers across candidates
  int years = 2;         // policy years after the warm-up over which targets are measured
  int initial = 400;     // candidates drawn from the priors first (incremental mixture importance sampling)
  int per_round = 100;   // candidates added around the best points each round
  int rounds = 10;       // at most
  int sets = 200;        // parameter sets written, resampled by their weights
  int mode_search = -1;  // evaluations searching the posterior's mode first (0: none; -1: 25 per parameter)
  Location households_where;  // where `households` is given (checked against the scenario's households later)
};

struct TargetsFile {
  std::string path;
  std::string population;                  // what the figures describe, in words
  std::vector<CalibrationTarget> targets;  // measures not yet checked against a scenario (parsed empty)
  std::vector<FreeParameter> free;
  CalibrationSettings settings;
  std::string content_hash;  // FNV-1a 64 of the file's text, 16 hex digits: a calibration's identity
};

// Reads and checks a targets file. Throws InputError listing every problem with its location.
TargetsFile read_targets_file(const std::string& path);
// The same, as far as the file goes: what could be read, its problems in `problems` (InputError only for a
// file that cannot be read at all).
TargetsFile read_targets_file(const std::string& path, std::vector<Diagnostic>& problems);

// The targets with their measures checked against scenario s (unknown events, agencies, payers are reported
// at the target's location): InputError otherwise. An empty `horizon`: a share's `at: year N` is not checked
// against the scenario's years (a command line sets them; parse_target_measure).
std::vector<CalibrationTarget> targets_for(const Scenario& s, const TargetsFile& file,
                                           std::string_view horizon = "the policy horizon");

// The measures of a targets file that has problems of its own (file_problems, from read_targets_file) that
// scenario s cannot show: a misspelt measure is said with a missing unit, not only once that is mended.
std::vector<Diagnostic> measure_problems(const Scenario& s, const TargetsFile& file,
                                         const std::vector<Diagnostic>& file_problems,
                                         std::string_view horizon = "the policy horizon");

}  // namespace wijksim
