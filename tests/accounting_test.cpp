// Every euro on exactly one payer: the cost table of a run recomputed from first principles.
//
// test::small_city: payers 0 municipality, 1 housing corporations, 2 health insurers, 3 youth-care funder,
// 4 police/justice, 5 pilot fund. Agencies (all EUR 600 an intake, EUR 60 a case-week, duplicate cases at
// duplicate_cost_share 0.5 = EUR 30 a week) on payers 0, 0, 1, 2, 3, 0. Escalations of the six domains
// cost EUR 7,500 / 14,000 / 7,500 / 10,000 / 40,000 / 1,500 on payers 1, 0, 1, 2, 3, 4. Coaches:
// 3000 / 500 = 6 FTE at EUR 60,000 a year, additional funding on the pilot fund.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "fixtures.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;

namespace {

constexpr int kPayers = 6, kAgencies = 6, kDomains = 6, kPilotFund = 5;
constexpr int kAgencyPayer[kAgencies] = {0, 0, 1, 2, 3, 0};
constexpr int kEscalationPayer[kDomains] = {1, 0, 1, 2, 3, 4};
constexpr Cents kEscalationCost[kDomains] = {750000, 1400000, 750000, 1000000, 4000000, 150000};
constexpr Cents kIntake = 60000, kCaseWeek = 6000, kDuplicateWeek = 3000;
// 6 FTE * EUR 60,000 = EUR 360,000 a year; / 52 = EUR 6,923.0769 a week = 692,308 cents.
constexpr Cents kCoachWeek = 692308;

RunResult run(const Scenario& s) {
  Model m(s);
  return simulate(m, {s.simulation.seed, 0, 0});
}

// Checks one policy week's cost table, cell by cell, against the cost recomputed from the week's counts
// (intakes, escalations) and the previous week's (cases in treatment and open duplicate cases, which pay this
// week). `coach[p]` is the expected coach cost of payer p. tests/mechanisms_test.cpp checks those counts
// themselves against hand counts.
void check_week(const WeekRecord& w, const WeekRecord& prev, const Cents (&coach)[kPayers]) {
  INFO("policy week " << w.week);
  Cents total = 0;
  for (Cents c : w.cost) total += c;
  // Nothing on a payer that does not exist: every cell beyond the six payers is zero.
  for (int p = kPayers; p < kMaxPayers; ++p)
    for (int c = 0; c < kCostCategories; ++c) CHECK(w.cost[p * kCostCategories + c] == 0);

  Cents recomputed = 0;
  for (int p = 0; p < kPayers; ++p) {
    // Coach.
    CHECK(w.cost_of(p, CostCategory::Coach) == coach[p]);
    // Intakes: each intake (own search, bounce at a wrong door, duplicate case, rejected push) is counted at
    // one agency and booked on that agency's payer.
    // Treatment: every case in treatment at the start of the week (= at the end of the previous one) pays a
    // case-week of EUR 60, and every open duplicate case EUR 30, exactly.
    Cents intake = 0, treatment = 0;
    for (int a = 0; a < kAgencies; ++a)
      if (kAgencyPayer[a] == p) {
        intake += w.agencies[a].intakes * kIntake;
        treatment += prev.agencies[a].in_treatment * kCaseWeek + prev.agencies[a].duplicates * kDuplicateWeek;
      }
    CHECK(w.cost_of(p, CostCategory::Intake) == intake);
    // Escalations: each on its domain's payer.
    Cents escalation = 0;
    for (int d = 0; d < kDomains; ++d)
      if (kEscalationPayer[d] == p) escalation += w.escalations[d] * kEscalationCost[d];
    CHECK(w.cost_of(p, CostCategory::Escalation) == escalation);
    CHECK(w.cost_of(p, CostCategory::Treatment) == treatment);
    recomputed += coach[p] + intake + escalation + treatment;
  }
  // The whole table, every payer and category (the cells beyond the six payers included), equals the sum
  // recomputed from the counts: nothing booked twice, nowhere else.
  CHECK(total == recomputed);
}

}  // namespace

TEST_CASE("with coaches (additional funding) every euro is on exactly one payer", "[conservation]") {
  Scenario s = test::small_city(3000, true);
  RunResult r = run(s);
  REQUIRE(r.weeks.size() == 3 * 52 + 1);
  // Costs count from the policy start: the week-0 record (end of the warm-up) has none.
  for (Cents c : r.weeks[0].cost) CHECK(c == 0);
  const Cents coach[kPayers] = {0, 0, 0, 0, 0, kCoachWeek};
  std::int64_t intakes = 0, escalations = 0;
  for (std::size_t w = 1; w < r.weeks.size(); ++w) {
    check_week(r.weeks[w], r.weeks[w - 1], coach);
    for (int a = 0; a < kAgencies; ++a) intakes += r.weeks[w].agencies[a].intakes;
    for (int d = 0; d < kDomains; ++d) escalations += r.weeks[w].escalations[d];
  }
  // The checks are not vacuous: the run has intakes, escalations and duplicate cases to account for.
  CHECK(intakes > 1000);
  CHECK(escalations > 100);
  std::int64_t duplicate_weeks = 0;
  for (const WeekRecord& w : r.weeks)
    for (int a = 0; a < kAgencies; ++a) duplicate_weeks += w.agencies[a].duplicates;
  CHECK(duplicate_weeks > 100);
}

TEST_CASE("without coaches there is no coach cost and nothing on the pilot fund", "[conservation]") {
  Scenario s = test::small_city(3000, false);
  RunResult r = run(s);
  const Cents coach[kPayers] = {0, 0, 0, 0, 0, 0};
  for (std::size_t w = 1; w < r.weeks.size(); ++w) {
    check_week(r.weeks[w], r.weeks[w - 1], coach);
    for (int c = 0; c < kCostCategories; ++c) CHECK(r.weeks[w].cost[kPilotFund * kCostCategories + c] == 0);
  }
}

TEST_CASE(
    "with coaches paid by reallocation the coach cost is split over the agencies' payers and sums to "
    "the coach budget",
    "[conservation]") {
  // Each agency pays 1/6 of EUR 360,000 a year. Payer 0 carries three agencies (1/2), payers 1, 2, 3 one
  // each (1/6): EUR 3,461.5385 and EUR 1,153.8462 a week. The parts must add up to the coach budget of
  // 692,308 cents a week (every euro on exactly one payer, none created by rounding).
  Scenario s = test::small_city(3000, true);
  s.coaches.funding = Funding::Reallocated;
  Model m(s);
  const std::vector<Cents>& weekly = m.coach_phases().front().cost_per_week;
  Cents sum = 0;
  for (Cents c : weekly) sum += c;
  INFO("coach cost per payer a week: " << weekly[0] << " " << weekly[1] << " " << weekly[2] << " "
                                       << weekly[3] << " " << weekly[4] << " " << weekly[5] << "; sum "
                                       << sum);
  CHECK(weekly[kPilotFund] == 0);
  CHECK(weekly[4] == 0);
  // Each payer's part within a cent of its exact share.
  CHECK(std::fabs(static_cast<double>(weekly[0]) - 36000000.0 / 2 / 52) <= 1.0);
  for (int p = 1; p <= 3; ++p) CHECK(std::fabs(static_cast<double>(weekly[p]) - 36000000.0 / 6 / 52) <= 1.0);
  CHECK(sum == kCoachWeek);

  RunResult r = simulate(m, {s.simulation.seed, 0, 0});
  Cents coach[kPayers];
  for (int p = 0; p < kPayers; ++p) coach[p] = weekly[p];
  for (std::size_t w = 1; w < r.weeks.size(); ++w) check_week(r.weeks[w], r.weeks[w - 1], coach);
}
