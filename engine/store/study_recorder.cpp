#include "wijksim/store/study_recorder.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>

#include "wijksim/analysis/economic_evaluation.h"
#include "wijksim/core/output_path.h"
#include "wijksim/core/test_hooks.h"
#include "wijksim/store/scenario_record.h"

namespace wijksim {

std::vector<StoredScenario> stored_scenarios(const Study& study) {
  std::vector<StoredScenario> out;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const StudyScenario& s = study.scenarios[i];
    StoredScenario st = scenario_record(s.scenario, s.source);
    st.index = static_cast<int>(i);
    st.role = s.comparator >= 0 ? "intervention" : (s.named ? "scenario" : "comparator");
    st.comparator = s.comparator;
    st.sets_hash = s.source.sets_hash();
    st.targets_hash = s.source.targets_hash();
    out.push_back(std::move(st));
  }
  return out;
}

namespace {

const char* status_word(ThresholdStatus s) {
  switch (s) {
    case ThresholdStatus::Found:
      return "found";
    case ThresholdStatus::NotCrossed:
      return "not crossed";
    case ThresholdStatus::Undefined:
      return "undefined";
  }
  return "undefined";
}

// The sensitivity analyses as the store's rows (scenario indices of the study).
StoredSensitivity stored_sensitivity(const SensitivityResult& s) {
  StoredSensitivity st;
  for (const DecisionSensitivity& d : s.decisions) {
    const int c = static_cast<int>(d.comparator);
    for (const Tornado& t : d.tornados)
      for (std::size_t b = 0; b < t.bars.size(); ++b)
        for (std::size_t k = 0; k < d.outcomes.size(); ++k) {
          const TornadoBar& bar = t.bars[b];
          st.one_way.push_back({c, static_cast<int>(d.options[t.option]), bar.parameter,
                                d.outcomes[k].label.key, static_cast<int>(b), bar.low_value, bar.high_value,
                                bar.low.at(k), t.base.at(k), bar.high.at(k)});
        }
    if (d.two_way)
      for (const TwoWayCell& cell : d.two_way->cells)
        for (std::size_t o = 1; o < d.options.size(); ++o)
          st.two_way.push_back({c, d.two_way->x_parameter, d.two_way->y_parameter, cell.x, cell.y,
                                static_cast<int>(d.options[o]), cell.inmb[o], cell.delta_cost[o],
                                static_cast<int>(d.options[cell.preferred])});
    for (const Threshold& t : d.thresholds) {
      int crossed = 0;
      for (double x : t.per_replication) crossed += !std::isnan(x);
      st.thresholds.push_back({c, static_cast<int>(d.options[t.spec.option]), t.spec.parameter,
                               t.spec.outcome, t.spec.target, t.spec.from, t.spec.to, t.value,
                               t.over_replications.lo, t.over_replications.hi, t.crossings, crossed,
                               static_cast<int>(t.per_replication.size()), status_word(t.status)});
    }
    static const char* const kinds[] = {"parameter", "section", "group", "all"};
    for (const EvppiRow& r : d.evppi) {
      std::string params;
      for (const std::string& p : r.parameters) params += (params.empty() ? "" : ",") + p;
      st.evppi.push_back({c, r.name, kinds[static_cast<int>(r.kind)], params, d.willingness_to_pay,
                          r.estimate.value, r.estimate.se,
                          r.estimate.r_squared.empty() ? kNaN : r.estimate.r_squared.front()});
    }
    for (const SurveyRow& r : d.survey) {
      const VirtualStudyResult& v = r.result;
      st.virtual_evaluation.push_back({c, static_cast<int>(d.options[r.option]), r.measure.key,
                                       d.survey_design.sample, v.studies, v.true_effect, v.mean_estimate,
                                       v.lo, v.hi, v.power, v.power_right_sign, v.analytic_power});
    }
  }
  return st;
}

}  // namespace

// "1 draw", "3 draws".
static std::string counted(std::int64_t n, const std::string& what) {
  return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

StudyRecorder::StudyRecorder(const Study& study, const RecordOptions& o)
    : RunWriter(o.store, o.resume.has_value()), study_(study) {
  const std::vector<StoredScenario> scenarios = stored_scenarios(study);
  if (o.resume) {
    take_over(*o.resume);  // one live writer per run
    // Its own rows as it began (a seed changed by hand mixed two studies in one run; outside attack 54).
    store_.check_identity(run_id_);
    const RunInfo info = store_.run(run_id_);  // as it is now that nobody else writes it
    // Refused as every other command refuses it: tables without the status that goes with them, or a
    // complete run whose rows show would refuse (outside attack 55: resumed, where `runs`, `show`, `report`
    // and `export` called it damaged).
    store_.refuse_damaged(info);
    if (info.status == "complete") store_.check_shown(run_id_);
    const std::vector<StoredScenario> before = store_.scenarios(run_id_);
    std::vector<std::string> differences;
    // A run of another command (a calibration, a `run` resumed by `compare`): its stored results are not
    // this command's, and resuming would write them under its number.
    const bool other_command = info.command != o.command;
    if (other_command)
      differences.push_back(
          fmt::format("it was started by `wijksim {}`, not `wijksim {}`", info.command, o.command));
    else if (info.status == "complete")
      differences.push_back("it is complete already (`wijksim show` prints it)");
    if (other_command) {
      // How its scenarios differ says nothing more.
    } else if (before.size() != scenarios.size()) {
      differences.push_back(
          fmt::format("it has {}, this command {}", counted(before.size(), "scenario"), scenarios.size()));
    } else {
      for (std::size_t i = 0; i < before.size(); ++i) {
        if (before[i].hash == scenarios[i].hash) continue;
        // Another scenario altogether (and with it, often, another comparator), by its name or its file:
        // said as such, not as files that "changed since", which they did not (outside attack 65; a review:
        // a scenario of the same name in another file).
        if (before[i].name != scenarios[i].name || !same_file(before[i].file, scenarios[i].file)) {
          differences.push_back(fmt::format("its scenario {} is '{}' ({}), this command's '{}' ({})", i + 1,
                                            before[i].name, before[i].file, scenarios[i].name,
                                            scenarios[i].file));
          continue;
        }
        // The same scenario text: the parameter sets it draws from or the targets it is compared with
        // changed (the hash covers both).
        const Scenario& now = study.scenarios[i].scenario;
        std::vector<std::string>
            files;  // which changed (outside attack 14: it said "the sets or the targets")
        if (!now.parameter_sets_file.empty() && before[i].sets_hash != scenarios[i].sets_hash)
          files.push_back("parameter sets " + now.parameter_sets_file);
        if (!now.targets_file.empty() && before[i].targets_hash != scenarios[i].targets_hash)
          files.push_back("calibration targets " + now.targets_file);
        if (before[i].resolved_yaml == scenarios[i].resolved_yaml && !files.empty())
          // Changed since, or given otherwise: --parameter-sets names a file for every scenario, and a resume
          // without it takes the scenarios' own (that was said as a file "changed since"; outside attack 10).
          differences.push_back(
              fmt::format("the {} of scenario '{}' are not the run's ({})",
                          files.size() == 1 ? files[0] : files[0] + " and the " + files[1], before[i].name,
                          files[0].starts_with("parameter sets")
                              ? "changed since, or --parameter-sets given otherwise than when it started"
                              : "changed since"));
        else
          differences.push_back(
              fmt::format("scenario '{}' ({}) has changed since", before[i].name, before[i].file));
      }
    }
    if (info.seed != study.seed) differences.push_back(fmt::format("its seed is {}", info.seed));
    // Its analyses (a run stored before they were kept has none to compare).
    const auto analyses = store_.settings(run_id_, kRunSettings);
    if (!other_command && !analyses.empty() && analyses != o.analyses) {
      std::map<std::string, std::string> now(o.analyses.begin(), o.analyses.end());
      std::string which;
      for (const auto& [option, value] : analyses)
        if (now[option] != value)
          which += fmt::format("{}{} {} (this command: {})", which.empty() ? "" : ", ", option, value,
                               now[option].empty() ? std::string("none") : now[option]);
      differences.push_back("it asked for other analyses: " + which);
    }
    if (info.replications != study.replications)
      differences.push_back("it has " + counted(info.replications, "replication"));
    if (info.first_replication != static_cast<int>(study.first_replication))
      differences.push_back(fmt::format("its first replication is {}", info.first_replication));
    if (info.years != study.years) differences.push_back("it has " + counted(info.years, "policy year"));
    if (info.draws != study.draws)
      differences.push_back(info.draws == 0 ? std::string("it has no parameter draws (the base case)")
                                            : "it has " + counted(info.draws, "draw"));
    if (!differences.empty()) {
      std::string why;
      for (const std::string& d : differences) why += (why.empty() ? "" : "; ") + d;
      throw InputError({{Location{o.store, 0, 0}, "--resume",
                         fmt::format("run {} cannot be resumed by this command: {}. It was started as: `{}`",
                                     run_id_, why, info.command_line)}});
    }
    for (const StoredScenario& b : before) stored_files_.push_back(b.file);
    std::vector<ScenarioShape> shapes;
    for (const StudyScenario& s : study.scenarios) shapes.push_back(shape_of(s.scenario));
    // Only whole units count: a parameter draw with every replication of every scenario, or in the base
    // case one replication of every scenario. A unit is written in one transaction, so a partial one cannot
    // occur, but a store edited by hand is not trusted.
    for (auto& [draw, per_scenario] : store_.completed(run_id_, shapes)) {
      // replication -> [scenario]
      std::map<std::uint32_t, std::vector<std::optional<RunMeasures>>> by_replication;
      for (std::size_t i = 0; i < per_scenario.size(); ++i)
        for (RunMeasures& m : per_scenario[i]) {
          auto& row = by_replication[m.replication];
          row.resize(per_scenario.size());
          row[i] = std::move(m);
        }
      CompletedRuns whole;
      for (auto& [replication, row] : by_replication) {
        std::vector<RunMeasures> all;
        for (auto& m : row)
          if (m) all.push_back(std::move(*m));
        if (all.size() == study.scenarios.size()) whole.emplace(std::pair{draw, replication}, std::move(all));
      }
      if (study.draws > 0 && whole.size() != static_cast<std::size_t>(study.replications)) continue;
      completed_.merge(whole);
    }
    std::set<std::pair<std::uint32_t, std::uint32_t>> kept;
    for (const auto& [unit, runs] : completed_) kept.insert(unit);
    const RunStore::DiscardedUnits discarded =
        store_.discard_partial_units(run_id_, static_cast<int>(scenarios.size()), kept);
    // Units whose rows another table lacks are not whole after all: simulated again with the rest; units
    // that are not the run's are not taken at all.
    std::erase_if(completed_, [&](const auto& entry) {
      return discarded.partial.contains(entry.first) || discarded.foreign.contains(entry.first);
    });
    // "draw 5", "draws 5, 7", "replication 3": the units by what a unit is.
    const auto named = [&](const std::set<std::pair<std::uint32_t, std::uint32_t>>& units) {
      std::set<std::uint32_t> numbers;
      for (const auto& [draw, replication] : units) numbers.insert(study.draws > 0 ? draw : replication);
      if (numbers.empty()) return std::string();
      return fmt::format("{} {}",
                         study.draws > 0 ? (numbers.size() == 1 ? "draw" : "draws")
                                         : (numbers.size() == 1 ? "replication" : "replications"),
                         fmt::join(numbers, ", "));
    };
    discarded_ = named(discarded.partial);
    // Not the run's: by both numbers, either of which may be the one it does not have (a base case's "draw
    // 99" was said as its replication 0, which it has).
    std::vector<std::string> foreign;
    for (const auto& [draw, replication] : discarded.foreign)
      foreign.push_back(fmt::format("draw {} replication {}", draw, replication));
    not_the_runs_ = fmt::format("{}", fmt::join(foreign, ", "));
    resuming();
    return;
  }
  RunInfo info;
  info.version = WIJKSIM_VERSION;
  info.seed = study.seed;
  info.command = o.command;
  info.command_line = o.command_line;
  info.replications = study.replications;
  info.first_replication = static_cast<int>(study.first_replication);
  info.years = study.years;
  info.draws = study.draws;
  const Scenario& first = study.scenarios.front().scenario;
  run_id_ = store_.begin_run(info, scenarios, payer_labels(first), agency_labels(first), &lock_, nullptr,
                             o.analyses);
}

DrawSink StudyRecorder::sink() {
  return
      [this](std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
             const std::vector<std::vector<RunMeasures>>& measures) { write_draw(draw, results, measures); };
}

void StudyRecorder::write_draw(std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                               const std::vector<std::vector<RunMeasures>>& measures) {
  std::vector<std::vector<std::pair<std::string, double>>> parameters;
  std::vector<StoredRun> runs;
  for (std::size_t i = 0; i < study_.scenarios.size(); ++i) {
    const StudyScenario& s = study_.scenarios[i];
    parameters.push_back(draw == 0 ? std::vector<std::pair<std::string, double>>{}
                                   : s.source.sampled_values(study_.seed, draw));
    const Coaches& c = s.scenario.coaches;
    std::vector<std::string> events;
    for (const Domain& d : s.scenario.domains) events.push_back(d.escalation_event);
    for (std::size_t r = 0; r < results[i].size(); ++r)
      runs.push_back({static_cast<int>(i), results[i][r].replication, &results[i][r], &measures[i][r],
                      c.enabled ? c.fte : 0.0, events});
  }
  store_.write_draw(run_id_, draw, parameters, runs);
}

void StudyRecorder::complete(const StudyResult& result,
                             const std::vector<std::pair<std::string, std::string>>& reports,
                             const SensitivityResult* sensitivity) {
  // Without analyses, none: rows put in those tables by hand while the run was interrupted were sealed as its
  // own (outside attack 54).
  store_.write_sensitivity(run_id_, sensitivity ? stored_sensitivity(*sensitivity) : StoredSensitivity{});
  std::vector<StoredEvaluation> points;
  {
    const EconomicEvaluation& ev = result.evaluation;
    const std::vector<std::uint32_t> draws = study_.draw_ids();
    for (const DecisionGroup& g : ev.groups)
      for (std::size_t o = 0; o < g.options.size(); ++o)
        for (std::size_t d = 0; d < draws.size(); ++d) {
          StoredEvaluation p;
          p.comparator = static_cast<int>(g.comparator);
          p.option = static_cast<int>(g.options[o]);
          p.draw = draws[d];
          p.cost = g.cost[d][o];
          p.effect = g.effect[d][o];
          points.push_back(p);
          for (std::size_t r = 0; r < g.run_cost[o][d].size(); ++r) {
            p.replication = static_cast<int>(study_.first_replication + r);
            p.cost = g.run_cost[o][d][r];
            p.effect = g.run_effect[o][d][r];
            points.push_back(p);
          }
        }
  }
  store_.complete_run(run_id_, points, reports);
  test_hooks::after_completing_run();
  settled();
}

}  // namespace wijksim
