// Output: Dutch number formatting, tidy CSV that reads back, JSON that parses and does not depend on the
// number of threads.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fixtures.h"
#include "wijksim/model/model.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/simulation/experiment.h"

using namespace wijksim;

namespace {

// A small comparison (coaches against the fragmented baseline, common random numbers) as a Report.
// 5,000 households span three chunks, so two threads really work on one run at once.
Report comparison_report(int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  Scenario base = test::small_city(5000, false);
  Scenario coach = test::small_city(5000, true);
  for (Scenario* s : {&base, &coach}) {
    s->simulation.years = 2;
    s->simulation.warmup_years = 1;
  }
  const Model mb(base), mc(coach);
  const RunPlan plan{13, 0, 0, 3};
  const std::vector<Job> jobs = {{&mc, plan}, {&mb, plan}};
  const auto runs = run_jobs(jobs);
  const ScenarioSummary sc = summarise(coach, runs[0]);
  const ScenarioSummary sb = summarise(base, runs[1]);
  Report r;
  r.command = "compare";
  r.version = WIJKSIM_VERSION;
  r.scenarios = {{coach.name, "coach.yaml", "", "base.yaml", 13, 0, 3, 2},
                 {base.name, "base.yaml", "", "", 13, 0, 3, 2}};
  r.tables = scenario_tables(sc);
  for (Table& t : comparison_tables(compare(sc, sb))) r.tables.push_back(std::move(t));
  for (Table& t : scenario_tables(sb)) r.tables.push_back(std::move(t));
  return r;
}

const Report& shared_report() {
  static const Report r = comparison_report(2);
  return r;
}

// RFC 4180 fields of one line (quotes doubled inside quoted fields).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> f(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        f.back() += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        f.back() += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      f.emplace_back();
    } else {
      f.back() += ch;
    }
  }
  return f;
}

}  // namespace

TEST_CASE("euros and numbers in Dutch notation", "[output]") {
  CHECK(format_euros(1234567.891) == "\u20AC 1.234.568");
  CHECK(format_euros(999.4) == "\u20AC 999");
  CHECK(format_euros(-1234.5) == "\u20AC -1.235");
  CHECK(format_euros(0) == "\u20AC 0");
  CHECK(format_dutch(1234.5678, 2) == "1.234,57");
  CHECK(format_dutch(0.25, 1) == "0,3");
  CHECK(format_dutch(-0.04, 1) == "0,0");  // no "-0,0"
  CHECK(format_dutch(1000000, 0) == "1.000.000");
  CHECK(format_dutch(12.3, 1) == "12,3");

  Cell share = Cell::of_interval(0.49, 0.4144, 0.5656, Unit::Share);
  CHECK(format_cell(share) == "49,0% (41,4\u201356,6)");
  Stat s;
  s.mean = 1234567.891;
  s.lo = 1200000;
  s.hi = 1260000.4;
  CHECK(format_cell(Cell::of(s, Unit::Euro)) == "\u20AC 1.234.568 (1.200.000\u20131.260.000)");
  CHECK(format_cell(Cell::of(Stat{}, Unit::Weeks)) == "n/a");
  CHECK(format_cell(Cell::of_value(168, Unit::Count)) == "168");
  CHECK(display_width("\u20AC 1 (2\u20133)") == 9);
}

TEST_CASE("CSV is rectangular and reads back to the same numbers", "[output]") {
  const Report& r = shared_report();
  const std::string csv = render_csv(r);
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = csv_fields(line);
  REQUIRE(header == std::vector<std::string>{"scenario", "comparator", "table", "row", "column", "unit",
                                             "mean", "sd", "se", "lo", "hi", "n", "text"});
  // The figures in the order the renderer writes them.
  std::vector<const Cell*> cells;
  for (const Table& t : r.tables)
    for (const Row& row : t.rows)
      for (const Cell& c : row.cells)
        if (c.kind != Cell::Kind::Empty) cells.push_back(&c);
  std::size_t i = 0;
  auto same = [](const std::string& text, double x) {
    return text.empty() ? std::isnan(x) : std::stod(text) == x;  // exact: full precision
  };
  while (std::getline(in, line)) {
    const std::vector<std::string> f = csv_fields(line);
    REQUIRE(f.size() == header.size());
    REQUIRE(i < cells.size());
    const Cell& c = *cells[i++];
    if (c.kind == Cell::Kind::Text) {
      CHECK(f[12] == c.text);
      continue;
    }
    CHECK(f[5] == to_string(c.unit));
    CHECK(same(f[6], c.stat.mean));
    CHECK(same(f[7], c.stat.sd));
    CHECK(same(f[8], c.stat.se));
    CHECK(same(f[9], c.stat.lo));
    CHECK(same(f[10], c.stat.hi));
    CHECK(std::stoi(f[11]) == c.stat.n);
  }
  CHECK(i == cells.size());
  CHECK(i > 100);
}

TEST_CASE("JSON parses and holds every table", "[output]") {
  const Report& r = shared_report();
  const nlohmann::json j = nlohmann::json::parse(render_json(r));
  CHECK(j["command"] == "compare");
  REQUIRE(j["tables"].size() == r.tables.size());
  std::size_t b = 0;
  while (b < r.tables.size() && r.tables[b].id != "budget") ++b;
  REQUIRE(b < r.tables.size());
  const auto& budget = j["tables"][b];
  CHECK(budget["id"] == "budget");
  CHECK(budget["rows"][0]["cells"]["year_1"]["unit"] == "euro");
  CHECK(budget["rows"][0]["cells"]["year_1"]["n"] == 3);
  CHECK(budget["rows"][0]["cells"]["year_1"]["mean"].get<double>() == r.tables[b].rows[0].cells[0].stat.mean);
  bool difference = false;
  for (const auto& t : j["tables"])
    if (t["id"] == "budget_difference") difference = t["comparator"] == "small-city";
  CHECK(difference);
}

namespace {

// The columns a line takes on a terminal, counted here without the renderer's display_width: each character
// is one column (the report holds no wide or combining characters), and a character is a UTF-8 lead byte
// followed by its continuation bytes, decoded by hand: 0xxxxxxx (1 byte), 110xxxxx (2), 1110xxxx (3),
// 11110xxx (4). An invalid byte fails the test.
std::size_t terminal_columns(const std::string& line) {
  std::size_t columns = 0, i = 0;
  while (i < line.size()) {
    const auto b = static_cast<unsigned char>(line[i]);
    const std::size_t len = b < 0x80           ? 1
                            : (b >> 5) == 0x6  ? 2
                            : (b >> 4) == 0xE  ? 3
                            : (b >> 3) == 0x1E ? 4
                                               : 0;
    REQUIRE(len > 0);
    REQUIRE(i + len <= line.size());
    i += len;
    ++columns;
  }
  return columns;
}

}  // namespace

TEST_CASE("the table renderer aligns its columns", "[output]") {
  // By hand: "\u20AC 1.234" is 7 characters in 9 bytes.
  CHECK(terminal_columns("\u20AC 1.234") == 7);
  CHECK(display_width("\u20AC 1.234") == 7);
  const std::string text = render_table(shared_report());
  CHECK(text.find("== Budget per payer per policy year (euros) ==") != std::string::npos);
  // Within a table, every line under the header rule takes the rule's width on a terminal, measured
  // independently of the renderer, and lines with euro signs (more bytes than columns) are among them.
  std::istringstream in(text);
  std::string line;
  std::size_t rule = 0, checked = 0, with_euros = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.find_first_not_of('-') == std::string::npos) {
      rule = line.size();
      continue;
    }
    if (line.empty() || line.rfind("   ", 0) == 0) rule = 0;  // end of table, or a note
    if (!rule) continue;
    INFO(line);
    CHECK(terminal_columns(line) == rule);
    ++checked;
    if (line.find("\u20AC") != std::string::npos) ++with_euros;
  }
  CHECK(checked > 50);
  CHECK(with_euros > 10);
}

TEST_CASE("the JSON of a comparison is byte-identical on 1, 2, 3 and 16 threads", "[output][determinism]") {
  const std::string two = render_json(shared_report());
  for (int threads : {1, 3, 16}) {
    INFO(threads << " threads");
    CHECK(render_json(comparison_report(threads)) == two);
  }
}

TEST_CASE("JSON output never throws: bytes that are not UTF-8 (a file name) are replaced, not fatal",
          "[output]") {
  // File names on Linux are bytes, not text: a scenario run from "caf\xE9.yaml" (Latin-1) must still give
  // a report. The scenario reader refuses such bytes inside a scenario (broken_scenarios_test); a name that
  // comes from the file system is written with U+FFFD (the replacement character) in its place.
  Report r = shared_report();
  r.scenarios.front().file = "caf\xE9.yaml";
  std::string json;
  REQUIRE_NOTHROW(json = render_json(r));
  const auto j = nlohmann::json::parse(json);
  CHECK(j["scenarios"][0]["file"] == "caf\xEF\xBF\xBD.yaml");
}
