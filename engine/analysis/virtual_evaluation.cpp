#include "wijksim/analysis/virtual_evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/error.h"

namespace wijksim {
namespace {

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// log of C(n, k).
double log_choose(double n, double k) {
  return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

struct Sampled {
  double share = kNaN;
  double n = 0;  // households the share is of
};

// A survey of `n` households of a population: the share with the property among those in the group.
Sampled survey(const SurveyCounts& c, std::int64_t n, const RandomStreams::Block& b) {
  const std::int64_t take = std::min(n, c.households);
  const std::int64_t in_group = c.in_group == c.households ? take
                                                           : hypergeometric(c.households, c.in_group, take,
                                                                            RandomStreams::to_unit(b[0]));
  Sampled s;
  s.n = static_cast<double>(in_group);
  if (in_group == 0) return s;
  s.share =
      static_cast<double>(hypergeometric(c.in_group, c.positive, in_group, RandomStreams::to_unit(b[1]))) /
      s.n;
  return s;
}

// The finite-population correction of a sample of n from N.
double fpc(double n, double population) {
  return population > 1 ? std::max(0.0, (population - n) / (population - 1)) : 0.0;
}

}  // namespace

std::int64_t hypergeometric(std::int64_t population, std::int64_t marked, std::int64_t n, double u) {
  if (population < 0 || marked < 0 || marked > population || n < 0 || n > population)
    throw Error(fmt::format("hypergeometric: {} marked of {}, sample {}", marked, population, n));
  const std::int64_t lo = std::max<std::int64_t>(0, n - (population - marked));
  const std::int64_t hi = std::min(n, marked);
  if (lo == hi) return lo;
  const auto N = static_cast<double>(population), K = static_cast<double>(marked), m = static_cast<double>(n);
  // P(k) = C(K, k) C(N - K, n - k) / C(N, n), from k = lo upwards by the ratio of successive terms.
  const auto ratio = [&](std::int64_t k) {  // P(k + 1) / P(k)
    const auto kk = static_cast<double>(k);
    return (K - kk) * (m - kk) / ((kk + 1) * (N - K - m + kk + 1));
  };
  const double log_p_lo = log_choose(K, static_cast<double>(lo)) +
                          log_choose(N - K, m - static_cast<double>(lo)) - log_choose(N, m);
  double p = std::exp(log_p_lo);
  // A large sample's first term can lie below the smallest normal double (1,000 of 2,800 with half marked:
  // P(0) about 1e-300 and less): it was 0, every later term 0 by the ratio, and every draw returned hi
  // ("every household positive"; an independent check, stop 45). Then every term is carried as its
  // logarithm, ln P(k+1) = ln P(k) + ln of the ratio, and added to the sum as exp(ln P(k)): terms below a
  // double's range add 0, together less than n x 2.2e-308.
  if (p < std::numeric_limits<double>::min()) {
    double log_p = log_p_lo;
    double cdf = 0;
    for (std::int64_t k = lo; k < hi; ++k) {
      const double term = std::exp(log_p);
      cdf += term;
      if (u <= cdf) return k;
      log_p += std::log(ratio(k));
    }
    return hi;
  }
  double cdf = p;
  for (std::int64_t k = lo; k < hi; ++k) {
    if (u <= cdf) return k;
    p *= ratio(k);
    cdf += p;
  }
  return hi;
}

double analytic_power(const std::vector<double>& shares, const std::vector<double>& n,
                      const std::vector<double>& fpc_, double effect, double z) {
  double var = 0;
  for (std::size_t k = 0; k < shares.size(); ++k) var += shares[k] * (1 - shares[k]) / n[k] * fpc_[k];
  if (!(var > 0)) return kNaN;
  const double se = std::sqrt(var);
  return normal_cdf(std::fabs(effect) / se - z) + normal_cdf(-std::fabs(effect) / se - z);
}

VirtualStudyResult simulate_virtual_study(const std::vector<VirtualStudyPair>& pairs,
                                          const VirtualStudyDesign& d, int measure) {
  VirtualStudyResult out;
  out.measure = measure;
  if (pairs.empty() || d.sample <= 0) return out;
  const std::size_t per_pair = std::max<std::size_t>(1, static_cast<std::size_t>(d.studies) / pairs.size());
  std::vector<double> estimates;
  int significant = 0, right_sign = 0;
  double truth = 0, analytic = 0;
  int analytic_n = 0;
  for (const VirtualStudyPair& pair : pairs) {
    truth += pair.true_effect;
    const RandomStreams rs(pair.seed, pair.draw, pair.replication);
    const SurveyCounts* waves[4] = {&pair.pilot.before, &pair.pilot.after, &pair.control.before,
                                    &pair.control.after};
    // The analytic power with the true shares: the expected households in each sample's group.
    {
      std::vector<double> p, n, f;
      for (int w = 0; w < 4; ++w) {
        if (!d.difference_in_differences && (w == 0 || w == 2)) continue;
        const SurveyCounts& c = *waves[w];
        const double take = std::min<double>(d.sample, static_cast<double>(c.households));
        const double group = take * static_cast<double>(c.in_group) / static_cast<double>(c.households);
        p.push_back(c.share());
        n.push_back(group);
        f.push_back(fpc(group, static_cast<double>(c.in_group)));
      }
      const double effect = d.difference_in_differences ? (p[1] - p[0]) - (p[3] - p[2]) : p[0] - p[1];
      const double a = analytic_power(p, n, f, effect, d.z);
      if (!std::isnan(a)) analytic += a, ++analytic_n;
    }
    for (std::size_t s = 0; s < per_pair; ++s) {
      Sampled x[4];
      bool ok = true;
      for (int w = 0; w < 4; ++w) {
        if (!d.difference_in_differences && (w == 0 || w == 2)) continue;
        x[w] = survey(*waves[w], d.sample,
                      rs.block(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(measure),
                               Stream::VirtualSurvey, static_cast<std::uint32_t>(w)));
        ok = ok && !std::isnan(x[w].share);
      }
      if (!ok) continue;
      double est = 0, var = 0;
      if (d.difference_in_differences) {
        est = (x[1].share - x[0].share) - (x[3].share - x[2].share);
        for (const Sampled& y : x) var += y.share * (1 - y.share) / y.n;
      } else {
        est = x[1].share - x[3].share;
        var = x[1].share * (1 - x[1].share) / x[1].n + x[3].share * (1 - x[3].share) / x[3].n;
      }
      estimates.push_back(est);
      const bool sig = var > 0 && std::fabs(est) / std::sqrt(var) > d.z;
      significant += sig;
      right_sign += sig && ((est > 0) == (pair.true_effect > 0));
    }
  }
  out.true_effect = truth / static_cast<double>(pairs.size());
  out.studies = static_cast<int>(estimates.size());
  if (analytic_n > 0) out.analytic_power = analytic / analytic_n;
  if (estimates.empty()) return out;
  out.mean_estimate = mean(estimates);
  const Interval i = spread_of_draws(estimates);
  out.lo = i.lower;
  out.hi = i.upper;
  out.power = static_cast<double>(significant) / out.studies;
  out.power_right_sign = static_cast<double>(right_sign) / out.studies;
  return out;
}

}  // namespace wijksim
