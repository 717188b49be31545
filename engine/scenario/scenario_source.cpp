#include "wijksim/scenario/scenario_source.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>

#include "wijksim/core/content_hash.h"
#include "wijksim/core/file_path.h"
#include "wijksim/core/output_path.h"
#include "wijksim/scenario/extends.h"
#include "wijksim/scenario/scenario_schema.h"
#include "wijksim/scenario/targets_file.h"

namespace wijksim {

using namespace loader;
namespace fs = std::filesystem;

namespace {

// One key of a key path and the list items after it: "rows[2][0]" is key "rows", items {2, 0}.
struct PathStep {
  std::string key;  // "*": every entry of the map
  std::vector<std::size_t> items;
};

std::optional<std::vector<PathStep>> parse_key_path(const std::string& path) {
  std::vector<PathStep> steps;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string_view seg(path.data() + start, dot - start);
    const std::size_t bracket = std::min(seg.find('['), seg.size());
    PathStep step{std::string(seg.substr(0, bracket)), {}};
    if (step.key.empty()) return std::nullopt;
    for (std::size_t i = bracket; i < seg.size();) {
      const std::size_t close = seg.find(']', i);
      if (seg[i] != '[' || close == std::string_view::npos || close == i + 1) return std::nullopt;
      std::size_t item = 0;
      auto [end, ec] = std::from_chars(seg.data() + i + 1, seg.data() + close, item);
      if (ec != std::errc() || end != seg.data() + close) return std::nullopt;
      step.items.push_back(item);
      i = close + 1;
    }
    steps.push_back(std::move(step));
    start = dot + 1;
  }
  return steps;
}

// The nodes that steps[i..] name under `n` (whose own key path is `path`); false with the reason in `why`.
bool find_nodes(Node& n, const std::vector<PathStep>& steps, std::size_t i, const std::string& path,
                std::vector<Node*>& out, std::string& why) {
  if (i == steps.size()) {
    out.push_back(&n);
    return true;
  }
  const PathStep& step = steps[i];
  if (!n.is(Node::Kind::Map)) {
    why = fmt::format("'{}' is {} in the scenario, which has no key '{}'", path, found(n), step.key);
    return false;
  }
  auto items = [&](Node* x, std::string at) -> Node* {
    for (std::size_t item : step.items) {
      if (!x->is(Node::Kind::List) || item >= x->children.size()) {
        why = x->is(Node::Kind::List)
                  ? fmt::format("'{}' has {} items, so there is no item [{}]", at, x->children.size(), item)
                  : fmt::format("'{}' is {} in the scenario, not a list", at, found(*x));
        return nullptr;
      }
      x = &x->children[item];
      at = index_path(at, item);
    }
    return x;
  };
  // '*' is every entry of the map; 'prefix*' every entry whose key starts with the prefix (middle_*: the
  // middle-income neighbourhoods alike).
  if (!step.key.empty() && step.key.back() == '*') {
    // Not for the sections of the scenario: '*.*.incidence_per_year' was told "'name' is 'small' in the
    // scenario, which has no key '*'", pointing at a key nobody wrote (outside attack 47).
    if (i == 0) {
      why = fmt::format(
          "'{}' is a wildcard over the scenario's sections (name, population, domains, ...): a "
          "wildcard stands for the entries of a section, as in domains.*.incidence_per_year; "
          "name the section",
          step.key);
      return false;
    }
    const std::string prefix = step.key.substr(0, step.key.size() - 1);
    std::size_t matched = 0;
    for (std::size_t k = 0; k < n.keys.size(); ++k) {
      if (n.keys[k].compare(0, prefix.size(), prefix) != 0) continue;
      ++matched;
      const std::string at = sub_path(path, n.keys[k]);
      Node* x = items(&n.children[k], at);
      if (!x || !find_nodes(*x, steps, i + 1, at, out, why)) return false;
    }
    if (matched == 0) {
      why = n.keys.empty() ? fmt::format("'{}' has no entries for '{}'", path, step.key)
                           : fmt::format("no key of '{}' matches '{}' ('{}' has {})", path, step.key,
                                         path.empty() ? std::string("the top level") : path, join(n.keys));
      return false;
    }
    return true;
  }
  const int k = n.find(step.key);
  if (k < 0) {
    why = fmt::format("the scenario has no key '{}'", sub_path(path, step.key));
    if (std::string near = suggest(step.key, n.keys); !near.empty())
      why += fmt::format("; did you mean '{}'?", sub_path(path, near));
    else if (!n.keys.empty())
      why += fmt::format(" ('{}' has {})", path.empty() ? std::string("the top level") : path, join(n.keys));
    return false;
  }
  const std::string at = sub_path(path, step.key);
  Node* x = items(&n.children[static_cast<std::size_t>(k)], at);
  return x && find_nodes(*x, steps, i + 1, at, out, why);
}

// The nodes `key_path` names in `root`, each a number or a distribution (when `numbers`); false with the
// reason in `why`.
bool find_values(Node& root, const std::string& key_path, bool numbers, std::vector<Node*>& out,
                 std::string& why) {
  const auto steps = parse_key_path(key_path);
  if (!steps) {
    why =
        "not a key path: keys joined by '.', such as domains.money.incidence_per_year (a list item as "
        "[i], every entry of a map as *, the entries whose key starts with p as p*)";
    return false;
  }
  if (!find_nodes(root, *steps, 0, "", out, why)) return false;
  if (!numbers) return true;
  for (const Node* n : out) {
    double v = 0;
    const bool number = n->is(Node::Kind::Scalar) && parse_double(n->text, v) && std::isfinite(v);
    const bool distribution = n->is(Node::Kind::Map) && n->get("dist") != nullptr;
    if (!number && !distribution) {
      why = fmt::format(
          "the scenario gives {} here, not a number: only a number (or a distribution) can be "
          "set",
          found(*n));
      return false;
    }
  }
  return true;
}

// Every key path of a sets file must name numbers (or distributions) of the scenario `tree` (`file`).
// Every column of a sets file names numbers of the scenario that may vary (`may_vary`: those the reader
// found, not those that fix the model's size or structure), each number by one column only.
void check_set_keys(const Node& tree, const std::vector<std::string>& keys, const std::vector<Location>& key_where,
                    const std::string& file, const std::vector<ScenarioParameter>& may_vary, Diags& d) {
  Node copy = tree;
  auto same_place = [](const Location& a, const Location& b) {
    return a.file == b.file && a.line == b.line && a.column == b.column;
  };
  std::vector<std::pair<const Node*, std::size_t>> taken;  // each number found, and the column naming it
  const Node* coaches = copy.get("coaches");
  const Node* scheduled_fte =
      coaches != nullptr && coaches->get("schedule") != nullptr ? coaches->get("fte") : nullptr;
  for (std::size_t j = 0; j < keys.size(); ++j) {
    std::vector<Node*> nodes;
    std::string why;
    if (!find_values(copy, keys[j], true, nodes, why)) {
      d.add(key_where[j], keys[j], fmt::format("{} (scenario {})", why, file));
      continue;
    }
    for (const Node* n : nodes) {
      if (n == scheduled_fte) {
        d.add(key_where[j], keys[j],
              "with a schedule the coaches' FTE is each step's and coaches.fte the last step's: a parameter "
              "set cannot change it (vary the full scale with --parameters or sweep)");
        break;
      }
      const bool varies = std::any_of(may_vary.begin(), may_vary.end(),
                                      [&](const ScenarioParameter& p) { return same_place(p.where, n->where); });
      // A field of a distribution (coaches.cost_per_fte_year.mean): the set gives the parameter itself a
      // number (it was said to set the model's size or structure; outside attack 16).
      const std::size_t dot = keys[j].rfind('.');
      std::vector<Node*> parents;
      std::string no_parent;
      if (!varies && dot != std::string::npos &&
          find_values(copy, keys[j].substr(0, dot), false, parents, no_parent) && !parents.empty() &&
          parents.front()->is(Node::Kind::Map) && parents.front()->get("dist") != nullptr) {
        d.add(key_where[j], keys[j],
              fmt::format(
                  "'{}' is a field of the distribution {} ({}:{}): a parameter set gives the parameter a "
                  "number in place of its distribution, so its column names the parameter, '{}'",
                  keys[j].substr(dot + 1), keys[j].substr(0, dot), parents.front()->where.file,
                  parents.front()->where.line, keys[j].substr(0, dot)));
        break;
      }
      if (!varies) {
        d.add(key_where[j], keys[j],
              fmt::format("this number of the scenario ({}:{}) cannot vary between parameter sets: it sets the "
                          "model's size or structure (households, years, seed, replications), or it is one "
                          "share of a list that must sum to 1",
                          n->where.file, n->where.line));
        break;
      }
      const auto earlier = std::find_if(taken.begin(), taken.end(), [&](const auto& t) { return t.first == n; });
      if (earlier != taken.end()) {
        d.add(key_where[j], keys[j],
              fmt::format("'{}' sets this number of the scenario ({}:{}) too: a number takes its value from "
                          "one key path only",
                          keys[earlier->second], n->where.file, n->where.line));
        break;
      }
      taken.emplace_back(n, j);
    }
  }
}

// The sets file `file` (as the scenario names it at `where`, `key`), read and checked against the tree;
// null with the problems in `d`.
std::shared_ptr<const ParameterSets> load_sets(const Node& tree, const std::string& scenario,
                                               const std::string& file, const Location& where,
                                               const std::string& key,
                                               const std::vector<ScenarioParameter>& may_vary, Diags& d) {
  try {
    auto sets = std::make_shared<const ParameterSets>(read_parameter_sets(file));
    Diags keys;
    check_set_keys(tree, sets->keys, sets->key_where, scenario, may_vary, keys);
    if (keys.empty()) return sets;
    for (Diagnostic& x : std::move(keys).sorted(file)) d.add(x.where, x.key, x.message);
  } catch (const InputError& e) {
    for (const Diagnostic& x : e.diagnostics()) {
      // A file that cannot be read at all is the problem of the key that names it.
      // (Named once: the message of a file at the command line's --parameter-sets already starts with it.)
      if (x.where.line == 0)
        d.add(where, key, where.file == file ? x.message : fmt::format("{} ('{}')", x.message, file));
      else
        d.add(x.where, x.key, x.message);
    }
  }
  return nullptr;
}

// With a schedule the coaches' FTE is each step's, and coaches.fte the last step's: an fte set in the file
// that gives the schedule, or in one merged after it (a scenario extending the scale-up), would be replaced
// unseen, so it is refused; one inherited from a file merged before (the pilot's team of a scale-up that
// extends the pilot) is what the schedule replaces. A distribution on it is refused wherever it comes from:
// a draw would scale the schedule by a value drawn around the replaced number.
void check_fte_beside_schedule(const Node& tree, const std::vector<std::string>& merge_order, Diags& d) {
  const Node* coaches = tree.get("coaches");
  const Node* schedule = coaches != nullptr ? coaches->get("schedule") : nullptr;
  const Node* fte = coaches != nullptr ? coaches->get("fte") : nullptr;
  if (schedule == nullptr || fte == nullptr || fte->is(Node::Kind::Null)) return;
  // A file merged twice (extends: [a, b, a]) gives its values at its last merge: that one counts.
  auto position = [&](const std::string& file) {
    return std::find(merge_order.rbegin(), merge_order.rend(), file).base() - merge_order.begin();
  };
  if (fte->is(Node::Kind::Map))
    d.add(fte->where, "coaches.fte",
          "with a schedule the coaches' FTE is each step's and cannot vary between draws: give fixed "
          "numbers (vary the full scale with --parameters or sweep, which scale every step)");
  else if (position(fte->where.file) >= position(schedule->where.file))
    d.add(fte->where, "coaches.fte",
          fmt::format("with a schedule ({}:{}) the coaches' FTE is each step's and coaches.fte is the last "
                      "step's, so this value would be replaced: remove it, or give the FTE in the steps",
                      schedule->where.file, schedule->where.line));
}

}  // namespace

ScenarioSource ScenarioSource::load(const std::string& path, bool years_from_command, OwnSets own_sets) {
  // One version of each file in this one load too, its comparator's included: a command that loads a
  // scenario on its own before it plans (outside a study's scope) read its baseline as b1 through `extends`
  // and as b2 as the comparator, and blamed the files: "the comparator has 2,801 households and this
  // scenario 2,800" (outside attack 40, an editor saving meanwhile).
  const loader::SameContentsWhileLoading one_version_of_each_file;
  std::string text, why;
  if (!read_file(path, text, why))
    throw InputError({{Location{path, 0, 0}, "", "cannot read the scenario: " + why}});
  return load_text(text, path, true, years_from_command, own_sets);
}

ScenarioSource ScenarioSource::load_string(const std::string& yaml, const std::string& virtual_path) {
  return load_text(yaml, virtual_path, true);
}

ScenarioSource ScenarioSource::load_text(const std::string& yaml, const std::string& path,
                                         bool check_comparator, bool years_from_command, OwnSets own_sets) {
  Diags d;
  std::vector<std::string> parents, merge_order;
  std::optional<Node> tree = resolve_extends(yaml, path, d, &parents, &merge_order);
  if (!tree) throw InputError(std::move(d).sorted(path));
  check_fte_beside_schedule(*tree, merge_order, d);
  return from_tree(
      std::make_shared<const Node>(std::move(*tree)), path,
      Reuse{check_comparator, nullptr, nullptr, std::move(parents), years_from_command, own_sets},
      std::move(d));
}

ScenarioSource ScenarioSource::from_tree(std::shared_ptr<const Node> tree, const std::string& path,
                                         const Reuse& reuse, Diags d) {
  const bool check_comparator = reuse.check_comparator;
  const std::vector<CalibrationTarget>* targets = reuse.targets;
  std::vector<SourceFile> files = {{path, SourceFile::Role::Scenario}};
  for (const std::string& p : reuse.parents) files.push_back({p, SourceFile::Role::Extends});
  loader::ScenarioSchema v(d, path);
  v.run(*tree);
  Scenario& s = v.scenario();
  // Stored relative to this file's directory (see Resolver); the Scenario carries a usable path.
  if (!s.comparator.empty()) s.comparator = normal_path(fs::path(path).parent_path() / s.comparator).string();
  if (!s.targets_file.empty()) {
    // The calibration targets: their own file's problems at their own locations, a measure this scenario
    // cannot show at the target.
    s.targets_file = normal_path(fs::path(path).parent_path() / s.targets_file).string();
    files.push_back({s.targets_file, SourceFile::Role::Targets});
    if (targets && d.empty()) {
      s.targets = *targets;
    } else if (d.empty()) {
      std::optional<TargetsFile> file;
      std::vector<Diagnostic> file_problems;
      try {
        file = read_targets_file(s.targets_file, file_problems);
      } catch (const InputError& e) {
        for (const Diagnostic& x : e.diagnostics()) {
          // A file that cannot be read at all is this scenario's `targets` key's problem.
          if (x.where.line == 0 && v.targets_node())
            d.add(v.targets_node()->where, "targets", fmt::format("{} ('{}')", x.message, s.targets_file));
          else
            d.add(x.where, x.key, x.message);
        }
      }
      // A measure this scenario cannot show is said at the target, naming the scenario: a targets file
      // that two scenarios of a command share did not say for which one it failed (outside attack 31).
      const auto for_scenario = [&](const std::vector<Diagnostic>& problems) {
        for (const Diagnostic& x : problems)
          d.add(x.where, x.key,
                fmt::format("for scenario '{}' ({}): {}", printable(s.name), printable(path), x.message));
      };
      const std::string_view horizon = reuse.years_from_command ? "" : "the policy horizon";
      if (file && !file_problems.empty()) {
        // The file's own problems, and its misspelt measures with them (a missing unit hid a misspelt
        // measure until it was mended).
        for (const Diagnostic& x : file_problems) d.add(x.where, x.key, x.message);
        for_scenario(measure_problems(s, *file, file_problems, horizon));
      } else if (file) {
        try {
          s.targets = targets_for(s, *file, horizon);
        } catch (const InputError& e) {
          for_scenario(e.diagnostics());
        }
      }
    }
  }

  // The parameter sets that draws take values from: every key path a number of this scenario.
  std::shared_ptr<const ParameterSets> sets = reuse.sets;
  if (!s.parameter_sets_file.empty()) {
    s.parameter_sets_file = normal_path(fs::path(path).parent_path() / s.parameter_sets_file).string();
    if (reuse.own_sets != OwnSets::LeftOut)
      files.push_back({s.parameter_sets_file, reuse.own_sets == OwnSets::Read
                                                  ? SourceFile::Role::ParameterSets
                                                  : SourceFile::Role::UnreadParameterSets});
    if (reuse.own_sets == OwnSets::Read && !reuse.sets && d.empty() && v.parameter_sets_node())
      sets =
          load_sets(*tree, path, s.parameter_sets_file, v.parameter_sets_node()->where, "parameter_sets",
                    v.parameters(), d);
  }

  // The comparator must exist and describe the same population (common random numbers need it).
  Location comparator_where;
  if (v.comparator_node()) comparator_where = v.comparator_node()->where;
  if (check_comparator && !s.comparator.empty() && v.comparator_node() && same_file(s.comparator, path)) {
    // Compared with itself, every difference is zero by construction: an evaluation that says nothing.
    // Written in a file it extends, the key names that file's comparator, and this scenario inherited it
    // (an intervention's comparator that extends the intervention: the message named the intervention's
    // file alone, and sent the user there; outside attack 65).
    d.add(
        comparator_where, "comparator",
        same_file(comparator_where.file, path)
            ? fmt::format("the scenario is its own comparator ('{}'): name the scenario it is to be compared "
                          "with, such as the baseline it extends",
                          v.comparator_node()->text)
            : fmt::format(
                  "the scenario '{}' takes this comparator ('{}') from here by `extends`, and it names "
                  "'{}' itself: give it a comparator of its own, or `comparator: ~` for none",
                  printable(path), v.comparator_node()->text, printable(path)));
  } else if (check_comparator && !s.comparator.empty() && v.comparator_node()) {
    const Location where = v.comparator_node()->where;
    try {
      ScenarioSource c = [&] {
        std::string text, why;
        if (!read_file(s.comparator, text, why))
          throw InputError({{where, "comparator",
                             s.comparator == v.comparator_node()->text
                                 ? fmt::format("cannot read the comparator '{}': {}", s.comparator, why)
                                 : fmt::format("cannot read the comparator '{}' ({}): {}",
                                               v.comparator_node()->text, s.comparator, why)}});
        return load_text(text, s.comparator, false, false, reuse.own_sets);
      }();
      for (const SourceFile& f : c.files_)
        files.push_back({f.path, f.role == SourceFile::Role::Scenario ? SourceFile::Role::Comparator
                                 : f.role == SourceFile::Role::Targets ||
                                         f.role == SourceFile::Role::ParameterSets ||
                                         f.role == SourceFile::Role::UnreadParameterSets
                                     ? f.role
                                     : SourceFile::Role::ComparatorExtends});
      const Scenario& cs = c.base_;
      // Said at this file's own population.households where it sets them (the change the user made), else
      // at the comparator: a scenario extending the pilot with 100 households was told at the pilot's
      // comparator line, a file it never edited (outside attack 41).
      if (s.population.households > 0 && cs.population.households != s.population.households) {
        const Node* population = tree->get("population");
        const Node* households =
            population && population->is(Node::Kind::Map) ? population->get("households") : nullptr;
        const bool own = households && households->where.file == path;
        d.add(own ? households->where : where, own ? "population.households" : "comparator",
              fmt::format(
                  "the comparator {} has {} households and this scenario {}: compare scenarios on the same "
                  "population",
                  v.comparator_node()->text, count_text(cs.population.households),
                  count_text(s.population.households)));
      }
      std::vector<std::string> mine, theirs;
      for (const auto& x : s.domains) mine.push_back(x.name);
      for (const auto& x : cs.domains) theirs.push_back(x.name);
      if (!mine.empty() && mine != theirs)
        d.add(where, "comparator",
              fmt::format("the comparator's domains ({}) differ from this scenario's ({})", join(theirs),
                          join(mine)));
    } catch (const InputError& e) {
      // A problem of a file both read (the comparator this scenario extends, its parameter sets) is said
      // once, as this scenario's own: it was said twice and counted as two errors (outside attack 47).
      std::vector<Diagnostic> cd;
      for (const Diagnostic& x : e.diagnostics())
        if (!d.holds(x)) cd.push_back(x);
      if (!cd.empty() && cd[0].key == "comparator" && cd[0].where.file == where.file)
        d.add(cd[0].where, cd[0].key, cd[0].message);
      else if (!cd.empty())
        d.add(where, "comparator",
              cd.size() == 1 ? "the comparator scenario has an error: " + cd[0].to_string()
                             : fmt::format("the comparator scenario has {} errors; the first: {}", cd.size(),
                                           cd[0].to_string()));
    }
  }
  if (!d.empty()) throw InputError(std::move(d).sorted(path));

  ScenarioSource src;
  src.path_ = path;
  src.files_ = std::move(files);
  src.comparator_where_ = comparator_where;
  src.cost_bound_ = v.cost_bound();
  src.cost_where_ = v.cost_where();
  src.tree_ = tree;
  src.sets_ = std::move(sets);
  src.own_sets_ = reuse.own_sets;
  src.set_cache_ = std::make_shared<SetCache>();
  src.base_ = std::move(s);
  src.uncertain_ = std::move(v.uncertain());
  src.apply_ = std::move(v.setters());
  src.parameters_ = std::move(v.parameters());
  src.resolved_yaml_ = std::make_shared<ResolvedText>();
  return src;
}

struct ScenarioSource::ResolvedText {
  std::once_flag once;
  std::string text;
};

const std::string& ScenarioSource::resolved_yaml() const {
  static const std::string none;  // a ScenarioSource not loaded from anything
  if (!resolved_yaml_) return none;
  std::call_once(resolved_yaml_->once, [this] {
    YAML::Emitter out;
    emit(out, *tree_);
    resolved_yaml_->text = std::string(out.c_str()) + "\n";
  });
  return resolved_yaml_->text;
}

std::optional<Diagnostic> ScenarioSource::cost_overflow(int years) const {
  return loader::cost_overflow(cost_bound_, cost_where_, base_.population.households, years);
}

std::optional<Diagnostic> ScenarioSource::cost_overflow(const Scenario& drawn, std::uint32_t draw,
                                                        int years) const {
  const CostBound bound = max_cents_per_week(drawn);
  Location where = cost_where_;
  for (const UncertainParameter& u : uncertain_)
    if (u.key_path == bound.key) where = u.where;
  auto p = loader::cost_overflow(bound, where, drawn.population.households, years);
  if (p) p->message = fmt::format("in parameter draw {}, {}", draw, p->message);
  return p;
}

ScenarioSource ScenarioSource::reread_with(std::span<const KeyValue> values) const {
  auto tree = std::make_shared<Node>(*tree_);
  std::vector<Diagnostic> problems;
  for (const KeyValue& kv : values) {
    std::vector<Node*> nodes;
    std::string why;
    if (!std::isfinite(kv.value)) {
      problems.push_back(
          {kv.where, kv.key_path, fmt::format("expected a finite number, found {}", kv.value)});
      continue;
    }
    if (!find_values(*tree, kv.key_path, true, nodes, why)) {
      problems.push_back({kv.where, kv.key_path, why});
      continue;
    }
    for (Node* n : nodes) {
      // A whole number (weeks, teams) is rounded, as with_values and a draw's setter round it: a
      // calibration's continuous prior on max_weeks proposes 55.3, which the file's reader refuses.
      const ParameterSetter* whole = whole_number_at(n->where);
      const double value = whole ? std::round(kv.value) : kv.value;
      if (whole && value != kv.value && !loader::range_of(*whole).contains(value)) {
        // Said with the value as written: "found 17" for a set's 16.5 named a number nobody wrote.
        problems.push_back({kv.where, kv.key_path,
                            fmt::format("expected {}, found {} (a whole number: rounded, it is {})",
                                        loader::range_of(*whole).describe(true), kv.value, value)});
        break;
      }
      // Located where the value comes from: a value the key cannot take is reported there.
      *n = Node{};
      n->kind = Node::Kind::Scalar;
      n->text = fmt::format("{}", value);  // the shortest text that reads back as the same double
      n->where = kv.where;
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return from_tree(std::move(tree), path_,
                   Reuse{false, &base_.targets, sets_, extended_files(), false, own_sets_}, Diags{});
}

const ParameterSetter* ScenarioSource::whole_number_at(const Location& at) const {
  auto q = std::find_if(parameters_.begin(), parameters_.end(), [&](const ScenarioParameter& p) {
    return p.setter.whole && p.where.file == at.file && p.where.line == at.line &&
           p.where.column == at.column;
  });
  return q == parameters_.end() ? nullptr : &q->setter;
}

bool ScenarioSource::names_whole_numbers(const std::string& key_path) const {
  Node copy = *tree_;
  std::vector<Node*> nodes;
  std::string why;
  if (!find_values(copy, key_path, true, nodes, why) || nodes.empty()) return false;
  return std::all_of(nodes.begin(), nodes.end(),
                     [&](const Node* n) { return whole_number_at(n->where) != nullptr; });
}

std::vector<std::string> ScenarioSource::extended_files() const {
  std::vector<std::string> parents;
  for (const SourceFile& f : files_)
    if (f.role == SourceFile::Role::Extends) parents.push_back(f.path);
  return parents;
}

bool ScenarioSource::has(const std::string& key_path) const {
  Node copy = *tree_;  // find_values walks mutable nodes; a scenario is a few hundred of them
  std::vector<Node*> nodes;
  std::string why;
  return find_values(copy, key_path, false, nodes, why);
}

Scenario ScenarioSource::base() const {
  return base_;
}

void ScenarioSource::apply_draw(Scenario& s, std::uint64_t seed, std::uint32_t draw,
                                std::vector<std::pair<std::string, double>>* values) const {
  const RandomStreams rs(seed, draw, 0);
  for (std::size_t i = 0; i < uncertain_.size(); ++i) {
    const UncertainParameter& u = uncertain_[i];
    const ParameterSetter& a = apply_[i];
    const std::uint32_t id = parameter_id(u.key_path);
    if (const auto* dist = std::get_if<Distribution>(&u.law)) {
      // Only a normal's far tail can leave the range (the loader checked +-3 sd); clamp it.
      double v = a.clamped(dist->sample(rs, id));
      if (a.whole) v = std::clamp(std::round(v), std::ceil(a.lo), std::floor(a.hi));
      a.set(s, v);
      if (values) values->emplace_back(u.key_path, v);
    } else {
      std::vector<double> v = std::get<Dirichlet>(u.law).sample(rs, id);
      a.set_shares(s, v);
      if (values)
        for (std::size_t k = 0; k < v.size(); ++k) values->emplace_back(index_path(u.key_path, k), v[k]);
    }
  }
}

const ScenarioParameter* ScenarioSource::parameter(std::string_view key_path) const {
  for (const ScenarioParameter& p : parameters_)
    if (p.key_path == key_path) return &p;
  return nullptr;
}

Scenario ScenarioSource::with_values(const std::vector<std::pair<std::string, double>>& values) const {
  Scenario s = base_;
  std::vector<Diagnostic> problems;
  for (const auto& [key, value] : values) {
    const ScenarioParameter* p = parameter(key);
    if (!p) {
      std::vector<std::string> keys;
      for (const ScenarioParameter& q : parameters_) keys.push_back(q.key_path);
      const std::string near = suggest(key, keys);
      problems.push_back(
          {Location{path_, 0, 0}, key,
           fmt::format("'{}' is not a number of this scenario that may vary (sizes such as households or "
                       "years cannot; a key path looks like coaches.fte or "
                       "agencies.debt_counselling.treatment_weeks){}",
                       key, near.empty() ? "" : fmt::format("; did you mean '{}'?", near))});
      continue;
    }
    const ParameterSetter& a = p->setter;
    double v = a.whole ? std::round(value) : value;
    if (!std::isfinite(v) || v < a.lo || v > a.hi) {
      problems.push_back(
          {p->where, key, fmt::format("{} is outside the parameter's range, {} to {}", value, a.lo, a.hi)});
      continue;
    }
    a.set(s, v);
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return s;
}

Scenario ScenarioSource::for_draw(std::uint64_t seed, std::uint32_t draw) const {
  const ScenarioSource& from = draw > 0 && sets_ ? set_source(seed, draw) : *this;
  Scenario s = from.base_;
  from.apply_draw(s, seed, draw, nullptr);
  return s;
}

std::vector<std::pair<std::string, double>> ScenarioSource::sampled_values(std::uint64_t seed,
                                                                           std::uint32_t draw) const {
  std::vector<std::pair<std::string, double>> values;
  const ScenarioSource* from = this;
  if (draw > 0 && sets_) {
    const std::size_t k = parameter_set_of_draw(seed, draw, sets_->size());
    // As simulated: a whole number (weeks) rounded as reread_with rounds it.
    for (std::size_t j = 0; j < sets_->keys.size(); ++j)
      values.emplace_back(sets_->keys[j], names_whole_numbers(sets_->keys[j]) ? std::round(sets_->rows[k][j])
                                                                             : sets_->rows[k][j]);
    from = &set_source(seed, draw);
  }
  Scenario s = from->base_;
  from->apply_draw(s, seed, draw, &values);
  return values;
}

// The scenario with the values of the set draw `draw` takes; made once per set and kept.
struct ScenarioSource::SetCache {
  std::mutex mutex;
  std::map<std::size_t, std::shared_ptr<const ScenarioSource>> sources;
};

const ScenarioSource& ScenarioSource::set_source(std::uint64_t seed, std::uint32_t draw) const {
  return source_of_set(parameter_set_of_draw(seed, draw, sets_->size()));
}

const ScenarioSource& ScenarioSource::source_of_set(std::size_t k) const {
  std::lock_guard lock(set_cache_->mutex);
  auto& source = set_cache_->sources[k];
  if (!source) source = std::make_shared<const ScenarioSource>(reread_with(sets_->values(k)));
  return *source;
}

void ScenarioSource::check_parameter_sets(std::uint64_t seed, std::uint32_t draws) const {
  if (!sets_) return;
  std::vector<Diagnostic> problems;
  std::vector<std::size_t> taken;  // the sets the draws take, sorted
  for (std::uint32_t d = 1; d <= draws; ++d) taken.push_back(parameter_set_of_draw(seed, d, sets_->size()));
  std::sort(taken.begin(), taken.end());
  taken.erase(std::unique(taken.begin(), taken.end()), taken.end());
  std::vector<std::size_t> sets = taken;
  if (sets_->size() <= kCheckedSets) {
    sets.resize(sets_->size());
    std::iota(sets.begin(), sets.end(), std::size_t{0});
  }
  for (const std::size_t k : sets) {
    try {
      if (std::binary_search(taken.begin(), taken.end(), k))
        source_of_set(k);
      else
        (void)reread_with(sets_->values(k));
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

ScenarioSource ScenarioSource::with_parameter_sets(const std::string& path) const {
  Diags d;
  auto sets = load_sets(*tree_, path_, path, Location{path, 0, 0}, "--parameter-sets", parameters_, d);
  if (!d.empty()) throw InputError(std::move(d).sorted(path));
  ScenarioSource out = *this;
  out.sets_ = std::move(sets);
  out.set_cache_ = std::make_shared<SetCache>();
  out.base_.parameter_sets_file = path;
  out.files_.push_back({path, SourceFile::Role::ParameterSets});
  return out;
}

namespace {
// Leaves of a scenario as "key.path" -> value in YAML flow style, in file order. A distribution
// ({dist: ...}) and a list are one leaf each.
void flatten_yaml(const YAML::Node& n, const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& out) {
  if (n.IsMap() && !n["dist"]) {
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      flatten_yaml(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  if (n.IsScalar()) {
    out.emplace_back(prefix, n.Scalar());
    return;
  }
  YAML::Emitter e;
  e << YAML::Flow << n;
  out.emplace_back(prefix, e.c_str());
}
}  // namespace

std::vector<std::pair<std::string, std::string>> ScenarioSource::settings() const {
  std::vector<std::pair<std::string, std::string>> out;
  flatten_yaml(YAML::Load(resolved_yaml()), "", out);
  // With a schedule, an inherited coaches.fte is replaced by the last step's (section 11.3 of the model):
  // shown as simulated, not as the file it came from wrote it (the pilot's 5 beside the scale-up's 72).
  if (!base_.coaches.schedule.empty())
    for (auto& [key, value] : out)
      if (key == "coaches.fte") value = fmt::format("{}", base_.coaches.fte);
  // Under reallocated funding the agencies' cuts pay the coaches: an inherited funding_payer (the pilot's
  // fund) is said to be unused, not shown as if that fund paid (a policy advisor's reading).
  if (base_.coaches.funding == Funding::Reallocated)
    for (auto& [key, value] : out)
      if (key == "coaches.funding_payer") value += " (not used: the funding is reallocated)";
  return out;
}

std::string ScenarioSource::hash() const {
  // With parameter sets, their content too: the draws take values from them. With calibration targets, the
  // targets as read: the run's figures compare with them (a run resumed after its targets file changed
  // would mix two fits). Without either, the hash of the resolved text alone.
  return content_hash(hashed_text_before_targets() + targets_text());
}

std::string ScenarioSource::targets_text() const {
  std::string text;
  for (const CalibrationTarget& t : base_.targets)
    text += fmt::format("\n# target {}|{}|{}|{}|{:a}|{:a}|{:a}|{}|{}|{}|{}", t.key, t.label, t.measure, t.at,
                        t.value, t.lo, t.hi, t.n, t.unit, t.source, t.note);
  // The bounds after all the targets, so that a file without bounds keeps its hash (and its stored runs).
  for (const CalibrationTarget& t : base_.targets)
    if (t.bound != TargetBound::None)
      text += fmt::format("\n# bound {}|{}", t.key, t.bound == TargetBound::Upper ? "upper" : "lower");
  return text;
}

std::string ScenarioSource::sets_hash() const {
  return sets_ ? sets_->content_hash : std::string();
}

std::string ScenarioSource::targets_hash() const {
  return base_.targets.empty() ? std::string() : content_hash(targets_text());
}

std::string ScenarioSource::hashed_text_before_targets() const {
  return sets_ ? resolved_yaml() + "# parameter sets " + sets_->content_hash : resolved_yaml();
}

std::string ScenarioSource::hash_without_sets() const {
  return content_hash(resolved_yaml());
}

Location ScenarioSource::key_location(std::string_view key) const {
  // A key path (payers.pilot_fund.label): where its deepest part that the resolved tree holds was given.
  Location at{path_, 0, 0};
  const loader::Node* node = tree_.get();
  for (std::size_t start = 0; node && node->is(loader::Node::Kind::Map) && start <= key.size();) {
    const std::size_t dot = std::min(key.find('.', start), key.size());
    const int i = node->find(key.substr(start, dot - start));
    if (i < 0 || static_cast<std::size_t>(i) >= node->key_where.size()) break;
    at = node->key_where[static_cast<std::size_t>(i)];
    node = &node->children[static_cast<std::size_t>(i)];
    start = dot + 1;
  }
  return at;
}

void ScenarioSource::check_varying(const std::vector<std::string>& keys,
                                   const std::vector<Location>& where) const {
  Diags d;
  check_set_keys(*tree_, keys, where, path_, parameters_, d);
  if (!d.empty()) throw InputError(std::move(d).sorted(path_));
}

bool key_path_matches(const std::string& pattern, const std::string& key) {
  const auto p = parse_key_path(pattern), k = parse_key_path(key);
  if (!p || !k || p->size() != k->size()) return false;
  return std::equal(p->begin(), p->end(), k->begin(), [](const PathStep& a, const PathStep& b) {
    const bool wild = !a.key.empty() && a.key.back() == '*';
    return a.items == b.items &&
           (wild ? b.key.compare(0, a.key.size() - 1, a.key, 0, a.key.size() - 1) == 0 : a.key == b.key);
  });
}

}  // namespace wijksim
