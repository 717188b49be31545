// The model next to the public figures it should reproduce: each calibration target of a scenario (the
// seeds' survey of Velve-Lindenhof, national and city statistics; model/targets.h) with its interval, the
// model's figure over runs, and whether the model lies inside.
#pragma once

#include <vector>

#include "wijksim/analysis/summary.h"
#include "wijksim/core/statistics.h"

namespace wijksim {

// A survey share's sampling interval: p -/+ 1.96 * sqrt(p (1 - p) / n) (normal approximation).
Interval survey_interval(double p, int n);

enum class Fit { Inside, Outside, NotModelled };
const char* to_string(Fit f);  // "inside", "outside", "not in the model"

struct CalibrationRow {
  const CalibrationTarget* target = nullptr;  // into the summary's shape
  Stat model;                                 // the model's figure over runs
  Fit fit = Fit::NotModelled;                 // inside: the model's mean lies in the target's interval
};

std::vector<CalibrationRow> calibrate(const ScenarioSummary& s);

}  // namespace wijksim
