// The calibration table as README.md shows it: each calibration target of a scenario (its targets file,
// model/targets.h) next to the model's figure, in Markdown. `wijksim calibration SCENARIO` prints it, and
// tests/readme_calibration_test.sh checks that the README's table is exactly what the program prints (so the
// README can never claim figures the model does not give).
#pragma once

#include <string>
#include <vector>

#include "wijksim/analysis/calibration.h"

namespace wijksim {

// One Markdown row per target: the public figure with its interval, N (a survey's) or "-", the model's mean,
// and the verdict (inside, outside, not in the model, after the run's end, undefined in every run). Shares as
// percentages with one decimal, other figures with three significant digits (whole numbers from 1,000).
// `scenario`, `replications` and `years` name the model's runs in the header.
std::string calibration_markdown(const std::vector<CalibrationRow>& rows, const std::string& scenario,
                                 int replications, int years);

}  // namespace wijksim
