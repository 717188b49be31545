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
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wijksim/core/error.h"
#include "wijksim/model/params.h"
#include "wijksim/model/run_size.h"
#include "wijksim/scenario/distributions.h"
#include "wijksim/scenario/parameter_reader.h"

namespace wijksim {

// A file a scenario was read from.
struct SourceFile {
  enum class Role { Scenario, Extends, Comparator, ComparatorExtends, Targets };
  std::string path;
  Role role = Role::Scenario;
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
  // Every number of the scenario that a sensitivity analysis may set, by key path in reading order: the
  // uncertain parameters and the plain numbers alike (not those that fix the model's size or structure,
  // such as households or years).
  const std::vector<ScenarioParameter>& parameters() const { return parameters_; }
  // The parameter at a key path; nullptr when the scenario has no such number.
  const ScenarioParameter* parameter(std::string_view key_path) const;
  // The base case with some parameters set to the given values (key path -> value), through the same
  // setters as a parameter draw; whole parameters are rounded. The other distributions stay at their
  // means. Throws InputError naming the key and the file when the scenario has no such parameter or a
  // value lies outside its range.
  Scenario with_values(const std::vector<std::pair<std::string, double>>& values) const;
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
  // Every file read to load it: the scenario, the files of its `extends` chain, its comparator and the
  // comparator's chain, and the targets files they name (the command's inputs, which no output may replace).
  const std::vector<SourceFile>& files() const { return files_; }
  // Where the scenario names its comparator (for messages about the pair).
  const Location& comparator_location() const { return comparator_where_; }
  // The diagnostic when the costs of one run over `years` policy years (a command line may change them)
  // could pass what 64-bit cents hold; nullopt when they cannot.
  std::optional<Diagnostic> cost_overflow(int years) const;
  // The same for the scenario as drawn in parameter draw `draw` (`drawn`, from for_draw): a distribution of
  // unbounded support may give a far larger cost than its mean.
  std::optional<Diagnostic> cost_overflow(const Scenario& drawn, std::uint32_t draw, int years) const;

 private:
  static ScenarioSource load_text(const std::string& yaml, const std::string& path, bool check_comparator);
  void apply_draw(Scenario& s, std::uint64_t seed, std::uint32_t draw,
                  std::vector<std::pair<std::string, double>>* values) const;

  std::string path_;
  std::vector<SourceFile> files_;
  Location comparator_where_;
  CostBound cost_bound_;
  Location cost_where_;
  std::string resolved_yaml_;
  Scenario base_;
  std::vector<UncertainParameter> uncertain_;
  std::vector<ParameterSetter> apply_;  // parallel to uncertain_
  std::vector<ScenarioParameter> parameters_;
};

}  // namespace wijksim
