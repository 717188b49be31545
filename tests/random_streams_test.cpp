// The counter-based random streams (random_streams.h): named, addressed, reproducible, uniform, independent.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "fixtures.h"
#include "wijksim/core/random_streams.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;

namespace {

// Every named stream. A new stream must be added here (random_streams.h says so).
constexpr std::array<Stream, 22> kAllStreams = {Stream::InitialProblems,
                                                Stream::InitialHousehold,
                                                Stream::LifeEvent,
                                                Stream::Referral,
                                                Stream::Bounce,
                                                Stream::CoachContact,
                                                Stream::CoachNotice,
                                                Stream::TeamCompetence,
                                                Stream::AgencyPresence,
                                                Stream::ParameterDraw,
                                                Stream::InitialProblemState,
                                                Stream::Clock,
                                                Stream::ProblemEvent,
                                                Stream::ThisWeek,
                                                Stream::ContactClock,
                                                Stream::VirtualSurvey,
                                                Stream::ValueOfInformation,
                                                Stream::CalibrationPrior,
                                                Stream::CalibrationProposal,
                                                Stream::CalibrationResample,
                                                Stream::ParameterSet,
                                                Stream::CoachEffect};

// Pearson correlation of two equally long samples.
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

TEST_CASE("no two processes share an address: the named streams are distinct", "[random]") {
  std::set<std::uint16_t> values;
  for (Stream s : kAllStreams) values.insert(static_cast<std::uint16_t>(s));
  CHECK(values.size() == kAllStreams.size());
  CHECK(values.count(0) == 0);  // 0 is not a stream: a zero-initialised address names nothing
  // So the same (entity, week, index) in two streams gives two unrelated blocks.
  RandomStreams rs(1, 0, 0);
  std::set<RandomStreams::Block> blocks;
  for (Stream s : kAllStreams) blocks.insert(rs.block(7, 100, s, 3));
  CHECK(blocks.size() == kAllStreams.size());
}

TEST_CASE("a draw is a pure function of (seed, draw, replication, entity, week, stream, index)", "[random]") {
  const RandomStreams a(20100201, 3, 5), b(20100201, 3, 5);
  // The same address gives the same block, whatever was asked before and in whatever order.
  std::vector<RandomStreams::Block> forward, backward;
  for (std::uint32_t e = 0; e < 50; ++e) forward.push_back(a.block(e, e * 7, Stream::LifeEvent, e % 3));
  for (std::uint32_t e = 50; e-- > 0;) backward.push_back(b.block(e, e * 7, Stream::LifeEvent, e % 3));
  std::reverse(backward.begin(), backward.end());
  CHECK(forward == backward);
  CHECK(a.uniform(9, 8, Stream::Bounce, 2, 3) == RandomStreams::to_unit(b.block(9, 8, Stream::Bounce, 2)[3]));

  // Changing any one component of the address changes the block (a collision has probability 2^-128).
  const RandomStreams::Block base = a.block(11, 22, Stream::Referral, 4);
  CHECK(RandomStreams(20100202, 3, 5).block(11, 22, Stream::Referral, 4) != base);  // seed
  CHECK(RandomStreams(20100201 + (1ull << 32), 3, 5).block(11, 22, Stream::Referral, 4) !=
        base);                                                                      // seed's high bits
  CHECK(RandomStreams(20100201, 4, 5).block(11, 22, Stream::Referral, 4) != base);  // parameter draw
  CHECK(RandomStreams(20100201, 3, 6).block(11, 22, Stream::Referral, 4) != base);  // replication
  CHECK(RandomStreams(20100201, 5, 3).block(11, 22, Stream::Referral, 4) != base);  // draw <-> replication
  CHECK(a.block(12, 22, Stream::Referral, 4) != base);                              // entity
  CHECK(a.block(11, 23, Stream::Referral, 4) != base);                              // week
  CHECK(a.block(11, 22, Stream::Bounce, 4) != base);                                // stream
  CHECK(a.block(11, 22, Stream::Referral, 5) != base);                              // index
  CHECK(a.block(22, 11, Stream::Referral, 4) != base);                              // entity <-> week
}

TEST_CASE("uniforms are in (0, 1) with the moments and histogram of a uniform", "[random]") {
  // The extreme words map strictly inside the interval: (0 + 0.5) / 2^32 and (2^32 - 0.5) / 2^32.
  CHECK(RandomStreams::to_unit(0) > 0.0);
  CHECK(RandomStreams::to_unit(0) == std::ldexp(1.0, -33));
  CHECK(RandomStreams::to_unit(0xFFFFFFFFu) < 1.0);
  CHECK(RandomStreams::to_unit(0xFFFFFFFFu) == 1.0 - std::ldexp(1.0, -33));

  const RandomStreams rs(42, 0, 0);
  const int n = 1 << 20;  // 2^18 blocks of four words, over consecutive entities (the household axis)
  const int bins = 100;
  std::vector<int> hist(bins, 0);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n / 4; ++i) {
    RandomStreams::Block b = rs.block(static_cast<std::uint32_t>(i), 1, Stream::Clock, 0);
    for (std::uint32_t word : b) {
      const double u = RandomStreams::to_unit(word);
      REQUIRE(u > 0.0);
      REQUIRE(u < 1.0);
      sum += u;
      sum2 += u * u;
      ++hist[static_cast<int>(u * bins)];
    }
  }
  // Mean 1/2 with se sqrt(1/12 / n); E[u^2] = 1/3 with se sqrt(Var[u^2] / n), Var[u^2] = 1/5 - 1/9 = 4/45.
  CHECK(std::fabs(sum / n - 0.5) < 4 * std::sqrt(1.0 / 12 / n));
  CHECK(std::fabs(sum2 / n - 1.0 / 3) < 4 * std::sqrt(4.0 / 45 / n));
  // Pearson chi-square over 100 equal bins, 99 degrees of freedom; reject above the 1 - 1e-4 quantile,
  // by the Wilson-Hilferty approximation: 99 (1 - 2/891 + 3.719 sqrt(2/891))^3 = 152.
  double chi2 = 0;
  const double expected = static_cast<double>(n) / bins;
  for (int h : hist) chi2 += (h - expected) * (h - expected) / expected;
  const double k = bins - 1;
  const double critical = k * std::pow(1 - 2 / (9 * k) + 3.719 * std::sqrt(2 / (9 * k)), 3);
  INFO("chi-square " << chi2 << ", critical " << critical);
  CHECK(chi2 < critical);
  CHECK(chi2 > 99 - 4 * std::sqrt(2.0 * 99));  // not suspiciously flat either
}

TEST_CASE("nearby seeds, replications, draws, entities and weeks give uncorrelated uniforms", "[random]") {
  // Correlation of two independent samples of size n has sd ~ 1/sqrt(n): require |r| < 4 / sqrt(n).
  const int n = 100000;
  const double bound = 4 / std::sqrt(static_cast<double>(n));
  const RandomStreams base(1000, 0, 0);
  const RandomStreams seed_next(1001, 0, 0), rep_next(1000, 0, 1), draw_next(1000, 1, 0);
  std::vector<double> x(n), by_seed(n), by_rep(n), by_draw(n), by_entity(n), by_week(n), by_word(n);
  for (int i = 0; i < n; ++i) {
    const auto e = static_cast<std::uint32_t>(i);
    RandomStreams::Block b = base.block(e, 5, Stream::LifeEvent);
    x[i] = RandomStreams::to_unit(b[0]);
    by_word[i] = RandomStreams::to_unit(b[1]);
    by_seed[i] = seed_next.uniform(e, 5, Stream::LifeEvent);
    by_rep[i] = rep_next.uniform(e, 5, Stream::LifeEvent);
    by_draw[i] = draw_next.uniform(e, 5, Stream::LifeEvent);
    by_entity[i] = base.uniform(e + 1, 5, Stream::LifeEvent);
    by_week[i] = base.uniform(e, 6, Stream::LifeEvent);
  }
  CHECK(std::fabs(correlation(x, by_seed)) < bound);
  CHECK(std::fabs(correlation(x, by_rep)) < bound);
  CHECK(std::fabs(correlation(x, by_draw)) < bound);
  CHECK(std::fabs(correlation(x, by_entity)) < bound);
  CHECK(std::fabs(correlation(x, by_week)) < bound);
  CHECK(std::fabs(correlation(x, by_word)) < bound);
  // Blocks of consecutive seeds share no word at the same address (chance ~ n * 2^-32 = 2e-5).
  int equal = 0;
  for (int i = 0; i < n; ++i)
    equal += base.block(static_cast<std::uint32_t>(i), 5, Stream::LifeEvent)[0] ==
             seed_next.block(static_cast<std::uint32_t>(i), 5, Stream::LifeEvent)[0];
  CHECK(equal == 0);
}

TEST_CASE("compared scenarios share common random numbers up to the policy start", "[random]") {
  // The baseline and the coach scenario differ only from the policy start, and every draw is addressed by
  // what it is for, so their warm-ups are the same path: identical households and queues at week 0.
  Scenario base = test::small_city(3000, false), coach = test::small_city(3000, true);
  Model mb(base), mc(coach);
  RunResult rb = simulate(mb, {7, 0, 0}), rc = simulate(mc, {7, 0, 0});
  const WeekRecord &b0 = rb.weeks[0], &c0 = rc.weeks[0];
  CHECK(rb.initial.professionals == rc.initial.professionals);
  CHECK(b0.households.with_problem == c0.households.with_problem);
  CHECK(b0.households.professionals == c0.households.professionals);
  CHECK(b0.households.trust_sum == c0.households.trust_sum);
  CHECK(b0.households.rung_sum == c0.households.rung_sum);
  for (int a = 0; a < mb.agencies(); ++a) {
    CHECK(b0.agencies[a].waiting == c0.agencies[a].waiting);
    CHECK(b0.agencies[a].in_treatment == c0.agencies[a].in_treatment);
  }
}
