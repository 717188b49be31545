// A parameter's plain words (report/parameter_words.h): the rows of the tornado, the one-way table and the
// EVPPI name parameters by them, beside the key path.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "fixtures.h"
#include "wijksim/report/parameter_words.h"
#include "wijksim/scenario/scenario_source.h"

using namespace wijksim;

TEST_CASE("a parameter's row label is its words, whose it is, and its key path", "[report][words]") {
  CHECK(parameter_label("agencies.*.success_probability") ==
        "Chance a treatment succeeds, every agency (agencies.*.success_probability)");
  // An entry of a section is named: five domains' escalation costs read alike without it.
  CHECK(parameter_label("domains.money.escalation.cost") ==
        "Cost of an escalation, money (domains.money.escalation.cost)");
  CHECK(parameter_label("agencies.debt_counselling.intake_weeks") ==
        "Weeks to an intake, debt counselling (agencies.debt_counselling.intake_weeks)");
  CHECK(parameter_label("coaches.cost_per_fte_year") ==
        "Cost of a coach FTE, a year (coaches.cost_per_fte_year)");
  // A map's entry takes its map's words, and is named as a domain is.
  CHECK(parameter_words("coaches.notice_per_week.money") == "Chance a coach notices a problem, a week");
  CHECK(parameter_label("coaches.solve_per_week.money") ==
        "Chance a coach solves a problem, a week, money (coaches.solve_per_week.money)");
  // Whole parts only: not "Places" for capacity_per_1000_households, not the escalation rate for its
  // growth, not coordination for its success gain.
  CHECK(parameter_words("agencies.*.capacity_per_1000_households") == "Places per 1.000 households");
  CHECK(parameter_words("domains.*.escalation_growth_per_year") == "Escalation growing with a problem's age");
  CHECK(parameter_words("coaches.coordination_success_gain") == "Success gained by coordination");
  CHECK(parameter_words("coaches.coordination") == "Chance a coach coordinates the professionals");
  // Only a whole part of the path: "xcapacity" is no capacity.
  CHECK(parameter_words("agencies.a.xcapacity").empty());
  // Sections, groups and keys without words keep the key path alone.
  CHECK(parameter_label("domains.*") == "domains.*");
  CHECK(parameter_label("all") == "all");
}

TEST_CASE("a parameter named without its key path, and within a sentence", "[report][words]") {
  // The planning curves name the parameter without the key path the thresholds table gives beside it.
  CHECK(parameter_name("domains.money.escalation.cost") == "Cost of an escalation, money");
  CHECK(parameter_name("agencies.*.presence") == "Chance an agency is present in a team, every agency");
  CHECK(parameter_name("coaches.fte") == "Coach FTE");
  // A list of quality of life by number of problems: each entry by its number.
  CHECK(parameter_name("economics.utility_by_problems[2]") == "Quality of life with 2 problems");
  CHECK(parameter_name("economics.utility_by_problems[1]") == "Quality of life with 1 problem");
  CHECK(parameter_name("economics.utility_by_problems[0]") == "Quality of life with no problem");
  CHECK(parameter_label("economics.utility_by_problems[4]") ==
        "Quality of life with 4 problems (economics.utility_by_problems[4])");
  // A neighbourhood is named as its file names it, an agency's key in words.
  CHECK(parameter_name("population.neighbourhoods.deprived_a.incidence_factor") ==
        "New problems, a neighbourhood's factor, deprived_a");
  CHECK(parameter_name("agencies.debt_counselling.presence") ==
        "Chance an agency is present in a team, debt counselling");
  CHECK(parameter_name("domains.*") == "domains.*");
  // The two-way tables' titles: "... by coach FTE (coaches.fte) (columns) and ...". A label beginning with
  // an abbreviation keeps its capitals; a key path without words is left as it is.
  CHECK(parameter_label_in_sentence("coaches.fte") == "coach FTE (coaches.fte)");
  CHECK(parameter_label_in_sentence("coaches.coordination_success_gain") ==
        "success gained by coordination (coaches.coordination_success_gain)");
  CHECK(parameter_label_in_sentence("all") == "all");
  CHECK(parameter_label_in_sentence("Xyz.abc") == "Xyz.abc");
}

TEST_CASE("every number a shipped scenario lets a sensitivity analysis set has plain words",
          "[report][words]") {
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(WIJKSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const ScenarioSource source = ScenarioSource::load(entry.path().string());
    std::set<std::string> without;
    for (const ScenarioParameter& p : source.parameters())
      if (parameter_words(p.key_path).empty()) without.insert(p.key_path);
    INFO(entry.path().filename().string());
    CHECK(without == std::set<std::string>{});
  }
}
