// What a study refuses before anything is allocated or simulated: a comparator that does not share the
// intervention's warm-up (common random numbers need one warm-up for both), a scenario compared with itself,
// and studies too large to finish (draws and stored rows counted, not only household-weeks).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "temp_dir.h"
#include "wijksim/core/error.h"
#include "wijksim/study/study.h"

using namespace wijksim;

namespace {

using test::TempDir;

// A copy of the shipped Velve baseline (and the targets and parameter sets files it names) in `dir`, so
// scenarios written next to it can extend it.
void copy_baseline(const TempDir& dir) {
  for (const char* f : {"baseline-velve.yaml", "targets/velve.yaml", "sets/velve.csv"}) {
    std::ifstream in(std::string(WIJKSIM_SOURCE_DIR) + "/scenarios/" + f);
    std::stringstream text;
    text << in.rdbuf();
    dir.write(f, text.str());
  }
}

std::vector<Diagnostic> plan_problems(const std::vector<std::string>& paths, const StudyOverrides& o = {},
                                      bool with_comparators = true) {
  try {
    plan_study(paths, o, with_comparators);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

// An intervention with coaches on the Velve baseline, compared with `comparator`.
const char* kCoaches =
    "coaches:\n"                       // 4
    "  enabled: true\n"                // 5
    "  fte: 5\n"                       // 6
    "  teams: 1\n"                     // 7
    "  caseload_norm_per_fte: 20\n"    // 8
    "  caseload_cap_per_fte: 30\n"     // 9
    "  cost_per_fte_year: 65000\n"     // 10
    "  funding: additional\n"          // 11
    "  funding_payer: municipality\n"  // 12
    "  notice_per_week: {money: 0.3, work_income: 0.3, housing: 0.3, health: 0.3, family: 0.3, "
    "isolation: 0.3}\n"  // 13
    "  solve_per_week: {money: 0.1, work_income: 0.1, housing: 0.1, health: 0.1, family: 0.1, "
    "isolation: 0.1}\n"                   // 14
    "  competence_spread: 0.1\n"          // 15
    "  outreach_per_year: 1\n"            // 16
    "  self_referral_per_year: 0.5\n"     // 17
    "  mandate_probability: 0.8\n"        // 18
    "  privacy_probability: 0.1\n"        // 19
    "  privacy_delay_weeks: 4\n"          // 20
    "  coordination: 0.9\n"               // 21
    "  coordination_success_gain: 0.1\n"  // 22
    "  going_native_probability: 0.05\n"  // 23
    "  activation_per_year: 0.3\n"        // 24
    "  overload_slope: 0.5\n"             // 25
    "  min_effectiveness: 0.3\n"          // 26
    "  close_after_quiet_weeks: 12\n"     // 27
    "  max_weeks: 104\n"                  // 28
    "  relapse_factor: 1.2\n"             // 29
    "  relapse_weeks: 26\n"               // 30
    "  trust_gain_per_year: 0.3\n";       // 31

std::string intervention(const std::string& comparator, const std::string& extra = "") {
  return "extends: baseline-velve.yaml\nname: coaches\ncomparator: " + comparator + "\n" + kCoaches + extra;
}

}  // namespace

TEST_CASE("a comparator must share the intervention's warm-up: same warm-up years, same baseline world",
          "[study]") {
  TempDir dir("plan-warmup");
  copy_baseline(dir);
  dir.write("coaches.yaml", intervention("short.yaml"));

  SECTION("other warmup_years: refused where the comparator sets them, naming where it is named") {
    dir.write("short.yaml", "extends: baseline-velve.yaml\nname: short\nsimulation:\n  warmup_years: 10\n");
    const auto d = plan_problems({dir / "coaches.yaml"});
    REQUIRE(d.size() == 1);
    // The intervention's simulation section is baseline-velve.yaml's, which the comparator reads too: the
    // difference is short.yaml's, at its line 3.
    CHECK(d[0].where.file == dir / "short.yaml");
    CHECK(d[0].where.line == 3);
    CHECK(d[0].where.column == 1);
    CHECK(d[0].key == "simulation");
    CHECK_THAT(d[0].message, Catch::Contains("(named at " + (dir / "coaches.yaml") + ":3)"));
    CHECK_THAT(d[0].message, Catch::Contains("warmup_years") && Catch::Contains("20") &&
                                 Catch::Contains("10") && Catch::Contains("warm-up"));
  }
  SECTION("a baseline parameter changed by the intervention: refused, naming it") {
    dir.write("short.yaml", "extends: baseline-velve.yaml\nname: short\n");
    dir.write("coaches.yaml",
              intervention("short.yaml", "fragmentation:\n  wrong_agency_probability: 0.1\n"));
    const auto d = plan_problems({dir / "coaches.yaml"});
    REQUIRE(d.size() == 1);
    // Said at the intervention's own fragmentation section: its line 32, after kCoaches' last (31).
    CHECK(d[0].where.file == dir / "coaches.yaml");
    CHECK(d[0].where.line == 32);
    CHECK(d[0].key == "fragmentation");
    CHECK_THAT(d[0].message, Catch::Contains("fragmentation"));
  }
  SECTION("in one parameter draw only (a distribution the comparator does not share): refused with draws") {
    dir.write("short.yaml", "extends: baseline-velve.yaml\nname: short\n");
    dir.write("coaches.yaml",
              intervention("short.yaml", "ladder:\n  climb_per_year: {dist: uniform, min: 0.1, max: 0.3}\n"));
    CHECK(plan_problems({dir / "coaches.yaml"}).empty());  // the base case: both at the mean 0.2
    StudyOverrides o;
    o.draws = 3;
    o.replications = 1;
    o.years = 1;
    const auto d = plan_problems({dir / "coaches.yaml"}, o);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.file == dir / "coaches.yaml");
    CHECK(d[0].key == "ladder");
    CHECK_THAT(d[0].message, Catch::Contains("draw 1") && Catch::Contains("ladder"));
  }
  SECTION("parameter sets of its own: refused at its parameter_sets, not at an inherited comparator") {
    // own.yaml extends the intervention (whose `comparator:` is at coaches.yaml:3) and names sets of its own:
    // in a draw its baseline values come from them and the comparator's from sets/velve.csv. Said at the
    // line own.yaml names them, 3 (outside attack 49: it was said at the comparator in the extended file).
    dir.write("short.yaml", "extends: baseline-velve.yaml\nname: short\n");
    dir.write("ps.csv", "set,coaches.cost_per_fte_year\n1,70000\n2,80000\n");
    dir.write("own.yaml", "extends: coaches.yaml\nname: own\nparameter_sets: ps.csv\n");
    StudyOverrides o;
    o.draws = 2;
    o.replications = 1;
    o.years = 1;
    const auto d = plan_problems({dir / "own.yaml"}, o);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.file == dir / "own.yaml");
    CHECK(d[0].where.line == 3);
    CHECK(d[0].key == "parameter_sets");
    CHECK_THAT(d[0].message, Catch::Contains("(named at " + (dir / "coaches.yaml") + ":3)") &&
                                 Catch::Contains("parameter sets '" + (dir / "ps.csv") + "'"));
  }
  SECTION("costs and coach settings may differ: accepted") {
    dir.write(
        "short.yaml",
        "extends: baseline-velve.yaml\nname: short\nagencies:\n  debt_counselling:\n    intake_cost: 999\n");
    CHECK(plan_problems({dir / "coaches.yaml"}).empty());
  }
  SECTION("run (no comparison) does not check the pair") {
    dir.write("short.yaml", "extends: baseline-velve.yaml\nname: short\nsimulation:\n  warmup_years: 10\n");
    CHECK(plan_problems({dir / "coaches.yaml"}, {}, false).empty());
  }
}

TEST_CASE("a scenario that is its own comparator is refused", "[study]") {
  // Compared with itself every difference is zero by construction: an evaluation that says nothing.
  TempDir dir("plan-self");
  copy_baseline(dir);
  dir.write("coaches.yaml", intervention("coaches.yaml"));
  dir.write("spelled.yaml", intervention("./sub/../spelled.yaml"));  // the same file, spelled otherwise
  for (const char* f : {"coaches.yaml", "spelled.yaml"}) {
    INFO(f);
    const auto d = plan_problems({dir / f});
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 3);
    CHECK(d[0].key == "comparator");
    CHECK_THAT(d[0].message, Catch::Contains("its own comparator"));
  }
  // A comparator that extends its intervention inherits the intervention's `comparator`, which names the
  // comparator itself: the message is of the scenario that inherited it, at the line it inherited, and says
  // how to give it none (it said "the scenario is its own comparator" at the intervention's line).
  dir.write("with.yaml", intervention("without.yaml"));
  dir.write("without.yaml", "extends: with.yaml\nname: without\ncoaches:\n  enabled: false\n");
  const auto d = plan_problems({dir / "with.yaml"});
  REQUIRE(d.size() == 1);
  CHECK(d[0].where.file.ends_with("with.yaml"));
  CHECK(d[0].where.line == 3);
  CHECK_THAT(d[0].message,
             Catch::Contains("the scenario '" + (dir / "without.yaml") +
                             "' takes this comparator ('without.yaml') from here by `extends`") &&
                 Catch::Contains("`comparator: ~` for none"));
  // With that, the two compare.
  dir.write("without.yaml", "extends: with.yaml\nname: without\ncomparator: ~\ncoaches:\n  enabled: false\n");
  CHECK(plan_problems({dir / "with.yaml"}).empty());
}

TEST_CASE("a study too large to finish is refused before anything is allocated: draws and stored rows count",
          "[study]") {
  TempDir dir("plan-size");
  copy_baseline(dir);
  // One household: the household-weeks are nothing, the draws are everything.
  dir.write("tiny.yaml", "extends: baseline-velve.yaml\nname: tiny\npopulation:\n  households: 1\n");
  StudyOverrides o;
  o.draws = 2000000000;
  o.years = 1;
  const auto d = plan_problems({dir / "tiny.yaml"}, o, false);
  REQUIRE(d.size() == 1);
  CHECK(d[0].key == "--draws/--replications");
  CHECK_THAT(d[0].message, Catch::Contains("2,000,000,000 draws"));
  // A modest PSA of the same scenario is accepted.
  o.draws = 1000;
  CHECK(plan_problems({dir / "tiny.yaml"}, o, false).empty());
}

TEST_CASE("a parameter draw whose reallocation takes more places than an agency has is refused, counted",
          "[study]") {
  // Before, such a draw ran with the agency's places cut to 0 (the model's floor) and nothing said so.
  TempDir dir("plan-reallocation");
  copy_baseline(dir);
  dir.write("coaches.yaml", intervention("baseline-velve.yaml"));
  // 5 FTE at EUR 50,000 to 250,000 a year; debt counselling takes 0.20 of the cut at EUR 40 a case-week,
  // 84 places (30 per 1,000 of 2,800 households): the cut is about cost / 2,080 places, above 84 from about
  // EUR 174,700 on, in about 38% of the draws; the base case (EUR 150,000: 72 places) is accepted.
  dir.write("cut.yaml",
            "extends: coaches.yaml\nname: cut\ncoaches:\n  funding: reallocated\n"
            "  cost_per_fte_year: {dist: uniform, min: 50000, max: 250000}\n");
  CHECK(plan_problems({dir / "cut.yaml"}).empty());
  StudyOverrides o;
  o.draws = 40;
  o.replications = 1;
  o.years = 1;
  const auto d = plan_problems({dir / "cut.yaml"}, o);
  REQUIRE(d.size() == 1);
  CHECK(d[0].where.file == dir / "cut.yaml");
  CHECK(d[0].where.line == 4);
  CHECK(d[0].key == "coaches.funding");
  // The count, by hand from each draw's cost: places = round(share / total share * FTE * cost / (cost of a
  // place-week * 52)), against each agency's places.
  StudyOverrides base_case = o;
  base_case.draws = 0;
  int over = 0, first = 0;
  // The same draws of the plan without them (the check is for draws): each draw's scenario is the input.
  Study drawn = plan_study({dir / "cut.yaml"}, base_case, true);
  drawn.draws = 40;
  for (std::uint32_t k = 1; k <= 40; ++k) {
    const Scenario s = drawn.scenario_in_draw(0, k);
    double total = 0;
    for (const Agency& a : s.agencies) total += a.reallocation_share;
    const double yearly = s.coaches.fte * static_cast<double>(s.coaches.cost_per_fte_year);
    bool exceeds = false;
    for (const Agency& a : s.agencies)
      if (a.reallocation_share > 0 &&
          std::round(a.reallocation_share / total * yearly /
                     (static_cast<double>(a.cost_per_case_week) * 52)) > a.capacity)
        exceeds = true;
    if (exceeds && over++ == 0) first = static_cast<int>(k);
  }
  CHECK(over > 5);
  CHECK(over < 35);
  CHECK_THAT(d[0].message,
             Catch::StartsWith(fmt::format(
                 "in {} of 40 parameter draws (the first: draw {}), paying 5 coach FTE by reallocation takes",
                 over, first)));
}
