#include "wijksim/study/study.h"

#include <fmt/format.h>

#include <oneapi/tbb/collaborative_call_once.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_invoke.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <optional>

#include "wijksim/core/test_hooks.h"
#include "wijksim/core/units.h"
#include "wijksim/scenario/diagnostics.h"

using wijksim::loader::count_text;
#include "wijksim/model/run_size.h"
#include "wijksim/simulation/simulation.h"

namespace wijksim {
namespace {

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

}  // namespace

namespace {

// Numbers a run keeps per scenario, draw and replication until the study ends (its summary figures).
double figures_per_run(const Scenario& s) {
  Measures<double> m = sized_measures(shape_of(s));
  const Measures<double> copy = m;
  double n = 0;
  zip(m, copy, [&](double&, const double&) { ++n; });
  return n;
}

// Refuses what cannot finish, before anything is allocated: more than a week of one core, or more memory
// than the machine has. Both count every run of the study (draws x replications x scenarios), not only its
// household-weeks: each run also writes its rows to the store (its weeks, its agencies' weeks, its costs)
// and keeps its figures until the end, which for many runs of a tiny population is all the work there is.
void check_size(const Study& study) {
  const double draws = std::max(1, study.draws);
  const double runs_per_scenario = draws * study.replications;
  double core_seconds = 0, memory = draws * kBytesPerDraw, rows = 0;
  for (const StudyScenario& s : study.scenarios) {
    const Scenario& sc = s.scenario;
    core_seconds +=
        estimate_run(sc.population.households, study.years, sc.simulation.warmup_years, runs_per_scenario)
            .core_seconds;
    const double weeks = static_cast<double>(study.years) * kWeeksPerYear + 1;
    const double run_rows = weeks * (1.0 + static_cast<double>(sc.agencies.size())) +
                            study.years * static_cast<double>(sc.payers.size()) * kCostCategories + 1;
    rows += runs_per_scenario * run_rows;
    memory += runs_per_scenario * (figures_per_run(sc) * kBytesPerFigureKept + kBytesPerRun) +
              estimate_run(sc.population.households, study.years, 0, 1).memory_bytes;
  }
  core_seconds += rows * kSecondsPerStoredRow;
  constexpr double kMaxCoreSeconds = 7 * 24 * 3600.0;
  const double machine = machine_memory_bytes();
  const std::string what = fmt::format(
      "{} draw{} x {} replication{} of {} scenario{} ({} runs, {} rows of results)", count_text(draws),
      draws == 1 ? "" : "s", count_text(study.replications), study.replications == 1 ? "" : "s",
      study.scenarios.size(), study.scenarios.size() == 1 ? "" : "s",
      count_text(runs_per_scenario * static_cast<double>(study.scenarios.size())), count_text(rows));
  std::vector<std::string> why;
  if (core_seconds > kMaxCoreSeconds)
    why.push_back(
        fmt::format("would take about {} of one core (at {:.0e} household-weeks and {:.0e} rows of "
                    "results a second); the limit is {}",
                    format_duration(core_seconds), kHouseholdWeeksPerCoreSecond, 1 / kSecondsPerStoredRow,
                    format_duration(kMaxCoreSeconds)));
  if (machine > 0 && memory > machine)
    why.push_back(fmt::format("would keep about {} in memory; this machine has {}", format_bytes(memory),
                              format_bytes(machine)));
  if (why.empty()) return;
  std::string all;
  for (const std::string& w : why) all += (all.empty() ? "" : ", and ") + w;
  throw InputError({{Location{study.scenarios.front().scenario.file, 0, 0}, "--draws/--replications",
                     fmt::format("{} {}. Use fewer draws or replications.", what, all)}});
}

}  // namespace

Study plan_study(const std::vector<std::string>& paths, const StudyOverrides& overrides,
                 bool with_comparators) {
  Study study;
  std::map<std::string, int> index_of;  // canonical path -> index in study.scenarios
  std::vector<Diagnostic> problems;
  auto add = [&](const std::string& path, bool named) -> int {
    const std::string key = canonical(path);
    if (auto it = index_of.find(key); it != index_of.end()) {
      study.scenarios[static_cast<std::size_t>(it->second)].named |= named;
      return it->second;
    }
    try {
      ScenarioSource src = ScenarioSource::load(path);
      Scenario base = src.base();
      study.scenarios.push_back({std::move(src), std::move(base), -1, named});
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
      return -1;
    }
    const int i = static_cast<int>(study.scenarios.size()) - 1;
    index_of[key] = i;
    return i;
  };
  for (const std::string& p : paths) {
    add(p, true);
    test_hooks::while_loading();
  }
  if (with_comparators) {
    const std::size_t named = study.scenarios.size();
    for (std::size_t i = 0; i < named; ++i) {
      const std::string comparator = study.scenarios[i].scenario.comparator;
      if (comparator.empty()) continue;
      const int c = add(comparator, false);
      study.scenarios[i].comparator = c;
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  if (study.scenarios.empty()) throw Error("no scenarios given");

  const Simulation& first = study.scenarios.front().scenario.simulation;
  study.seed = overrides.seed.value_or(first.seed);
  // A probabilistic sensitivity analysis runs one replication per parameter draw unless told otherwise:
  // the draws then carry both the parameter and the households' uncertainty (the usual outer loop of a
  // PSA of a microsimulation; O'Hagan, Stevenson & Madan 2007).
  study.replications =
      overrides.replications.value_or(overrides.draws.value_or(0) > 0 ? 1 : first.replications);
  study.years = overrides.years.value_or(first.years);
  study.first_replication = overrides.first_replication.value_or(0);
  study.draws = overrides.draws.value_or(0);
  // Replication numbers are stored as 32-bit signed integers: the last must fit.
  if (static_cast<std::uint64_t>(study.first_replication) + static_cast<std::uint64_t>(study.replications) -
          1 >
      static_cast<std::uint64_t>(kMaxReplicationNumber))
    throw InputError(
        {{Location{}, "--first-replication",
          fmt::format("replications {} to {} go past the last replication number, {}",
                      count_text(study.first_replication),
                      count_text(static_cast<double>(study.first_replication) + study.replications - 1),
                      count_text(kMaxReplicationNumber))}});
  check_size(study);
  for (const StudyScenario& s : study.scenarios)  // --years may give a scenario more years than its own
    if (auto p = s.source.cost_overflow(study.years)) throw InputError({std::move(*p)});
  for (StudyScenario& s : study.scenarios) {
    s.scenario.simulation.seed = study.seed;
    s.scenario.simulation.replications = study.replications;
    s.scenario.simulation.years = study.years;
  }
  check_shared_warmups(study);
  return study;
}

namespace {

// The diagnostic when scenario i and its comparator, as run in draw d, do not share their warm-up.
std::optional<Diagnostic> warmup_problem(const Study& study, std::size_t i, std::uint32_t d,
                                         const Scenario& si, const Scenario& sc) {
  const std::string why = warmup_difference(si, sc);
  if (why.empty()) return std::nullopt;
  return Diagnostic{
      study.scenarios[i].source.comparator_location(), "comparator",
      fmt::format("the comparator '{}' does not share this scenario's warm-up{}: {}. An intervention and its "
                  "comparator start the policy from one warm-up (common random numbers), so their difference "
                  "at the policy start is zero; change only coach settings and costs in the intervention, or "
                  "give both the same baseline{}",
                  sc.name, d == 0 ? "" : fmt::format(" in parameter draw {}", d), why,
                  d == 0 ? "" : " distributions")};
}

}  // namespace

void check_shared_warmups(const Study& study, std::uint32_t first_draw, std::uint32_t draws) {
  std::vector<Diagnostic> problems;
  const std::uint64_t n = study.draws <= 0 ? 1 : static_cast<std::uint64_t>(study.draws);
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const int c = study.scenarios[i].comparator;
    if (c < 0) continue;
    const auto comparator = static_cast<std::size_t>(c);
    const bool uncertain = !study.scenarios[i].source.uncertain().empty() ||
                           !study.scenarios[comparator].source.uncertain().empty();
    for (std::uint64_t k = first_draw; k < n && k < std::uint64_t{first_draw} + draws; ++k) {
      const auto d = static_cast<std::uint32_t>(study.draws <= 0 ? 0 : k + 1);
      if (d != 0 && !uncertain) break;  // every draw is then the base case
      if (auto p = warmup_problem(study, i, d, study.scenario_in_draw(i, d),
                                  study.scenario_in_draw(comparator, d))) {
        problems.push_back(std::move(*p));
        break;
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

std::vector<std::uint32_t> Study::draw_ids() const {
  if (draws <= 0) return {0};
  std::vector<std::uint32_t> ids;
  for (int d = 1; d <= draws; ++d) ids.push_back(static_cast<std::uint32_t>(d));
  return ids;
}

Scenario Study::scenario_in_draw(std::size_t index, std::uint32_t draw) const {
  const StudyScenario& s = scenarios[index];
  if (draw == 0) return s.scenario;
  Scenario out = s.source.for_draw(seed, draw);
  out.simulation = s.scenario.simulation;
  return out;
}

namespace {

// What one unit of a study produced, on its way from the parallel stage to the ordered one. A unit is a
// parameter draw with all its replications, or in the base case (no draws) one replication: each unit is
// kept (written to the store) as it completes, so an interrupted base case keeps its finished replications.
struct UnitOutput {
  std::uint32_t draw = 0;
  std::uint32_t first_slot = 0, slots = 0;      // replication slots first_slot .. first_slot + slots - 1
  bool done_before = false;                     // completed in an earlier, interrupted run (resume)
  std::vector<std::vector<RunResult>> results;  // [scenario][slot - first_slot], kept only for the sink
  std::vector<std::vector<RunMeasures>> measures;
};

// The decisions of a study: each comparator with the named scenarios compared with it, in the order they
// were named.
std::vector<DecisionInput> decisions(const Study& study, const StudyResult& result) {
  std::vector<DecisionInput> out;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const int c = study.scenarios[i].comparator;
    if (c < 0 || !study.scenarios[i].named) continue;
    const auto comparator = static_cast<std::size_t>(c);
    DecisionInput* d = nullptr;
    for (DecisionInput& x : out)
      if (x.comparator == comparator) d = &x;
    auto add = [&](DecisionInput& x, std::size_t k) {
      const Scenario& s = study.scenarios[k].scenario;
      x.options.push_back(k);
      x.names.push_back(s.name);
      x.summaries.push_back(&result.summaries[k]);
      x.utilities.push_back(!s.economics.utility_by_problems.empty());
    };
    if (!d) {
      d = &out.emplace_back();
      d->comparator = comparator;
      d->economics = study.scenarios[comparator].scenario.economics;
      d->draws = study.draw_ids().size();
      add(*d, comparator);
    }
    add(*d, i);
  }
  return out;
}

}  // namespace

namespace {

// Warm-ups: scenarios with the same population and baseline share theirs (simulation.h). When a group's
// baseline is also the same in every parameter draw (only costs or coach settings are uncertain), its warm-up
// per replication is simulated once for the whole study and every draw continues from a copy. Each is
// simulated when first needed (collaboratively: a thread that needs one being made helps make it), so a base
// case simulates replication r's warm-up only when it comes to replication r, and stops promptly.
class SharedWarmups {
 public:
  SharedWarmups(const Study& study, const std::vector<std::uint32_t>& sample_draws)
      : study_(study), leader_(study.scenarios.size()), cached_(study.scenarios.size(), false) {
    const std::size_t n = study.scenarios.size();
    for (std::size_t i = 0; i < n; ++i) {
      leader_[i] = i;
      for (std::size_t j = 0; j < i; ++j)
        if (leader_[j] == j && shares_warmup(study.scenarios[j].scenario, study.scenarios[i].scenario)) {
          leader_[i] = j;
          break;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (leader_[i] != i) continue;
      bool same = true;
      for (std::size_t k = 0; k < n && same; ++k) {
        if (leader_[k] != i) continue;
        for (std::size_t d = 0; d < sample_draws.size() && same; ++d)
          same = sample_draws[d] == 0 ||
                 shares_warmup(study.scenarios[i].scenario, study.scenario_in_draw(k, sample_draws[d]));
      }
      cached_[i] = same;
    }
    models_.resize(n);
    warmed_.resize(n);
    once_.resize(n);
    const auto reps = static_cast<std::size_t>(study.replications);
    for (std::size_t i = 0; i < n; ++i)
      if (leader_[i] == i && cached_[i]) {
        models_[i] = std::make_unique<Model>(study.scenarios[i].scenario);
        warmed_[i].resize(reps);
        for (std::size_t r = 0; r < reps; ++r)
          once_[i].push_back(std::make_unique<tbb::collaborative_once_flag>());
      }
  }

  // Whether scenario i continues from the study's warm-ups (else each draw simulates its own).
  bool cached(std::size_t i) const { return cached_[leader_[i]]; }
  const WarmedUp& warmed(std::size_t i, std::uint32_t slot) {
    const std::size_t l = leader_[i];
    tbb::collaborative_call_once(*once_[l][slot], [&] {
      warmed_[l][slot] =
          std::make_unique<WarmedUp>(*models_[l], study_.seed, study_.first_replication + slot);
    });
    return *warmed_[l][slot];
  }

 private:
  const Study& study_;
  std::vector<std::size_t> leader_;
  std::vector<bool> cached_;
  std::vector<std::unique_ptr<Model>> models_;
  std::vector<std::vector<std::unique_ptr<WarmedUp>>> warmed_;
  std::vector<std::vector<std::unique_ptr<tbb::collaborative_once_flag>>> once_;
};

class StudyRunner {
 public:
  StudyRunner(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw)
      : study_(study),
        n_(study.scenarios.size()),
        reps_(static_cast<std::uint32_t>(study.replications)),
        units_(study.draws > 0 ? static_cast<std::uint32_t>(study.draws) : reps_),
        on_progress_(on_progress),
        on_draw_(on_draw),
        warmups_(study, study.draw_ids()) {
    for (const StudyScenario& s : study.scenarios) shapes_.push_back(shape_of(s.scenario));
  }

  StudyResult run(const CompletedRuns* completed, const std::atomic<bool>* stop);

 private:
  void finished_runs(std::size_t count) {
    const std::size_t done = runs_done_.fetch_add(count) + count;
    if (on_progress_) on_progress_(done, n_ * reps_ * std::max(1, study_.draws));
  }
  // Unit k: draw k + 1 with every replication, or (the base case) replication slot k of draw 0.
  void start_unit(std::uint32_t k, UnitOutput& out) const {
    const bool base = study_.draws <= 0;
    out.draw = base ? 0 : k + 1;
    out.first_slot = base ? k : 0;
    out.slots = base ? 1 : reps_;
  }
  void simulate_unit(UnitOutput& out);

  const Study& study_;
  const std::size_t n_;
  const std::uint32_t reps_;
  const std::uint32_t units_;
  const Progress::Callback& on_progress_;
  const DrawSink& on_draw_;
  std::vector<ScenarioShape> shapes_;
  SharedWarmups warmups_;
  std::atomic<std::size_t> runs_done_{0};
};

// Every run of one unit, in parallel: from the study's warm-ups where there are any, else each group's
// warm-up for this draw.
void StudyRunner::simulate_unit(UnitOutput& out) {
  const std::uint32_t draw = out.draw;
  std::vector<Scenario> scenarios;
  for (std::size_t i = 0; i < n_; ++i) scenarios.push_back(study_.scenario_in_draw(i, draw));
  // plan_study checked the first draws; a later draw whose pair does not share its warm-up is refused here.
  for (std::size_t i = 0; i < n_; ++i)
    if (const int c = study_.scenarios[i].comparator; c >= 0)
      if (auto p = warmup_problem(study_, i, draw, scenarios[i], scenarios[static_cast<std::size_t>(c)]))
        throw InputError({std::move(*p)});
  if (draw != 0)
    for (std::size_t i = 0; i < n_; ++i)
      if (auto p = study_.scenarios[i].source.cost_overflow(scenarios[i], draw, study_.years))
        throw InputError({std::move(*p)});
  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < n_; ++i) models.push_back(std::make_unique<Model>(scenarios[i]));
  out.results.assign(n_, std::vector<RunResult>(out.slots));
  out.measures.assign(n_, std::vector<RunMeasures>(out.slots));
  // `k`: the run's place in this unit (its replication slot is first_slot + k).
  auto take = [&](std::size_t j, std::size_t k, RunResult&& r) {
    out.measures[j][k] = measure_run(shapes_[j], scenarios[j], r);
    if (on_draw_) out.results[j][k] = std::move(r);
    finished_runs(1);
  };
  std::vector<Job> jobs;
  std::vector<std::size_t> job_scenario;
  for (std::size_t i = 0; i < n_; ++i)
    if (!warmups_.cached(i)) {
      jobs.push_back({models[i].get(),
                      RunPlan{study_.seed, draw, study_.first_replication + out.first_slot, out.slots}});
      job_scenario.push_back(i);
    }
  std::vector<std::pair<std::size_t, std::uint32_t>> from_cache;
  for (std::size_t i = 0; i < n_; ++i)
    if (warmups_.cached(i))
      for (std::uint32_t k = 0; k < out.slots; ++k) from_cache.emplace_back(i, k);
  tbb::parallel_invoke(
      [&] {
        tbb::parallel_for(std::size_t{0}, from_cache.size(), [&](std::size_t x) {
          const auto [i, k] = from_cache[x];
          const std::uint32_t slot = out.first_slot + k;
          try {
            take(i, k, warmups_.warmed(i, slot).policy(*models[i], draw));
          } catch (const std::bad_alloc&) {
            throw;                             // the machine's memory, not this run (as in for_each_run)
          } catch (const std::exception& e) {  // named like a failure of for_each_run
            throw RunFailure(i, RunRequest{study_.seed, draw, study_.first_replication + slot}, e.what(),
                             dynamic_cast<const InternalError*>(&e) != nullptr);
          }
        });
      },
      [&] {
        if (jobs.empty()) return;
        try {
          for_each_run(jobs, [&](std::size_t j, std::size_t slot, RunResult&& r) {
            take(job_scenario[j], slot, std::move(r));
          });
        } catch (const RunFailure& f) {  // its job is an index into `jobs`: name the scenario
          throw RunFailure(job_scenario[f.job()], f.request(), f.reason(), f.internal());
        }
      });
}

StudyResult StudyRunner::run(const CompletedRuns* completed, const std::atomic<bool>* stop) {
  std::vector<std::vector<RunMeasures>> runs(n_);
  // Units in parallel (several in flight at once), each unit's runs in parallel too; results are taken in
  // unit order, so the sink writes units in order and the summaries do not depend on the thread count.
  // The outputs of the units in flight live here, not in the pipeline's tokens: should a stage throw (a full
  // disk), the pipeline drops the tokens in flight without destroying them, and this vector frees them. A
  // unit's token starts only when at most in_flight - 1 others live, and tokens end in unit order, so unit k
  // may reuse the place of unit k - in_flight.
  const std::size_t in_flight = 2 * static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  std::vector<UnitOutput> outputs(std::min<std::size_t>(in_flight, units_));
  std::uint32_t next = 0, units_done = 0;
  bool stopped = false;
  auto start = [&](tbb::flow_control& fc) -> UnitOutput* {
    if (next == units_) {
      fc.stop();
      return nullptr;
    }
    UnitOutput* out = &outputs[next % outputs.size()];
    *out = UnitOutput{};
    start_unit(next++, *out);
    if (completed) {
      bool all = true;
      std::vector<std::vector<RunMeasures>> before(n_);
      for (std::uint32_t k = 0; k < out->slots && all; ++k) {
        const auto it = completed->find({out->draw, study_.first_replication + out->first_slot + k});
        all = it != completed->end();
        if (all)
          for (std::size_t i = 0; i < n_; ++i) before[i].push_back(it->second.at(i));
      }
      if (all) {
        out->done_before = true;
        out->measures = std::move(before);
        return out;
      }
    }
    if (stop && stop->load()) {
      stopped = true;
      fc.stop();
      return nullptr;
    }
    return out;
  };
  auto simulate = [&](UnitOutput* out) {
    if (!out->done_before) simulate_unit(*out);
    return out;
  };
  auto keep = [&](UnitOutput* out) {
    if (out->done_before) {
      finished_runs(n_ * out->slots);
    } else if (on_draw_) {
      on_draw_(out->draw, out->results, out->measures);
    }
    for (std::size_t i = 0; i < n_; ++i)
      for (RunMeasures& m : out->measures.at(i)) runs[i].push_back(std::move(m));
    *out = UnitOutput{};  // its memory back now: only the units in flight hold results
    ++units_done;
  };
  tbb::parallel_pipeline(
      in_flight, tbb::make_filter<void, UnitOutput*>(tbb::filter_mode::serial_in_order, start) &
                     tbb::make_filter<UnitOutput*, UnitOutput*>(tbb::filter_mode::parallel, simulate) &
                     tbb::make_filter<UnitOutput*, void>(tbb::filter_mode::serial_in_order, keep));
  if (stopped) throw Interrupted(units_done, units_, study_.draws > 0 ? "draws" : "replications");

  StudyResult out;
  for (std::size_t i = 0; i < n_; ++i)
    out.summaries.push_back(summarise(study_.scenarios[i].scenario, std::move(runs[i])));
  for (std::size_t i = 0; i < n_; ++i) {
    const int c = study_.scenarios[i].comparator;
    if (c >= 0)
      out.comparisons.push_back(compare(out.summaries[i], out.summaries[static_cast<std::size_t>(c)]));
  }
  out.evaluation = evaluate(decisions(study_, out));
  return out;
}

}  // namespace

StudyResult run_study(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw,
                      const CompletedRuns* completed, const std::atomic<bool>* stop) {
  return StudyRunner(study, on_progress, on_draw).run(completed, stop);
}

}  // namespace wijksim
