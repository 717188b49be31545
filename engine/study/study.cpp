#include "wijksim/study/study.h"

#include <fmt/format.h>

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_invoke.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <filesystem>
#include <map>
#include <memory>

#include "wijksim/core/units.h"
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
      if (overrides.parameter_sets) src = src.with_parameter_sets(*overrides.parameter_sets);
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
  for (const std::string& p : paths) add(p, true);
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
  // Refuse what cannot finish, before anything is allocated: a week of all cores is the limit.
  double core_seconds = 0;
  for (const StudyScenario& s : study.scenarios)
    core_seconds +=
        estimate_run(s.scenario.population.households, study.years, s.scenario.simulation.warmup_years,
                     static_cast<double>(study.replications) * std::max(1, study.draws))
            .core_seconds;
  constexpr double kMaxCoreSeconds = 7 * 24 * 3600.0;
  if (core_seconds > kMaxCoreSeconds)
    throw InputError(
        {{Location{study.scenarios.front().scenario.file, 0, 0}, "--draws/--replications",
          fmt::format("{} draws x {} replications of {} scenarios would take about {} of one core "
                      "(at {:.0e} household-weeks a second); the limit is {}. Use fewer draws or "
                      "replications.",
                      std::max(1, study.draws), study.replications, study.scenarios.size(),
                      format_duration(core_seconds), kHouseholdWeeksPerCoreSecond,
                      format_duration(kMaxCoreSeconds))}});
  for (StudyScenario& s : study.scenarios) {
    s.scenario.simulation.seed = study.seed;
    s.scenario.simulation.replications = study.replications;
    s.scenario.simulation.years = study.years;
  }
  // Every parameter set a draw takes must be a scenario the reader accepts: found now, before anything
  // runs (each set's scenario is read once and kept).
  for (const StudyScenario& s : study.scenarios) {
    if (!s.source.parameter_sets()) continue;
    try {
      for (std::uint32_t d : study.draw_ids())
        if (d > 0) s.source.for_draw(study.seed, d);
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return study;
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

// What one draw produced, on its way from the parallel stage to the ordered one.
struct DrawOutput {
  std::uint32_t draw = 0;
  bool done_before = false;                     // completed in an earlier, interrupted run (resume)
  std::vector<std::vector<RunResult>> results;  // [scenario][replication], kept only for the sink
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
// per replication is simulated once for the whole study and every draw continues from a copy.
class SharedWarmups {
 public:
  SharedWarmups(const Study& study, const std::vector<std::uint32_t>& draws)
      : leader_(study.scenarios.size()), cached_(study.scenarios.size(), false) {
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
        for (std::size_t d = 0; d < draws.size() && same; ++d)
          same = draws[d] == 0 ||
                 shares_warmup(study.scenarios[i].scenario, study.scenario_in_draw(k, draws[d]));
      }
      cached_[i] = same;
    }
    models_.resize(n);
    warmed_.resize(n);
    const auto reps = static_cast<std::uint32_t>(study.replications);
    std::vector<std::pair<std::size_t, std::uint32_t>> todo;  // (leader, replication slot)
    for (std::size_t i = 0; i < n; ++i)
      if (leader_[i] == i && cached_[i]) {
        models_[i] = std::make_unique<Model>(study.scenarios[i].scenario);
        warmed_[i].resize(reps);
        for (std::uint32_t r = 0; r < reps; ++r) todo.emplace_back(i, r);
      }
    tbb::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t k) {
      const auto [i, r] = todo[k];
      warmed_[i][r] = std::make_unique<WarmedUp>(*models_[i], study.seed, study.first_replication + r);
    });
  }

  // Whether scenario i continues from the study's warm-ups (else each draw simulates its own).
  bool cached(std::size_t i) const { return cached_[leader_[i]]; }
  const WarmedUp& warmed(std::size_t i, std::uint32_t slot) const { return *warmed_[leader_[i]][slot]; }

 private:
  std::vector<std::size_t> leader_;
  std::vector<bool> cached_;
  std::vector<std::unique_ptr<Model>> models_;
  std::vector<std::vector<std::unique_ptr<WarmedUp>>> warmed_;
};

class StudyRunner {
 public:
  StudyRunner(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw)
      : study_(study),
        n_(study.scenarios.size()),
        reps_(static_cast<std::uint32_t>(study.replications)),
        draws_(study.draw_ids()),
        on_progress_(on_progress),
        on_draw_(on_draw),
        warmups_(study, draws_) {
    for (const StudyScenario& s : study.scenarios) shapes_.push_back(shape_of(s.scenario));
  }

  StudyResult run(const CompletedDraws* completed, const std::atomic<bool>* stop);

 private:
  void finished_runs(std::size_t count) {
    const std::size_t done = runs_done_.fetch_add(count) + count;
    if (on_progress_) on_progress_(done, n_ * reps_ * draws_.size());
  }
  void simulate_draw(DrawOutput& out);

  const Study& study_;
  const std::size_t n_;
  const std::uint32_t reps_;
  const std::vector<std::uint32_t> draws_;
  const Progress::Callback& on_progress_;
  const DrawSink& on_draw_;
  std::vector<ScenarioShape> shapes_;
  SharedWarmups warmups_;
  std::atomic<std::size_t> runs_done_{0};
};

// Every run of one draw, in parallel: from the study's warm-ups where there are any, else each group's
// warm-up for this draw.
void StudyRunner::simulate_draw(DrawOutput& out) {
  const std::uint32_t draw = out.draw;
  std::vector<Scenario> scenarios;
  for (std::size_t i = 0; i < n_; ++i) scenarios.push_back(study_.scenario_in_draw(i, draw));
  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < n_; ++i) models.push_back(std::make_unique<Model>(scenarios[i]));
  out.results.assign(n_, std::vector<RunResult>(reps_));
  out.measures.assign(n_, std::vector<RunMeasures>(reps_));
  auto take = [&](std::size_t j, std::size_t slot, RunResult&& r) {
    out.measures[j][slot] = measure_run(shapes_[j], scenarios[j], r);
    if (on_draw_) out.results[j][slot] = std::move(r);
    finished_runs(1);
  };
  std::vector<Job> jobs;
  std::vector<std::size_t> job_scenario;
  for (std::size_t i = 0; i < n_; ++i)
    if (!warmups_.cached(i)) {
      jobs.push_back({models[i].get(), RunPlan{study_.seed, draw, study_.first_replication, reps_}});
      job_scenario.push_back(i);
    }
  std::vector<std::pair<std::size_t, std::uint32_t>> from_cache;
  for (std::size_t i = 0; i < n_; ++i)
    if (warmups_.cached(i))
      for (std::uint32_t r = 0; r < reps_; ++r) from_cache.emplace_back(i, r);
  tbb::parallel_invoke(
      [&] {
        tbb::parallel_for(std::size_t{0}, from_cache.size(), [&](std::size_t k) {
          const auto [i, r] = from_cache[k];
          try {
            take(i, r, warmups_.warmed(i, r).policy(*models[i], draw));
          } catch (const std::exception& e) {  // named like a failure of for_each_run
            throw RunFailure(i, RunRequest{study_.seed, draw, study_.first_replication + r}, e.what(),
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

StudyResult StudyRunner::run(const CompletedDraws* completed, const std::atomic<bool>* stop) {
  std::vector<std::vector<RunMeasures>> runs(n_);
  // Draws in parallel (several in flight at once), each draw's runs in parallel too; results are taken in
  // draw order, so the sink writes draws in order and the summaries do not depend on the thread count.
  // Each draw's output lives here, not in the pipeline's tokens: should a stage throw (a full disk), the
  // pipeline drops the tokens in flight without destroying them, and this vector frees them.
  std::vector<DrawOutput> outputs(draws_.size());
  std::size_t next = 0, draws_done = 0;
  bool stopped = false;
  const std::size_t in_flight = 2 * static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  auto start_draw = [&](tbb::flow_control& fc) -> DrawOutput* {
    if (next == draws_.size()) {
      fc.stop();
      return nullptr;
    }
    DrawOutput* out = &outputs[next];
    out->draw = draws_[next++];
    if (completed) {
      if (auto it = completed->find(out->draw); it != completed->end()) {
        out->done_before = true;
        out->measures = it->second;
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
  auto simulate = [&](DrawOutput* out) {
    if (!out->done_before) simulate_draw(*out);
    return out;
  };
  auto keep = [&](DrawOutput* out) {
    if (out->done_before) {
      finished_runs(n_ * reps_);
    } else if (on_draw_) {
      on_draw_(out->draw, out->results, out->measures);
    }
    for (std::size_t i = 0; i < n_; ++i)
      for (RunMeasures& m : out->measures.at(i)) runs[i].push_back(std::move(m));
    *out = DrawOutput{};  // its memory back now: only the draws in flight hold results
    ++draws_done;
  };
  tbb::parallel_pipeline(
      in_flight, tbb::make_filter<void, DrawOutput*>(tbb::filter_mode::serial_in_order, start_draw) &
                     tbb::make_filter<DrawOutput*, DrawOutput*>(tbb::filter_mode::parallel, simulate) &
                     tbb::make_filter<DrawOutput*, void>(tbb::filter_mode::serial_in_order, keep));
  if (stopped) throw Interrupted(draws_done, draws_.size());

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
                      const CompletedDraws* completed, const std::atomic<bool>* stop) {
  return StudyRunner(study, on_progress, on_draw).run(completed, stop);
}

}  // namespace wijksim
