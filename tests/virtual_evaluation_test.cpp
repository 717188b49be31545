// The virtual evaluation (analysis/virtual_evaluation.h): its sampling against the hypergeometric
// distribution's moments, and its power against the analytic power of a comparison of proportions (normal
// approximation), worked out here from the formula, not from the code.
#include <boost/math/distributions/hypergeometric.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "wijksim/analysis/virtual_evaluation.h"

using namespace wijksim;

namespace {

double phi_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Two-sided power of a z test of a difference `effect` whose estimate has variance `var`.
double power_of(double effect, double var) {
  const double r = std::fabs(effect) / std::sqrt(var);
  return phi_cdf(r - 1.959963984540054) + phi_cdf(-r - 1.959963984540054);
}

SurveyCounts everyone(std::int64_t households, double share) {
  return {households, households,
          static_cast<std::int64_t>(std::llround(share * static_cast<double>(households)))};
}

}  // namespace

TEST_CASE("A survey sample is hypergeometric: its mean and variance", "[virtual]") {
  // 168 of 2,800 households, 1,372 (49%) with a problem: mean 168 x 0.49 = 82.32, variance
  // 168 x 0.49 x 0.51 x (2800 - 168) / (2800 - 1) = 39.4781. The uniforms on an even grid of 100,000 points
  // integrate the distribution.
  const auto moments = [](std::int64_t population, std::int64_t marked, std::int64_t n) {
    const int grid = 100000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < grid; ++i) {
      const auto k = static_cast<double>(hypergeometric(population, marked, n, (i + 0.5) / grid));
      sum += k;
      sum2 += k * k;
    }
    return std::pair{sum / grid, sum2 / grid - (sum / grid) * (sum / grid)};
  };
  const auto [mean, var] = moments(2800, 1372, 168);
  CHECK(mean == Approx(82.32).margin(0.01));
  CHECK(var == Approx(168 * 0.49 * 0.51 * 2632.0 / 2799.0).margin(0.05));
  // A large sample, whose first term P(0) = C(1400, 0) C(1400, 1000) / C(2800, 1000) is about 1e-300 and
  // below: every draw was 1,000 ("every household positive"). Mean 1000 x 0.5 = 500, variance
  // 1000 x 0.5 x 0.5 x 1800 / 2799 = 160.77; and each draw the first k whose distribution function reaches
  // u, that function from Boost.Math's hypergeometric distribution (not the code's own sum).
  const auto [big_mean, big_var] = moments(2800, 1400, 1000);
  CHECK(big_mean == Approx(500).margin(0.01));
  CHECK(big_var == Approx(1000 * 0.25 * 1800.0 / 2799.0).margin(0.1));
  const boost::math::hypergeometric_distribution<double> big(1400, 1000, 2800);
  for (const double u : {1e-9, 0.001, 0.2, 0.5, 0.77, 0.999, 1 - 1e-9}) {
    const std::int64_t k = hypergeometric(2800, 1400, 1000, u);
    INFO("u = " << u << ": k = " << k);
    CHECK(boost::math::cdf(big, static_cast<unsigned>(k)) >= u * (1 - 1e-12));
    CHECK(boost::math::cdf(big, static_cast<unsigned>(k - 1)) < u);
  }
  // The ends: all marked, none marked, a sample of everyone.
  CHECK(hypergeometric(100, 100, 10, 0.5) == 10);
  CHECK(hypergeometric(100, 0, 10, 0.5) == 0);
  CHECK(hypergeometric(100, 37, 100, 0.1) == 37);
}

TEST_CASE("Power of an after-only comparison equals the analytic power of two proportions", "[virtual]") {
  // 168 households in each of two large neighbourhoods (a million households: no finite-population
  // correction to speak of) with 49% and 39% with a problem: se = sqrt(.49 x .51 / 168 + .39 x .61 / 168) =
  // 0.053885, power = Phi(0.10 / 0.053885 - 1.96) + Phi(-0.10 / 0.053885 - 1.96) = 0.4585.
  const double expected = power_of(0.10, 0.49 * 0.51 / 168 + 0.39 * 0.61 / 168);
  CHECK(expected == Approx(0.4585).margin(0.001));
  VirtualStudyPair pair;
  pair.pilot.after = everyone(1000000, 0.49);
  pair.pilot.before = everyone(1000000, 0.49);
  pair.control.after = everyone(1000000, 0.39);
  pair.control.before = everyone(1000000, 0.39);
  pair.true_effect = 0.10;
  pair.seed = 11;
  VirtualStudyDesign d;
  d.difference_in_differences = false;
  d.studies = 20000;
  const VirtualStudyResult r = simulate_virtual_study({pair}, d, 0);
  CHECK(r.studies == 20000);
  // Monte Carlo error sqrt(.46 x .54 / 20000) = 0.0035; the z test's estimated variances add a little.
  CHECK(r.power == Approx(expected).margin(0.02));
  CHECK(r.analytic_power == Approx(expected).margin(0.001));
  CHECK(r.mean_estimate == Approx(0.10).margin(0.003));
}

TEST_CASE("Power of the difference in differences equals its analytic power", "[virtual]") {
  // Pilot 49% -> 40%, control 49% -> 48%, each wave a fresh sample of 168 from 2,800 households: the estimate
  // -0.09 - (-0.01) = -0.08 has variance sum p(1 - p) / 168 x (2800 - 168) / 2799 over the four samples.
  const double f = 2632.0 / 2799.0;
  const double var = (0.49 * 0.51 + 0.40 * 0.60 + 0.49 * 0.51 + 0.48 * 0.52) / 168 * f;
  const double expected = power_of(0.08, var);
  VirtualStudyPair pair;
  pair.pilot.before = everyone(2800, 0.49);
  pair.pilot.after = everyone(2800, 0.40);
  pair.control.before = everyone(2800, 0.49);
  pair.control.after = everyone(2800, 0.48);
  pair.true_effect = -0.08;
  pair.seed = 12;
  VirtualStudyDesign d;
  d.studies = 20000;
  const VirtualStudyResult r = simulate_virtual_study({pair}, d, 1);
  CHECK(r.power == Approx(expected).margin(0.02));
  CHECK(r.analytic_power == Approx(expected).margin(0.002));
  CHECK(r.mean_estimate == Approx(-0.08).margin(0.003));
  CHECK(r.lo < -0.08);
  CHECK(r.hi > -0.08);
  CHECK(r.power_right_sign <= r.power);
}
