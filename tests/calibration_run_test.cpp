// wijksim calibrate's study (study/calibration_run.h) and its store (store/calibration_recorder.h) on a tiny
// scenario: what is refused before anything runs, the households simulated, common random numbers, and a
// calibration interrupted and resumed from the store ending exactly as one never interrupted, whatever the
// thread count.
#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fixtures.h"
#include "temp_dir.h"
#include "wijksim/report/calibration_report.h"
#include "wijksim/report/render.h"
#include "wijksim/scenario/parameter_sets.h"
#include "wijksim/store/calibration_recorder.h"
#include "wijksim/study/calibration_run.h"
#include "wijksim/study/study.h"

using namespace wijksim;
using test::TempDir;

namespace {

using test::shipped;

const char* kTargets = R"(population: a tiny test population
targets:
  with_problem:
    label: households with at least one problem
    measure: share.with_problem
    value: 0.49
    n: 168
    unit: share of households
    source: test
  professionals_0:
    label: no professional
    measure: share.professionals_0
    value: 0.63
    n: 168
    unit: share of households
    source: test
  bounced:
    label: sent from pillar to post
    measure: share.bounced
    value: 0.47
    n: 49
    unit: share of households with help
    source: test
  heard:
    label: not in the model
    measure: none
    value: 0.35
    n: 49
    unit: share
    source: test
free:
  domains.*.incidence_per_year: {dist: uniform, min: 0.005, max: 0.05}
  fragmentation.wrong_agency_probability: {dist: uniform, min: 0.1, max: 0.5}
calibration:
  replications: 2
  years: 1
  initial: 30
  per_round: 15
  rounds: 3
  sets: 20
  mode_search: 10
)";

// A tiny baseline-velve (300 households, a 3-year warm-up) with the targets above in `dir`.
std::string tiny(const TempDir& dir, const std::string& targets = kTargets, const std::string& extra = "") {
  dir.write("targets.yaml", targets);
  return dir.write("tiny.yaml", "extends: " + shipped("baseline-velve.yaml") +
                                    "\nname: tiny\ntargets: targets.yaml\npopulation:\n  households: 300\n"
                                    "simulation:\n  warmup_years: 3\n" +
                                    extra);
}

std::vector<Diagnostic> plan_problems(const std::string& scenario) {
  try {
    plan_calibration(scenario, std::nullopt);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("calibrate refuses what cannot be calibrated, at its place", "[calibrate]") {
  TempDir dir("calibrate");
  SECTION("no targets file") {
    const auto p = plan_problems(dir.write("s.yaml", "extends: " + shipped("pilot.yaml") + "\ntargets:\n"));
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("names no targets file"));
  }
  SECTION("an unknown key path, at the free parameter's line") {
    const auto p = plan_problems(tiny(dir, replace(kTargets, "fragmentation.wrong_agency_probability",
                                                   "fragmentation.wrong_agency_probabilty")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.file == dir / "targets.yaml");
    CHECK(p[0].where.line == 33);
    CHECK_THAT(p[0].message, Catch::Contains("did you mean 'fragmentation.wrong_agency_probability'"));
  }
  SECTION("a prior that reaches values the parameter cannot take") {
    const auto p = plan_problems(tiny(dir, replace(kTargets, "{dist: uniform, min: 0.1, max: 0.5}",
                                                   "{dist: uniform, min: 0.5, max: 1.5}")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 33);
    CHECK_THAT(p[0].message, Catch::Contains("probability") && Catch::Contains("prior reaches 1.5"));
  }
  SECTION("a prior whose mean is outside what its parameter can take: its ends named beside the mean") {
    // Uniform from -0.5 to 0.3: mean -0.1, by hand; it was told by its mean alone, with a word on rounding
    // whole numbers that a probability is not (outside attack 49).
    const auto p = plan_problems(tiny(dir, replace(kTargets, "{dist: uniform, min: 0.1, max: 0.5}",
                                                   "{dist: uniform, min: -0.5, max: 0.3}")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 33);
    CHECK_THAT(p[0].message, Catch::Contains("prior has its mean at -0.1 and reaches from -0.5 to 0.3"));
    CHECK_THAT(p[0].message, !Catch::Contains("whole number"));
  }
  SECTION("a normal prior's edge as written, not in floating-point noise") {
    // Mean 0.5, sd 0.3: its edges 0.5 -/+ 3 x 0.3 = -0.4 (in doubles -0.3999999999999999) and 1.4, both
    // outside 0..1.
    const auto p = plan_problems(tiny(
        dir, replace(kTargets, "{dist: uniform, min: 0.1, max: 0.5}", "{dist: normal, mean: 0.5, sd: 0.3}")));
    REQUIRE(p.size() == 2);
    CHECK_THAT(p[0].message, Catch::Contains("found -0.4") && Catch::Contains("prior reaches -0.4)"));
    CHECK_THAT(p[1].message, Catch::Contains("found 1.4") && Catch::Contains("prior reaches 1.4)"));
    for (const auto& d : p) CHECK_THAT(d.message, !Catch::Contains("999"));
    // Mean 0.6, sd 0.2: its lower edge 0 (in doubles -1.1e-16), which a probability may be; its upper, 1.2,
    // is refused alone.
    const auto q = plan_problems(tiny(
        dir, replace(kTargets, "{dist: uniform, min: 0.1, max: 0.5}", "{dist: normal, mean: 0.6, sd: 0.2}")));
    REQUIRE(q.size() == 1);
    CHECK_THAT(q[0].message, Catch::Contains("prior reaches 1.2)"));
  }
  SECTION("a gamma prior on a probability: its mean is a probability, its 99.9% quantile is not") {
    // Gamma with mean 0.5 and sd 0.3 (shape 25/9, scale 0.18): its 99.9% quantile is about 1.9.
    const auto p = plan_problems(tiny(dir, replace(kTargets, "{dist: uniform, min: 0.1, max: 0.5}",
                                                   "{dist: gamma, mean: 0.5, sd: 0.3}")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 33);
    CHECK_THAT(p[0].message, Catch::Contains("probability") && Catch::Contains("this free parameter's prior reaches 1.9"));
  }
  SECTION("one candidate a round, before anything is simulated") {
    // A round's covariance from its one nearest candidate, its centre, divided by 1 - 1^2 = 0: refused at its
    // key (it failed after the initial candidates and the mode search, "does not factor"; outside attack).
    const auto p = plan_problems(tiny(dir, replace(kTargets, "per_round: 15", "per_round: 1")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].key == "calibration.per_round");
    CHECK(p[0].where.line == 38);
    CHECK_THAT(p[0].message, Catch::Contains("2") && Catch::Contains("found 1"));
    CHECK(plan_problems(tiny(dir, replace(kTargets, "per_round: 15", "per_round: 2"))).empty());
  }
  SECTION("a fixed prior, and a target with no width") {
    std::string t = replace(kTargets, "{dist: uniform, min: 0.1, max: 0.5}", "{dist: fixed, value: 0.3}");
    t = replace(t, "    value: 0.47\n    n: 49\n", "    value: 0.47\n    interval: [0.47, 0.47]\n");
    const auto p = plan_problems(tiny(dir, t));
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("a prior that varies"));
    const auto q = plan_problems(
        tiny(dir, replace(t, "{dist: fixed, value: 0.3}", "{dist: uniform, min: 0.1, max: 0.5}")));
    REQUIRE(q.size() == 1);
    CHECK(q[0].key == "targets.bounced");
    CHECK_THAT(q[0].message, Catch::Contains("interval of some width"));
  }
  SECTION("free parameters that name one number twice, or the model's size") {
    const auto p = plan_problems(tiny(dir, replace(kTargets, "  fragmentation.wrong_agency_probability:",
                                                   "  domains.money.incidence_per_year: {dist: uniform, min: "
                                                   "0.01, max: 0.02}\n  fragmentation.wrong_agency_probability:")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 33);
    CHECK_THAT(p[0].message, Catch::Contains("'domains.*.incidence_per_year' sets this number"));
    const auto q = plan_problems(tiny(dir, replace(kTargets, "fragmentation.wrong_agency_probability: {dist: "
                                                   "uniform, min: 0.1, max: 0.5}",
                                                   "simulation.years: {dist: uniform, min: 2, max: 5}")));
    REQUIRE(q.size() == 1);
    CHECK(q[0].where.line == 33);
    CHECK_THAT(q[0].message, Catch::Contains("cannot vary"));
  }
  SECTION("a survey share of 0% with its n has an interval of some width (Wilson's), and is calibrated to") {
    // Outside attack 38: its normal-approximation interval was [0, 0], and calibration refused it.
    const CalibrationPlan plan = plan_calibration(
        tiny(dir, replace(kTargets, "    value: 0.47\n    n: 49\n", "    value: 0\n    n: 49\n")),
        std::nullopt);
    const auto bounced = std::find_if(plan.targets.begin(), plan.targets.end(),
                                      [](const CalibrationTarget& t) { return t.key == "bounced"; });
    REQUIRE(bounced != plan.targets.end());
    CHECK(bounced->lo == 0);
    CHECK(bounced->hi == Approx(3.8416 / (49 + 3.8416)));  // z^2 / (n + z^2), z = 1.96
  }
  SECTION("more households than the scenario has; 0 is all of them") {
    const auto p = plan_problems(tiny(dir, replace(kTargets, "  replications: 2\n", "  replications: 2\n  households: 5000\n")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].key == "calibration.households");
    CHECK(p[0].where.file == dir / "targets.yaml");
    CHECK(p[0].where.line == 36);  // the line of `households: 5000`, not the file's first
    CHECK_THAT(p[0].message, Catch::Contains("5,000 households to simulate, but the scenario has 300"));
    const CalibrationPlan all =
        plan_calibration(tiny(dir, replace(kTargets, "  replications: 2\n", "  replications: 2\n  households: 0\n")),
                         std::nullopt);
    CHECK(all.households == 300);
  }
  SECTION("a share at a year calibration does not simulate: at its `at` line, naming calibration.years") {
    // The scenario runs 5 policy years, calibration 1 (kTargets): year 2 is fine for a run, not here.
    const auto p = plan_problems(tiny(dir, replace(kTargets, "    measure: share.bounced\n",
                                                   "    measure: share.bounced\n    at: year 2\n")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.file == dir / "targets.yaml");
    CHECK(p[0].where.line == 20);  // `at: year 2`, not the target's key (line 17)
    CHECK(p[0].key == "targets.bounced.at");
    CHECK(p[0].message == "'year 2' is after the calibration's horizon (calibration.years) of 1 year");
    // An `at` that is no time at all, and one on a measure over the whole period: both at their `at`.
    const auto q = plan_problems(tiny(dir, replace(kTargets, "    measure: share.bounced\n",
                                                   "    measure: share.bounced\n    at: later\n")));
    REQUIRE(q.size() == 1);
    CHECK(q[0].where.line == 20);
    CHECK(q[0].key == "targets.bounced.at");
    // Said for the scenario whose targets they are: a targets file can serve several (outside attack 31).
    const std::string for_tiny = "for scenario 'tiny' (" + (dir / "tiny.yaml") + "): ";
    CHECK(
        q[0].message ==
        for_tiny +
            "expected start, period, end or year N (N >= 1, written without a leading zero), found 'later'");
    const auto r = plan_problems(tiny(
        dir, replace(kTargets, "    measure: share.bounced\n", "    measure: not_helped\n    at: end\n")));
    REQUIRE(r.size() == 1);
    CHECK(r[0].where.line == 20);
    CHECK(r[0].key == "targets.bounced.at");
    CHECK_THAT(r[0].message, Catch::Contains("'at' is for shares only"));
  }
  SECTION("an unknown measure is said at its `measure` line (it was the target's key), n on no share at n") {
    const auto p = plan_problems(
        tiny(dir, replace(kTargets, "    measure: share.bounced\n", "    measure: share.nobody\n")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].key == "targets.bounced.measure");
    CHECK(p[0].where.line == 19);  // `measure: share.nobody`, not `bounced:` (line 17)
    const std::string for_tiny = "for scenario 'tiny' (" + (dir / "tiny.yaml") + "): ";
    // Nothing near it: no suggestion, the shares a target may name instead.
    CHECK_THAT(p[0].message,
               Catch::StartsWith(for_tiny + "unknown share 'nobody'; known there: with_problem, "
                                            "multi_problem, "));
    CHECK_THAT(p[0].message, !Catch::Contains("did you mean"));
    // A near miss is named with its suggestion, as a scenario's keys are (outside attack 30).
    const auto near = plan_problems(
        tiny(dir, replace(kTargets, "    measure: share.bounced\n", "    measure: share.bouncd\n")));
    REQUIRE(near.size() == 1);
    CHECK(near[0].message == for_tiny + "unknown share 'bouncd'; did you mean 'share.bounced'?");
    // Read part by part (outside attack 39: matched as a whole, agency.nope.wait_weeks was offered
    // youth_care's wait and agency.debt_hlp mental_health's): a part near a known one is offered it, one
    // near none is told the names known there (Velve's six agencies, in the scenario's order).
    auto measure_problem = [&](const std::string& measure) {
      const auto m = plan_problems(
          tiny(dir, replace(kTargets, "    measure: share.bounced\n", "    measure: " + measure + "\n")));
      REQUIRE(m.size() == 1);
      return m[0].message;
    };
    CHECK(measure_problem("agency.debt_counseling.wait_weeks") ==
          for_tiny + "unknown agency 'debt_counseling'; did you mean 'agency.debt_counselling.wait_weeks'?");
    CHECK(measure_problem("agency.nope.wait_weeks") ==
          for_tiny +
              "unknown agency 'nope'; known there: social_services, debt_counselling, housing_corporation, "
              "mental_health, youth_care, social_work");
    CHECK(measure_problem("agency.debt_counselling.wait_week") ==
          for_tiny +
              "an agency's measure is referrals or wait_weeks, found 'wait_week'; did you mean "
              "'agency.debt_counselling.wait_weeks'?");
    CHECK(measure_problem("nothing_known") == for_tiny + "unknown measure 'nothing_known'");
    // A misspelt `at` beside it is said in the same reading, at its own line (it was said only once the
    // measure was mended).
    const auto both = plan_problems(tiny(
        dir, replace(kTargets, "    measure: share.bounced\n", "    measure: share.bouncd\n    at: ned\n")));
    REQUIRE(both.size() == 2);
    CHECK(both[0].key == "targets.bounced.measure");
    CHECK(both[1].key == "targets.bounced.at");
    CHECK(both[1].where.line == 20);
    CHECK(both[1].message ==
          for_tiny +
              "expected start, period, end or year N (N >= 1, written without a leading zero), found 'ned'");
    // A survey's n gives a share's sampling interval: on a measure in years it is refused (it gave 0 to
    // 0.36).
    const auto q = plan_problems(tiny(dir, replace(kTargets, "    measure: share.bounced\n    value: 0.47\n",
                                                   "    measure: spell.years\n    value: 0.1\n")));
    REQUIRE(q.size() == 1);
    CHECK(q[0].key == "targets.bounced.n");
    CHECK(q[0].where.line == 21);
    CHECK_THAT(q[0].message,
               Catch::Contains("is for a survey share") && Catch::Contains("not for spell.years"));
    // A misspelt share with its n is said as an unknown measure (it was told n is for shares only).
    const auto r = plan_problems(
        tiny(dir, replace(kTargets, "    measure: share.bounced\n", "    measure: shares.bounced\n")));
    REQUIRE(r.size() == 1);
    CHECK(r[0].key == "targets.bounced.measure");
  }
  SECTION("a misspelt measure is said with the file's own problems, not only once they are mended") {
    // bounced: its unit missing (line 21 gone) and its measure misspelt; professionals_0: no measure at all
    // (said once, as missing, not also as an unknown measure '').
    std::string t = replace(kTargets, "    unit: share of households with help\n", "");
    t = replace(t, "    measure: share.bounced\n", "    measure: share.bouncd\n");
    t = replace(t, "    measure: share.professionals_0\n", "");
    const auto p = plan_problems(tiny(dir, t));
    REQUIRE(p.size() == 3);
    CHECK(p[0].key == "targets.professionals_0.measure");
    CHECK(p[0].message == "missing required key 'measure'");
    CHECK(p[1].key == "targets.bounced.unit");
    CHECK(p[2].key == "targets.bounced.measure");
    CHECK(p[2].where.line == 18);
    CHECK(p[2].message == "for scenario 'tiny' (" + (dir / "tiny.yaml") +
                              "): unknown share 'bouncd'; did you mean 'share.bounced'?");
  }
  SECTION("a value or interval outside what its measure can be is said there (outside attack 18)") {
    // A share's interval reaching 160%: said at the interval (line 20), not printed as "40,0 to 160,0".
    const auto p = plan_problems(tiny(dir, replace(kTargets, "    value: 0.47\n    n: 49\n",
                                                   "    value: 0.47\n    interval: [0.4, 1.6]\n")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].key == "targets.bounced.interval");
    CHECK(p[0].where.line == 21);
    CHECK_THAT(p[0].message, Catch::Contains("[0.4, 1.6] reaches outside what share.bounced can be: a share, "
                                             "from 0 to 1"));
    // A wait below zero, at its value.
    const auto q = plan_problems(
        tiny(dir, replace(kTargets, "    measure: share.bounced\n    value: 0.47\n    n: 49\n",
                          "    measure: spell.years\n    value: -5\n    interval: [-10, 0]\n")));
    REQUIRE(q.size() == 1);
    CHECK(q[0].key == "targets.bounced.value");
    CHECK(q[0].where.line == 20);
    CHECK_THAT(q[0].message,
               Catch::Contains("-5 is outside what spell.years can be: a measure that cannot be "
                               "negative"));
  }
  SECTION("a unit that names another quantity than its measure's is said at the unit (outside attack 47)") {
    const std::string bounced =
        "    measure: share.bounced\n    value: 0.47\n    n: 49\n    unit: share of households with help\n";
    const auto with = [&](const std::string& measure, const std::string& value, const std::string& unit) {
      return plan_problems(
          tiny(dir, replace(kTargets, bounced,
                            "    measure: " + measure + "\n    value: " + value + "\n    interval: " +
                                (value[0] == '0' ? "[0, 1]" : "[0, 100]") + "\n    unit: " + unit + "\n")));
    };
    // A wait written in days: the model's figure is in weeks, and the table printed it under "(days)" and
    // judged it "inside" an interval of days.
    const auto p = with("agency.social_work.wait_weeks", "28", "days");
    REQUIRE(p.size() == 1);
    CHECK(p[0].key == "targets.bounced.unit");
    CHECK(p[0].where.line == 22);
    CHECK_THAT(p[0].message,
               Catch::EndsWith("): expected weeks, the unit of agency.social_work.wait_weeks, found 'days'"));
    // A share called a number of households; a rate with no year; euros per household with no year.
    CHECK_THAT(
        with("share.with_problem", "0.3", "households").at(0).message,
        Catch::EndsWith("expected a share (e.g. 'share of households', '%'), the unit of share.with_problem, "
                        "found 'households'"));
    CHECK_THAT(with("escalations.eviction", "2", "per 1.000 households").at(0).message,
               Catch::EndsWith(
                   "expected a rate per 1,000 households a year (e.g. 'per 1.000 households a year'), the "
                   "unit of escalations.eviction, "
                   "found 'per 1.000 households'"));
    CHECK(with("spending.municipality", "2", "euros per household").size() == 1);
    // Other spellings of the same unit pass, in any case, English or Dutch (a review: "weken" and "per 1.000
    // huishoudens per jaar" were refused).
    const std::vector<std::pair<std::string, std::vector<std::string>>> good = {
        {"agency.social_work.wait_weeks", {"weeks", "Weken", "wks", "weeks (of those admitted)"}},
        {"escalations.eviction",
         {"Per 1,000 households per year", "per 1.000 huishoudens per jaar", "per 1 000 households a year",
          "per thousand households per annum", "per 1000 households, p.a.",
          "per duizend huishoudens per jaar"}},
        {"share.with_problem", {"Percent of households (%)", "aandeel huishoudens", "procent", "share"}},
        {"spending.municipality",
         {"EUR per household a year", "€ per huishouden per jaar", "EUR/hh/yr",
          "euros per household, annually"}},
        {"spell.years", {"years (stock over inflow)", "jaar", "yrs"}},
        {"spell.per_1000", {"per 1.000 households", "per duizend huishoudens"}}};
    for (const auto& [measure, units] : good)
      for (const std::string& unit : units) {
        INFO(measure << ": " << unit);
        CHECK(with(measure, measure.starts_with("share") ? "0.3" : "2", unit).empty());
      }
    // And units of another quantity or scale are refused, whole words read (a review: "weekdays" passed as
    // weeks, "per 100000" as per 1,000, "FTE per 1,000 households" as per FTE).
    const std::vector<std::pair<std::string, std::vector<std::string>>> bad = {
        {"agency.social_work.wait_weeks",
         {"weekdays", "working days (5 per week)", "months (4.3 weeks)", "years"}},
        {"escalations.eviction",
         {"per 100000 households a year", "per 1.000.000 inhabitants a year",
          "per 1,000 households a month (x12 a year)", "per 1,000 households over 4 years",
          "per 1,000 households a week"}},
        {"share.with_problem", {"95th percentile", "weeks (share)", "households"}},
        {"spending.municipality",
         {"eurocents per household a year", "thousand euros per household a year", "EUR million a year",
          "EUR per household"}},
        {"spell.years", {"months"}},
        {"spell.per_1000", {"per 100 households"}}};
    for (const auto& [measure, units] : bad)
      for (const std::string& unit : units) {
        INFO(measure << ": " << unit);
        const auto q = with(measure, measure.starts_with("share") ? "0.3" : "2", unit);
        REQUIRE(q.size() == 1);
        CHECK(q[0].key == "targets.bounced.unit");
      }
    // A measure not in the model takes any unit: it is shown, never judged.
    CHECK(with("none", "2", "persons").empty());
    // The coaches' caseload, in a scenario with coaches: households per FTE, not FTE per households.
    const auto caseload = [&](const std::string& unit) {
      dir.write("targets.yaml",
                replace(kTargets, bounced,
                        "    measure: coach.caseload_per_fte\n    value: 35\n    interval: [30, 40]\n"
                        "    unit: " +
                            unit + "\n"));
      return plan_problems(dir.write(
          "coached.yaml", "extends: " + shipped("pilot.yaml") + "\nname: coached\ntargets: targets.yaml\n"));
    };
    for (const char* unit : {"households per FTE", "households/FTE", "households per full-time equivalent"}) {
      INFO(unit);
      CHECK(caseload(unit).empty());
    }
    for (const char* unit : {"FTE per 1,000 households", "households"}) {
      INFO(unit);
      const auto q = caseload(unit);
      REQUIRE(q.size() == 1);
      CHECK(q[0].key == "targets.bounced.unit");
    }
  }
  SECTION("a survey figure of n: 0 is said once, at n (it also said 'interval' was missing)") {
    const auto p = plan_problems(
        tiny(dir, replace(kTargets, "    value: 0.47\n    n: 49\n", "    value: 0.47\n    n: 0\n")));
    REQUIRE(p.size() == 1);
    CHECK(p[0].key == "targets.bounced.n");
    CHECK(p[0].where.line == 21);
  }
  SECTION("no free parameters") {
    std::string t = kTargets;
    t = t.substr(0, t.find("free:")) + t.substr(t.find("calibration:"));
    const auto p = plan_problems(tiny(dir, t));
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("no free parameters"));
  }
}

TEST_CASE("calibrate simulates its households: every neighbourhood in proportion, at least one",
          "[calibrate]") {
  TempDir dir("calibrate");
  const std::string t = replace(kTargets, "  replications: 2\n", "  replications: 2\n  households: 90\n");
  const std::string s = tiny(dir, t,
                             "  neighbourhoods:\n"  // under simulation: no; appended below population
                             "");
  // A scenario with three neighbourhoods of 250, 48 and 2 households (300 in all), scaled to 90: 75, 14
  // and 1 (0.6 rounds up to 1), 90 in all.
  dir.write("tiny.yaml", "extends: " + shipped("baseline-velve.yaml") +
                             "\nname: tiny\ntargets: targets.yaml\nsimulation:\n  warmup_years: 3\n"
                             "population:\n  households: 300\n  neighbourhoods:\n"
                             "    a: {households: 250}\n    b: {households: 48, incidence_factor: 1.2}\n"
                             "    c: {households: 2}\n");
  (void)s;
  const CalibrationPlan plan = plan_calibration(dir / "tiny.yaml", std::nullopt);
  const Scenario sim = plan.simulated.base();
  REQUIRE(sim.population.neighbourhoods.size() == 3);
  CHECK(sim.population.neighbourhoods[0].households == 75);
  CHECK(sim.population.neighbourhoods[1].households == 14);
  CHECK(sim.population.neighbourhoods[2].households == 1);
  CHECK(sim.population.households == 90);
  CHECK(plan.households == 90);
  CHECK(plan.source.base().population.households == 300);  // the scenario itself is unchanged
  // Capacities per 1,000 households follow: social services' 118 per 1,000 of 90 (10.62).
  CHECK(sim.agencies[0].capacity == 11);
}

TEST_CASE("calibrate simulates as many coach FTE per household as the scenario has, each step's",
          "[calibrate]") {
  TempDir dir("calibrate");
  const std::string t = replace(kTargets, "  replications: 2\n", "  replications: 2\n  households: 700\n");
  dir.write("targets.yaml", t);
  // The pilot's 5 FTE for 2,800 households, a quarter simulated: 1.25 FTE for 700.
  dir.write("pilot.yaml", "extends: " + shipped("pilot.yaml") + "\nname: p\ntargets: targets.yaml\n");
  const Scenario pilot = plan_calibration(dir / "pilot.yaml", std::nullopt).simulated.base();
  CHECK(pilot.population.households == 700);
  CHECK(pilot.coaches.fte == 1.25);
  // A schedule of 2 FTE then 4 (3 teams), each step a quarter: 0.5 then 1; the reallocation of their cost
  // is checked against the agencies of the 700 households, not of 2,800.
  dir.write("steps.yaml", "extends: " + shipped("pilot.yaml") +
                              "\nname: s\ntargets: targets.yaml\ncoaches:\n  teams: 3\n  fte: null\n"
                              "  schedule:\n    - {year: 0, teams: 2, fte: 2}\n    - {year: 1, teams: 3, fte: 4}\n");
  const Scenario steps = plan_calibration(dir / "steps.yaml", std::nullopt).simulated.base();
  REQUIRE(steps.coaches.schedule.size() == 2);
  CHECK(steps.coaches.schedule[0].fte == 0.5);
  CHECK(steps.coaches.schedule[1].fte == 1.0);
  CHECK(steps.coaches.fte == 1.0);  // the last step's
}

TEST_CASE("calibrate: the log-likelihood is that of the candidate's own runs, with common random numbers",
          "[calibrate]") {
  TempDir dir("calibrate");
  const CalibrationPlan plan = plan_calibration(tiny(dir), 7);
  CHECK(plan.represented == 3);
  CHECK(plan.seed == 7);
  std::vector<CandidateRecord> seen;
  const CalibrationResult r =
      run_calibration(plan, nullptr, [&](const CandidateRecord& c) { seen.push_back(c); });
  CHECK(seen.size() == r.evaluated);
  // A candidate again, by hand: its scenario, the same seed and replications, the targets' figures.
  const CandidateRecord& c = r.candidates.at(3);
  REQUIRE(!c.rejected);
  Scenario s =
      plan.simulated
          .reread_with(std::vector<KeyValue>{{"domains.*.incidence_per_year", c.parameters[0], {}},
                                             {"fragmentation.wrong_agency_probability", c.parameters[1], {}}})
          .base();
  s.simulation.seed = 7;
  s.simulation.years = 1;
  s.targets = plan.targets;
  const Model model(s);
  std::vector<double> with_problem;
  for (std::uint32_t rep = 0; rep < 2; ++rep)
    with_problem.push_back(measure_run(s, simulate(model, {7, 0, rep})).figures.targets[0]);
  CHECK(c.model[0] == Approx((with_problem[0] + with_problem[1]) / 2).epsilon(1e-12));
  CHECK(std::isnan(c.model[3]));  // measure none
  CHECK(c.log_likelihood == Approx(target_log_likelihood(plan.targets, c.model, c.model_se)).epsilon(1e-12));
  // The sets: resampled candidates of the sample, as many as asked.
  REQUIRE(r.sets.size() == 20);
  for (std::size_t i : r.sets) CHECK(r.candidates[i].round >= 0);
  REQUIRE(r.fit.size() == 4);
  CHECK(r.fit[3].fit == Fit::NotModelled);
}

TEST_CASE("calibrate: a whole-number parameter (weeks) is simulated and written rounded", "[calibrate]") {
  // A continuous prior on whole weeks: before, the file's reader refused every candidate's 3.7 weeks and
  // the calibration ended with "no candidate can reproduce the targets".
  TempDir dir("calibrate");
  std::string t =
      replace(kTargets, "fragmentation.wrong_agency_probability: {dist: uniform, min: 0.1, max: 0.5}",
              "fragmentation.bounce_weeks: {dist: uniform, min: 1, max: 8}");
  t = replace(t, "  mode_search: 10\n", "  mode_search: 0\n");
  const CalibrationPlan plan = plan_calibration(tiny(dir, t), 7);
  CHECK(plan.simulated.names_whole_numbers("fragmentation.bounce_weeks"));
  CHECK(!plan.simulated.names_whole_numbers("domains.*.incidence_per_year"));
  const CalibrationResult r = run_calibration(plan);
  CHECK(r.rejected == 0);
  REQUIRE(r.set_values.size() == 20);
  bool some_drawn_between = false;
  for (std::size_t k = 0; k < r.sets.size(); ++k) {
    const double drawn = r.candidates[r.sets[k]].parameters[1];
    some_drawn_between = some_drawn_between || drawn != std::round(drawn);
    CHECK(r.set_values[k][1] == std::round(drawn));                      // the weeks simulated
    CHECK(r.set_values[k][0] == r.candidates[r.sets[k]].parameters[0]);  // a rate as drawn
  }
  CHECK(some_drawn_between);
  // 20 sets, fewer than 40: the posterior's and the fit's spread is the lowest to the highest set, not
  // percentiles interpolated between two sets (outside attack 38: "2.5%-97.5% percentiles" of 5 sets).
  for (std::size_t j = 0; j < r.posterior.size(); ++j) {
    double lo = r.set_values[0][j], hi = lo;
    for (const auto& x : r.set_values) lo = std::min(lo, x[j]), hi = std::max(hi, x[j]);
    CHECK(r.posterior[j].lo == lo);
    CHECK(r.posterior[j].hi == hi);
  }
  for (std::size_t k = 0; k < r.fit.size(); ++k) {
    if (r.fit[k].fit == Fit::NotModelled) continue;
    double lo = r.candidates[r.sets[0]].model[k], hi = lo;
    for (std::size_t i : r.sets)
      lo = std::min(lo, r.candidates[i].model[k]), hi = std::max(hi, r.candidates[i].model[k]);
    CHECK(r.fit[k].lo == lo);
    CHECK(r.fit[k].hi == hi);
  }
  const Report report = calibration_report(plan, r);
  CHECK(report.interval.find(
            "lowest and highest values (from fewer than 40 sets, too few for a 95% interval)") !=
        std::string::npos);
}

TEST_CASE("calibrate counts apart the candidates beyond a parameter's range, which it does not simulate",
          "[calibrate]") {
  // A normal prior on a probability at the edge the plan allows (mean - 3 sd = 0.15 - 3 x 0.05 = 0, as far
  // as the plan checks: its 0,135% quantile): P(x < 0) = Phi(-3) = 0.135%, about 4 of 3,000 initial
  // candidates. Those are rejected (not simulated, weight 0); the table counted them among the candidates
  // simulated (outside attack 65: "3.000 simulated" where 2.997 were).
  TempDir dir("calibrate");
  std::string t =
      replace(kTargets, "fragmentation.wrong_agency_probability: {dist: uniform, min: 0.1, max: 0.5}",
              "fragmentation.wrong_agency_probability: {dist: normal, mean: 0.15, sd: 0.05}");
  t = replace(t, "  mode_search: 10\n", "  mode_search: 0\n");
  t = replace(t, "  initial: 30\n", "  initial: 3000\n");
  t = replace(t, "  rounds: 3\n", "  rounds: 0\n");
  t = replace(t, "  replications: 2\n", "  replications: 1\n");
  const CalibrationPlan plan = plan_calibration(tiny(dir, t), 7);
  std::size_t simulated = 0;
  const CalibrationResult r =
      run_calibration(plan, nullptr, [&](const CandidateRecord& c) { simulated += !c.rejected; });
  std::size_t beyond = 0;
  for (const CandidateRecord& c : r.candidates) beyond += c.parameters[1] < 0;
  REQUIRE(beyond > 0);
  CHECK(r.rejected == beyond);
  for (const CandidateRecord& c : r.candidates) CHECK(c.rejected == (c.parameters[1] < 0));
  const Report report = calibration_report(plan, r);
  const Table& run = report.tables.at(0);
  auto count_of = [&](const std::string& key) {
    for (const Row& row : run.rows)
      if (row.key == key) return row.cells.at(0).stat.mean;
    FAIL("no row " << key);
    return 0.0;
  };
  CHECK(count_of("simulated") == static_cast<double>(simulated));
  CHECK(count_of("simulated") == static_cast<double>(r.candidates.size() - beyond));
  CHECK(count_of("rejected") == static_cast<double>(beyond));
}

TEST_CASE("calibrate: a whole-number parameter's posterior range names whole numbers", "[calibrate]") {
  // From 40 sets the range is the 2,5th and 97,5th percentiles (type 7), which fall between two whole
  // numbers the sets hold: "10,9 (9,5 to 12,0)" named 9,5 weeks, which no candidate ran with (an analyst's
  // reading of the scale-up's calibration). Taken outward to whole numbers; a rate's stays as it is.
  TempDir dir("calibrate");
  std::string t =
      replace(kTargets, "fragmentation.wrong_agency_probability: {dist: uniform, min: 0.1, max: 0.5}",
              "fragmentation.bounce_weeks: {dist: uniform, min: 1, max: 8}");
  t = replace(replace(t, "  mode_search: 10\n", "  mode_search: 0\n"), "  sets: 20\n", "  sets: 40\n");
  const std::string scenario = tiny(dir, t);
  // Type 7 by hand: h = (n - 1) p, between the order statistics floor(h) and floor(h) + 1 (0-based).
  const auto type7 = [](const std::vector<double>& v, double p) {
    const double h = (v.size() - 1) * p;
    const auto k = static_cast<std::size_t>(std::floor(h));
    return v[k] + (h - std::floor(h)) * (v[std::min(k + 1, v.size() - 1)] - v[k]);
  };
  const auto sorted_column = [](const CalibrationResult& r, std::size_t j) {
    std::vector<double> v;
    for (const auto& x : r.set_values) v.push_back(x[j]);
    std::sort(v.begin(), v.end());
    return v;
  };
  // The case in question needs sets whose 2,5th percentile of the weeks falls between two whole numbers: the
  // first seed from 3 that gives it (seed 3 did with the scenarios of before 7 December 2026, 2,975; which
  // seed does moves with the shipped baseline this test extends).
  CalibrationResult r;
  std::optional<CalibrationPlan> plan;
  for (std::uint64_t seed = 3; seed < 23; ++seed) {
    plan.emplace(plan_calibration(scenario, seed));
    r = run_calibration(*plan);
    const std::vector<double> weeks = sorted_column(r, 1);
    if (r.set_values.size() == 40 && type7(weeks, 0.025) != std::floor(type7(weeks, 0.025))) break;
  }
  REQUIRE(r.set_values.size() == 40);
  for (std::size_t j = 0; j < 2; ++j) {
    const std::vector<double> v = sorted_column(r, j);
    const auto type7_of = [&](double p) { return type7(v, p); };
    if (j == 0) {  // the rate: the percentiles as they are
      CHECK(r.posterior[j].lo == Approx(type7_of(0.025)));
      CHECK(r.posterior[j].hi == Approx(type7_of(0.975)));
    } else {  // the weeks: whole, outward
      REQUIRE(type7_of(0.025) != std::floor(type7_of(0.025)));
      CHECK(r.posterior[j].lo == std::floor(type7_of(0.025)));
      CHECK(r.posterior[j].hi == std::ceil(type7_of(0.975)));
      CHECK(std::find(v.begin(), v.end(), r.posterior[j].lo) != v.end());
      CHECK(std::find(v.begin(), v.end(), r.posterior[j].hi) != v.end());
    }
  }
  const Report report = calibration_report(*plan, r);
  CHECK(report.tables[1].id == "posterior");
  CHECK(report.tables[1].note.find(
            "fragmentation.bounce_weeks takes whole numbers, simulated rounded: its range "
            "is taken outward to whole numbers, values the sets hold.") != std::string::npos);
}

TEST_CASE("calibrate's caption says the model's Monte Carlo error is 0 with one replication per candidate",
          "[calibrate]") {
  // docs/model.md 19.1: the error is not known from one replication and taken as 0; the caption named the
  // term beside "1 replication" without a word of it (an analyst's reading of the scale-up's calibration).
  TempDir dir("calibrate");
  auto caption = [&](const std::string& targets) {
    const CalibrationPlan plan = plan_calibration(tiny(dir, targets), 7);
    return calibration_report(plan, run_calibration(plan)).tables.front().note;
  };
  const std::string one = caption(replace(replace(kTargets, "  replications: 2\n", "  replications: 1\n"),
                                          "  mode_search: 10\n", "  mode_search: 0\n"));
  CHECK(one.find("the model's Monte Carlo standard error^2 (here 0: with one replication per candidate the "
                 "model's noise is not known, and the likelihood allows nothing for it)") !=
        std::string::npos);
  const std::string two = caption(replace(kTargets, "  mode_search: 10\n", "  mode_search: 0\n"));
  CHECK(two.find("the model's Monte Carlo standard error^2.") != std::string::npos);
  CHECK(two.find("here 0") == std::string::npos);
}

TEST_CASE("calibrate: interrupted and resumed from the store, the same sets as a run never interrupted",
          "[calibrate]") {
  TempDir dir("calibrate");
  const CalibrationPlan plan = plan_calibration(tiny(dir), std::nullopt);
  auto text = [&](const CalibrationResult& r) {
    return calibration_sets_text(plan, r) + render_table(calibration_report(plan, r));
  };
  std::string clean;
  std::size_t all = 0;
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    std::size_t first_total = 0;
    const CalibrationResult r = run_calibration(plan, [&](std::size_t, std::size_t total) {
      if (!first_total) first_total = total;
    });
    clean = text(r);
    all = r.evaluated;
    // The most there can be, which the progress and an interruption's "of at most" say: 30 initial + 10 of
    // the mode search + its Hessian's 2 x 3 points (2 per axis, 2 per pair; it counted 2 x 2^2 = 8) + 3
    // rounds of 15 = 91.
    CHECK(first_total == 91);
    CHECK(all <= 91);
  }
  REQUIRE(all > 60);
  // Stopped twice (inside the initial draws, then inside the rounds), resumed from the store each time,
  // with two threads.
  tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
  const std::string store = dir / "cal.db";
  std::int64_t run = 0;
  std::size_t simulated = 0;
  for (std::size_t stop_after : {std::size_t{12}, std::size_t{55}}) {
    std::optional<std::int64_t> resume;
    if (run) resume = run;
    CalibrationRecorder rec(plan, store, "wijksim calibrate tiny.yaml", resume);
    run = rec.run_id();
    std::atomic<bool> stop{false};
    std::size_t now = 0;
    const CandidateSink sink = rec.sink();
    CHECK_THROWS_AS(run_calibration(
                        plan,
                        [&](std::size_t done, std::size_t) {
                          if (done >= stop_after) stop = true;
                        },
                        [&](const CandidateRecord& c) {
                          ++now;
                          sink(c);
                        },
                        &rec.completed(), &stop),
                    Interrupted);
    CHECK(rec.completed().size() == simulated);  // what the store held when this part started
    simulated += now;
    rec.interrupted();
  }
  std::optional<CalibrationRecorder> resumed;
  resumed.emplace(plan, store, "wijksim calibrate tiny.yaml", run);
  CalibrationRecorder& rec = *resumed;
  CHECK(rec.completed().size() == simulated);
  std::size_t again = 0;
  const CandidateSink sink = rec.sink();
  const CalibrationResult r = run_calibration(
      plan, nullptr,
      [&](const CandidateRecord& c) {
        ++again;
        sink(c);
      },
      &rec.completed());
  CHECK(again == all - simulated);  // nothing stored was simulated again
  CHECK(text(r) == clean);
  // While this process writes the run, another writer of it is refused (one live writer per run).
  CHECK_THROWS_WITH(CalibrationRecorder(plan, store, "x", run), Catch::Contains("another process"));
  resumed.reset();  // releases the run's lock
  // A resumed run of another calibration is refused.
  TempDir other("calibrate");
  const CalibrationPlan changed =
      plan_calibration(tiny(other, replace(kTargets, "value: 0.63", "value: 0.6")), std::nullopt);
  // ... said to be of another file where it is (a file elsewhere was "changed"; outside attack 41), its
  // targets file too (outside attack 43: "the targets file ... has changed since" of another file).
  CHECK_THROWS_WITH(CalibrationRecorder(changed, store, "x", run),
                    Catch::Contains("it calibrated the scenario " + (dir / "tiny.yaml") + ", not " +
                                    (other / "tiny.yaml")));
  CHECK_THROWS_WITH(CalibrationRecorder(changed, store, "x", run),
                    Catch::Contains("it was fitted to the targets file " + (dir / "targets.yaml") + ", not " +
                                    (other / "targets.yaml")));
  // The same targets file, changed, is said to have changed.
  dir.write("targets.yaml", replace(kTargets, "value: 0.63", "value: 0.6"));
  const CalibrationPlan edited = plan_calibration(dir / "tiny.yaml", std::nullopt);
  CHECK_THROWS_WITH(CalibrationRecorder(edited, store, "x", run),
                    Catch::Contains("the targets file " + (dir / "targets.yaml") + " has changed since"));
}

TEST_CASE("calibrate's sets feed a PSA: its file reads back as the sets, and their key paths",
          "[calibrate]") {
  TempDir dir("calibrate");
  const CalibrationPlan plan = plan_calibration(tiny(dir), std::nullopt);
  const CalibrationResult r = run_calibration(plan);
  const ParameterSets sets = read_parameter_sets(dir.write("sets.csv", calibration_sets_text(plan, r)));
  CHECK(sets.keys ==
        std::vector<std::string>{"domains.*.incidence_per_year", "fragmentation.wrong_agency_probability"});
  CHECK(sets.rows == r.set_values);
  StudyOverrides o;
  o.draws = 5;
  o.parameter_sets = dir / "sets.csv";
  const Study study = plan_study({dir / "tiny.yaml"}, o, false);
  for (std::uint32_t d = 1; d <= 5; ++d) {
    const std::size_t k = parameter_set_of_draw(study.seed, d, sets.size());
    CHECK(study.scenario_in_draw(0, d).fragmentation.wrong_agency_probability == r.set_values[k][1]);
  }
}

// A calibration's run keeps its scenario as a run does: a pilot's coaches too (export wrote 0 coach FTE and
// caseloads of 0 for a pilot's calibration; outside attack 18). The numbers are read from the scenario the
// plan loaded, not typed here.
TEST_CASE("calibrate stores its scenario's coaches as a run stores them", "[calibrate]") {
  TempDir dir("calibrate");
  dir.write("targets.yaml", kTargets);
  const std::string pilot =
      dir.write("pilot-tiny.yaml", "extends: " + shipped("pilot.yaml") +
                                       "\nname: pilot-tiny\ntargets: targets.yaml\n"
                                       "comparator: ~\npopulation:\n  households: 300\n");
  const CalibrationPlan plan = plan_calibration(pilot, std::nullopt);
  const Coaches& coaches = plan.source.base().coaches;
  REQUIRE(coaches.enabled);
  REQUIRE(coaches.fte > 0);
  const std::string store = dir / "cal.db";
  std::int64_t run = 0;
  {
    CalibrationRecorder rec(plan, store, "wijksim calibrate pilot-tiny.yaml", std::nullopt);
    run = rec.run_id();
  }
  const std::vector<StoredScenario> stored = RunStore::open(store).scenarios(run);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].coach_fte == coaches.fte);
  CHECK(stored[0].caseload_norm_per_fte == coaches.caseload_norm_per_fte);
  CHECK(stored[0].caseload_cap_per_fte == coaches.caseload_cap_per_fte);
  CHECK(stored[0].households == 300);
}
