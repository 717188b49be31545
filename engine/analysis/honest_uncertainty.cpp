#include "wijksim/analysis/honest_uncertainty.h"

#include <algorithm>
#include <cmath>

namespace wijksim {

Interval spread_of_draws(const std::vector<double>& values) {
  if (values.empty()) return {kNaN, kNaN};
  if (static_cast<int>(values.size()) >= kPercentileDraws) return percentile_interval(values, 0.025, 0.975);
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return {*lo, *hi};
}

Stat spread_over_draws(const std::vector<std::vector<double>>& by_draw) {
  if (by_draw.size() == 1) return describe(by_draw[0]);
  std::vector<double> means;
  for (const std::vector<double>& replications : by_draw) {
    const Stat d = describe(replications);  // NaN left out
    if (d.n > 0) means.push_back(d.mean);
  }
  Stat s;
  if (means.empty()) return s;
  s.mean = mean(means);
  s.sd = sd(means);
  const Interval i = spread_of_draws(means);
  s.lo = i.lower;
  s.hi = i.upper;
  s.n = static_cast<int>(means.size());
  s.se = s.sd / std::sqrt(static_cast<double>(means.size()));
  return s;
}

Interval bounded_interval(double m, double se, double t, const Bounds& b, std::uint8_t* cut) {
  std::uint8_t ignored = 0;
  std::uint8_t& cut_ends = cut != nullptr ? *cut : ignored;
  cut_ends = 0;
  if (!std::isfinite(se) || !std::isfinite(t) || se <= 0) return {m, m};
  const bool below = std::isfinite(b.lo), above = std::isfinite(b.hi);
  if (below && above) {
    const double width = b.hi - b.lo;
    const double u = (m - b.lo) / width;
    if (u <= 0) return {b.lo, b.lo};  // every run at the bound: no spread left to show
    if (u >= 1) return {b.hi, b.hi};
    const double l = std::log(u / (1 - u));
    const double half = t * (se / width) / (u * (1 - u));
    // As on the log scale below: beyond a half-width of 1 logit the far end runs toward the other bound (two
    // runs at 99,7% and 100%, t = 12.7: "99,9% (0,2 to 100,0)"; an independent check): the plain interval
    // then, cut to the range.
    if (half > 1) {
      if (m - t * se < b.lo) cut_ends |= kCutLow;
      if (m + t * se > b.hi) cut_ends |= kCutHigh;
      return {std::max(b.lo, m - t * se), std::min(b.hi, m + t * se)};
    }
    const auto expit = [](double x) { return 1 / (1 + std::exp(-x)); };
    return {b.lo + width * expit(l - half), b.lo + width * expit(l + half)};
  }
  if (below || above) {
    // Mirror an upper bound into a lower one: log(hi - x).
    const double d = below ? m - b.lo : b.hi - m;
    if (d <= 0) return {m, m};
    const double half = t * se / d;
    // Beyond a half-width of 1 on the log scale its far end runs away exponentially (two replications, t =
    // 12.7, put a waiting list of 5 at 1.8 million in a population of 500; outside attack 18): the plain
    // interval then, cut at the bound (its near end lies beyond the bound whenever half > 1).
    if (half > 1) {
      cut_ends = below ? kCutLow : kCutHigh;
      return below ? Interval{b.lo, m + t * se} : Interval{m - t * se, b.hi};
    }
    const double near = d * std::exp(-half), far = d * std::exp(half);
    return below ? Interval{b.lo + near, b.lo + far} : Interval{b.hi - far, b.hi - near};
  }
  return {m - t * se, m + t * se};
}

void cut_to_range(Stat& s, const Bounds& range) {
  if (std::isnan(s.lo) || std::isnan(s.hi) || s.lo == s.hi) return;
  if (range.lo > s.lo) s.lo = std::min(range.lo, s.mean), s.cut |= kCutLow;
  if (range.hi < s.hi) s.hi = std::max(range.hi, s.mean), s.cut |= kCutHigh;
}

Stat describe_within(std::span<const double> values, const Bounds& bounds) {
  Stat s = describe(values);
  if (!bounds.bounded() || s.n < 2) return s;
  // A value outside the bounds means the bounds were wrong for this figure: no transformation then.
  for (double x : values)
    if (x < bounds.lo || x > bounds.hi) return s;
  const Interval i = bounded_interval(s.mean, s.se, t_quantile_975(s.n - 1), bounds, &s.cut);
  s.lo = i.lower;
  s.hi = i.upper;
  return s;
}

BreakEven break_even_of(std::span<const Stat> cumulative) {
  BreakEven b;
  for (int y = static_cast<int>(cumulative.size()) - 1;
       y >= 0 && cumulative[static_cast<std::size_t>(y)].hi < 0; --y)
    b.year = y;
  if (b.year >= 0)
    b.outlay = std::any_of(cumulative.begin(), cumulative.begin() + b.year,
                           [](const Stat& c) { return c.mean > 0; });
  return b;
}

double round_to_significant(double x, int digits) {
  if (x == 0 || !std::isfinite(x) || digits < 1) return x;
  // The power of ten of the last digit kept, from the first digit's; a division by a power of ten from 1
  // up, since 10^-k is not exact and x * 10^k rounds 4.35 the other way.
  const int last = static_cast<int>(std::floor(std::log10(std::fabs(x)))) - digits + 1;
  return last >= 0 ? std::round(x / std::pow(10.0, last)) * std::pow(10.0, last)
                   : std::round(x * std::pow(10.0, -last)) / std::pow(10.0, -last);
}

}  // namespace wijksim
