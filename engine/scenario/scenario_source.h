// Scenario files: YAML in, a validated wijksim::Scenario out (scenarios/README.md describes the format).
//
// Input is read in three stages (STYLE.md lesson 4), each in a file of its own:
//   1. yaml_tree.h: YAML text, parsed by yaml-cpp, becomes a plain tree in which every key and value keeps
//      its file, line and column;
//   2. extends.h: `extends` chains are resolved by merging those trees (maps merge key by key, lists and
//      scalars replace), so a value inherited from a parent file still points at the parent file;
//   3. scenario_schema.h with parameter_reader.h: the resolved tree is validated against the schema into a
//      Scenario (base values) plus the list of uncertain parameters (distributions) that probabilistic
//      sensitivity analysis samples.
// Every problem found in any stage becomes a Diagnostic; all of them are thrown together as one InputError.
// A key that the schema does not read is an error, never ignored.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "wijksim/core/error.h"
#include "wijksim/model/params.h"
#include "wijksim/scenario/distributions.h"
#include "wijksim/scenario/parameter_reader.h"
#include "wijksim/scenario/yaml_tree.h"

namespace wijksim {

// A number for one key path of a scenario: a free parameter of calibration, a column of a parameter set.
struct KeyValue {
  // Keys joined by '.', a list item as "[i]" ("economics.utility_by_problems[1]"); a key '*' stands for every
  // entry of that map ("domains.*.incidence_per_year": every domain's, the same value).
  std::string key_path;
  double value = 0;
  Location where;  // where the key path is written (the targets file's free parameter, a sets file's column)
};

// A loaded, validated scenario file, with its uncertainty.
class ScenarioSource {
 public:
  // Throws InputError listing every problem found (file, line, column, key path, found and expected).
  static ScenarioSource load(const std::string& path);
  // The same for text in memory (tests, fuzzing); `extends` and `comparator` are resolved relative to
  // virtual_path's directory.
  static ScenarioSource load_string(const std::string& yaml, const std::string& virtual_path);

  // Every distribution at its mean (integers rounded).
  Scenario base() const;
  // One draw of the probabilistic sensitivity analysis: each uncertain parameter sampled from
  // RandomStreams(seed, draw, 0) with entity parameter_id(key_path). Two scenarios that give the same key
  // path the same distribution therefore get the same value in the same draw (common parameter draws).
  Scenario for_draw(std::uint64_t seed, std::uint32_t draw) const;
  const std::vector<UncertainParameter>& uncertain() const { return uncertain_; }

  // The scenario with some key paths set to numbers, read and checked again as a whole: every setter,
  // conversion (euros to cents, capacity per 1,000 households) and cross-check applies as for a file. A
  // number replaces a distribution (that parameter no longer varies between draws). Throws InputError at
  // the value's `where` for a key path the scenario does not have or that is not a number (nor a
  // distribution), and for a value the key cannot take (a share above 1).
  ScenarioSource with_values(std::span<const KeyValue> values) const;
  // Whether the scenario gives `key_path` (as with_values reads it) a value of any kind.
  bool has(const std::string& key_path) const;
  // The sampled value of each uncertain parameter in a draw, by key path (a Dirichlet gives key_path[i]),
  // for storing the draws next to the results.
  std::vector<std::pair<std::string, double>> sampled_values(std::uint64_t seed, std::uint32_t draw) const;

  // The fully resolved scenario (after extends) as YAML, for the results store; loading it again with
  // load_string (same directory) gives the same Scenario.
  const std::string& resolved_yaml() const { return resolved_yaml_; }
  // Every leaf of the resolved scenario as "key.path" -> value, in file order: a scalar as written, a list
  // or a distribution ({dist: ...}) as one value in YAML flow style. For the results store and the report.
  std::vector<std::pair<std::string, std::string>> settings() const;
  // FNV-1a 64-bit hash of resolved_yaml, 16 hex digits: identifies the scenario's content, not its file.
  std::string hash() const;
  const std::string& path() const { return path_; }

 private:
  static ScenarioSource load_text(const std::string& yaml, const std::string& path, bool check_comparator);
  // Reads the resolved tree. `targets`: the calibration targets already read for this tree's structure
  // (with_values changes numbers only), so the targets file is not read again.
  static ScenarioSource from_tree(std::shared_ptr<const loader::Node> tree, const std::string& path,
                                  bool check_comparator, const std::vector<CalibrationTarget>* targets);
  void apply_draw(Scenario& s, std::uint64_t seed, std::uint32_t draw,
                  std::vector<std::pair<std::string, double>>* values) const;

  std::string path_;
  std::shared_ptr<const loader::Node> tree_;  // the resolved tree (after extends), for with_values
  std::string resolved_yaml_;
  Scenario base_;
  std::vector<UncertainParameter> uncertain_;
  std::vector<ParameterSetter> apply_;  // parallel to uncertain_
};

}  // namespace wijksim
