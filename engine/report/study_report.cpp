#include "wijksim/report/study_report.h"

#include <fmt/format.h>

#include <map>

#include "wijksim/report/economic_tables.h"
#include "wijksim/report/headline.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/report/sensitivity_tables.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {

std::vector<ScenarioRef> scenario_refs(const Study& study) {
  std::vector<ScenarioRef> refs;
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
    ref.draws = static_cast<std::uint32_t>(study.draws);
    ref.years = study.years;
    if (const ParameterSets* sets = s.source.parameter_sets(); sets && study.draws > 0) {
      ref.sets_file = sets->path;
      ref.sets = static_cast<std::uint32_t>(sets->size());
      ref.set_parameters = static_cast<std::uint32_t>(sets->keys.size());
    }
    refs.push_back(std::move(ref));
  }
  return refs;
}

void name_files_as(Report& report, const std::vector<std::string>& files) {
  WIJKSIM_CHECK(files.size() == report.scenarios.size(), "a name for each scenario of the report");
  std::map<std::string, std::string> as_stored;
  for (std::size_t i = 0; i < files.size(); ++i) as_stored.emplace(report.scenarios[i].file, files[i]);
  for (ScenarioRef& s : report.scenarios) {
    s.file = as_stored.at(s.file);
    if (!s.comparator.empty()) s.comparator = as_stored.at(s.comparator);
  }
}

void same_decimals_for_waits(Report& report) {
  // An agency's wait is read across a scenario's table, its comparator's and their difference: written with
  // the same decimals in each (a baseline's 0,03 shown as 0,0 beside 0,01 and a difference of -0,02 read as
  // arithmetic gone wrong; a policy advisor's reading). Per agency, the most that any of them needs, among
  // the scenarios a comparison joins (the pilot's waits keep their own decimals beside the city's).
  std::map<std::string, std::string> joined;  // a scenario's name -> the first name of its group
  const auto group = [&](const std::string& name) {
    std::string g = name;
    while (joined.count(g) && joined[g] != g) g = joined[g];
    return g;
  };
  for (const Table& t : report.tables)
    if (t.id == "agencies_difference") {
      const std::string a = group(t.scenario), b = group(t.comparator);
      joined[a] = joined[b] = std::min(a, b);
    }
  std::map<std::pair<std::string, std::string>, std::vector<Cell*>> waits;
  for (Table& t : report.tables)
    if (t.id == "agencies" || t.id == "agencies_difference")
      for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (t.columns[c].key == "wait_weeks")
          for (Row& row : t.rows)
            if (c < row.cells.size()) waits[{group(t.scenario), row.key}].push_back(&row.cells[c]);
  for (auto& [agency, cells] : waits) text::same_decimals(cells);
}

Report study_report(const std::string& command, const Study& study, const StudyResult& result,
                    const SensitivityResult* sensitivity) {
  Report r;
  r.command = command;
  r.version = WIJKSIM_VERSION;
  if (study.draws > 0)
    r.interval = fmt::format(
        "95% interval of the mean over all {} runs ({} parameter draw{} x {} replication{}): mean +/- "
        "t(0,975; n-1) * sd / sqrt(n), on the log scale for a figure that cannot be negative (cut at 0 "
        "instead "
        "where the log scale would put its upper end more than e times the mean) and the logit scale for a "
        "share (the plain interval cut to 0-100% instead where the logit scale's half-width passes 1); {}{}",
        study.draws * study.replications, study.draws, study.draws == 1 ? "" : "s", study.replications,
        study.replications == 1 ? "" : "s", kDifferenceIntervals,
        // With one draw the economic evaluation's intervals are over its replications too (over_draws).
        study.draws == 1
            ? ""
            : "; but the economic evaluation's intervals, every figure of 'At a glance' and each payer's "
              "cash "
              "in 'Who pays, who saves?' are the 2,5 to 97,5 percentiles over the draws, from fewer than 40 "
              "the "
              "lowest to the highest draw (the spread of the outcome, not the interval of its mean that "
              "the budget tables give for the same figure: from many draws the spread is the wider, from a "
              "few the interval of the mean can be)");
  r.scenarios = scenario_refs(study);
  // First what the steering group asks: who pays, who gains capacity, who waits longer.
  for (Table& t : headline_tables(study, result)) r.tables.push_back(std::move(t));
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
    for (Table& t : economic_tables(result.evaluation)) r.tables.push_back(std::move(t));
  if (sensitivity)
    for (Table& t : sensitivity_tables(*sensitivity)) r.tables.push_back(std::move(t));
  same_decimals_for_waits(r);
  return r;
}

}  // namespace wijksim
