#include "wijksim/scenario/scenario_source.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "wijksim/core/output_path.h"
#include "wijksim/scenario/extends.h"
#include "wijksim/scenario/scenario_schema.h"
#include "wijksim/scenario/targets_file.h"

namespace wijksim {

using namespace loader;
namespace fs = std::filesystem;

namespace {
std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64: offset basis and prime (Fowler, Noll, Vo)
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace

ScenarioSource ScenarioSource::load(const std::string& path) {
  std::string text, why;
  if (!read_file(path, text, why))
    throw InputError({{Location{path, 0, 0}, "", "cannot read the scenario: " + why}});
  return load_text(text, path, true);
}

ScenarioSource ScenarioSource::load_string(const std::string& yaml, const std::string& virtual_path) {
  return load_text(yaml, virtual_path, true);
}

ScenarioSource ScenarioSource::load_text(const std::string& yaml, const std::string& path,
                                         bool check_comparator) {
  Diags d;
  std::vector<std::string> parents;
  std::optional<Node> tree = resolve_extends(yaml, path, d, &parents);
  if (!tree) throw InputError(std::move(d).sorted(path));
  std::vector<SourceFile> files = {{path, SourceFile::Role::Scenario}};
  for (const std::string& p : parents) files.push_back({p, SourceFile::Role::Extends});

  loader::ScenarioSchema v(d, path);
  v.run(*tree);
  Scenario& s = v.scenario();
  // Stored relative to this file's directory (see Resolver); the Scenario carries a usable path.
  if (!s.comparator.empty())
    s.comparator = (fs::path(path).parent_path() / s.comparator).lexically_normal().string();
  if (!s.targets_file.empty()) {
    // The calibration targets: their own file's problems at their own locations, a measure this scenario
    // cannot show at the target.
    s.targets_file = (fs::path(path).parent_path() / s.targets_file).lexically_normal().string();
    files.push_back({s.targets_file, SourceFile::Role::Targets});
    if (d.empty()) {
      try {
        s.targets = targets_for(s, read_targets_file(s.targets_file));
      } catch (const InputError& e) {
        for (const Diagnostic& x : e.diagnostics()) {
          // A file that cannot be read at all is this scenario's `targets` key's problem.
          if (x.where.line == 0 && v.targets_node())
            d.add(v.targets_node()->where, "targets", fmt::format("{} ('{}')", x.message, s.targets_file));
          else
            d.add(x.where, x.key, x.message);
        }
      }
    }
  }

  // The comparator must exist and describe the same population (common random numbers need it).
  Location comparator_where;
  if (v.comparator_node()) comparator_where = v.comparator_node()->where;
  if (check_comparator && !s.comparator.empty() && v.comparator_node() && same_file(s.comparator, path)) {
    // Compared with itself, every difference is zero by construction: an evaluation that says nothing.
    d.add(
        comparator_where, "comparator",
        fmt::format("the scenario is its own comparator ('{}'): name the scenario it is to be compared with, "
                    "such as the baseline it extends",
                    v.comparator_node()->text));
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
        return load_text(text, s.comparator, false);
      }();
      for (const SourceFile& f : c.files_)
        files.push_back({f.path, f.role == SourceFile::Role::Scenario ? SourceFile::Role::Comparator
                                 : f.role == SourceFile::Role::Targets
                                     ? SourceFile::Role::Targets
                                     : SourceFile::Role::ComparatorExtends});
      const Scenario& cs = c.base_;
      if (s.population.households > 0 && cs.population.households != s.population.households)
        d.add(where, "comparator",
              fmt::format(
                  "the comparator has {} households and this scenario {}: compare scenarios on the same "
                  "population",
                  count_text(cs.population.households), count_text(s.population.households)));
      std::vector<std::string> mine, theirs;
      for (const auto& x : s.domains) mine.push_back(x.name);
      for (const auto& x : cs.domains) theirs.push_back(x.name);
      if (!mine.empty() && mine != theirs)
        d.add(where, "comparator",
              fmt::format("the comparator's domains ({}) differ from this scenario's ({})", join(theirs),
                          join(mine)));
    } catch (const InputError& e) {
      const auto& cd = e.diagnostics();
      if (!cd.empty() && cd[0].key == "comparator" && cd[0].where.file == where.file)
        d.add(cd[0].where, cd[0].key, cd[0].message);
      else
        d.add(where, "comparator",
              fmt::format("the comparator scenario has {} error(s); the first: {}", cd.size(),
                          cd.empty() ? std::string("?") : cd[0].to_string()));
    }
  }
  if (!d.empty()) throw InputError(std::move(d).sorted(path));

  ScenarioSource src;
  src.path_ = path;
  src.files_ = std::move(files);
  src.comparator_where_ = comparator_where;
  src.cost_bound_ = v.cost_bound();
  src.cost_where_ = v.cost_where();
  src.base_ = std::move(s);
  src.uncertain_ = std::move(v.uncertain());
  src.apply_ = std::move(v.setters());
  src.parameters_ = std::move(v.parameters());
  YAML::Emitter out;
  emit(out, *tree);
  src.resolved_yaml_ = std::string(out.c_str()) + "\n";
  return src;
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
      double v = std::clamp(dist->sample(rs, id), a.lo, a.hi);
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
           near.empty()
               ? fmt::format("'{}' is not a number of this scenario that may vary (sizes such as households "
                             "or years cannot; a key path looks like coaches.fte or "
                             "agencies.debt_counselling.treatment_weeks)",
                             key)
               : fmt::format("'{}' is not a number of this scenario; did you mean '{}'?", key, near)});
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
  Scenario s = base_;
  apply_draw(s, seed, draw, nullptr);
  return s;
}

std::vector<std::pair<std::string, double>> ScenarioSource::sampled_values(std::uint64_t seed,
                                                                           std::uint32_t draw) const {
  Scenario s = base_;
  std::vector<std::pair<std::string, double>> values;
  apply_draw(s, seed, draw, &values);
  return values;
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
  flatten_yaml(YAML::Load(resolved_yaml_), "", out);
  return out;
}

std::string ScenarioSource::hash() const {
  return fmt::format("{:016x}", fnv1a64(resolved_yaml_));
}

}  // namespace wijksim
