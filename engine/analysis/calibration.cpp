#include "wijksim/analysis/calibration.h"

#include <cmath>

namespace wijksim {

Interval survey_interval(double p, int n) {
  const double half = 1.96 * std::sqrt(p * (1 - p) / n);
  return {p - half, p + half};
}

const char* to_string(Fit f) {
  switch (f) {
    case Fit::Inside:
      return "inside";
    case Fit::Outside:
      return "outside";
    case Fit::NotModelled:
      return "not in the model";
  }
  return "";
}

std::vector<CalibrationRow> calibrate(const ScenarioSummary& s) {
  std::vector<CalibrationRow> rows;
  for (std::size_t i = 0; i < s.shape.targets.size(); ++i) {
    const CalibrationTarget& t = s.shape.targets[i];
    CalibrationRow r;
    r.target = &t;
    r.model = i < s.stats.targets.size() ? s.stats.targets[i] : Stat{};
    if (t.parsed.kind == TargetMeasure::Kind::None || std::isnan(r.model.mean))
      r.fit = Fit::NotModelled;
    else
      r.fit = r.model.mean >= t.lo && r.model.mean <= t.hi ? Fit::Inside : Fit::Outside;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace wijksim
