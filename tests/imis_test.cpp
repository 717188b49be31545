// Incremental mixture importance sampling (analysis/imis.h) on problems whose posterior is known in closed
// form: the resampled sets' moments must match it within Monte Carlo error.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>

#include "standard_normal.h"
#include "wijksim/analysis/calibration.h"
#include "wijksim/analysis/imis.h"
#include "wijksim/core/random_streams.h"
#include "wijksim/scenario/distributions.h"

using namespace wijksim;

namespace {

// Independent uniform priors on [lo[i], hi[i]], drawn like calibrate draws them.
ImisPrior uniform_prior(std::vector<double> lo, std::vector<double> hi, std::uint64_t seed) {
  ImisPrior p;
  std::vector<Distribution> d;
  for (std::size_t i = 0; i < lo.size(); ++i) {
    d.push_back({Distribution::Kind::Uniform, lo[i], hi[i], 0});
    p.lo.push_back(lo[i]);
    p.hi.push_back(hi[i]);
  }
  p.sample = [d, seed](std::uint32_t index) {
    const RandomStreams rs(seed, 0, 0);
    std::vector<double> x;
    for (std::size_t i = 0; i < d.size(); ++i)
      x.push_back(d[i].sample(rs, static_cast<std::uint32_t>(i), Stream::CalibrationPrior, index));
    return x;
  };
  p.log_density = [d](std::span<const double> x) {
    double l = 0;
    for (std::size_t i = 0; i < d.size(); ++i) l += d[i].log_density(x[i]);
    return l;
  };
  return p;
}

struct Moments {
  std::vector<double> mean, sd;
  double correlation = 0;  // of the first two
};
Moments moments_of(const std::vector<std::vector<double>>& sets) {
  const std::size_t dims = sets.front().size();
  const double n = static_cast<double>(sets.size());
  Moments m;
  m.mean.assign(dims, 0);
  m.sd.assign(dims, 0);
  for (const auto& x : sets)
    for (std::size_t i = 0; i < dims; ++i) m.mean[i] += x[i] / n;
  double cxy = 0;
  for (const auto& x : sets) {
    for (std::size_t i = 0; i < dims; ++i) m.sd[i] += (x[i] - m.mean[i]) * (x[i] - m.mean[i]) / (n - 1);
    if (dims > 1) cxy += (x[0] - m.mean[0]) * (x[1] - m.mean[1]) / (n - 1);
  }
  for (double& s : m.sd) s = std::sqrt(s);
  if (dims > 1) m.correlation = cxy / (m.sd[0] * m.sd[1]);
  return m;
}

std::vector<std::vector<double>> resampled_sets(const ImisResult& r, std::size_t n) {
  std::vector<std::vector<double>> sets;
  for (std::size_t i : systematic_resample(r.weights, n, 0.5)) sets.push_back(r.candidates[i].x);
  return sets;
}

}  // namespace

TEST_CASE("effective sample size and systematic resampling on known weights", "[imis]") {
  CHECK(effective_sample_size(std::vector<double>{1, 1, 1, 1}) == Approx(4));
  CHECK(effective_sample_size(std::vector<double>{1, 0, 0, 0}) == Approx(1));
  CHECK(effective_sample_size(std::vector<double>{0.5, 0.25, 0.25}) == Approx(1.0 / (0.25 + 2 * 0.0625)));
  // Each index is taken floor or ceil of n w_i times, whatever the offset.
  const std::vector<double> w = {0.05, 0.5, 0.0, 0.2, 0.25};
  for (double u : {0.0, 0.1, 0.5, 0.999}) {
    const auto idx = systematic_resample(w, 40, u);
    REQUIRE(idx.size() == 40);
    CHECK(std::is_sorted(idx.begin(), idx.end()));
    for (std::size_t i = 0; i < w.size(); ++i) {
      const auto count = static_cast<double>(std::count(idx.begin(), idx.end(), i));
      CHECK(std::fabs(count - 40 * w[i]) < 1.0 + 1e-9);
    }
  }
}

TEST_CASE("the log-likelihood of targets: a normal with the interval's and the model's uncertainty",
          "[imis]") {
  CalibrationTarget a, b, none;
  a.parsed.kind = TargetMeasure::Kind::Share;
  a.value = 0.5, a.lo = 0.4, a.hi = 0.6;  // s_target = 0.2 / 3.92
  b.parsed.kind = TargetMeasure::Kind::EscalationRate;
  b.value = 3, b.lo = 1, b.hi = 5;  // s_target = 4 / 3.92
  none.parsed.kind = TargetMeasure::Kind::None;
  const std::vector<CalibrationTarget> targets = {a, b, none};
  // By hand: s^2 = (0.2/3.92)^2 + 0.01^2 and (4/3.92)^2 + 0 (one replication: no Monte Carlo error known).
  const double s1 = std::sqrt(std::pow(0.2 / 3.92, 2) + 1e-4), s2 = 4 / 3.92;
  const double expected =
      std::log(normal_pdf((0.45 - 0.5) / s1) / s1) + std::log(normal_pdf((4 - 3) / s2) / s2);
  CHECK(target_log_likelihood(targets, std::vector<double>{0.45, 4, kNaN},
                              std::vector<double>{0.01, kNaN, kNaN}) == Approx(expected));
  // A represented figure the model cannot show in this candidate: impossible.
  CHECK(target_log_likelihood(targets, std::vector<double>{kNaN, 4, 1}, std::vector<double>{0, 0, 0}) ==
        kMinusInfinity);
}

TEST_CASE("the log-likelihood of a bound: flat on its side, the normal's fall beyond it", "[imis]") {
  CalibrationTarget ceiling, floor;
  ceiling.parsed.kind = TargetMeasure::Kind::Spending;
  ceiling.bound = TargetBound::Upper;
  ceiling.value = 4900, ceiling.lo = 0, ceiling.hi = 4900;  // s_target = 4900 / 3.92 = 1250
  floor.parsed.kind = TargetMeasure::Kind::AgencyWait;
  floor.bound = TargetBound::Lower;
  floor.value = 2, floor.lo = 2, floor.hi = 5.92;  // s_target = 3.92 / 3.92 = 1
  // By hand, with a Monte Carlo error of 100 euros and none on the wait: s1 = sqrt(1250^2 + 100^2),
  // s2 = 1. Below the ceiling (2451) and above the floor (3) the figures cost only the normalising terms.
  const double s1 = std::sqrt(1250.0 * 1250.0 + 100.0 * 100.0);
  const double norm =
      -std::log(s1 * std::sqrt(2 * std::numbers::pi)) - std::log(std::sqrt(2 * std::numbers::pi));
  const std::vector<CalibrationTarget> ceiling_only = {ceiling}, both = {ceiling, floor};
  CHECK(target_log_likelihood(both, std::vector<double>{2451, 3}, std::vector<double>{100, kNaN}) ==
        Approx(norm));
  CHECK(target_log_likelihood(both, std::vector<double>{4900, 2}, std::vector<double>{100, 0}) ==
        Approx(norm));
  // 1,100 euros above the ceiling and 1.5 weeks below the floor: each the normal's fall over that distance.
  CHECK(target_log_likelihood(both, std::vector<double>{6000, 0.5}, std::vector<double>{100, 0}) ==
        Approx(norm - 0.5 * (1100 / s1) * (1100 / s1) - 0.5 * 1.5 * 1.5));
  // The same figure read as an estimate (no bound) costs its distance from the value on either side.
  CalibrationTarget estimate = ceiling;
  estimate.bound = TargetBound::None;
  const std::vector<CalibrationTarget> estimate_only = {estimate};
  CHECK(target_log_likelihood(estimate_only, std::vector<double>{2451}, std::vector<double>{100}) ==
        Approx(-std::log(s1 * std::sqrt(2 * std::numbers::pi)) - 0.5 * (2449 / s1) * (2449 / s1)));
  CHECK(target_log_likelihood(ceiling_only, std::vector<double>{2451}, std::vector<double>{100}) >
        target_log_likelihood(estimate_only, std::vector<double>{2451}, std::vector<double>{100}) + 1.5);
}

TEST_CASE("a bound's verdict is its side alone, as its likelihood", "[imis]") {
  // A ceiling of 0,9 whose interval's other end is 0,5: 7,6% lies far below that end, on the ceiling's side,
  // and the likelihood above takes it as met: so does the verdict (it said "outside", a miss; outside
  // attack 63). A floor the same way up; an estimate keeps both ends.
  CalibrationTarget ceiling, floor, estimate;
  ceiling.bound = TargetBound::Upper;
  ceiling.value = 0.9, ceiling.lo = 0.5, ceiling.hi = 0.9;
  floor.bound = TargetBound::Lower;
  floor.value = 2, floor.lo = 2, floor.hi = 5;
  estimate.value = 0.7, estimate.lo = 0.5, estimate.hi = 0.9;
  CHECK(fit_of(0.076, ceiling) == Fit::Inside);
  CHECK(fit_of(0.9, ceiling) == Fit::Inside);
  CHECK(fit_of(0.9001, ceiling) == Fit::Outside);
  CHECK(fit_of(40, floor) == Fit::Inside);
  CHECK(fit_of(2, floor) == Fit::Inside);
  CHECK(fit_of(1.99, floor) == Fit::Outside);
  CHECK(fit_of(0.076, estimate) == Fit::Outside);
  CHECK(fit_of(0.95, estimate) == Fit::Outside);
  CHECK(fit_of(0.5, estimate) == Fit::Inside);
  CHECK(std::string(fit_words(fit_of(0.076, ceiling), ceiling.bound)) == "at or below the bound");
}

TEST_CASE("IMIS: one parameter, uniform prior, normal likelihood: the truncated normal", "[imis]") {
  // Prior uniform on [a, b]; likelihood N(mu, sigma) in x: the posterior is N(mu, sigma) truncated to
  // [a, b], whose mean and sd are (with alpha = (a - mu)/sigma, beta = (b - mu)/sigma, Z = Phi(beta) -
  // Phi(alpha)): mu + sigma (phi(alpha) - phi(beta)) / Z and
  // sigma sqrt(1 + (alpha phi(alpha) - beta phi(beta)) / Z - ((phi(alpha) - phi(beta)) / Z)^2).
  const double a = 0, b = 1, mu = 0.3, sigma = 0.12;
  const double al = (a - mu) / sigma, be = (b - mu) / sigma, z = normal_cdf(be) - normal_cdf(al);
  const double d = (normal_pdf(al) - normal_pdf(be)) / z;
  const double mean = mu + sigma * d;
  const double sd = sigma * std::sqrt(1 + (al * normal_pdf(al) - be * normal_pdf(be)) / z - d * d);

  const ImisSettings settings{500, 100, 10, 1000};
  int batches = 0;
  const ImisResult r = imis(settings, uniform_prior({a}, {b}, 11), 11, [&](std::span<ImisCandidate> cs) {
    ++batches;
    for (ImisCandidate& c : cs) c.log_likelihood = -0.5 * std::pow((c.x[0] - mu) / sigma, 2);
  });
  INFO("ESS " << r.ess << " after " << r.rounds << " rounds");
  CHECK(r.converged);
  CHECK(batches == r.rounds + 1);
  CHECK(r.candidates.size() == static_cast<std::size_t>(500 + 100 * r.rounds));
  const std::size_t n = 1000;
  const Moments m = moments_of(resampled_sets(r, n));
  // Monte Carlo error of the resampled sets: about sd / sqrt(ESS) for the mean, sd / sqrt(2 ESS) for sd.
  const double effective = std::min(r.ess, static_cast<double>(n));
  CHECK(std::fabs(m.mean[0] - mean) < 4 * sd / std::sqrt(effective));
  CHECK(std::fabs(m.sd[0] - sd) < 4 * sd / std::sqrt(2 * effective));
}

TEST_CASE("IMIS on the logit scale: a posterior piled against the prior's edge", "[imis]") {
  // Prior uniform on [0, 1] (seen on the logit scale), likelihood N(0.04, 0.05): the normal truncated at 0
  // (and 1), mean and sd in closed form as above; with and without a mode search.
  const double a = 0, b = 1, mu = 0.04, sigma = 0.05;
  const double al = (a - mu) / sigma, be = (b - mu) / sigma, z = normal_cdf(be) - normal_cdf(al);
  const double d = (normal_pdf(al) - normal_pdf(be)) / z;
  const double mean = mu + sigma * d;
  const double sd = sigma * std::sqrt(1 + (al * normal_pdf(al) - be * normal_pdf(be)) / z - d * d);
  for (int search : {0, 40}) {
    ImisPrior prior = uniform_prior({a}, {b}, 21);
    prior.scales = {{Scale::Kind::Logit, a, b}};
    ImisSettings settings{300, 100, 12, 800};
    settings.mode_search = search;
    const ImisResult r = imis(settings, prior, 21, [&](std::span<ImisCandidate> cs) {
      for (ImisCandidate& c : cs) {
        CHECK((c.x[0] > a && c.x[0] < b));  // never outside the prior's range
        c.log_likelihood = -0.5 * std::pow((c.x[0] - mu) / sigma, 2);
      }
    });
    INFO("search " << search << ": ESS " << r.ess << " after " << r.rounds << " rounds");
    CHECK(r.converged);
    const Moments m = moments_of(resampled_sets(r, 800));
    const double effective = std::min(r.ess, 800.0);
    CHECK(std::fabs(m.mean[0] - mean) < 4 * sd / std::sqrt(effective));
    CHECK(std::fabs(m.sd[0] - sd) < 4 * sd / std::sqrt(2 * effective));
  }
  // The scale itself: a round trip, and the density of y = logit(x) for x uniform on [2, 5] integrates to 1.
  const Scale s{Scale::Kind::Logit, 2, 5};
  CHECK(s.to_natural(s.to_unbounded(3.3)) == Approx(3.3));
  double mass = 0;
  for (double y = -40; y < 40; y += 0.001)
    mass += std::exp(s.log_jacobian(y + 0.0005) - std::log(3.0)) * 0.001;
  CHECK(mass == Approx(1).epsilon(1e-6));
  const Scale l{Scale::Kind::Log, 0, 1};
  CHECK(l.to_natural(l.to_unbounded(0.7)) == Approx(0.7));
  CHECK(l.log_jacobian(std::log(0.7)) == Approx(std::log(0.7)));
}

TEST_CASE("IMIS: a likelihood narrow against the prior needs rounds, and finds it", "[imis]") {
  // From the prior alone almost no candidate is near the peak: the ESS of the initial draws is small and
  // the mixture's rounds bring it up. Posterior N(0.62, 0.01) (the truncation at 0 and 1 is negligible).
  const double mu = 0.62, sigma = 0.01;
  const ImisResult r =
      imis({200, 100, 20, 500}, uniform_prior({0}, {1}, 5), 5, [&](std::span<ImisCandidate> cs) {
        for (ImisCandidate& c : cs) c.log_likelihood = -0.5 * std::pow((c.x[0] - mu) / sigma, 2);
      });
  INFO("ESS " << r.ess << " after " << r.rounds << " rounds");
  CHECK(r.rounds >= 1);
  CHECK(r.converged);
  const Moments m = moments_of(resampled_sets(r, 500));
  const double effective = std::min(r.ess, 500.0);
  CHECK(std::fabs(m.mean[0] - mu) < 4 * sigma / std::sqrt(effective));
  CHECK(std::fabs(m.sd[0] - sigma) < 4 * sigma / std::sqrt(2 * effective));
}

TEST_CASE("IMIS: two correlated parameters: the bivariate normal", "[imis]") {
  // Prior uniform on [-6, 6]^2; likelihood bivariate normal with means (1, -1), sds (0.5, 1), correlation
  // 0.7: the posterior is that normal (truncated more than 5 sd away: negligible).
  const double m1 = 1, m2 = -1, s1 = 0.5, s2 = 1, rho = 0.7;
  const ImisSettings settings{1000, 200, 15, 1500};
  const ImisResult r =
      imis(settings, uniform_prior({-6, -6}, {6, 6}, 3), 3, [&](std::span<ImisCandidate> cs) {
        for (ImisCandidate& c : cs) {
          const double z1 = (c.x[0] - m1) / s1, z2 = (c.x[1] - m2) / s2;
          c.log_likelihood = -(z1 * z1 - 2 * rho * z1 * z2 + z2 * z2) / (2 * (1 - rho * rho));
        }
      });
  INFO("ESS " << r.ess << " after " << r.rounds << " rounds");
  CHECK(r.converged);
  const std::size_t n = 1500;
  const Moments m = moments_of(resampled_sets(r, n));
  const double effective = std::min(r.ess, static_cast<double>(n));
  CHECK(std::fabs(m.mean[0] - m1) < 4 * s1 / std::sqrt(effective));
  CHECK(std::fabs(m.mean[1] - m2) < 4 * s2 / std::sqrt(effective));
  CHECK(std::fabs(m.sd[0] - s1) < 4 * s1 / std::sqrt(2 * effective));
  CHECK(std::fabs(m.sd[1] - s2) < 4 * s2 / std::sqrt(2 * effective));
  // The sampling error of a correlation is about (1 - rho^2) / sqrt(n).
  CHECK(std::fabs(m.correlation - rho) < 4 * (1 - rho * rho) / std::sqrt(effective));
}

TEST_CASE("IMIS with a mode search: a narrow correlated posterior, and the search's points not in the sample",
          "[imis]") {
  // Prior uniform on [0, 1]^2, likelihood bivariate normal at (0.3, 0.6) with sds (0.02, 0.04) and
  // correlation 0.8: a small target in the prior's box, found by the search and its curvature.
  const double m1 = 0.3, m2 = 0.6, s1 = 0.02, s2 = 0.04, rho = 0.8;
  int evaluations = 0;
  ImisSettings settings{200, 200, 10, 600};
  settings.mode_search = 100;
  const ImisResult r = imis(settings, uniform_prior({0, 0}, {1, 1}, 4), 4, [&](std::span<ImisCandidate> cs) {
    for (ImisCandidate& c : cs) {
      ++evaluations;
      const double z1 = (c.x[0] - m1) / s1, z2 = (c.x[1] - m2) / s2;
      c.log_likelihood = -(z1 * z1 - 2 * rho * z1 * z2 + z2 * z2) / (2 * (1 - rho * rho));
    }
  });
  INFO("ESS " << r.ess << " after " << r.rounds << " rounds, " << evaluations << " evaluations");
  CHECK(r.converged);
  REQUIRE(r.mode.size() == 2);
  CHECK(std::fabs(r.mode[0] - m1) < s1 / 2);
  CHECK(std::fabs(r.mode[1] - m2) < s2 / 2);
  std::size_t search = 0;
  for (std::size_t i = 0; i < r.candidates.size(); ++i) {
    CHECK(r.candidates[i].index == i);
    if (r.candidates[i].round < 0) {
      ++search;
      CHECK(r.weights[i] == 0);
    }
  }
  CHECK(search > 0);
  CHECK(search <= 100 + 2 * 2 * 2);  // the search's evaluations and the curvature's points
  const std::size_t n = 600;
  const Moments m = moments_of(resampled_sets(r, n));
  const double effective = std::min(r.ess, static_cast<double>(n));
  CHECK(std::fabs(m.mean[0] - m1) < 4 * s1 / std::sqrt(effective));
  CHECK(std::fabs(m.mean[1] - m2) < 4 * s2 / std::sqrt(effective));
  CHECK(std::fabs(m.sd[0] - s1) < 4 * s1 / std::sqrt(2 * effective));
  CHECK(std::fabs(m.sd[1] - s2) < 4 * s2 / std::sqrt(2 * effective));
  CHECK(std::fabs(m.correlation - rho) < 4 * (1 - rho * rho) / std::sqrt(effective));
}

TEST_CASE("IMIS: candidates are a pure function of the seed and their index", "[imis]") {
  const auto prior = uniform_prior({0, 0}, {1, 1}, 9);
  auto like = [](std::span<ImisCandidate> cs) {
    for (ImisCandidate& c : cs)
      c.log_likelihood = -50 * (std::pow(c.x[0] - 0.4, 2) + std::pow(c.x[1] - 0.7, 2));
  };
  // Evaluated in reverse order: nothing changes.
  auto reversed = [&](std::span<ImisCandidate> cs) {
    std::vector<ImisCandidate> copy(cs.rbegin(), cs.rend());
    like(copy);
    std::reverse(copy.begin(), copy.end());
    std::copy(copy.begin(), copy.end(), cs.begin());
  };
  ImisSettings settings{100, 50, 3, 1e9};
  settings.mode_search = 30;
  const ImisResult a = imis(settings, prior, 9, like);
  const ImisResult b = imis(settings, prior, 9, reversed);
  REQUIRE(a.candidates.size() > 250);
  REQUIRE(b.candidates.size() == a.candidates.size());
  for (std::size_t i = 0; i < a.candidates.size(); ++i) {
    CHECK(a.candidates[i].x == b.candidates[i].x);
    CHECK(a.weights[i] == b.weights[i]);
  }
  const ImisResult c = imis(settings, uniform_prior({0, 0}, {1, 1}, 10), 10, like);
  CHECK(c.candidates[0].x != a.candidates[0].x);
  CHECK(c.candidates[120].x != a.candidates[120].x);
}

TEST_CASE("IMIS: no candidate can reproduce the targets", "[imis]") {
  CHECK_THROWS_WITH(imis({20, 10, 2, 100}, uniform_prior({0}, {1}, 1), 1,
                         [](std::span<ImisCandidate> cs) {
                           for (ImisCandidate& c : cs) c.log_likelihood = kMinusInfinity;
                         }),
                    Catch::Contains("no candidate can reproduce the targets"));
}
