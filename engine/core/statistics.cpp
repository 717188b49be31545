#include "wijksim/core/statistics.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "wijksim/core/error.h"

namespace wijksim {
namespace {

// Regularised incomplete beta I_x(a, b) by its continued fraction (modified Lentz; Numerical Recipes,
// 3rd ed., section 6.4), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it converges slowly.
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incomplete_beta(b, a, 1 - x);
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  constexpr double kTiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double f = d;
  for (int m = 1; m <= 300; ++m) {
    for (int step = 0; step < 2; ++step) {
      const double num = step == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                                   : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + num * d;
      if (std::fabs(d) < kTiny) d = kTiny;
      c = 1 + num / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      d = 1 / d;
      f *= c * d;
      if (step == 1 && std::fabs(c * d - 1) < 1e-15) return front * f / a;
    }
  }
  return front * f / a;
}

// Upper tail P(T > t) of Student's t with df degrees of freedom, t >= 0.
double t_upper_tail(double t, int df) {
  const double v = df;
  return 0.5 * incomplete_beta(v / 2, 0.5, v / (v + t * t));
}

double solve_t_975(int df) {
  double lo = 0, hi = 1e3;  // P(T > 1000) < 0.025 for every df >= 1
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (t_upper_tail(mid, df) > 0.025 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void require_finite(double v, const char* what) {
  if (!std::isfinite(v)) throw Error(fmt::format("{} is not a finite number: {}", what, v));
}

}  // namespace

double t_quantile_975(int df) {
  if (df < 1) return kNaN;
  constexpr int kTabulated = 200;
  static const std::array<double, kTabulated + 1> table = [] {
    std::array<double, kTabulated + 1> t{};
    t[0] = kNaN;
    for (int d = 1; d <= kTabulated; ++d) t[d] = solve_t_975(d);
    return t;
  }();
  return df <= kTabulated ? table[df] : solve_t_975(df);
}

Stat describe(std::span<const double> values) {
  Stat s;
  double sum = 0;
  for (double x : values)
    if (!std::isnan(x)) {
      sum += x;
      ++s.n;
    }
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
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
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double sd(const std::vector<double>& values) {
  if (values.size() < 2) return kNaN;
  const double m = mean(values);
  double ss = 0.0;  // two passes: no cancellation as in sum(x^2) - n m^2
  for (double v : values) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(values.size() - 1));
}

double mc_standard_error(const std::vector<double>& values) {
  return sd(values) / std::sqrt(static_cast<double>(values.size()));
}

}  // namespace wijksim
