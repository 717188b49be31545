// Parameter sets (scenario/parameter_sets.h): the file calibrate writes, and PSA draws that take their
// values from it: deterministic, the same set for every scenario of a study in the same draw, independent
// of the thread count, and refused with a location when the file does not fit the scenario.
#include <oneapi/tbb/global_control.h>

#include <fmt/format.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "fixtures.h"
#include "temp_dir.h"
#include "wijksim/scenario/parameter_sets.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/simulation/simulation.h"
#include "wijksim/study/study.h"

using namespace wijksim;
using test::TempDir;

namespace {

using test::shipped;

const std::vector<std::string> kKeys = {"population.trust.mean", "domains.*.incidence_per_year",
                                        "domains.money.escalation.cost"};
const std::vector<std::vector<double>> kRows = {
    {0.5, 0.015, 6000}, {0.6, 0.02, 9000.5}, {0.55, 0.0175, 5000}, {0.45, 0.03, 7000}};

std::vector<Diagnostic> problems_of(const std::string& path) {
  try {
    read_parameter_sets(path);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST_CASE("a sets file reads back exactly what was written", "[parameter_sets]") {
  TempDir dir("sets");
  const std::vector<std::vector<double>> rows = {{0.1 + 0.2, 1e-300, 123456.789}, {-2.5, 1.0 / 3, 7}};
  const std::string text = format_parameter_sets({"wijksim calibrate", "seed: 1"}, kKeys, rows);
  CHECK(text.starts_with("# wijksim calibrate\n# seed: 1\nset,population.trust.mean,"));
  const ParameterSets s = read_parameter_sets(dir.write("sets.csv", text));
  CHECK(s.keys == kKeys);
  CHECK(s.rows == rows);  // exactly: the shortest form that reads back to the same double
  CHECK(s.numbers == std::vector<int>{1, 2});
  CHECK(s.key_where[1].line == 3);
  CHECK(s.key_where[1].column == 27);
  CHECK(s.values(1)[2].where.line == 5);
  CHECK(s.content_hash.size() == 16);
  // A comment holding a line break (a scenario's path may) stays one line: it was split, and its second half
  // read as the header (outside attack 36).
  const std::string broken = format_parameter_sets({"scenario: nl\nset,x\n1,2.yaml"}, kKeys, rows);
  CHECK(broken.starts_with("# scenario: nl\\x0Aset,x\\x0A1,2.yaml\nset,population.trust.mean,"));
  CHECK(read_parameter_sets(dir.write("broken.csv", broken)).rows == rows);
}

TEST_CASE(
    "a sets file as spreadsheets save it: lone CRs, blank lines, tabs, an indented comment, two BOMs, quotes",
    "[parameter_sets]") {
  TempDir dir("sets");
  // The same two sets six ways; each way was refused before (a lone CR made one line of the whole file).
  const std::vector<std::pair<const char*, std::string>> files = {
      {"lone CRs", "# c\rset,a.b,c.d\r1,0.5,2\r2,0.25,3\r"},
      {"CR LF and a blank line of spaces", "set,a.b,c.d\r\n1,0.5,2\r\n   \r\n2,0.25,3\r\n"},
      {"tabs around the fields", "set,\ta.b\t,c.d\n1\t,0.5,\t2\n2,0.25,3\n"},
      {"an indented comment", "  # c\nset,a.b,c.d\n1,0.5,2\n\t# c\n2,0.25,3\n"},
      {"two byte-order marks", "\xEF\xBB\xBF\xEF\xBB\xBFset,a.b,c.d\n1,0.5,2\n2,0.25,3\n"},
      {"every field in double quotes", "\"set\",\"a.b\", \"c.d\"\n\"1\",\"0.5\",\"2\"\n2,\"0.25\",3\n"}};
  for (const auto& [what, text] : files) {
    INFO(what);
    const ParameterSets s = read_parameter_sets(dir.write("s.csv", text));
    CHECK(s.keys == std::vector<std::string>{"a.b", "c.d"});
    CHECK(s.rows == std::vector<std::vector<double>>{{0.5, 2}, {0.25, 3}});
    CHECK(s.numbers == std::vector<int>{1, 2});
  }
  // Lines are counted as an editor counts them: the second set of the lone-CR file is on line 4.
  const ParameterSets cr = read_parameter_sets(dir.write("cr.csv", "# c\rset,a.b,c.d\r1,0.5,2\r2,0.25,3\r"));
  CHECK(cr.cell_where[1][0].line == 4);
  const ParameterSets crlf = read_parameter_sets(dir.write("crlf.csv", "set,a.b\r\n\r\n1,0.5\r\n"));
  CHECK(crlf.cell_where[0][0].line == 3);
  // A quoted field's column is that of its text, inside the quote: "0.5" in 1,"0.5" starts at column 4.
  const ParameterSets quoted = read_parameter_sets(dir.write("q.csv", "set,a.b\n1,\"0.5\"\n"));
  CHECK(quoted.cell_where[0][0].column == 4);
}

TEST_CASE("a broken sets file: every problem at its line and column", "[parameter_sets]") {
  TempDir dir("sets");
  SECTION("no header") {
    const auto p = problems_of(dir.write("a.csv", "# only comments\n"));
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("no header"));
  }
  SECTION("a wrong header, a missing value, a text and a key given twice") {
    const auto p = problems_of(dir.write("a.csv", "# c\nsets,a.b,a.b\n1,2\n2,x,3\n"));
    REQUIRE(p.size() == 4);
    CHECK(p[0].where.line == 2);
    CHECK_THAT(p[0].message, Catch::Contains("expected the header 'set,"));
    CHECK(p[1].where.line == 2);
    CHECK(p[1].where.column == 10);
    CHECK_THAT(p[1].message, Catch::Contains("given twice"));
    CHECK(p[2].where.line == 3);
    CHECK_THAT(p[2].message, Catch::Contains("expected 3 fields"));
    CHECK(p[3].where.line == 4);
    CHECK(p[3].where.column == 3);
    CHECK_THAT(p[3].message, Catch::Contains("expected a number, found 'x'"));
  }
  SECTION("a decimal comma in quotes is one field, said to be a decimal comma (not a field too many)") {
    const auto p = problems_of(dir.write("a.csv", "set,a.b,c.d\n1,\"0,02\",3\n"));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 2);
    CHECK(p[0].where.column == 4);
    CHECK(p[0].key == "a.b");
    CHECK_THAT(p[0].message, Catch::Contains("found '0,02' (use a decimal point: 0.02)"));
  }
  SECTION("a quote not closed is said at its line and column, in the header once, not as a count of fields") {
    const auto h = problems_of(dir.write("a.csv", "set,a.b,c\"d,e.f\n1,2,3,4\n2,2,3,4\n"));
    REQUIRE(h.size() == 1);
    CHECK(h[0].where.line == 1);
    CHECK(h[0].where.column == 10);
    CHECK_THAT(h[0].message, Catch::Contains("a double quote that is not closed"));
    const auto r = problems_of(dir.write("b.csv", "set,a.b,c.d\n1,\"2,3\n2,2,3\n"));
    REQUIRE(r.size() == 1);
    CHECK(r[0].where.line == 2);
    CHECK(r[0].where.column == 3);
  }
  SECTION("a number that is not finite, or too close to 0 to be held, said as such") {
    const auto p = problems_of(dir.write("a.csv", "set,a.b\n1,inf\n2,1e-320\n"));
    REQUIRE(p.size() == 2);
    CHECK_THAT(p[0].message, Catch::Contains("expected a finite number, found 'inf'"));
    CHECK_THAT(p[1].message, Catch::Contains("found '1e-320', which is too close to 0 to be held"));
  }
  SECTION("a set number below 1") {
    const auto p = problems_of(dir.write("a.csv", "set,a.b\n0,2\n-5,3\n"));
    REQUIRE(p.size() == 2);
    CHECK_THAT(p[0].message, Catch::Contains("a whole number from 1") && Catch::Contains("found '0'"));
    CHECK_THAT(p[1].message, Catch::Contains("found '-5'"));
  }
  SECTION("a set number given twice") {
    const auto p = problems_of(dir.write("a.csv", "set,a.b\n1,2\n2,3\n1,4\n"));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 4);
    CHECK_THAT(p[0].message, Catch::Contains("set 1 is given twice (first at line 2)"));
  }
  SECTION("a byte-order mark before the header is no part of it") {
    const ParameterSets s = read_parameter_sets(dir.write("a.csv", "\xEF\xBB\xBFset,a.b\n1,2\n"));
    CHECK(s.keys == std::vector<std::string>{"a.b"});
    CHECK(s.size() == 1);
  }
  SECTION("a YAML file: one problem that says so, not one per line") {
    const auto p = problems_of(dir.write("a.yaml", "# scenario\nname: x\npopulation:\n  households: 10\n"));
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 2);
    CHECK_THAT(p[0].message, Catch::Contains("this looks like YAML (a scenario or targets file)"));
    // A first line with commas (a targets file's population; a distribution in flow style): the same.
    for (const char* first : {"population: Velve-Lindenhof, Enschede, households\n", "cost: {dist: gamma, mean: 1}\n"}) {
      const auto q = problems_of(dir.write("b.yaml", std::string(first) + "targets:\n  a: {value: 1, n: 2}\n"));
      REQUIRE(q.size() == 1);
      CHECK_THAT(q[0].message, Catch::Contains("this looks like YAML"));
    }
  }
  SECTION("a binary file and an SQLite database: named as such") {
    auto p = problems_of(dir.write("a.db", std::string("SQLite format 3\0\x10\0\x02\x02", 20)));
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("this is an SQLite database"));
    p = problems_of(dir.write("a.bin", std::string("set,a\n1,\0\x01", 9)));
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("this is a binary file (it holds NUL bytes)"));
    // UTF-16 (a spreadsheet's "Unicode text"), with and without NUL bytes: said as such (it was "a binary
    // file", or without NULs "found '\xFF\xFE'"; outside attack 11).
    for (const std::string& text :
         {std::string("\xFF\xFEs\0e\0t\0\n\0", 10), std::string("\xFF\xFEset,a\n1,2\n")}) {
      p = problems_of(dir.write("u16.csv", text));
      REQUIRE(p.size() == 1);
      CHECK_THAT(p[0].message, Catch::Contains("this is UTF-16 text (save it as UTF-8), not parameter sets"));
    }
    // UTF-32, whose little-endian mark begins with UTF-16's, in either byte order (called UTF-16; outside
    // attack 29).
    for (const std::string& text :
         {std::string("\xFF\xFE\0\0s\0\0\0", 8), std::string("\0\0\xFE\xFF\0\0\0s", 8)}) {
      p = problems_of(dir.write("u32.csv", text));
      REQUIRE(p.size() == 1);
      CHECK_THAT(p[0].message, Catch::Contains("this is UTF-32 text (save it as UTF-8), not parameter sets"));
    }
  }
  SECTION("no sets") {
    const auto p = problems_of(dir.write("a.csv", "set,a.b\n"));
    REQUIRE(p.size() == 1);
    CHECK_THAT(p[0].message, Catch::Contains("no parameter sets"));
  }
  SECTION("no file") {
    const auto p = problems_of(dir / "missing.csv");
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 0);
  }
}

TEST_CASE("the set of a draw is a pure, uniform function of the seed and the draw", "[parameter_sets]") {
  constexpr std::size_t kSets = 7;
  std::vector<int> count(kSets, 0);
  constexpr int kDraws = 70000;
  for (std::uint32_t d = 1; d <= kDraws; ++d) {
    const std::size_t k = parameter_set_of_draw(42, d, kSets);
    REQUIRE(k < kSets);
    ++count[k];
    if (d < 50) CHECK(parameter_set_of_draw(42, d, kSets) == k);
  }
  // Each set about kDraws / 7 = 10,000 times: a binomial sd of about 91.
  for (int c : count) CHECK(std::abs(c - kDraws / 7) < 5 * 91);
  int same_seed_other = 0;
  for (std::uint32_t d = 1; d <= 1000; ++d)
    same_seed_other += parameter_set_of_draw(42, d, kSets) == parameter_set_of_draw(43, d, kSets);
  CHECK(same_seed_other < 200);  // about 1/7 of 1,000 by chance
  CHECK(parameter_set_of_draw(42, 5, 1) == 0);
}

TEST_CASE("a draw takes its set's values, then samples the distributions left", "[parameter_sets]") {
  TempDir dir("sets");
  const std::string sets = dir.write("sets.csv", format_parameter_sets({"test"}, kKeys, kRows));
  const ScenarioSource plain = ScenarioSource::load(shipped("baseline-velve.yaml"));
  const ScenarioSource with_sets = plain.with_parameter_sets(sets);
  REQUIRE(with_sets.parameter_sets() != nullptr);
  CHECK(with_sets.hash() != plain.hash());
  // What calibrate's sets file names in its header: the scenario without the sets it names, which the new
  // sets replace (before, the header's hash changed with the old sets' content).
  CHECK(with_sets.hash_without_sets() == plain.hash_without_sets());
  constexpr std::uint64_t seed = 99;
  // The base case keeps the scenario file's values.
  CHECK(with_sets.for_draw(seed, 0).population.trust_mean == plain.base().population.trust_mean);
  for (std::uint32_t d = 1; d <= 12; ++d) {
    const std::size_t k = parameter_set_of_draw(seed, d, kRows.size());
    const Scenario s = with_sets.for_draw(seed, d);
    const Scenario own = plain.for_draw(seed, d);
    CHECK(s.population.trust_mean == kRows[k][0]);
    for (const Domain& dom : s.domains) CHECK(dom.incidence_per_year == kRows[k][1]);
    // The set's number replaces the money escalation's distribution ...
    CHECK(s.domains[0].escalation_cost == euros_to_cents(kRows[k][2]));
    // ... and every other distribution is sampled as without sets.
    CHECK(s.domains[2].escalation_cost == own.domains[2].escalation_cost);
    CHECK(s.domains[3].escalation_cost == own.domains[3].escalation_cost);
    // What the store keeps for the draw: the set's values first, then the distributions sampled.
    const auto values = with_sets.sampled_values(seed, d);
    REQUIRE(values.size() >= 3);
    CHECK(values[0] == std::pair<std::string, double>{kKeys[0], kRows[k][0]});
    CHECK(values[2] == std::pair<std::string, double>{kKeys[2], kRows[k][2]});
    std::map<std::string, double> own_values;
    for (const auto& [key, v] : plain.sampled_values(seed, d)) own_values[key] = v;
    for (std::size_t i = 3; i < values.size(); ++i) CHECK(own_values.at(values[i].first) == values[i].second);
    // The money escalation's cost is a set value now; the shipped scenario's own sets (if any) are replaced.
    const std::size_t own_sets = plain.parameter_sets() ? plain.parameter_sets()->keys.size() : 0;
    CHECK(values.size() == own_values.size() - own_sets + 2);
  }
}

TEST_CASE("every scenario of a study with the same sets file takes the same set in the same draw",
          "[parameter_sets]") {
  TempDir dir("sets");
  const std::string sets = dir.write("sets.csv", format_parameter_sets({"test"}, kKeys, kRows));
  StudyOverrides o;
  o.draws = 20;
  o.parameter_sets = sets;
  const Study study = plan_study({shipped("pilot.yaml")}, o, true);
  REQUIRE(study.scenarios.size() == 2);  // the pilot and its comparator, baseline-velve
  for (std::uint32_t d : study.draw_ids()) {
    const Scenario pilot = study.scenario_in_draw(0, d);
    const Scenario baseline = study.scenario_in_draw(1, d);
    const std::size_t k = parameter_set_of_draw(study.seed, d, kRows.size());
    CHECK(pilot.population.trust_mean == kRows[k][0]);
    CHECK(baseline.population.trust_mean == kRows[k][0]);
    CHECK(pilot.domains == baseline.domains);  // the same set, and the same sampled costs
  }
}

TEST_CASE("a scenario names its sets file relative to itself, through extends", "[parameter_sets]") {
  TempDir dir("sets");
  dir.write("calibrated/sets.csv", format_parameter_sets({"test"}, kKeys, kRows));
  dir.write("calibrated/velve.yaml",
            "extends: " + shipped("baseline-velve.yaml") + "\nparameter_sets: sets.csv\n");
  const ScenarioSource src =
      ScenarioSource::load(dir.write("mine.yaml", "extends: calibrated/velve.yaml\nname: mine\n"));
  REQUIRE(src.parameter_sets() != nullptr);
  CHECK(src.parameter_sets()->rows == kRows);
  CHECK(src.base().parameter_sets_file == dir / "calibrated/sets.csv");
}

TEST_CASE("a sets file that does not fit the scenario is refused with its place", "[parameter_sets]") {
  TempDir dir("sets");
  SECTION("an unknown key path, at its column of the header") {
    const std::string sets =
        dir.write("sets.csv", "# c\nset,population.trust.mean,population.trust.meen\n1,0.5,0.5\n");
    StudyOverrides o;
    o.parameter_sets = sets;
    try {
      plan_study({shipped("baseline-velve.yaml")}, o, false);
      FAIL("no error");
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      const Diagnostic& d = e.diagnostics()[0];
      CHECK(d.where.file == sets);
      CHECK(d.where.line == 2);
      CHECK(d.where.column == 27);
      CHECK_THAT(d.message, Catch::Contains("did you mean 'population.trust.mean'"));
    }
  }
  SECTION("coach keys, which the pilot has and its comparator has not: the message says where they belong") {
    const std::string sets = dir.write("sets.csv", "set,coaches.max_weeks\n1,40\n2,50\n");
    StudyOverrides o;
    o.parameter_sets = sets;
    try {
      plan_study({shipped("pilot.yaml")}, o, true);
      FAIL("no error");
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);  // the pilot takes them; only its comparator refuses them
      const Diagnostic& d = e.diagnostics()[0];
      CHECK(d.where.line == 1);
      CHECK(d.where.column == 5);
      CHECK_THAT(d.message,
                 Catch::Contains("the scenario has no key 'coaches'") &&
                     Catch::Contains("the comparator " + shipped("baseline-velve.yaml") + " too") &&
                     Catch::Contains("name the file in that scenario's 'parameter_sets:'"));
    }
  }
  SECTION("every set is checked, the ones no draw takes too, and a file two scenarios read reports once") {
    // Two draws take at most two of the 3 sets; before, a value out of range in a set not taken passed (and
    // `validate` passed it), and the pilot and its baseline each reported the same error.
    const std::string sets = dir.write("sets.csv", "set,population.trust.mean\n1,1.5\n2,0.5\n3,-3\n");
    StudyOverrides o;
    o.parameter_sets = sets;
    o.draws = 1;
    try {
      plan_study({shipped("pilot.yaml")}, o, true);
      FAIL("no error");
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 2);
      CHECK(e.diagnostics()[0].where.line == 2);
      CHECK_THAT(e.diagnostics()[0].message, Catch::Contains("found 1.5"));
      CHECK(e.diagnostics()[1].where.line == 4);
      CHECK_THAT(e.diagnostics()[1].message, Catch::Contains("found -3"));
    }
    const ScenarioSource src = ScenarioSource::load(shipped("baseline-velve.yaml")).with_parameter_sets(sets);
    CHECK_THROWS_WITH(src.check_parameter_sets(), Catch::Contains("found -3"));
  }
  SECTION("a value the key cannot take, at its place, before anything runs") {
    const std::string sets = dir.write("sets.csv", "set,population.trust.mean\n1,0.5\n2,1.5\n3,0.4\n");
    StudyOverrides o;
    o.parameter_sets = sets;
    o.draws = 40;  // surely takes set 2 in some draw
    try {
      plan_study({shipped("baseline-velve.yaml")}, o, false);
      FAIL("no error");
    } catch (const InputError& e) {
      const Diagnostic& d = e.diagnostics().at(0);
      CHECK(d.where.file == sets);
      CHECK(d.where.line == 3);
      CHECK(d.where.column == 3);
    }
  }
  // A column that fixes the model's size or structure would change what the draw simulates behind the
  // store's back (the store's households, years); two columns naming one number, the later silently winning.
  auto refused = [&](const std::string& header, const std::string& row, int column, const char* why) {
    const std::string sets = dir.write("sets.csv", header + "\n" + row + "\n");
    StudyOverrides o;
    o.parameter_sets = sets;
    o.draws = 1;
    try {
      plan_study({shipped("baseline-velve.yaml")}, o, false);
      FAIL("no error for " << header);
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      const Diagnostic& d = e.diagnostics()[0];
      CHECK(d.where.file == sets);
      CHECK(d.where.line == 1);
      CHECK(d.where.column == column);
      CHECK_THAT(d.message, Catch::Contains(why));
    }
  };
  SECTION("a column that sets the model's size or structure") {
    refused("set,population.households", "1,100", 5, "cannot vary between parameter sets");
    refused("set,simulation.years", "1,30", 5, "cannot vary between parameter sets");
    refused("set,population.trust.mean,simulation.seed", "1,0.5,7", 27, "cannot vary between parameter sets");
  }
  SECTION("a field of a distribution: the column names the parameter") {
    refused("set,domains.health.escalation.cost.sd", "1,100", 5,
            "'sd' is a field of the distribution domains.health.escalation.cost (");
  }
  SECTION("two columns that name one number") {
    refused("set,population.trust.mean,population.trust.*", "1,0.46,0.124", 27,
            "'population.trust.mean' sets this number of the scenario");
  }
  SECTION("a scenario's own parameter_sets that cannot be read, at the key") {
    dir.write("s.yaml", "extends: " + shipped("baseline-velve.yaml") + "\nparameter_sets: none.csv\n");
    try {
      ScenarioSource::load(dir / "s.yaml");
      FAIL("no error");
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      CHECK(e.diagnostics()[0].where.line == 2);
      CHECK(e.diagnostics()[0].key == "parameter_sets");
    }
  }
}

TEST_CASE("draws from sets do not depend on the thread count", "[parameter_sets]") {
  TempDir dir("sets");
  const std::string sets = dir.write("sets.csv", format_parameter_sets({"test"}, kKeys, kRows));
  StudyOverrides o;
  o.draws = 4;
  o.replications = 1;
  o.years = 1;
  o.parameter_sets = sets;
  const Study study = plan_study({shipped("pilot.yaml")}, o, true);
  auto run = [&](int threads) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    std::vector<std::vector<double>> figures;
    run_study(study, nullptr,
              [&](std::uint32_t, const auto&, const std::vector<std::vector<RunMeasures>>& m) {
                for (const auto& scenario : m)
                  for (const RunMeasures& r : scenario) {
                    figures.emplace_back();
                    Measures<double> copy = r.figures;
                    zip(copy, r.figures, [&](double&, const double& x) { figures.back().push_back(x); });
                  }
              });
    return figures;
  };
  const auto one = run(1), two = run(2);
  REQUIRE(one.size() == 8);
  for (std::size_t i = 0; i < one.size(); ++i) {
    REQUIRE(one[i].size() == two[i].size());
    for (std::size_t j = 0; j < one[i].size(); ++j)
      CHECK((one[i][j] == two[i][j] || (std::isnan(one[i][j]) && std::isnan(two[i][j]))));
  }
}

namespace {
// A small pilot and its baseline, both drawing from the sets `rows` (kKeys), planned as compare plans them:
// `draws` parameter draws of `replications` replications and one policy year.
Study small_pilot_study(TempDir& dir, const std::vector<std::vector<double>>& rows, int households,
                        int warmup_years, int draws, int replications) {
  dir.write("sets.csv", format_parameter_sets({"test"}, kKeys, rows));
  const std::string sizes = fmt::format("population:\n  households: {}\nsimulation:\n  warmup_years: {}\n",
                                        households, warmup_years);
  const std::string pilot = dir.write(
      "pilot.yaml", "extends: " + shipped("pilot.yaml") +
                        "\nname: small-pilot\ncomparator: small.yaml\nparameter_sets: sets.csv\n" + sizes);
  dir.write("small.yaml", "extends: " + shipped("baseline-velve.yaml") +
                              "\nname: small\nparameter_sets: sets.csv\n" + sizes);
  StudyOverrides o;
  o.draws = draws;
  o.replications = replications;
  o.years = 1;
  Study study = plan_study({pilot}, o, true);
  REQUIRE(study.scenarios.size() == 2);
  return study;
}
}  // namespace

TEST_CASE("draws that take the same parameter set continue from one warm-up, as if each had its own",
          "[parameter_sets]") {
  // Two sets that change the baseline (trust, incidence), so a draw's warm-up depends on its set; eight
  // draws take them, and some take the same one. Each draw's runs must be bit-identical to simulating that
  // draw alone, warm-up included (simulate: no sharing at all).
  TempDir dir("sets");
  const std::vector<std::vector<double>> rows = {{0.5, 0.015, 6000}, {0.6, 0.02, 9000.5}};
  const Study study = small_pilot_study(dir, rows, 300, 3, 8, 2);
  std::map<std::uint32_t, std::size_t> sets_taken;
  for (std::uint32_t d : study.draw_ids()) ++sets_taken[static_cast<std::uint32_t>(parameter_set_of_draw(study.seed, d, rows.size()))];
  REQUIRE(sets_taken.size() == 2);  // both sets, and (8 draws over 2 sets) some taken twice
  std::size_t compared = 0;
  run_study(study, nullptr,
            [&](std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                const std::vector<std::vector<RunMeasures>>&) {
              for (std::size_t i = 0; i < results.size(); ++i)
                for (const RunResult& r : results[i]) {
                  const Model own(study.scenario_in_draw(i, draw));
                  const RunResult alone = simulate(own, {study.seed, draw, r.replication});
                  INFO("scenario " << i << ", draw " << draw << ", replication " << r.replication);
                  CHECK(r.checksum == alone.checksum);
                  REQUIRE(r.weeks.size() == alone.weeks.size());
                  CHECK(std::memcmp(r.weeks.data(), alone.weeks.data(), r.weeks.size() * sizeof(WeekRecord)) == 0);
                  ++compared;
                }
            });
  CHECK(compared == 8 * 2 * 2);
}

TEST_CASE("draws are simulated and kept grouped by their warm-up, and a warm-up is given back once behind",
          "[parameter_sets]") {
  // Four sets, each its own baseline (trust, incidence): 16 draws take them in the order of (seed, draw).
  TempDir dir("sets");
  const Study study = small_pilot_study(dir, kRows, 200, 2, 16, 1);
  // The expected order, from the sets alone: the sets in the order of their first draw, each set's draws
  // in order.
  std::vector<std::size_t> set_of;
  std::vector<std::size_t> first_seen;
  for (std::uint32_t d : study.draw_ids()) {
    set_of.push_back(parameter_set_of_draw(study.seed, d, kRows.size()));
    if (std::find(first_seen.begin(), first_seen.end(), set_of.back()) == first_seen.end())
      first_seen.push_back(set_of.back());
  }
  REQUIRE(first_seen.size() >= 3);  // several baselines, so the order is not the draws' own
  std::vector<std::uint32_t> expected;
  for (std::size_t set : first_seen)
    for (std::size_t d = 0; d < set_of.size(); ++d)
      if (set_of[d] == set) expected.push_back(study.draw_ids()[d]);
  REQUIRE(expected != study.draw_ids());

  SECTION("the store (the sink) gets the draws in that order, the summaries are those of draw order") {
    std::vector<std::uint32_t> kept;
    const StudyResult grouped = run_study(
        study, nullptr, [&](std::uint32_t draw, const auto&, const auto&) { kept.push_back(draw); });
    CHECK(kept == expected);
    // The summaries take the runs in draw order, whatever order they were kept in.
    for (const ScenarioSummary& summary : grouped.summaries) {
      std::vector<std::uint32_t> draws;
      for (const RunMeasures& r : summary.runs) draws.push_back(r.draw);
      CHECK(draws == study.draw_ids());
    }
  }
  SECTION("one process simulating the draws in that order holds one warm-up at a time, each made once") {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    const StudyUnits units(study);
    const std::vector<std::size_t> order = units.draw_order();
    std::vector<std::uint32_t> ids;
    for (std::size_t d : order) ids.push_back(study.draw_ids()[d]);
    CHECK(ids == expected);
    for (std::size_t d : order) units.simulate(d, 0, 1, [](std::size_t, std::uint32_t, const Scenario&, RunResult&&) {});
    CHECK(units.warmups().simulated == first_seen.size());
    CHECK(units.warmups().most_held == 1);
  }
  SECTION("in draw order instead, a warm-up left behind is simulated again when a later draw needs it") {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    const StudyUnits units(study);
    for (std::size_t d = 0; d < study.draw_ids().size(); ++d)
      units.simulate(d, 0, 1, [](std::size_t, std::uint32_t, const Scenario&, RunResult&&) {});
    // A warm-up left behind and needed again is simulated again: more than one per set. (So the order of
    // the section above is what makes each once.)
    CHECK(units.warmups().simulated > first_seen.size());
  }
}

TEST_CASE("with a schedule, coaches.fte is the last step's and nothing may replace it unseen", "[parameter_sets]") {
  TempDir dir("fte");
  auto problem_of = [&](const std::string& yaml) -> std::string {
    try {
      ScenarioSource::load(dir.write("s.yaml", yaml));
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      CHECK(e.diagnostics()[0].key == "coaches.fte");
      CHECK(e.diagnostics()[0].where.line == 4);
      return e.diagnostics()[0].message;
    }
    return "";
  };
  const std::string head = "extends: " + shipped("scaleup.yaml") + "\nname: s\ncoaches:\n";
  // The scale-up inherits the pilot's fte: 5 from a file merged before its schedule: replaced, as documented.
  CHECK(problem_of(head + "  overload_slope: 0.5\n").empty());
  CHECK(ScenarioSource::load(dir / "s.yaml").base().coaches.fte == 72);
  // ... and its settings (the store, the report's table of settings, the tornado's base value) say 72.
  const auto settings = ScenarioSource::load(shipped("scaleup.yaml")).settings();
  const auto fte = std::find_if(settings.begin(), settings.end(), [](const auto& kv) { return kv.first == "coaches.fte"; });
  REQUIRE(fte != settings.end());
  CHECK(fte->second == "72");
  // Given after the schedule (here, in a file extending the scale-up), it would be replaced unseen.
  CHECK_THAT(problem_of(head + "  fte: 80\n"), Catch::Contains("this value would be replaced"));
  // Beside the schedule in one file, the same.
  CHECK_THAT(problem_of(head + "  fte: 80\n  schedule:\n    - {year: 0, teams: 9, fte: 40}\n"),
             Catch::Contains("this value would be replaced"));
  // A file merged twice counts at its last merge: an fte there comes after the schedule.
  dir.write("fte7.yaml", "coaches:\n  fte: 7\n");
  dir.write("sched.yaml", "extends: " + shipped("scaleup.yaml") + "\nname: sched\n");
  try {
    ScenarioSource::load(dir.write("twice.yaml", "extends: [fte7.yaml, sched.yaml, fte7.yaml]\nname: twice\n"));
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK_THAT(e.diagnostics()[0].message, Catch::Contains("this value would be replaced"));
  }
  // A distribution: a draw would scale every step by a value drawn around a number the schedule replaced.
  CHECK_THAT(problem_of(head + "  fte: {dist: normal, mean: 70, sd: 5}\n"), Catch::Contains("cannot vary"));
  // A sets column is read by rereading the file with the value in place, which the schedule replaces.
  const std::string sets = dir.write("sets.csv", "set,coaches.fte\n1,50\n");
  try {
    ScenarioSource::load(shipped("scaleup.yaml")).with_parameter_sets(sets);
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where.file == sets);
    CHECK_THAT(e.diagnostics()[0].message, Catch::Contains("a parameter set cannot change it"));
  }
}

TEST_CASE("a willingness to pay from the parameter sets weighs each draw with its own value",
          "[parameter_sets]") {
  // Before, economics came per draw only from a distribution: a sets column on it was taken by the draws'
  // scenarios and then left out of the evaluation, which used the base case's value in every draw.
  TempDir dir("sets");
  const std::string sets = dir.write("sets.csv", "set,economics.willingness_to_pay\n1,20000\n2,80000\n");
  StudyOverrides o;
  o.draws = 6;
  o.replications = 1;
  o.years = 1;
  o.parameter_sets = sets;
  dir.write("pilot.yaml", "extends: " + shipped("pilot.yaml") +
                              "\nname: small-pilot\ncomparator: small.yaml\npopulation:\n  households: 200\n"
                              "simulation:\n  warmup_years: 2\n");
  dir.write("small.yaml", "extends: " + shipped("baseline-velve.yaml") +
                              "\nname: small\npopulation:\n  households: 200\nsimulation:\n  warmup_years: 2\n");
  const Study study = plan_study({dir / "pilot.yaml"}, o, true);
  double expected = 0;
  for (std::uint32_t d : study.draw_ids()) expected += parameter_set_of_draw(study.seed, d, 2) == 0 ? 20000 : 80000;
  expected /= static_cast<double>(study.draw_ids().size());
  const StudyResult r = run_study(study);
  REQUIRE(r.evaluation.groups.size() == 1);
  CHECK(r.evaluation.groups[0].willingness_to_pay == Approx(expected));
  CHECK(r.evaluation.groups[0].willingness_to_pay_varies == (expected != 20000 && expected != 80000));
}

TEST_CASE("a set's whole number (weeks) is simulated and stored rounded", "[parameter_sets]") {
  // A hand-written (or calibrated) set of 2.5 bounce weeks: the model runs 3 (half away from zero), and
  // the draw's stored values say 3, not the 2.5 it never simulated.
  TempDir dir("sets");
  const std::string sets = dir.write(
      "sets.csv", format_parameter_sets({"test"}, {"fragmentation.bounce_weeks", "population.trust.mean"},
                                        {{2.5, 0.5}, {1.49, 0.6}}));
  const ScenarioSource with_sets =
      ScenarioSource::load(shipped("baseline-velve.yaml")).with_parameter_sets(sets);
  for (std::uint32_t d = 1; d <= 6; ++d) {
    const std::size_t k = parameter_set_of_draw(5, d, 2);
    const int weeks = k == 0 ? 3 : 1;
    CHECK(with_sets.for_draw(5, d).fragmentation.bounce_weeks == weeks);
    const auto values = with_sets.sampled_values(5, d);
    REQUIRE(values.size() >= 2);
    CHECK(values[0] == std::pair<std::string, double>{"fragmentation.bounce_weeks", weeks});
    CHECK(values[1] == std::pair<std::string, double>{"population.trust.mean", k == 0 ? 0.5 : 0.6});
  }
}

TEST_CASE("a set's whole number that rounds out of range is refused with the value as written",
          "[parameter_sets]") {
  // max_bounces may be 1 to 16: a set's 16.5 rounds to 17. The message said "found 17", a number that
  // is in no file; it names the 16.5 of the set and says what rounding made of it.
  TempDir dir("sets");
  const std::string sets = dir.write("sets.csv", "set,fragmentation.max_bounces\n1,16.5\n2,3\n");
  try {
    ScenarioSource::load(shipped("baseline-velve.yaml")).with_parameter_sets(sets).check_parameter_sets();
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where.file == sets);
    CHECK(e.diagnostics()[0].where.line == 2);
    CHECK(e.diagnostics()[0].message ==
          "expected a whole number from 1 to 16, found 16.5 (a whole number: rounded, it is 17)");
  }
  // 15.5 rounds to 16, inside: taken, as a calibration's continuous proposal is.
  const std::string inside = dir.write("inside.csv", "set,fragmentation.max_bounces\n1,15.5\n");
  CHECK(ScenarioSource::load(shipped("baseline-velve.yaml"))
            .with_parameter_sets(inside)
            .for_draw(3, 1)
            .fragmentation.max_bounces == 16);
}
