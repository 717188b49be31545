// Parameters that had no test of their mechanism, each switched off and on in a small set-up that isolates
// it, against a hand calculation or a closed form (the style of mechanisms_test.cpp; its fixture
// test::quiet_cohort: one problem per household in one domain, nothing else happening). Each test builds
// what it needs from the fixture in a few lines of its own, so a change to one mechanism touches one test.
//
// Monte Carlo tolerances are 4 standard errors of the compared quantity, from the distribution the hand
// derivation gives. Timing (mechanisms_test.cpp): in week w every household is stepped, then places are
// handed out; a household found by outreach in week 1 is a coach client from the end of week 1.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "mechanism_fixtures.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;

namespace {

RunResult run(const Scenario& s, std::uint32_t replication = 0) {
  Model m(s);
  return simulate(m, {s.simulation.seed, 0, replication});
}

double binomial_sd(double n, double p) {
  return std::sqrt(n * p * (1.0 - p));
}

// A weekly probability exactly 1 (the rate's weekly probability 1 - exp(-1e9/52)).
constexpr double kAtOnce = 1e9;

// A second domain beside quiet_cohort's, served by the same agency, with the same (zero) rates.
void add_second_domain(Scenario& s) {
  Domain d = s.domains[0];
  d.name = "health";
  s.domains.push_back(d);
  s.agencies[0].domain_mask = 0b11;
  s.coaches.notice_per_week = {1.0, 1.0};
  s.coaches.solve_per_week = {0.0, 0.0};
}

// Integral of f(z) phi(z) over the standard normal, by the midpoint rule on [-10, 10] (error far below the
// tolerances here).
template <class F>
double normal_expectation(F f) {
  constexpr int kSteps = 200000;
  constexpr double lo = -10, width = 20.0 / kSteps;
  double sum = 0;
  for (int i = 0; i < kSteps; ++i) {
    const double z = lo + (i + 0.5) * width;
    sum += f(z) * std::exp(-z * z / 2);
  }
  return sum * width / std::sqrt(2 * std::numbers::pi);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("competence_spread: each team notices with clamp(p + spread z, 0, 1), teams at 0 never notice",
          "[mechanisms]") {
  // 255 teams of 8 households (floor(i 255 / 2040)), each household with one complex problem that never
  // ends. The coach takes everybody at the end of week 1 and, from week 2, a team t notices a problem each
  // week with p_t = clamp(0.1 + s z_t, 0, 1), z_t standard normal, drawn per team and replication. A
  // noticed problem is referred (the normal route, no delay) and counted as a referral, once. After W = 155
  // coach weeks (weeks 2..156) the share never noticed is, in expectation over teams,
  //     q = E[(1 - p_t)^W] = integral of (1 - clamp(0.1 + s z, 0, 1))^W phi(z) dz,
  // a little more than Phi(-0.1 / s) (the teams whose competence is clamped to 0) when s > 0, and
  // 0.9^155 = 8e-8 when s = 0.
  // Variance of the share over R replications of T teams of n households: the teams' draws,
  // Var_z[(1 - p_t)^W] / (T R), plus each household's luck, E[(1 - p_t)^W (1 - (1 - p_t)^W)] / (T n R).
  const int teams = 255, per_team = 8, n = teams * per_team, reps = 10, weeks = 155;
  Scenario s = test::coached_cohort(n);
  s.coaches.teams = teams;
  s.coaches.notice_per_week = {0.1};
  s.simulation.years = 3;
  auto never_noticed = [&]() {
    double never = 0;
    for (int r = 0; r < reps; ++r) {
      const RunResult res = run(s, static_cast<std::uint32_t>(r));
      std::int64_t noticed = 0;
      for (std::size_t w = 1; w < res.weeks.size(); ++w) noticed += res.weeks[w].agencies[0].coach_referrals;
      never += static_cast<double>(n - noticed) / n;
    }
    return never / reps;
  };

  SECTION("spread 0.2: a share near Phi(-0.5) = 0.31 is never noticed") {
    s.coaches.competence_spread = 0.2;
    auto left = [&](double z) { return std::pow(1 - std::clamp(0.1 + 0.2 * z, 0.0, 1.0), weeks); };
    const double q = normal_expectation(left);
    const double q2 = normal_expectation([&](double z) { return left(z) * left(z); });
    const double var = (q2 - q * q) / (teams * reps) + (q - q2) / (static_cast<double>(n) * reps);
    const double got = never_noticed();
    INFO("share never noticed " << got << ", hand " << q << " +- " << std::sqrt(var));
    // q = 0.320: Phi(-0.5) = 0.3085 of teams clamped to 0, and teams with p_t just above 0 that leave some
    // of their households unnoticed in 155 weeks.
    CHECK(q > 0.3085);
    CHECK(std::fabs(got - q) < 4 * std::sqrt(var));
    // A spread of 0.4 would leave Phi(-0.25) = 0.40: far outside the tolerance (about 0.04).
    CHECK(4 * std::sqrt(var) < 0.05);
  }
  SECTION("spread 0: every team notices with 0.1, nobody is left after three years") {
    s.coaches.competence_spread = 0;
    CHECK(never_noticed() == 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("coordination_success_gain: a coordinated client's treatment succeeds with p + gain",
          "[mechanisms]") {
  // The coach takes everybody at the end of week 1, notices the complex problem in week 2 and refers it
  // under the mandate (no intake, at once); it is admitted at the end of week 2 (places unlimited) and its
  // one-week treatment ends in week 3: it succeeds (the problem is resolved) with probability
  //   0.5 + 0.3 = 0.8 when coordination works for the client (coordination 1),
  //   0.5 when it does not (coordination 0: no gain; and no loss, the loss per extra professional being 0),
  //   0.5 with no gain.
  // Resolved in week 3 ~ Binomial(N, s).
  const int n = 10000;
  Scenario s = test::coached_cohort(n);
  s.coaches.mandate_probability = 1;
  s.agencies[0].treatment_weeks = 1;
  s.agencies[0].success_probability = 0.5;
  s.coaches.coordination_success_gain = 0.3;
  auto check_success = [&](double p) {
    const RunResult r = run(s);
    REQUIRE(r.weeks[2].agencies[0].admitted == n);
    INFO("resolved in week 3: " << r.weeks[3].resolved << ", hand " << n * p);
    CHECK(std::fabs(r.weeks[3].resolved - n * p) < 4 * binomial_sd(n, p));
  };
  SECTION("coordinated: 0.8") {
    s.coaches.coordination = 1;
    check_success(0.8);
  }
  SECTION("coordination does not work for the client: 0.5") {
    s.coaches.coordination = 0;
    check_success(0.5);
  }
  SECTION("no gain: 0.5") {
    s.coaches.coordination = 1;
    s.coaches.coordination_success_gain = 0;
    check_success(0.5);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("success_loss_per_extra_professional: success p - loss (P - 1) with P professionals",
          "[mechanisms]") {
  // Every household seeks help in week 1 and arrives at once; a second agency serving the domain opens a
  // duplicate case with probability 1, so the household has P = 2 professionals (its case and the
  // duplicate). Admitted at the end of week 1, the one-week treatment ends in week 2 and succeeds with
  // 0.5 - 0.2 (2 - 1) = 0.3; with no duplicate (P = 1) or no loss, 0.5. Resolved in week 2 ~ Binomial(N, s).
  const int n = 10000;
  Scenario s = test::quiet_cohort(n);
  s.domains[0].seek_help_per_year = kAtOnce;
  s.agencies[0].treatment_weeks = 1;
  s.agencies[0].success_probability = 0.5;
  Agency second = s.agencies[0];
  second.name = "social_work";
  s.agencies.push_back(second);
  s.fragmentation.success_loss_per_extra_professional = 0.2;
  auto check_success = [&](double p, std::int64_t with_two) {
    const RunResult r = run(s);
    REQUIRE(r.weeks[1].households.professionals[2] == with_two);
    INFO("resolved in week 2: " << r.weeks[2].resolved << ", hand " << n * p);
    CHECK(std::fabs(r.weeks[2].resolved - n * p) < 4 * binomial_sd(n, p));
  };
  SECTION("two professionals: 0.3") {
    s.fragmentation.duplicate_probability = 1;
    check_success(0.3, n);
  }
  SECTION("one professional: no loss, 0.5") {
    s.fragmentation.duplicate_probability = 0;
    check_success(0.5, 0);
  }
  SECTION("no loss per professional: 0.5 with two") {
    s.fragmentation.duplicate_probability = 1;
    s.fragmentation.success_loss_per_extra_professional = 0;
    check_success(0.5, n);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("rung and clustering factors: incidence x rung_factor^(6 - rung) x clustering_factor^(problems)",
          "[mechanisms]") {
  // Two identical domains; every household starts with a problem in one of them (which one does not matter)
  // and nothing else happens but new problems in the other, at the yearly rate
  //     0.05 x rung_factor^(6 - rung) x clustering_factor^1.
  // A household gets at most that one new problem (then both domains are taken), so new problems up to week
  // 52 ~ Binomial(N, 1 - exp(-rate)) (52 weeks of weekly probability 1 - exp(-rate / 52)).
  const int n = 10000;
  Scenario s = test::quiet_cohort(n);
  add_second_domain(s);
  for (Domain& d : s.domains) d.incidence_per_year = 0.05;
  auto check_rate = [&](double rate) {
    const RunResult r = run(s);
    std::int64_t new_problems = 0;
    for (int w = 1; w <= 52; ++w) new_problems += r.weeks[w].new_problems;
    const double p = 1 - std::exp(-rate);
    INFO("new problems in a year: " << new_problems << ", hand " << n * p << " (rate " << rate << ")");
    CHECK(std::fabs(new_problems - n * p) < 4 * binomial_sd(n, p));
  };
  SECTION("rung 3, rung factor 2, clustering 3: 0.05 x 8 x 3 = 1.2 a year") {
    s.population.rung_shares = {0, 0, 1, 0, 0, 0};
    for (Domain& d : s.domains) d.rung_factor = 2, d.clustering_factor = 3;
    check_rate(1.2);
  }
  SECTION("rung 3, rung factor 2 only: 0.4") {
    s.population.rung_shares = {0, 0, 1, 0, 0, 0};
    for (Domain& d : s.domains) d.rung_factor = 2;
    check_rate(0.4);
  }
  SECTION("rung 6 (no rung below 6), rung factor 2, clustering 3: 0.15") {
    for (Domain& d : s.domains) d.rung_factor = 2, d.clustering_factor = 3;
    check_rate(0.15);
  }
  SECTION("both off (factors 1), rung 3: 0.05") {
    s.population.rung_shares = {0, 0, 1, 0, 0, 0};
    check_rate(0.05);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("ladder drops: drop_per_year + drop_per_year_per_problem x problems, one rung at a time",
          "[mechanisms]") {
  // Households on rung 6 drop a rung each week with probability p = 1 - exp(-rate / 52), nothing else
  // moving, rate = 0.2 + 0.3 x (their number of problems). In 52 weeks a household cannot reach rung 1 (5
  // drops, probability below 1e-6 here), so the rungs lost are a sum of N x 52 Bernoulli(p):
  // rung_sum(52) = 6 N - Binomial(52 N, p).
  const int n = 10000;
  Scenario s = test::quiet_cohort(n);
  s.ladder.drop_per_year = 0.2;
  s.ladder.drop_per_year_per_problem = 0.3;
  auto check_drops = [&](double rate) {
    const RunResult r = run(s);
    const double p = 1 - std::exp(-rate / 52);
    const double lost = static_cast<double>(6LL * n - r.weeks[52].households.rung_sum);
    INFO("rungs lost " << lost << ", hand " << 52.0 * n * p << " (rate " << rate << ")");
    CHECK(std::fabs(lost - 52.0 * n * p) < 4 * binomial_sd(52.0 * n, p));
  };
  SECTION("one problem: 0.2 + 0.3 = 0.5 a year") {
    check_drops(0.5);
  }
  SECTION("no problem: 0.2 a year") {
    s.population.problem_count_shares = {1.0};
    s.population.professionals_given_problems = {{1, 0, 0, 0}};
    check_drops(0.2);
  }
  SECTION("off: nobody drops") {
    s.ladder.drop_per_year = 0;
    s.ladder.drop_per_year_per_problem = 0;
    CHECK(run(s).weeks[52].households.rung_sum == 6LL * n);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("escalation_drop_probability: each escalation costs a rung with probability q", "[mechanisms]") {
  // Every untreated problem escalates each week with probability 1 - exp(-0.5) = 0.39; with probability
  // q = 0.3 an escalation also costs its household a rung (from rung 6; 4 weeks cannot reach rung 1). So
  // over weeks 1-4 the rungs lost given the escalations E are Binomial(E, q).
  const int n = 10000;
  Scenario s = test::quiet_cohort(n);
  s.domains[0].escalation_per_year = 26;  // weekly hazard 0.5
  s.ladder.escalation_drop_probability = 0.3;
  const RunResult r = run(s);
  std::int64_t escalations = 0;
  for (int w = 1; w <= 4; ++w) escalations += r.weeks[w].escalations[0];
  const double lost = static_cast<double>(6LL * n - r.weeks[4].households.rung_sum);
  INFO("escalations " << escalations << ", rungs lost " << lost << ", hand " << 0.3 * escalations);
  CHECK(escalations > 10000);
  CHECK(std::fabs(lost - 0.3 * escalations) < 4 * binomial_sd(static_cast<double>(escalations), 0.3));
  SECTION("off: escalations cost no rung") {
    s.ladder.escalation_drop_probability = 0;
    CHECK(run(s).weeks[4].households.rung_sum == 6LL * n);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("success and failure change trust by round(255 x success_trust_gain) and -round(255 x loss)",
          "[mechanisms]") {
  // Two problems per household, both sought in week 1 and arriving at once: the money problem at an agency
  // with unlimited places and one-week treatments that succeed with probability 0.5, the health problem at
  // an agency with no places (it waits for ever, so the household is "with help" throughout). In week 2 the
  // money treatment ends: S succeed (counted as resolved), N - S fail. From trust 128 (no recovery):
  //   success +round(255 x 0.1) = +26, failure -round(255 x 0.2) = -51,
  // so, exactly, trust_sum(week 2) = 128 N + 26 S - 51 (N - S), and S ~ Binomial(N, 0.5).
  const int n = 10000;
  Scenario s = test::quiet_cohort(n);
  add_second_domain(s);
  s.population.problem_count_shares = {0, 0, 1};
  s.population.professionals_given_problems = {{1, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}};
  for (Domain& d : s.domains) d.seek_help_per_year = kAtOnce;
  s.agencies[0].domain_mask = 0b01;
  s.agencies[0].treatment_weeks = 1;
  s.agencies[0].success_probability = 0.5;
  Agency waits = s.agencies[0];
  waits.name = "no_places";
  waits.domain_mask = 0b10;
  waits.capacity = 0;
  s.agencies.push_back(waits);
  s.fragmentation.success_trust_gain = 0.1;
  s.fragmentation.failure_trust_loss = 0.2;
  auto check_trust = [&](int up, int down) {
    const RunResult r = run(s);
    const HouseholdMeasures& h = r.weeks[2].households;
    const std::int64_t successes = r.weeks[2].resolved;
    REQUIRE(h.with_help == n);
    CHECK(std::fabs(successes - 0.5 * n) < 4 * binomial_sd(n, 0.5));
    CHECK(h.trust_sum == 128LL * n + up * successes - down * (n - successes));
  };
  SECTION("on") {
    check_trust(26, 51);
  }
  SECTION("off: trust stays 128") {
    s.fragmentation.success_trust_gain = 0;
    s.fragmentation.failure_trust_loss = 0;
    check_trust(0, 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("max_weeks: a coach case closes max_weeks after the admission whatever else happens",
          "[mechanisms]") {
  // The coach takes everybody at the end of week 1 (admission week 1). Their problems never end (referred,
  // treated for ever), so no case closes by quiet: each closes in week 1 + max_weeks = 11, all N at once,
  // and the caseload is empty at the end of that week. Still with a problem, each household is found again
  // in week 12 (outreach at once), admitted at its end, and closes again in week 12 + 10 = 22.
  const int n = 3000;
  Scenario s = test::coached_cohort(n);
  s.coaches.mandate_probability = 1;
  SECTION("max_weeks 10") {
    s.coaches.max_weeks = 10;
    const RunResult r = run(s);
    for (int w = 1; w <= 52; ++w) {
      INFO("week " << w);
      CHECK(r.weeks[w].coach_closed == (w == 11 || w == 22 || w == 33 || w == 44 ? n : 0));
    }
    CHECK(r.weeks[10].coach_caseload == n);
    CHECK(r.weeks[11].coach_caseload == 0);
    CHECK(r.weeks[12].coach_caseload == n);
  }
  SECTION("off (60,000 weeks): no case closes in the year") {
    const RunResult r = run(s);
    for (int w = 1; w <= 52; ++w) CHECK(r.weeks[w].coach_closed == 0);
    CHECK(r.weeks[52].coach_caseload == n);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE(
    "trust.recovery_per_year: trust regains that share of its distance to the usual level a year, in "
    "whole steps",
    "[mechanisms]") {
  // The rule (model/model.h, Model::trust_level): trust set to `base` in week s is, in week t,
  //     base +/- 13 k,   k = floor(|U - base| (1 - (1 - R)^((t - s) / 52)) / 13),
  // toward the usual level U = 0.5 x 255 = 127.5, R = recovery_per_year the share of the distance regained
  // in a year, in whole steps of 13 (kTrustStep). It is checked here against that formula by hand.
  //
  // The initial trust is drawn from N(0.5, sd) clamped to 0..1: with sd = 1e6 every household starts at 0
  // or at 255 (anchored in week 0), n1 of them at 255, so trust_sum(0) = 255 n1. Every household waits for
  // ever at an agency with no places (with help, so counted), nothing else happening; the two groups move
  // toward 127.5 symmetrically, and
  //     trust_sum(w) = n0 x 13 k(w) + n1 x (255 - 13 k(w)),   k(w) = floor(127.5 (1 - (1 - R)^(w/52)) / 13),
  // exactly, every week (N is odd, so n0 != n1 and the sum moves). After a year k = floor(76.5 / 13) = 5.
  const int n = 4001;
  Scenario s = test::quiet_cohort(n);
  s.population.trust_sd = 1e6;
  s.population.professionals_given_problems = {{1, 0, 0, 0}, {0, 1, 0, 0}};
  s.agencies[0].capacity = 0;
  auto k_of = [](double r, int w) {
    return static_cast<std::int64_t>(std::floor(127.5 * (1 - std::pow(1 - r, w / 52.0)) / 13));
  };
  SECTION("0.6 a year") {
    s.population.trust_recovery_per_year = 0.6;
    const RunResult r = run(s);
    REQUIRE(r.weeks[0].households.with_help == n);
    REQUIRE(r.weeks[0].households.trust_sum % 255 == 0);
    const std::int64_t n1 = r.weeks[0].households.trust_sum / 255, n0 = n - n1;
    CHECK(n1 > n / 3);
    CHECK(n0 > n / 3);
    for (int w = 0; w <= 52; ++w) {
      const std::int64_t k = k_of(0.6, w);
      INFO("week " << w << ": " << k << " steps");
      CHECK(r.weeks[w].households.with_help == n);
      CHECK(r.weeks[w].households.trust_sum == n0 * 13 * k + n1 * (255 - 13 * k));
    }
    CHECK(k_of(0.6, 52) == 5);
  }
  SECTION("the usual level a whole number of steps away is never reached: the last step before it") {
    // U = 130/255 x 255 = 130: the households at 0 are 10 steps of 13 from it, so 13 k < 130 gives 9 steps
    // at most (model.md 10.1). With R = 1 the whole recovery comes in week 1; rounding made it 10 (1 - 0 is
    // 1: the exact distance), reaching U. Those at 255 are 125 away: 9 steps, to 138.
    REQUIRE(s.population.neighbourhoods.empty());  // one neighbourhood, of the population's values
    s.population.trust_mean = 130.0 / 255.0;
    s.population.trust_recovery_per_year = 1;
    const RunResult r = run(s);
    const std::int64_t n1 = r.weeks[0].households.trust_sum / 255, n0 = n - n1;
    for (int w = 1; w <= 52; ++w) CHECK(r.weeks[w].households.trust_sum == n0 * 117 + n1 * 138);
  }
  SECTION("off: trust stays where it started") {
    s.population.trust_recovery_per_year = 0;
    const RunResult r = run(s);
    for (int w = 1; w <= 52; ++w) CHECK(r.weeks[w].households.trust_sum == r.weeks[0].households.trust_sum);
  }
}
