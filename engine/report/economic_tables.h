// The economic evaluation (analysis/economic_evaluation.h) as tables a policy advisor reads: per decision,
// cost-effectiveness, the efficiency frontier (with more than one intervention), acceptability with the
// value of information, and per intervention the budget impact per payer and year and who pays, who saves.
#pragma once

#include <vector>

#include "wijksim/analysis/economic_evaluation.h"
#include "wijksim/report/table.h"

namespace wijksim {

inline constexpr const char* kEffectUnit = "problem-free household-year";

std::vector<Table> economic_tables(const EconomicEvaluation& ev);

}  // namespace wijksim
