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
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wijksim/core/error.h"
#include "wijksim/model/params.h"
#include "wijksim/model/run_size.h"
#include "wijksim/scenario/distributions.h"
#include "wijksim/scenario/key_value.h"
#include "wijksim/scenario/parameter_reader.h"
#include "wijksim/scenario/parameter_sets.h"
#include "wijksim/scenario/yaml_tree.h"

namespace wijksim {

// A file a scenario was read from.
struct SourceFile {
  // UnreadParameterSets: the scenario's own sets, which the command replaces (--parameter-sets): not read,
  // still the user's file, which no output replaces.
  enum class Role {
    Scenario,
    Extends,
    Comparator,
    ComparatorExtends,
    Targets,
    ParameterSets,
    UnreadParameterSets
  };
  std::string path;
  Role role = Role::Scenario;
};

// Whether a load reads the scenario's own `parameter_sets:` file (and its comparator's). A command that
// gives the draws other sets (--parameter-sets FILE, "instead of the scenarios' own") or takes none
// (calibrate, which makes them) neither reads nor needs it: a missing or stale sets file blocked the very
// command that replaces it (outside attack 47). The file is still named in the scenario (base()).
enum class OwnSets {
  Read,
  Replaced,  // by --parameter-sets: still kept from outputs (files()), as a file the user keeps
  LeftOut,   // by calibrate, which may write them anew (its output replaces only sets it wrote)
};

// A loaded, validated scenario file, with its uncertainty.
class ScenarioSource {
 public:
  // Throws InputError listing every problem found (file, line, column, key path, found and expected).
  // `years_from_command`: the years the scenario runs are decided elsewhere (a command's --years or its
  // first scenario, plan_study; calibration.years, plan_calibration), so a target's `at: year N` is not held
  // against the file's own (`-y 2` of a 1-year file with a target at year 2 was refused; outside attacks 30
  // and 31). `validate` holds it against the file's.
  static ScenarioSource load(const std::string& path, bool years_from_command = false,
                             OwnSets own_sets = OwnSets::Read);
  // The same for text in memory (tests, fuzzing); `extends` and `comparator` are resolved relative to
  // virtual_path's directory.
  static ScenarioSource load_string(const std::string& yaml, const std::string& virtual_path);

  // Every distribution at its mean (integers rounded).
  Scenario base() const;
  // One draw of the probabilistic sensitivity analysis: each uncertain parameter sampled from
  // RandomStreams(seed, draw, 0) with entity parameter_id(key_path). Two scenarios that give the same key
  // path the same distribution therefore get the same value in the same draw (common parameter draws).
  // With parameter sets, draw d >= 1 first takes the values of set parameter_set_of_draw(seed, d) (as
  // reread_with: a set's number replaces a distribution), then samples the distributions left; scenarios
  // that read the same sets file take the same set in the same draw.
  Scenario for_draw(std::uint64_t seed, std::uint32_t draw) const;
  // Reads the scenario with every set of its parameter sets (none: nothing to do) and throws InputError with
  // the problems of all of them, each at its place in the sets file: a set no draw has taken yet is checked
  // too (before, a value out of range waited for the draw that took its set). Each set's scenario is kept
  // for the draws. A set takes about a millisecond: a file of more than kCheckedSets sets is checked in the
  // sets `draws` take (parameter_set_of_draw of `seed` and draws 1..draws) alone, as calibrate writes 100
  // to 200. A set's scenario is kept only where one of those draws takes it (validate, draws 0, keeps none:
  // 200 copies of a scenario with a description of a few MB held a gigabyte; outside attack 19).
  static constexpr std::size_t kCheckedSets = 2000;
  void check_parameter_sets(std::uint64_t seed = 0, std::uint32_t draws = 0) const;
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

  // The scenario with some key paths set to numbers, read and checked again as a whole: every setter,
  // conversion (euros to cents, capacity per 1,000 households) and cross-check applies as for a file. A
  // number replaces a distribution (that parameter no longer varies between draws). Throws InputError at
  // the value's `where` for a key path the scenario does not have or that is not a number (nor a
  // distribution), and for a value the key cannot take (a share above 1). A whole parameter (weeks, teams)
  // is rounded first, as with_values rounds it.
  ScenarioSource reread_with(std::span<const KeyValue> values) const;
  // Whether the scenario gives `key_path` (as reread_with reads it) a value of any kind.
  bool has(const std::string& key_path) const;
  // Whether every number `key_path` names is a whole number (weeks, teams), which reread_with rounds.
  bool names_whole_numbers(const std::string& key_path) const;

  // The parameter sets its draws take values from (the scenario's `parameter_sets`, or
  // with_parameter_sets); null without.
  const ParameterSets* parameter_sets() const { return sets_.get(); }
  // The scenario drawing from another sets file (the command line's --parameters). InputError for a file
  // that cannot be read or that names a key path this scenario does not give a number.
  ScenarioSource with_parameter_sets(const std::string& path) const;
  // The sampled value of each uncertain parameter in a draw, by key path (a Dirichlet gives key_path[i]),
  // after the values of the draw's parameter set (by the sets file's key paths), for storing the draws next
  // to the results.
  std::vector<std::pair<std::string, double>> sampled_values(std::uint64_t seed, std::uint32_t draw) const;

  // The fully resolved scenario (after extends) as YAML, for the results store; loading it again with
  // load_string (same directory) gives the same Scenario. Written on first use: the scenario of each
  // parameter set (read again with the set's values) rarely needs it, and yaml-cpp's emitter took half the
  // time of a PSA's start (100 sets a scenario: 0.3 s, 1.5 s under the sanitizers).
  const std::string& resolved_yaml() const;
  // Every leaf of the resolved scenario as "key.path" -> value, in file order: a scalar as written, a list
  // or a distribution ({dist: ...}) as one value in YAML flow style. For the results store and the report.
  std::vector<std::pair<std::string, std::string>> settings() const;
  // FNV-1a 64-bit hash of resolved_yaml (and of the parameter sets' content, with sets, and of the
  // calibration targets as read, with targets), 16 hex digits: identifies the scenario's content, not its
  // file.
  std::string hash() const;
  // The same of resolved_yaml alone, the parameter sets' content left out: what a calibration fits, whose
  // sets replace the ones the scenario names.
  std::string hash_without_sets() const;
  // The parts hash() covers beside resolved_yaml, each hashed alone ("" without sets or targets): the sets'
  // values as read (a comment in the file changes nothing, as a comment in the YAML does not), and the
  // targets as read. A resume refused for one of them names it.
  std::string sets_hash() const;
  std::string targets_hash() const;
  const std::string& path() const { return path_; }
  // Every file read to load it: the scenario, the files of its `extends` chain, its comparator and the
  // comparator's chain, and the targets files they name (the command's inputs, which no output may replace).
  const std::vector<SourceFile>& files() const { return files_; }
  // Where the scenario names its comparator (for messages about the pair).
  const Location& comparator_location() const { return comparator_where_; }
  // Throws InputError (at where[j]) unless every key path keys[j] names numbers of this scenario that may
  // vary (not its size or structure), each number named by one key path only: the columns of a sets file, the
  // free parameters of a calibration.
  void check_varying(const std::vector<std::string>& keys, const std::vector<Location>& where) const;
  // Where the scenario (or a file it extends) sets `key`, a key path (its deepest part given); the scenario's
  // file when none is.
  Location key_location(std::string_view key) const;
  // The diagnostic when the costs of one run over `years` policy years (a command line may change them)
  // could pass what 64-bit cents hold; nullopt when they cannot.
  std::optional<Diagnostic> cost_overflow(int years) const;
  // The same for the scenario as drawn in parameter draw `draw` (`drawn`, from for_draw): a distribution of
  // unbounded support may give a far larger cost than its mean.
  std::optional<Diagnostic> cost_overflow(const Scenario& drawn, std::uint32_t draw, int years) const;

 private:
  // The resolved text and the parameter sets' content: what hash() covers before the targets.
  std::string hashed_text_before_targets() const;
  std::string targets_text() const;  // the calibration targets as read, one line each
  static ScenarioSource load_text(const std::string& yaml, const std::string& path, bool check_comparator,
                                  bool years_from_command = false, OwnSets own_sets = OwnSets::Read);
  // What from_tree takes over instead of reading it again: reread_with changes numbers only, so the
  // calibration targets (checked against the tree's structure) and the parameter sets stay as they were.
  struct Reuse {
    bool check_comparator = true;
    const std::vector<CalibrationTarget>* targets = nullptr;
    std::shared_ptr<const ParameterSets> sets;
    std::vector<std::string> parents;  // the files the scenario extends (for files())
    bool years_from_command = false;   // load()'s
    OwnSets own_sets = OwnSets::Read;  // load()'s
  };
  // `d`: what the earlier stages found (reported with the schema's findings).
  static ScenarioSource from_tree(std::shared_ptr<const loader::Node> tree, const std::string& path,
                                  const Reuse& reuse, loader::Diags d);
  // The files the scenario extends, from files_.
  std::vector<std::string> extended_files() const;
  // The setter of the whole parameter (setter.whole) written at `at` in the scenario's files, or null.
  const ParameterSetter* whole_number_at(const Location& at) const;
  struct SetCache;
  const ScenarioSource& set_source(std::uint64_t seed, std::uint32_t draw) const;
  // The scenario with the values of set k, read once and kept (InputError when the reader refuses them).
  const ScenarioSource& source_of_set(std::size_t k) const;
  void apply_draw(Scenario& s, std::uint64_t seed, std::uint32_t draw,
                  std::vector<std::pair<std::string, double>>* values) const;

  std::string path_;
  std::vector<SourceFile> files_;
  Location comparator_where_;
  CostBound cost_bound_;
  Location cost_where_;
  std::shared_ptr<const loader::Node> tree_;  // the resolved tree (after extends), for reread_with
  struct ResolvedText;
  std::shared_ptr<ResolvedText> resolved_yaml_;  // resolved_yaml(), once written (shared by copies: same tree_)
  Scenario base_;
  std::vector<UncertainParameter> uncertain_;
  std::vector<ParameterSetter> apply_;  // parallel to uncertain_
  std::vector<ScenarioParameter> parameters_;
  std::shared_ptr<const ParameterSets> sets_;
  OwnSets own_sets_ = OwnSets::Read;
  std::shared_ptr<SetCache> set_cache_;  // the scenario of each set drawn so far (shared by copies)
};

// Whether `key` (a key path, "domains.housing.escalation_per_year") is one that `pattern` names, a pattern
// as a parameter sets file's column writes it: a part '*' stands for any key there, 'prefix*' for any key
// that starts with the prefix ("domains.h*.escalation_per_year"), list items ("[1]") as written.
bool key_path_matches(const std::string& pattern, const std::string& key);

}  // namespace wijksim
