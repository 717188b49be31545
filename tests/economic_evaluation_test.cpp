// The economic evaluation (analysis/economic_evaluation.h, `evaluate`) on hand-made figures: a comparator C
// and two interventions I and J of 100 households over 3 policy years, two payers, two replications each.
// Every expected number below is worked out by hand from the figures, in the comments next to it.
//
// Figures, euros for the whole population per policy year (replication 1; replication 2 adds EUR 500 to every
// payer-year of every scenario, and 0.1 to every problem-free year, so the paired differences are the same
// in both replications and their intervals collapse to a point):
//
//                      year 1   year 2   year 3    problem-free household-years per household, per year
//   C  municipality     1,000    1,000    1,000    0.50  0.50  0.50
//      insurer          5,000    5,000    5,000
//   I  municipality     3,100    2,100    1,100    0.60  0.70  0.80
//      insurer          3,000    2,800    2,580
//   J  municipality     2,000    2,000    2,000    0.55  0.55  0.55
//      insurer          5,000    5,000    5,000
//
// Discounting (start of year, year 1 undiscounted): costs 10%, factors 1, 1/1.1, 1/1.21; effects 5%,
// factors 1, 1/1.05, 1/1.1025. Willingness to pay EUR 20,000 per problem-free household-year.
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "wijksim/analysis/economic_evaluation.h"
#include "wijksim/report/economic_tables.h"

using namespace wijksim;

namespace {

constexpr int kYears = 3, kPayers = 2, kHouseholds = 100;

ScenarioShape shape(const char* name) {
  ScenarioShape s;
  s.name = name;
  s.households = kHouseholds;
  s.weeks = kYears * kWeeksPerYear;
  s.years = kYears;
  s.payers = {{"municipality", "Municipality"}, {"insurer", "Insurer"}};
  s.budget = BudgetLayout{kYears, kPayers};
  return s;
}

// One run's figures: cost[payer][year] in euros (booked as one category; the totals filled as
// summary.cpp fills them) and the problem-free years per household per year.
RunMeasures run(const ScenarioShape& sh, std::uint32_t replication, const double (&cost)[kPayers][kYears],
                const double (&free)[kYears], double shift_cost, double shift_free) {
  RunMeasures r;
  r.replication = replication;
  r.figures = sized_measures(sh);
  const BudgetLayout& b = sh.budget;
  for (int p = 0; p < kPayers; ++p)
    for (int y = 0; y < kYears; ++y) {
      const double v = cost[p][y] + shift_cost;
      for (int yy : {y, kYears})
        for (int pp : {p, kPayers})
          for (int k : {static_cast<int>(CostCategory::Coach), kCostCategories})
            r.figures.cost[b.at(yy, pp, k)] += v;
    }
  for (int y = 0; y < kYears; ++y)
    r.figures.problem_free_years[static_cast<std::size_t>(y)] = free[y] + shift_free;
  return r;
}

ScenarioSummary summary(const char* name, const double (&cost)[kPayers][kYears],
                        const double (&free)[kYears]) {
  ScenarioSummary s;
  s.shape = shape(name);
  s.runs = {run(s.shape, 0, cost, free, 0, 0), run(s.shape, 1, cost, free, 500, 0.1)};
  return s;
}

constexpr double kC[kPayers][kYears] = {{1000, 1000, 1000}, {5000, 5000, 5000}};
constexpr double kI[kPayers][kYears] = {{3100, 2100, 1100}, {3000, 2800, 2580}};
constexpr double kJ[kPayers][kYears] = {{2000, 2000, 2000}, {5000, 5000, 5000}};
constexpr double kFreeC[kYears] = {0.50, 0.50, 0.50};
constexpr double kFreeI[kYears] = {0.60, 0.70, 0.80};
constexpr double kFreeJ[kYears] = {0.55, 0.55, 0.55};

Approx exactly(double x) {
  return Approx(x).epsilon(1e-12).margin(1e-9);
}

}  // namespace

TEST_CASE("the economic evaluation by hand: budget impact, discounting, break-even, who pays, ICER, NMB",
          "[economics]") {
  const ScenarioSummary c = summary("C", kC, kFreeC), i = summary("I", kI, kFreeI),
                        j = summary("J", kJ, kFreeJ);
  DecisionInput in;
  in.comparator = 0;
  in.options = {0, 1, 2};
  in.names = {"C", "I", "J"};
  in.summaries = {&c, &i, &j};
  in.utilities = {false, false, false};
  in.economics.discount_costs = 0.10;
  in.economics.discount_effects = 0.05;
  in.economics.willingness_to_pay = 20000;
  in.draws = 1;
  const EconomicEvaluation ev = evaluate({in});
  REQUIRE(ev.groups.size() == 1);
  const DecisionGroup& g = ev.groups[0];
  REQUIRE(g.interventions.size() == 2);
  const InterventionFigures& xi = g.interventions[0];
  const InterventionFigures& xj = g.interventions[1];
  CHECK(g.households == 100);
  CHECK(g.years == 3);

  SECTION("budget impact per payer per year, discounted (all payers: index 2; all years: index 3)") {
    // I - C, municipality: +2,100, +1,100, +100 nominal; discounted 2,100, 1,100/1.1 = 1,000,
    // 100/1.21 = 82.6446281; total 3,182.6446281.
    const auto& mun = xi.budget_impact[0];
    CHECK(mun[0].mean == exactly(2100));
    CHECK(mun[1].mean == exactly(1000));
    CHECK(mun[2].mean == exactly(100 / 1.21));
    CHECK(mun[3].mean == exactly(2100 + 1000 + 100 / 1.21));
    // Insurer: -2,000, -2,200, -2,420 nominal; discounted -2,000, -2,000, -2,000; total -6,000.
    const auto& ins = xi.budget_impact[1];
    CHECK(ins[0].mean == exactly(-2000));
    CHECK(ins[1].mean == exactly(-2000));
    CHECK(ins[2].mean == exactly(-2000));
    CHECK(ins[3].mean == exactly(-6000));
    // All payers: +100, -1,100/1.1 = -1,000, -2,320/1.21 = -1,917.3553719; total -2,817.3553719.
    const auto& all = xi.budget_impact[2];
    CHECK(all[0].mean == exactly(100));
    CHECK(all[1].mean == exactly(-1000));
    CHECK(all[2].mean == exactly(-2320 / 1.21));
    CHECK(all[3].mean == exactly(100 - 1000 - 2320 / 1.21));
    // The paired differences are the same in both replications: the interval is a point.
    CHECK(all[3].lo == exactly(all[3].mean));
    CHECK(all[3].hi == exactly(all[3].mean));
  }

  SECTION("budget difference per payer per year, nominal (the steering group's yearly budget)") {
    // I - C from the tables at the top, not discounted: municipality 3,100 - 1,000 = +2,100, +1,100, +100,
    // total +3,300; insurer -2,000, -2,200, -2,420, total -6,620; all payers +100, -1,100, -2,320, total
    // -3,320.
    const double mun[] = {2100, 1100, 100, 3300}, ins[] = {-2000, -2200, -2420, -6620},
                 all[] = {100, -1100, -2320, -3320};
    REQUIRE(xi.budget_nominal.size() == 3);
    for (int y = 0; y <= kYears; ++y) {
      CHECK(xi.budget_nominal[0][static_cast<std::size_t>(y)].mean == exactly(mun[y]));
      CHECK(xi.budget_nominal[1][static_cast<std::size_t>(y)].mean == exactly(ins[y]));
      CHECK(xi.budget_nominal[2][static_cast<std::size_t>(y)].mean == exactly(all[y]));
    }
    // The same difference in both replications: a point.
    CHECK(xi.budget_nominal[2][1].lo == exactly(-1100));
    CHECK(xi.budget_nominal[2][1].hi == exactly(-1100));
    // J - C: the municipality +1,000 a year, the insurer nothing.
    CHECK(xj.budget_nominal[0][2].mean == exactly(1000));
    CHECK(xj.budget_nominal[1][2].mean == exactly(0));
    // Its table leaves the insurer out, named in the note (a row of "0,00 (same in all runs)" read as a
    // figure where the glance says "no change"); I's keeps both payers.
    for (const Table& t : economic_tables(ev)) {
      if (t.id != "budget_by_year") continue;
      std::vector<std::string> rows;
      for (const Row& r : t.rows) rows.push_back(r.key);
      if (t.scenario == "J") {
        CHECK(rows == std::vector<std::string>{"municipality", "all_payers"});
        CHECK(t.note.ends_with(" Left out, with no change in any year: Insurer."));
      } else {
        CHECK(rows == std::vector<std::string>{"municipality", "insurer", "all_payers"});
        CHECK(t.note.find("Left out") == std::string::npos);
      }
    }
  }

  SECTION("cumulative difference and the break-even year") {
    // I: cumulative 100, -900, -2,817.36: it stays at or below zero from year 2 on (index 1).
    REQUIRE(xi.cumulative.size() == 3);
    CHECK(xi.cumulative[0].mean == exactly(100));
    CHECK(xi.cumulative[1].mean == exactly(-900));
    CHECK(xi.cumulative[2].mean == exactly(-900 - 2320 / 1.21));
    CHECK(xi.break_even_year == 1);
    // J costs EUR 1,000 more every year and saves nothing: 1,000, 1,909.09, 2,735.54; never breaks even.
    CHECK(xj.cumulative[2].mean == exactly(1000 + 1000 / 1.1 + 1000 / 1.21));
    CHECK(xj.break_even_year == -1);
  }

  SECTION("who pays, who saves") {
    // I: the municipality pays (nominal +3,300; discounted +3,182.64, interval excludes 0), the insurer
    // saves (nominal -6,620; discounted -6,000), in both replications.
    REQUIRE(xi.payers.size() == 2);
    CHECK(xi.payers[0].role == PayerRole::Pays);
    CHECK(xi.payers[0].nominal.mean == exactly(3300));
    CHECK(xi.payers[0].discounted.mean == exactly(2100 + 1000 + 100 / 1.21));
    CHECK(xi.payers[0].p_saves == 0);
    CHECK(xi.payers[1].role == PayerRole::Saves);
    CHECK(xi.payers[1].nominal.mean == exactly(-6620));
    CHECK(xi.payers[1].discounted.mean == exactly(-6000));
    CHECK(xi.payers[1].p_saves == 1);
    // All payers together, nominal: +3,300 - 6,620 = -3,320 (the glance's net row).
    CHECK(xi.nominal_all_payers.mean == exactly(3300 - 6620));
    // J: the insurer's costs do not change at all.
    CHECK(xj.payers[1].role == PayerRole::NoChange);
    CHECK(xj.payers[0].role == PayerRole::Pays);
  }

  SECTION("cost and effect per household, ICER and quadrant, net monetary benefit") {
    // Comparator, replication 1: 6,000 a year for all payers, discounted 6,000 (1 + 1/1.1 + 1/1.21) =
    // 16,413.2231405 for 100 households: 164.132231405 each; replication 2 adds 1,000 a year:
    // 191.487603306; mean 177.809917355.
    const double f = 1 + 1 / 1.1 + 1 / 1.21;
    CHECK(g.mean_cost[0] == exactly((6000 * f + 7000 * f) / 2 / 100));
    // Effect: 0.5 (1 + 1/1.05 + 1/1.1025) = 1.42970521542 and 0.6 (...) = 1.71564625850; mean 1.57267573696.
    const double e = 1 + 1 / 1.05 + 1 / 1.1025;
    CHECK(g.mean_effect[0] == exactly((0.5 * e + 0.6 * e) / 2));
    // I - C per household: -2,817.3553719 / 100 = -28.173553719 euros; effect 0.1 + 0.2/1.05 + 0.3/1.1025 =
    // 0.562585034 problem-free household-years: cheaper and better, dominant (SE), no ratio.
    const double di_cost = (100 - 1000 - 2320 / 1.21) / 100, di_effect = 0.1 + 0.2 / 1.05 + 0.3 / 1.1025;
    CHECK(xi.delta_cost.mean == exactly(di_cost));
    CHECK(xi.delta_effect.mean == exactly(di_effect));
    CHECK(xi.icer.quadrant == Quadrant::SE);
    CHECK(std::isnan(xi.icer.value));
    // NMB = 20,000 x 0.562585034 + 28.173553719 = 11,279.874234.
    CHECK(xi.nmb.mean == exactly(20000 * di_effect - di_cost));
    CHECK(xi.p_cost_saving == 1);
    CHECK(xi.p_cost_effective == 1);
    // J - C: 1,000 f / 100 = 27.3553719 euros for 0.05 e = 0.142970522 years: NE, ICER 191.335838.
    CHECK(xj.delta_cost.mean == exactly(1000 * f / 100));
    CHECK(xj.delta_effect.mean == exactly(0.05 * e));
    CHECK(xj.icer.quadrant == Quadrant::NE);
    CHECK(xj.icer.value == exactly((1000 * f / 100) / (0.05 * e)));
    CHECK(xj.nmb.mean == exactly(20000 * 0.05 * e - 1000 * f / 100));
    CHECK(xj.p_cost_saving == 0);
  }

  SECTION("the efficiency frontier: J costs more than I and does less, so it is dominated") {
    REQUIRE(g.frontier.options.size() == 3);
    CHECK(g.frontier.options[1].status == FrontierStatus::Frontier);
    CHECK(g.frontier.options[2].status != FrontierStatus::Frontier);
    // C is dearer than I and does less: dominated too; I alone is on the frontier.
    CHECK(g.frontier.order == std::vector<std::size_t>{1});
  }
}

namespace {

// C as above against one option X of two runs with the figures x1 and x2: two replications of one draw, or
// (draws 2) two draws of one replication each; costs discounted at 10%, effects at 5%. The economic tables
// are made of the evaluation, as `compare` makes them.
struct OneOption {
  EconomicEvaluation ev;
  std::vector<Table> tables;
  const PayerBalance& payer(std::size_t p) const { return ev.groups.at(0).interventions.at(0).payers.at(p); }
  const Row& who_pays_row(std::size_t p) const {
    for (const Table& t : tables)
      if (t.id == "who_pays_who_saves") return t.rows.at(p);
    throw std::logic_error("no who_pays_who_saves table");
  }
};
// C against X, one decision: costs discounted at 10%, effects at 5%, EUR 20,000 per problem-free year.
DecisionInput c_and_x(const ScenarioSummary& c, const ScenarioSummary& x, int draws) {
  DecisionInput in;
  in.comparator = 0;
  in.options = {0, 1};
  in.names = {"C", "X"};
  in.summaries = {&c, &x};
  in.utilities = {false, false};
  in.economics.discount_costs = 0.10;
  in.economics.discount_effects = 0.05;
  in.economics.willingness_to_pay = 20000;
  in.draws = static_cast<std::size_t>(draws);
  return in;
}

OneOption against_c(const double (&x1)[kPayers][kYears], const double (&x2)[kPayers][kYears], int draws = 1) {
  const std::uint32_t second = draws == 2 ? 0 : 1;  // the second run's replication
  ScenarioSummary c, x;
  c.shape = shape("C");
  x.shape = shape("X");
  c.runs = {run(c.shape, 0, kC, kFreeC, 0, 0), run(c.shape, second, kC, kFreeC, 0, 0)};
  x.runs = {run(x.shape, 0, x1, kFreeC, 0, 0), run(x.shape, second, x2, kFreeC, 0, 0)};
  OneOption o{evaluate({c_and_x(c, x, draws)}), {}};
  o.tables = economic_tables(o.ev);
  return o;
}

}  // namespace

TEST_CASE(
    "with fewer than 40 draws a payer's spread is its lowest to its highest draw: a draw of 0 is not "
    "'saves'",
    "[economics]") {
  // Two draws of one replication each. C as above in both draws. I: the municipality as C; the insurer as C
  // in draw 0 and EUR 11.772 less in year 1 of draw 1. Interpolated type-7 percentiles of the insurer's two
  // nominal differences (0 and -11.772) would be -11.478 to -0.294, leaving out the draw of 0; the spread
  // of two draws is -11.772 to 0, which holds zero: no clear change (it saves in 1 of 2 draws).
  constexpr double kI0[kPayers][kYears] = {{1000, 1000, 1000}, {5000, 5000, 5000}};
  constexpr double kI1[kPayers][kYears] = {{1000, 1000, 1000}, {5000 - 11.772, 5000, 5000}};
  const OneOption i = against_c(kI0, kI1, 2);
  const EconomicEvaluation& ev = i.ev;
  REQUIRE(ev.groups.size() == 1);
  REQUIRE(ev.groups[0].interventions.size() == 1);
  const PayerBalance& insurer = ev.groups[0].interventions[0].payers[1];
  CHECK(insurer.nominal.mean == exactly(-11.772 / 2));
  CHECK(insurer.nominal.lo == exactly(-11.772));
  CHECK(insurer.nominal.hi == exactly(0));
  CHECK(insurer.p_saves == 0.5);
  CHECK(insurer.role == PayerRole::Unclear);
  // The municipality's differences are 0 in both draws: no change.
  CHECK(ev.groups[0].interventions[0].payers[0].role == PayerRole::NoChange);
}

TEST_CASE("who pays is of the nominal cash: a payer that pays first and saves more later saves",
          "[economics]") {
  // One draw of two identical replications. C as above. K: the insurer as C; the municipality EUR 1,000 more
  // in year 1, the same in year 2 and EUR 1,100 less in year 3. Nominal: +1,000 + 0 - 1,100 = -100, the
  // municipality's cash over the three years goes down: it saves. Discounted at 10%: 1,000 - 1,100 / 1.21 =
  // +90.91, which read as "pays" while its budget held EUR 100 less (the glance's nominal row said -100).
  constexpr double kK[kPayers][kYears] = {{2000, 1000, -100}, {5000, 5000, 5000}};
  const OneOption k = against_c(kK, kK);
  const PayerBalance& municipality = k.payer(0);
  CHECK(municipality.nominal.mean == exactly(-100));
  CHECK(municipality.discounted.mean == exactly(1000 - 1100 / 1.21));
  CHECK(municipality.role == PayerRole::Saves);
  CHECK(municipality.p_saves == 1);
  // The table says it in words (the same difference in both runs: no chance in it), from the nominal figure.
  const Row& row = k.who_pays_row(0);
  REQUIRE(row.key == "municipality");
  CHECK(row.cells.at(2).text == "saves");
  CHECK(row.cells.at(3).text == "always: a fixed saving");
}

TEST_CASE("the same nominal difference in every run by chance, in other years, is counted, not 'fixed'",
          "[economics]") {
  // C as above, two replications. L: the municipality EUR 1,500 less in year 1 of replication 1 and in year 3
  // of replication 2 (one eviction avoided in each run, in another year). Nominal -1,500 in both runs: its
  // interval has no width. Discounted at 10%: -1,500 and -1,500 / 1.21 = -1,239.67, which differ: the
  // sameness is chance, so the probability is the count "2 of 2 runs", not "always: a fixed saving".
  constexpr double kL1[kPayers][kYears] = {{1000 - 1500, 1000, 1000}, {5000, 5000, 5000}};
  constexpr double kL2[kPayers][kYears] = {{1000, 1000, 1000 - 1500}, {5000, 5000, 5000}};
  const OneOption l = against_c(kL1, kL2);
  const PayerBalance& municipality = l.payer(0);
  CHECK(municipality.nominal.mean == exactly(-1500));
  CHECK(municipality.nominal.lo == exactly(-1500));
  CHECK(municipality.nominal.hi == exactly(-1500));
  CHECK(municipality.discounted.mean == exactly((-1500 - 1500 / 1.21) / 2));
  CHECK(municipality.p_saves == 1);
  const Row& row = l.who_pays_row(0);
  REQUIRE(row.key == "municipality");
  CHECK(row.cells.at(2).text == "saves");
  // A probability over the runs ("2 of 2 runs" when printed), not words.
  CHECK(row.cells.at(3).kind == Cell::Kind::Number);
  CHECK(row.cells[3].stat.mean == 1);
  CHECK(row.cells[3].counted == "runs");
}

TEST_CASE("at a frontier ICER in whole euros the best on average is the option whose ICER it is",
          "[economics]") {
  // C against X, two replications with the same differences: X costs the municipality EUR 1,000.50 more in
  // every year and gives 0.01 more problem-free years a household a year. Per household, discounted: dC =
  // 1,000.5 (1 + 1/1.1 + 1/1.21) / 100 = 27.3690; dE = 0.01 (1 + 1/1.05 + 1/1.1025) = 0.0285941; ICER
  // 957.16, rounded down to the grid's point 957, at which C's expected net benefit is still the higher by
  // 0.16 x 0.0286 = 0.0046 euros: the row is X's, best on average from there on.
  constexpr double kX[kPayers][kYears] = {{2000.5, 2000.5, 2000.5}, {5000, 5000, 5000}};
  constexpr double kFreeX[kYears] = {0.51, 0.51, 0.51};
  ScenarioSummary c, x;
  c.shape = shape("C");
  x.shape = shape("X");
  c.runs = {run(c.shape, 0, kC, kFreeC, 0, 0), run(c.shape, 1, kC, kFreeC, 500, 0.1)};
  x.runs = {run(x.shape, 0, kX, kFreeX, 0, 0), run(x.shape, 1, kX, kFreeX, 500, 0.1)};
  const EconomicEvaluation ev = evaluate({c_and_x(c, x, 1)});
  const DecisionGroup& g = ev.groups.at(0);
  const double f = 1 + 1 / 1.1 + 1 / 1.21, e = 1 + 1 / 1.05 + 1 / 1.1025;
  const double icer = (1000.5 * f / 100) / (0.01 * e);
  REQUIRE(g.frontier.options[1].icer == exactly(icer));
  REQUIRE(std::round(icer) == 957);
  REQUIRE(icer > 957);  // so at 957 C's mean net benefit is the higher
  std::size_t at = g.wtp.size();
  for (std::size_t w = 0; w < g.wtp.size(); ++w)
    if (g.wtp[w] == 957) at = w;
  REQUIRE(at < g.wtp.size());
  CHECK(g.ceaf[at].option == 1);
  // In both runs X's net benefit at 957 is below C's (the differences are the same in both): 0 of 2.
  CHECK(g.ceaf[at].probability_optimal == 0);
  CHECK(g.ceaf[at].expected_nmb == Approx(957 * g.mean_effect[1] - g.mean_cost[1]));
  // The points around it keep the highest expected net benefit: C below, X above.
  CHECK(g.ceaf[at - 1].option == 0);
  CHECK(g.ceaf[at + 1].option == 1);
}
