// Each of the brief's mechanisms switched off and on in a set-up that isolates it
// (tests/mechanism_fixtures.h: a cohort with one problem each in one domain, everything else off), with the
// direction and the size of its effect checked against a figure derived by hand from the parameters.
//
// Monte Carlo tolerances are 4 standard errors of the quantity compared, computed from the distribution
// the hand derivation gives (binomial, geometric, ...): a correct model fails one with probability ~6e-5.
// Timing conventions used throughout, read off household_step.cpp and simulation.cpp: week 0 is the drawn
// population (with the initial waiting lists served); in week w every household is stepped (phase 1) and
// then agency places and coach places are handed out (phase 2). So a household found by outreach in week 1
// is admitted to the caseload at the end of week 1 and meets the coach from week 2.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "mechanism_fixtures.h"
#include "temp_dir.h"
#include "wijksim/scenario/scenario_source.h"
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

std::int64_t total_intakes(const WeekRecord& w, int agencies) {
  std::int64_t n = 0;
  for (int a = 0; a < agencies; ++a) n += w.agencies[a].intakes;
  return n;
}

// An agency that serves no domain: where a bounce lands.
Agency wrong_door() {
  Agency a;
  a.funding = AgencyFunding::Activity;  // paid per intake and case-week: every euro of work booked
  a.name = "wrong_door";
  a.domain_mask = 0;
  a.capacity = 1000;
  a.intake_cost = euros_to_cents(300);
  a.cost_per_case_week = euros_to_cents(40);
  a.treatment_weeks = 10;
  a.success_probability = 1;
  a.payer = test::kInsurer;
  return a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("bounces: expected p + p^2 + ... + p^k per episode, each a delay and an intake at the wrong door",
          "[mechanisms]") {
  // Cohort of N households, each seeking help for its problem in week 1 (seek probability 1). Each attempt
  // lands at the wrong door with probability p, up to k attempts; the number of bounces X is a geometric
  // count truncated at k: P(X = j) = p^j (1 - p) for j < k, P(X = k) = p^k, so E[X] = p + p^2 + ... + p^k.
  // Each bounce adds bounce_weeks to the search, so a household with j bounces joins the right agency's list
  // in week 1 + j * bounce_weeks, and each bounce books an intake at the wrong door (its payer: insurer) and
  // costs round(0.05 * 255) = 13 trust points (trust starts at 128/255).
  const int n = 20000;
  Scenario s = test::quiet_cohort(n);
  s.domains[0].seek_help_per_year = 1e9;  // weekly probability exactly 1
  s.agencies.push_back(wrong_door());
  s.fragmentation.bounce_weeks = 4;
  s.fragmentation.bounce_trust_loss = 0.05;

  SECTION("p = 0.5, k = 3: 0.875 bounces per search, and a search given up after 3 wrong doors") {
    s.fragmentation.wrong_agency_probability = 0.5;
    s.fragmentation.max_bounces = 3;
    RunResult r = run(s);
    // The first search (week 1): 0 bounces arrive in week 1; 1 or 2 bounces set out for a later week (5 or
    // 9); after 3 wrong doors the household gives up (its problem stays unnoticed) and, seeking every week,
    // searches again in week 2, and so on.
    const std::int64_t at_once = r.weeks[1].agencies[0].referrals, gave_up = r.weeks[1].gave_up;
    const std::int64_t later = n - at_once - gave_up;  // one or two bounces
    const std::int64_t bounces = r.weeks[1].bounces;
    // bounces = later_1 + 2 later_2 + 3 gave_up with later_1 + later_2 = later.
    CHECK(bounces - 3 * gave_up >= later);
    CHECK(bounces - 3 * gave_up <= 2 * later);
    // Size: E[X] = 0.5 + 0.25 + 0.125 = 0.875; Var[X] = E[X^2] - E[X]^2 = (0.25 + 4 * 0.125 + 9 * 0.125)
    // - 0.875^2 = 1.875 - 0.765625 = 1.109375.
    const double mean = static_cast<double>(bounces) / n;
    INFO("bounces per search " << mean << " (hand 0.875); at once " << at_once << ", later " << later
                               << ", given up " << gave_up);
    CHECK(std::fabs(mean - 0.875) < 4 * std::sqrt(1.109375 / n));
    // (at once, later, given up) against (0.5, 0.375, 0.125): Pearson chi-square, 2 degrees of freedom,
    // below the 0.999 quantile 13.82.
    const double expected_share[3] = {0.5, 0.375, 0.125};
    const std::int64_t seen[3] = {at_once, later, gave_up};
    double chi2 = 0;
    for (int j = 0; j < 3; ++j) {
      const double e = n * expected_share[j];
      chi2 += (seen[j] - e) * (seen[j] - e) / e;
    }
    CHECK(chi2 < 13.82);
    // Those who gave up search again in week 2, by the same law: 1/8 of them give up again, 1/2 arrive.
    CHECK(std::fabs(r.weeks[2].gave_up - gave_up / 8.0) < 4 * std::sqrt(gave_up * 0.125 * 0.875));
    CHECK(std::fabs(r.weeks[2].agencies[0].referrals - gave_up / 2.0) < 4 * std::sqrt(gave_up * 0.25));
    // Each bounce is one intake at the wrong door, EUR 300 on its payer, to the cent; the right agency's
    // intakes (EUR 500 on the municipality) come with the arrivals.
    CHECK(r.weeks[1].agencies[1].intakes == bounces);
    CHECK(r.weeks[1].cost_of(test::kInsurer, CostCategory::Intake) == bounces * euros_to_cents(300));
    for (int w : {1, 5, 9})
      CHECK(r.weeks[w].cost_of(test::kMunicipality, CostCategory::Intake) ==
            r.weeks[w].agencies[0].referrals * euros_to_cents(500));
    // Less trust: 13 points (round(0.05 * 255)) a bounce from 128. In week 2 those with help arrived in
    // week 1 without a bounce (trust 128) or in week 2, in a second search without a bounce after three in
    // the first (trust 128 - 39 = 89).
    CHECK(r.weeks[2].households.with_help == at_once + r.weeks[2].agencies[0].referrals);
    CHECK(r.weeks[2].households.trust_sum == 128LL * at_once + 89LL * r.weeks[2].agencies[0].referrals);
  }

  SECTION("k = 1: at most one bounce, p per search, and a bounce is a search given up") {
    s.fragmentation.wrong_agency_probability = 0.5;
    s.fragmentation.max_bounces = 1;
    RunResult r = run(s);
    const double mean = static_cast<double>(r.weeks[1].bounces) / n;
    CHECK(std::fabs(mean - 0.5) < 4 * std::sqrt(0.25 / n));
    CHECK(r.weeks[1].gave_up == r.weeks[1].bounces);
    CHECK(r.weeks[1].agencies[0].referrals + r.weeks[1].gave_up == n);
  }

  SECTION("off (p = 0): no bounce, no cost at the wrong door, everybody arrives in week 1") {
    s.fragmentation.wrong_agency_probability = 0;
    s.fragmentation.max_bounces = 3;
    RunResult r = run(s);
    CHECK(r.weeks[1].bounces == 0);
    CHECK(r.weeks[1].agencies[0].referrals == n);
    CHECK(r.weeks[1].cost_of(test::kInsurer, CostCategory::Intake) == 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("duplicate intakes: complex_share * duplicate_probability extra intakes per arrival",
          "[mechanisms]") {
  // Two agencies serve the domain (agency 0 on the municipality, agency 1 on the insurer). Half the problems
  // are complex; every household arrives in week 1, and for a complex problem the other agency opens its own
  // case with probability 0.4: expected extra intakes per arrival 0.5 * 0.4 = 0.2. A duplicate case costs
  // duplicate_cost_share = 0.5 of that agency's case-week each week, and is a second professional.
  const int n = 20000;
  Scenario s = test::quiet_cohort(n);
  s.domains[0].seek_help_per_year = 1e9;
  s.domains[0].complex_share = 0.5;
  Agency second = s.agencies[0];
  second.name = "social_work";
  second.payer = test::kInsurer;
  second.intake_cost = euros_to_cents(400);
  second.cost_per_case_week = euros_to_cents(60);
  s.agencies.push_back(second);
  s.fragmentation.duplicate_cost_share = 0.5;

  SECTION("on: 0.2 extra intakes per arrival") {
    s.fragmentation.duplicate_probability = 0.4;
    RunResult r = run(s);
    const WeekRecord& w1 = r.weeks[1];
    const std::int64_t arrivals = w1.agencies[0].referrals + w1.agencies[1].referrals;
    const std::int64_t duplicates = total_intakes(w1, 2) - arrivals;
    REQUIRE(arrivals == n);
    INFO("duplicates " << duplicates << " (hand 0.2 * " << n << " = " << 0.2 * n << ")");
    CHECK(std::fabs(duplicates - 0.2 * n) < 4 * binomial_sd(n, 0.2));
    // A duplicate is a second professional: nobody is waiting (unlimited places), so exactly the households
    // with a duplicate have two.
    CHECK(w1.households.professionals[2] == duplicates);
    CHECK(w1.households.professionals[1] == n - duplicates);
    // Intakes on each agency's payer; in week 2 each case in treatment costs a case-week and each duplicate
    // half of one, at the duplicating agency: duplicates at agency a = its intakes - its arrivals.
    const Cents case_week[2] = {euros_to_cents(40), euros_to_cents(60)};
    const Cents intake[2] = {euros_to_cents(500), euros_to_cents(400)};
    const int payer[2] = {test::kMunicipality, test::kInsurer};
    for (int a = 0; a < 2; ++a) {
      const std::int64_t dup_a = w1.agencies[a].intakes - w1.agencies[a].referrals;
      CHECK(w1.cost_of(payer[a], CostCategory::Intake) == w1.agencies[a].intakes * intake[a]);
      // Treatments never end here, so the duplicates opened in week 1 (counted by hand from the intakes)
      // stay open every week after, each costing half a case-week.
      for (int w = 1; w <= 52; ++w) CHECK(r.weeks[w].agencies[a].duplicates == dup_a);
      for (int w = 2; w <= 52; ++w)
        CHECK(r.weeks[w].cost_of(payer[a], CostCategory::Treatment) ==
              w1.agencies[a].in_treatment * case_week[a] + dup_a * case_week[a] / 2);
    }
  }

  SECTION("off: one intake per arrival") {
    s.fragmentation.duplicate_probability = 0;
    RunResult r = run(s);
    CHECK(total_intakes(r.weeks[1], 2) == n);
    CHECK(r.weeks[1].households.professionals[2] == 0);
  }

  SECTION("the coach's coordination prevents duplicates; without coordination they return") {
    // Coach referrals instead of own search (seek 0), normal route (mandate 0, so with an intake) in week 2.
    // All problems complex (a simple one the coach would solve itself): expected duplicates 0.4 per arrival.
    s.domains[0].seek_help_per_year = 0;
    s.domains[0].complex_share = 1;
    s.coaches.enabled = true;
    s.coaches.outreach_per_year = 1e9;
    s.fragmentation.duplicate_probability = 0.4;
    s.coaches.coordination = 1;
    RunResult coordinated = run(s);
    CHECK(coordinated.weeks[2].agencies[0].referrals + coordinated.weeks[2].agencies[1].referrals == n);
    CHECK(total_intakes(coordinated.weeks[2], 2) == n);
    s.coaches.coordination = 0;  // "extra bureaucracy": the coach is added beside the agencies
    RunResult beside = run(s);
    const std::int64_t duplicates = total_intakes(beside.weeks[2], 2) - n;
    CHECK(std::fabs(duplicates - 0.4 * n) < 4 * binomial_sd(n, 0.4));
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("escalation: a problem of age a weeks escalates with 1 - exp(-e0 (1 + g a/52) / 52)",
          "[mechanisms]") {
  // N untreated problems that never end, all of onset week 0, so in week w the age is w and the number of
  // escalations is Binomial(N, p_w) with p_w = 1 - exp(-e0 (1 + g w / 52) / 52) (escalation does not end a
  // problem). With e0 = 0.5 a year and growth g = 1 a year, the yearly rate is 0.5 at onset, 1.0 at one year
  // and 1.5 at two: about 0.75, 1.25 and 1.75 escalations per problem in years 1, 2 and 3. Each costs
  // EUR 1,000 on the police.
  const int n = 5000;
  Scenario s = test::quiet_cohort(n);
  s.simulation.years = 3;
  s.domains[0].escalation_per_year = 0.5;
  auto p_week = [](double e0, double g, int age) {
    return 1.0 - std::exp(-e0 * (1.0 + g * age / 52.0) / 52.0);
  };

  // From week 2 on the escalation rate may be multiplied by a factor (in treatment).
  auto check_years = [&](const RunResult& r, double g, double factor_from_week2) {
    for (int year = 0; year < 3; ++year) {
      double expected = 0, var = 0;
      std::int64_t observed = 0;
      for (int w = 1 + 52 * year; w <= 52 * (year + 1); ++w) {
        double p = p_week(0.5 * (w >= 2 ? factor_from_week2 : 1.0), g, w);
        expected += n * p;
        var += n * p * (1 - p);
        observed += r.weeks[w].escalations[0];
      }
      INFO("year " << year + 1 << ": escalations " << observed << ", hand " << expected);
      CHECK(std::fabs(observed - expected) < 4 * std::sqrt(var));
    }
  };

  SECTION("with growth") {
    s.domains[0].escalation_growth_per_year = 1.0;
    RunResult r = run(s);
    check_years(r, 1.0, 1.0);
    std::int64_t year1 = 0, year3 = 0;
    for (int w = 1; w <= 52; ++w) year1 += r.weeks[w].escalations[0];
    for (int w = 105; w <= 156; ++w) year3 += r.weeks[w].escalations[0];
    CHECK(year3 > 2 * year1);  // 1.75 / 0.75 = 2.3
    for (std::size_t w = 1; w < r.weeks.size(); ++w)
      CHECK(r.weeks[w].cost_of(test::kPolice, CostCategory::Escalation) ==
            r.weeks[w].escalations[0] * euros_to_cents(1000));
  }

  SECTION("without growth: the same rate every year") {
    s.domains[0].escalation_growth_per_year = 0;
    RunResult r = run(s);
    check_years(r, 0.0, 1.0);
  }

  SECTION("in treatment the escalation rate is multiplied by escalation_in_treatment_factor") {
    // Everybody seeks and is admitted in week 1 (unlimited places), so from week 2 all are in treatment.
    s.domains[0].escalation_growth_per_year = 1.0;
    s.domains[0].seek_help_per_year = 1e9;
    s.fragmentation.escalation_in_treatment_factor = 0.5;
    RunResult r = run(s);
    REQUIRE(r.weeks[1].agencies[0].in_treatment == n);
    check_years(r, 1.0, 0.5);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the mandate: honoured with probability q * cooperation, no intake and priority on the list",
          "[mechanisms]") {
  // N = 6000 households with one complex problem each; about 2/3 start on the agency's waiting list (N1),
  // the other N2 have nobody. The agency has c = 1300 places and one-week treatments that always succeed,
  // and serves 1300 of the old list at the end of weeks 0 and 1 (waits 0 and 1). The coach finds everybody
  // with a problem in week 1 and in week 2 refers the N2 unnoticed problems. With the mandate honoured
  // (probability q * cooperation = 0.8 * 0.75 = 0.6), the referral skips the intake and goes to the priority
  // list; otherwise it takes the normal route (intake, back of the list). So at the end of week 2 the H
  // honoured referrals are admitted first (wait 0) and the remaining 1300 - H places go to the old list,
  // whose entries joined in week 0 (wait 2): wait_weeks(week 2) = 2 * (1300 - H) exactly, with
  // H = referrals - intakes, and H / N2 ~ 0.6.
  const int n = 6000, c = 1300;
  Scenario s = test::coached_cohort(n);
  s.population.professionals_given_problems = {{1, 0, 0, 0}, {1.0 / 3, 2.0 / 3, 0, 0}};
  s.agencies[0].capacity = c;
  s.agencies[0].treatment_weeks = 1;
  s.coaches.mandate_probability = 0.8;
  s.agencies[0].cooperation = 0.75;

  auto week2 = [&](const RunResult& r, std::int64_t& n2, std::int64_t& honoured) {
    n2 = r.initial.professionals[0];
    const AgencyWeek& a = r.weeks[2].agencies[0];
    REQUIRE(a.referrals == n2);
    CHECK(a.coach_referrals == n2);
    honoured = a.referrals - a.intakes;
    const std::int64_t n1 = n - n2;
    REQUIRE(honoured <= c);
    REQUIRE(n1 - 2 * c >= c - honoured);  // enough old entries left to fill the rest
    CHECK(a.admitted == c);
    CHECK(a.wait_weeks == 2 * (c - honoured));
  };

  SECTION("on") {
    RunResult r = run(s);
    std::int64_t n2 = 0, honoured = 0;
    week2(r, n2, honoured);
    const double share = static_cast<double>(honoured) / static_cast<double>(n2);
    INFO("share of coach referrals with no intake and priority " << share << " (hand 0.6), N2 = " << n2);
    CHECK(std::fabs(share - 0.6) < 4 * std::sqrt(0.6 * 0.4 / static_cast<double>(n2)));
  }
  SECTION("off: every coach referral has an intake and queues behind the old list") {
    s.coaches.mandate_probability = 0;
    RunResult r = run(s);
    std::int64_t n2 = 0, honoured = 0;
    week2(r, n2, honoured);
    CHECK(honoured == 0);
    CHECK(r.weeks[2].agencies[0].wait_weeks == 2 * c);
  }
  SECTION("an agency not present locally never honours it") {
    s.agencies[0].presence = 0;
    RunResult r = run(s);
    std::int64_t n2 = 0, honoured = 0;
    week2(r, n2, honoured);
    CHECK(honoured == 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("privacy delay: a referral on the normal route waits privacy_delay_weeks with probability pi",
          "[mechanisms]") {
  // The coach refers every problem in week 2 on the normal route (mandate 0): intake_weeks 2, plus 5 weeks
  // with probability pi = 0.3. So arrivals (with their intakes) happen in week 4 (share 0.7) and week 9
  // (share 0.3) only; mean delay from referral to the list 2 + 0.3 * 5 = 3.5 weeks.
  const int n = 10000;
  Scenario s = test::coached_cohort(n);
  s.agencies[0].intake_weeks = 2;
  s.coaches.privacy_probability = 0.3;
  s.coaches.privacy_delay_weeks = 5;

  SECTION("on") {
    RunResult r = run(s);
    std::int64_t late = r.weeks[9].agencies[0].referrals, on_time = r.weeks[4].agencies[0].referrals;
    CHECK(on_time + late == n);
    double delay = 0;
    std::int64_t arrivals = 0;
    for (std::size_t w = 1; w < r.weeks.size(); ++w) {
      arrivals += r.weeks[w].agencies[0].referrals;
      delay += static_cast<double>(w - 2) * r.weeks[w].agencies[0].referrals;
      CHECK(r.weeks[w].agencies[0].intakes == r.weeks[w].agencies[0].referrals);
    }
    CHECK(arrivals == n);
    INFO("mean delay " << delay / n << " (hand 3.5), late share " << static_cast<double>(late) / n);
    CHECK(std::fabs(late - 0.3 * n) < 4 * binomial_sd(n, 0.3));
    CHECK(std::fabs(delay / n - 3.5) < 4 * 5 * std::sqrt(0.21 / n));
  }
  SECTION("off") {
    s.coaches.privacy_probability = 0;
    RunResult r = run(s);
    CHECK(r.weeks[4].agencies[0].referrals == n);
  }
  SECTION("the mandate bypasses intake and privacy: all on the list in week 2") {
    s.coaches.mandate_probability = 1;
    RunResult r = run(s);
    CHECK(r.weeks[2].agencies[0].referrals == n);
    CHECK(r.weeks[2].agencies[0].intakes == 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
namespace {

// Coach clients from week 2, each with one unnoticed complex problem; every noticed problem is referred
// under the mandate and joins the list the same week. Returns the mean number of weeks with the coach until
// the problem is noticed (week 2 counts as 1), and the number noticed.
double mean_weeks_to_notice(const RunResult& r, std::int64_t& noticed) {
  double sum = 0;
  noticed = 0;
  for (std::size_t w = 2; w < r.weeks.size(); ++w) {
    sum += static_cast<double>(w - 1) * r.weeks[w].agencies[0].referrals;
    noticed += r.weeks[w].agencies[0].referrals;
  }
  return sum / static_cast<double>(noticed);
}

// Geometric number of trials to the first success with probability p: mean 1/p, sd sqrt(1-p)/p.
double geometric_se(double p, double n) {
  return std::sqrt(1 - p) / p / std::sqrt(n);
}

}  // namespace

TEST_CASE("blind spots: a problem noticed with weekly probability p is noticed after 1/p weeks on average",
          "[mechanisms]") {
  const int n = 4000;
  Scenario s = test::coached_cohort(n);
  s.coaches.mandate_probability = 1;
  s.simulation.years = 3;  // 0.8^155 * 4000 problems left unnoticed: none

  SECTION("p = 0.2: 5 weeks") {
    s.coaches.notice_per_week = {0.2};
    RunResult r = run(s);
    std::int64_t noticed = 0;
    double mean = mean_weeks_to_notice(r, noticed);
    INFO("mean weeks to notice " << mean << " (hand 1/0.2 = 5)");
    CHECK(noticed == n);
    CHECK(std::fabs(mean - 5.0) < 4 * geometric_se(0.2, n));
    CHECK(std::fabs(r.weeks[2].agencies[0].referrals - 0.2 * n) < 4 * binomial_sd(n, 0.2));
  }
  SECTION("p = 1 (no blind spot): all in the first week") {
    RunResult r = run(s);
    CHECK(r.weeks[2].agencies[0].referrals == n);
  }
  SECTION("p = 0: never noticed, never referred") {
    s.coaches.notice_per_week = {0.0};
    RunResult r = run(s);
    std::int64_t referred = 0;
    for (const WeekRecord& w : r.weeks) referred += w.agencies[0].referrals;
    CHECK(referred == 0);
  }
}

TEST_CASE("caseload: effectiveness max(min, 1 - slope (load/norm - 1)) scales noticing", "[mechanisms]") {
  // One team of 1 FTE; all N households are in its caseload from the end of week 1 and stay (their
  // problems never end, so no case closes): load/norm = N / norm per FTE. Notice 0.2 a week at full
  // effectiveness; slope 0.5, floor 0.3.
  const int n = 4000;
  Scenario s = test::coached_cohort(n);
  s.coaches.mandate_probability = 1;
  s.coaches.notice_per_week = {0.2};
  s.coaches.overload_slope = 0.5;
  s.coaches.min_effectiveness = 0.3;
  s.simulation.years = 10;

  SECTION("twice the norm: effectiveness 1 - 0.5 * (2 - 1) = 0.5, 1/(0.2 * 0.5) = 10 weeks to notice") {
    s.coaches.caseload_norm_per_fte = n / 2.0;
    RunResult r = run(s);
    std::int64_t noticed = 0;
    double mean = mean_weeks_to_notice(r, noticed);
    INFO("mean weeks to notice " << mean << " (hand 10)");
    CHECK(noticed == n);
    CHECK(r.weeks[1].coach_caseload == n);
    CHECK(std::fabs(mean - 10.0) < 4 * geometric_se(0.1, n));
  }
  SECTION("five times the norm: 1 - 0.5 * 4 < 0.3, so the floor 0.3: 1/(0.2 * 0.3) = 16.7 weeks") {
    s.coaches.caseload_norm_per_fte = n / 5.0;
    RunResult r = run(s);
    std::int64_t noticed = 0;
    double mean = mean_weeks_to_notice(r, noticed);
    INFO("mean weeks to notice " << mean << " (hand 16.67)");
    CHECK(noticed == n);
    CHECK(std::fabs(mean - 1 / 0.06) < 4 * geometric_se(0.06, n));
  }
  SECTION("at the cap new households wait: cap 0.025 * N per FTE takes 100, the rest queue") {
    s.coaches.caseload_norm_per_fte = n;
    s.coaches.caseload_cap_per_fte = n / 40.0;
    RunResult r = run(s);
    for (int w = 1; w <= 52; ++w) {
      CHECK(r.weeks[w].coach_caseload == n / 40);  // nobody leaves: problems never end, no case closes
      CHECK(r.weeks[w].coach_waiting == n - n / 40);
    }
  }
  SECTION("at the norm: full effectiveness, 5 weeks") {
    s.coaches.caseload_norm_per_fte = n;
    RunResult r = run(s);
    std::int64_t noticed = 0;
    double mean = mean_weeks_to_notice(r, noticed);
    CHECK(std::fabs(mean - 5.0) < 4 * geometric_se(0.2, n));
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("outreach uncovers hidden demand: problems that never seek help reach agencies only via coaches",
          "[mechanisms]") {
  // N households with a complex problem they never seek help for. The agency has 500 places. Without
  // coaches nobody is ever referred. With outreach at 2 a year a household is found in week w with
  // probability o (1 - o)^(w-1), o = 1 - exp(-2/52), admitted at the end of that week and referred (the coach
  // notices at once, mandate honoured) the next week: referrals up to week W are Binomial(N, 1 -
  // (1-o)^(W-1)). The waiting list then holds everybody referred beyond the 500 places (treatments never
  // end).
  const int n = 5000, places = 500;
  Scenario s = test::quiet_cohort(n);
  s.agencies[0].capacity = places;
  s.coaches.mandate_probability = 1;
  s.simulation.years = 2;

  auto cumulative = [](const RunResult& r, int upto) {
    std::int64_t k = 0;
    for (int w = 1; w <= upto; ++w) k += r.weeks[w].agencies[0].referrals;
    return k;
  };

  SECTION("baseline: no referral, no waiting list") {
    RunResult r = run(s);
    CHECK(cumulative(r, 104) == 0);
    CHECK(r.weeks[104].agencies[0].waiting == 0);
    CHECK(r.weeks[104].households.with_help == 0);
  }
  SECTION("outreach 2 a year") {
    s.coaches.enabled = true;
    s.coaches.outreach_per_year = 2;
    RunResult r = run(s);
    const double o = 1 - std::exp(-2.0 / 52);
    for (int w : {10, 27, 104}) {
      const double p = 1 - std::pow(1 - o, w - 1);
      INFO("week " << w << ": referred " << cumulative(r, w) << ", hand " << n * p);
      CHECK(std::fabs(cumulative(r, w) - n * p) < 4 * binomial_sd(n, p));
    }
    CHECK(r.weeks[104].agencies[0].waiting == cumulative(r, 104) - places);
    CHECK(r.weeks[104].agencies[0].waiting > 0);  // the scale-up lengthens the waiting list
  }
  SECTION(
      "self-referral 2 a year at trust 128/255, floor 0.2: weekly (1 - exp(-2/52)) * (0.2 + 0.8 * 128/255)") {
    s.coaches.enabled = true;
    s.coaches.self_referral_per_year = 2;
    s.fragmentation.seek_trust_floor = 0.2;
    RunResult r = run(s);
    const double o = (1 - std::exp(-2.0 / 52)) * (0.2 + 0.8 * 128.0 / 255.0);
    for (int w : {10, 27, 104}) {
      const double p = 1 - std::pow(1 - o, w - 1);
      INFO("week " << w << ": referred " << cumulative(r, w) << ", hand " << n * p);
      CHECK(std::fabs(cumulative(r, w) - n * p) < 4 * binomial_sd(n, p));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("activation: coach clients climb the ladder at activation_per_year", "[mechanisms]") {
  // N households on rung 1, each with a problem on a waiting list that never moves (no places), so nothing
  // else happens to them. The coach takes them all at the end of week 1. Each of weeks 2..52 a client climbs
  // one rung with probability a = 1 - exp(-1/52) (activation 1 a year, no other ladder movement), up to rung
  // 6: rungs gained by week 52 = min(5, Binomial(51, a)), whose mean and variance are computed below.
  const int n = 4000;
  Scenario s = test::coached_cohort(n);
  s.population.rung_shares = {1, 0, 0, 0, 0, 0};
  s.population.professionals_given_problems = {{1, 0, 0, 0}, {0, 1, 0, 0}};
  s.agencies[0].capacity = 0;

  SECTION("on") {
    s.coaches.activation_per_year = 1;
    RunResult r = run(s);
    const double a = 1 - std::exp(-1.0 / 52);
    double mean = 0, second = 0;
    for (int k = 0; k <= 51; ++k) {
      double pk = std::exp(std::lgamma(52.0) - std::lgamma(k + 1.0) - std::lgamma(52.0 - k) +
                           k * std::log(a) + (51 - k) * std::log1p(-a));
      double gain = std::min(k, 5);
      mean += pk * gain;
      second += pk * gain * gain;
    }
    const double sd = std::sqrt(second - mean * mean);
    const double gained = static_cast<double>(r.weeks[52].households.rung_sum - n) / n;
    INFO("rungs gained per client " << gained << ", hand " << mean);
    CHECK(r.weeks[1].households.rung_sum == n);
    CHECK(std::fabs(gained - mean) < 4 * sd / std::sqrt(n));
  }
  SECTION("off: nobody moves") {
    RunResult r = run(s);
    CHECK(r.weeks[52].households.rung_sum == n);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("paternalism: incidence times relapse_factor for relapse_weeks after the coach closes the case",
          "[mechanisms]") {
  // N households with a simple problem. The coach finds them in week 1, notices the problem in week 2
  // (first line), solves it in week 3 (solve probability 1) and closes the case the same week (closing after
  // 0 quiet weeks). After the closure, for relapse_weeks = R = 4 weeks (weeks 4, 5, 6, 7), a problem-free
  // household gets a new problem with weekly probability p_f = 1 - exp(-0.052 * 100 / 52) = 1 - exp(-0.1)
  // instead of p = 1 - exp(-0.052/52) = 0.001. Each week w of the window: new problems ~ Binomial(free, p_f)
  // with free = N - with_problem(w - 1). (A household with its one domain taken has no further incidence.)
  const int n = 4000;
  Scenario s = test::coached_cohort(n);
  s.domains[0].complex_share = 0;
  s.domains[0].incidence_per_year = 0.052;
  s.coaches.solve_per_week = {1.0};
  s.coaches.close_after_quiet_weeks = 0;
  s.coaches.relapse_weeks = 4;
  const double p = 1 - std::exp(-0.052 / 52), p_relapse = 1 - std::exp(-0.1);

  auto window = [&](const RunResult& r, double p_week, double& expected, double& sd, std::int64_t& observed) {
    expected = 0;
    double var = 0;
    observed = 0;
    for (int w = 4; w <= 7; ++w) {
      const double free = n - r.weeks[w - 1].households.with_problem;
      expected += free * p_week;
      var += free * p_week * (1 - p_week);
      observed += r.weeks[w].new_problems;
    }
    sd = std::sqrt(var);
  };

  SECTION("on (relapse_factor 100)") {
    s.coaches.relapse_factor = 100;
    RunResult r = run(s);
    REQUIRE(r.weeks[3].coach_closed > n * 0.99);  // nearly all closed in week 3
    double expected = 0, sd = 0;
    std::int64_t observed = 0;
    window(r, p_relapse, expected, sd, observed);
    INFO("new problems in the 4 weeks after closure " << observed << ", hand " << expected << " +- " << sd);
    CHECK(std::fabs(observed - expected) < 4 * sd);
    // The last week of the window on its own: the relapse rate still applies in week 3 + R.
    const double free7 = n - r.weeks[6].households.with_problem;
    INFO("week 7: new problems " << r.weeks[7].new_problems << ", hand " << free7 * p_relapse);
    CHECK(std::fabs(r.weeks[7].new_problems - free7 * p_relapse) < 4 * binomial_sd(free7, p_relapse));
  }
  SECTION("off (relapse_factor 1): the usual incidence, in the window and after it") {
    // Weeks 4 to 52 (not only the 4 of the window, where about 16 new problems are expected: a tolerance of
    // 4 sd there, 16, let a doubled incidence pass). Over 49 weeks about 196 are expected, sd about 14: 4 sd
    // is below half the expectation, so an incidence off by a factor 2 (or 1/2) fails.
    s.simulation.years = 1;
    RunResult r = run(s);
    double expected = 0, var = 0;
    std::int64_t observed = 0;
    for (int w = 4; w <= 52; ++w) {
      const double free = n - r.weeks[w - 1].households.with_problem;
      expected += free * p;
      var += free * p * (1 - p);
      observed += r.weeks[w].new_problems;
    }
    INFO("new problems in weeks 4-52: " << observed << ", hand " << expected << " +- " << std::sqrt(var));
    REQUIRE(4 * std::sqrt(var) < expected / 2);  // the test can tell a factor 2
    CHECK(std::fabs(observed - expected) < 4 * std::sqrt(var));
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("going native: rejected referrals cost an intake and resolve nothing", "[mechanisms]") {
  // The coach notices every unnoticed problem each week from week 2. With probability g the referral is a
  // push the agency rejects: an intake (EUR 500, municipality) and the problem stays unnoticed, to be pushed
  // again next week. Otherwise the referral goes through under the mandate (no intake). So the number of
  // rejected pushes per problem is geometric: mean g / (1 - g), variance g / (1 - g)^2.
  const int n = 4000;
  Scenario s = test::coached_cohort(n);
  s.coaches.mandate_probability = 1;

  SECTION("g = 0.5: one wasted intake per problem on average") {
    s.coaches.going_native_probability = 0.5;
    RunResult r = run(s);
    std::int64_t intakes = 0, referrals = 0;
    for (std::size_t w = 1; w < r.weeks.size(); ++w) {
      intakes += r.weeks[w].agencies[0].intakes;
      referrals += r.weeks[w].agencies[0].referrals;
      CHECK(r.weeks[w].cost_of(test::kMunicipality, CostCategory::Intake) ==
            r.weeks[w].agencies[0].intakes * euros_to_cents(500));
    }
    CHECK(referrals == n);
    const double per_problem = static_cast<double>(intakes) / n;
    INFO("rejected intakes per problem " << per_problem << " (hand 1)");
    CHECK(std::fabs(per_problem - 1.0) < 4 * std::sqrt(2.0 / n));
  }
  SECTION("g = 1: an intake every week, no referral, nothing resolved") {
    s.coaches.going_native_probability = 1;
    RunResult r = run(s);
    for (std::size_t w = 2; w < r.weeks.size(); ++w) {
      CHECK(r.weeks[w].agencies[0].intakes == n);
      CHECK(r.weeks[w].agencies[0].referrals == 0);
      CHECK(r.weeks[w].resolved == 0);
      CHECK(r.weeks[w].households.with_problem == n);
    }
  }
  SECTION("g = 0: no intake at all") {
    RunResult r = run(s);
    std::int64_t intakes = 0;
    for (const WeekRecord& w : r.weeks) intakes += w.agencies[0].intakes;
    CHECK(intakes == 0);
    CHECK(r.weeks[2].agencies[0].referrals == n);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE(
    "funding: reallocation cuts agency places and books the coaches on the agencies' payers, "
    "additional funding books them on the funding payer",
    "[mechanisms]") {
  // 3 FTE at EUR 52,000 a year: EUR 156,000 a year, EUR 3,000 a week.
  // Agency 0 (municipality, EUR 40 a case-week, 200 places) pays share 0.75: EUR 2,250 a week, and gives
  // up round(0.75 * 156,000 / (40 * 52)) = round(56.25) = 56 places -> 144.
  // Agency 1 (insurer, EUR 65 a case-week, 100 places) pays 0.25: EUR 750 a week, and gives up
  // round(0.25 * 156,000 / (65 * 52)) = round(11.54) = 12 places -> 88.
  // All N households start on agency 0's list; treatments last one week and succeed; no new problems. So
  // agency 0 serves 200 at the end of week 0 and then `capacity` a week: waiting(k) = N - 200 - capacity * k.
  const int n = 20000;
  Scenario s = test::quiet_cohort(n);
  s.population.professionals_given_problems = {{1, 0, 0, 0}, {0, 1, 0, 0}};
  s.agencies[0].capacity = 200;
  s.agencies[0].treatment_weeks = 1;
  s.agencies[0].reallocation_share = 0.75;
  Agency second = wrong_door();
  second.name = "mental_health";
  second.capacity = 100;
  second.cost_per_case_week = euros_to_cents(65);
  second.reallocation_share = 0.25;
  s.agencies.push_back(second);
  s.coaches.enabled = true;  // but finding nobody: outreach and self-referral 0
  s.coaches.fte = 3;
  s.coaches.cost_per_fte_year = euros_to_cents(52000);

  SECTION("reallocated") {
    s.coaches.funding = Funding::Reallocated;
    Model m(s);
    CHECK(m.coach_phases().front().capacity == std::vector<int>{144, 88});
    RunResult r = simulate(m, {s.simulation.seed, 0, 0});
    CHECK(r.weeks[0].agencies[0].capacity == 200);
    for (int k = 1; k <= 52; ++k) {
      const WeekRecord& w = r.weeks[k];
      CHECK(w.agencies[0].capacity == 144);
      CHECK(w.agencies[1].capacity == 88);
      CHECK(w.agencies[0].waiting == n - 200 - 144 * k);
      CHECK(w.cost_of(test::kMunicipality, CostCategory::Coach) == euros_to_cents(2250));
      CHECK(w.cost_of(test::kInsurer, CostCategory::Coach) == euros_to_cents(750));
      CHECK(w.cost_of(test::kPilotFund, CostCategory::Coach) == 0);
    }
  }
  SECTION("additional") {
    s.coaches.funding = Funding::Additional;
    Model m(s);
    CHECK(m.coach_phases().front().capacity == std::vector<int>{200, 100});
    RunResult r = simulate(m, {s.simulation.seed, 0, 0});
    for (int k = 1; k <= 52; ++k) {
      const WeekRecord& w = r.weeks[k];
      CHECK(w.agencies[0].capacity == 200);
      CHECK(w.agencies[0].waiting == n - 200 - 200 * k);
      CHECK(w.cost_of(test::kPilotFund, CostCategory::Coach) == euros_to_cents(3000));
      CHECK(w.cost_of(test::kMunicipality, CostCategory::Coach) == 0);
      CHECK(w.cost_of(test::kInsurer, CostCategory::Coach) == 0);
    }
  }
  SECTION(
      "reallocated, a coach budget far larger than the agencies' places cost: every place is cut, none "
      "created by an overflow") {
    // 100,000 FTE at EUR 1 billion (the largest values a scenario may give) against places of EUR 0.01 a
    // week: share * budget / (cost of a place-year) is about 1e17 places, far beyond a 32-bit count.
    s.coaches.funding = Funding::Reallocated;
    s.coaches.fte = 1e5;
    s.coaches.cost_per_fte_year = euros_to_cents(1e9);
    s.agencies[0].cost_per_case_week = 1;
    s.agencies[1].cost_per_case_week = 1;
    // The places taken are counted past what 32 bits hold no more: far more than the agencies have, so the
    // scenario is refused, and a model made anyway has no place left (none created by a wrapped count).
    const Reallocation r = reallocation(s, s.coaches.fte);
    CHECK(r.places[0] > s.agencies[0].capacity);
    CHECK(r.places[1] > s.agencies[1].capacity);
    CHECK(!reallocation_problem(s).empty());
    const Model m(s);
    CHECK(m.coach_phases().front().capacity == std::vector<int>{0, 0});
  }
  SECTION(
      "additional, to the cent: 2.5 FTE at EUR 58,000 = EUR 145,000 / 52 = EUR 2,788.4615 -> 278,846 cents") {
    s.coaches.funding = Funding::Additional;
    s.coaches.fte = 2.5;
    s.coaches.cost_per_fte_year = euros_to_cents(58000);
    s.simulation.warmup_years = 1;
    RunResult r = run(s);
    CHECK(r.weeks[0].cost_of(test::kPilotFund, CostCategory::Coach) == 0);  // not during the warm-up
    for (int k = 1; k <= 52; ++k) CHECK(r.weeks[k].cost_of(test::kPilotFund, CostCategory::Coach) == 278846);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("natural resolution: an untreated problem lasts 1 / (1 - exp(-r/52)) weeks on average",
          "[mechanisms]") {
  // N problems of onset 0, untreated, resolving at r = 2 a year: weekly p = 1 - exp(-2/52) = 0.03774, so a
  // problem is active at the end of weeks 0 .. K-1 with K geometric, E[K] = 1/p = 26.50 weeks. Hence
  // sum over weeks of with_problem / N estimates 1/p (10 years: the tail (1-p)^520 is 2e-9).
  const int n = 4000;
  Scenario s = test::quiet_cohort(n);
  s.domains[0].resolution_per_year = 2;
  s.simulation.years = 10;
  const double p = 1 - std::exp(-2.0 / 52);

  SECTION("untreated") {
    RunResult r = run(s);
    double weeks = 0;
    for (const WeekRecord& w : r.weeks) weeks += w.households.with_problem;
    INFO("mean duration " << weeks / n << " weeks, hand " << 1 / p);
    CHECK(std::fabs(weeks / n - 1 / p) < 4 * geometric_se(p, n));
    CHECK(std::fabs(r.weeks[1].resolved - n * p) < 4 * binomial_sd(n, p));
  }
  SECTION("a problem in treatment does not resolve by itself") {
    s.domains[0].seek_help_per_year = 1e9;
    s.simulation.years = 1;
    RunResult r = run(s);
    // Week 1 it is still untreated (it resolves with p before seeking); from week 2 in treatment.
    const std::int64_t left = r.weeks[1].households.with_problem;
    CHECK(std::fabs((n - left) - n * p) < 4 * binomial_sd(n, p));
    CHECK(r.weeks[52].households.with_problem == left);
  }
}

// ---------------------------------------------------------------------------------------------------------
TEST_CASE("competing processes in one week: resolution first, then help-seeking, each with its own chance",
          "[mechanisms]") {
  // N unnoticed problems from week 0. Each week a problem resolves by itself with p_r = 0.3 and its household
  // seeks help with p_s = 0.5, independently; when both happen in the same week the resolution comes first
  // (household_step.h). Seeking, it reaches the agency the same week (no search, no intake wait) and is
  // treated for ever (no more natural resolution). So in week k, with q = (1 - p_r)(1 - p_s) = 0.35:
  //   resolved by itself:  N q^(k-1) p_r;     sought help:  N q^(k-1) (1 - p_r) p_s.
  // Both weekly probabilities are far from small, so the two events often fall in the same week: this
  // checks the household's race (one draw for the first week, then which fire) against the weekly model.
  const int n = 20000;
  Scenario s = test::quiet_cohort(n);
  const double p_r = 0.3, p_s = 0.5;
  s.domains[0].resolution_per_year = -52 * std::log1p(-p_r);
  s.domains[0].seek_help_per_year = -52 * std::log1p(-p_s);
  RunResult r = run(s);
  const double q = (1 - p_r) * (1 - p_s);
  for (int k = 1; k <= 4; ++k) {
    const double alive = std::pow(q, k - 1);
    const double resolved = n * alive * p_r, sought = n * alive * (1 - p_r) * p_s;
    INFO("week " << k << ": resolved " << r.weeks[k].resolved << " (hand " << resolved << "), sought help "
                 << r.weeks[k].agencies[0].referrals << " (hand " << sought << ")");
    CHECK(std::fabs(r.weeks[k].resolved - resolved) < 4 * binomial_sd(n, alive * p_r));
    CHECK(std::fabs(r.weeks[k].agencies[0].referrals - sought) < 4 * binomial_sd(n, alive * (1 - p_r) * p_s));
  }
  // And in all: a problem resolves before its household seeks help with p_r / (1 - q) = 0.4615.
  std::int64_t resolved = 0;
  for (const WeekRecord& w : r.weeks) resolved += w.resolved;
  CHECK(std::fabs(resolved - n * p_r / (1 - q)) < 4 * binomial_sd(n, p_r / (1 - q)));
}

TEST_CASE("a coach rebuilds trust in steps of 13/255 at trust_gain_per_year / (13/255) steps a year",
          "[mechanisms]") {
  // The coach takes every household at the end of week 1; from week 2 on each client's trust rises by 13
  // (of 255) in a week with p = 1 - exp(-g 255/13 / 52), g = 0.2 a year. Nothing else moves trust (the
  // treatment never ends, nobody bounces). So the mean trust of the clients at the end of week 53 is
  // 128/255 + (13/255) 52 p, with sd (13/255) sqrt(52 p (1 - p)) per client (trust stays below 255: 128 +
  // 13 k > 255 needs k >= 10 steps, P < 1e-3, which the tolerance covers).
  const int n = 5000;
  Scenario s = test::coached_cohort(n);
  s.coaches.trust_gain_per_year = 0.2;
  s.simulation.years = 2;
  RunResult r = run(s);
  const double p = 1 - std::exp(-0.2 * 255.0 / 13 / 52);
  const HouseholdMeasures& h = r.weeks[53].households;
  REQUIRE(h.with_help == n);
  const double mean = static_cast<double>(h.trust_sum) / 255.0 / n;
  const double hand = 128.0 / 255 + 13.0 / 255 * 52 * p;
  INFO("mean trust " << mean << ", hand " << hand);
  CHECK(std::fabs(mean - hand) < 4 * 13.0 / 255 * std::sqrt(52 * p * (1 - p)) / std::sqrt(n) + 1e-3);
  SECTION("off") {
    s.coaches.trust_gain_per_year = 0;
    CHECK(run(s).weeks[53].households.trust_sum == 128LL * n);
  }
}

// A step of the scale-up with fewer teams stops a team (docs/model.md 11.3): its households have no coach
// contact from that week, so none of them is listed again, though a contact may have been drawn for a later
// week while the team worked. Set-up: two neighbourhoods, one household in the first (its team works
// throughout) and the rest in the second, whose team stops after policy year 1: from then on the households
// ever listed can grow by that one household at most.
TEST_CASE("a team that stops working lists nobody", "[mechanisms]") {
  test::TempDir dir("stop");
  const std::string yaml = "extends: " + std::string(WIJKSIM_SOURCE_DIR) +
                           "/scenarios/pilot.yaml\n"
                           "name: stops\n"
                           "population:\n"
                           "  neighbourhoods:\n"
                           "    one: {households: 1}\n"
                           "    rest: {households: 2799}\n"
                           "simulation: {warmup_years: 5, years: 3}\n"
                           "coaches:\n"
                           "  teams: 2\n"
                           "  schedule:\n"
                           "    - {year: 0, teams: 2, fte: 5}\n"
                           "    - {year: 1, teams: 1, fte: 0.1}\n";
  const Scenario s = ScenarioSource::load(dir.write("stops.yaml", yaml)).base();
  REQUIRE(s.coaches.schedule.size() == 2);
  std::int64_t grown_before = 0;
  for (std::uint32_t rep = 0; rep < 4; ++rep) {
    const RunResult r = run(s, rep);
    REQUIRE(r.weeks.size() == 3 * 52 + 1);
    grown_before += r.weeks[52].households.ever_listed - r.weeks[0].households.ever_listed;
    // The step takes effect in policy week 53: what it lists from then on is the one household's at most.
    CHECK(r.weeks[156].households.ever_listed - r.weeks[52].households.ever_listed <= 1);
  }
  CHECK(grown_before > 100);  // while both teams worked, households were found and asked (the check can fail)
}
