// The tables a policy advisor reads, built from the summaries (summary.h, calibration.h) as neutral
// tables (table.h): caseload pressure, agencies, budget per payer per year, households, household events,
// the calibration against the seeds' survey, and the differences from a comparator.
#pragma once

#include <string_view>
#include <vector>

#include "wijksim/analysis/summary.h"
#include "wijksim/report/table.h"

namespace wijksim {

Table caseload_table(const ScenarioSummary& s);
Table agencies_table(const ScenarioSummary& s);
Table budget_table(const ScenarioSummary& s);
Table households_table(const ScenarioSummary& s);
Table events_table(const ScenarioSummary& s);
// An escalation's event in words for the reader: "benefit inflow" for the scenario's benefit_inflow.
std::string event_words(const std::string& event);
Table calibration_table(const ScenarioSummary& s);
// The unit a calibration target's figures are shown in.
Unit target_unit(const CalibrationTarget& t);
// A target's public figure with its interval, named as given in its file or a survey share's sampling
// interval made from its n (interval_kind).
Cell target_cell(const CalibrationTarget& t, Unit u);

// All of a scenario's tables, in reading order (the caseload table only when it has coaches).
std::vector<Table> scenario_tables(const ScenarioSummary& s);

// The intervention minus its comparator, paired by replication: budget, agencies, households, events.
std::vector<Table> comparison_tables(const ComparisonSummary& c);

// The sentence that names figures summarised over fewer runs than the study's, `list` ("X: 5 of 8 runs; ..."),
// `undefined` saying why ("the wait being undefined in the others (nobody admitted)"); one wording for the
// text tables and the HTML page, which finds it in a stored note by kFewerRuns.
inline constexpr std::string_view kFewerRuns = "Over fewer runs, ";
// Adds that sentence to t's note for its cells summarised over fewer than `runs` runs (a value given once,
// a target or a norm, is not one). `of` names what the counts count: "runs", or "draws" for cells
// summarised over parameter draws, whose `undefined` then says where the figure was undefined.
void say_fewer_runs(Table& t, std::size_t runs, std::string_view of = "runs",
                    std::string_view undefined =
                        "the figure being undefined in the others (nobody admitted, "
                        "nobody waiting)");
std::string fewer_runs_sentence(const std::string& list, const std::string& undefined);

}  // namespace wijksim
