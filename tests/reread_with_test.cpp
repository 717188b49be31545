// ScenarioSource::reread_with: a scenario with some key paths set to numbers, read and checked again as a
// whole, as calibration's candidates and parameter sets use it.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fixtures.h"
#include "wijksim/scenario/scenario_source.h"

using namespace wijksim;

namespace {

using test::shipped;

// Where a free parameter is written in a targets file (any place will do: the errors must name it).
const Location kHere{"targets/test.yaml", 17, 3};

std::vector<Diagnostic> problems_of(const ScenarioSource& src, std::vector<KeyValue> values) {
  try {
    src.reread_with(values);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST_CASE("reread_with sets a number, and only that number", "[reread_with]") {
  const ScenarioSource src = ScenarioSource::load(shipped("baseline-velve.yaml"));
  const Scenario before = src.base();
  const Scenario after =
      src.reread_with(std::vector<KeyValue>{{"population.trust.mean", 0.61, kHere}}).base();
  CHECK(after.population.trust_mean == 0.61);
  REQUIRE(before.population.trust_mean != 0.61);
  CHECK(src.base().population.trust_mean == before.population.trust_mean);  // the source itself is unchanged
  // Everything else as before.
  Scenario restored = after;
  restored.population.trust_mean = before.population.trust_mean;
  CHECK(restored.population == before.population);
  CHECK(restored.domains == before.domains);
  CHECK(restored.agencies == before.agencies);
  CHECK(restored.fragmentation == before.fragmentation);
  CHECK(after.targets == before.targets);
}

TEST_CASE("reread_with: '*' sets that key of every entry of a map", "[reread_with]") {
  const ScenarioSource src = ScenarioSource::load(shipped("baseline-velve.yaml"));
  const Scenario s = src.reread_with(std::vector<KeyValue>{{"domains.*.incidence_per_year", 0.03, kHere},
                                                           {"agencies.*.success_probability", 0.6, kHere}})
                         .base();
  REQUIRE(s.domains.size() == 6);
  for (const Domain& d : s.domains) CHECK(d.incidence_per_year == 0.03);
  for (const Agency& a : s.agencies) CHECK(a.success_probability == 0.6);
  // Another key of the same entries is untouched.
  CHECK(s.domains[0].rung_factor == 1.6);
}

TEST_CASE("reread_with: 'prefix*' sets that key of the entries whose key starts with the prefix",
          "[reread_with]") {
  // The city's nine neighbourhoods: deprived_a-b, middle_a-d, better_off_a-c (scenarios/baseline-enschede.yaml).
  const ScenarioSource src = ScenarioSource::load(shipped("baseline-enschede.yaml"));
  const Scenario s =
      src.reread_with(std::vector<KeyValue>{{"population.neighbourhoods.middle_*.incidence_factor", 0.42, kHere}})
          .base();
  int middle = 0;
  for (const NeighbourhoodSpec& n : s.population.neighbourhoods) {
    const bool is_middle = n.name.rfind("middle_", 0) == 0;
    middle += is_middle;
    if (is_middle)
      CHECK(n.incidence_factor == 0.42);
    else
      CHECK(n.incidence_factor != 0.42);
  }
  CHECK(middle == 4);
  // A prefix no key has is refused, naming the keys there are.
  CHECK_THROWS_WITH(src.reread_with(std::vector<KeyValue>{{"population.neighbourhoods.rich_*.incidence_factor",
                                                          0.4, kHere}}),
                    Catch::Contains("no key of 'population.neighbourhoods' matches 'rich_*'"));
}

TEST_CASE("reread_with: a number replaces a distribution, which then no longer varies", "[reread_with]") {
  const ScenarioSource src = ScenarioSource::load(shipped("baseline-velve.yaml"));
  auto varies = [](const ScenarioSource& x, const std::string& key) {
    for (const UncertainParameter& u : x.uncertain())
      if (u.key_path == key) return true;
    return false;
  };
  REQUIRE(varies(src, "domains.money.escalation.cost"));  // uniform 5,000-10,000 in the file
  const ScenarioSource set =
      src.reread_with(std::vector<KeyValue>{{"domains.money.escalation.cost", 6000, kHere}});
  CHECK(!varies(set, "domains.money.escalation.cost"));
  CHECK(varies(set, "domains.housing.escalation.cost"));
  CHECK(set.uncertain().size() + 1 == src.uncertain().size());
  // Every draw now has the number: euros to cents.
  CHECK(set.for_draw(7, 3).domains[0].escalation_cost == 600000);
  CHECK(set.base().domains[0].escalation_cost == 600000);
}

TEST_CASE("reread_with rounds a whole number (weeks), as with_values does", "[reread_with]") {
  // A calibration's uniform prior on coaches.max_weeks proposes 55.3: the file's reader takes whole weeks
  // only, so without rounding every candidate was refused and none could be weighed.
  const ScenarioSource src = ScenarioSource::load(shipped("pilot.yaml"));
  const Scenario down =
      src.reread_with(std::vector<KeyValue>{{"coaches.max_weeks", 55.3, kHere},
                                            {"coaches.close_after_quiet_weeks", 7.5, kHere},
                                            {"coaches.self_referral_per_year", 0.35, kHere}})
          .base();
  CHECK(down.coaches.max_weeks == 55);
  CHECK(down.coaches.close_after_quiet_weeks == 8);         // half away from zero, as std::round
  CHECK(down.coaches.self_referral_per_year == 0.35);       // not a whole number: kept as given
  CHECK(src.with_values({{"coaches.max_weeks", 55.3}}).coaches.max_weeks == 55);  // the same as with_values
  CHECK(src.names_whole_numbers("coaches.max_weeks"));
  CHECK(!src.names_whole_numbers("coaches.self_referral_per_year"));
  CHECK(!src.names_whole_numbers("coaches.no_such_key"));
  // The range is checked after rounding: 0.4 weeks rounds to 0, below the smallest 1.
  const auto p = problems_of(src, {{"coaches.max_weeks", 0.4, kHere}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].where.line == kHere.line);
}

TEST_CASE("reread_with applies the reader's conversions", "[reread_with]") {
  const ScenarioSource src = ScenarioSource::load(shipped("baseline-velve.yaml"));
  const Scenario s =
      src.reread_with(
             std::vector<KeyValue>{{"agencies.debt_counselling.intake_cost", 592.345, kHere},
                                   {"agencies.debt_counselling.capacity_per_1000_households", 10, kHere},
                                   {"population.households", 1400, kHere}})
          .base();
  const Agency& debt = s.agencies[static_cast<std::size_t>(s.agency_index("debt_counselling"))];
  CHECK(debt.intake_cost == 59235);  // EUR 592.345 rounded to the cent
  CHECK(debt.capacity == 14);        // 10 per 1,000 of the 1,400 households
  // Every other agency's capacity follows the new number of households: social services 118 per 1,000
  // (scenarios/baseline-velve.yaml) of 1,400 is 165.2.
  CHECK(s.agencies[static_cast<std::size_t>(s.agency_index("social_services"))].capacity == 165);
  CHECK(s.population.households == 1400);
}

TEST_CASE("reread_with refuses an unknown key path, a text and an impossible value, at their place",
          "[reread_with]") {
  const ScenarioSource src = ScenarioSource::load(shipped("baseline-velve.yaml"));
  SECTION("an unknown key, with a suggestion") {
    const auto p = problems_of(src, {{"domains.money.incidence_per_yaer", 0.02, kHere}});
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.file == kHere.file);
    CHECK(p[0].where.line == 17);
    CHECK(p[0].key == "domains.money.incidence_per_yaer");
    CHECK_THAT(p[0].message, Catch::Contains("no key 'domains.money.incidence_per_yaer'") &&
                                 Catch::Contains("did you mean 'domains.money.incidence_per_year'"));
  }
  SECTION("an unknown entry") {
    const auto p = problems_of(src, {{"domains.debts.incidence_per_year", 0.02, kHere}});
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("no key 'domains.debts'"));
  }
  SECTION("a key that only some entries of '*' have") {
    const auto p = problems_of(src, {{"domains.*.escalation.spell.exit_per_year", 0.2, kHere}});
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 17);
    CHECK_THAT(p[0].message, Catch::Contains("no key 'domains.money.escalation.spell'"));
  }
  SECTION("a wildcard over the scenario's sections is said as such (outside attack 47)") {
    // It was told "'name' is 'baseline-velve' in the scenario, which has no key '*'".
    const auto p = problems_of(src, {{"*.*.incidence_per_year", 0.02, kHere}});
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::StartsWith("'*' is a wildcard over the scenario's sections") &&
                                 Catch::Contains("as in domains.*.incidence_per_year"));
    CHECK_THAT(p[0].message, !Catch::Contains("'name'"));
  }
  SECTION("a text, a section and a list are not numbers") {
    const auto p = problems_of(src, {{"domains.money.escalation.event", 1, kHere},
                                     {"fragmentation", 1, kHere},
                                     {"population.rung_shares", 1, kHere}});
    REQUIRE(p.size() == 3);
    CHECK_THAT(p[0].message, Catch::Contains("'eviction'") && Catch::Contains("not a number"));
    CHECK_THAT(p[1].message, Catch::Contains("a map") && Catch::Contains("not a number"));
    CHECK_THAT(p[2].message, Catch::Contains("a list") && Catch::Contains("not a number"));
  }
  SECTION("an item of a list is a number") {
    const Scenario s =
        src.reread_with(std::vector<KeyValue>{{"economics.utility_by_problems[1]", 0.9, kHere}}).base();
    CHECK(s.economics.utility_by_problems[1] == 0.9);
    const auto p = problems_of(src, {{"economics.utility_by_problems[9]", 0.9, kHere}});
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("has 5 items"));
  }
  SECTION("a value the key cannot take is the reader's message, at the value's place") {
    const auto p = problems_of(src, {{"fragmentation.wrong_agency_probability", 1.5, kHere}});
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.file == kHere.file);
    CHECK(p[0].where.line == 17);
    CHECK(p[0].key == "fragmentation.wrong_agency_probability");
    CHECK_THAT(p[0].message, Catch::Contains("probability"));
  }
  SECTION("not a key path") {
    const auto p = problems_of(src, {{"domains..x", 1, kHere}});
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("not a key path"));
  }
}

TEST_CASE("has: whether the scenario gives a key path", "[reread_with]") {
  const ScenarioSource src = ScenarioSource::load(shipped("baseline-velve.yaml"));
  CHECK(src.has("population.households"));
  CHECK(src.has("domains.*.escalation.event"));
  CHECK(!src.has("population.neighbourhoods"));
  CHECK(!src.has("domains.*.escalation.spell"));
}
