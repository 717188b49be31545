// Sensitivity analysis (analysis/sensitivity.h, study/sensitivity_study.h): bisection and thresholds against
// hand calculations, and a tornado whose order and swings are known by construction.
#include <algorithm>
#include <catch2/catch.hpp>

#include <atomic>

#include <cmath>
#include <string>
#include <vector>

#include "temp_dir.h"
#include "wijksim/analysis/psa_diagnostics.h"
#include "wijksim/analysis/sensitivity.h"
#include "wijksim/core/error.h"
#include "wijksim/report/sensitivity_tables.h"
#include "wijksim/study/sensitivity_study.h"

using namespace wijksim;

TEST_CASE("Bisection finds the root of a monotone function", "[sensitivity]") {
  // x^3 - 2 = 0 at 2^(1/3) = 1.259921.
  int calls = 0;
  const Bisection b = bisect(
      [&](double x) {
        ++calls;
        return x * x * x;
      },
      0, 3, 2, 1e-6);
  CHECK(b.root == Approx(std::cbrt(2.0)).margin(1e-6));
  CHECK(b.hi - b.lo <= 1e-6);
  CHECK(calls == b.evaluations);
  // log2(3 / 1e-6) = 21.5: 22 halvings and the two ends.
  CHECK(b.evaluations == 24);
  // A linear function is found exactly by the interpolation in the last bracket: 3x - 1 = 0.5 at x = 0.5.
  CHECK(bisect([](double x) { return 3 * x - 1; }, 0, 1, 0.5, 0.3).root == Approx(0.5).epsilon(1e-12));
  // Ends that do not bracket the target: no root.
  CHECK(std::isnan(bisect([](double x) { return x; }, 1, 2, 0, 1e-3).root));
}

TEST_CASE("Crossings of a curve: where, and how many", "[sensitivity]") {
  // 5, 3, 1, 2, 4 against 2.5: down through it between 3 and 1, up between 2 and 4.
  const auto c = crossings({0, 1, 2, 3, 4}, {5, 3, 1, 2, 4}, 2.5);
  REQUIRE(c.size() == 2);
  CHECK(c[0] == std::pair<double, double>{1, 2});
  CHECK(c[1] == std::pair<double, double>{3, 4});
  // Touching the target at a grid point is one crossing at that point; NaN points are skipped.
  const auto t = crossings({0, 1, 2, 3}, {1, NAN, 2.5, 4}, 2.5);
  REQUIRE(t.size() == 1);
  CHECK(t[0] == std::pair<double, double>{2, 2});
  CHECK(crossings({0, 1}, {1, 2}, 3).empty());
}

namespace {

// A decision whose intervention's coach wait in replication r is 20 - 2x + r at parameter value x (linear,
// falling), simulated without a model: the threshold's hand calculation.
struct LinearDecision {
  int replications = 4;
  int calls = 0;
  std::vector<DecisionRuns> operator()(const std::vector<Setting>& settings) {
    std::vector<DecisionRuns> out;
    for (const Setting& s : settings) {
      ++calls;
      const double x = s.assignments.at(0).value;
      DecisionRuns d;
      d.options.resize(2);
      for (int r = 0; r < replications; ++r) {
        if (s.replication >= 0 && r != s.replication) continue;
        RunMeasures m;
        m.replication = static_cast<std::uint32_t>(r);
        m.figures.coaches.wait_weeks = 20 - 2 * x + r;
        d.options[0].push_back(m);
        d.options[1].push_back(m);
      }
      out.push_back(d);
    }
    return out;
  }
};

// The coach wait of a decision without a model, as the thresholds below solve for it.
struct WaitOutcome {
  ScenarioShape shape;
  DecisionFigures figures{shape, Economics{}};
  std::vector<Outcome> outcomes = standard_outcomes(shape, true);
  const Outcome* wait = find_outcome(outcomes, "coach_wait");
};

// The intervention's coach wait of 6 weeks, searched over `parameter` from `from` to `to`.
ThresholdSpec wait_of_6(const char* parameter, double from, double to) {
  ThresholdSpec spec;
  spec.option = 1;
  spec.parameter = parameter;
  spec.from = from;
  spec.to = to;
  spec.outcome = "coach_wait";
  spec.target = 6;
  return spec;
}

// A decision of a comparator and one intervention, with an EVPPI row of all parameters (the noise table
// comes with EVPPI rows, none without them) and the replications advice `a`.
DecisionSensitivity decision_with_advice(const NoiseAdvice& a) {
  DecisionSensitivity d;
  d.names = {"C", "I"};
  d.willingness_to_pay = 20000;
  d.households = 100;
  EvppiRow all;
  all.name = "all";
  all.kind = EvppiRow::Kind::All;
  all.parameters = {"x"};
  d.evppi = {all};
  d.noise = a;
  return d;
}

// The decision's table `id`, and its note.
Table table_of(const DecisionSensitivity& d, const std::string& id) {
  SensitivityResult s;
  s.decisions = {d};
  const std::vector<Table> tables = sensitivity_tables(s);
  const auto it = std::find_if(tables.begin(), tables.end(), [&](const Table& x) { return x.id == id; });
  REQUIRE(it != tables.end());
  return *it;
}
std::string note_of_table(const DecisionSensitivity& d, const std::string& id) {
  return table_of(d, id).note;
}

}  // namespace

TEST_CASE("A threshold and its uncertainty over replications, by hand", "[sensitivity]") {
  // The mean wait, 20 - 2x + 1.5, is 6 weeks at x = 7.75. Each replication's own: 20 - 2x + r = 6 at
  // x = 7 + r / 2: 7, 7.5, 8, 8.5; their mean 7.75, sd 0.645497, se 0.322749, t(0.975, 3) = 3.182446. The
  // interval on the logit scale of the range searched, [0, 12] (it stays in the range): u = 7.75 / 12,
  // l = ln(u / (1 - u)) = 0.600774, half-width 3.182446 x (0.322749 / 12) / (u (1 - u)) = 0.374211, ends
  // 12 expit(l -/+ 0.374211) = 6.67680 to 8.71334 (the plain t interval, 6.72287 to 8.77713, ran out of
  // the range for a range as narrow as its spread).
  LinearDecision d;
  const Simulate simulate = [&](const std::vector<Setting>& s) { return d(s); };
  const WaitOutcome w;
  REQUIRE(w.wait);
  ThresholdSpec spec = wait_of_6("coaches.fte", 0, 12);
  const Threshold t = solve_threshold(spec, *w.wait, w.figures, simulate, d.replications);
  CHECK(t.status == ThresholdStatus::Found);
  CHECK(t.value == Approx(7.75).epsilon(1e-9));
  CHECK(t.crossings == 1);
  CHECK_FALSE(t.rising);
  REQUIRE(t.per_replication.size() == 4);
  for (int r = 0; r < 4; ++r)
    CHECK(t.per_replication[static_cast<std::size_t>(r)] == Approx(7 + r / 2.0).epsilon(1e-9));
  CHECK(t.over_replications.mean == Approx(7.75));
  CHECK(t.over_replications.lo == Approx(6.67680).epsilon(1e-5));
  CHECK(t.over_replications.hi == Approx(8.71334).epsilon(1e-5));
  // The planning curve it started from: the mean wait at 0, 3, 6, 9, 12.
  CHECK(t.grid_x == std::vector<double>{0, 3, 6, 9, 12});
  CHECK(t.grid_mean.at(2) == Approx(9.5));
  // A target the range never reaches.
  spec.target = 100;
  const Threshold none = solve_threshold(spec, *w.wait, w.figures, simulate, d.replications);
  CHECK(none.status == ThresholdStatus::NotCrossed);
  CHECK(std::isnan(none.value));
}

TEST_CASE("A planning curve's interval of a figure that cannot be negative stays above zero, by hand",
          "[sensitivity]") {
  // At x = 9 the four replications wait 20 - 18 + r = 2, 3, 4, 5 weeks: mean 3.5, se 1.290994 / 2 = 0.645497.
  // On the log scale (as a scenario's table): 3.5 exp(-/+ 3.182446 x 0.645497 / 3.5) = 1.94611 to 6.29461;
  // the plain t interval would be 1.44574 to 5.55426 (the sweep's before, beside compare's other interval).
  LinearDecision d;
  const Simulate simulate = [&](const std::vector<Setting>& s) { return d(s); };
  const WaitOutcome w;
  REQUIRE(w.wait);
  const std::vector<SweepPoint> points = sweep(1, "coaches.fte", {9}, {*w.wait}, w.figures, simulate);
  REQUIRE(points.size() == 1);
  const Stat& s = points[0].outcomes.at(0);
  CHECK(s.mean == Approx(3.5));
  CHECK(s.se == Approx(0.645497).epsilon(1e-5));
  CHECK(s.lo == Approx(1.94611).epsilon(1e-5));
  CHECK(s.hi == Approx(6.29461).epsilon(1e-5));
}

TEST_CASE("A threshold of a whole-number parameter is searched at whole values, by hand", "[sensitivity]") {
  // The mean wait 21.5 - 2x is 6 at x = 7.75; a whole parameter over 0 to 11: the grid 0, 2.75, 5.5, 8.25, 11
  // runs at 0, 3, 6, 8 and 11 (5.5 rounds to 6), the bracket [6, 8] is split at 7 (wait 7.5: above 6), and
  // the search ends at the neighbours 7 and 8 (waits 7.5 and 5.5): interpolated, 7.75. Every value simulated
  // is whole (it printed a curve at 2.75 and 5.5 that ran at 3 and 6).
  LinearDecision d;
  std::vector<double> simulated;
  const Simulate simulate = [&](const std::vector<Setting>& s) {
    for (const Setting& x : s) simulated.push_back(x.assignments.at(0).value);
    return d(s);
  };
  const WaitOutcome w;
  REQUIRE(w.wait);
  ThresholdSpec spec = wait_of_6("coaches.max_weeks", 0, 11);
  spec.whole = true;
  const Threshold t = solve_threshold(spec, *w.wait, w.figures, simulate, d.replications);
  CHECK(t.grid_x == std::vector<double>{0, 3, 6, 8, 11});
  CHECK(t.status == ThresholdStatus::Found);
  CHECK(t.value == Approx(7.75).epsilon(1e-9));
  for (double x : simulated) CHECK(x == std::round(x));
  // Replication r's wait 20 - 2x + r is 6 at 7 + r / 2: between the neighbours 7 and 8 its interpolation is
  // exact too.
  REQUIRE(t.per_replication.size() == 4);
  for (int r = 0; r < 4; ++r)
    CHECK(t.per_replication[static_cast<std::size_t>(r)] == Approx(7 + r / 2.0).epsilon(1e-9));
}

TEST_CASE("The tornado's order and swings on parameters with known effects", "[sensitivity]") {
  // A pilot of 400 households whose uncertain parameters are three of known effect:
  //  - the coach cost per FTE-year, uniform 40,000-90,000: it only books euros, so the net benefit falls
  //    linearly, by the pilot fund's discounted cost per household x (88,750 - 41,250) / 65,000 from
  //    its 2.5th to its 97.5th percentile (uniform percentiles: 40,000 + 0.025 x 50,000 and 40,000 + 0.975 x
  //    50,000);
  //  - the willingness to pay, uniform 19,000-21,000: it weighs the same runs, so the net benefit moves by
  //    (20,950 - 19,050) x the extra problem-free years per household;
  //  - the delay of a privacy refusal, while no referral is ever refused: no effect at all.
  test::TempDir dir("tornado");
  const std::string src = WIJKSIM_SOURCE_DIR;
  dir.write("base.yaml",
            "extends: " + src +
                "/scenarios/baseline-velve.yaml\nname: tiny-baseline\npopulation: {households: 400}\n"
                "simulation: {years: 2, warmup_years: 2, replications: 2}\n"
                "economics: {willingness_to_pay: {dist: uniform, min: 19000, max: 21000}}\n");
  const std::string pilot = dir.write(
      "pilot.yaml",
      "extends: " + src +
          "/scenarios/pilot.yaml\nname: tiny-pilot\ncomparator: base.yaml\n"
          "population: {households: 400}\nsimulation: {years: 2, warmup_years: 2, replications: 2}\n"
          "coaches:\n  fte: 20\n  cost_per_fte_year: {dist: uniform, min: 40000, max: 90000}\n"
          "  privacy_probability: 0\n  privacy_delay_weeks: {dist: uniform, min: 1, max: 10}\n"
          "economics: {willingness_to_pay: {dist: uniform, min: 19000, max: 21000}}\n");
  const Study study = plan_study({pilot}, {}, true);
  const StudyResult result = run_study(study);
  SensitivityOptions o;
  o.simulate = true;
  o.parameters = {"coaches.privacy_delay_weeks", "economics.willingness_to_pay", "coaches.cost_per_fte_year"};
  // The net benefit is linear in the willingness to pay (the runs do not change), so the threshold at which
  // it is zero is the ICER of the means, cost / effect.
  o.thresholds = {parse_threshold("economics.willingness_to_pay=0:2000000,inmb=0")};
  o.two_way = {parse_parameter_range("coaches.cost_per_fte_year", "--two-way"),
               parse_parameter_range("coaches.fte=10:30", "--two-way")};
  o.grid = 2;
  // Stopped (Ctrl-C) before its first batch: the base case's replications are what the run keeps, and the
  // message counts them as such ("1 of 1 draws" before; outside attack 10).
  const std::atomic<bool> stop{true};
  CHECK_THROWS_WITH(analyse_sensitivity(study, result, o, nullptr, &stop),
                    "interrupted after 2 of 2 replications");
  const SensitivityResult s = analyse_sensitivity(study, result, o);
  REQUIRE(s.decisions.size() == 1);
  const DecisionSensitivity& d = s.decisions[0];
  REQUIRE(d.tornados.size() == 1);
  const Tornado& t = d.tornados[0];
  REQUIRE(t.bars.size() == 3);
  CHECK(t.bars[0].parameter == "coaches.cost_per_fte_year");
  CHECK(t.bars[1].parameter == "economics.willingness_to_pay");
  CHECK(t.bars[2].parameter == "coaches.privacy_delay_weeks");
  auto base = [&](const char* key) {
    for (std::size_t k = 0; k < d.outcomes.size(); ++k)
      if (d.outcomes[k].label.key == key) return t.base[k];
    FAIL("no outcome " << key);
    return 0.0;
  };
  const double fund = base("budget:pilot_fund") / 400;  // the coaches' discounted cost per household
  CHECK(fund > 0);
  CHECK(t.bars[0].low_value == Approx(41250));
  CHECK(t.bars[0].high_value == Approx(88750));
  CHECK(t.bars[0].low[0] - t.bars[0].high[0] == Approx(fund * 47500 / 65000).epsilon(1e-4));
  CHECK(t.bars[1].high[0] - t.bars[1].low[0] == Approx(1900 * base("delta_effect")).epsilon(1e-9));
  CHECK(t.bars[2].swing == 0);
  CHECK(t.bars[2].low == t.base);
  CHECK(t.bars[2].high == t.base);
  // The base case is the study's own (its replications, draw 0).
  CHECK(t.base[0] == Approx(result.evaluation.groups[0].interventions[0].nmb.mean).epsilon(1e-12));

  REQUIRE(d.thresholds.size() == 1);
  const Threshold& th = d.thresholds[0];
  CHECK(th.status == ThresholdStatus::Found);
  const double icer = base("delta_cost") / base("delta_effect");
  CHECK(icer > 0);
  CHECK(th.value == Approx(icer).epsilon(1e-9));

  // The two-way grid: 2 x 2 cells, each a simulated setting; its preferred option agrees with its net
  // benefit.
  REQUIRE(d.two_way);
  CHECK(d.two_way->cells.size() == 4);
  for (const TwoWayCell& c : d.two_way->cells) CHECK(c.preferred == (c.inmb[1] > 0 ? 1u : 0u));
  // Without draws, no value of information, and the reason why.
  CHECK(d.evppi.empty());
  CHECK(d.no_evppi.find("no parameter draws") != std::string::npos);
}

TEST_CASE("A parameter or outcome that does not exist is refused with the nearest name", "[sensitivity]") {
  const std::string src = WIJKSIM_SOURCE_DIR;
  const Study study = plan_study({src + "/scenarios/pilot.yaml"}, {}, true);
  const ScenarioSource& pilot = study.scenarios[0].source;
  CHECK(pilot.with_values({{"coaches.fte", 7}}).coaches.fte == 7);
  CHECK(pilot.with_values({{"coaches.mandate_probability", 0.3}}).coaches.mandate_probability == 0.3);
  CHECK_THROWS_WITH(pilot.with_values({{"coaches.ftee", 7}}), Catch::Contains("did you mean 'coaches.fte'"));
  CHECK_THROWS_WITH(pilot.with_values({{"coaches.mandate_probability", 1.5}}), Catch::Contains("outside"));
  // With a schedule, coaches.fte is the full scale and setting it scales every step (40, 64, 72 FTE).
  const ScenarioSource scaleup = ScenarioSource::load(src + "/scenarios/scaleup.yaml");
  REQUIRE(scaleup.base().coaches.schedule.size() == 3);
  CHECK(scaleup.base().coaches.fte == 72);
  const Scenario half = scaleup.with_values({{"coaches.fte", 36}});
  CHECK(half.coaches.fte == 36);
  CHECK(half.coaches.schedule[0].fte == Approx(20));
  CHECK(half.coaches.schedule[1].fte == Approx(32));
  CHECK(half.coaches.schedule[2].fte == Approx(36));
  StudyResult none;
  SensitivityOptions o;
  o.two_way = {parse_parameter_range("coaches.mandat_probability", "--two-way"),
               parse_parameter_range("coaches.fte", "--two-way")};
  CHECK_THROWS_WITH(analyse_sensitivity(study, none, o), Catch::Contains("coaches.mandate_probability"));
  CHECK_THROWS_AS(parse_threshold("coaches.fte=20:200"), InputError);
  CHECK_THROWS_AS(parse_parameter_range("coaches.fte=9:3", "--two-way"), InputError);
  const ThresholdRequest t = parse_threshold("coaches.fte=20:200,coach_wait=6");
  CHECK(t.parameter.key == "coaches.fte");
  CHECK(*t.parameter.from == 20);
  CHECK(t.outcome == "coach_wait");
  CHECK(t.target == 6);
}

TEST_CASE("The PSA's running mean carries Student's t over its first n draws, not 1.96", "[sensitivity]") {
  // 5 draws, mean 100, standard error 10: t(0.975, 4) = 2.776445 (tables of Student's t), so 72.24 to
  // 127.76; with 1.96 it was 80.4 to 119.6, too narrow for 5 draws.
  DecisionSensitivity d;
  d.names = {"C", "I"};
  d.willingness_to_pay = 20000;
  d.benefit = {{}};
  d.convergence_nmb = {{RunningPoint{5, 100, 10}}};
  d.convergence_cost = {{RunningPoint{5, 50, 4}}};
  SensitivityResult s;
  s.decisions = {d};
  const std::vector<Table> tables = sensitivity_tables(s);
  const auto it =
      std::find_if(tables.begin(), tables.end(), [](const Table& t) { return t.id == "psa_convergence"; });
  REQUIRE(it != tables.end());
  REQUIRE(it->rows.size() == 1);
  CHECK(it->rows[0].cells[0].stat.lo == Approx(100 - 2.776445 * 10).epsilon(1e-6));
  CHECK(it->rows[0].cells[0].stat.hi == Approx(100 + 2.776445 * 10).epsilon(1e-6));
  CHECK(it->rows[0].cells[1].stat.lo == Approx(50 - 2.776445 * 4).epsilon(1e-6));
  // Its band at all 5 draws, 72,24 to 127,76, lies above zero: said so, the sign clear at these draws.
  CHECK(it->note.find(
            "At all 5 draws the band of the mean net benefit, \u20AC 100 (72 to 128), lies above zero: "
            "its sign is clear at these draws, while the mean may still move within the band.") !=
        std::string::npos);
  // Mean 10 and standard error 10 over 5 draws: -17,76 to 37,76 spans zero. "More draws would not change
  // the answer" stood beside such a band (a policy advisor's reading of a PSA).
  d.convergence_nmb = {{RunningPoint{5, 10, 10}}};
  const std::string across = note_of_table(d, "psa_convergence");
  CHECK(
      across.find("At all 5 draws the band of the mean net benefit, \u20AC 10 (-18 to 38), still spans zero: "
                  "more draws could change its sign, and with it the answer against the comparator.") !=
      std::string::npos);
  CHECK(across.find("would not change the answer") == std::string::npos);
  // An end just short of zero keeps its digits ("€ -25 to € 0, lies below zero": -0,3 rounded), and a band
  // that spanned zero at an earlier checkpoint says when (an analyst's reading). 30 draws, mean -12, SE 5,7:
  // t(0,975; 29) = 2,0452296, so -23,66 to -0,342; at 5 draws, -10 +/- 2,776 x 10 spans zero.
  d.convergence_nmb = {{RunningPoint{5, -10, 10}, RunningPoint{30, -12, 5.7}}};
  d.convergence_cost = {{RunningPoint{5, 50, 4}, RunningPoint{30, 50, 4}}};
  CHECK(
      note_of_table(d, "psa_convergence")
          .find("At all 30 draws the band of the mean net benefit, \u20AC -12 (-24 to -0,3), lies below zero "
                "(it spanned zero at 5 draws): its sign is clear at these draws") != std::string::npos);
  CHECK(note_of_table(d, "psa_convergence").find("alone") == std::string::npos);  // one option: no choice
  // Two options against C: each band is one of them against C, and a clear one does not settle which of
  // them is best (two clear bands read as a settled choice where the draws split 3 to 2 between them).
  d.names = {"C", "I", "J"};
  d.benefit = {{}, {}};
  d.convergence_nmb = {{RunningPoint{5, 100, 10}}, {RunningPoint{5, 90, 10}}};
  d.convergence_cost = {{RunningPoint{5, 50, 4}}, {RunningPoint{5, 50, 4}}};
  CHECK(note_of_table(d, "psa_convergence")
            .ends_with("This is I against C alone: it does not say which of the 2 options against C is best, "
                       "which the acceptability table (How sure can we be?) gives with its probability."));
}

TEST_CASE(
    "the PSA's convergence is shown at n = 1 and round(j G / 20), half away from zero, in whole numbers",
    "[sensitivity]") {
  // G = 82 draws valued 1, 2, ..., 82: the running mean of the first n is (n + 1) / 2 and their sd
  // sqrt(n (n + 1) / 12). By hand, j G / 20 for j = 2..20: 8.2, 12.3, 16.4, 20.5, ..., 61.5 (j = 15),
  // ..., 82.
  std::vector<double> values;
  for (int i = 1; i <= 82; ++i) values.push_back(i);
  const std::vector<RunningPoint> points = running_mean(values, 20);
  const std::vector<std::size_t> expected = {1,  8,  12, 16, 21, 25, 29, 33, 37, 41,
                                             45, 49, 53, 57, 62, 66, 70, 74, 78, 82};
  REQUIRE(points.size() == expected.size());
  for (std::size_t k = 0; k < points.size(); ++k) {
    CHECK(points[k].draws == expected[k]);
    const double n = static_cast<double>(expected[k]);
    CHECK(points[k].mean == Approx((n + 1) / 2));
    if (k > 0) CHECK(points[k].se == Approx(std::sqrt(n * (n + 1) / 12) / std::sqrt(n)));
  }
  CHECK(std::isnan(points[0].se));  // no spread from one draw
  // With no more draws than points, every n.
  CHECK(running_mean({3, 5, 7}, 20).size() == 3);
}

TEST_CASE("a tornado names the parameters whose two ends lie on one side of the base case", "[sensitivity]") {
  // Base case net benefit -54. Bars by hand: 'a' -25 and -55 (on both sides: the outcome moves one way);
  // 'b' -107 and -128 with the base's value between its ends (one side: noise or a turn, named); 'c' the
  // same outcomes but a range the base's value lies outside (one side is what a monotone outcome gives: not
  // named); 'd' both ends above the base, by percentiles (named).
  DecisionSensitivity d;
  d.names = {"C", "I"};
  d.willingness_to_pay = 20000;
  d.replications = 2;
  auto bar = [](const char* key, double low, double high, bool between) {
    TornadoBar b;
    b.parameter = key;
    b.low_value = 1;
    b.high_value = 2;
    b.low = {low};
    b.high = {high};
    b.swing = std::max({low, high, -54.0}) - std::min({low, high, -54.0});
    b.base_between = between;
    return b;
  };
  Tornado t;
  t.option = 1;
  t.base = {-54};
  t.bars = {bar("b", -107, -128, true), bar("c", -107, -128, false), bar("a", -25, -55, true),
            bar("d", -20, -30, true)};
  d.tornados = {t};
  SensitivityResult s;
  s.decisions = {d};
  const std::vector<Table> tables = sensitivity_tables(s);
  const auto it =
      std::find_if(tables.begin(), tables.end(), [](const Table& x) { return x.id == "tornado"; });
  REQUIRE(it != tables.end());
  CHECK_THAT(it->note,
             Catch::Contains("Both ends on one side of the base case, whose value lies between them: b, d."));
}

TEST_CASE("an EVPPI of 0 whose fit is beyond chance says it changes no choice", "[sensitivity]") {
  // A fit with p 0,019 beside an EVPPI of exactly 0 (no draw's best option moves) read as worth researching
  // (a new user's reading); a fit beyond chance with a value above 0, and one not beyond chance with 0, do
  // not say it.
  DecisionSensitivity d;
  d.names = {"C", "I"};
  d.willingness_to_pay = 20000;
  d.households = 100;
  auto row = [](const char* name, double value, double p) {
    EvppiRow r;
    r.name = name;
    r.parameters = {name};
    r.estimate.value = value;
    r.estimate.p_value = p;
    r.estimate.r_squared = {0.2};
    return r;
  };
  d.evppi = {row("a", 0, 0.009), row("b", 3.5, 0.009), row("c", 0, 0.4)};
  SensitivityResult s;
  s.decisions = {d};
  const std::vector<Table> tables = sensitivity_tables(s);
  const auto it = std::find_if(tables.begin(), tables.end(),
                               [](const Table& x) { return x.id == "value_of_information"; });
  REQUIRE(it != tables.end());
  REQUIRE(it->rows.size() == 3);
  CHECK(it->rows[0].cells.back().text == "yes (p 0,009), changes no choice");
  CHECK(it->rows[1].cells.back().text == "yes (p 0,009)");
  CHECK(it->rows[2].cells.back().text == "no (p 0,400)");
  CHECK_THAT(it->note,
             Catch::Contains("'Changes no choice': the parameter(s) move the net benefit beyond chance"));
  d.evppi = {row("b", 3.5, 0.019)};
  s.decisions = {d};
  const std::vector<Table> without = sensitivity_tables(s);
  CHECK(std::find_if(without.begin(), without.end(), [](const Table& x) {
          return x.id == "value_of_information" && x.note.find("Changes no choice") != std::string::npos;
        }) == without.end());
}

TEST_CASE("the EVPPI rows' tests are corrected for their number (Holm), by hand", "[sensitivity]") {
  // 23 rows each tested at 5% pass about one by chance alone (a policy advisor's reading of a PSA). Holm by
  // hand, p sorted: 0,01 < 5% / 4 = 0,0125 passes; 0,02 against 5% / 3 = 0,0167 fails, and so every later
  // one: only "a" stays beyond chance, though "b" and "c" pass their own test at 5%.
  DecisionSensitivity d;
  d.names = {"C", "I"};
  d.willingness_to_pay = 20000;
  d.households = 100;
  auto row = [](const char* name, double p) {
    EvppiRow r;
    r.name = name;
    r.parameters = {name};
    r.estimate.value = 1;
    r.estimate.p_value = p;
    r.estimate.r_squared = {0.2};
    return r;
  };
  auto note = [&](std::vector<EvppiRow> rows) {
    d.evppi = std::move(rows);
    return note_of_table(d, "value_of_information");
  };
  auto verdicts = [&](std::vector<EvppiRow> rows) {
    d.evppi = std::move(rows);
    std::vector<std::string> out;
    for (const Row& r : table_of(d, "value_of_information").rows) out.push_back(r.cells.back().text);
    return out;
  };
  const std::vector<EvppiRow> four = {row("c", 0.03), row("a", 0.01), row("d", 0.5), row("b", 0.02)};
  CHECK(verdicts(four) == std::vector<std::string>{"yes (p 0,030), not after correction", "yes (p 0,010)",
                                                   "no (p 0,500)", "yes (p 0,020), not after correction"});
  CHECK_THAT(note(four),
             Catch::Contains("4 rows tested at 5% each: about 0,2 would pass by chance alone. 'Not "
                             "after correction': beyond chance on its own test, but not after "
                             "Holm's correction for the 4 tests (the smallest p against 5% / 4, the "
                             "next against 5% / 3, and so on until one fails)."));
  // 0,001 < 0,0167, 0,02 < 0,025, 0,04 < 0,05: all three stay.
  const std::vector<EvppiRow> three = {row("a", 0.001), row("b", 0.02), row("c", 0.04)};
  CHECK(verdicts(three) == std::vector<std::string>{"yes (p 0,001)", "yes (p 0,020)", "yes (p 0,040)"});
  CHECK_THAT(note(three),
             Catch::Contains("Holm's correction for the 3 tests takes none of the verdicts back."));
  // None below 5% / 2 = 0,025 first: both taken back.
  CHECK(
      verdicts({row("a", 0.03), row("b", 0.04)}) ==
      std::vector<std::string>{"yes (p 0,030), not after correction", "yes (p 0,040), not after correction"});
  // "Changes no choice" says the fit moves the net benefit beyond chance: not said of a row the correction
  // takes back ("yes (p 0,008), not after correction, changes no choice"; an analyst's reading).
  EvppiRow zero = row("z", 0.03);
  zero.estimate.value = 0;
  CHECK(verdicts({zero, row("b", 0.04)}) == std::vector<std::string>{"yes (p 0,030), not after correction",
                                                                     "yes (p 0,040), not after correction"});
  CHECK(note({zero, row("b", 0.04)}).find("'Changes no choice'") == std::string::npos);
  // One row: its own test is the only one, nothing to correct.
  CHECK(note({row("a", 0.03)}).find("Holm") == std::string::npos);
  CHECK(verdicts({row("a", 0.03)}) == std::vector<std::string>{"yes (p 0,030)"});
}

TEST_CASE("no replications advice is said at the willingness to pay the decision is valued at",
          "[sensitivity]") {
  // "The parameters do not change the decision" held at EUR 20.000 only; at EUR 60.000 the best option of a
  // 40-draw PSA changed (a policy advisor's reading of a PSA).
  NoiseAdvice a;
  a.advised_replications = 0;
  const std::string note = note_of_table(decision_with_advice(a), "value_of_information_noise");
  CHECK_THAT(note, Catch::Contains("No advice needed: at \u20AC 20.000 the parameters do not change the "
                                   "decision (the regression EVPI there is nil)"));
  CHECK_THAT(note, Catch::Contains("at other willingnesses to pay they may (the acceptability table)"));
}

TEST_CASE("the replications advice says where its fit is chance and where the draws' spread is mostly luck",
          "[sensitivity]") {
  // The pilot's 100-draw PSA of one replication: chance 95,7% of the per-draw variance, the fit on all
  // parameters p 0,553, and "none needed" beside a 96% cost-effective that four replications made 30 of 30
  // (a policy advisor's reading). Each condition on its own, then neither.
  NoiseAdvice a;
  a.advised_replications = 0;
  const auto advised = [](const Table& t) {
    const auto it = std::find_if(t.rows.begin(), t.rows.end(),
                                 [](const Row& r) { return r.key == "advised_replications"; });
    REQUIRE(it != t.rows.end());
    return it->cells[0].text;
  };
  // A fit not beyond chance, chance under half the variance.
  a.noise_share = 0.3;
  DecisionSensitivity d = decision_with_advice(a);
  d.evppi[0].estimate.p_value = 0.553;
  Table t = table_of(d, "value_of_information_noise");
  CHECK_THAT(t.note, Catch::Contains("No advice for the EVPI: at \u20AC 20.000"));
  CHECK_THAT(t.note,
             Catch::Contains("The regression's fit on all parameters is not beyond chance (p 0,553): "));
  CHECK(t.note.find("mostly the households' luck") == std::string::npos);
  CHECK(advised(t) == "none for the EVPI (the note)");
  // Chance most of the variance, a fit beyond chance.
  d.evppi[0].estimate.p_value = 0.01;
  d.noise->noise_share = 0.957;
  t = table_of(d, "value_of_information_noise");
  CHECK_THAT(t.note, Catch::Contains("No advice for the EVPI: at \u20AC 20.000"));
  CHECK(t.note.find("not beyond chance") == std::string::npos);
  CHECK_THAT(t.note,
             Catch::Contains("Chance is 95,7% of the per-draw variance: the spread over the draws and "
                             "the probabilities counted over them"));
  CHECK(advised(t) == "none for the EVPI (the note)");
  // Neither: none needed.
  d.noise->noise_share = 0.3;
  t = table_of(d, "value_of_information_noise");
  CHECK_THAT(t.note, Catch::Contains("No advice needed: at \u20AC 20.000"));
  CHECK(t.note.find("not beyond chance") == std::string::npos);
  CHECK(t.note.find("mostly the households' luck") == std::string::npos);
  CHECK(advised(t) == "none needed");
  // Beyond chance on its own test but not after Holm's correction for two rows (0,03 against 0,05 / 2):
  // not beyond chance, as the table's verdict says.
  EvppiRow other;
  other.name = "x";
  other.parameters = {"x"};
  other.estimate.p_value = 0.04;
  d.evppi[0].estimate.p_value = 0.03;
  d.evppi.push_back(other);
  t = table_of(d, "value_of_information_noise");
  CHECK_THAT(t.note,
             Catch::Contains("not beyond chance (p 0,030, not after the correction for the rows' tests)"));
  CHECK(advised(t) == "none for the EVPI (the note)");
}

TEST_CASE("advice for more replications beside a measured inflation already within its share says both",
          "[sensitivity]") {
  // Measured 0,50 against 10% of a regression EVPI of 10,00 (1,00): within; predicted at 1 replication
  // 2,00, so the advice asks for 3 (a policy advisor's reading of a PSA: the advice stood beside a measured
  // inflation below its own threshold without a word).
  NoiseAdvice a;
  a.advised_replications = 3;
  a.replications_now = 1;
  a.regression_evpi = 10;
  a.raw_evpi = 10.5;
  a.inflation = 0.5;
  a.predicted_inflation = 2;
  a.draws = 40;
  CHECK_THAT(
      note_of_table(decision_with_advice(a), "value_of_information_noise"),
      Catch::Contains("The inflation measured in this run, \u20AC 0,50 per household, is already within "
                      "10% of the regression EVPI; the advice follows the inflation predicted from "
                      "chance's share of the variance, \u20AC 2,00 at 1 replication, as the measured one is "
                      "the difference of two estimates from 40 draws and moves with them."));
  // A measured inflation beyond the share agrees with the advice: nothing more said.
  a.inflation = 1.5;
  CHECK(note_of_table(decision_with_advice(a), "value_of_information_noise")
            .find("inflation measured in this run") == std::string::npos);
}
