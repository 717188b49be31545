#include "wijksim/analysis/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace wijksim {

const char* to_string(Fit f) {
  switch (f) {
    case Fit::Inside:
      return "inside";
    case Fit::Outside:
      return "outside";
    case Fit::NotModelled:
      return "not in the model";
    case Fit::AfterTheRun:
      return "after the run's end";
    case Fit::Undefined:
      return "undefined in every run";
  }
  return "";
}

const char* fit_words(Fit f, TargetBound bound) {
  if (f == Fit::Inside && bound == TargetBound::Upper) return "at or below the bound";
  if (f == Fit::Inside && bound == TargetBound::Lower) return "at or above the bound";
  return to_string(f);
}

Fit fit_of(double mean, const CalibrationTarget& t) {
  const bool inside = t.bound == TargetBound::Upper   ? mean <= t.hi
                      : t.bound == TargetBound::Lower ? mean >= t.lo
                                                      : mean >= t.lo && mean <= t.hi;
  return inside ? Fit::Inside : Fit::Outside;
}

std::vector<CalibrationRow> calibrate(const ScenarioSummary& s) {
  std::vector<CalibrationRow> rows;
  for (std::size_t i = 0; i < s.shape.targets.size(); ++i) {
    const CalibrationTarget& t = s.shape.targets[i];
    CalibrationRow r;
    r.target = &t;
    r.model = i < s.stats.targets.size() ? s.stats.targets[i] : Stat{};
    const int at = t.parsed.at;
    if (at > 0 && at != TargetMeasure::kEnd && at > s.shape.years)
      r.fit = Fit::AfterTheRun;
    else if (t.parsed.kind == TargetMeasure::Kind::None)
      r.fit = Fit::NotModelled;
    else if (std::isnan(r.model.mean))
      r.fit = Fit::Undefined;
    else
      r.fit = fit_of(r.model.mean, t);
    rows.push_back(r);
  }
  return rows;
}

double target_log_likelihood(std::span<const CalibrationTarget> targets, std::span<const double> model_mean,
                             std::span<const double> model_se) {
  WIJKSIM_CHECK(model_mean.size() == targets.size() && model_se.size() == targets.size(),
                "{} targets, {} model figures, {} standard errors", targets.size(), model_mean.size(),
                model_se.size());
  double ll = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const CalibrationTarget& t = targets[i];
    if (t.parsed.kind == TargetMeasure::Kind::None) continue;
    if (std::isnan(model_mean[i])) return -std::numeric_limits<double>::infinity();
    const double width = (t.hi - t.lo) / 3.92;  // a normal 95% interval is 2 x 1.96 sd wide
    const double se = std::isnan(model_se[i]) ? 0 : model_se[i];
    const double var = width * width + se * se;
    // A bound is a one-sided figure: the model's figure on its right side is as likely as the bound itself.
    double miss = model_mean[i] - t.value;
    if (t.bound == TargetBound::Upper) miss = std::max(0.0, miss);
    if (t.bound == TargetBound::Lower) miss = std::min(0.0, miss);
    const double z2 = miss * miss / var;
    ll += -0.5 * (z2 + std::log(2 * std::numbers::pi * var));
  }
  return ll;
}

}  // namespace wijksim
