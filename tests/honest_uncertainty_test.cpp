// Uncertainty stated no stronger than the runs support: intervals inside the range of what they describe,
// "k of n runs" where runs are few, dominance and break-even with how often they hold. Every expected
// number is worked out by hand (in the comments), not taken from the code.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fixtures.h"
#include "wijksim/analysis/economic_evaluation.h"
#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/analysis/summary.h"
#include "wijksim/report/economic_text.h"
#include "wijksim/report/render.h"

using namespace wijksim;

namespace {
constexpr double kT4 = 2.7764451051977987;  // Student's t, 0.975 quantile, 4 degrees of freedom
}

TEST_CASE("A waiting list's interval stays above zero (log scale)", "[honest]") {
  // Waiting lists of five runs: 3, 5, 6, 9, 7. Mean 6, sd 2.236068, se 1. The plain t interval is
  // 6 -/+ 2.77645 = 3.22355 to 8.77645; on the log scale, half = 2.77645 / 6 = 0.462741 (at most 1):
  // 6 exp(-/+ 0.462741) = 3.777335 to 9.530530.
  const std::vector<double> waiting = {3, 5, 6, 9, 7};
  const Stat plain = describe(waiting);
  CHECK(plain.se == Approx(1.0));
  const Stat s = describe_within(waiting, kNonNegative);
  CHECK(s.mean == Approx(6.0));
  CHECK(s.se == Approx(plain.se));  // the standard error stays on the figure's scale
  CHECK(s.lo == Approx(6 * std::exp(-kT4 / 6)).epsilon(1e-12));
  CHECK(s.hi == Approx(6 * std::exp(kT4 / 6)).epsilon(1e-12));
  CHECK(s.lo == Approx(3.777335).epsilon(1e-6));
  CHECK(s.hi == Approx(9.530530).epsilon(1e-6));
  CHECK(s.cut == 0);  // transformed, not cut: its ends are not marked
}

TEST_CASE("A waiting list's interval too wide for the log scale is the plain one cut at zero", "[honest]") {
  // Five runs: 0, 0, 1, 30, 2. Mean 6.6, sd 13.10725, se 5.86174. The plain t interval, 6.6 -/+ 2.77645 *
  // 5.86174, is -9.67 to 22.87: a negative waiting list. On the log scale half = 2.77645 * 5.86174 / 6.6 =
  // 2.466 > 1, and its upper end 6.6 exp(2.466) = 77.7 runs away: the plain interval, cut at 0.
  const std::vector<double> waiting = {0, 0, 1, 30, 2};
  const Stat plain = describe(waiting);
  CHECK(plain.lo == Approx(-9.674800319).epsilon(1e-9));
  const Stat s = describe_within(waiting, kNonNegative);
  CHECK(s.lo == 0.0);
  CHECK(s.hi == Approx(22.874800319).epsilon(1e-9));
  CHECK(s.cut == kCutLow);  // the end the tables mark
  // Two runs, 0.1 and 10.7 (outside attack 18): mean 5.4, se 5.3, t(0.975, 1) = 12.7062; the log scale gave
  // 5.4 exp(12.47) = 1.4 million. Now 0 to 5.4 + 12.7062 * 5.3 = 72.74.
  const Stat two = describe_within(std::vector<double>{0.1, 10.7}, kNonNegative);
  CHECK(two.lo == 0.0);
  CHECK(two.hi == Approx(5.4 + 12.706204736174707 * 5.3).epsilon(1e-9));
  // A figure bounded above only, mirrored: its interval cut at the upper bound.
  const Interval upper =
      bounded_interval(9, 2, 12.706204736174707, Bounds{-std::numeric_limits<double>::infinity(), 10});
  CHECK(upper.upper == 10.0);
  CHECK(upper.lower == Approx(9 - 12.706204736174707 * 2));
  std::uint8_t cut = 0;
  (void)bounded_interval(9, 2, 12.706204736174707, Bounds{-std::numeric_limits<double>::infinity(), 10},
                         &cut);
  CHECK(cut == kCutHigh);
}

TEST_CASE("A share's interval stays inside [0, 1] (logit scale)", "[honest]") {
  // A share of 0.7 with se 0.02 over 5 runs, on the logit scale: logit(0.7) = 0.847298, half-width
  // 2.77645 * 0.02 / (0.7 * 0.3) = 0.264423, back-transformed 0.641729 to 0.752450.
  const Interval i = bounded_interval(0.7, 0.02, kT4, kUnitInterval);
  CHECK(i.lower == Approx(0.6417285641).epsilon(1e-9));
  CHECK(i.upper == Approx(0.7524498577).epsilon(1e-9));
  // A utilisation of 0.97 with se 0.02: half-width 2.77645 * 0.02 / (0.97 * 0.03) = 1.90821 logits, beyond 1,
  // where the far end runs toward the other bound (it gave 0.827482): the plain 0.97 -/+ 0.0555289 cut to
  // [0, 1], 0.914471 to 1.
  std::uint8_t cut = 0;
  const Interval near = bounded_interval(0.97, 0.02, kT4, kUnitInterval, &cut);
  CHECK(near.lower == Approx(0.9144710979).epsilon(1e-9));
  CHECK(near.upper == 1.0);
  CHECK(cut == kCutHigh);  // 0.97 + 0.0555 passed 1; 0.97 - 0.0555 stayed above 0
  (void)bounded_interval(0.7, 0.02, kT4, kUnitInterval, &cut);
  CHECK(cut == 0);  // the logit scale's interval, not cut
  // Two runs at 99.7% and 100% (an independent check): mean 0.9985, se 0.0015, t(0.975, 1) 12.7062, half
  // 12.73 logits; the logit scale said 0,2% to 100%, now 0.9985 - 12.7062 * 0.0015 = 0.979441 to 1.
  const Stat two = describe_within(std::vector<double>{0.997, 1.0}, kUnitInterval);
  CHECK(two.lo == Approx(0.9794406929).epsilon(1e-9));
  CHECK(two.hi == 1.0);
  // A rung in [1, 6] is the same on (x - 1) / 5; every run at a bound leaves no interval to show.
  CHECK(bounded_interval(1.0, 0.0, kT4, Bounds{1, 6}).lower == 1.0);
  const Interval all_zero = bounded_interval(0.0, 0.1, kT4, kNonNegative);
  CHECK(all_zero.lower == 0.0);
  CHECK(all_zero.upper == 0.0);
  // Unbounded (a difference): mean -/+ t se.
  const Interval d = bounded_interval(-3, 2, kT4, kUnbounded);
  CHECK(d.lower == Approx(-3 - 2 * kT4));
  CHECK(d.upper == Approx(-3 + 2 * kT4));
}

TEST_CASE("A paired difference is cut at its range, marked, never past its mean", "[honest]") {
  // -0.4 (-1.1 to 0.3) with the comparator's mean 0.5: not below -0.5, so -0.5 to 0.3, the low end marked.
  Stat s = test::stat_of(-0.4, -1.1, 0.3);
  cut_to_range(s, Bounds{-0.5, std::numeric_limits<double>::infinity()});
  CHECK(s.lo == -0.5);
  CHECK(s.hi == 0.3);
  CHECK(s.cut == kCutLow);
  // A bound above the mean stops the end at the mean (still cut); both ends at once.
  Stat both = test::stat_of(0.2, -1.0, 1.0);
  cut_to_range(both, Bounds{0.5, 0.6});
  CHECK(both.lo == 0.2);
  CHECK(both.hi == 0.6);
  CHECK(both.cut == (kCutLow | kCutHigh));
  // No width (the same difference in every pair): left as it is, though a bound an ulp off lies past it.
  Stat none = test::stat_of(-0.3, -0.3, -0.3);
  cut_to_range(none, Bounds{-0.29999999999999993, std::numeric_limits<double>::infinity()});
  CHECK(none.lo == -0.3);
  CHECK(none.cut == 0);
}

TEST_CASE("Values outside the bounds keep the plain interval", "[honest]") {
  const std::vector<double> v = {-1, 2, 3};
  const Stat plain = describe(v);
  const Stat s = describe_within(v, kNonNegative);
  CHECK(s.lo == plain.lo);
  CHECK(s.hi == plain.hi);
}

TEST_CASE("A scenario's figures have bounds, its differences none", "[honest]") {
  ScenarioShape shape;
  shape.years = 2;
  shape.payers = {{"a", "A"}};
  shape.agencies = {{"x", "X"}};
  shape.escalation_types = {"eviction"};
  shape.budget = {2, 1};
  const Measures<Bounds> b = figure_bounds(shape);
  CHECK(b.agencies.at(0).waiting.lo == 0);
  CHECK(std::isinf(b.agencies.at(0).waiting.hi));
  CHECK(b.start.with_problem.hi == 1);
  CHECK(b.end.rung.lo == 1);
  CHECK(b.end.rung.hi == 6);
  CHECK(!b.rungs_gained.bounded());  // a difference of rungs
  CHECK(b.cost.size() == shape.budget.size());
}

TEST_CASE("Probabilities from few runs are counts", "[honest]") {
  CHECK(format_probability(1.0, 5, "runs") == "5 of 5 runs");
  CHECK(format_probability(0.0, 5, "runs") == "0 of 5 runs");
  CHECK(format_probability(2.0 / 3.0, 3, "draws") == "2 of 3 draws");
  CHECK(format_probability(0.5, 5, "runs") == "2,5 of 5 runs (ties shared)");  // a tie splits a run
  CHECK(format_probability(19.0 / 19.0, 19, "runs") == "19 of 19 runs");
  CHECK(format_probability(0.91, 1000, "draws") == "91,0%");
  // Below 100: with its count and the exact (Clopper-Pearson) 95% interval, found by bisection on the
  // binomial's exact sums (Python, math.comb): 10 of 20, 27.1958% to 72.8042%; 15 of 20, 50.8954% to
  // 91.3429%.
  CHECK(format_probability(0.5, 20, "draws") == "50,0% (10 of 20 draws; 95%: 27,2 to 72,8%)");
  CHECK(format_probability(0.75, 20, "draws") == "75,0% (15 of 20 draws; 95%: 50,9 to 91,3%)");
  // All or none: with the exact 95% bound, 0.025^(1/20) by hand: ln 0.025 = -3.6889, / 20 =
  // -0.18444, e^-0.18444 = 0.83157; and 1 - 0.025^(1/40) = 1 - e^-0.092222 = 0.08810.
  CHECK(format_probability(1.0, 20, "draws") == "100,0% (20 of 20 draws; 95%: at least 83,2%)");
  CHECK(format_probability(0.0, 40, "draws") == "0,0% (0 of 40 draws; 95%: at most 8,8%)");
  // Below 1,000 draws with the count and interval too, by hand (binomial tails bisected in Python): 25 of
  // 100, 16,878% to 34,655%; all of 100, at least 0.025^(1/100) = 96,378%; all or none of any number carry
  // their bound, 0.025^(1/1000) = 99,632%; from 1,000 draws on otherwise the percentage alone.
  CHECK(format_probability(1.0, 100, "draws") == "100,0% (100 of 100 draws; 95%: at least 96,4%)");
  CHECK(format_probability(0.25, 100, "draws") == "25,0% (25 of 100 draws; 95%: 16,9 to 34,7%)");
  CHECK(format_probability(1.0, 1000, "draws") == "100,0% (1.000 of 1.000 draws; 95%: at least 99,6%)");
  CHECK(format_probability(0.0, 1000, "draws") == "0,0% (0 of 1.000 draws; 95%: at most 0,4%)");
}

TEST_CASE("Dominance is said with how often it holds", "[honest]") {
  std::array<double, 5> share{};
  share[static_cast<std::size_t>(Quadrant::SE)] = 0.91;
  share[static_cast<std::size_t>(Quadrant::NE)] = 0.09;
  CHECK(icer_text(icer(-1000, 0.5), "unit", share, 1000, "draws") ==
        "dominant in 91,0% of draws (mean: saves € 1.000, gains 0,5 units)");
  std::array<double, 5> few{};
  few[static_cast<std::size_t>(Quadrant::NW)] = 0.6;
  few[static_cast<std::size_t>(Quadrant::SE)] = 0.4;
  // A EUR 4 difference that a few runs call dominated: the count says how weak that is.
  CHECK(icer_text(icer(4, -0.001), "unit", few, 5, "runs") ==
        "dominated in 3 of 5 runs (mean: costs € 4,00 more, loses 0,001 units)");
}

TEST_CASE(
    "break_even_of: the first year from which every interval lies below zero, and whether it earns back",
    "[honest]") {
  auto year = [](double mean, double lo, double hi) { return test::stat_of(mean, lo, hi); };
  auto of = [](std::vector<Stat> c) { return break_even_of(c); };
  // Every interval includes zero: none, though the means fall below zero.
  CHECK(of({year(24, -141, 191), year(-170, -588, 248)}).year == -1);
  // Below zero from year 2 (index 1), after a year that cost more on average: it breaks even.
  const BreakEven outlay = of({year(24, -141, 191), year(-300, -500, -100), year(-600, -900, -300)});
  CHECK(outlay.year == 1);
  CHECK(outlay.outlay);
  // The same with year 1's mean below zero: nothing to earn back.
  const BreakEven saves = of({year(-24, -191, 141), year(-300, -500, -100), year(-600, -900, -300)});
  CHECK(saves.year == 1);
  CHECK_FALSE(saves.outlay);
  // Below zero in year 2 but not in year 3: it must hold in every later year, so none.
  CHECK(of({year(24, -141, 191), year(-300, -500, -100), year(-50, -300, 200)}).year == -1);
  // Below zero from year 1: no year before it, so no outlay.
  const BreakEven first = of({year(-300, -500, -100), year(-600, -900, -300)});
  CHECK(first.year == 0);
  CHECK_FALSE(first.outlay);
  // One run has no interval (NaN bounds): none.
  Stat one;
  one.mean = -100;
  one.n = 1;
  CHECK(of({one, one}).year == -1);
  CHECK(of({}).year == -1);
}

TEST_CASE("Break-even only where the cumulative interval lies below zero", "[honest]") {
  auto year = [](double mean, double lo, double hi) { return test::stat_of(mean, lo, hi); };
  InterventionFigures x;
  // The mean is below zero from year 2, but every year's interval includes zero.
  x.cumulative = {year(24, -141, 191), year(-170, -588, 248), year(-402, -1090, 286)};
  x.p_broken_even = {0.4, 0.6, 0.8};
  x.break_even_year = -1;
  CHECK(break_even_text(x, 3, 5, "runs") ==
        "no break-even shown: the interval includes zero in every year; below zero by year 3 in 4 of 5 runs");
  // The interval lies below zero from year 2 on.
  x.cumulative = {year(24, -141, 191), year(-300, -500, -100), year(-600, -900, -300)};
  x.p_broken_even = {0.4, 1.0, 1.0};
  x.break_even_year = 1;
  CHECK(
      break_even_text(x, 3, 5, "runs") ==
      "breaks even in year 2 (the 95% interval lies below zero from then on; below zero by year 3 in 5 of 5 "
      "runs)");
  // Over draws the interval is their spread (14.3), said as such: the 2,5 to 97,5 percentiles from 40 draws,
  // below that every draw (it said "the 95% interval" of the lowest to the highest draw).
  CHECK(break_even_text(x, 3, 1000, "draws") ==
        "breaks even in year 2 (the 2,5 to 97,5 percentiles of the draws lie below zero from then on; below "
        "zero by year 3 in 100,0% (1.000 of 1.000 draws; 95%: at least 99,6%))");
  CHECK(
      break_even_text(x, 3, 20, "draws") ==
      "breaks even in year 2 (every draw lies below zero from then on; below zero by year 3 in 100,0% (20 of "
      "20 draws; 95%: at least 83,2%))");
  // In the last simulated year, "from then on" would promise years nothing simulated.
  x.cumulative = {year(24, -141, 191), year(30, -500, 100), year(-600, -900, -300)};
  CHECK(
      break_even_text(x, 3, 5, "runs") ==
      "breaks even in year 3, the last simulated year (the 95% interval lies below zero in that year; later "
      "years are not simulated; below zero by year 3 in 5 of 5 runs)");
  x.cumulative = {year(-24, -141, 191), year(-30, -500, 100), year(-600, -900, -300)};
  CHECK(
      break_even_text(x, 3, 5, "runs") ==
      "saves from year 3, the last simulated year, with no outlay to earn back (the cumulative mean is never "
      "above zero; the 95% interval lies below zero in that year only; below zero by year 3 in 5 of 5 runs)");
  x.cumulative = {year(24, -141, 191), year(-300, -500, -100), year(-600, -900, -300)};
  // The same, but year 1 costs no more on average (-24): nothing to earn back, so no "breaks even".
  x.cumulative = {year(-24, -191, 141), year(-300, -500, -100), year(-600, -900, -300)};
  CHECK(break_even_text(x, 3, 5, "runs") ==
        "saves from year 2 on, with no outlay to earn back (the cumulative mean is never above zero; the 95% "
        "interval lies below zero from year 2 on; below zero by year 3 in 5 of 5 runs)");
  // Costs more, surely.
  x.cumulative = {year(100, 50, 150), year(200, 100, 300), year(300, 200, 400)};
  x.p_broken_even = {0, 0, 0};
  x.break_even_year = -1;
  CHECK(break_even_text(x, 3, 5, "runs") ==
        "no break-even within 3 years: the interval lies above zero; below zero by year 3 in 0 of 5 runs");
  // The sum still above zero while all payers already save in the last year (yearly 100, 100, -30 summed:
  // 100, 200, 170): the outlay is being earned back, after the simulated years (an advisor read "no
  // break-even" as never). One payer and all payers: budget_impact[1] is all payers', its last entry the sum.
  x.cumulative = {year(100, 50, 150), year(200, 100, 300), year(170, 60, 280)};
  x.budget_impact = {{}, {year(100, 50, 150), year(100, 50, 150), year(-30, -50, -10), year(170, 60, 280)}};
  CHECK(break_even_text(x, 3, 5, "runs") ==
        "no break-even within 3 years: the interval lies above zero; all payers together save in year 3, the "
        "last (the 95% interval below zero), so it breaks even after the simulated years, if at all; below "
        "zero by year 3 in 0 of 5 runs");
  // Saving in years 2 and 3, each interval below zero: "each year from year 2 on"; over 20 draws, every draw.
  x.budget_impact[1][1] = year(-10, -20, -5);
  x.cumulative = {year(100, 50, 150), year(90, 40, 140), year(60, 10, 110)};
  CHECK(
      break_even_text(x, 3, 20, "draws") ==
      "no break-even within 3 years: the interval lies above zero; all payers together save each year from "
      "year 2 on (every draw below zero), so it breaks even after the simulated years, if at all; below zero "
      "by year 3 in 0,0% (0 of 20 draws; 95%: at most 16,8%)");
  // A last year whose interval reaches zero says nothing of saving.
  x.budget_impact[1][2] = year(-30, -50, 5);
  CHECK(break_even_text(x, 3, 5, "runs") ==
        "no break-even within 3 years: the interval lies above zero; below zero by year 3 in 0 of 5 runs");
}

namespace {

// A decision of 2 policy years, one payer, 100 households, no discounting, 4 draws of one run each. The
// comparator spends 1,000 a year and has 0.5 problem-free years per household a year; the intervention
// spends `extra[d][y]` more in year y of draw d and gains `gain[d]` problem-free years per household a year.
struct HandDecision {
  ScenarioSummary comparator, intervention;
  DecisionInput input;

  HandDecision(const std::vector<std::array<double, 2>>& extra, const std::vector<double>& gain,
               const std::vector<double>& wtp) {
    ScenarioShape shape;
    shape.name = "s";
    shape.households = 100;
    shape.years = 2;
    shape.weeks = 104;
    shape.payers = {{"city", "City"}};
    shape.budget = {2, 1};
    comparator.shape = intervention.shape = shape;
    const BudgetLayout& b = shape.budget;
    for (std::size_t d = 0; d < extra.size(); ++d) {
      for (ScenarioSummary* s : {&comparator, &intervention}) {
        RunMeasures r;
        r.draw = static_cast<std::uint32_t>(d + 1);
        r.figures = sized_measures(shape);
        double total = 0;
        for (int y = 0; y < 2; ++y) {
          const double c = 1000 + (s == &intervention ? extra[d][static_cast<std::size_t>(y)] : 0);
          total += c;
          for (int p : {0, 1}) r.figures.cost[b.at(y, p, kCostCategories)] = c;
          r.figures.problem_free_years[static_cast<std::size_t>(y)] =
              0.5 + (s == &intervention ? gain[d] : 0);
        }
        for (int p : {0, 1}) r.figures.cost[b.at(2, p, kCostCategories)] = total;
        s->runs.push_back(r);
      }
    }
    input.options = {0, 1};
    input.names = {"comparator", "intervention"};
    input.summaries = {&comparator, &intervention};
    input.utilities = {false, false};
    input.economics.discount_costs = input.economics.discount_effects = 0;
    input.economics.willingness_to_pay = 2500;
    input.draws = extra.size();
    for (double w : wtp) {
      Economics e = input.economics;
      e.willingness_to_pay = w;
      input.economics_by_draw.push_back(e);
    }
  }
};

}  // namespace

TEST_CASE("The break-even year needs the interval below zero, the mean alone is not enough", "[honest]") {
  // Year 1 costs more in every draw; year 2 saves 200 in three draws. Cumulative year 2: -150 in three
  // draws. With the fourth at -150 too, the 95% percentile interval is [-150, -150]: breaks even in year 2.
  HandDecision sure({{50, -200}, {60, -210}, {40, -190}, {55, -205}}, {0, 0, 0, 0}, {});
  const DecisionGroup g = evaluate({sure.input}).groups.at(0);
  const InterventionFigures& x = g.interventions.at(0);
  CHECK(x.cumulative.at(1).hi == Approx(-150));
  CHECK(x.break_even_year == 1);
  CHECK(x.p_broken_even.at(1) == 1.0);
  // The fourth draw at +100: the interval of 4 draws (fewer than 40) is their lowest to their highest,
  // -150 to 100, above zero at its top; the mean, -87.5, is below it.
  HandDecision unsure({{50, -200}, {60, -210}, {40, -190}, {55, 45}}, {0, 0, 0, 0}, {});
  // Held by value: a reference into evaluate()'s temporary dangled (AddressSanitizer: use after free).
  const InterventionFigures y = evaluate({unsure.input}).groups.at(0).interventions.at(0);
  CHECK(y.cumulative.at(1).lo == Approx(-150));
  CHECK(y.cumulative.at(1).hi == Approx(100));
  CHECK(y.cumulative.at(1).mean == Approx(-87.5));
  CHECK(y.break_even_year == -1);
  CHECK(y.mean_break_even_year == 1);
  CHECK(y.p_broken_even.at(1) == 0.75);
}

TEST_CASE("A willingness to pay given as a distribution weighs each draw with its own value", "[honest]") {
  // Cost difference per household: (50 - 200) / 100 = -1.5 in every draw. Effect difference: 2 years x the
  // gain. Net benefit per draw: wtp_d x 2 gain_d + 1.5. With gains 0.01, 0.02, 0.03, 0.04 and wtp 1,000,
  // 2,000, 3,000, 4,000: 21.5, 81.5, 181.5, 321.5, mean 151.5. At the mean wtp, 2,500, for every draw it
  // would be 2,500 x 0.05 + 1.5 = 126.5.
  HandDecision d({{50, -200}, {50, -200}, {50, -200}, {50, -200}}, {0.01, 0.02, 0.03, 0.04},
                 {1000, 2000, 3000, 4000});
  const DecisionGroup g = evaluate({d.input}).groups.at(0);
  CHECK(g.willingness_to_pay == Approx(2500));
  CHECK(g.willingness_to_pay_varies);
  CHECK(g.interventions.at(0).nmb.mean == Approx(151.5));
  CHECK(g.interventions.at(0).quadrant_share[static_cast<std::size_t>(Quadrant::SE)] == 1.0);
  CHECK(g.evpi.size() == g.wtp.size());  // draws: a value of information
  d.input.draws = 1;                     // a base case has none
  d.input.economics_by_draw.clear();
  d.comparator.runs.resize(1);
  d.intervention.runs.resize(1);
  CHECK(evaluate({d.input}).groups.at(0).evpi.empty());
}

TEST_CASE("A quadrant's share is its count over the draws: 395 of 400 is 98.75%, printed 98,8%", "[honest]") {
  // 395 draws save 150 and gain 0.01 (dominant: SE), 5 cost 50 more and gain 0.01 (NE). Summed as 1/400 per
  // draw the share was 0.98749999..., which printed as 98,7% (outside check of model.md 14.3: round half away
  // from zero of 100 k / n gives 98,8).
  std::vector<std::array<double, 2>> extra(400, {50, -200});
  for (std::size_t d = 395; d < 400; ++d) extra[d] = {50, 0};
  HandDecision d(extra, std::vector<double>(400, 0.01), {});
  const InterventionFigures x = evaluate({d.input}).groups.at(0).interventions.at(0);
  CHECK(x.quadrant_share[static_cast<std::size_t>(Quadrant::SE)] == 395.0 / 400.0);
  CHECK(format_probability(x.quadrant_share[static_cast<std::size_t>(Quadrant::SE)], 400, "draws")
            .starts_with("98,8% (395 of 400 draws; 95%: "));
}

TEST_CASE(
    "A share of runs prints round(1000 k / n) / 10 percent, half away from zero, whatever its binary value",
    "[honest]") {
  // Hand values: 329 of 400 = 82.25% -> 82,3%; 1 of 40 = 2.5% -> 2,5%; 1 of 80 = 1.25% -> 1,3%;
  // 3 of 8000 = 0.0375% -> 0,0%; 7 of 16 counts as runs (fewer than 20).
  // 329 of 400: 78,146% to 85,869%, by hand as below.
  CHECK(format_probability(329.0 / 400.0, 400, "draws") == "82,3% (329 of 400 draws; 95%: 78,1 to 85,9%)");
  // With their exact 95% intervals (as above): 1 of 40, 0.0633% to 13.1586%; 1 of 80, 0.0316% to 6.7688%.
  CHECK(format_probability(1.0 / 40.0, 40, "draws") == "2,5% (1 of 40 draws; 95%: 0,1 to 13,2%)");
  CHECK(format_probability(1.0 / 80.0, 80, "draws") == "1,3% (1 of 80 draws; 95%: 0,0 to 6,8%)");
  CHECK(format_probability(3.0 / 8000.0, 8000, "draws") == "0,0%");
  CHECK(format_probability(7.0 / 16.0, 16, "runs") == "7 of 16 runs");
  // Not a count of n (a tie shared in an acceptability curve: 2.5 of 40): rounded as it is.
  CHECK(format_probability(2.5 / 40.0, 40, "draws") == "6,3%");
}

TEST_CASE("The ICER in short keeps its amount and how often its quadrant holds, nothing else", "[honest]") {
  CHECK(icer_short_text(
            "\u20AC 7.944 per problem-free household-year (more costly and more effective in 5 of 5 "
            "runs)") == "\u20AC 7.944 (costs more and gains in 5 of 5 runs)");
  CHECK(icer_short_text("\u20AC 16.593 per unit (more costly and more effective in 91,0% of draws)") ==
        "\u20AC 16.593 (costs more and gains in 91,0% of draws)");
  CHECK(icer_short_text("dominant in 5 of 5 runs (mean: saves \u20AC 231, gains 0,02)") ==
        "dominant in 5 of 5 runs");
  CHECK(icer_short_text("dominated in 3 of 5 runs (mean: costs \u20AC 4,00 more, loses 0,001)") ==
        "dominated in 3 of 5 runs");
  // A text it does not know (the south-west quadrant, no difference) is left as it is.
  CHECK(icer_short_text("no difference in cost or effect") == "no difference in cost or effect");
  const std::string sw =
      "saves \u20AC 2.000 per unit forgone (cheaper, less effective); cheaper and less "
      "effective in 4 of 5 runs";
  CHECK(icer_short_text(sw) == sw);
}

TEST_CASE("With two interventions, cost-effective against the comparator is not being the best", "[honest]") {
  // Per household (100 households, 2 years, no discounting, willingness to pay 2,500): the comparator costs
  // 20 and gains 1. Intervention a costs 200 more in all (2 more per household) and gains 0.001 a year (0.002
  // per household): net benefit 2,500 x 0.002 - 2 = 3 in every draw. Intervention b costs 600 more (6) and
  // gains 0.002 a year in draws 1-2 (0.004: 10 - 6 = 4) and 0.0005 in draws 3-4 (0.001: 2.5 - 6 = -3.5).
  HandDecision a({{100, 100}, {100, 100}, {100, 100}, {100, 100}}, {0.001, 0.001, 0.001, 0.001}, {});
  HandDecision b({{300, 300}, {300, 300}, {300, 300}, {300, 300}}, {0.002, 0.002, 0.0005, 0.0005}, {});
  DecisionInput in = a.input;
  in.options = {0, 1, 2};
  in.names = {"comparator", "a", "b"};
  in.summaries = {&a.comparator, &a.intervention, &b.intervention};
  in.utilities = {false, false, false};
  const DecisionGroup g = evaluate({in}).groups.at(0);
  REQUIRE(g.interventions.size() == 2);
  const InterventionFigures& xa = g.interventions.at(0);
  const InterventionFigures& xb = g.interventions.at(1);
  CHECK(xa.nmb.mean == Approx(3));
  CHECK(xa.p_cost_effective == 1.0);  // a beats the comparator in all 4 draws
  CHECK(xb.p_cost_effective == 0.5);  // b in draws 1 and 2
  CHECK(xa.p_best == 0.5);            // but b beats a in draws 1 and 2 (4 > 3)
  CHECK(xb.p_best == 0.5);
}

TEST_CASE("A figure few draws know is rounded to its significant digits", "[honest]") {
  // By hand: 73.63 has its first digit in the tens, so two digits keep the tens and units: 74; 13.31 -> 13;
  // 4.91 -> 4.9; 206,164 (the EVPI of 2,800 households at 73.63) -> 210,000; 0.01966 -> 0.020; a negative
  // figure the same way; 0 stays 0.
  CHECK(round_to_significant(73.63, 2) == 74.0);
  CHECK(round_to_significant(13.31, 2) == 13.0);
  CHECK(round_to_significant(4.91, 2) == Approx(4.9).epsilon(1e-15));
  CHECK(round_to_significant(206164.0, 2) == 210000.0);
  CHECK(round_to_significant(0.01966, 2) == Approx(0.020).epsilon(1e-15));
  CHECK(round_to_significant(-55.73, 2) == -56.0);
  CHECK(round_to_significant(0.0, 2) == 0.0);
  CHECK(round_to_significant(999.6, 3) == 1000.0);
  CHECK(std::isnan(round_to_significant(std::nan(""), 2)));
}
