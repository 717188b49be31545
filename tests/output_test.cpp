// Output: Dutch number formatting, tidy CSV that reads back, JSON that parses and does not depend on the
// number of threads.
#include <oneapi/tbb/global_control.h>

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fixtures.h"
#include "wijksim/core/csv_field.h"
#include "wijksim/core/error.h"
#include "wijksim/core/statistics.h"
#include "wijksim/model/model.h"
#include "wijksim/report/calibration_markdown.h"
#include "wijksim/report/economic_text.h"
#include "wijksim/report/glance_view.h"
#include "wijksim/report/headline.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_charts.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/report/run_series.h"
#include "wijksim/report/sensitivity_charts.h"
#include "wijksim/report/sensitivity_tables.h"
#include "wijksim/report/study_report.h"
#include "wijksim/report/terms.h"
#include "wijksim/report/text_layout.h"
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
  r.scenarios = {{coach.name, "coach.yaml", "", "base.yaml", 13, 0, 3, 2, 0, "", 0, 0},
                 {base.name, "base.yaml", "", "", 13, 0, 3, 2, 0, "", 0, 0}};
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
  // Past 2^53 the double's own digits (1e25 is 10000000000000000905969664 exactly), and no "in,f" for the
  // largest (outside attack 61): 1.7e308 is 17 followed by 307 digits of its binary value.
  CHECK(format_dutch(1e25, 1) == "10.000.000.000.000.000.905.969.664,0");
  CHECK(format_dutch(-1e25, 0) == "-10.000.000.000.000.000.905.969.664");
  const std::string largest = format_dutch(1.7e308, 1);
  CHECK(largest.starts_with("169.999.999.999.999.9"));
  CHECK(largest.ends_with(",0"));
  CHECK(largest.size() == 309 + 102 + 2);  // 309 digits, a point between each three, ",0"
  CHECK(format_dutch(9007199254740993.0, 0) == "9.007.199.254.740.992");  // 2^53 + 1 is not a double

  Cell share = Cell::of_interval(0.49, 0.4144, 0.5656, Unit::Share);
  CHECK(format_cell(share) == "49,0% (41,4 to 56,6)");
  Stat s;
  s.mean = 1234567.891;
  s.lo = 1200000;
  s.hi = 1260000.4;
  CHECK(format_cell(Cell::of(s, Unit::Euro)) == "\u20AC 1.234.568 (1.200.000 to 1.260.000)");
  CHECK(format_euro_cents(1234.5) == "\u20AC 1.234,50");
  CHECK(format_euro_cents(-0.004) == "\u20AC 0,00");
  // A willingness to pay as given: a small one is not "€ 0" (outside attack 28), a grid's points below a
  // euro are told apart, a mean of drawn thresholds is whole euros.
  CHECK(format_euros_as_given(20000) == "\u20AC 20.000");
  CHECK(format_euros_as_given(0.004) == "\u20AC 0,004");
  CHECK(format_euros_as_given(0.1) == "\u20AC 0,1");
  CHECK(format_euros_as_given(0.1 + 0.2) == "\u20AC 0,3");
  CHECK(format_euros_as_given(1.0 / 3) == "\u20AC 0,333");
  CHECK(format_euros_as_given(2500.5) == "\u20AC 2.500,5");
  CHECK(format_euros_as_given(19874.123456) == "\u20AC 19.874");
  CHECK(format_euros_as_given(0) == "\u20AC 0");
  CHECK(wtp_row_key(20000) == "wtp_20000");
  CHECK(wtp_row_key(0.004) == "wtp_0.004");
  CHECK(wtp_row_key(0.1 + 0.2) == "wtp_0.3");
  CHECK(format_cell(Cell::of(Stat{}, Unit::Weeks)) == "n/a");
  // A range's two ends in one style, the end farther from zero's (a threshold table read "stays between
  // € -204 and € -74,57": whole euros from 100 on, cents below, each end on its own).
  CHECK(format_range(-204, -74.57, Unit::Euro) ==
        std::pair<std::string, std::string>{"\u20AC -204", "\u20AC -75"});
  CHECK(format_range(12.5, 80.25, Unit::Euro) ==
        std::pair<std::string, std::string>{"\u20AC 12,50", "\u20AC 80,25"});
  CHECK(format_range(0.1, 0.255, Unit::Share) == std::pair<std::string, std::string>{"10,0%", "25,5%"});
  // An end that is not zero takes the decimals that show it (an independent check: a wait's difference
  // "0,6 (0,0 to 1,2)" was called "waits longer" for an end of 0.027); an end that is zero stays "0,0".
  CHECK(format_cell(Cell::of_interval(0.6, 0.027, 1.2, Unit::Weeks)) == "0,6 (0,03 to 1,2)");
  CHECK(format_cell(Cell::of_interval(-0.6, -1.2, -0.00041, Unit::Weeks)) == "-0,6 (-1,2 to -0,0004)");
  // No spread: said as the same figure in every run, also where sums differ in their last bits; a spread
  // narrower than the last decimal takes the decimals that show it (never "28,3 (28,3 to 28,3)").
  CHECK(format_cell(Cell::of(test::stat_of(28.3, 28.3, 28.3), Unit::Weeks)) == "28,3 (same in all runs)");
  CHECK(format_cell(Cell::of(test::stat_of(4.08e6, 4.08e6 * (1 - 1e-15), 4.08e6 * (1 + 1e-15)),
                             Unit::Euro)) == "\u20AC 4.080.000 (same in all runs)");
  CHECK(format_cell(Cell::of(test::stat_of(28.31, 28.29, 28.33), Unit::Weeks)) == "28,31 (28,29 to 28,33)");
  CHECK(format_cell(Cell::of(test::stat_of(0.61538, 0.61532, 0.61544), Unit::Share)) ==
        "61,54% (61,53 to 61,54)");
  // A percentage takes one more decimal at most: a utilisation over a cut capacity, 100,0026% (100,0020 to
  // 100,0031), read "100,003% (100,002 to 100,003)", a precision no capacity plan has (a policy advisor).
  CHECK(format_cell(Cell::of(test::stat_of(1.000026, 1.000020, 1.000031), Unit::Share)) ==
        "100,00% (100,00 to 100,00)");
  CHECK(format_cell(Cell::of(test::stat_of(0.0001, -0.00002, 0.0002), Unit::SharePoints)) ==
        "0,01 pp (-0,002 to 0,02)");
  // An end set at what the figure can be is marked: a wait's difference cut at minus the comparator's mean
  // wait, -0,5 (the plain interval reached -1,1).
  Stat cut = test::stat_of(-0.4, -0.5, 0.3);
  cut.cut = kCutLow;
  CHECK(format_cell(Cell::of(cut, Unit::Weeks)) == "-0,4 (-0,5* to 0,3)");
  cut = test::stat_of(0.97, 0.914, 1.0);
  cut.cut = kCutHigh;
  CHECK(format_cell(Cell::of(cut, Unit::Share)) == "97,0% (91,4 to 100,0*)");
  CHECK(format_cell(Cell::of(test::stat_of(28.3, 28.3, 28.3, 3), Unit::Weeks)) == "28,3 (same in all runs)");
  // A value given once (a target given as [2, 2], a posterior of one set) is over no runs (outside attack
  // 38).
  CHECK(format_cell(Cell::of_interval(2, 2, 2, Unit::Weeks)) == "2,0 (an interval of no width)");
  CHECK(format_cell(Cell::of_interval(5.4, 0, 72.7, Unit::Weeks)) == "5,4 (0,0 to 72,7)");
  CHECK(format_cell(Cell::of_interval(0.5, 1e-9, 1.2, Unit::Weeks)) == "0,5 (0,000000001 to 1,2)");
  // The mean never below its interval: an interval on one side of zero shows a mean that rounds to zero
  // with the decimals of its first digit (outside attack 28: "0,0 (0,02 to 0,04)").
  CHECK(format_cell(Cell::of_interval(0.03, 0.02, 0.04, Unit::Weeks)) == "0,03 (0,02 to 0,04)");
  CHECK(format_cell(Cell::of_interval(0.004, -0.1, 0.1, Unit::Weeks)) == "0,0 (-0,1 to 0,1)");
  CHECK(format_cell(Cell::of_value(168, Unit::Count)) == "168");
  CHECK(display_width("\u20AC 1 (2\u20133)") == 9);
  // Columns on a terminal, not code points (before, both of these were miscounted and a table with such a
  // name ran past the width): a CJK character takes two, a combining accent none (Unicode's East Asian
  // Width W and general category Mn, as wcwidth gives them).
  CHECK(display_width("\u793E\u533A") == 4);          // two CJK ideographs
  CHECK(display_width("E\u0301e\u0301n wijk") == 8);  // "Één wijk" decomposed
  CHECK(display_width("\u00C9\u00E9n wijk") == 8);    // "Één wijk" composed
  CHECK(display_width(std::string("a\xE9"
                                  "b",
                                  3)) == 3);  // a Latin-1 byte: one column
}

TEST_CASE("CSV is rectangular and reads back to the same numbers", "[output]") {
  const Report& r = shared_report();
  const std::string csv = render_csv(r);
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = csv_fields(line);
  REQUIRE(header == std::vector<std::string>{"scenario", "comparator", "table", "row", "column", "unit",
                                             "mean", "sd", "se", "lo", "hi", "n", "text", "counted",
                                             "interval", "cut"});
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
    CHECK(f[13] == c.counted);  // what n counts for a probability ("runs", "draws"), empty for others
    // What lo and hi are: a base case's interval of the mean over its replications, a given interval's
    // "given"; nothing where the figure has neither.
    if (std::isnan(c.stat.lo) && std::isnan(c.stat.hi))
      CHECK(f[14].empty());
    else
      CHECK(f[14] == (c.ends ? "parameter_ends" : c.interval.empty() ? "mean_95ci" : c.interval));
    // Which end is cut at the figure's range, as the text's * says.
    CHECK(f[15] == std::string(c.stat.cut == 0          ? ""
                               : c.stat.cut == kCutLow  ? "lo"
                               : c.stat.cut == kCutHigh ? "hi"
                                                        : "lo hi"));
  }
  CHECK(i == cells.size());
  CHECK(i > 100);
}

TEST_CASE("CSV says which end of an interval is cut at the figure's range, as the text's * does",
          "[output]") {
  Table t;
  t.id = "difference";
  t.scenario = "s";
  t.comparator = "c";
  t.columns = {Column{"wait", "wait (weeks)"}};
  Stat low = test::stat_of(-0.4, -0.5, 0.3);
  low.cut = kCutLow;
  Stat high = test::stat_of(0.97, 0.914, 1.0);
  high.cut = kCutHigh;
  t.rows = {Row{"a", "A", {Cell::of(low, Unit::Weeks)}}, Row{"b", "B", {Cell::of(high, Unit::Share)}},
            Row{"c", "C", {Cell::of(test::stat_of(0.5, 0.4, 0.6), Unit::Share)}}};
  Report r;
  r.tables = {t};
  std::istringstream in(render_csv(r));
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) rows.push_back(csv_fields(line));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].back() == "cut");
  CHECK(rows[1][12] == "'-0,4 (-0,5* to 0,3)");  // a leading - kept from a spreadsheet's formulas
  CHECK(rows[1].back() == "lo");
  CHECK(rows[2].back() == "hi");
  CHECK(rows[3].back() == "");
}

TEST_CASE("a CSV field a spreadsheet would run as a formula is written as text, a number as it is",
          "[output]") {
  CHECK(csv_field("=HYPERLINK(\"http://x/\")") == "\"'=HYPERLINK(\"\"http://x/\"\")\"");
  CHECK(csv_field("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0");
  CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_field("-2+3") == "'-2+3");
  CHECK(csv_field("\tx") == "'\tx");
  CHECK(csv_field("-5,2 (-8,9 to -1,5)") == "\"'-5,2 (-8,9 to -1,5)\"");
  CHECK(csv_field("-0.25") == "-0.25");
  CHECK(csv_field("+3") == "+3");
  CHECK(csv_field("-1e-05") == "-1e-05");
  CHECK(csv_field("-") == "-");
  CHECK(csv_field("Municipality") == "Municipality");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field(" a") == "\" a\"");
  CHECK(csv_field("") == "");
  // Outside attack 38: a file name in Latin-1 ("s\xff\xfe.yaml") made the export's CSV invalid UTF-8.
  CHECK(csv_field("s\xff\xfe.yaml") == "s\xef\xbf\xbd\xef\xbf\xbd.yaml");
  CHECK(csv_field("caf\xc3\xa9") == "caf\xc3\xa9");  // valid UTF-8 as it is
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


// The widest line of a text, in display columns.
std::size_t widest(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::size_t w = 0;
  while (std::getline(in, line)) w = std::max(w, display_width(line));
  return w;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

Stat interval(double mean, double lo, double hi) {
  return test::stat_of(mean, lo, hi);
}

}  // namespace

TEST_CASE("euros in the unit of their column, intervals as (low to high)", "[output]") {
  using text::EuroScale;
  const Cell millions = Cell::of(interval(-1804880, -2104880, -1504880), Unit::Euro);
  const Cell thousands = Cell::of(interval(-851130, -900000, -800000), Unit::Euro);
  const Cell euros = Cell::of(interval(254.4, 197, 311), Unit::Euro);
  const Cell cents = Cell::of_value(38.97, Unit::Euro);
  CHECK(text::euro_scale({&millions, &thousands}) == EuroScale::Million);
  CHECK(text::euro_scale({&thousands}) == EuroScale::Thousand);
  CHECK(text::euro_scale({&euros}) == EuroScale::Euro);
  CHECK(text::euro_scale({&cents}) == EuroScale::Cents);
  const Cell weeks = Cell::of(interval(8.6, 7.6, 9.6), Unit::Weeks);
  CHECK(text::euro_scale({&millions, &weeks}) == EuroScale::PerCell);

  CHECK(text::one_line(text::cell_text(millions, EuroScale::Million)) == "-1,80 (-2,10 to -1,50)");
  CHECK(text::one_line(text::cell_text(thousands, EuroScale::Thousand)) == "-851,1 (-900,0 to -800,0)");
  CHECK(text::one_line(text::cell_text(euros, EuroScale::Euro)) == "254 (197 to 311)");
  CHECK(text::one_line(text::cell_text(cents, EuroScale::Cents)) == "38,97");
  // Beside other units each amount names its unit.
  CHECK(text::one_line(text::cell_text(millions, EuroScale::PerCell)) == "\u20AC -1,80 mln (-2,10 to -1,50)");
  CHECK(text::one_line(text::cell_text(euros, EuroScale::PerCell)) == "\u20AC 254 (197 to 311)");
  CHECK(text::one_line(text::cell_text(weeks, EuroScale::PerCell)) == "8,6 (7,6 to 9,6)");
  CHECK(text::one_line(text::cell_text(Cell::of(interval(0.49, 0.414, 0.566), Unit::Share),
                                       EuroScale::Euro)) == "49,0% (41,4 to 56,6)");
  // A difference of shares, 40% against 38%, is 2 percentage points, not "2,0%" (a relative change to a
  // reader).
  CHECK(text::one_line(text::cell_text(Cell::of(interval(0.40 - 0.38, -0.006, 0.007), Unit::SharePoints),
                                       EuroScale::Euro)) == "2,0 pp (-0,6 to 0,7)");
  CHECK(to_string(Unit::SharePoints) == std::string("share_points"));
  CHECK(unit_from_string("share_points") == Unit::SharePoints);

  CHECK(text::with_euro_unit("extra cost per household (EUR)", EuroScale::Thousand) ==
        "extra cost per household (EUR thousand)");
  CHECK(text::with_euro_unit("ICER (EUR per problem-free household-year)", EuroScale::Million) ==
        "ICER (EUR million per problem-free household-year)");
  CHECK(text::with_euro_unit("year 1", EuroScale::Million) == "year 1 (EUR million)");
  CHECK(text::with_euro_unit("EURO zone", EuroScale::Euro) == "EURO zone (EUR)");
}

TEST_CASE("a figure few draws know is shown to its significant digits, and kept whole in JSON", "[output]") {
  using text::EuroScale;
  // An EVPI of 73.63 per household and 206,164 for 2,800 households from 6 draws, at two significant digits:
  // 74 in a column of euros or of cents, 210 in EUR thousand, 4,9 for 4.91 and 0 for 0.
  Cell household = Cell::of_value(73.63, Unit::Euro), population = Cell::of_value(206164, Unit::Euro),
       small = Cell::of_value(4.91, Unit::Euro), none = Cell::of_value(0, Unit::Euro);
  for (Cell* c : {&household, &population, &small, &none}) c->significant = 2;
  CHECK(text::one_line(text::cell_text(household, EuroScale::Cents)) == "74");
  CHECK(text::one_line(text::cell_text(household, EuroScale::Euro)) == "74");
  CHECK(text::one_line(text::cell_text(population, EuroScale::Thousand)) == "210");
  CHECK(text::one_line(text::cell_text(small, EuroScale::Cents)) == "4,9");
  CHECK(text::one_line(text::cell_text(none, EuroScale::Cents)) == "0");
  CHECK(format_cell(household) == "\u20AC 74");
  CHECK(format_cell(population) == "\u20AC 210.000");
  // The column's decimals cut neither the digits nor a small figure to zero (outside attack 55): 342.77 in
  // EUR thousand is 0,34 (not 0,3), 0.0044 among cents 0,0044 (not 0,00).
  Cell thousandth = Cell::of_value(342.77, Unit::Euro), tiny = Cell::of_value(0.004425, Unit::Euro);
  thousandth.significant = tiny.significant = 2;
  CHECK(text::one_line(text::cell_text(thousandth, EuroScale::Thousand)) == "0,34");
  CHECK(text::one_line(text::cell_text(tiny, EuroScale::Cents)) == "0,0044");
  CHECK(format_cell(tiny) == "\u20AC 0,0044");
  // The JSON holds the figure whole and the hint, and reads back to both.
  Report r;
  Table t;
  t.id = "evpi";
  t.columns = {{"v", "v"}};
  t.rows.push_back({"r", "r", {household}, 0});
  r.tables.push_back(t);
  const Report back = report_from_json(render(r, Format::Json));
  CHECK(back.tables.at(0).rows.at(0).cells.at(0).stat.mean == 73.63);
  CHECK(back.tables.at(0).rows.at(0).cells.at(0).significant == 2);
}

TEST_CASE("wrapping keeps every line within the width", "[output]") {
  CHECK(text::wrap_lines("one two three four", 9) == std::vector<std::string>{"one two", "three", "four"});
  // The euro sign stays with its amount ("... and €" above "-28,10"; an analyst's reading).
  CHECK(text::wrap_lines("between \u20AC -37,45 and \u20AC -28,10", 24) ==
        std::vector<std::string>{"between \u20AC -37,45 and", "\u20AC -28,10"});
  CHECK(text::wrap_lines("a \u20AC", 80) == std::vector<std::string>{"a \u20AC"});
  CHECK(text::wrap_lines("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(text::wrap("a b c", 20, "  ", "    ") == "  a b c\n");
  CHECK(text::wrap("aaa bbb ccc", 12, "- ", "  ") == "- aaa bbb\n  ccc\n");
  // A file's path is not cut where a text is wrapped: "...the_muni" and "cipality/pilot.yaml)" on two lines
  // could not be copied (outside attack 43). A long word that is no path still is; a table's cell too.
  CHECK(text::wrap("see (/a/long_directory/pilot.yaml) here", 20, "", "") ==
        "see\n(/a/long_directory/pilot.yaml)\nhere\n");
  CHECK(text::wrap("abcdefghijklmnopqrstuvwxyz1234", 20, "", "") == "abcdefghijklmnopqrst\nuvwxyz1234\n");
  CHECK(text::wrap_lines("/a/b/c/d", 4) == std::vector<std::string>{"/a/b", "/c/d"});
  // A word cut by the columns it takes: a CJK ideograph two (cut by characters, 200 of them ran to 198
  // columns of 100; outside attack 32), a combining accent none, kept with its letter.
  CHECK(text::wrap_lines("\u793E\u533A\u793E\u533A\u793E", 4) ==
        std::vector<std::string>{"\u793E\u533A", "\u793E\u533A", "\u793E"});
  CHECK(text::wrap_lines("\u793E\u533A\u793E", 5) == std::vector<std::string>{"\u793E\u533A", "\u793E"});
  CHECK(text::wrap_lines("e\u0301e\u0301e\u0301", 2) ==
        std::vector<std::string>{"e\u0301e\u0301", "e\u0301"});
}

TEST_CASE("the table format never writes a line wider than it is given", "[output]") {
  const Report& r = shared_report();
  for (std::size_t width : {40, 60, 80, 100, 120, 160, 240}) {
    INFO("width " << width);
    const std::string out = render_table(r, {width, {}});
    CHECK(widest(out) <= width);
    CHECK(out.find("== Budget per payer per policy year") != std::string::npos);
  }
}

TEST_CASE("a table is laid out the first way that fits", "[output]") {
  // Three options and eight measures: side by side at 240 columns, transposed at 100 (the options become the
  // columns), stacked at 50.
  Table t;
  t.id = "cost_effectiveness";
  t.title = "options";
  t.scenario = "s";
  for (int c = 0; c < 8; ++c)
    t.columns.push_back({fmt::format("m{}", c), fmt::format("measure number {}", c)});
  for (const char* name : {"alpha", "beta", "gamma"}) {
    Row row{name, name, {}, 0};
    for (int c = 0; c < 8; ++c) row.cells.push_back(Cell::of(interval(1234.5 + c, 1000, 1500), Unit::Count));
    t.rows.push_back(row);
  }
  const text::Grid g = text::grid_of(t);
  const std::string wide = text::layout(g, 240);
  const std::string transposed = text::layout(g, 100);
  const std::string stacked = text::layout(g, 50);
  CHECK(widest(wide) <= 240);
  CHECK(widest(transposed) <= 100);
  CHECK(widest(stacked) <= 50);
  // Side by side: one line per option; transposed: one line per measure, the options in the header.
  CHECK(wide.find("\nalpha ") != std::string::npos);
  CHECK(transposed.find("\nmeasure number 7 ") != std::string::npos);
  CHECK(transposed.find("alpha") < transposed.find("-----"));
  // Stacked: the option on its own line, then "measure: figure" lines.
  CHECK(stacked.find("\nalpha\n") != std::string::npos);
  CHECK(stacked.find("measure number 0: 1.235 (1.000 to 1.500)") != std::string::npos);
  CHECK(lines(wide) < lines(transposed));
}

TEST_CASE("a text that wraps among figures keeps its lines together, starting in one column", "[output]") {
  // The break-even sentence in a column of euros: each of its lines right-aligned on its own left the last
  // word ("runs") alone at the column's right edge, 40 columns from the rest of its sentence.
  Table t;
  t.id = "budget";
  t.title = "cumulative";
  t.scenario = "s";
  t.columns = {{"y4", "year 4"}, {"all", "years 1-5"}};
  for (const char* name : {"Municipality", "Health insurers"})
    t.rows.push_back({name,
                      name,
                      {Cell::of(interval(-0.41, -1.13, 0.31), Unit::Count),
                       Cell::of(interval(-1.95, -4.46, 0.56), Unit::Count)},
                      0});
  const std::string sentence =
      "no break-even shown: the interval includes zero in year 5; below zero by year 5 in 3 of 5 runs";
  t.rows.push_back({"Cumulative",
                    "Cumulative",
                    {Cell::of(interval(-0.18, -2.14, 1.77), Unit::Count), Cell::of_text(sentence)},
                    0});
  const std::string out = text::layout(text::grid_of(t), 80);
  CHECK(widest(out) <= 80);
  // The sentence's lines, found by their words, and where each starts.
  std::istringstream in(out.substr(out.find("\nCumulative")));
  std::string line, words;
  std::vector<std::size_t> starts;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::size_t at = starts.empty() ? line.find("no break-even") : line.find_first_not_of(' ');
    if (at == std::string::npos) break;
    starts.push_back(at);
    if (!words.empty()) words += ' ';
    words += line.substr(at);
  }
  INFO(out);
  REQUIRE(starts.size() >= 2);  // at 80 columns it wraps
  CHECK(words == sentence);
  for (std::size_t s : starts) CHECK(s == starts.front());
}

TEST_CASE("each payer's year by year keeps payers down and years across", "[output]") {
  // Five payers and six year columns that do not fit side by side at 120: the generic layout turned such a
  // table (the payers fewer than the columns) and read years down, where the pilot's six payers read payers
  // down (an advisor's reading). Payers stay the rows, the years go into column groups.
  Table t;
  t.id = "budget_by_year";
  t.title = "What does it cost each payer per year?";
  t.scenario = "s";
  t.comparator = "c";
  for (int y = 1; y <= 5; ++y) t.columns.push_back({fmt::format("year_{}", y), fmt::format("year {}", y)});
  t.columns.push_back({"total", "years 1-5"});
  for (const char* payer :
       {"Municipality", "Housing corporations", "Health insurers", "Police and justice", "All payers"}) {
    Row row{payer, payer, {}, 0};
    for (int c = 0; c < 6; ++c)
      row.cells.push_back(Cell::of(interval(-2.15e6, -3.92e6, -0.39e6), Unit::Euro));
    t.rows.push_back(row);
  }
  const std::string out = text::layout(text::grid_of(t), 120);
  CHECK(widest(out) <= 120);
  CHECK(out.find("\nMunicipality ") != std::string::npos);
  CHECK(out.find("\nyear 1 ") == std::string::npos);
  CHECK(out.find("year 1 (EUR million)") < out.find("\nMunicipality "));
  // Another table of so few rows is still turned where that fits.
  t.id = "budget_impact";
  CHECK(text::layout(text::grid_of(t), 120).find("\nyear 1 ") != std::string::npos);
}

TEST_CASE("years of euros share one unit, named in their headers", "[output]") {
  Table t;
  t.id = "budget_impact";
  t.title = "budget";
  t.scenario = "s";
  t.columns = {{"year_1", "year 1"}, {"year_2", "year 2"}, {"total", "years 1-2"}};
  // 375 thousand in year 1 and 1,2 million in year 2: both in millions, like their total.
  t.rows.push_back({"fund",
                    "fund",
                    {Cell::of_value(375000, Unit::Euro), Cell::of_value(1200000, Unit::Euro),
                     Cell::of_value(1575000, Unit::Euro)},
                    0});
  const std::string out = text::layout(text::grid_of(t), 120);
  CHECK(out.find("year 1 (EUR million)") != std::string::npos);
  CHECK(out.find("years 1-2 (EUR million)") != std::string::npos);
  CHECK(out.find("0,38") != std::string::npos);
  CHECK(out.find("1,58") != std::string::npos);
}

TEST_CASE("a map over parameter values names its euro unit in the title, not in the values' headers",
          "[output]") {
  // A two-way map's columns are values of coach FTE: "2,00 (EUR)" read as an amount (outside attack 40).
  Table t;
  t.id = "two_way_cost";
  t.title = "extra cost per household (EUR) by x (columns) and y (rows)";
  t.scenario = "s";
  t.columns = {{"x_2", "2,00"}, {"x_5", "5,00"}};
  t.rows.push_back({"y_1", "0,5", {Cell::of_value(12500, Unit::Euro), Cell::of_value(40000, Unit::Euro)}, 0});
  t.unit_in_title = true;
  const std::string out = text::layout(text::grid_of(t), 120);
  // 12.500 and 40.000 share one scale, thousands (as a column of 40.000 would be), named once in the title.
  CHECK(out.find("== extra cost per household (EUR thousand) by x") != std::string::npos);
  CHECK(out.find("(EUR)") == std::string::npos);
  CHECK(out.find("2,00 (EUR") == std::string::npos);
  CHECK(out.find("12,5") != std::string::npos);
  CHECK(out.find("40,0") != std::string::npos);
  // Kept in the JSON a stored run is shown from.
  Report r;
  r.tables.push_back(t);
  CHECK(report_from_json(render_json(r)).tables.at(0).unit_in_title);
  // Without the flag, as before: the unit on each column.
  t.unit_in_title = false;
  r.tables[0] = t;
  CHECK_FALSE(report_from_json(render_json(r)).tables.at(0).unit_in_title);
  CHECK(text::layout(text::grid_of(t), 120).find("2,00 (EUR") != std::string::npos);
}

TEST_CASE("sections choose the tables, in the order given", "[output]") {
  CHECK(parse_sections("all") == section_names());
  CHECK(parse_sections("budget, glance") == std::vector<std::string>{"budget", "glance"});
  CHECK_THROWS_AS(parse_sections("budgets"), InputError);
  CHECK_THROWS_AS(parse_sections(""), InputError);
  CHECK_THROWS_WITH(parse_sections("glance,,budget"), Catch::Contains("an empty section name"));
  CHECK_THROWS_WITH(parse_sections("glance,"), Catch::Contains("an empty section name"));
  const Report& r = shared_report();
  const std::string households = render_table(r, {100, {"households"}});
  CHECK(households.find("== Households") != std::string::npos);
  CHECK(households.find("== Budget") == std::string::npos);
  const std::string both = render_table(r, {100, {"households", "budget"}});
  CHECK(both.find("== Households") < both.find("== Budget"));
  for (const Table& t : r.tables) CHECK(section_of(t) != "other");
}

TEST_CASE("a table of figures over runs says at its head what its brackets are", "[output]") {
  // The tables of a scenario's figures came 400 to 1.400 lines after the one sentence that said what an
  // interval is over (a policy advisor's reading at 120 columns); a table whose cells are spreads over
  // draws, or single values, says no such thing.
  const Report& r = shared_report();
  const std::string households = render_table(r, {120, {"households"}});
  CHECK(households.find("; brackets: the 95% interval of the mean over its runs\n") != std::string::npos);
  Table given;
  given.id = "given";
  given.title = "Given";
  given.scenario = "x";
  given.columns = {{"v", "value"}};
  given.rows = {{"a", "a", {Cell::of_value(3, Unit::Count)}, 0}};
  Report one;
  one.tables = {given};
  CHECK(render_table(one, {120, {}}).find("brackets:") == std::string::npos);
  Table spread = given;
  spread.rows = {{"a", "a", {Cell::of_interval(3, 1, 5, Unit::Count)}, 0}};
  one.tables = {spread};
  CHECK(render_table(one, {120, {}}).find("brackets:") == std::string::npos);
  // Beside a target's given interval (a calibration table's public figure), neither.
  Table mixed = given;
  Stat over_runs;
  over_runs.mean = 3;
  over_runs.lo = 2;
  over_runs.hi = 4;
  over_runs.n = 5;
  mixed.columns = {{"target", "target"}, {"model", "model"}};
  mixed.rows = {{"a", "a", {Cell::of_interval(3, 1, 5, Unit::Count), Cell::of(over_runs, Unit::Count)}, 0}};
  one.tables = {mixed};
  CHECK(render_table(one, {120, {}}).find("brackets:") == std::string::npos);
  mixed.rows[0].cells[0] = Cell::of_value(3, Unit::Count);
  one.tables = {mixed};
  CHECK(render_table(one, {120, {}}).find("brackets: the 95% interval of the mean over its runs") !=
        std::string::npos);
}

TEST_CASE(
    "an agency's wait has the same decimals in the scenario's, the comparator's and the difference's table",
    "[output]") {
  // A baseline's 0,03 shown as 0,0 beside an intervention's 0,01 and a difference of -0,02 read as arithmetic
  // gone wrong (a policy advisor's reading): each agency's wait is written with the most decimals any of the
  // three needs, among the scenarios a comparison joins; another comparison's keep their own.
  auto wait = [](double mean, double lo, double hi) {
    Stat s;
    s.mean = mean, s.lo = lo, s.hi = hi, s.n = 5;
    return Cell::of(s, Unit::Weeks);
  };
  auto table = [](std::string id, std::string scenario, std::string comparator, Cell c) {
    Table t;
    t.id = std::move(id);
    t.scenario = std::move(scenario);
    t.comparator = std::move(comparator);
    t.columns = {{"waiting", "waiting list"}, {"wait_weeks", "wait (weeks)"}};
    t.rows = {{"housing", "Housing", {Cell::of_value(1, Unit::Count), std::move(c)}, 0}};
    return t;
  };
  Report r;
  r.tables = {table("agencies", "city", "", wait(0.014, 0.004, 0.024)),
              table("agencies", "base", "", wait(0.03, 0.0, 0.08)),
              table("agencies_difference", "city", "base", wait(-0.016, -0.03, 0.0)),
              table("agencies", "pilot", "", wait(3.6, 2.3, 5.6)),
              table("agencies", "velve", "", wait(4.2, 1.6, 11.3)),
              table("agencies_difference", "pilot", "velve", wait(-0.6, -1.2, 0.1))};
  std::vector<int> before;
  for (const Table& t : r.tables) before.push_back(text::shown_decimals(t.rows[0].cells[1]));
  REQUIRE(before[0] > before[1]);  // 0,014 (0,004 to 0,024) needs more decimals than 0,03 (0,0 to 0,08)
  same_decimals_for_waits(r);
  std::vector<int> after;
  for (const Table& t : r.tables) after.push_back(text::shown_decimals(t.rows[0].cells[1]));
  const int city = std::max({before[0], before[1], before[2]}),
            pilot = std::max({before[3], before[4], before[5]});
  CHECK(after == std::vector<int>{city, city, city, pilot, pilot, pilot});
  CHECK(pilot < city);  // the pilot's waits keep their own
  // The waiting list beside it is not touched.
  CHECK(r.tables[1].rows[0].cells[0].decimals_at_least == 0);
}

TEST_CASE("a report read back from its JSON renders the same", "[output]") {
  const Report& r = shared_report();
  const Report back = report_from_json(render_json(r));
  CHECK(render_json(back) == render_json(r));
  CHECK(render_table(back, {120, {}}) == render_table(r, {120, {}}));
}

TEST_CASE("the who-pays chart colours a payer by what its interval says", "[output]") {
  // By the mean's sign a payer at -0,21 M (-3,81 to 3,39) was drawn as one that saves, beside the words
  // "no clear change" (an independent check).
  const charts::json chart = charts::who_pays({{"Municipality", -0.21e6, -3.81e6, 3.39e6, "", ""},
                                               {"Fund", 0.75e6, 0.75e6 - 1, 0.75e6 + 1, "", ""},
                                               {"Insurers", -0.5e6, -0.9e6, -0.1e6, "", ""},
                                               {"Unused fund", 0, 0, 0, "", ""}},
                                              "EUR", "lowest to highest draw");
  const charts::json& bars = chart["layer"][0];
  // The tooltip names the interval the caller gives: under draws it said "95% interval" of the lowest to the
  // highest draw (an independent check).
  CHECK(bars["encoding"]["tooltip"][1]["title"] == "difference (lowest to highest draw)");
  std::vector<std::string> directions;
  for (const auto& row : chart["data"]["values"]) directions.push_back(row["direction"].get<std::string>());
  CHECK(directions == std::vector<std::string>{"no clear change", "pays", "saves", "no change"});
  // The legend names what is there, in a fixed order, each with its colour.
  CHECK(bars["encoding"]["color"]["scale"]["domain"] ==
        charts::json::array({"pays", "saves", "no clear change", "no change"}));
  CHECK(bars["encoding"]["color"]["scale"]["range"] ==
        charts::json::array({charts::kVermillion, charts::kSkyBlue, charts::kGrey, charts::kLightGrey}));
  // No two kinds share a colour: a legend of identical swatches says nothing (advisor review 56).
  const auto& range = bars["encoding"]["color"]["scale"]["range"];
  CHECK(std::set<std::string>(range.begin(), range.end()).size() == range.size());
}

TEST_CASE("the EVPPI chart draws a bar whose fit is not beyond chance pale", "[output]") {
  // Bars not beyond chance read as research priorities: nothing on the chart told them apart (a policy
  // advisor's reading of a PSA).
  const charts::json chart =
      charts::value_bars({{"a.b", "parameter", 100, 0, 200, "", charts::kBeyondChance},
                          {"c.d", "parameter", 300, 0, 700, "", charts::kNotBeyondChance},
                          {"e.f", "parameter", 50, 0, 90, "", charts::kNotTested}},
                         "EVPPI (euros)");
  std::vector<std::string> fits;
  for (const auto& row : chart["data"]["values"]) fits.push_back(row["chance"].get<std::string>());
  CHECK(fits == std::vector<std::string>{"beyond chance", "not beyond chance", "not tested"});
  const charts::json& opacity = chart["layer"][0]["encoding"]["opacity"];
  CHECK(opacity["field"] == "chance");
  CHECK(opacity["scale"]["domain"] ==
        charts::json::array({"beyond chance", "not beyond chance", "not tested"}));
  // Pale only where the fit was tested and is not beyond chance.
  CHECK(opacity["scale"]["range"][0].get<double>() == 1.0);
  CHECK(opacity["scale"]["range"][1].get<double>() < 0.5);
  CHECK(opacity["scale"]["range"][2].get<double>() == 1.0);
}

TEST_CASE("at a glance: every compared scenario side by side", "[output]") {
  // Two scenarios compared with their comparators, as headline.cpp and economic_tables.cpp write them.
  Report r;
  r.command = "compare";
  r.scenarios = {{"a", "a.yaml", "", "base.yaml", 1, 0, 2, 5, 0, "", 0, 0},
                 {"base", "base.yaml", "", "", 1, 0, 2, 5, 0, "", 0, 0}};
  auto headline = [](const std::string& name, double cash, double wait, bool cut) {
    Table t;
    t.id = "headline";
    t.scenario = name;
    t.comparator = "base";
    t.columns = {{"change", "change"}, {"verdict", "in words"}};
    t.rows.push_back({"summary", "in short", {Cell::empty(), Cell::of_text("pays more in cash: Fund")}, 0});
    t.rows.push_back({"cash_fund",
                      "cash: Fund (EUR)",
                      {Cell::of(interval(cash, cash, cash), Unit::Euro), Cell::of_text("pays more")},
                      0});
    t.rows.push_back({"net_cash",
                      "cash: All payers together (EUR)",
                      {Cell::of(interval(cash, cash, cash), Unit::Euro), Cell::of_text("pays more")},
                      0});
    if (cut)
      t.rows.push_back({"funded_debt",
                        "capacity: Debt (places funded)",
                        {Cell::of_value(-40, Unit::Count), Cell::of_text("cut")},
                        0});
    t.rows.push_back({"places_debt",
                      "capacity: Debt (places used)",
                      {Cell::of(interval(-5, -8, -2), Unit::Count), Cell::of_text("frees capacity")},
                      0});
    t.rows.push_back({"wait_debt",
                      "wait: Debt (weeks)",
                      {Cell::of(interval(wait, wait - 1, wait + 1), Unit::Weeks), Cell::of_text("")},
                      0});
    t.rows.push_back({"coach_payer",
                      "who pays for the coaches",
                      {Cell::empty(), Cell::of_text("the Fund (additional money)")},
                      0});
    if (cut) t.rows.push_back({"description", "what it is", {Cell::empty(), Cell::of_text("Cut places")}, 0});
    return t;
  };
  r.tables.push_back(headline("a", 1875000, 1.5, false));
  r.tables.push_back(headline("b", 46050000, 40.0, true));
  Table ce;
  ce.id = "cost_effectiveness";
  ce.scenario = "a, b";
  ce.comparator = "base";
  ce.columns = {{"delta_cost", "extra cost per household (EUR)"}, {"icer", "ICER"}};
  ce.rows.push_back(
      {"a", "a", {Cell::of(interval(114, -127, 355), Unit::Euro), Cell::of_text("€ 2.225 per year")}, 0});
  ce.rows.push_back(
      {"b", "b", {Cell::of(interval(254, 197, 311), Unit::Euro), Cell::of_text("dominant")}, 0});
  r.tables.push_back(ce);

  const auto v = glance_view(r);
  REQUIRE(v);
  CHECK(v->grid.columns == std::vector<std::string>{"a", "b"});
  const std::string out = render_table(r, {100, {"glance"}});
  CHECK(widest(out) <= 100);
  // The decision, each payer's cash in one unit for the group, capacity with the cut, the waits.
  CHECK(out.find("extra cost (EUR)") != std::string::npos);
  CHECK(out.find("114 (-127 to 355)") != std::string::npos);
  // Which way a minus goes, in the heading of the figures (a policy advisor read "-9,48" as "pays 9,48").
  CHECK(render_table(r, {200, {"glance"}})
            .find("Who pays? Difference in each payer's cash, policy years 1-0, nominal, with transfers; "
                  "minus: spends less (EUR million)") != std::string::npos);
  // Over draws the brackets are their spread: no word of the mean's interval.
  CHECK(out.find("budget range") == std::string::npos);
  {
    // The base case's brackets are where the mean lies, not a budget range (a steering group read the
    // municipality's bracket as a range to plan within; README said so, the output did not).
    Report base = r;
    for (ScenarioRef& s : base.scenarios) {
      s.draws = 0;
      s.replications = 5;
    }
    CHECK(render_table(base, {400, {"glance"}})
              .find("brackets here and below: the 95% interval of the mean over runs differing in the "
                    "households' luck only, not a budget range;") != std::string::npos);
    // A count of 5 runs bounds a probability loosely (advisor review 56). By hand, the exact 95% interval
    // of 5 of 5 starts at 0.025^(1/5) = exp(ln 0.025 / 5) = 0.478; of 0 of 5 it ends at 1 - 0.478.
    CHECK(
        render_table(base, {400, {"glance"}})
            .find(
                "A probability over fewer than 20 runs is a count, and a count of few is no certainty: 5 of "
                "5 allows a true probability as low as 48% (the exact 95% interval), and 0 of 5 one as "
                "high as 52%.") != std::string::npos);
    // A count between all and none that the glance shows gets its own bounds: 3 of 5, whose exact 95%
    // interval is the Beta(3, 3) quantile at 2,5% to the Beta(4, 2) quantile at 97,5%, 0,1466 to 0,9473
    // (Clopper and Pearson 1934; tables of the binomial interval), said as 15 to 94,7% (a tenth near the
    // ends, as the bound of all; an advisor's reading of a PSA's "10 of 12", whose bounds the note did not
    // give).
    Report counted = base;
    for (Table& t : counted.tables)
      if (t.id == "cost_effectiveness") {
        t.columns.push_back({"p_cost_effective", "probability cost-effective"});
        for (Row& row : t.rows)
          row.cells.push_back(Cell::of_probability(row.key == "a" ? 0.6 : 1.0, 5, "runs"));
      }
    std::string three;
    for (const char ch : render_table(counted, {400, {"glance"}}))  // as one line, spaces collapsed
      if (!((ch == ' ' || ch == '\n') && !three.empty() && three.back() == ' '))
        three += ch == '\n' ? ' ' : ch;
    CHECK(three.find(
              "5 of 5 allows a true probability as low as 48% (the exact 95% interval), 3 of 5 one from 15 "
              "to 94,7%, and 0 of 5 one as high as 52%.") != std::string::npos);
    // One run: 1 of 1 allows 0.025^(1/1) = 2,5%, said to a tenth near the ends (outside attack 57).
    Report one = base;
    for (ScenarioRef& s : one.scenarios) s.replications = 1;
    CHECK(
        render_table(one, {400, {"glance"}})
            .find(
                "1 of 1 allows a true probability as low as 2,5% (the exact 95% interval), and 0 of 1 one as "
                "high as 97,5%.") != std::string::npos);
    // Over 20 runs a probability is a percentage with its own interval: no such sentence.
    Report many = base;
    for (ScenarioRef& s : many.scenarios) s.replications = 20;
    CHECK(render_table(many, {400, {"glance"}}).find("a count of few is no certainty") == std::string::npos);
  }
  {
    // "Dominant" beside a wait that grows says so in its cell; without such a wait it stands alone (advisor
    // review 56: the unfunded scale-up's "dominant in 5 of 5 runs" above a wait 41 weeks longer).
    CHECK(out.find("yet waits grow") == std::string::npos);
    Report longer = r;
    for (Table& t : longer.tables)
      if (t.id == "headline" && t.scenario == "b")
        for (Row& row : t.rows)
          if (row.key == "wait_debt") row.cells[1] = Cell::of_text(kWaitLonger);
    // With its size: b's wait grows by 40 weeks (the fixture's mean).
    CHECK(render_table(longer, {200, {"glance"}})
              .find("dominant, yet waits grow by up to 40,0 weeks (below)") != std::string::npos);
    // The largest of the waits that grow, not of all: by hand, 7 and 3 weeks longer, 90 with no verdict.
    Table waits;
    waits.columns = {{"change", "change"}, {"verdict", "in words"}};
    for (const auto& [key, weeks, verdict] : {std::tuple{"wait_a", 3.0, kWaitLonger},
                                              {"wait_b", 7.0, kWaitLonger},
                                              {"wait_c", 90.0, "no clear change"},
                                              {"places_d", 200.0, kWaitLonger}})
      waits.rows.push_back({key, key, {Cell::of_value(weeks, Unit::Weeks), Cell::of_text(verdict)}, 0});
    CHECK(largest_wait_growth(waits) == 7.0);
    waits.rows[0].cells[1] = waits.rows[1].cells[1] = Cell::of_text("no clear change");
    CHECK(std::isnan(largest_wait_growth(waits)));
    CHECK(!waits_grow(waits));
    // Only "dominant" gains it: scenario a's ICER with the same wait is a cost per year.
    for (Table& t : longer.tables)
      if (t.id == "headline" && t.scenario == "a")
        for (Row& row : t.rows)
          if (row.key == "wait_debt") row.cells[1] = Cell::of_text(kWaitLonger);
    const std::string both = render_table(longer, {200, {"glance"}});
    CHECK(both.find("yet waits grow") == both.rfind("yet waits grow"));
  }
  {
    // A comparator whose households gain rungs without any policy is short of its steady state: said once
    // under the glance where the interval excludes zero (the city's baseline after 20 years; an advisor's
    // reading), and not where it holds zero.
    CHECK(out.find("Without any policy") == std::string::npos);
    const auto with_gain = [&](double lo, double hi) {
      Report drifting = r;
      Table events;
      events.id = "events";
      events.scenario = "base";
      events.columns = {{"value", "value"}};
      events.rows.push_back({"rungs_gained",
                             "ladder rungs gained per household (end minus start)",
                             {Cell::of(interval((lo + hi) / 2, lo, hi), Unit::Rung)},
                             0});
      drifting.tables.push_back(events);
      std::string text;  // as one line, spaces collapsed
      for (const char ch : render_table(drifting, {1000, {"glance"}}))
        if (!((ch == ' ' || ch == '\n') && !text.empty() && text.back() == ' '))
          text += ch == '\n' ? ' ' : ch;
      return text;
    };
    const std::string gains = with_gain(0.026, 0.034);
    const std::string said = "*Without any policy base's households still gain 0,030 (0,026 to 0,034) rungs";
    // The comparator marked where the glance names it (the first screen), for that sentence.
    CHECK(gains.find("compared with base* base*") != std::string::npos);
    CHECK(with_gain(-0.01, 0.03).find("base*") == std::string::npos);
    CHECK(gains.find(said) != std::string::npos);
    CHECK(gains.find(said) == gains.rfind(said));  // once, though a and b share the comparator
    CHECK(with_gain(-0.01, 0.03).find("Without any policy") == std::string::npos);
    CHECK(with_gain(-0.05, -0.01).find("Without any policy base's households still lose") !=
          std::string::npos);
    // A drift measured but below kSteadyRungDrift (0.005) is steady: 0.001 (0.0001 to 0.0019), as the mended
    // city's baseline over 200 PSA draws, is not said; 0.006 (0.004 to 0.008) is.
    CHECK(with_gain(0.0001, 0.0019).find("Without any policy") == std::string::npos);
    CHECK(with_gain(0.0001, 0.0019).find("base*") == std::string::npos);
    CHECK(with_gain(0.004, 0.008).find("Without any policy base's households still gain") !=
          std::string::npos);
    CHECK(with_gain(-0.008, -0.004).find("Without any policy base's households still lose") !=
          std::string::npos);
  }
  CHECK(out.find("1,88 (same in all runs)") != std::string::npos);  // a fund's bill: no spread
  CHECK(out.find("46,05 (same in all runs)") != std::string::npos);
  CHECK(out.find("places funded") != std::string::npos);
  CHECK(out.find("not cut") != std::string::npos);
  CHECK(out.find("40,0 (39,0 to 41,0)") != std::string::npos);
  CHECK(out.find("a: pays more in cash: Fund; who pays for the coaches: the Fund (additional money).") !=
        std::string::npos);
  // What each scenario is, in its file's words, beside its name in In short (the funded scale-up's pilot
  // conditions were not said beside its money; a policy advisor's reading); none for one without.
  CHECK(render_table(r, {200, {"glance"}}).find("\n  b (Cut places): pays more in cash: Fund;") !=
        std::string::npos);
  // What the payers net to, after them (a policy advisor's reading: the glance left the sum to the reader).
  CHECK(out.find("  Fund ") < out.find("  All payers together "));
  CHECK(out.find("  All payers together ") < out.find("Capacity: freed or cut?"));
  CHECK(out.find("Who pays?") < out.find("Capacity: freed or cut?"));
  CHECK(out.find("Capacity: freed or cut?") < out.find("Who waits longer?"));
  // Without draws In short is headed plainly; with them it says its changes hold across the draws, which the
  // detailed tables' interval of the mean over all runs may not (a policy advisor's reading of a PSA).
  CHECK(out.find("\nIn short (named where it holds across the 5 draws, as in the brackets above;") !=
        std::string::npos);
  Report base_case = r;
  for (ScenarioRef& s : base_case.scenarios) s.draws = 0;
  CHECK(render_table(base_case, {120, {"glance"}}).find("\nIn short:\n") != std::string::npos);
  // The words a policy advisor may not know are said under the glance, one to a line, as the report's How to
  // read says them (the terminal had no glossary; a policy advisor's reading).
  const std::size_t terms_at = out.find("\nTerms:\n");
  REQUIRE(terms_at != std::string::npos);
  CHECK(
      out.find("\n  ICER (incremental cost-effectiveness ratio): the difference in cost over the difference",
               terms_at) != std::string::npos);
  CHECK(out.find("\n  Dominant: costs no more and gains no less than its comparator", terms_at) !=
        std::string::npos);
  CHECK(out.find("\n  Places funded: ", terms_at) != std::string::npos);
  // Only the words the glance uses: it has no value of information, no quality-adjusted years and nothing
  // dominated (outside attack 37: EVPI was defined above a glance without one).
  CHECK(out.find("EVPI", terms_at) == std::string::npos);
  CHECK(out.find("Quality-adjusted", terms_at) == std::string::npos);
  CHECK(out.find("Dominated:", terms_at) == std::string::npos);
  // A word is found whole, in any case: "dominant" is not in "dominated", nor "pp" in "supplied".
  const auto words = [](std::string_view text) {
    std::string found;
    for (const Term& t : terms_used_in(text)) found += std::string(t.shown_as) + ";";
    return found;
  };
  CHECK(words("it was dominated; supplied by") == "dominated;");
  CHECK(words("a change of 2,0 pp. ICER: Dominant") == "ICER;dominant;pp;");
  CHECK(words("") == "");
  // The bound beside a counted probability is a term where it is printed, not where "95% interval" is.
  CHECK(words("75,0% (15 of 20 draws; 95%: 50,9 to 91,3%)") == "95%:;");
  CHECK(words("the 95% interval of the mean") == "");
  // The units an interval is over, where the text names parameter draws (a policy advisor's reading).
  CHECK(words("spread over the 40 parameter draws") == "parameter draws;");
  CHECK(words("one parameter draw") == "");
  // A run compares nothing: no glance.
  Report run = r;
  run.tables.clear();
  CHECK_FALSE(glance_view(run));
  // Where a compared scenario's (or its comparator's) model misses a public figure, In short says so, with
  // the model's figure and the target's (a policy advisor's reading of a PSA: the misses were only in the
  // calibration tables, far below); inside and bound rows, and scenarios not compared, are not named.
  CHECK(v->calibration_misses.empty());
  auto calibration = [](const std::string& scenario, double model, const char* fit) {
    Table c;
    c.id = "calibration";
    c.scenario = scenario;
    c.columns = {{"target", "public figure"}, {"n", "N"}, {"model", "model"}, {"fit", "fit"}};
    c.rows.push_back({"closing",
                      "weeks to closing",
                      {Cell::of_interval(9, 6, 13, Unit::Weeks), Cell::of_text("-"),
                       Cell::of(interval(model, model - 1, model + 1), Unit::Weeks), Cell::of_text(fit)},
                      0});
    return c;
  };
  r.tables.push_back(calibration("b", 15.4, "outside"));
  r.tables.push_back(calibration("base", 10, "inside"));
  r.tables.push_back(calibration("elsewhere", 20, "outside"));
  const auto missed = glance_view(r);
  REQUIRE(missed);
  CHECK(missed->calibration_misses ==
        "The model misses one of its public figures (the calibration tables; model, then the figure): b's "
        "weeks "
        "to closing: 15,4 (14,4 to 16,4) against 9,0 (6,0 to 13,0). Checked against no public figure (its "
        "file names no calibration targets): a.");
  CHECK(render_table(r, {200, {"glance"}}).find("\n  The model misses one of its public figures") !=
        std::string::npos);
}

TEST_CASE("the table renderer aligns its columns", "[output]") {
  // By hand: "\u20AC 1.234" is 7 characters in 9 bytes.
  CHECK(terminal_columns("\u20AC 1.234") == 7);
  CHECK(display_width("\u20AC 1.234") == 7);
  const std::string text = render_table(shared_report());
  CHECK(text.find("== Budget per payer per policy year ==") != std::string::npos);
  // Within a table, no line under the header rule is wider than the rule on a terminal (a wrapped label's
  // continuation ends early), measured independently of the renderer. The euros are in their column's unit
  // (EUR thousand), so no cell holds a euro sign; a line with any character of more than one byte (an
  // interval's dash) is counted by characters, not bytes.
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
    CHECK(terminal_columns(line) <= rule);
    ++checked;
    if (line.find("\u20AC") != std::string::npos) ++with_euros;
  }
  CHECK(checked > 50);
  CHECK(with_euros == 0);
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

TEST_CASE("an interval of no width over draws that differ is not 'the same in all runs'", "[output]") {
  // 100 draws, 98 of them 5 and two 4: the 2.5 to 97.5 percentiles are both 5 (type 7: between the 3rd and
  // 4th lowest), so the interval has no width, while the draws differ (sd 0.14): "(same in all runs)" would
  // claim all of them (a review).
  std::vector<double> draws(98, 5.0);
  draws.push_back(4);
  draws.push_back(4);
  Stat s;
  s.mean = 4.98;
  s.lo = quantile(draws, 0.025);
  s.hi = quantile(draws, 0.975);
  s.sd = sd(draws);
  s.n = 100;
  REQUIRE(s.lo == 5);
  REQUIRE(s.hi == 5);
  REQUIRE(s.sd > 0.1);
  CHECK(
      text::one_line(text::cell_text(Cell::of(s, Unit::Value), text::EuroScale::Euro)).find("same in all") ==
      std::string::npos);
  CHECK(!text::no_spread(s));
  // Every draw 5: the same in all, as before.
  s.mean = 5;
  s.sd = 0;
  CHECK(
      text::one_line(text::cell_text(Cell::of(s, Unit::Value), text::EuroScale::Euro)).find("same in all") !=
      std::string::npos);
}

TEST_CASE("the calibration table in Markdown rounds a share as the tables do: 48,25% is 48.3%", "[output]") {
  // 0.4825 of a share: half away from zero gives 48.3, as `run`'s table prints 48,3%; printf's half to even
  // on the exact binary value gave 48.2.
  CalibrationTarget t;
  t.label = "share";
  t.parsed.kind = TargetMeasure::Kind::Share;
  t.value = 0.4825;
  t.lo = 0.40;
  t.hi = 0.5656;
  Stat model;
  model.mean = 0.4825;
  const std::string md = calibration_markdown({CalibrationRow{&t, model, Fit::Inside}}, "s", 1, 1);
  CHECK(md.find("| share | 48.3% (40.0% to 56.6%) | - | 48.3% | inside |") != std::string::npos);
  CHECK(text::one_line(text::cell_text(Cell::of_value(0.4825, Unit::Share), text::EuroScale::Euro)) ==
        "48,3%");
  // The model's mean over runs carries the 95% interval of the mean, in three significant digits with their
  // trailing zeros ("16" read as exact; "2.24" was printed bare beside a target of 2 to 8 where its interval
  // reached 1.6: an analyst's reading); the header says what it is.
  CalibrationTarget wait;
  wait.label = "wait";
  wait.value = 4;
  wait.lo = 2;
  wait.hi = 8;
  const std::string waits =
      calibration_markdown({CalibrationRow{&wait, test::stat_of(2.2415, 1.5718, 3.1932), Fit::Inside},
                            CalibrationRow{&wait, test::stat_of(16.0, 15.6, 16.5), Fit::Outside}},
                           "s", 5, 5);
  CHECK(waits.find("model (`s`, 5 replications, 5 policy years: mean, and the 95% interval of the mean)") !=
        std::string::npos);
  CHECK(waits.find("| wait | 4 (2 to 8) | - | 2.24 (1.57 to 3.19) | inside |") != std::string::npos);
  CHECK(waits.find("| 16.0 (15.6 to 16.5) | outside |") != std::string::npos);
  // A figure the same in every run says so, as the table format does ("0.0% (0.0% to 0.0%)" stood here beside
  // "0,0% (same in all runs)" there; outside attack 46).
  t.label = "share";
  // A measure with no figure in any run: "-" for the model, and said as such (outside attack 46).
  CHECK(calibration_markdown({CalibrationRow{&t, Stat{}, Fit::Undefined}}, "s", 5, 5)
            .find("| share | 48.3% (40.0% to 56.6%) | - | - | undefined in every run |") !=
        std::string::npos);
  CHECK(calibration_markdown({CalibrationRow{&t, test::stat_of(0, 0, 0), Fit::Outside}}, "s", 5, 5)
            .find("| share | 48.3% (40.0% to 56.6%) | - | 0.0% (same in all runs) | outside |") !=
        std::string::npos);
  CHECK(calibration_markdown({CalibrationRow{&wait, model, Fit::Inside}}, "s", 1, 1)
            .find("1 replication, 1 policy year: one run, so no interval)") != std::string::npos);
  // A '|' in a label or a scenario's name ended its cell (the figures moved under the wrong headings), and
  // HTML in a label was rendered (outside attack 36): every row keeps its 5 cells, the text shown as written.
  t.label = "a | b <b>c</b> [x](javascript:y)";
  const std::string odd = calibration_markdown({CalibrationRow{&t, model, Fit::Inside}}, "md|name", 1, 1);
  CHECK(odd.find("model (`md\\|name`, 1 replication") != std::string::npos);
  CHECK(
      odd.find(
          "| a \\| b &lt;b>c&lt;/b> \\[x\\](javascript:y) | 48.3% (40.0% to 56.6%) | - | 48.3% | inside |") !=
      std::string::npos);
  // A backslash in the label is escaped too (it undid the escape of the '[' after it), and a name with a
  // backtick is not put in a code span it would end (outside attack 37).
  t.label = "see \\[click\\](x) a \\| b";
  const std::string slash =
      calibration_markdown({CalibrationRow{&t, model, Fit::Inside}}, "md` [l](x) `y", 1, 1);
  CHECK(slash.find("| see \\\\\\[click\\\\\\](x) a \\\\\\| b |") != std::string::npos);
  CHECK(slash.find("model (md\\` \\[l\\](x) \\`y, 1 replication") != std::string::npos);
  for (const std::string& table : {odd, slash})
    for (std::size_t at = 0, end; (end = table.find('\n', at)) != std::string::npos; at = end + 1) {
      std::string line = table.substr(at, end - at), unescaped;
      for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == '\\')
          ++i;  // an escaped character is no cell's end
        else
          unescaped += line[i];
      CHECK(std::count(unescaped.begin(), unescaped.end(), '|') == 6);
    }
}

TEST_CASE("who pays for the coaches: a cut at an agency paid per activity is said to save only treatments",
          "[output]") {
  Scenario s = test::small_city(3000, true);
  s.coaches.funding = Funding::Reallocated;
  for (Agency& a : s.agencies) {
    a.label = a.name;
    a.funding = AgencyFunding::Capacity;
    a.reallocation_share = 0;
  }
  s.agencies[0].reallocation_share = 0.85;
  s.agencies[4].reallocation_share = 0.15;
  // Every agency cut paid per place: the places' budget pays the coaches, no word about new money.
  CHECK(coach_payer_text(s) ==
        "reallocated from the agencies' budgets (social_services 85%, youth_care 15%): their capacity is cut "
        "to "
        "pay for the coaches");
  // Youth care paid per intake and case-week: its cut places save only what they no longer treat.
  s.agencies[4].funding = AgencyFunding::Activity;
  CHECK(coach_payer_text(s) ==
        "reallocated from the agencies' budgets (social_services 85%, youth_care 15%): their capacity is cut "
        "to "
        "pay for the coaches; youth_care is paid per activity, so its cut places save its payer only the "
        "treatments they no longer give, and the rest of its part of the coach bill is new money");
}

TEST_CASE("the caseload table explains a mean below the norm beside most team-weeks above it", "[output]") {
  ScenarioSummary s;
  s.shape.caseload_norm_per_fte = 35;
  s.stats.coaches.caseload_mean = test::stat_of(31.0, 30.9, 31.1);
  s.stats.coaches.above_norm = test::stat_of(0.693, 0.692, 0.694);
  CHECK(caseload_table(s).note.find("the load is uneven") != std::string::npos);
  // Most team-weeks above the norm and a mean above it, or a mean below it and few team-weeks above: no
  // contradiction, nothing said.
  s.stats.coaches.caseload_mean = test::stat_of(36.0, 35.9, 36.1);
  CHECK(caseload_table(s).note.find("uneven") == std::string::npos);
  s.stats.coaches.caseload_mean = test::stat_of(31.0, 30.9, 31.1);
  s.stats.coaches.above_norm = test::stat_of(0.2, 0.19, 0.21);
  CHECK(caseload_table(s).note.find("uneven") == std::string::npos);
}

TEST_CASE("the caseload table writes its mean, 95th percentile and maximum with the same decimals",
          "[output]") {
  // A 95th percentile of 29,986 in every run beside a maximum between 29,984 and 29,992 read "30,0 (same in
  // all runs)" above "29,99 (29,98 to 29,99)": the percentile above the maximum it cannot exceed, by
  // rounding (a policy advisor's reading of a PSA). Two decimals tell the maximum's ends apart, so all three
  // take two.
  ScenarioSummary s;
  s.shape.caseload_norm_per_fte = 20;
  s.stats.coaches.caseload_mean = test::stat_of(24.39, 24.14, 24.65);
  s.stats.coaches.caseload_p95 = test::stat_of(29.986, 29.986, 29.986);
  s.stats.coaches.caseload_max = test::stat_of(29.988, 29.984, 29.992);
  const Table t = caseload_table(s);
  auto shown = [&](std::size_t row) { return text::one_line(text::cell_text(t.rows[row].cells[0], {})); };
  CHECK(shown(0) == "24,39 (24,14 to 24,65)");
  CHECK(shown(1) == "29,99 (same in all runs)");
  CHECK(shown(2) == "29,99 (29,98 to 29,99)");
  // Where one decimal tells every interval's ends apart, one decimal, as before.
  s.stats.coaches.caseload_p95 = test::stat_of(38.06, 38.0, 38.1);
  s.stats.coaches.caseload_max = test::stat_of(39.1, 38.7, 39.6);
  const Table u = caseload_table(s);
  CHECK(text::one_line(text::cell_text(u.rows[1].cells[0], {})) == "38,1 (38,0 to 38,1)");
  CHECK(text::one_line(text::cell_text(u.rows[0].cells[0], {})) == "24,4 (24,1 to 24,7)");
}

TEST_CASE("a chart's tooltip prints an interval as the tables do", "[output]") {
  using charts::Axis;
  CHECK(charts::label_with_band(5.0, 4.0, 6.0, Axis::Decimal1, false) == "5,0 (4,0 to 6,0)");
  // 4,95 to 5: "5,0 (5,0 to 5,0)" read as certainty; the decimals that show the spread.
  CHECK(charts::label_with_band(4.98, 4.95, 5.0, Axis::Decimal1, false) == "4,98 (4,95 to 5,00)");
  // The same in every run.
  CHECK(charts::label_with_band(0.0, 0.0, 0.0, Axis::Decimal1, true) == "0,0 (same in all runs)");
  CHECK(charts::label_with_band(0.25, 0.25, 0.25, Axis::Share, true) == "25,0% (same in all runs)");
  CHECK(charts::label_with_band(0.2512, 0.2511, 0.2513, Axis::Share, false) == "25,12% (25,11% to 25,13%)");
  CHECK(charts::label_with_band(1500, 1200, 1800, Axis::Euro, false) == "\u20AC 1.500 (1.200 to 1.800)");
}

TEST_CASE("a tooltip's interval of no width over runs that differ is not 'the same in all runs'",
          "[output]") {
  // 100 runs, 98 of them 5 and two 4, as the table's case above: mean 4.98, the 2.5 to 97.5 percentiles
  // both 5 (type 7: between the 3rd and 4th lowest). The point says the runs differ; the tooltip prints
  // the interval as the tables do, without widening decimals that would show no spread anyway.
  std::vector<double> runs(98, 5.0);
  runs.push_back(4);
  runs.push_back(4);
  SeriesPoint p;
  REQUIRE(summarise_point(runs, p));
  REQUIRE(p.lo == 5);
  REQUIRE(p.hi == 5);
  CHECK_FALSE(p.same_in_all);
  CHECK(charts::label_with_band(p.mean, p.lo, p.hi, charts::Axis::Decimal1, p.same_in_all) ==
        "5,0 (5,0 to 5,0)");
  // Every run 5: the same in all.
  REQUIRE(summarise_point(std::vector<double>(100, 5.0), p));
  CHECK(p.same_in_all);
  CHECK(charts::label_with_band(p.mean, p.lo, p.hi, charts::Axis::Decimal1, p.same_in_all) ==
        "5,0 (same in all runs)");
  // Fewer than 40 runs the band is the lowest to the highest: no width means the same in all.
  REQUIRE(summarise_point({2.0, 2.0, std::nan("")}, p));
  CHECK(p.same_in_all);
}

TEST_CASE("a decision's table is headed as the decision, not as its comparator's scenario", "[output]") {
  // "scenario: baseline-velve" headed the pilot's acceptability curves (a policy advisor's reading).
  Report r;
  r.command = "compare";
  Table a;
  a.id = "acceptability";
  a.title = "How sure can we be?";
  a.scenario = "base";
  a.columns = {{"p_base", "base"}};
  a.rows.push_back({"wtp_0", "€ 0", {Cell::of_value(0.5, Unit::Share)}, 0});
  r.tables.push_back(a);
  Table s = a;
  s.id = "agencies";
  r.tables.push_back(s);
  const std::string out = render_table(r, {120, {"economics", "agencies", "other"}});
  CHECK(out.find("decision: base (the comparator) and the options compared with it") != std::string::npos);
  CHECK(out.find("scenario: base\n") != std::string::npos);  // a scenario's own table keeps its heading
}

TEST_CASE("In short says which option is the best at which willingness to pay, from the efficiency frontier",
          "[output]") {
  // Two scale-ups against one baseline: the baseline dominated, the cheaper scale-up efficient, the dearer
  // one efficient at an ICER of € 14.172 against it. Below that a problem-free household-year is not worth
  // the dearer one's extra cost; above it, it is (a steering group read "best at € 20.000" as settled).
  Report r;
  r.command = "compare";
  r.scenarios = {{"a", "a.yaml", "", "base.yaml", 1, 0, 2, 5, 0, "", 0, 0},
                 {"b", "b.yaml", "", "base.yaml", 1, 0, 2, 5, 0, "", 0, 0},
                 {"base", "base.yaml", "", "", 1, 0, 2, 5, 0, "", 0, 0}};
  for (const char* name : {"a", "b"}) {
    Table t;
    t.id = "headline";
    t.scenario = name;
    t.comparator = "base";
    t.columns = {{"change", "change"}, {"verdict", "in words"}};
    t.rows.push_back({"summary", "in short", {Cell::empty(), Cell::of_text("spends less: Fund")}, 0});
    r.tables.push_back(t);
  }
  Table ce;
  ce.id = "cost_effectiveness";
  ce.scenario = "a, b";
  ce.comparator = "base";
  ce.columns = {{"nmb", "net monetary benefit at € 20.000 (EUR)"}};
  ce.rows.push_back({"a", "a", {Cell::of(interval(556, 429, 683), Unit::Euro)}, 0});
  ce.rows.push_back({"b", "b", {Cell::of(interval(723, 622, 825), Unit::Euro)}, 0});
  r.tables.push_back(ce);
  auto frontier = [](std::vector<std::tuple<const char*, double, const char*, double>> rows) {
    Table f;
    f.id = "efficiency_frontier";
    f.scenario = "base";
    f.columns = {{"cost", "cost"}, {"effect", "effect"}, {"status", "status"}, {"icer", "ICER"}};
    for (const auto& [name, cost, status, icer] : rows)
      f.rows.push_back(
          {name,
           name,
           {Cell::of_value(cost, Unit::Euro), Cell::of_value(1, Unit::Years), Cell::of_text(status),
            std::isnan(icer) ? Cell::empty() : Cell::of_value(icer, Unit::Euro)}});
    return f;
  };
  // Rows in the decision's order (comparator first), not by cost: the words go by cost.
  r.tables.push_back(frontier(
      {{"base", 8072, "dominated", kNaN}, {"b", 8110, "frontier", 14172}, {"a", 7887, "frontier", kNaN}}));
  const auto v = glance_view(r);
  REQUIRE(v);
  REQUIRE(v->choices.size() == 1);
  CHECK(v->choices[0] ==
        "Which option gives the most value for money in base's decision depends on what a problem-free "
        "household-year is worth (the efficiency frontier, on the means): a below € 14.172; b above € 14.172 "
        "(its ICER over a); the scenario files assume € 20.000 (an assumption: no Dutch norm values a "
        "problem-free household-year). The options differ in all their files set (In short gives each one's "
        "description), not in money alone; how often the glance finds each best of its options says how sure "
        "the choice is");
  CHECK(
      render_table(r, {120, {"glance"}}).find("\n  Which option gives the most value for money in base's") !=
      std::string::npos);
  // The base case: that probability is over the households' luck alone, and said so ("5 of 5 runs" read as
  // a settled choice where 40 draws gave 77,5%; an advisor's reading).
  for (ScenarioRef& s : r.scenarios) s.draws = 0;
  CHECK(
      glance_view(r)->choices.at(0).ends_with("not in money alone. How "
                                              "often the glance finds each best of its options is over "
                                              "runs that differ in the households' luck only, not in what "
                                              "the parameters could be: how sure the choice "
                                              "is needs --draws"));
  for (ScenarioRef& s : r.scenarios) s.draws = 5;

  // Three options on the frontier: a band between the two ICERs for the middle one.
  r.tables.back() = frontier(
      {{"base", 100, "frontier", kNaN}, {"a", 200, "frontier", 5000}, {"b", 300, "frontier", 12000}});
  CHECK(
      glance_view(r)->choices ==
      std::vector<std::string>{
          "Which option gives the most value for money in base's decision depends on what a problem-free "
          "household-year is worth (the efficiency frontier, on the means): base below € 5.000; a from "
          "€ 5.000 (its ICER over base) to € 12.000; b above € 12.000 (its ICER over a); the scenario files "
          "assume € 20.000 (an assumption: no Dutch norm values a problem-free household-year). The options "
          "differ in all their files set (In short gives each one's description), not in money alone; how "
          "often the glance finds each best of its options says how sure the choice is"});
  // One efficient option: it is the best at any willingness to pay, and nothing is said.
  r.tables.back() = frontier(
      {{"base", 100, "dominated", kNaN}, {"a", 90, "frontier", kNaN}, {"b", 150, "dominated", kNaN}});
  CHECK(glance_view(r)->choices.empty());
}

TEST_CASE("a planning curve's payers share one euro unit, and a reallocation's cuts and waits are rows of it",
          "[output]") {
  // An advisor read a sweep's "Municipality (EUR million) -2,00" beside "Health insurers (EUR thousand)
  // -527,5", the net benefit without its value of a year, and, for the scale-up without money, a cost flat in
  // the coaches' FTE with no row for the places cut to pay them.
  ScenarioShape shape;
  shape.payers = {
      {"municipality", "Municipality"}, {"health_insurer", "Health insurers"}, {"fund", "Coach fund"}};
  shape.agencies = {{"debt", "Debt counselling"}, {"mental_health", "Mental-health care"}};
  shape.capacity_cut = {true, false};
  SweepResult s;
  s.scenario = "scaleup";
  s.comparator = "base";
  s.parameter = "coaches.fte";
  s.replications = 2;
  s.willingness_to_pay = 20000;
  s.outcomes = standard_outcomes(shape, false);
  for (Outcome& o : capacity_outcomes(shape)) s.outcomes.push_back(std::move(o));
  // Debt counselling is cut, mental-health care is not: one agency's two rows.
  std::vector<std::string> keys;
  for (const Outcome& o : s.outcomes) keys.push_back(o.label.key);
  CHECK(keys == std::vector<std::string>{"inmb", "delta_cost", "delta_effect", "budget:municipality",
                                         "budget:health_insurer", "budget:fund", "places_funded:debt",
                                         "agency_wait:debt"});
  // Each row is the intervention's figure minus the comparator's.
  Measures<double> in, cmp;
  in.agencies.resize(2);
  cmp.agencies.resize(2);
  in.agencies[0].places_funded = 44;
  cmp.agencies[0].places_funded = 300;
  in.agencies[0].wait_weeks = 25.5;
  cmp.agencies[0].wait_weeks = 4.9;
  const DecisionFigures figures(shape, Economics{});
  CHECK(s.outcomes[6].of(in, cmp, figures) == -256);
  CHECK(s.outcomes[7].of(in, cmp, figures) == Approx(20.6));

  // The fund's 35 thousand lies within a factor of 10 of the second value's net benefit of 5.459 a household:
  // like sizes, unlike euros, which the table's groups keep apart (a review: "(EUR million) 0,00 0,01").
  for (double x : {40.0, 160.0})
    s.points.push_back({x,
                        {x == 40 ? test::stat_of(347, 331, 363) : test::stat_of(5459, 5000, 5900),
                         test::stat_of(-150, -883, 583), test::stat_of(0.01, -0.028, 0.047),
                         test::stat_of(-2.0e6, -2.1e6, -1.9e6), test::stat_of(-527.5e3, -600e3, -450e3),
                         test::stat_of(35e3, 35e3, 35e3), test::stat_of(-256, -256, -256),
                         test::stat_of(20.6, -3.6, 44.8)}});
  const std::vector<Table> tables = sweep_tables(s);
  REQUIRE(tables.size() == 1);
  const std::string out = text::layout(text::grid_of(tables[0]), 120);
  INFO(out);
  CHECK(widest(out) <= 120);
  // The values across, the outcomes down; the payers' euros of like size in one unit, the euros per household
  // in theirs.
  CHECK(out.find("discounted budget difference: Health insurers (EUR million)") != std::string::npos);
  CHECK(out.find("-0,53 (-0,60 to -0,45)") != std::string::npos);
  CHECK(out.find("EUR thousand") == std::string::npos);
  CHECK(out.find("net monetary benefit per household at € 20.000 (EUR)") != std::string::npos);
  CHECK(out.find("347 (331 to 363)") != std::string::npos);
  CHECK(out.find("5.459 (5.000 to 5.900)") != std::string::npos);
  CHECK(out.find("discounted budget difference: Coach fund (EUR million)") != std::string::npos);
  CHECK(out.find("places funded: Debt counselling ") != std::string::npos);
  CHECK(out.find("places funded: Debt counselling (places)") == std::string::npos);
  CHECK(out.find("wait at Debt counselling (weeks)") != std::string::npos);
  CHECK(out.find("Mental-health care") == std::string::npos);
  CHECK(tables[0].note.find("The coaches are paid by cutting the places of the agencies named") !=
        std::string::npos);

  // An outcome is read along the parameter, so its values are written alike: a second value whose narrow
  // interval needs two decimals gives the first two too (the caseload read "28,3" beside "28,29").
  s.points[0].outcomes[7] = test::stat_of(28.3, 28.2, 28.4);
  s.points[1].outcomes[7] = test::stat_of(28.29, 28.287, 28.301);
  const std::string along = text::layout(text::grid_of(sweep_tables(s)[0]), 120);
  INFO(along);
  CHECK(along.find("28,30 (28,20 to 28,40)") != std::string::npos);
  CHECK(along.find("28,29 (28,29 to 28,30)") != std::string::npos);
  // Of like size only: a wait of 0,00008 weeks at one value leaves the other's 25,8 as it is (it gave
  // "25,76881 (25,09631 to 26,45934)"; a review).
  s.points[0].outcomes[7] = test::stat_of(0.00008, 0.00001, 0.0002);
  s.points[1].outcomes[7] = test::stat_of(25.76881, 25.09631, 26.45934);
  const std::string unlike = text::layout(text::grid_of(sweep_tables(s)[0]), 120);
  INFO(unlike);
  CHECK(unlike.find("25,8 (25,1 to 26,5)") != std::string::npos);
}

TEST_CASE("the Markdown calibration table gives a target's unit where its label does not", "[output]") {
  const auto target = [](std::string label, std::string unit, double value, double lo, double hi) {
    CalibrationTarget t;
    t.label = std::move(label);
    t.unit = std::move(unit);
    t.value = value;
    t.lo = lo;
    t.hi = hi;
    return t;
  };
  CalibrationTarget helped =
      target("of those with help: not really helped", "share of treatments that ended", 0.46, 0.32, 0.60);
  helped.parsed.kind = TargetMeasure::Kind::Share;
  const CalibrationTarget request = target("weeks from a request to its closing", "weeks", 9, 6, 13);
  const CalibrationTarget spell = target("mean length of a spell", "years (stock over inflow)", 4.7, 3.5, 5);
  const std::string md =
      calibration_markdown({CalibrationRow{&helped, test::stat_of(0.447, 0.439, 0.456), Fit::Inside},
                            CalibrationRow{&request, test::stat_of(16, 15.6, 16.5), Fit::Outside},
                            CalibrationRow{&spell, test::stat_of(4.62, 4.57, 4.68), Fit::Inside}},
                           "s", 5, 5);
  CHECK(md.find("| of those with help: not really helped (share of treatments that ended) | 46.0% (32.0% to "
                "60.0%) |") != std::string::npos);
  CHECK(md.find("| weeks from a request to its closing | 9 (6 to 13) |") != std::string::npos);
  CHECK(md.find("| mean length of a spell, years (stock over inflow) | 4.7 (3.5 to 5) |") !=
        std::string::npos);
}

TEST_CASE("a two-way map's axis titles are in lines that fit beside and under its rows", "[output][charts]") {
  // The words broken at spaces into lines of at most 24 characters beside the rows (60 under them), the key
  // path on a line of its own; three rows high enough for the longest line, "(coaches.activation_per_year)"
  // of 29 characters at 6.5 pixels each: 29 x 6.5 / 3 = 62.8, so 63 pixels a row (the usual 34 is too few).
  const std::vector<std::string> xs = {"61", "76"}, ys = {"0,137", "0,331", "0,525"};
  std::vector<charts::GridCell> cells;
  for (const std::string& x : xs)
    for (const std::string& y : ys) cells.push_back({x, y, "pilot", 0, "pilot", ""});
  const charts::json map =
      charts::preferred_map(cells, xs, ys, {charts::intervention_style("pilot")},
                            "cost of a coach FTE, a year (coaches.cost_per_fte_year)",
                            "coach clients climbing the ladder, a year (coaches.activation_per_year)");
  const charts::json& encoding = map["layer"][0]["encoding"];
  CHECK(encoding["y"]["title"] == charts::json::array({"coach clients climbing", "the ladder, a year",
                                                       "(coaches.activation_per_year)"}));
  CHECK(encoding["x"]["title"] ==
        charts::json::array({"cost of a coach FTE, a year", "(coaches.cost_per_fte_year)"}));
  CHECK(map["height"]["step"] == 63);
  // A title without a key path stays one string, and five rows keep the usual height.
  const std::vector<std::string> five = {"1", "2", "3", "4", "5"};
  const charts::json plain =
      charts::preferred_map({}, xs, five, {charts::intervention_style("pilot")}, "x", "all parameters");
  CHECK(plain["layer"][0]["encoding"]["y"]["title"] == "all parameters");
  CHECK(plain["height"]["step"] == 34);
}

// A figure over draws is the spread of the draws that give it (docs/model.md 14.3): from 40 such draws on
// its percentiles, below that its lowest to highest. In a study of 45 draws whose headline says
// percentiles, a wait defined in 35 of them says that its spread is the lowest to the highest.
TEST_CASE("a figure over fewer draws than percentiles need says its spread is lowest to highest",
          "[output]") {
  auto table_of = [](int n) {
    Table t;
    t.columns = {{"change", "change"}};
    Cell c;
    c.kind = Cell::Kind::Number;
    c.stat.n = n;
    c.stat.mean = 1;
    t.rows.push_back({"wait_x", "x: households wait", {c}});
    return t;
  };
  Table fewer = table_of(35);
  say_fewer_runs(fewer, 45, "draws", "undefined");
  CHECK(fewer.note ==
        "Over fewer runs, undefined: x: households wait: 35 of 45 draws, its lowest to highest.");
  Table all = table_of(45);
  say_fewer_runs(all, 45, "draws", "undefined");
  CHECK(all.note.empty());
  Table few = table_of(20);  // 30 draws: the heading says lowest to highest already
  say_fewer_runs(few, 30, "draws", "undefined");
  CHECK(few.note == "Over fewer runs, undefined: x: households wait: 20 of 30 draws.");
  Table enough = table_of(41);  // 41 of 45: percentiles still
  say_fewer_runs(enough, 45, "draws", "undefined");
  CHECK(enough.note == "Over fewer runs, undefined: x: households wait: 41 of 45 draws.");
}
