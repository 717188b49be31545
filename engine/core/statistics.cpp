#include "wijksim/core/statistics.h"

#include <fmt/format.h>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "wijksim/core/error.h"

namespace wijksim {
namespace {

void require_finite(double v, const char* what) {
  if (!std::isfinite(v)) throw Error(fmt::format("{} is not a finite number: {}", what, v));
}

}  // namespace

double t_quantile(int df, double p) {
  if (df < 1 || !(p > 0 && p < 1)) return kNaN;
  return boost::math::quantile(boost::math::students_t(df), p);
}

Interval clopper_pearson_95(long long k, long long n) {
  using boost::math::binomial_distribution;
  const auto trials = static_cast<double>(n), successes = static_cast<double>(k);
  return {k == 0 ? 0.0 : binomial_distribution<>::find_lower_bound_on_p(trials, successes, 0.025),
          k == n ? 1.0 : binomial_distribution<>::find_upper_bound_on_p(trials, successes, 0.025)};
}

double t_quantile_975(int df) {
  // Every summary of every figure asks for it: the usual degrees of freedom are tabulated once.
  constexpr int kTabulated = 200;
  static const std::array<double, kTabulated + 1> table = [] {
    std::array<double, kTabulated + 1> t{};
    for (int d = 0; d <= kTabulated; ++d) t[static_cast<std::size_t>(d)] = t_quantile(d, 0.975);
    return t;
  }();
  return df >= 0 && df <= kTabulated ? table[static_cast<std::size_t>(df)] : t_quantile(df, 0.975);
}

Stat describe(std::span<const double> values) {
  Stat s;
  double sum = 0, low = kNaN, high = kNaN;
  for (double x : values)
    if (!std::isnan(x)) {
      sum += x;
      low = s.n == 0 ? x : std::min(low, x);
      high = s.n == 0 ? x : std::max(high, x);
      ++s.n;
    }
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  // The same value in every run: that value, with no spread, exactly. The sum of n copies of x over n can
  // miss x by an ulp, and the deviations from that mean gave a fund's bill of EUR 4,080,000 in every run an
  // sd of 5.2e-10 beside "(same in all runs)" (an independent check: a CSV reader testing sd == 0 disagreed).
  if (low == high) {
    s.mean = low + 0.0;  // + 0.0: never "-0" (every run -0 summed to +0 before)
    s.sd = s.se = 0;
    s.lo = s.hi = s.mean;
    return s;
  }
  double ss = 0;
  for (double x : values)
    if (!std::isnan(x)) ss += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(ss / (s.n - 1));
  s.se = s.sd / std::sqrt(static_cast<double>(s.n));
  const double half = t_quantile_975(s.n - 1) * s.se;
  s.lo = s.mean - half;
  s.hi = s.mean + half;
  return s;
}

double quantile(std::vector<double> values, double p) {
  if (values.empty()) throw Error("quantile of no values");
  if (!(p >= 0 && p <= 1)) throw Error(fmt::format("quantile: probability must lie in [0, 1], got {}", p));
  for (double v : values) require_finite(v, "a value to take a quantile of");
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values.back();
  return values[lo] + (h - static_cast<double>(lo)) * (values[lo + 1] - values[lo]);
}

Interval percentile_interval(const std::vector<double>& values, double lower_p, double upper_p) {
  if (!(lower_p <= upper_p)) {
    throw Error(fmt::format("percentile interval: lower {} must not exceed upper {}", lower_p, upper_p));
  }
  return {quantile(values, lower_p), quantile(values, upper_p)};
}

double mean(const std::vector<double>& values) {
  if (values.empty()) throw Error("mean of no values");
  // Equal values: that value (n copies of x summed and divided by n can miss x by an ulp; describe, sd).
  if (std::adjacent_find(values.begin(), values.end(), std::not_equal_to<>()) == values.end())
    return values[0] + 0.0;  // never -0
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double sd(const std::vector<double>& values) {
  if (values.size() < 2) return kNaN;
  // Equal values spread by nothing: their mean may round an ulp off them, which left a standard deviation of
  // 1e-17 (a calibration's posterior sd printed 0,000000 beside 0; outside attack 14).
  if (std::adjacent_find(values.begin(), values.end(), std::not_equal_to<>()) == values.end()) return 0;
  const double m = mean(values);
  double ss = 0.0;  // two passes: no cancellation as in sum(x^2) - n m^2
  for (double v : values) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(values.size() - 1));
}

double mc_standard_error(const std::vector<double>& values) {
  return sd(values) / std::sqrt(static_cast<double>(values.size()));
}

Interval survey_interval(double p, double n) {
  constexpr double z = 1.96;
  if (p <= 0) return {0, z * z / (n + z * z)};
  if (p >= 1) return {n / (n + z * z), 1};
  const double half = z * std::sqrt(p * (1 - p) / n);
  return {std::max(0.0, p - half), std::min(1.0, p + half)};
}

}  // namespace wijksim
