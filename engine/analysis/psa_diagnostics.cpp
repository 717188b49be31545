#include "wijksim/analysis/psa_diagnostics.h"

#include <cmath>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/statistics.h"

namespace wijksim {

std::vector<BenefitPoint> expected_incremental_benefit(const DrawMatrix& costs, const DrawMatrix& effects,
                                                       std::size_t option, std::size_t reference,
                                                       const std::vector<double>& wtp) {
  std::vector<BenefitPoint> out;
  if (costs.empty()) return out;
  for (double w : wtp) {
    std::vector<double> b;
    for (std::size_t d = 0; d < costs.size(); ++d)
      b.push_back(incremental_nmb(costs[d].at(option) - costs[d].at(reference),
                                  effects[d].at(option) - effects[d].at(reference), w));
    const Interval i = spread_of_draws(b);
    out.push_back({w, mean(b), i.lower, i.upper, b.size()});
  }
  return out;
}

std::vector<RunningPoint> running_mean(const std::vector<double>& values, std::size_t points) {
  std::vector<RunningPoint> out;
  const std::size_t n = values.size();
  if (n == 0 || points == 0) return out;
  // The n at which a point is shown: every n up to `points` draws; beyond, n = 1 and round(j n / points) for
  // j = 2 .. points, half away from zero, in whole numbers (a double j * (n / points) puts 15 x 82 / 20 =
  // 61.5 a hair below the half and shows 61; docs/model.md 14.5 says 62).
  auto shown_at = [&](std::size_t j) {
    return n <= points ? j : j == 1 ? 1 : (2 * j * n + points) / (2 * points);
  };
  // Welford's running mean and variance (numerically stable).
  double m = 0, m2 = 0;
  std::size_t j = 1;
  for (std::size_t i = 0; i < n; ++i) {
    const double delta = values[i] - m;
    m += delta / static_cast<double>(i + 1);
    m2 += delta * (values[i] - m);
    if (i + 1 == shown_at(j)) {
      const double var = i > 0 ? m2 / static_cast<double>(i) : kNaN;
      out.push_back({i + 1, m, std::sqrt(var / static_cast<double>(i + 1))});
      ++j;
    }
  }
  return out;
}

}  // namespace wijksim
