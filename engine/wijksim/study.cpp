#include "wijksim/study.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "wijksim/economic_evaluation.h"
#include "wijksim/report_tables.h"

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

StudyResult run_study(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw,
                      const CompletedDraws* completed, const std::atomic<bool>* stop) {
  const std::size_t n = study.scenarios.size();
  const auto reps = static_cast<std::uint32_t>(study.replications);
  const std::vector<std::uint32_t> draws = study.draw_ids();
  std::vector<ScenarioShape> shapes;
  for (const StudyScenario& s : study.scenarios) shapes.push_back(shape_of(s.scenario));
  std::vector<std::vector<RunMeasures>> runs(n);
  const std::size_t total = n * reps * draws.size();
  std::size_t done_before = 0;

  std::size_t draws_done = 0;
  for (const std::uint32_t draw : draws) {
    if (completed) {
      if (auto it = completed->find(draw); it != completed->end()) {
        for (std::size_t i = 0; i < n; ++i)
          for (const RunMeasures& m : it->second.at(i)) runs[i].push_back(m);
        done_before += n * reps;
        ++draws_done;
        continue;
      }
    }
    if (stop && stop->load()) throw Interrupted(draws_done, draws.size());
    // A draw at a time: its models, then all its runs in parallel. Memory stays at one draw's runs.
    std::vector<Scenario> scenarios;
    std::vector<Model> models;
    models.reserve(n);
    for (std::size_t i = 0; i < n; ++i) scenarios.push_back(study.scenario_in_draw(i, draw));
    for (std::size_t i = 0; i < n; ++i) models.emplace_back(scenarios[i]);
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < n; ++i)
      jobs.push_back({&models[i], RunPlan{study.seed, draw, study.first_replication, reps}});
    std::vector<std::vector<RunResult>> results(n, std::vector<RunResult>(reps));
    std::vector<std::vector<RunMeasures>> measured(n, std::vector<RunMeasures>(reps));
    Progress progress([&](std::size_t done, std::size_t) {
      if (on_progress) on_progress(done_before + done, total);
    });
    for_each_run(
        jobs,
        [&](std::size_t j, std::size_t slot, RunResult&& r) {
          measured[j][slot] = measure_run(shapes[j], scenarios[j], r);
          if (on_draw) results[j][slot] = std::move(r);
        },
        &progress);
    done_before += n * reps;
    if (on_draw) on_draw(draw, results, measured);
    for (std::size_t i = 0; i < n; ++i)
      for (RunMeasures& m : measured[i]) runs[i].push_back(std::move(m));
    ++draws_done;
  }

  StudyResult out;
  for (std::size_t i = 0; i < n; ++i)
    out.summaries.push_back(summarise(study.scenarios[i].scenario, std::move(runs[i])));
  for (std::size_t i = 0; i < n; ++i) {
    const int c = study.scenarios[i].comparator;
    if (c >= 0)
      out.comparisons.push_back(compare(out.summaries[i], out.summaries[static_cast<std::size_t>(c)]));
  }
  return out;
}

Report study_report(const std::string& command, const Study& study, const StudyResult& result) {
  Report r;
  r.command = command;
  r.version = WIJKSIM_VERSION;
  for (const StudyScenario& s : study.scenarios) {
    ScenarioRef ref;
    ref.name = s.scenario.name;
    ref.file = s.scenario.file;
    ref.hash = s.source.hash();
    ref.comparator =
        s.comparator >= 0 ? study.scenarios[static_cast<std::size_t>(s.comparator)].scenario.file : "";
    ref.seed = study.seed;
    ref.first_replication = study.first_replication;
    ref.replications = static_cast<std::uint32_t>(study.replications);
    ref.years = study.years;
    r.scenarios.push_back(std::move(ref));
  }
  std::vector<bool> shown(study.scenarios.size(), false);
  auto show = [&](std::size_t i) {
    if (shown[i]) return;
    shown[i] = true;
    for (Table& t : scenario_tables(result.summaries[i])) r.tables.push_back(std::move(t));
  };
  std::size_t comparison = 0;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    if (!study.scenarios[i].named) continue;
    show(i);
    const int c = study.scenarios[i].comparator;
    if (c < 0) continue;
    show(static_cast<std::size_t>(c));
    for (Table& t : comparison_tables(result.comparisons[comparison++])) r.tables.push_back(std::move(t));
  }
  if (comparison > 0)
    for (Table& t : evaluate(study, result).tables) r.tables.push_back(std::move(t));
  return r;
}

}  // namespace wijksim
