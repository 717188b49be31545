// Budgets by hand: each funding basis of an agency (a budget per place, or payment per intake and case-week)
// and each funding mode of the coaches (additional money, or reallocated from the agencies), on a population
// whose every household sits in one endless treatment, so every euro of every week is known in advance.
#include <catch2/catch.hpp>

#include <string>

#include "fixtures.h"
#include "wijksim/analysis/economic_evaluation.h"
#include "wijksim/analysis/summary.h"
#include "wijksim/model/model.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;

namespace {

// 100 households, each with one problem at the start that it takes at once to the one agency (200 places,
// EUR 50 a place-week, EUR 100 an intake), whose treatment never ends in practice: from the policy start
// every household is in treatment and none waits, every week. Two payers: the municipality (the agency's) and
// a pilot fund. 2 policy years after a 1-year warm-up (whose costs are not kept).
constexpr int kHouseholds = 100;
constexpr int kPlaces = 200;
constexpr Cents kPlaceWeek = 5000;  // cents
constexpr int kWeeks = 2 * 52;

Scenario endless_treatment(AgencyFunding funding) {
  Scenario s = test::single_queue(kHouseholds, 0.0, kPlaces, 1e12);
  s.payers = {{"municipality", "Municipality"}, {"pilot_fund", "Coach fund"}};
  s.agencies[0].funding = funding;
  s.population.problem_count_shares = {0.0, 1.0};  // every household one problem at the start
  s.population.professionals_given_problems = {{1, 0, 0, 0}, {1, 0, 0, 0}};
  s.simulation.years = 2;
  s.simulation.warmup_years = 1;
  s.coaches.notice_per_week = {0};
  s.coaches.solve_per_week = {0};
  return s;
}

// Coaches who never meet anybody (no outreach, nobody asks): 2 FTE at EUR 65,000 a year, EUR 130,000 a year
// or exactly 250,000 cents a week.
Scenario with_coaches(Scenario s, Funding mode) {
  s.name += "-coaches";
  s.coaches.enabled = true;
  s.coaches.fte = 2;
  s.coaches.teams = 1;
  s.coaches.caseload_norm_per_fte = 10;
  s.coaches.caseload_cap_per_fte = 20;
  s.coaches.cost_per_fte_year = euros_to_cents(65000);
  s.coaches.funding = mode;
  s.coaches.funding_payer = 1;  // the pilot fund, under additional funding
  s.coaches.outreach_per_year = 0;
  s.coaches.self_referral_per_year = 0;
  s.coaches.max_weeks = 52;
  s.agencies[0].reallocation_share = 1.0;
  return s;
}
constexpr Cents kCoachWeek = 250000;  // 13,000,000 cents a year / 52
// Reallocated: the agency gives up as many places as the coach budget buys, EUR 130,000 / (EUR 50 x 52) = 50.
constexpr int kCut = 50;

Cents policy_cost(const RunResult& r, int payer, CostCategory c) {
  Cents sum = 0;
  for (std::size_t w = 1; w < r.weeks.size(); ++w) sum += r.weeks[w].cost_of(payer, c);
  return sum;
}

RunResult run(const Scenario& s, std::uint32_t replication = 0) {
  return simulate(Model(s), {s.simulation.seed, 0, replication});
}

}  // namespace

TEST_CASE("budgets by hand: a capacity-funded agency costs its places, used or not", "[budget]") {
  const RunResult r = run(endless_treatment(AgencyFunding::Capacity));
  REQUIRE(r.weeks[1].agencies[0].in_treatment == kHouseholds);  // the set-up holds: all in treatment
  for (std::size_t w = 1; w < r.weeks.size(); ++w) {
    CHECK(r.weeks[w].cost_of(0, CostCategory::Capacity) == kPlaces * kPlaceWeek);  // 200 places, not 100 used
    CHECK(r.weeks[w].cost_of(0, CostCategory::Treatment) == 0);
    CHECK(r.weeks[w].cost_of(0, CostCategory::Intake) == 0);
    CHECK(r.weeks[w].cost_of(1, CostCategory::Coach) == 0);
  }
}

TEST_CASE("budgets by hand: an activity-funded agency costs its case-weeks", "[budget]") {
  const RunResult r = run(endless_treatment(AgencyFunding::Activity));
  for (std::size_t w = 1; w < r.weeks.size(); ++w) {
    CHECK(r.weeks[w].cost_of(0, CostCategory::Treatment) == kHouseholds * kPlaceWeek);  // 100 used
    CHECK(r.weeks[w].cost_of(0, CostCategory::Capacity) == 0);
  }
}

TEST_CASE("budgets by hand: additional funding puts the coach bill on its payer, agencies untouched",
          "[budget]") {
  for (AgencyFunding f : {AgencyFunding::Capacity, AgencyFunding::Activity}) {
    const Scenario base = endless_treatment(f);
    const RunResult b = run(base), c = run(with_coaches(base, Funding::Additional));
    CHECK(policy_cost(c, 1, CostCategory::Coach) == kWeeks * kCoachWeek);
    CHECK(policy_cost(c, 0, CostCategory::Coach) == 0);
    for (CostCategory k : {CostCategory::Capacity, CostCategory::Treatment, CostCategory::Intake})
      CHECK(policy_cost(c, 0, k) == policy_cost(b, 0, k));
  }
}

TEST_CASE("budgets by hand: reallocation pays the coaches from the agency's places", "[budget]") {
  SECTION("capacity-funded: the bill on the agency's payer, its budget cut by as much; cash stays level") {
    const Scenario s = with_coaches(endless_treatment(AgencyFunding::Capacity), Funding::Reallocated);
    const Model m(s);
    REQUIRE(m.coach_phases().size() == 1);
    CHECK(m.coach_phases()[0].capacity[0] == kPlaces - kCut);
    CHECK(m.coach_phases()[0].cost_per_week[0] == kCoachWeek);
    CHECK(m.coach_phases()[0].cost_per_week[1] == 0);
    const RunResult r = run(s);
    for (std::size_t w = 1; w < r.weeks.size(); ++w) {
      CHECK(r.weeks[w].cost_of(0, CostCategory::Capacity) == (kPlaces - kCut) * kPlaceWeek);  // 750,000
      CHECK(r.weeks[w].cost_of(0, CostCategory::Coach) == kCoachWeek);                        // 250,000
      CHECK(r.weeks[w].agencies[0].capacity == kPlaces - kCut);
    }
    // 750,000 + 250,000 = 1,000,000 cents a week, the agency's whole budget before: no cash saved or spent.
    CHECK(policy_cost(r, 0, CostCategory::Capacity) + policy_cost(r, 0, CostCategory::Coach) ==
          kWeeks * kPlaces * kPlaceWeek);
  }
  SECTION("activity-funded: the bill on its payer, on top of the case-weeks it still pays") {
    const Scenario s = with_coaches(endless_treatment(AgencyFunding::Activity), Funding::Reallocated);
    const RunResult r = run(s);
    for (std::size_t w = 1; w < r.weeks.size(); ++w) {
      CHECK(r.weeks[w].cost_of(0, CostCategory::Coach) == kCoachWeek);
      CHECK(r.weeks[w].cost_of(0, CostCategory::Treatment) == kHouseholds * kPlaceWeek);  // 100 < 150 places
      CHECK(r.weeks[w].agencies[0].capacity == kPlaces - kCut);
    }
  }
  SECTION("a cut larger than the agency's capacity is refused") {
    Scenario s = with_coaches(endless_treatment(AgencyFunding::Capacity), Funding::Reallocated);
    s.agencies[0].capacity = 40;  // the coaches take 50
    CHECK(reallocation_problem(s) ==
          "paying 2 coach FTE by reallocation takes 50 places from debt_counselling, which has 40: lower its "
          "reallocation_share or the coaches' FTE, or fund them additionally");
    s.agencies[0].capacity = 50;
    CHECK(reallocation_problem(s).empty());
  }
  SECTION("a cut larger than the agency's capacity is refused in a scenario file, at its funding key") {
    const std::string yaml =
        "extends: pilot.yaml\n"
        "name: too-many-coaches\n"
        "coaches:\n"
        "  fte: 400\n"
        "  funding: reallocated\n";
    try {
      ScenarioSource::load_string(yaml, std::string(WIJKSIM_SOURCE_DIR) + "/scenarios/too-many.yaml");
      FAIL("expected the reallocation to be refused");
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      CHECK(e.diagnostics()[0].key == "coaches.funding");
      CHECK(e.diagnostics()[0].message.find("paying 400 coach FTE by reallocation takes") == 0);
      CHECK(e.diagnostics()[0].where.line == 5);
    }
  }
}

TEST_CASE("budgets by hand: who pays, who saves, from the runs' budgets", "[budget]") {
  // Two replications each (identical here: nothing is random in these budgets), compared paired.
  auto summary = [](const Scenario& s) { return summarise(s, std::vector<RunResult>{run(s, 0), run(s, 1)}); };
  auto balance = [](const ScenarioSummary& comparator, const ScenarioSummary& option) {
    DecisionInput d;
    d.options = {0, 1};
    d.names = {comparator.shape.name, option.shape.name};
    d.summaries = {&comparator, &option};
    d.utilities = {false, false};
    d.economics.discount_costs = 0.03;
    d.economics.discount_effects = 0.015;
    return evaluate({d}).groups.at(0).interventions.at(0).payers;
  };
  const Scenario base = endless_treatment(AgencyFunding::Capacity);
  const ScenarioSummary b = summary(base);
  SECTION("additional: the pilot fund pays 2 years of the coach bill; the municipality's cash is unchanged") {
    const std::vector<PayerBalance> p = balance(b, summary(with_coaches(base, Funding::Additional)));
    CHECK(p[1].nominal.mean == Approx(kWeeks * kCoachWeek / 100.0));  // EUR 260,000
    CHECK(p[1].role == PayerRole::Pays);
    CHECK(p[0].nominal.mean == 0);
    CHECK(p[0].role == PayerRole::NoChange);
    // Discounted at 3%: year 1 undiscounted, year 2 by 1/1.03: EUR 130,000 (1 + 1/1.03) = 256,213.59.
    CHECK(p[1].discounted.mean == Approx(130000.0 * (1 + 1 / 1.03)));
  }
  SECTION("reallocated from a capacity-funded agency: nobody's cash moves") {
    const std::vector<PayerBalance> p = balance(b, summary(with_coaches(base, Funding::Reallocated)));
    CHECK(p[0].nominal.mean == 0);
    CHECK(p[0].role == PayerRole::NoChange);
    CHECK(p[1].nominal.mean == 0);
  }
}
