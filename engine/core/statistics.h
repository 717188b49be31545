// Summary statistics shared by the replication summaries (summary.h), the calibration against the survey
// (calibration.h) and the probabilistic sensitivity analysis (cost_effectiveness.h).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace wijksim {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One figure over replications (or over paired differences). A figure may be undefined in a replication
// (a mean wait when nobody was admitted): NaN values are left out and n counts the others.
struct Stat {
  double mean = kNaN;
  double sd = kNaN;  // sample standard deviation (n - 1)
  double se = kNaN;  // Monte Carlo standard error of the mean: sd / sqrt(n)
  double lo = kNaN;  // 95% interval of the mean: mean -/+ t(0.975, n - 1) * se
  double hi = kNaN;
  int n = 0;
  // Which end of the interval is set at the figure's range because the plain interval passed it (kCutLow,
  // kCutHigh): a paired difference's at the range less the comparator's mean, a figure's own where its
  // transformed interval would have run away (honest_uncertainty.h). The tables mark such an end.
  std::uint8_t cut = 0;
};
inline constexpr std::uint8_t kCutLow = 1, kCutHigh = 2;

inline constexpr const char* kIntervalMethod =
    "95% interval of the mean over replications: mean +/- t(0,975; n-1) * sd / sqrt(n), taken on the log "
    "scale for a figure that cannot be negative (cut at 0 instead where the log scale would put its upper "
    "end more than e times the mean) and on the logit scale for a share (cut to 0-100% instead where its "
    "half-width passes 1 logit), so that it stays in range";
// Said after either interval method (over replications, over draws).
inline constexpr const char* kDifferenceIntervals =
    "paired differences on their own scale, cut where they pass what the difference can be (a wait's at "
    "minus the comparator's mean wait); an end marked * is cut at such a limit";

Stat describe(std::span<const double> values);
// The p-quantile of Student's t with `df` degrees of freedom (Boost.Math); NaN for df < 1 or p outside (0,
// 1).
double t_quantile(int df, double p);
// The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1; NaN below).
double t_quantile_975(int df);

struct Interval {
  double lower = 0;
  double upper = 0;
  bool contains(double x) const { return x >= lower && x <= upper; }
};

// The exact (Clopper-Pearson) two-sided 95% interval of a probability from k of n (0 <= k <= n, n >= 1):
// [0, 1 - 0.025^(1/n)] for k = 0, [0.025^(1/n), 1] for k = n, else the 2.5% quantile of Beta(k, n - k + 1)
// and the 97.5% quantile of Beta(k + 1, n - k) (Boost.Math's binomial bounds).
Interval clopper_pearson_95(long long k, long long n);

// A survey share's 95% sampling interval, p of n households, clipped to [0, 1]: the normal approximation
// p -/+ 1.96 sqrt(p (1 - p) / n). At p = 0 or 1 that has no width (and calibration refused the target, though
// its n was given): there the Wilson score interval, [0, z^2 / (n + z^2)] or [n / (n + z^2), 1], z = 1.96.
Interval survey_interval(double p, double n);

// The p-quantile of `values` by Hyndman & Fan's type 7 (R's and numpy's default): with the values sorted
// x[0] <= ... <= x[n-1], h = (n-1)p, the result is x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
// Throws wijksim::Error on an empty input, a non-finite value or p outside [0, 1].
double quantile(std::vector<double> values, double p);
// Percentile interval over draws, e.g. percentile_interval(v, 0.025, 0.975) for a 95% interval.
Interval percentile_interval(const std::vector<double>& values, double lower_p, double upper_p);

double mean(const std::vector<double>& values);  // throws on an empty input
// Sample standard deviation (divisor n - 1); NaN when there are fewer than two values.
double sd(const std::vector<double>& values);
// Monte Carlo standard error of the mean over independent replications: sd / sqrt(n); NaN below n = 2.
double mc_standard_error(const std::vector<double>& values);

}  // namespace wijksim
