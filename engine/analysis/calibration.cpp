#include "wijksim/analysis/calibration.h"

#include <cmath>

namespace wijksim {

Interval survey_interval(double p, int n) {
  const double half = 1.96 * std::sqrt(p * (1 - p) / n);
  return {p - half, p + half};
}

std::vector<CalibrationRow> calibrate(const ScenarioSummary& s) {
  std::vector<CalibrationRow> rows;
  for (const SurveyTarget& t : kBaselineSurvey) {
    CalibrationRow r{t, survey_interval(t.share, t.n), survey_figure(s.stats.initial, t.measure),
                     survey_figure(s.stats.start, t.measure)};
    r.initial_inside = r.survey.contains(r.initial.mean);
    r.start_inside = r.survey.contains(r.start.mean);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace wijksim
