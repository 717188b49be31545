// The report of a run or comparison: each named scenario's tables, then, for each scenario with a
// comparator, the comparator's tables (once) and the differences from it, then the economic evaluation, then
// (when given) the sensitivity analyses.
#pragma once

#include <string>
#include <vector>

#include "wijksim/report/table.h"
#include "wijksim/study/sensitivity_study.h"
#include "wijksim/study/study.h"

namespace wijksim {

Report study_report(const std::string& command, const Study& study, const StudyResult& result,
                    const SensitivityResult* sensitivity = nullptr);

// Each agency's wait written with the same decimals in a scenario's agencies table, its comparator's and
// their difference's (among the scenarios the report's comparisons join): the most any of them needs.
void same_decimals_for_waits(Report& report);

// The study's scenarios as a report names them (file, comparator, seed, replications, years).
std::vector<ScenarioRef> scenario_refs(const Study& study);

// Each scenario's file, and each comparator naming it, as `files` names them, in the report's order (size
// checked): a run resumed under another spelling of its files (./s/../s/pilot.yaml for s/pilot.yaml) keeps
// the names it began with, which its store holds; its report named the new spelling beside the comparator's
// old one.
void name_files_as(Report& report, const std::vector<std::string>& files);

}  // namespace wijksim
