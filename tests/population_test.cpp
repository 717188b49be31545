// The initial population against the seeds' baseline survey table (BRIEF.md): households with at least
// one problem 49%, with several 26%, professionals involved 0 / 1 / 2 / 3+ = 63 / 12 / 11 / 14% (N = 168).
// These check how a Population's shares are drawn (on a test fixture); that the shipped baselines reproduce
// the survey is tests/calibration_test.cpp, which runs them.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "fixtures.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;

namespace {

// The marginal shares a Population configuration implies: P(>= 1 problem), P(>= 2), and
// P(0, 1, 2, 3+ professionals) = sum_k P(k problems) * P(j professionals | k).
struct Implied {
  double with_problem = 0, multi_problem = 0;
  std::array<double, 4> professionals{};
};

Implied implied(const Population& pop) {
  Implied m;
  for (std::size_t k = 0; k < pop.problem_count_shares.size(); ++k) {
    const double pk = pop.problem_count_shares[k];
    if (k >= 1) m.with_problem += pk;
    if (k >= 2) m.multi_problem += pk;
    const auto& row =
        pop.professionals_given_problems[std::min(k, pop.professionals_given_problems.size() - 1)];
    for (int j = 0; j < 4; ++j) m.professionals[j] += pk * row[j];
  }
  return m;
}

// The drawn population: a run with no warm-up and no policy weeks reports only week 0.
RunResult draw(int households) {
  Scenario s = test::small_city(households, false);
  s.simulation.warmup_years = 0;
  s.simulation.years = 0;
  Model m(s);
  return simulate(m, {s.simulation.seed, 0, 0});
}

double share_se(double p, double n) {
  return std::sqrt(p * (1 - p) / n);
}

}  // namespace

TEST_CASE("the configured population shares reproduce the seeds' table within its sampling error",
          "[population]") {
  // By hand from test::small_city: P(k) = 0.51, 0.23, 0.13, 0.08, 0.05, so P(>=1) = 0.49 and P(>=2) = 0.26;
  // P(0 prof.) = 0.51 + 0.23 * 0.45 + 0.13 * 0.10 + 0.08 * 0.05 = 0.6305
  // P(1 prof.) = 0.23 * 0.40 + 0.13 * 0.15 + 0.08 * 0.05 = 0.1155
  // P(2 prof.) = 0.23 * 0.15 + 0.13 * 0.35 + 0.08 * 0.25 + 0.05 * 0.10 = 0.1050
  // P(3+)      = 0.13 * 0.40 + 0.08 * 0.65 + 0.05 * 0.90 = 0.1490
  const Implied m = implied(test::small_city().population);
  CHECK(m.with_problem == Approx(0.49));
  CHECK(m.multi_problem == Approx(0.26));
  CHECK(m.professionals[0] == Approx(0.6305));
  CHECK(m.professionals[1] == Approx(0.1155));
  CHECK(m.professionals[2] == Approx(0.1050));
  CHECK(m.professionals[3] == Approx(0.1490));
  // Against the seeds' survey (N = 168): within 1.96 of its standard errors (a 95% interval).
  const double seeds[6] = {0.49, 0.26, 0.63, 0.12, 0.11, 0.14};
  const double model[6] = {m.with_problem,     m.multi_problem,    m.professionals[0],
                           m.professionals[1], m.professionals[2], m.professionals[3]};
  for (int i = 0; i < 6; ++i) CHECK(std::fabs(model[i] - seeds[i]) < 1.96 * share_se(seeds[i], 168));
}

TEST_CASE("the drawn initial population matches the configured shares within 4 standard errors",
          "[population]") {
  // A large population, so the tolerance (4 binomial standard errors of a share, ~0.1 percentage point) is
  // tight: the draw must reproduce the configured distribution, not merely the seeds' rough figures.
  const int n = 200000;
  const Implied m = implied(test::small_city().population);
  RunResult r = draw(n);
  const HouseholdMeasures& h = r.initial;
  REQUIRE(h.households == n);
  CHECK(std::accumulate(h.professionals.begin(), h.professionals.end(), 0) == n);

  const double with_problem = static_cast<double>(h.with_problem) / n;
  const double multi = static_cast<double>(h.multi_problem) / n;
  INFO("with a problem " << with_problem << " (configured " << m.with_problem << "), several " << multi
                         << " (configured " << m.multi_problem << ")");
  CHECK(std::fabs(with_problem - m.with_problem) < 4 * share_se(m.with_problem, n));
  CHECK(std::fabs(multi - m.multi_problem) < 4 * share_se(m.multi_problem, n));
  const double one = with_problem - multi;
  CHECK(std::fabs(one - 0.23) < 4 * share_se(0.23, n));

  for (int j = 0; j < 4; ++j) {
    const double share = static_cast<double>(h.professionals[j]) / n;
    INFO(j << (j == 3 ? "+" : "") << " professionals: drawn " << share << ", configured "
           << m.professionals[j] << ", 4 se = " << 4 * share_se(m.professionals[j], n));
    CHECK(std::fabs(share - m.professionals[j]) < 4 * share_se(m.professionals[j], n));
  }

  // The drawn population against the seeds' survey: within its sampling error (N = 168, 95% interval).
  const double seeds[6] = {0.49, 0.26, 0.63, 0.12, 0.11, 0.14};
  const double drawn[6] = {with_problem,
                           multi,
                           static_cast<double>(h.professionals[0]) / n,
                           static_cast<double>(h.professionals[1]) / n,
                           static_cast<double>(h.professionals[2]) / n,
                           static_cast<double>(h.professionals[3]) / n};
  for (int i = 0; i < 6; ++i) CHECK(std::fabs(drawn[i] - seeds[i]) < 1.96 * share_se(seeds[i], 168));
}

TEST_CASE("the drawn rungs and problem domains follow the configured shares", "[population]") {
  // Rungs: mean = 0.1*1 + 0.2*2 + 0.2*3 + 0.15*4 + 0.1*5 + 0.25*6 = 3.7, E[r^2] = 16.6, variance 2.91.
  // Domains: small_city gives all six the same incidence on every rung, so each of a household's k
  // problems is in any given domain with probability k/6: P(problem in domain d) = E[k] / 6 with
  // E[k] = 0.23 + 2*0.13 + 3*0.08 + 4*0.05 = 0.93, i.e. 0.155 per domain.
  const int n = 200000;
  RunResult r = draw(n);
  const double mean_rung = static_cast<double>(r.initial.rung_sum) / n;
  CHECK(std::fabs(mean_rung - 3.7) < 4 * std::sqrt(2.91 / n));
  for (int d = 0; d < 6; ++d) {
    const double share = static_cast<double>(r.initial.active_by_domain[d]) / n;
    INFO("domain " << d << ": " << share << " (hand 0.155)");
    CHECK(std::fabs(share - 0.155) < 4 * share_se(0.155, n));
  }
}
