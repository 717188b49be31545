#include "wijksim/study/sensitivity_study.h"

#include <fmt/format.h>

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "wijksim/scenario/diagnostics.h"
#include "wijksim/scenario/parameter_reader.h"
#include "wijksim/simulation/simulation.h"

namespace wijksim {
namespace {

// The one economic value a draw may carry that the value of information leaves out (docs/model.md 14.9).
constexpr std::string_view kWillingnessToPay = "economics.willingness_to_pay";
// The largest size of a --threshold target: euros of a city's whole budget for many years, weeks and
// households by far (a figure the tables print in full).
constexpr double kLargestThresholdTarget = 1e12;

// Runs of the sensitivity settings, counted for the progress bar.
class Counter {
 public:
  // `parts` of the study's runs, kept when the analysis is stopped: its draws, or the base case's
  // replications (`what` names them for the message).
  Counter(const SensitivityProgress& progress, const std::atomic<bool>* stop, std::size_t parts,
          const char* what = "draws")
      : progress_(progress), stop_(stop), draws_(parts), what_(what) {}
  void expect(std::size_t runs) { total_ += runs; }
  void done(std::size_t runs) {
    const std::size_t d = done_.fetch_add(runs) + runs;
    if (progress_) progress_(d, std::max(total_.load(), d));
  }
  // Between two batches: Ctrl-C ends the analysis (the PSA's draws are kept by the caller).
  void check_stop() const {
    if (stopped()) throw Interrupted(draws_, draws_, what_);
  }
  // Inside a batch: the runs not yet started are skipped, so Ctrl-C ends a large batch (a 50 x 50 grid of
  // 1,000 replications ran on for 11 minutes after it; outside attack 8) once the runs in flight end.
  bool stopped() const { return stop_ && stop_->load(); }

 private:
  const SensitivityProgress& progress_;
  const std::atomic<bool>* stop_;
  std::size_t draws_;
  const char* what_;
  std::atomic<std::size_t> done_{0}, total_{0};
};

const UncertainParameter* uncertain(const ScenarioSource& src, const std::string& key) {
  for (const UncertainParameter& u : src.uncertain())
    if (u.key_path == key) return &u;
  return nullptr;
}

// The whole numbers within [lo, hi] (either order), its ends rounded inward: a whole parameter is simulated
// at whole values, and a range of 1.5 to 4.5 must not run 5. A range holding no whole number is its rounded
// middle.
std::pair<double, double> whole_range(double lo, double hi) {
  const bool up = lo <= hi;
  const double a = up ? std::ceil(lo - 1e-9) : std::floor(lo + 1e-9),
               b = up ? std::floor(hi + 1e-9) : std::ceil(hi - 1e-9);
  if (up ? a <= b : a >= b) return {a, b};
  const double mid = std::round(0.5 * (lo + hi));
  return {mid, mid};
}

// A distribution's percentiles p and 1 - p (the lower first) as they are simulated: a whole parameter's
// rounded inward, the values the tornado shows.
std::pair<double, double> percentile_ends(const Distribution& d, double p, bool whole) {
  const double lo = d.quantile(std::min(p, 1 - p)), hi = d.quantile(std::max(p, 1 - p));
  return whole ? whole_range(lo, hi) : std::pair{lo, hi};
}

// The value an assignment gives a scenario; nullopt when it leaves the scenario as it is.
std::optional<double> resolve(const ScenarioSource& src, const Assignment& a) {
  const ScenarioParameter* p = src.parameter(a.key);
  if (!p) return std::nullopt;
  double v = a.value;
  if (a.quantile) {
    const UncertainParameter* u = uncertain(src, a.key);
    if (!u || u->is_shares()) return std::nullopt;  // a plain number keeps its value in one-way analysis
    // A whole number at its range's end rounded inward, as range_of shows it: a 2.5th percentile of 8.3 weeks
    // ran as 8 (rounded to the nearest where it was set) and was shown as 9.
    const auto [lo, hi] = percentile_ends(std::get<Distribution>(u->law), a.value, p->setter.whole);
    v = a.value <= 0.5 ? lo : hi;
  }
  return p->setter.clamped(v);
}

// The base case's value of a parameter: a distribution's mean, else the number the file gives.
std::optional<double> base_value(const ScenarioSource& src, const std::string& key) {
  if (const UncertainParameter* u = uncertain(src, key); u && !u->is_shares())
    return std::get<Distribution>(u->law).mean();
  // A schedule sets the full-scale FTE, whatever number the file (or the one it extends) gives.
  if (key == "coaches.fte") return src.base().coaches.fte;
  for (const auto& [k, v] : src.settings()) {
    double x = 0;
    if (k == key && loader::parse_double(v, x)) return x;
  }
  return std::nullopt;
}

// The runs of one decision's scenarios at sensitivity settings: common random numbers with the base case
// (its seed and replications, parameter draw 0), each policy period continuing from the base case's warm-up
// when the setting leaves the warm-up as it is (shares_warmup), else simulated whole.
class DecisionSimulator {
 public:
  DecisionSimulator(const Study& study, const std::vector<std::size_t>& members, int replications,
                    const std::vector<const std::vector<RunMeasures>*>& reuse, Counter& counter)
      : study_(study), reps_(static_cast<std::uint32_t>(replications)), counter_(counter) {
    for (std::size_t i : members) {
      Member m;
      m.index = i;
      m.scenario = study.scenarios[i].scenario;
      m.scenario.simulation.replications = replications;
      m.model = std::make_unique<Model>(m.scenario);
      m.leader = members_.size();
      for (std::size_t j = 0; j < members_.size(); ++j)
        if (members_[j].leader == j && shares_warmup(members_[j].scenario, m.scenario)) {
          m.leader = j;
          break;
        }
      members_.push_back(std::move(m));
    }
    // The warm-ups, once per group and replication.
    warm_.resize(members_.size());
    std::vector<std::pair<std::size_t, std::uint32_t>> todo;
    for (std::size_t j = 0; j < members_.size(); ++j)
      if (members_[j].leader == j) {
        warm_[j].resize(reps_);
        for (std::uint32_t r = 0; r < reps_; ++r) todo.emplace_back(j, r);
      }
    tbb::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t k) {
      if (counter_.stopped()) return;
      const auto [j, r] = todo[k];
      warm_[j][r] = std::make_unique<WarmedUp>(*members_[j].model, study_.seed, study_.first_replication + r);
    });
    counter_.check_stop();
    // The base case: the study's own runs where they are these, else continued from the warm-ups.
    std::vector<std::pair<std::size_t, std::uint32_t>> base;
    for (std::size_t j = 0; j < members_.size(); ++j) {
      if (j < reuse.size() && reuse[j]) {
        members_[j].base_runs = *reuse[j];
        continue;
      }
      members_[j].base_runs.resize(reps_);
      for (std::uint32_t r = 0; r < reps_; ++r) base.emplace_back(j, r);
    }
    counter_.expect(base.size());
    tbb::parallel_for(std::size_t{0}, base.size(), [&](std::size_t k) {
      if (counter_.stopped()) return;
      const auto [j, r] = base[k];
      const Member& m = members_[j];
      const RunResult run = warm_[m.leader][r]->policy(*m.model, 0);
      members_[j].base_runs[r] = measure_run(m.scenario, run);
      counter_.done(1);
    });
    counter_.check_stop();
  }

  const StudyScenario& scenario(std::size_t member) const { return study_.scenarios[members_[member].index]; }
  std::size_t size() const { return members_.size(); }
  int replications() const { return static_cast<int>(reps_); }

  std::vector<DecisionRuns> simulate(const std::vector<Setting>& settings) {
    counter_.check_stop();
    struct Variant {
      std::size_t setting = 0, member = 0;
      Scenario scenario;
      std::unique_ptr<Model> model;
      bool warm = false;
    };
    struct Job {
      std::size_t variant = 0;
      std::uint32_t slot = 0;
    };
    std::vector<DecisionRuns> out(settings.size());
    for (DecisionRuns& d : out) d.options.resize(members_.size());
    std::vector<Variant> variants;
    std::vector<Job> jobs;
    for (std::size_t s = 0; s < settings.size(); ++s) {
      const Setting& st = settings[s];
      for (std::size_t j = 0; j < members_.size(); ++j) {
        if (!st.options.empty() && std::find(st.options.begin(), st.options.end(), j) == st.options.end())
          continue;
        std::vector<std::pair<std::string, double>> values;
        for (const Assignment& a : st.assignments)
          if (const auto v = resolve(scenario(j).source, a)) values.emplace_back(a.key, *v);
        std::vector<RunMeasures>& runs = out[s].options[j];
        // The willingness to pay and the discount rates weigh the runs without changing them.
        const bool weights_only = std::all_of(values.begin(), values.end(), [](const auto& v) {
          return v.first == kWillingnessToPay || v.first == "economics.discount_costs" ||
                 v.first == "economics.discount_effects";
        });
        if (!values.empty() && weights_only && j == 0)
          out[s].economics = scenario(j).source.with_values(values).economics;
        if (values.empty() || weights_only) {  // untouched: the base case's runs
          if (st.replication < 0)
            runs = members_[j].base_runs;
          else
            runs = {members_[j].base_runs.at(static_cast<std::size_t>(st.replication))};
          continue;
        }
        Variant v;
        v.setting = s;
        v.member = j;
        v.scenario = scenario(j).source.with_values(values);
        v.scenario.simulation = members_[j].scenario.simulation;
        if (j == 0) out[s].economics = v.scenario.economics;  // the decision's economics are the comparator's
        v.model = std::make_unique<Model>(v.scenario);
        v.warm = shares_warmup(members_[members_[j].leader].scenario, v.scenario);
        const std::size_t n = st.replication < 0 ? reps_ : 1;
        runs.resize(n);
        for (std::uint32_t k = 0; k < n; ++k)
          jobs.push_back(
              {variants.size(), st.replication < 0 ? k : static_cast<std::uint32_t>(st.replication)});
        variants.push_back(std::move(v));
      }
    }
    counter_.expect(jobs.size());
    tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t k) {
      if (counter_.stopped()) return;
      const Job& job = jobs[k];
      const Variant& v = variants[job.variant];
      const Member& m = members_[v.member];
      const RunResult run =
          v.warm ? warm_[m.leader][job.slot]->policy(*v.model, 0)
                 : wijksim::simulate(*v.model, {study_.seed, 0, study_.first_replication + job.slot});
      std::vector<RunMeasures>& runs = out[v.setting].options[v.member];
      const Setting& st = settings[v.setting];
      runs[st.replication < 0 ? job.slot : 0] = measure_run(v.scenario, run);
      counter_.done(1);
    });
    counter_.check_stop();
    return out;
  }

 private:
  struct Member {
    std::size_t index = 0;  // in the study
    Scenario scenario;      // the base case with the sensitivity runs' replications
    std::unique_ptr<Model> model;
    std::size_t leader = 0;  // the member whose warm-up it shares
    std::vector<RunMeasures> base_runs;
  };
  const Study& study_;
  std::uint32_t reps_;
  Counter& counter_;
  std::vector<Member> members_;
  std::vector<std::vector<std::unique_ptr<WarmedUp>>> warm_;  // [leader member][slot]
};

InputError option_error(const std::string& option, const std::string& message) {
  return InputError({{Location{}, option, message}});
}

// Every key path some scenario of the study gives as a number that may vary.
std::vector<std::string> all_parameters(const Study& study) {
  std::vector<std::string> keys;
  for (const StudyScenario& s : study.scenarios)
    for (const ScenarioParameter& p : s.source.parameters())
      if (std::find(keys.begin(), keys.end(), p.key_path) == keys.end()) keys.push_back(p.key_path);
  return keys;
}

void require_parameter(const Study& study, const std::string& key, const std::string& option) {
  const std::vector<std::string> keys = all_parameters(study);
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return;
  // A key the scenarios give that may not vary (population.households) is no misspelling: no near key is
  // offered (it was: "did you mean 'population.trust.sd'?", outside attack 39).
  const bool given = std::any_of(study.scenarios.begin(), study.scenarios.end(),
                                 [&](const StudyScenario& s) { return s.source.has(key); });
  const std::string near = given ? "" : loader::suggest(key, keys);
  // A '*' in the path (as a parameter sets file's column or a targets file's free: may write one, matched as
  // they match it: key_path_matches) names many numbers, where these options take one each: said, with the
  // keys it would match (it was "no parameter that may vary" beside keys that do; outside attack 64).
  if (key.find('*') != std::string::npos) {
    std::vector<std::string> matches;
    for (const std::string& k : keys)
      if (key_path_matches(key, k)) matches.push_back(k);
    throw option_error(
        option,
        fmt::format("'{}': a '*' in a key path is not taken here{}; name each parameter by its own key{}",
                    key, option == "--evppi-group" ? " (but as a parameter sets file's column names it)" : "",
                    matches.empty() ? std::string(" (a key path looks like coaches.fte)")
                                    : fmt::format(": this command's scenarios give {} that match: {}",
                                                  matches.size(), loader::join(matches))));
  }
  // The rule first: a size that exists but may not vary (population.households) was offered a near key
  // name as if it had been misspelt (outside attack 12).
  throw option_error(option, fmt::format("no scenario of this command has a parameter '{}' that may vary "
                                         "(sizes such as households or years cannot; a key path looks like "
                                         "coaches.fte){}",
                                         key, near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
}

// A decision's uncertain parameters (not shares), in the order its scenarios give them, and its shares.
void decision_uncertain(const DecisionSimulator& sim, std::vector<std::string>& keys,
                        std::vector<std::string>& shares) {
  for (std::size_t j = 0; j < sim.size(); ++j)
    for (const UncertainParameter& u : sim.scenario(j).source.uncertain()) {
      std::vector<std::string>& list = u.is_shares() ? shares : keys;
      if (std::find(list.begin(), list.end(), u.key_path) == list.end()) list.push_back(u.key_path);
    }
}

// Each value read into every scenario of the decision that has the parameter, with every check a file's
// value gets (InputError at `option` otherwise): the parameter's setter range alone let 0 coach FTE through.
void check_values(const DecisionSimulator& sim, const std::string& key, const std::vector<double>& values,
                  const std::string& option) {
  for (std::size_t j = 0; j < sim.size(); ++j) {
    const ScenarioSource& source = sim.scenario(j).source;
    if (!source.parameter(key)) continue;
    for (const double x : values) {
      const KeyValue value{key, x, Location{option, 0, 0}};
      (void)source.reread_with(std::span<const KeyValue>(&value, 1));
    }
  }
}

// A range given on the command line for a whole-number parameter must hold a whole number: 1.2 to 1.8 ran 2,
// outside it. (A distribution's percentiles, which nobody typed, take their rounded middle instead.)
void refuse_without_whole(const std::string& key, double lo, double hi, const std::string& option) {
  if (std::ceil(std::min(lo, hi) - 1e-9) > std::floor(std::max(lo, hi) + 1e-9))
    throw option_error(option, fmt::format("{} takes whole numbers, and {} to {} holds none", key, lo, hi));
}

// The range of a parameter in a decision: the command line's, else the first scenario's 2.5-97.5%
// percentiles (interventions first), else `widen` around its base value, within its valid range.
std::optional<std::pair<double, double>> range_of(const DecisionSimulator& sim, const ParameterRange& p,
                                                  double widen_low, double widen_high) {
  std::vector<std::size_t> order;
  for (std::size_t j = 1; j < sim.size(); ++j) order.push_back(j);
  order.push_back(0);
  for (std::size_t j : order) {
    const ScenarioSource& src = sim.scenario(j).source;
    const ScenarioParameter* sp = src.parameter(p.key);
    if (!sp) continue;
    double lo = 0, hi = 0;
    const UncertainParameter* u = uncertain(src, p.key);
    if (p.from && p.to) {
      // A range given on the command line: each end read into every scenario that has the parameter, with
      // the checks a file's value gets, as the sweep's values are; refused, not clamped (0 coach FTE was
      // simulated, 1:inf became 1 to 100,000).
      lo = *p.from, hi = *p.to;
      if (sp->setter.whole) {
        refuse_without_whole(p.key, lo, hi, p.option.empty() ? "--parameters" : p.option);
        std::tie(lo, hi) = whole_range(lo, hi);
      }
      check_values(sim, p.key, {lo, hi}, p.option.empty() ? "--parameters" : p.option);
      return std::pair{lo, hi};
    } else if (u && !u->is_shares()) {
      std::tie(lo, hi) = percentile_ends(std::get<Distribution>(u->law), 0.025, false);  // rounded below
    } else if (const auto b = base_value(src, p.key)) {
      lo = *b * widen_low, hi = *b * widen_high;
    } else {
      continue;
    }
    if (sp->setter.whole) std::tie(lo, hi) = whole_range(lo, hi);  // the values simulated
    return std::pair{sp->setter.clamped(lo), sp->setter.clamped(hi)};
  }
  return std::nullopt;
}

// Whether `key` is a whole number (weeks, teams) in the decision's scenarios: its grid is then rounded, so
// that every point is labelled with the value simulated (the setter rounds; 1,6 and 2,4 both ran as 2).
bool is_whole(const DecisionSimulator& sim, const std::string& key) {
  for (std::size_t j = 0; j < sim.size(); ++j)
    if (const ScenarioParameter* p = sim.scenario(j).source.parameter(key)) return p->setter.whole;
  return false;
}

// n values from `from` to `to`, each once; a whole parameter's rounded within the range (1.5 to 2.5 in 3
// steps is 2 only; 1 to 3.7 in 2 steps is 1 and 3, not 4), each checked as a file's value (check_values);
// `option` names where they came from.
// `note`, where given, says when there are fewer values than asked for (3 steps of a number of weeks from 1
// to 2 are 2 values; from 3 to 3 is one), which a reader of the table would otherwise take for lost steps.
// `typed`: the range as typed, where `from` and `to` are it rounded to the whole numbers it holds (a two-way
// axis of 1:1.5 weeks was said as "the range from 1 to 1"; outside attack 45).
std::vector<double> grid_of(const DecisionSimulator& sim, const std::string& key, double from, double to,
                            int n, const std::string& option = "--from/--to", std::string* note = nullptr,
                            std::optional<std::pair<double, double>> typed = std::nullopt) {
  const bool whole = is_whole(sim, key);
  const double asked_from = typed ? typed->first : from, asked_to = typed ? typed->second : to;
  if (whole) {
    // A range from range_of holds a whole number already; only sweep's typed --from/--to can fail here.
    refuse_without_whole(key, from, to, option);
    std::tie(from, to) = whole_range(from, to);
  }
  std::vector<double> v = linspace(from, to, n);
  if (whole)
    for (double& x : v) x = std::round(x);
  v.erase(std::unique(v.begin(), v.end()), v.end());  // from = to: one value, simulated once
  if (note && v.size() < static_cast<std::size_t>(n)) {
    const std::string shown =
        v.size() == 1 ? fmt::format("so 1 value is shown where {} were asked for", n)
                      : fmt::format("so {} values are shown where {} were asked for", v.size(), n);
    // A range of decimals narrower than the steps (0.5 to 0.5000000000000001 holds two doubles) is said as
    // such, not as whole numbers (outside attack 40).
    *note = asked_from == asked_to
                ? fmt::format("The range from {} to {} is one value, {}.", asked_from, asked_to, shown)
            : whole ? fmt::format("{} takes whole numbers: {} to {} holds {} of them, {}.", key, asked_from,
                                  asked_to, v.size(), shown)
                    : fmt::format("The range from {} to {} holds {} distinct numbers, {}.", asked_from,
                                  asked_to, v.size(), shown);
  }
  check_values(sim, key, v, option);
  return v;
}

// A coach parameter of a scenario whose coaches are off has no effect there: not had (a two-way map of one in
// a decision without coaches was all 0; outside attack 41).
bool has_parameter(const DecisionSimulator& sim, std::size_t member, const std::string& key) {
  const ScenarioSource& source = sim.scenario(member).source;
  if (key.starts_with("coaches.") && !source.base().coaches.enabled) return false;
  return source.parameter(key) != nullptr;
}

// ---- From the PSA's draws ----

// The parameters' values in each draw, as columns: one per key path, or one per scenario where scenarios of
// the decision give the same key different distributions.
struct DrawInputs {
  std::vector<std::string> names;           // "key" or "key (scenario)"
  std::vector<std::string> keys;            // the key path of each column
  std::vector<std::vector<double>> values;  // [draw][column]
};

DrawInputs draw_inputs(const Study& study, const std::vector<std::size_t>& members) {
  const std::vector<std::uint32_t> draws = study.draw_ids();
  // values[member][draw]: (key, value)
  std::vector<std::vector<std::vector<std::pair<std::string, double>>>> v(members.size());
  for (std::size_t m = 0; m < members.size(); ++m)
    for (std::uint32_t d : draws)
      v[m].push_back(study.scenarios[members[m]].source.sampled_values(study.seed, d));
  DrawInputs in;
  std::vector<std::pair<std::size_t, std::size_t>> source;  // per column: (member, position in its list)
  for (std::size_t m = 0; m < members.size(); ++m) {
    const auto& first = v[m].front();
    for (std::size_t k = 0; k < first.size(); ++k) {
      const std::string& key = first[k].first;
      // The net benefit is valued at the mean willingness to pay in every draw, so a draw's own value moves
      // nothing the regression fits: a row of it could only fit chance (an independent check).
      if (key == kWillingnessToPay) continue;
      bool same = false;
      for (std::size_t c = 0; c < in.keys.size() && !same; ++c) {
        if (in.keys[c] != key) continue;
        const auto [m0, k0] = source[c];
        same = true;
        for (std::size_t d = 0; d < draws.size() && same; ++d)
          same = v[m0][d][k0].second == v[m][d][k].second;
      }
      if (same) continue;
      const bool clash = std::find(in.keys.begin(), in.keys.end(), key) != in.keys.end();
      in.keys.push_back(key);
      in.names.push_back(clash ? fmt::format("{} ({})", key, study.scenarios[members[m]].scenario.name)
                               : key);
      source.emplace_back(m, k);
    }
  }
  in.values.assign(draws.size(), std::vector<double>(in.keys.size()));
  for (std::size_t d = 0; d < draws.size(); ++d)
    for (std::size_t c = 0; c < in.keys.size(); ++c)
      in.values[d][c] = v[source[c].first][d][source[c].second].second;
  return in;
}

// A Dirichlet's shares are stored as key[i]; their key path is the part before '['.
std::string key_of(const std::string& column_key) {
  return column_key.substr(0, column_key.find('['));
}

void value_of_information(const Study& study, const DecisionGroup& g, const SensitivityOptions& o,
                          DecisionSensitivity& ds) {
  if (study.draws <= 0) {
    ds.no_evppi =
        "no parameter draws: value of information needs a probabilistic sensitivity analysis (--draws)";
    return;
  }
  const std::size_t k = g.options.size() - 1;
  EvppiInput in;
  in.willingness_to_pay = g.willingness_to_pay;
  for (std::size_t d = 0; d < g.cost.size(); ++d) {
    std::vector<double> dc, de;
    for (std::size_t o1 = 1; o1 <= k; ++o1) {
      dc.push_back(g.cost[d][o1] - g.cost[d][0]);
      de.push_back(g.effect[d][o1] - g.effect[d][0]);
    }
    in.delta_cost.push_back(dc);
    in.delta_effect.push_back(de);
  }
  // The expected incremental benefit and the PSA's convergence need no regression.
  for (std::size_t o1 = 1; o1 <= k; ++o1) {
    ds.benefit.push_back(expected_incremental_benefit(g.cost, g.effect, o1, 0, g.wtp));
    std::vector<double> nmb, cost;
    for (std::size_t d = 0; d < g.cost.size(); ++d) {
      nmb.push_back(
          incremental_nmb(in.delta_cost[d][o1 - 1], in.delta_effect[d][o1 - 1], g.willingness_to_pay));
      cost.push_back(in.delta_cost[d][o1 - 1]);
    }
    ds.convergence_nmb.push_back(running_mean(nmb, 20));
    ds.convergence_cost.push_back(running_mean(cost, 20));
  }
  if (g.cost.size() < kMinEvppiDraws) {
    ds.no_evppi = fmt::format("{} parameter draw{} too few for the regression of EVPPI (at least {})",
                              g.cost.size(), g.cost.size() == 1 ? " is" : "s are", kMinEvppiDraws);
    return;
  }
  const DrawInputs inputs = draw_inputs(study, g.options);
  if (inputs.keys.empty()) {  // the willingness to pay alone varies (it said "not computed" and no why)
    ds.no_evppi =
        "no uncertain parameter but the willingness to pay, which is no input of the value of information "
        "(the net benefit is valued at its mean in every draw)";
    return;
  }
  in.inputs = inputs.values;
  auto add = [&](const std::string& name, EvppiRow::Kind kind, const std::vector<std::size_t>& columns) {
    if (columns.empty()) return;
    EvppiRow row;
    row.name = name;
    row.kind = kind;
    for (std::size_t c : columns) row.parameters.push_back(inputs.names[c]);
    try {
      row.estimate = evppi(in, columns, study.seed, parameter_id(name));
    } catch (const Error&) {
      // No smoothing leaves a residual degree of freedom: about as many columns as draws. Said, not fatal
      // (it ended the command after the simulation).
      ds.evppi_left_out.push_back(fmt::format("{} ({} columns)", name, columns.size()));
      return;
    }
    ds.evppi.push_back(std::move(row));
  };
  // Each parameter (all its columns), each section of two or more, the named groups, then all together.
  std::vector<std::string> keys, sections;
  for (const std::string& c : inputs.keys)
    if (std::find(keys.begin(), keys.end(), key_of(c)) == keys.end()) keys.push_back(key_of(c));
  auto columns_where = [&](auto pred) {
    std::vector<std::size_t> cols;
    for (std::size_t c = 0; c < inputs.keys.size(); ++c)
      if (pred(key_of(inputs.keys[c]))) cols.push_back(c);
    return cols;
  };
  for (const std::string& key : keys)
    add(key, EvppiRow::Kind::Parameter, columns_where([&](const std::string& x) { return x == key; }));
  for (const std::string& key : keys) {
    const std::string section = key.substr(0, key.find('.'));
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) sections.push_back(section);
  }
  for (const std::string& section : sections) {
    const auto in_section = [&](const std::string& x) { return x.substr(0, x.find('.')) == section; };
    if (std::count_if(keys.begin(), keys.end(), in_section) < 2) continue;
    add(section + ".*", EvppiRow::Kind::Section, columns_where(in_section));
  }
  for (const auto& group : o.groups) {
    // A pair, not a structured binding: clang before 16 cannot capture a binding in a lambda.
    const std::vector<std::string>& members = group.second;
    const auto in_group = [&members](const std::string& x) {
      return std::find(members.begin(), members.end(), x) != members.end();
    };
    add(group.first, EvppiRow::Kind::Group, columns_where(in_group));
  }
  std::vector<std::size_t> all(inputs.keys.size());
  for (std::size_t c = 0; c < all.size(); ++c) all[c] = c;
  add("all", EvppiRow::Kind::All, all);
  if (ds.evppi.empty() || ds.evppi.back().kind != EvppiRow::Kind::All) return;
  // Chance in each draw's net benefit: from the spread between a draw's replications where there are
  // several, else from the residual of the fit on all parameters.
  std::vector<double> within;
  if (study.replications >= 2) {
    for (std::size_t o1 = 1; o1 <= k; ++o1) {
      double sum = 0;
      for (std::size_t d = 0; d < g.cost.size(); ++d) {
        std::vector<double> reps;
        for (std::size_t r = 0; r < g.run_cost[o1][d].size(); ++r)
          reps.push_back(incremental_nmb(g.run_cost[o1][d][r] - g.run_cost[0][d][r],
                                         g.run_effect[o1][d][r] - g.run_effect[0][d][r],
                                         g.willingness_to_pay));
        const double s = sd(reps);
        sum += s * s;
      }
      within.push_back(sum / static_cast<double>(g.cost.size()));
    }
  }
  ds.noise =
      noise_advice(in, ds.evppi.back().estimate, within, study.replications, o.noise_share, study.seed);
}

// ---- The virtual evaluation ----

struct SurveyMeasure {
  Label label;
  // The counts of one run at one moment.
  SurveyCounts (*counts)(const ShareMeasures<double>&, std::int64_t households);
};

std::int64_t count(double share, std::int64_t n) {
  return std::isnan(share) ? 0 : static_cast<std::int64_t>(std::llround(share * static_cast<double>(n)));
}

const SurveyMeasure kSurveyMeasures[] = {
    {{"with_problem", "at least one problem"},
     [](const ShareMeasures<double>& s, std::int64_t h) {
       return SurveyCounts{h, h, count(s.with_problem, h)};
     }},
    {{"professionals_3plus", "3 or more professionals involved"},
     [](const ShareMeasures<double>& s, std::int64_t h) {
       return SurveyCounts{h, h, count(s.professionals[3], h)};
     }},
    {{"low_trust", "of those with help: little or no trust"},
     [](const ShareMeasures<double>& s, std::int64_t h) {
       const std::int64_t helped = count(1 - s.professionals[0], h);
       return SurveyCounts{h, helped, count(s.low_trust, helped)};
     }},
};

void virtual_evaluation(const Study& study, const StudyResult& result, const DecisionGroup& g,
                        const SensitivityOptions& o, DecisionSensitivity& ds) {
  ds.survey_design = o.survey;
  const std::vector<RunMeasures>& control_runs = result.summaries[g.comparator].runs;
  const auto h = static_cast<std::int64_t>(result.summaries[g.comparator].shape.households);
  // The survey samples without replacement: more households than there are would survey everyone, with no
  // sampling error (model.md 14.8). Given on the command line, that is refused before anything runs
  // (check_sensitivity_options); the default is left out here, and said.
  for (const std::size_t s : g.options)
    if (const auto households = result.summaries[s].shape.households; o.survey.sample > households) {
      ds.no_survey = fmt::format(
          "the survey of {} households (the seeds' design) is more than the {} household{} of '{}', "
          "which it samples; --survey-households gives a smaller survey",
          o.survey.sample, households, households == 1 ? "" : "s", study.scenarios[s].scenario.name);
      return;
    }
  for (std::size_t k = 1; k < g.options.size(); ++k) {
    const std::vector<RunMeasures>& pilot_runs = result.summaries[g.options[k]].runs;
    const std::size_t n = std::min(pilot_runs.size(), control_runs.size());
    if (n == 0) continue;
    ds.survey_control_is_same_run = n == 1;
    for (std::size_t m = 0; m < std::size(kSurveyMeasures); ++m) {
      const SurveyMeasure& sm = kSurveyMeasures[m];
      std::vector<VirtualStudyPair> pairs;
      for (std::size_t r = 0; r < n; ++r) {
        const Measures<double>& p = pilot_runs[r].figures;
        const Measures<double>& same = control_runs[r].figures;
        const Measures<double>& other = control_runs[(r + 1) % n].figures;
        VirtualStudyPair pair;
        pair.pilot = {sm.counts(p.start, h), sm.counts(p.end, h)};
        pair.control = {sm.counts(other.start, h), sm.counts(other.end, h)};
        const SurveyCounts cb = sm.counts(same.start, h), ca = sm.counts(same.end, h);
        pair.true_effect = (pair.pilot.after.share() - pair.pilot.before.share()) - (ca.share() - cb.share());
        pair.seed = study.seed;
        pair.draw = pilot_runs[r].draw;
        pair.replication = pilot_runs[r].replication;
        if (std::isnan(pair.true_effect) || std::isnan(pair.control.after.share()) ||
            std::isnan(pair.control.before.share()))
          continue;
        pairs.push_back(pair);
      }
      ds.survey.push_back({k, sm.label, simulate_virtual_study(pairs, o.survey, static_cast<int>(m))});
    }
  }
}

// ---- The simulated analyses ----

void simulated(const Study& study, const StudyResult& result, const DecisionGroup& g,
               const SensitivityOptions& o, Counter& counter, DecisionSensitivity& ds) {
  const StudyScenario& cs = study.scenarios[g.comparator];
  // Without draws the base case's replications (--replications, or the scenarios'), so the tornado's base is
  // the comparison printed above it and its runs are reused; with draws (one replication each) the
  // scenarios'.
  const int replications = o.replications.value_or(
      study.draws == 0 ? study.replications : cs.source.base().simulation.replications);
  std::vector<const std::vector<RunMeasures>*> reuse;
  ds.base_is_printed = study.draws == 0 && replications == study.replications;
  if (ds.base_is_printed)
    for (std::size_t i : g.options) reuse.push_back(&result.summaries[i].runs);
  DecisionSimulator sim(study, g.options, replications, reuse, counter);
  const Simulate simulate = [&](const std::vector<Setting>& s) {
    ds.settings_simulated += static_cast<int>(s.size());
    return sim.simulate(s);
  };
  ds.simulated = true;
  ds.replications = replications;
  const DecisionFigures figures(result.summaries[g.comparator].shape, cs.scenario.economics);

  // One-way: the chosen parameters, or every uncertain one.
  std::vector<std::string> keys, shares;
  decision_uncertain(sim, keys, shares);
  // What the one-way analysis leaves out is named with the reason: it was a silent omission for the columns
  // of parameter sets, which vary in every draw of a PSA.
  for (const std::string& k : shares)
    ds.skipped.push_back(k + " (a Dirichlet's shares have no one percentile)");
  std::vector<std::string> set_columns;
  for (std::size_t j = 0; j < sim.size(); ++j)
    if (const ParameterSets* sets = sim.scenario(j).source.parameter_sets())
      for (const std::string& k : sets->keys)
        if (std::find(set_columns.begin(), set_columns.end(), k) == set_columns.end())
          set_columns.push_back(k);
  if (!set_columns.empty())
    ds.skipped.push_back(
        fmt::format("the parameter sets' columns {} (the draws vary them jointly, set by set)",
                    loader::join(set_columns)));
  std::vector<OneWayParameter> params;
  if (o.parameters.empty()) {
    for (const std::string& key : keys) {
      const auto r = range_of(sim, {key, {}, {}, {}}, 1, 1);
      if (r) params.push_back({key, r->first, r->second, true, true, {}});
    }
  } else {
    for (const std::string& text : o.parameters) {
      const ParameterRange p = parse_parameter_range(text, "--parameters");
      bool here = false;
      std::size_t first = 0;
      for (std::size_t j = 0; j < sim.size(); ++j)
        if (has_parameter(sim, j, p.key) && !std::exchange(here, true)) first = j;
      if (!here) continue;
      const bool is_uncertain = std::find(keys.begin(), keys.end(), p.key) != keys.end();
      // Refused, not skipped: the run exited 0 with an empty tornado, the reason at the end of a footnote
      // (outside attack 41).
      if (!p.from && !is_uncertain)
        throw option_error(
            "--parameters",
            fmt::format("{} is a plain number in {}, without a distribution to take its ends from: "
                        "give its range, {}=FROM:TO",
                        p.key, first < ds.names.size() ? ds.names[first] : std::string("the scenario"),
                        p.key));
      const auto r = range_of(sim, p, 1, 1);
      if (r) params.push_back({p.key, r->first, r->second, !p.from.has_value(), true, {}});
    }
  }
  for (OneWayParameter& p : params)
    for (std::size_t j = 0; j < sim.size(); ++j)
      if (has_parameter(sim, j, p.key)) {
        p.options.push_back(j);
        if (p.by_quantile) continue;
        const auto b = base_value(sim.scenario(j).source, p.key);
        const auto [lo, hi] = std::minmax(p.low_value, p.high_value);
        p.base_between = p.base_between && b && lo < *b && *b < hi;
      }
  ds.tornados = one_way(params, g.options.size(), ds.outcomes, figures, simulate);

  // Two-way: the command line's pair, else the first tornado's top two.
  std::vector<ParameterRange> pair = o.two_way;
  if (pair.empty() && !ds.tornados.empty())
    for (std::size_t b = 0; b < ds.tornados.front().bars.size() && pair.size() < 2; ++b)
      pair.push_back({ds.tornados.front().bars[b].parameter, {}, {}, {}});
  bool two_way_here = pair.size() == 2;
  for (const ParameterRange& p : pair) {
    bool here = false;
    for (std::size_t j = 0; j < sim.size(); ++j) here = here || has_parameter(sim, j, p.key);
    two_way_here = two_way_here && here;
  }
  if (two_way_here) {
    const auto rx = range_of(sim, pair[0], 0.5, 1.5), ry = range_of(sim, pair[1], 0.5, 1.5);
    if (rx && ry) {
      const Outcome* inmb = find_outcome(ds.outcomes, "inmb");
      const Outcome* cost = find_outcome(ds.outcomes, "delta_cost");
      std::string x_note, y_note;
      auto typed = [](const ParameterRange& p) -> std::optional<std::pair<double, double>> {
        if (p.from && p.to) return std::pair{*p.from, *p.to};
        return std::nullopt;
      };
      const std::vector<double> xs =
          grid_of(sim, pair[0].key, rx->first, rx->second, o.grid, "--two-way", &x_note, typed(pair[0]));
      const std::vector<double> ys =
          grid_of(sim, pair[1].key, ry->first, ry->second, o.grid, "--two-way", &y_note, typed(pair[1]));
      ds.two_way =
          two_way(pair[0].key, xs, pair[1].key, ys, g.options.size(), *inmb, *cost, figures, simulate);
      ds.two_way_grid_note = x_note.empty() || y_note.empty() ? x_note + y_note : x_note + " " + y_note;
    }
  } else {
    ds.no_two_way =
        pair.size() < 2 ? "fewer than two parameters to vary" : "the decision has not both parameters";
  }

  // Thresholds: the command line's, else per intervention the coaches' capacity for a 6-week wait and the
  // value of the tornado's top parameter at which the net benefit changes sign.
  for (std::size_t k = 1; k < g.options.size(); ++k) {
    std::vector<ThresholdRequest> requests = o.thresholds;
    if (requests.empty()) {
      // Built member by member: braced temporaries here trip GCC 12's -Wmaybe-uninitialized (a false
      // positive, as in summary.cpp).
      ThresholdRequest q;
      if (has_parameter(sim, k, "coaches.fte") && find_outcome(ds.outcomes, "coach_wait")) {
        if (const auto fte = base_value(sim.scenario(k).source, "coaches.fte"); fte && *fte > 0) {
          q.parameter.key = "coaches.fte";
          q.parameter.from = *fte / 4;
          q.parameter.to = *fte * 4;
          q.outcome = "coach_wait";
          q.target = 6;
          requests.push_back(q);
        }
      }
      if (k - 1 < ds.tornados.size() && !ds.tornados[k - 1].bars.empty()) {
        q.parameter.key = ds.tornados[k - 1].bars.front().parameter;
        q.parameter.from.reset();
        q.parameter.to.reset();
        q.outcome = "inmb";
        q.target = 0;
        requests.push_back(q);
      }
    }
    for (const ThresholdRequest& q : requests) {
      // One the command line asked for and this decision cannot give is said, not dropped in silence
      // (outside attack 41).
      const auto not_here = [&](const char* why) {
        if (!o.thresholds.empty())
          ds.skipped.push_back(fmt::format("the threshold of {} for {} in {} ({})", q.parameter.key,
                                           q.outcome, g.names[k], why));
      };
      if (!has_parameter(sim, k, q.parameter.key) && !has_parameter(sim, 0, q.parameter.key)) {
        not_here("its scenarios have not the parameter");
        continue;
      }
      const Outcome* outcome = find_outcome(ds.outcomes, q.outcome);
      if (!outcome) {  // e.g. a coach wait where the decision has no coaches
        not_here("no such outcome here");
        continue;
      }
      const auto r = range_of(sim, q.parameter, 0.5, 1.5);
      if (!r) continue;
      ThresholdSpec spec{
          k, q.parameter.key, r->first, r->second, q.outcome, q.target, is_whole(sim, q.parameter.key)};
      ds.thresholds.push_back(solve_threshold(spec, *outcome, figures, simulate, replications));
      ds.threshold_scenario.push_back(g.names[k]);
    }
  }
}

}  // namespace

std::optional<OptionProblem> sensitivity_options_problem(const SensitivityOptions& o) {
  // A key given twice made two tornado bars of one parameter; a threshold asked twice was solved twice.
  std::set<std::string> once;
  for (const std::string& p : o.parameters)
    if (const std::string key = parse_parameter_range(p, "--parameters").key; !once.insert(key).second)
      return OptionProblem{"--parameters", fmt::format("'{}' is given twice: give each parameter once", key)};
  once.clear();
  for (const ThresholdRequest& t : o.thresholds)
    if (!once.insert(fmt::format("{} {} {}", t.parameter.key, t.outcome, t.target)).second)
      return OptionProblem{"--threshold", fmt::format("the threshold of {} for {} = {} is asked twice",
                                                      t.parameter.key, t.outcome, t.target)};
  if (!o.two_way.empty() && o.two_way.size() != 2)
    return OptionProblem{"--two-way", fmt::format("give two parameters, KEY1[=FROM:TO],KEY2[=FROM:TO]; got {}",
                                                  o.two_way.size())};
  if (o.two_way.size() == 2 && o.two_way[0].key == o.two_way[1].key)
    return OptionProblem{"--two-way", fmt::format("'{}' is on both axes: a two-way analysis varies two different "
                                                  "parameters (the second axis would overwrite the first)",
                                                  o.two_way[0].key)};
  if (o.grid < 2 || o.grid > 50)
    return OptionProblem{"--grid", fmt::format("a grid of 2 to 50 points, got {}", o.grid)};
  std::set<std::string> names;
  for (const auto& [name, keys] : o.groups) {
    if (!loader::valid_name(name) || name == "all")
      return OptionProblem{
          "--evppi-group",
          fmt::format(
              "'{}' cannot name a group: use ASCII letters (a-z, A-Z), digits, '_' or '-' (at most 64), "
              "and not 'all', the row of all parameters together",
              name)};
    if (!names.insert(name).second)
      return OptionProblem{"--evppi-group", fmt::format("the group '{}' is given twice", name)};
    if (std::set<std::string>(keys.begin(), keys.end()).size() != keys.size())
      return OptionProblem{"--evppi-group", fmt::format("the group '{}' names a parameter twice", name)};
  }
  return std::nullopt;
}

void check_sensitivity_options(const Study& study, const SensitivityOptions& o) {
  if (const auto problem = sensitivity_options_problem(o)) throw option_error(problem->option, problem->message);
  // Every analysis is of an intervention against its comparator: asked of scenarios compared with nothing,
  // it ran nothing and said nothing (exit 0), or named a parameter the scenario has as missing (outside
  // attack 14).
  const bool compares = std::any_of(study.scenarios.begin(), study.scenarios.end(),
                                    [](const StudyScenario& s) { return s.comparator >= 0; });
  if (!compares && (o.simulate || !o.groups.empty())) {
    const char* option = !o.thresholds.empty()   ? "--threshold"
                         : !o.two_way.empty()    ? "--two-way"
                         : !o.parameters.empty() ? "--parameters"
                         : o.simulate            ? "--sensitivity"
                                                 : "--evppi-group";
    throw option_error(option,
                       fmt::format("the sensitivity analyses compare an intervention with its comparator, "
                                   "and no scenario of this command names one ({} has no `comparator:`): "
                                   "compare an intervention, such as scenarios/pilot.yaml",
                                   study.scenarios.front().source.path()));
  }
  // The virtual evaluation too: its options given to scenarios compared with nothing were read and ignored,
  // exit 0 (outside attack 38).
  if (!compares && (o.survey_sample_given || o.survey_studies_given))
    throw option_error(
        o.survey_sample_given ? "--survey-households" : "--survey-studies",
        fmt::format("the virtual evaluation surveys an intervention against its comparator, and "
                    "no scenario of this command names one ({} has no `comparator:`): compare "
                    "an intervention, such as scenarios/pilot.yaml",
                    study.scenarios.front().source.path()));
  // What the command line names must exist somewhere in the study.
  for (const std::string& p : o.parameters)
    require_parameter(study, parse_parameter_range(p, "--parameters").key, "--parameters");
  for (const ParameterRange& p : o.two_way) require_parameter(study, p.key, "--two-way");
  for (const ThresholdRequest& t : o.thresholds) require_parameter(study, t.parameter.key, "--threshold");
  // A threshold's outcome must be one the decision reports, and its target one the outcome can take.
  std::map<std::string, Bounds> outcome_keys;
  for (const StudyScenario& sc : study.scenarios)
    if (sc.comparator >= 0)
      for (const Outcome& oc : standard_outcomes(
               shape_of(study.scenarios[static_cast<std::size_t>(sc.comparator)].scenario), true))
        outcome_keys.emplace(oc.label.key, oc.bounds);
  for (const ThresholdRequest& t : o.thresholds) {
    const auto it = outcome_keys.find(t.outcome);
    if (it == outcome_keys.end()) {
      std::vector<std::string> known;
      for (const auto& [key, bounds] : outcome_keys) known.push_back(key);
      throw option_error("--threshold",
                         fmt::format("unknown outcome '{}'; known: {}", t.outcome, loader::join(known)));
    }
    // A target no outcome comes near (1e308 printed over five lines as the double's 309 digits; outside
    // attack 64): its size bounded as a figure the tables can show.
    if (std::fabs(t.target) > kLargestThresholdTarget)
      throw option_error("--threshold",
                         fmt::format("a target of {:.6g} for {}: give one of at most 10^12 in size "
                                     "(no outcome of the model comes near it)",
                                     t.target, t.outcome));
    // A wait or a caseload below zero is never reached: said, not searched for over the range (it was
    // "not met in the range"; outside attack 17).
    if (t.target < it->second.lo || t.target > it->second.hi)
      throw option_error("--threshold",
                         fmt::format("a target of {} for {}, which cannot be {} {}", t.target, t.outcome,
                                     t.target < it->second.lo ? "below" : "above",
                                     t.target < it->second.lo ? it->second.lo : it->second.hi));
  }

  // The virtual survey samples its households without replacement from a run's households: more than there
  // are would survey everyone, with no sampling error and a power of 0 or 1 (model.md 14.8). Only a
  // comparator's runs are surveyed (with its interventions'): a scenario compared with nothing (`wijksim
  // run`) has no survey, and so no such bound (run refused 100 households, naming an option it lacks).
  std::vector<bool> compared(study.scenarios.size(), false);
  for (const StudyScenario& s : study.scenarios)
    if (s.comparator >= 0) compared[static_cast<std::size_t>(s.comparator)] = true;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i)
    if (const StudyScenario& s = study.scenarios[i];
        o.survey_sample_given && compared[i] && o.survey.sample > s.scenario.population.households)
      throw option_error(
          "--survey-households",
          fmt::format(
              "the virtual evaluation's survey of {} households (168 unless --survey-households gives "
              "another number) is more than the {} household{} of '{}' ({}), which it samples: give "
              "--survey-households {} or fewer",
              o.survey.sample, s.scenario.population.households,
              s.scenario.population.households == 1 ? "" : "s", s.scenario.name, s.source.path(),
              s.scenario.population.households));
  // An EVPPI group is a row of its own beside each parameter (named by its key path), each section (key.*)
  // and "all": its name must be none of those and given once; each member a parameter the draws vary (a
  // distribution, or a column of the parameter sets), else its columns would be left out unseen.
  std::vector<std::string> varying;
  for (const StudyScenario& s : study.scenarios) {
    for (const UncertainParameter& u : s.source.uncertain()) varying.push_back(u.key_path);
    if (const ParameterSets* sets = s.source.parameter_sets())
      varying.insert(varying.end(), sets->keys.begin(), sets->keys.end());
  }
  for (const auto& [name, keys] : o.groups) {
    for (const std::string& k : keys) {
      // Refused as a key that does not vary is, and at the same step (it was a usage error, exit 2; an
      // independent check).
      if (k == kWillingnessToPay)
        throw option_error(
            "--evppi-group",
            fmt::format("the group '{}' names {}, which is not an input of the value "
                        "of information: the net benefit is valued at its mean in every draw (docs/model.md "
                        "14.9)",
                        name, kWillingnessToPay));
      // A column of the parameter sets may name many numbers (domains.*.incidence_per_year): it varies.
      if (std::find(varying.begin(), varying.end(), k) != varying.end()) continue;
      require_parameter(study, k, "--evppi-group");
      if (std::find(varying.begin(), varying.end(), k) == varying.end())
        throw option_error("--evppi-group",
                           fmt::format("'{}' does not vary between draws (it is a plain number in every "
                                       "scenario): the value of learning it is 0; give parameters with a "
                                       "distribution or a column of the parameter sets",
                                       k));
    }
  }
}

SensitivityResult analyse_sensitivity(const Study& study, const StudyResult& result,
                                      const SensitivityOptions& o, const SensitivityProgress& progress,
                                      const std::atomic<bool>* stop) {
  check_sensitivity_options(study, o);
  // The base case: "interrupted after 5 of 5 replications", not "1 of 1 draws" (outside attack 10).
  Counter counter(progress, stop,
                  study.draws > 0 ? study.draw_ids().size() : static_cast<std::size_t>(study.replications),
                  study.draws > 0 ? "draws" : "replications");
  SensitivityResult out;
  for (const DecisionGroup& g : result.evaluation.groups) {
    DecisionSensitivity ds;
    ds.comparator = g.comparator;
    ds.options = g.options;
    ds.names = g.names;
    ds.willingness_to_pay = g.willingness_to_pay;
    ds.households = g.households;
    bool coaches = false;
    for (std::size_t i : g.options) coaches = coaches || result.summaries[i].shape.coaches;
    ds.outcomes = standard_outcomes(result.summaries[g.comparator].shape, coaches);
    value_of_information(study, g, o, ds);
    virtual_evaluation(study, result, g, o, ds);
    if (o.simulate) simulated(study, result, g, o, counter, ds);
    out.decisions.push_back(std::move(ds));
  }
  return out;
}

SweepResult run_sweep(const Study& study, const std::string& parameter, double from, double to, int steps,
                      const SensitivityProgress& progress, const std::atomic<bool>* stop) {
  if (study.scenarios.empty() || study.scenarios.front().comparator < 0)
    throw option_error("sweep", "the scenario names no comparator: a planning curve compares it with one");
  if (steps < 2 || steps > 200) throw option_error("--steps", fmt::format("2 to 200 steps, got {}", steps));
  require_parameter(study, parameter, "--parameter");
  const auto c = static_cast<std::size_t>(study.scenarios.front().comparator);
  Counter counter(progress, stop, 1);
  DecisionSimulator sim(study, {c, 0}, study.replications, {}, counter);
  for (double v : {from, to}) {
    bool ok = false;
    const ScenarioParameter* given = nullptr;
    for (std::size_t j = 0; j < 2; ++j)
      if (const ScenarioParameter* p = sim.scenario(j).source.parameter(parameter)) {
        given = p;
        ok = ok || (v >= p->setter.lo && v <= p->setter.hi);
      }
    // The range named: "-1 is outside the range of coaches.fte" left the user to guess it (outside attack
    // 39).
    if (!ok)
      throw option_error("--from/--to",
                         fmt::format("{} is outside the range of {}{}", v, parameter,
                                     given ? fmt::format(", which must be {}",
                                                         loader::range_of(given->setter).describe(true))
                                           : ""));
  }
  SweepResult out;
  out.scenario = study.scenarios.front().scenario.name;
  out.comparator = study.scenarios[c].scenario.name;
  out.parameter = parameter;
  out.replications = study.replications;
  const ScenarioShape shape = shape_of(study.scenarios[c].scenario);
  out.outcomes = standard_outcomes(shape, study.scenarios.front().scenario.coaches.enabled);
  for (Outcome& o : capacity_outcomes(shape_of(study.scenarios.front().scenario)))
    out.outcomes.push_back(std::move(o));
  out.willingness_to_pay = study.scenarios[c].scenario.economics.willingness_to_pay;
  const DecisionFigures figures(shape, study.scenarios[c].scenario.economics);
  const Simulate simulate = [&](const std::vector<Setting>& s) { return sim.simulate(s); };
  out.points = sweep(1, parameter, grid_of(sim, parameter, from, to, steps, "--from/--to", &out.grid_note),
                     out.outcomes, figures, simulate);
  return out;
}

ParameterRange parse_parameter_range(const std::string& text, const std::string& option) {
  ParameterRange p;
  const std::size_t eq = text.find('=');
  p.key = text.substr(0, eq);
  if (p.key.empty()) throw option_error(option, fmt::format("expected KEY or KEY=FROM:TO, got '{}'", text));
  if (eq == std::string::npos) return p;
  const std::string range = text.substr(eq + 1);
  const std::size_t colon = range.find(':');
  if (colon == std::string::npos)
    throw option_error(option, fmt::format("expected KEY=FROM:TO with FROM below TO, got '{}'", text));
  // Each end read as a scenario's number is, and refused in its words (1e400 beyond what a number holds, a
  // decimal comma): 'FROM below TO' was said of coaches.fte=1:1e400 too.
  auto end = [&](const std::string& s, const char* which) {
    double v = 0;
    if (loader::parse_double(s, v) && std::isfinite(v)) return v;
    loader::Node n;
    n.kind = loader::Node::Kind::Scalar;
    n.text = s;
    throw option_error(option, fmt::format("{} of '{}': {}", which, text, loader::not_a_number(n)));
  };
  const double a = end(range.substr(0, colon), "FROM"), b = end(range.substr(colon + 1), "TO");
  if (!(a < b))
    throw option_error(option, fmt::format("expected KEY=FROM:TO with FROM below TO, got '{}'", text));
  p.from = a;
  p.to = b;
  p.option = option;
  return p;
}

ThresholdRequest parse_threshold(const std::string& text) {
  const std::size_t comma = text.find(',');
  const std::string target = comma == std::string::npos ? "" : text.substr(comma + 1);
  const std::size_t eq = target.find('=');
  ThresholdRequest t;
  // A target that is there but not a finite number is said in a number's words (outside attack 12), as FROM
  // and TO are.
  if (comma != std::string::npos && eq != std::string::npos && eq > 0 &&
      !(loader::parse_double(target.substr(eq + 1), t.target) && std::isfinite(t.target))) {
    loader::Node n;
    n.kind = loader::Node::Kind::Scalar;
    n.text = target.substr(eq + 1);
    throw option_error("--threshold", fmt::format("TARGET of '{}': {}", text, loader::not_a_number(n)));
  }
  if (comma == std::string::npos || eq == std::string::npos || eq == 0)
    throw option_error(
        "--threshold",
        fmt::format("expected PARAMETER[=FROM:TO],OUTCOME=TARGET (e.g. coaches.fte=20:200,coach_wait=6), "
                    "got '{}'",
                    text));
  t.parameter = parse_parameter_range(text.substr(0, comma), "--threshold");
  t.outcome = target.substr(0, eq);
  return t;
}

}  // namespace wijksim
