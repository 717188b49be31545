// The model next to the public figures it should reproduce: each calibration target of a scenario (the
// seeds' survey of Velve-Lindenhof, national and city statistics; model/targets.h) with its interval, the
// model's figure over runs, and whether the model lies inside.
#pragma once

#include <span>
#include <vector>

#include "wijksim/analysis/summary.h"
#include "wijksim/core/statistics.h"

namespace wijksim {

// AfterTheRun: the target is at the end of a policy year the run did not reach (`at: year 2`, `-y 1`).
// Undefined: the model has the measure, but no run gave a figure (a wait where nobody was admitted in any
// run); it was said "not in the model", which an advisor reads as a statement of what the model covers.
enum class Fit { Inside, Outside, NotModelled, AfterTheRun, Undefined };
const char* to_string(Fit f);  // "inside", "outside", "not in the model", "after the run's end",
                               // "undefined in every run"
// The fit of a target in words: a bound is met by any figure on its side, said as such ("at or below the
// bound"), not as lying inside an interval.
const char* fit_words(Fit f, TargetBound bound);
// Inside or outside for a model figure `mean`: within [lo, hi], or for a bound on its side of it, whatever
// the interval's other end (which sets only how soft the bound is, 19.2): a ceiling of [0.5, 0.9] judged
// 7,6% "outside", a miss, where the likelihood took it as met (outside attack 63).
Fit fit_of(double mean, const CalibrationTarget& t);
// Whether a verdict comes with a model figure: not for a measure the model does not show, a target after the
// run's end, or a figure no run gave ("-" in its place).
inline bool has_model_figure(Fit f) {
  return f != Fit::NotModelled && f != Fit::AfterTheRun && f != Fit::Undefined;
}

struct CalibrationRow {
  const CalibrationTarget* target = nullptr;  // into the summary's shape
  Stat model;                                 // the model's figure over runs
  Fit fit = Fit::NotModelled;                 // inside: the model's mean lies in the target's interval
};

std::vector<CalibrationRow> calibrate(const ScenarioSummary& s);

// How close a candidate's figures are to the targets, as calibration weighs them (docs/model.md,
// "Calibration"): the sum over the targets the model represents (measure not `none`) of
// log N(model mean; target value, s), s^2 = ((hi - lo) / 3.92)^2 + se^2: the target's interval read as a
// normal 95% interval, widened by the Monte Carlo standard error of the model's mean (NaN: not known, one
// replication, counted as 0). -infinity when a represented figure is NaN (the candidate cannot show it).
// `model_mean` and `model_se` are parallel to `targets`.
double target_log_likelihood(std::span<const CalibrationTarget> targets, std::span<const double> model_mean,
                             std::span<const double> model_se);

}  // namespace wijksim
