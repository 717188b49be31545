#include "wijksim/report/html_report.h"

#include "wijksim/core/atomic_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "wijksim/analysis/cost_effectiveness.h"
#include "wijksim/analysis/evppi.h"
#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/error.h"
#include "wijksim/core/statistics.h"
#include "wijksim/core/test_hooks.h"
#include "wijksim/report/glance_view.h"
#include "wijksim/report/headline.h"
#include "wijksim/report/parameter_words.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_assets.h"
#include "wijksim/report/report_charts.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/report/run_series.h"
#include "wijksim/report/sensitivity_charts.h"
#include "wijksim/report/sensitivity_tables.h"
#include "wijksim/report/table.h"
#include "wijksim/report/terms.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {
namespace {

using json = nlohmann::ordered_json;
using charts::Axis;
using charts::Style;

constexpr const char* kEnDash = "\u2013";
// Agencies whose wait is drawn over time, each in a panel as wide as the page so that it stays readable on
// A4; every agency's wait is in the table above them.
constexpr std::size_t kWaitPanels = 2;

// The coaches' FTE as the run had them: "72 FTE", or with a scale-up schedule (stored among the settings
// in YAML block style, "- year: 0\n  teams: 5\n  fte: 40") each step's, "40 FTE in policy year 1, 64 from
// year 2, 72 from year 3"; the steps that start within the run's `years` policy years. The stored coach_fte
// is the full scale only.
// The coaches' weekly intake limit, where the scenario sets one: below the cap, households also wait once a
// team has taken on its new households of the week (784 waited in a scale-up whose caseload stayed below
// its cap; a policy advisor's reading).
std::string intake_limit_text(const std::vector<std::pair<std::string, std::string>>& settings) {
  for (const auto& [key, value] : settings) {
    if (key != "coaches.new_cases_per_fte_week") continue;
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0' && x > 0)
      return fmt::format(
          ", and below it once a team has taken on its new households of the week ({} per FTE)",
          format_dutch_short(x, 2));
  }
  return "";
}

std::string coach_fte_text(const StoredScenario& s,
                           const std::vector<std::pair<std::string, std::string>>& settings, int run_years) {
  const auto fte = [](double x) { return format_dutch_short(x, 2); };
  const auto schedule = std::find_if(settings.begin(), settings.end(),
                                     [](const auto& kv) { return kv.first == "coaches.schedule"; });
  if (schedule == settings.end()) return fte(s.coach_fte) + " FTE";
  // "key: number" wherever the key stands (plain parsing: std::regex draws GCC 12 warnings in libstdc++).
  const std::string& text = schedule->second;
  const auto numbers_after = [&](const std::string& key) {
    std::vector<double> out;
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + key.size()))
      out.push_back(std::strtod(text.c_str() + at + key.size(), nullptr));
    return out;
  };
  std::vector<int> years;
  for (double y : numbers_after("year: ")) years.push_back(static_cast<int>(y));
  const std::vector<double> ftes = numbers_after("fte: ");
  if (years.size() != ftes.size() || years.size() < 2) return fte(s.coach_fte) + " FTE";
  std::size_t within = 0;  // steps start in increasing years
  while (within < years.size() && years[within] < run_years) ++within;
  if (within <= 1) return fte(ftes[0]) + " FTE";
  std::string out;
  for (std::size_t k = 0; k < within; ++k)
    out += fmt::format("{}{}{} year {}", k == 0 ? "" : ", ", fte(ftes[k]),
                       k == 0 ? " FTE in policy" : " from", years[k] + 1);
  return out;
}

// Whether the scenario pays its coaches by cutting agencies' places (coaches.funding: reallocated).
// `settings` are the scenario's as the store holds them (RunStore::settings): a StoredScenario read with the
// run carries none, and the caption asked it, so it never said that a scale-up's places are cut (advisor
// review 56).
bool cuts_places(const std::vector<std::pair<std::string, std::string>>& settings) {
  return std::any_of(settings.begin(), settings.end(), [](const auto& kv) {
    return kv.first == "coaches.funding" && kv.second == "reallocated";
  });
}

// `text` without the first occurrence of `part` (a sentence for another medium).
std::string without(std::string text, std::string_view part) {
  if (const auto at = text.find(part); at != std::string::npos) text.erase(at, part.size());
  return text;
}

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
      case '\t':
        out += c;  // text in a description
        break;
      default:
        // Anything else printable() would not pass on as it is (a control character, such as an escape
        // written into a stored description, outside attack 12; a direction control in a file name, outside
        // attack 16) is shown as the terminal shows it, not passed into the page.
        const std::size_t n = std::max<std::size_t>(1, utf8_length(s, i));
        out += printable(s.substr(i, n));
        i += n - 1;
    }
  }
  return out;
}

// The terms the output uses (report/terms.h), as How to read lists them: "<em>ICER (...)</em>: the extra
// cost ...".
std::string terms_html() {
  std::string out;
  for (const Term& t : terms()) out += fmt::format("<em>{}</em>: {}. ", esc(t.word), esc(t.meaning));
  return out;
}

// A key path escaped for HTML with a break opportunity after each '.' and '_' (<wbr>), so a narrow column
// breaks it between its parts, not inside a word. (The escapes hold neither character.)
std::string breakable(std::string_view key) {
  std::string out;
  for (char ch : esc(key)) {
    out += ch;
    if (ch == '.' || ch == '_') out += "<wbr>";
  }
  return out;
}

// The page's HTML `html` (no script or style in it) with a break opportunity (<wbr>) after every 24
// characters of a run that has none: no blank space, hyphen or tag (a tag ends a run: <wbr> is one). A name
// or label of 200 letters without a space, whole, kept a table's column 1,660 pixels wide, past the A4 page
// (outside attack 44); a run of ordinary text is far shorter, so the page is otherwise as it was. An escape
// (&amp;) and a UTF-8 sequence are one character each.
std::string with_long_words_breakable(const std::string& html) {
  constexpr int kLongest = 24;
  std::string out;
  out.reserve(html.size());
  int run = 0;  // characters since the last break opportunity
  for (std::size_t i = 0; i < html.size();) {
    const char ch = html[i];
    if (ch == '<') {  // a tag, whole ('>' within an attribute's value is escaped)
      const std::size_t end = html.find('>', i);
      const std::size_t n = end == std::string::npos ? html.size() - i : end - i + 1;
      out.append(html, i, n);
      i += n;
      run = 0;
      continue;
    }
    // An option of the command line ("--draws") is kept whole: the page broke after its "--" at a line's
    // end ("(--" and "draws)." on two lines of A4), which a reader cannot type back.
    std::size_t end = i;
    if (ch == '-' &&
        (i == 0 || std::isspace(static_cast<unsigned char>(html[i - 1])) || html[i - 1] == '(' ||
         html[i - 1] == '>') &&
        i + 2 < html.size() && html[i + 1] == '-' && std::islower(static_cast<unsigned char>(html[i + 2]))) {
      end = i + 2;
      while (end < html.size() && (std::islower(static_cast<unsigned char>(html[end])) ||
                                   std::isdigit(static_cast<unsigned char>(html[end])) || html[end] == '-'))
        ++end;
    }
    // (An option is short; a longer run, such as a name a user gave, keeps its break opportunities.)
    if (ch == '-' && end > i + 2 && end - i <= 32) {
      out += "<span class=\"nobr\">";
      out.append(html, i, end - i);
      out += "</span>";
      run = 0;
      i = end;
      continue;
    }
    // "€ 20.000" keeps its sign with its number: a line of the A4 page broke between them (advisor review
    // 56). Here, in the page's text only: in an attribute (a scenario's name in data-scenario) the name
    // must stay as stored (outside attack 60).
    if (html.compare(i, 4, "€ ") == 0 && i + 4 < html.size() &&
        (std::isdigit(static_cast<unsigned char>(html[i + 4])) || html[i + 4] == '-')) {
      out += "€&nbsp;";
      i += 4;
      run += 2;
      continue;
    }
    std::size_t n = 1;
    if (ch == '&') {
      if (const std::size_t semi = html.find(';', i); semi != std::string::npos && semi - i <= 10)
        n = semi - i + 1;
    } else {
      n = std::max<std::size_t>(utf8_length(html, i), 1);
    }
    if (std::isspace(static_cast<unsigned char>(ch))) {
      run = 0;
    } else if (run == kLongest) {
      out += "<wbr>";
      run = 0;
    }
    out.append(html, i, n);
    i += n;
    if (!std::isspace(static_cast<unsigned char>(ch))) ++run;
    if (ch == '-') run = 0;
  }
  return out;
}

std::string plural(int n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// ---- The run's stored tables (its JSON report, render.h) ----

constexpr auto& at = json_member;
constexpr auto& text_of = json_text;

// A stored cell back as the table model's Cell, so it prints exactly as `wijksim show` prints it.
Cell cell_of(const json& j) {
  return cell_from_json(j);
}

class StoredTables {
 public:
  explicit StoredTables(const std::string& text) : report_(json::parse(text)) {}

  // The table `id` about `scenario` (and, for a difference, `comparator`); nullptr when the run has none.
  const json* table(const std::string& id, const std::string& scenario,
                    const std::string& comparator = "") const {
    for (const json& t : at(report_, "tables"))
      if (text_of(at(t, "id")) == id && text_of(at(t, "scenario")) == scenario &&
          text_of(at(t, "comparator")) == comparator)
        return &t;
    return nullptr;
  }
  // The cost-effectiveness table lists a decision's interventions in one table: find it by comparator.
  const json* decision_table(const std::string& id, const std::string& comparator) const {
    for (const json& t : at(report_, "tables"))
      if (text_of(at(t, "id")) == id && text_of(at(t, "comparator")) == comparator) return &t;
    return nullptr;
  }
  // Whether the run holds a table `id` of any scenario.
  bool has(const std::string& id) const {
    for (const json& t : at(report_, "tables"))
      if (text_of(at(t, "id")) == id) return true;
    return false;
  }

 private:
  json report_;
};

const json* row_of(const json* table, const std::string& key) {
  if (!table) return nullptr;
  for (const json& r : at(*table, "rows"))
    if (text_of(at(r, "key")) == key) return &r;
  return nullptr;
}

// The key of an acceptability table's row nearest the scenario's threshold `wtp` (the grid holds it; with a
// drawn threshold, its mean); "" without such a row.
std::string threshold_row(const json* acceptability, double wtp) {
  std::string threshold;
  double nearest = std::numeric_limits<double>::infinity();
  if (acceptability)
    for (const json& r : at(*acceptability, "rows")) {
      const std::string key = text_of(at(r, "key"));
      if (!key.starts_with("wtp_")) continue;
      const double gap = std::fabs(std::stod(key.substr(4)) - wtp);
      if (gap < nearest) nearest = gap, threshold = key;
    }
  return threshold;
}

// The rows of a stored table, in order (none without the table).
std::vector<const json*> rows_of(const json* table) {
  std::vector<const json*> out;
  if (table)
    for (const json& r : at(*table, "rows")) out.push_back(&r);
  return out;
}

const json* cell_json(const json* table, const std::string& row, const std::string& column) {
  const json* r = row_of(table, row);
  if (!r) return nullptr;
  const json& c = at(at(*r, "cells"), column.c_str());
  return c.is_null() ? nullptr : &c;
}

struct Value {
  double mean = kNaN, lo = kNaN, hi = kNaN;
  std::string text;  // as the tables print it
};

Value value_of(const json* table, const std::string& row, const std::string& column) {
  Value v;
  if (const json* c = cell_json(table, row, column)) {
    const Cell cell = cell_of(*c);
    v.mean = cell.stat.mean;
    v.lo = cell.stat.lo;
    v.hi = cell.stat.hi;
    v.text = format_cell(cell);
  }
  return v;
}

// A stored figure in the page: its text as the tables print it, and where it comes from, so a reader (and
// the report's test) can trace it to the stored table.
// A cell as format_cell writes it, in the euro scale of its column (text::euro_scale of the column's cells),
// as the terminal's table writes it: "€ 0,0 (0,0 to 0,2)" beside "€ 0,00 (0,00 to 0,05)" in one column of
// the EVPPI table read as different precisions (an analyst's reading). In thousands or millions each cell
// names its own unit.
std::string format_in_column(const Cell& c, text::EuroScale column) {
  if (c.unit != Unit::Euro || (column != text::EuroScale::Euro && column != text::EuroScale::Cents))
    return format_cell(c);
  const text::CellText t = text::cell_text(c, column);
  if (c.kind != Cell::Kind::Number || t.value == "n/a") return t.value;
  return "\u20AC " + text::one_line(t);
}

std::string figure(const json* table, const std::string& row, const std::string& column,
                   std::optional<text::EuroScale> scale = std::nullopt) {
  const json* c = cell_json(table, row, column);
  if (!c) return "<span class=\"missing\">not in the stored tables</span>";
  const Cell cell = cell_of(*c);
  std::string attrs = fmt::format(
      " data-table=\"{}\" data-scenario=\"{}\" data-comparator=\"{}\" data-row=\"{}\" data-column=\"{}\"",
      esc(text_of(at(*table, "id"))), esc(text_of(at(*table, "scenario"))),
      esc(text_of(at(*table, "comparator"))), esc(row), esc(column));
  if (cell.kind == Cell::Kind::Number && !std::isnan(cell.stat.mean))
    attrs += fmt::format(" data-value=\"{}\"", cell.stat.mean);
  // A counted probability may break at its words ("100,0% (20 of 20 draws; 95%: at least 83,2%)" held a
  // nowrap column past the A4 body).
  return fmt::format("<span class=\"figure{}\"{}>{}</span>", cell.counted.empty() ? "" : " counted", attrs,
                     esc(scale ? format_in_column(cell, *scale) : format_cell(cell)));
}

std::string note_of(const json* table) {
  return table ? text_of(at(*table, "note")) : std::string();
}

// ---- The page ----

struct EvaluationPoint {
  int option = 0;
  std::int64_t draw = 0, replication = 0;
  double cost = 0, effect = 0;
};

class ReportWriter {
 public:
  ReportWriter(const RunStore& store, std::int64_t run);
  std::string page();

 private:
  const StoredScenario& scenario(int index) const { return scenarios_[static_cast<std::size_t>(index)]; }
  const ScenarioSeries& series(int index);
  // A chart under its question. `caption` says in one sentence what it shows; `detail` how to read it (the
  // bands, the scales, the stored table's note), in a smaller note under the caption.
  void chart(const std::string& question, const std::string& caption, json spec, const std::string& kind,
             const std::string& scenario, const std::string& detail = "");

  void header();
  void intervention(const StoredScenario& s, const StoredScenario& c);
  void standalone(const StoredScenario& s);
  void decision(const StoredScenario& c, const std::vector<int>& options);
  void overview();
  void frontier(const StoredScenario& c, const std::vector<int>& options);
  void evpi(const StoredScenario& c);
  std::string draws_from_sets() const;
  void glance(const StoredScenario& s, const StoredScenario& c);
  void how_to_read();
  std::string runs_text() const;
  void in_short();
  void money(const StoredScenario& s, const StoredScenario* c);
  void services(const StoredScenario& s, const StoredScenario* c);
  void agency_waits(const StoredScenario& s, const StoredScenario* c);
  void households(const StoredScenario& s, const StoredScenario* c);
  void targets(const StoredScenario& s, const StoredScenario* c);
  void value(const StoredScenario& s, const StoredScenario& c);
  // Sensitivity (report/sensitivity_tables.h, drawn in report/sensitivity_charts.h): per intervention the
  // tornado, its thresholds and the virtual survey; per decision the PSA's curves, EVPPI and the two-way
  // maps.
  void assumptions_that_decide(const StoredScenario& s, const StoredScenario& c);
  void decision_sensitivity(const StoredScenario& c, const std::vector<int>& options);
  void assumptions(const StoredScenario& s, const StoredScenario* c);
  void reproduce();

  std::vector<charts::Line> lines(const StoredScenario& s, const StoredScenario* c,
                                  Series ScenarioSeries::*member);
  std::string years_text() const { return plural(info_.years, "policy year", "policy years"); }
  // Runs of each scenario: parameter draws times replications.
  int run_count() const { return std::max(1, info_.draws) * info_.replications; }
  // A caption's words for the intervals it shows: one run has none (the captions claimed them; outside
  // attack 10).
  std::string interval_words(const std::string& what) const {
    return run_count() == 1 ? std::string("one run, so no interval") : what;
  }
  // What the money figures' intervals are over (the tables' notes say it too): with parameter draws their
  // spread, from fewer than kPercentileDraws the lowest to the highest (captions said "95% interval" of 4
  // draws' range; outside attack 18), else the interval of the mean over replications.
  std::string money_interval() const {
    // One draw is summarised over its replications, as the base case (14.7).
    if (info_.draws <= 1) return "the 95% interval of the mean over replications";
    return info_.draws >= kPercentileDraws
               ? std::string("the 2,5th to 97,5th percentiles over the parameter draws")
               : fmt::format(
                     "the lowest to the highest of the {} parameter draws (too few for a 95% interval)",
                     info_.draws);
  }
  // The same in a tooltip's title: under parameter draws the tooltips said "95% interval" of the lowest to
  // the highest draw (an independent check).
  std::string money_interval_title() const {
    if (info_.draws <= 1) return "95% interval";
    return info_.draws >= kPercentileDraws ? "2,5th to 97,5th percentile of the draws"
                                           : "lowest to highest draw";
  }
  // What a series' band holds, as spread_of_draws takes it over the runs.
  std::string band_text() const {
    return run_count() >= kPercentileDraws
               ? std::string("Band: 95% of runs.")
               : fmt::format("Band: the lowest to the highest of the {} runs.", run_count());
  }

  const RunStore& store_;
  RunInfo info_;
  std::vector<StoredScenario> scenarios_;
  std::vector<StoredLabel> payers_, agencies_;
  // The run's stored JSON, read once: as JSON for the tables the charts draw from, and as a Report for what
  // the terminal's views say (the side-by-side overview, the scenarios' parameter sets).
  const std::string stored_json_;
  StoredTables tables_;
  const Report stored_report_;
  std::map<int, ScenarioSeries> series_;
  std::string body_, contents_;
  // Scenarios whose targets are already in the report: a comparator of two scale-ups is shown once, then
  // referred to (its three pages were printed twice).
  std::set<std::string> targets_shown_;
  json charts_ = json::array();
};

RunInfo checked_run(const RunStore& store, std::int64_t run) {
  const Location where{store.path(), 0, 0};
  for (const RunInfo& r : store.runs()) {
    if (r.id != run) continue;
    store.refuse_damaged(r);
    // A calibration's results are its candidates, posterior and fit, which `show` prints; the report's
    // sections (money, households, services over policy years) would describe a base case it never ran.
    // Said first: an unfinished one was promised a report once completed (outside attack 31).
    if (r.command == "calibrate")
      throw InputError(
          {{where, "run",
            fmt::format("run {} is a calibration: `wijksim show {} --store {}` prints its posterior "
                        "and fit, and its sets file holds the parameter sets; the report is for "
                        "run and compare",
                        run, run, shell_word(store.path()))}});
    if (r.status != "complete")
      throw InputError({{where, "run", store.why_unfinished(r, "has no report yet")}});
    return r;
  }
  throw InputError({{where, "run",
                     fmt::format("the store has no run {} (`wijksim runs --store {}` lists them)", run,
                                 shell_word(store.path()))}});
}

ReportWriter::ReportWriter(const RunStore& store, std::int64_t run)
    : store_(store),
      info_(checked_run(store, run)),
      scenarios_(store.scenarios(run)),
      payers_(store.payers(run)),
      agencies_(store.agencies(run)),
      stored_json_(store.report(run, "json")),
      tables_(stored_json_),
      stored_report_(report_from_json(stored_json_)) {}

const ScenarioSeries& ReportWriter::series(int index) {
  auto it = series_.find(index);
  if (it == series_.end()) it = series_.emplace(index, read_series(store_, info_.id, scenario(index))).first;
  return it->second;
}

void ReportWriter::chart(const std::string& question, const std::string& caption, json spec,
                         const std::string& kind, const std::string& scenario, const std::string& detail) {
  const std::string id = fmt::format("chart-{}", charts_.size() + 1);
  // A chart whose height grows with its rows (a tornado, EVPPI per parameter) may take most of a printed
  // page: scaled down to the usual share of one it would be too small to read.
  const bool grows = spec.contains("height") && spec["height"].is_object();
  spec["usermeta"] = {{"kind", kind}, {"scenario", scenario}};
  body_ += fmt::format(
      "<figure class=\"chart-figure\">\n<h4>{}</h4>\n<div class=\"chart\" id=\"{}\" data-kind=\"{}\" "
      "data-scenario=\"{}\"{}></div>\n<figcaption>{}</figcaption>\n{}</figure>\n",
      esc(question), id, esc(kind), esc(scenario), grows ? " data-height=\"rows\"" : "", esc(caption),
      detail.empty() ? "" : fmt::format("<p class=\"chart-note\">{}</p>\n", esc(detail)));
  charts_.push_back({{"id", id}, {"spec", std::move(spec)}});
}

std::vector<charts::Line> ReportWriter::lines(const StoredScenario& s, const StoredScenario* c,
                                              Series ScenarioSeries::*member) {
  std::vector<charts::Line> out;
  out.push_back({charts::intervention_style(s.name), series(s.index).*member});
  if (c) out.push_back({charts::comparator_style(c->name), series(c->index).*member});
  return out;
}

// "5 replications, base case (no parameter draws)", "200 parameter draws × 2 replications".
std::string ReportWriter::runs_text() const {
  return info_.draws > 0
             ? fmt::format("{} \u00D7 {}", plural(info_.draws, "parameter draw", "parameter draws"),
                           plural(info_.replications, "replication", "replications"))
             : fmt::format("{}, base case (no parameter draws)",
                           plural(info_.replications, "replication", "replications"));
}

void ReportWriter::header() {
  std::vector<std::string> named;
  for (const StoredScenario& s : scenarios_)
    if (s.role != "comparator")
      named.push_back(s.comparator >= 0 ? s.name + " vs " + scenario(s.comparator).name : s.name);
  std::string what;
  for (const std::string& n : named) what += (what.empty() ? "" : ", ") + n;
  const std::string runs = runs_text();
  body_ += fmt::format(
      "<header>\n<p class=\"kicker\">wijksim report</p>\n<h1>Neighbourhood coaches compared with "
      "today's fragmented help</h1>\n<p class=\"lede\">{}</p>\n<p class=\"meta\">Run {} of <code>{}</code> "
      "&middot; {} &middot; {} &middot; seed {} &middot; wijksim {} &middot; finished {}</p>\n</header>\n",
      esc(what), info_.id, esc(store_.path()), esc(years_text()), esc(runs), info_.seed, esc(info_.version),
      esc(info_.finished_at));
}

// How to read the figures and charts: after the answer (a steering group's first page held only the title
// and this; a policy advisor's reading), before the details it explains.
void ReportWriter::how_to_read() {
  const std::string runs = runs_text();
  const bool sensitivity =
      tables_.has("tornado") || tables_.has("two_way") || tables_.has("thresholds") || tables_.has("one_way");
  contents_ += "<li><a href=\"#how-to-read\">How to read this report</a></li>\n";
  const bool compared = std::any_of(scenarios_.begin(), scenarios_.end(),
                                    [](const StoredScenario& s) { return s.comparator >= 0; });
  const std::string comparison =
      compared
          ? "<li>Each coach scenario is compared with its <em>comparator</em>, today's fragmented help, on "
            "the "
            "same households with the same random numbers, so most of the households' luck cancels in a "
            "difference between them; what remains (a place given to one household changes what happens to "
            "others later) is in its interval.</li>\n<li><span class=\"key key-blue\"></span> Blue, solid: "
            "the coach "
            "scenario. "
            "<span class=\"key key-orange\"></span> Orange, dashed: its comparator. (A chart of differences, "
            "such as who pays and who saves, has its own legend, and a chart of a decision between several "
            "coach scenarios, such as which option is the best, gives each its own colour in its legend.)"
            "</li>\n"
          : "<li>This run compares nothing: each scenario is shown on its own (<code>wijksim compare</code> "
            "runs each with its comparator and adds who pays, who saves, payback and value for "
            "money).</li>\n";
  const std::string bands =
      compared
          ? " Runs differ in their households, so the bands of a scenario and its comparator overlap even "
            "where the difference between them is clear: each run compares the two on the same "
            "households, and <em>At a glance</em> gives each difference with its own interval."
          : "";
  body_ += fmt::format(
      "<section class=\"how-to-read\" id=\"how-to-read\">\n<h2 class=\"plain\">How to read this "
      "report</h2>\n<ul>\n{}"
      "<li>Lines over time are the mean over all {} runs ({}); the light band around a line {}.{} "
      "A chart of a difference, such as when a scenario pays back, shows instead the interval its caption "
      "names: the 95% interval of the mean, or with parameter draws for money the spread over the draws. "
      "Whiskers on bars and figures in brackets are the interval that the caption names; &ldquo;(same in all "
      "runs)&rdquo; after a figure: it was the same in every run, or "
      "parameter draw, it is over, so it has no interval. An end marked * in a table or a sentence is cut at "
      "what the figure can be (a wait's difference at minus the comparator's mean wait): the plain interval "
      "went past it. A bar's tooltip quotes the table, with its *; a whisker or a band does not mark it, and "
      "the bands of figures over time, a spread of the runs, are never cut.</li>\n"
      "<li>The effect measure is the <em>problem-free household-year</em>: a household that has no active "
      "problem for a whole year counts as one. &ldquo;Worth the money&rdquo; compares the extra cost with "
      "what the scenario says society is willing to pay for one such year.</li>\n"
      "<li>Euros in Dutch notation: &euro;&nbsp;1.234.567; &ldquo;mln&rdquo; is million. "
      "&ldquo;Discounted&rdquo; "
      "follows the Dutch guideline for economic evaluations, as each caption states.</li>\n"
      "{}<li><strong>Terms.</strong> {}</li>\n"
      "<li class=\"screen-only\">Point at a chart for its exact numbers.</li>\n</ul>\n</section>\n",
      comparison, run_count(), esc(runs),
      run_count() >= kPercentileDraws
          ? "holds 95% of the runs (from the 2,5th to the 97,5th percentile)"
          : fmt::format("spans the lowest to the highest of the {} runs (95% of fewer than {} runs would be "
                        "less than one run at each end)",
                        run_count(), kPercentileDraws),
      bands,
      info_.draws > 0
          ? draws_from_sets()
          : std::string(
                "<li><strong>Chance only.</strong> This run has no parameter draws: every interval and every "
                "&ldquo;k of n runs&rdquo; is over its replications, the households' luck, with each "
                "parameter at the scenario's value. The means themselves are the base case's: with the "
                "parameters drawn they may move, not only spread. ") +
                // (A steering group read a base case's EUR 5,5 million as the answer where 40 draws gave
                // 9,5 million.)
                // With a sensitivity analysis the report has it (it said "not assessed here" above a
                // tornado; outside attack 41).
                (sensitivity ? "How much the answer depends on those values is assessed one or two at a "
                               "time under <em>Which assumptions decide it?</em>, not jointly "
                               "(<code>--draws N</code> draws them all at once).</li>\n"
                             : "How much the answer depends on those values is not assessed here "
                               "(<code>--draws N</code> draws them; <code>--sensitivity</code> varies them "
                               "one at a time).</li>\n"),
      terms_html());
}

// Where the draws' values come from when a calibrated sets file gives some (as `show` says under Scenarios):
// the file replaces the scenario files' values of its parameters in every draw, which the files do not show.
std::string ReportWriter::draws_from_sets() const {
  std::map<std::string, std::vector<const ScenarioRef*>> by_file;
  for (const ScenarioRef& r : stored_report_.scenarios)
    if (!r.sets_file.empty()) by_file[r.sets_file].push_back(&r);
  std::string out;
  for (const auto& [file, refs] : by_file) {
    std::string names;
    for (const ScenarioRef* r : refs) names += (names.empty() ? "" : " and ") + esc(r->name);
    out += fmt::format(
        "<li><strong>Parameter draws.</strong> In each draw {} {} the values of {} parameters from one of "
        "the "
        "{} calibrated sets in <code>{}</code>{}; the other uncertain parameters are drawn from the scenario "
        "files. The base case keeps the files' own values.</li>\n",
        names, refs.size() == 1 ? "takes" : "take", refs.front()->set_parameters, refs.front()->sets,
        esc(file), refs.size() == 1 ? "" : " (the same set)");
  }
  return out;
}

void ReportWriter::glance(const StoredScenario& s, const StoredScenario& c) {
  const json* ce = tables_.decision_table("cost_effectiveness", c.name);
  const json* impact = tables_.table("budget_impact", s.name, c.name);
  const json* who = tables_.table("who_pays_who_saves", s.name, c.name);
  const json* caseload = tables_.table("caseload", s.name);
  const json* headline = tables_.table("headline", s.name, c.name);
  std::string pays, saves;
  if (who)
    for (const json& r : at(*who, "rows")) {
      const std::string role = text_of(at(at(at(r, "cells"), "role"), "text"));
      // Only a payer whose interval excludes zero is said to pay or save, as in the tables.
      if (role != "pays" && role != "saves") continue;
      std::string& list = role == "saves" ? saves : pays;
      list += (list.empty() ? "" : ", ") + esc(text_of(at(r, "label")));
    }
  std::string items;
  auto item = [&](const std::string& term, const std::string& html) {
    items += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", esc(term), html);
  };
  // Society's view leaves transfers out (a benefit paid is a cost to the payer, income to the household);
  // the pay-back below is the payers' cash, transfers in: the two can differ in sign, and each says which.
  // Over the period (a reader took the cost for a year's beside the calibration's euros a year).
  const std::string period =
      info_.years == 1 ? "policy year 1" : fmt::format("policy years 1-{} together", info_.years);
  item(fmt::format("Extra cost per household, society's view: transfers left out ({}, discounted)", period),
       figure(ce, s.name, "delta_cost"));
  item(fmt::format("Extra problem-free years per household ({}, discounted)", period),
       figure(ce, s.name, "delta_effect"));
  // "Dominant" beside agencies' waits that grow: said in the same row, as the terminal's glance does
  // (advisor review 56).
  double wait_growth = std::numeric_limits<double>::quiet_NaN();
  for (const Table& t : stored_report_.tables)
    if (t.id == "headline" && t.scenario == s.name && t.comparator == c.name)
      wait_growth = largest_wait_growth(t);
  const bool waits_longer = !std::isnan(wait_growth);
  // Both ICERs, the problem-free one and the quality-adjusted one, which was left bare at first.
  const auto icer = [&](const std::string& key) {
    return figure(ce, s.name, key) + (waits_longer && value_of(ce, s.name, key).text.starts_with("dominant")
                                          ? fmt::format(", yet households wait longer at agencies, by up "
                                                        "to {} weeks (below)",
                                                        format_dutch(wait_growth, 1))
                                          : "");
  };
  item("Cost per extra problem-free household-year", icer("icer"));
  // Where the scenarios weigh a household-week by its problems (economics.utility_by_problems), the
  // quality-adjusted figures beside them, as the terminal's cost-effectiveness table has them.
  if (cell_json(ce, s.name, "delta_qaly")) {
    item(fmt::format("Extra quality-adjusted years per household ({}, discounted)", period),
         figure(ce, s.name, "delta_qaly"));
    // Its threshold is not the scenario's willingness to pay, which is for a problem-free year: said in the
    // label, as € 20.687 two rows from € 20.000 read as "just not cost-effective" (a policy advisor's
    // reading).
    item("Cost per extra quality-adjusted household-year (not judged: no willingness to pay is set for it)",
         icer("icer_qaly"));
  }
  // At the comparator's willingness to pay, said in each label as the terminal's glance says it: without
  // it, "worth the money" read as a verdict rather than one at an assumed price (advisor review 56).
  const std::string at_wtp =
      fmt::format("at {} per problem-free household-year", format_euros_as_given(c.willingness_to_pay));
  item(fmt::format("Net monetary benefit per household {}", at_wtp), figure(ce, s.name, "nmb"));
  // Without draws a count of runs, named so: "Probability it is worth the money" beside "5 of 5 runs" read
  // as a certainty the terminal's wording does not claim (advisor review of 2026-12-06).
  const bool draws = info_.draws > 0;
  const char* how_often = draws ? "Probability it" : "Runs in which it";
  item(draws ? fmt::format("{} is worth the money {} (over the parameter draws)", how_often, at_wtp)
             : fmt::format("{} is worth the money {} (they differ in the households' luck only: no parameter "
                           "draws)",
                           how_often, at_wtp),
       figure(ce, s.name, "p_cost_effective"));
  // Worth the money against the comparator, and yet not the choice where the decision has other options:
  // the unfunded scale-up's 100% beside being best in 6 of 30 draws, which only the side-by-side table
  // said (a policy advisor's reading of a PSA).
  if (cell_json(ce, s.name, "p_best"))
    item(fmt::format("{} is the best of its options {} (all compared with {}; {})", how_often, at_wtp, c.name,
                     draws ? "over the parameter draws"
                           : "runs differ in the households' luck only: no parameter draws"),
         figure(ce, s.name, "p_best"));
  // Of the extra cost above, society's view: beside the pay-back's cash below it read as a second answer to
  // one question (22% against 49%; a policy advisor's reading of a PSA).
  item(fmt::format("{} saves money (society's view, as the extra cost above)", how_often),
       figure(ce, s.name, "p_cost_saving"));
  item("Does it pay back? (all payers' cash, transfers included, discounted)",
       figure(impact, "cumulative", "total"));
  // One run has no interval, so no payer is clearly paying or saving: said so, not "nobody" (outside attack
  // 11).
  const std::string none = run_count() == 1 ? "no interval (one run)" : "nobody";
  // From few draws, whose range is the interval, a payer pays or saves in every draw: said as a count, as
  // the terminal says it (outside attack 20).
  const std::string in_all =
      info_.draws > 1 && few_runs(info_.draws) ? fmt::format(" (all {} draws)", info_.draws) : std::string();
  item("Who pays more in cash", pays.empty() ? none : pays + in_all);
  item("Who spends less", saves.empty() ? none : saves + in_all);
  // Cash is half of it: coaches paid by reallocation cost no payer more, but agencies' places are cut and
  // their queues grow (the headline table's rows, as the terminal's "In short" says them).
  if (headline) {
    std::string payer, cut, longer;
    for (const json& r : at(*headline, "rows")) {
      const std::string key = text_of(at(r, "key"));
      const std::string verdict = text_of(at(at(at(r, "cells"), "verdict"), "text"));
      // The agency a "funded_KEY" or "wait_KEY" row is about, by its key in the store's list of agencies.
      const auto name = [&] {
        const std::string agency = key.substr(key.find('_') + 1);
        for (const StoredLabel& a : agencies_)
          if (a.key == agency) return a.label;
        return agency;
      };
      if (key == "coach_payer") payer = esc(verdict);
      // One agency a line. A cut that is the same in every run (the reallocation's arithmetic) is its
      // number alone, not "-461 (-461 to -461)".
      if (key.starts_with("funded_")) {
        const Value v = value_of(headline, key, "change");
        cut += fmt::format(
            "{}{}: {}", cut.empty() ? "" : "<br>", esc(name()),
            v.lo == v.hi ? esc(v.text.substr(0, v.text.find(" ("))) : figure(headline, key, "change"));
      }
      if (key.starts_with("wait_") && verdict == kWaitLonger)
        longer += fmt::format("{}{}: +{}", longer.empty() ? "" : "<br>", esc(name()),
                              figure(headline, key, "change"));
    }
    // Where places are cut, they say who pays for the coaches.
    if (!payer.empty() && cut.empty()) item("Who pays for the coaches", payer);
    if (!cut.empty())
      item("Paid for by cutting agencies' places (places funded, mean over the policy weeks)", cut);
    item("Households wait longer at (weeks, difference)", !longer.empty()    ? longer
                                                          : run_count() == 1 ? none
                                                                             : std::string("no agency"));
  }
  if (caseload) {
    item(fmt::format("Households per coach FTE (norm {}, cap {})", format_dutch(s.caseload_norm_per_fte, 0),
                     format_dutch(s.caseload_cap_per_fte, 0)),
         figure(caseload, "caseload_mean", "value"));
    item("Team-weeks above the caseload norm", figure(caseload, "above_norm", "value"));
    // From the headline table where there is one, over the draws as the places and waits above (a policy
    // advisor read 13,0 (8,1 to 19,4) side by side and 13,0 (11,7 to 14,5) here).
    item("Wait for a coach (weeks)", headline && cell_json(headline, "coach_wait", "change")
                                         ? figure(headline, "coach_wait", "change")
                                         : figure(caseload, "coach_wait_weeks", "value"));
  }
  item("Escalations per 1.000 households per year (difference)", figure(ce, s.name, "escalations"));
  item("Ladder rungs gained per household (difference)", figure(ce, s.name, "rungs"));
  body_ += fmt::format(
      "<section class=\"glance\">\n<h3>At a glance</h3>\n<table class=\"glance\">\n{}</table>\n<p "
      "class=\"note\">"
      "{}; differences are {} minus {}, the coaches' figures (households per FTE, team-weeks above the "
      "norm, the wait for a coach) {}'s own levels; from the run's stored tables. "
      "{}</p>\n</section>\n",
      items,
      interval_words(info_.draws == 0
                         ? "Mean with its 95% interval of the mean over replications in brackets"
                         : fmt::format("Mean with its interval in brackets: for money, value for money, "
                                       "escalations, rungs, places, waits and the wait for a coach {}; for "
                                       "households per coach FTE and team-weeks above the norm the 95% "
                                       "interval of the mean over runs",
                                       money_interval())),
      esc(s.name), esc(c.name), esc(s.name), esc(note_of(ce) + [&] {
        // As the terminal's glance says it (headline.h): a comparator short of its steady state.
        const std::string words = short_of_steady_state(stored_report_.tables, c.name);
        return words.empty() ? words : " " + words;
      }()));
}

namespace {

// Columns of figures an A4 page holds beside a column of labels ("€ -101,54 → -46,01" each).
constexpr std::size_t kColumnsOnA4 = 3;

// A stored table as HTML tables, every cell as the tables print it (the one-way and virtual-survey tables); a
// table of more columns than fit on A4 is split into groups of columns, the row labels repeated in each.
// `one_euro_scale`: its euros all in the one unit the largest needs, named in each column's head, as the
// terminal's table writes a budget ("€ -17.922 (-339.532 to 303.687)" beside "€ -2.111.656 ..." asked a
// reader to count digits).
std::string html_table(const json* t, const std::string& first, bool one_euro_scale = false) {
  if (!t) return "";
  const json& columns = at(*t, "columns");
  // PerCell: each cell as format_cell writes it, naming its own unit.
  text::EuroScale scale = text::EuroScale::PerCell;
  if (one_euro_scale) {
    std::vector<Cell> cells;
    for (const json& r : at(*t, "rows"))
      for (const json& col : columns)
        if (const json& c = at(at(r, "cells"), text_of(at(col, "key")).c_str()); !c.is_null())
          cells.push_back(cell_of(c));
    std::vector<const Cell*> all;
    for (const Cell& c : cells) all.push_back(&c);
    scale = text::euro_scale(all);
  }
  const bool scaled = scale != text::EuroScale::PerCell;
  auto cell_text = [&](const Cell& c) {
    if (!scaled || c.unit != Unit::Euro || c.kind != Cell::Kind::Number) return format_cell(c);
    const text::CellText x = text::cell_text(c, scale);
    return x.value == "n/a" ? x.value : text::one_line(x);
  };
  std::string out;
  for (std::size_t from = 0; from < columns.size(); from += kColumnsOnA4) {
    const std::size_t to = std::min(columns.size(), from + kColumnsOnA4);
    std::string head = fmt::format("<th>{}</th>", esc(first)), body;
    for (std::size_t k = from; k < to; ++k) {
      const std::string label = text_of(at(columns[k], "label"));
      head +=
          fmt::format("<th class=\"num\">{}</th>", esc(scaled ? text::with_euro_unit(label, scale) : label));
    }
    for (const json& r : at(*t, "rows")) {
      body += fmt::format("<tr><td>{}</td>", breakable(text_of(at(r, "label"))));
      for (std::size_t k = from; k < to; ++k) {
        const json& cell = at(at(r, "cells"), text_of(at(columns[k], "key")).c_str());
        body += fmt::format("<td class=\"num\">{}</td>", cell.is_null() ? "" : esc(cell_text(cell_of(cell))));
      }
      body += "</tr>\n";
    }
    out += fmt::format(
        "<table class=\"params columns\">\n<thead><tr>{}</tr></thead>\n<tbody>\n{}</tbody>\n</table>\n", head,
        body);
  }
  return out;
}

}  // namespace

namespace {

// Whether a stored who-pays table took its roles from the nominal difference (model.md 14.7, since
// 2026-12-05): a run stored by an earlier version took them from the discounted one, and its chart draws
// that, so that each bar's colour and label say the same as the interval drawn (a review: a nominal bar
// beside a discounted role read "Municipality: pays" in the colour of "saves").
constexpr const char* kNominalRoles =
    "'pays' or 'saves' when the interval of its nominal difference excludes zero";

// The who-pays table's note under its chart: the chart gives each payer's difference and role, not the
// probability that it saves nor the words for a difference the same in every run, which the note went on to
// describe (an independent check: on A4 it explained figures the page does not show). A note of an earlier
// version is kept whole.
std::string bars_note(std::string note) {
  const std::string end = "(no chance in it).";
  const auto from = note.find(kNominalRoles);
  const auto to = from == std::string::npos ? std::string::npos : note.find(end, from);
  if (to == std::string::npos) return note;
  return note.replace(
      from, to + end.size() - from,
      "Each bar's label says 'pays' or 'saves' when the interval of the payer's nominal difference "
      "excludes zero, else 'no clear change' ('no change' where it is 0 throughout).");
}

// Where cutting agencies' places pays the coaches, the pay-back chart says that its money is not the whole
// price: "saves from year 2 on, with no outlay to earn back" under a chart of money alone read as a scale-up
// that costs nothing, where debt counselling's places were cut by 41% and its wait rose to 62 weeks (a
// policy advisor's reading on A4). Those cuts are the headline's rows "places funded" (funded_AGENCY).
std::string places_cut_caveat(const json* headline, const std::vector<StoredLabel>& agencies) {
  std::vector<std::string> cut;
  for (const json* r : rows_of(headline)) {
    const std::string key = text_of(at(*r, "key"));
    if (!key.starts_with("funded_")) continue;
    const auto a = std::find_if(agencies.begin(), agencies.end(),
                                [&](const StoredLabel& l) { return "funded_" + l.key == key; });
    cut.push_back(a != agencies.end() ? a->label : key.substr(7));
  }
  if (cut.empty()) return "";
  std::string names;
  for (std::size_t i = 0; i < cut.size(); ++i)
    names += (i == 0 ? "" : i + 1 == cut.size() ? " and " : ", ") + cut[i];
  return fmt::format(
      " The coaches are paid by cutting places at {}: that price is not money, and so not in this chart; "
      "what the cuts do to the waits is in At a glance and in the agencies' waits.",
      esc(names));
}

// Where new money pays the coaches, the caption says that the model does not know who fills the fund: a
// printed chart of "Coach fund: pays" beside "Municipality: saves" read as the municipality saving that much
// net, where it may fill the fund itself (a policy advisor's reading on A4; the caveat was in In short only).
std::string fund_caveat(const json* headline) {
  const json* row = row_of(headline, "coach_payer");
  if (!row) return "";
  const std::string payer = text_of(at(at(at(*row, "cells"), "verdict"), "text"));
  if (payer.find(kFundNotModelled) == std::string::npos) return "";
  return fmt::format(
      " Who pays for the coaches: {}. A payer that fills the fund itself saves that much less than its bar "
      "shows.",
      payer);
}

}  // namespace

void ReportWriter::money(const StoredScenario& s, const StoredScenario* c) {
  const std::string years = info_.years == 1 ? "year 1" : fmt::format("years 1{}{}", kEnDash, info_.years);
  if (c) {
    const json* who = tables_.table("who_pays_who_saves", s.name, c->name);
    if (who) {
      const bool nominal = note_of(who).find(kNominalRoles) != std::string::npos;
      const std::string basis = nominal ? "nominal" : "discounted";
      std::vector<charts::PayerDifference> rows;
      for (const json& r : at(*who, "rows")) {
        // Nominal, as the terminal's glance ("Who pays?") and the yearly table give it, and as the role
        // beside each bar is decided (model.md 14.7): the chart was discounted, so the glance's -9,48 mln
        // read -8,71 here. A run stored before that keeps its discounted bars beside its discounted roles.
        const Value v = value_of(who, text_of(at(r, "key")), basis);
        rows.push_back({text_of(at(r, "label")), v.mean, v.lo, v.hi,
                        text_of(at(at(at(r, "cells"), "role"), "text")), v.text});
      }
      chart("Who pays, who saves?",
            fmt::format(
                "How much more (bars to the right) or less (to the left) each payer spends with {} than "
                "with {} over {}, {}.",
                s.name, c->name, years,
                nominal
                    ? "nominal (not discounted), as a budget holds it and as the yearly table below gives it"
                    : "discounted"),
            charts::who_pays(rows, fmt::format("difference from {}, {} (euros, {})", c->name, years, basis),
                             money_interval_title()),
            "who_pays", s.name,
            fmt::format("{}. {}{}", interval_words("Whiskers: " + money_interval()), bars_note(note_of(who)),
                        fund_caveat(tables_.table("headline", s.name, c->name))));
    }
    // Each payer's difference year by year, nominal, as a budget holds it: on paper too (a chart's exact
    // numbers are on screen only), and a total over five years divided by five misses the ramp-up.
    const json* yearly = tables_.table("budget_by_year", s.name, c->name);
    if (yearly)
      // The note first, as a chart's caption: after the table it fell onto the next page, leaving the
      // figures there without what their brackets are (an independent check on A4). The table's own note
      // says the rest (it was said twice).
      body_ += fmt::format(
          "<h4>What does it cost each payer per year?</h4>\n<p class=\"note\">How much more (positive) or "
          "less (negative) each payer spends with {} than with {} in each policy year. {}</p>\n{}",
          esc(s.name), esc(c->name), esc(note_of(yearly)), html_table(yearly, "payer", true));
    const json* impact = tables_.table("budget_impact", s.name, c->name);
    if (impact) {
      std::vector<charts::YearValue> cumulative;
      std::vector<Stat> by_year;  // the stored figures, as the tables' words were made from them
      for (int y = 1; y <= info_.years; ++y) {
        const Value v = value_of(impact, "cumulative", fmt::format("year_{}", y));
        if (!std::isnan(v.mean)) cumulative.push_back({y, v.mean, v.lo, v.hi, v.text});
        Stat year;
        year.mean = v.mean;
        year.lo = v.lo;
        year.hi = v.hi;
        by_year.push_back(year);
      }
      const std::string verdict = value_of(impact, "cumulative", "total").text;
      // The year marked on the chart, and its label: where it breaks even, or where it saves from (an option
      // with no outlay to earn back), by the rule the verdict beside it follows (honest_uncertainty.h).
      const BreakEven b = break_even_of(by_year);
      const int break_even = b.year + 1;  // 0: none
      const std::string marked = b.outlay ? "breaks even in year {}" : "saves from year {}";
      chart("When does it pay back?",
            fmt::format("The cumulative difference in all payers' spending, transfers included, between {} "
                        "and {}, year by year, discounted ({}).",
                        s.name, c->name, verdict),
            charts::payback(cumulative, break_even, fmt::format(fmt::runtime(marked), break_even),
                            fmt::format("cumulative difference from {} (euros, discounted)", c->name),
                            money_interval_title()),
            "payback", s.name,
            fmt::format("Above zero {} has cost more so far; below zero it has saved money. {}. {}{}", s.name,
                        interval_words("Band: " + money_interval()), note_of(impact),
                        places_cut_caveat(tables_.table("headline", s.name, c->name), agencies_)));
    }
  }
  // Each payer's spending per year, next to the comparator's.
  const json* budget = tables_.table("budget", s.name);
  const json* budget_c = c ? tables_.table("budget", c->name) : nullptr;
  if (budget) {
    std::vector<charts::BarPanel> panels;
    std::vector<std::string> groups;
    for (int y = 1; y <= info_.years; ++y) groups.push_back(std::to_string(y));
    std::vector<Style> styles = {charts::intervention_style(s.name)};
    if (budget_c) styles.push_back(charts::comparator_style(c->name));
    for (const StoredLabel& p : payers_) {
      charts::BarPanel panel{p.label, {}};
      for (int y = 1; y <= info_.years; ++y) {
        const std::string col = fmt::format("year_{}", y);
        for (const auto& [t, name] : {std::pair{budget, s.name}, std::pair{budget_c, c ? c->name : ""}}) {
          if (!t) continue;
          const Value v = value_of(t, p.key + "/total", col);
          if (!std::isnan(v.mean))
            panel.bars.push_back({groups[static_cast<std::size_t>(y - 1)], name, v.mean, v.lo, v.hi, v.text});
        }
      }
      // A payer with nothing in either scenario (a pilot fund without a pilot) gets no empty panel.
      if (std::any_of(panel.bars.begin(), panel.bars.end(), [](const charts::Bar& b) { return b.mean != 0; }))
        panels.push_back(std::move(panel));
    }
    chart("What does each payer spend per year?",
          fmt::format("What each payer spends per policy year with {}{}, in nominal euros for the whole "
                      "population.",
                      s.name, c ? fmt::format(", next to {}", c->name) : ""),
          charts::grouped_bars(panels, groups, styles, "policy year", "euros per year", Axis::Euro, 3),
          "payer_costs", s.name,
          // Levels, not differences: read as a payer's whole budget they mislead (a steering group took the
          // municipality's bars for the city's social budget, of which they are under half).
          fmt::format("Policy years are 52-week blocks. Each panel has its own scale. Only what the model "
                      "books (coaches, agencies' places, intakes, treatment, escalations, benefits paid), "
                      "not a payer's whole "
                      "budget. {}. {}",
                      interval_words("Whiskers: 95% interval of the mean over runs"), note_of(budget)));
  }
}

void ReportWriter::services(const StoredScenario& s, const StoredScenario* c) {
  const bool coaches = s.coach_fte > 0;
  if (coaches) {
    std::vector<charts::Line> l = lines(s, nullptr, &ScenarioSeries::caseload_per_fte);
    l.front().style.name = s.name + ": all teams";
    // The busiest team, where it differs from the average (several teams).
    const Series& all = series(s.index).caseload_per_fte;
    const Series& busiest = series(s.index).caseload_per_fte_max;
    bool differs = false;
    // The busiest team's figure is stored in single precision: compare with a tolerance.
    for (std::size_t i = 0; i < std::min(all.size(), busiest.size()); ++i)
      differs =
          differs || std::fabs(all[i].mean - busiest[i].mean) > 1e-4 * std::max(1.0, std::fabs(all[i].mean));
    // Solid: dashed is the comparator's, as the report's "How to read" says.
    if (differs) l.push_back({{s.name + ": busiest team", charts::kPurple, false}, busiest});
    const std::vector<charts::Rule> rules = {
        {s.caseload_norm_per_fte, fmt::format("norm: {} per FTE", format_dutch(s.caseload_norm_per_fte, 0)),
         charts::kBlack, true},
        {s.caseload_cap_per_fte,
         fmt::format("cap: {} per FTE (new households wait)", format_dutch(s.caseload_cap_per_fte, 0)),
         charts::kBlack, false}};  // black like the norm, solid: orange hues mean the comparator in the key
    chart("Are the coaches overloaded?",
          fmt::format("Households on the coaches' caseload per coach FTE working that week ({}), week by "
                      "week, against the caseload norm and cap.",
                      coach_fte_text(s, store_.settings(info_.id, s.index), info_.years)),
          charts::over_time(l, "households per coach FTE", Axis::Count, info_.years, rules), "caseload",
          s.name,
          "Above the norm coaches notice, solve and activate less; at the cap new households wait" +
              intake_limit_text(store_.settings(info_.id, s.index)) + ". " + band_text());
    chart("How long do households wait for a coach?",
          fmt::format("Households found or referred but not yet taken on, week by week (top), and how long "
                      "those taken on waited, per {} weeks (bottom).",
                      kSeriesBlockWeeks),
          charts::over_time_stacked(
              {{"households waiting for a coach", Axis::Count,
                lines(s, nullptr, &ScenarioSeries::coach_waiting)},
               {"wait for a coach (weeks)", Axis::Decimal1, lines(s, nullptr, &ScenarioSeries::coach_wait)}},
              info_.years),
          "coach_wait", s.name, "The wait is the summed waits over the number taken on. " + band_text());
  }
  agency_waits(s, c);
}

// Every agency's wait in a table; over time only the kWaitPanels agencies whose wait changes most (alone: the
// longest waits), each panel as wide as the page. Small multiples of every agency were too small to read on
// A4.
void ReportWriter::agency_waits(const StoredScenario& s, const StoredScenario* c) {
  const json* mine = tables_.table("agencies", s.name);
  const json* theirs = c ? tables_.table("agencies", c->name) : nullptr;
  const json* diff = c ? tables_.table("agencies_difference", s.name, c->name) : nullptr;
  std::string rows;
  std::vector<std::pair<double, std::size_t>> change;  // (how much the wait changes, or its length; agency)
  // Its own waits over fewer runs, per column: the agencies table's note named the intervention's figures
  // only, beside a comparator's and a difference's over other counts (outside attack 28).
  std::string fewer;
  const auto count_of = [&](const json* table, const std::string& key, const std::string& label,
                            const std::string& column) {
    const json* cell = cell_json(table, key, "wait_weeks");
    const int n = cell ? cell_of(*cell).stat.n : 0;
    if (n >= 2 && n < run_count())
      fewer +=
          fmt::format("{}{} ({}): {} of {} runs", fewer.empty() ? "" : "; ", label, column, n, run_count());
  };
  for (std::size_t a = 0; a < agencies_.size(); ++a) {
    const std::string& key = agencies_[a].key;
    if (c) count_of(theirs, key, agencies_[a].label, c->name);
    count_of(mine, key, agencies_[a].label, s.name);
    if (c) count_of(diff, key, agencies_[a].label, "difference");
    rows += fmt::format("<tr><td>{}</td>{}<td class=\"num\">{}</td>{}</tr>\n", esc(agencies_[a].label),
                        c ? fmt::format("<td class=\"num\">{}</td>", figure(theirs, key, "wait_weeks")) : "",
                        figure(mine, key, "wait_weeks"),
                        c ? fmt::format("<td class=\"num\">{}</td>", figure(diff, key, "wait_weeks")) : "");
    const double d = value_of(c ? diff : mine, key, "wait_weeks").mean;
    if (!std::isnan(d)) change.emplace_back(std::fabs(d), a);
  }
  body_ += fmt::format(
      "<h4>{}</h4>\n<table class=\"waits\">\n<thead><tr><th>agency</th>{}<th class=\"num\">{}</th>{}</tr>"
      "</thead>\n<tbody>\n{}</tbody>\n</table>\n<p class=\"note\">The mean wait in weeks of those admitted "
      "over the policy period, {}{}. {}</p>\n",
      c ? "Do households wait longer at the agencies?" : "How long do households wait at the agencies?",
      c ? fmt::format("<th class=\"num\">{}</th>", esc(c->name)) : "", esc(s.name),
      c ? "<th class=\"num\">difference</th>" : "", rows,
      // Over draws, what the interval is over, as the terminal's table says it: a wait 'at no agency' longer
      // in At a glance (over the draws) stood beside clear differences here with nothing to tell them apart
      // (a policy advisor's reading of a PSA).
      interval_words(
          info_.draws > 1
              ? fmt::format("with its 95% interval of the mean over all {} runs, which leaves out how "
                            "the {} parameter draws differ (At a glance gives the spread over the "
                            "draws)",
                            run_count(), info_.draws)
              // Over what, as with draws (a policy advisor's reading on A4: "with its 95% interval" alone).
              : fmt::format("with its 95% interval of the mean over the {} runs", run_count())),
      c ? fmt::format("; the difference is paired by run ({} minus {})", esc(s.name), esc(c->name)) : "",
      // Not the agencies table's whole note: its waiting lists, utilisation and places used were repeated
      // under a table of waits only (a policy advisor's reading); its first sentence says what a wait is.
      esc(fewer.empty()
              ? std::string()
              : fewer_runs_sentence(fewer, "the wait being undefined in the others (nobody admitted)")));
  std::stable_sort(change.begin(), change.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  if (change.size() > kWaitPanels) change.resize(kWaitPanels);
  std::sort(change.begin(), change.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  std::vector<charts::Panel> panels;
  std::string names;
  for (const auto& [size, a] : change) {
    charts::Panel p{agencies_[a].label, {}};
    p.lines.push_back({charts::intervention_style(s.name), series(s.index).agency_wait[a]});
    if (c) p.lines.push_back({charts::comparator_style(c->name), series(c->index).agency_wait[a]});
    panels.push_back(std::move(p));
    names += (names.empty() ? "" : " and ") + agencies_[a].label;
  }
  if (panels.empty()) return;
  const bool cuts = cuts_places(store_.settings(info_.id, s.index));
  chart(c ? "Where do the waits change most?" : "Where are the waits longest?",
        fmt::format("The mean wait at {}, the {} agencies {}, per {} weeks for {}.", names, panels.size(),
                    c ? "whose wait changes most" : "with the longest waits", kSeriesBlockWeeks,
                    c ? fmt::format("{} next to {}", s.name, c->name) : s.name),
        charts::over_time_panels(panels, "wait (weeks)", Axis::Decimal1, info_.years, 1, false),
        "agency_wait", s.name,
        // The cause first where this scenario cuts places: "outreach can lengthen the queues" stood under the
        // unfunded scale-up, whose queues grow because its places are cut (a policy advisor's reading).
        std::string("The wait is the summed waits over admissions, of the runs that admitted anyone in the "
                    "block. ") +
            (cuts ? "Here places are cut to pay the coaches: that lengthens the queues. "
                  : "Outreach can lengthen the agencies' queues while households are better helped. ") +
            // Only where this scenario cuts places (the pilot's caption spoke of cuts it has none of; outside
            // attack 23).
            (cuts ? "Where places are cut (each year, as the teams grow), an agency admits nobody "
                    "until enough cases end, and the first places go to households a coach referred "
                    "with a mandate, who have priority: the few admitted then waited less, and the "
                    "line dips. "
                  : "") +
            band_text() + " Each panel has its own scale.");
}

void ReportWriter::households(const StoredScenario& s, const StoredScenario* c) {
  chart("Do fewer households have problems?",
        "The share of all households with at least one active problem, and with several, week by week.",
        charts::over_time_panels({{"at least one problem", lines(s, c, &ScenarioSeries::with_problem)},
                                  {"several problems", lines(s, c, &ScenarioSeries::multi_problem)}},
                                 "share of households", Axis::Share, info_.years, 2, false, false),
        "problems", s.name, band_text() + " The scales do not start at zero.");

  // Professionals per household next to the seeds' survey.
  const StoredScenario& base = c ? *c : s;
  const json* calibration = tables_.table("calibration", base.name);
  const json* hh_base = tables_.table("households", base.name);
  const json* hh = tables_.table("households", s.name);
  if (calibration && hh) {
    const std::pair<const char*, const char*> categories[] = {{"professionals_0", "0"},
                                                              {"professionals_1", "1"},
                                                              {"professionals_2", "2"},
                                                              {"professionals_3plus", "3 or more"}};
    // The comparator's targets may have no survey of professionals (the city's have not: the seeds
    // surveyed Velve-Lindenhof only); then the chart shows the model alone and says so.
    const bool surveyed = !std::isnan(value_of(calibration, "professionals_0", "target").mean);
    const double n = value_of(calibration, "professionals_0", "n").mean;
    const std::string survey = fmt::format("baseline survey (N = {})", format_dutch(n, 0));
    const std::string start = "model at the policy start";
    const std::string after = fmt::format("after {}", plural(info_.years, "year", "years"));
    // Four bars a group that a grey print must tell apart: black, yellow, orange and blue differ in
    // lightness (sky blue and orange, as before, printed as one grey; outside review).
    std::vector<Style> styles = {{start, charts::kYellow, false}};
    if (surveyed) styles.insert(styles.begin(), {survey, charts::kBlack, false});
    if (c) styles.push_back({c->name + ", " + after, charts::kOrange, true});
    styles.push_back({s.name + ", " + after, charts::kBlue, false});
    charts::BarPanel panel{"", {}};
    std::vector<std::string> groups;
    for (const auto& category : categories) {
      // Named copies: clang 14 cannot capture structured bindings in a lambda.
      const std::string key = category.first, group = category.second;
      groups.push_back(group);
      auto add = [&](const json* t, const char* column, const std::string& series) {
        const Value v = value_of(t, key, column);
        if (!std::isnan(v.mean)) panel.bars.push_back({group, series, v.mean, v.lo, v.hi, v.text});
      };
      add(calibration, "target", survey);
      add(hh_base, "start", start);
      if (c) add(tables_.table("households", c->name), "end", c->name + ", " + after);
      add(hh, "end", s.name + ", " + after);
    }
    chart("How many professionals does a household see?",
          surveyed ? "The share of households by the number of professionals involved, in the model next to "
                     "the seeds' baseline survey (undated: as the coaches began, or just before)."
                   : fmt::format("The share of households by the number of professionals involved, in the "
                                 "model ({} has no survey of it to compare with).",
                                 base.name),
          charts::grouped_bars({panel}, groups, styles, "professionals involved", "share of households",
                               Axis::Share, 1),
          "professionals", s.name,
          fmt::format("The coach counts as one professional. Model: at the policy start (the same for both) "
                      "and in the last week; {}.{}",
                      interval_words("whiskers: 95% interval of the mean over runs"),
                      // The survey's own interval, not the whole calibration table's note (the targets
                      // file's note on evictions and spending filled 20 lines under this chart).
                      surveyed ? " Survey: whiskers are its interval as the targets file gives it (the "
                                 "calibration table names its source)."
                               : ""));
  }

  chart(
      c ? "Fewer escalations (benefit inflow among them)?" : "How often do problems escalate?",
      fmt::format("Escalations (evictions, benefit inflow, crisis admissions, out-of-home placements, police "
                  "interventions) per 1.000 households per year, per {} weeks.",
                  kSeriesBlockWeeks),
      charts::over_time(lines(s, c, &ScenarioSeries::escalations),
                        "escalations per 1.000 households per year", Axis::Decimal1, info_.years),
      "escalations", s.name, band_text());
  chart(c ? "Do households climb the participation ladder?"
          : "Where are households on the participation ladder?",
        "The mean rung of all households on the participation ladder, week by week.",
        charts::over_time(lines(s, c, &ScenarioSeries::rung), "mean rung (1\u20136)", Axis::Decimal2,
                          info_.years, {}, false),
        "ladder", s.name,
        "Rungs: 1 isolated, 2 contacts outside the home, 3 organised activities, 4 unpaid work, 5 paid work "
        "with support, 6 paid work. " +
            band_text() + " The scale does not start at zero.");
}

void ReportWriter::value(const StoredScenario& s, const StoredScenario& c) {
  const json* ce = tables_.decision_table("cost_effectiveness", c.name);
  // Each intervention against its comparator in the same draw and replication: the increments the stored
  // cost-effectiveness table summarises.
  std::map<std::pair<std::int64_t, std::int64_t>, std::pair<EvaluationPoint, EvaluationPoint>> pairs;
  std::set<std::pair<std::int64_t, std::int64_t>> with_option, with_comparator;
  for (const StoredEvaluation& e : store_.evaluation(info_.id, c.index, info_.draws > 0)) {
    if (e.option != s.index && e.option != c.index) continue;
    const std::pair<std::int64_t, std::int64_t> key{e.draw, e.replication};
    const EvaluationPoint p{e.option, key.first, key.second, e.cost, e.effect};
    if (p.option == s.index) {
      pairs[key].first = p;
      with_option.insert(key);
    } else {
      pairs[key].second = p;
      with_comparator.insert(key);
    }
  }
  std::vector<charts::PlanePoint> points;
  for (const auto& [key, p] : pairs) {
    if (!with_option.count(key) || !with_comparator.count(key)) continue;
    points.push_back(
        {p.first.effect - p.second.effect, p.first.cost - p.second.cost,
         info_.draws > 0 ? fmt::format("draw {}", key.first) : fmt::format("replication {}", key.second)});
  }
  const double wtp = c.willingness_to_pay;
  chart(
      "Is it worth the money?",
      fmt::format("Extra cost against extra effect per household of {} over {}, discounted, one dot per {}, "
                  "with the threshold of {} per problem-free household-year.",
                  s.name, c.name,
                  info_.draws > 0 ? "parameter draw (the mean over its replications)"
                                  : "replication (no parameter draws: chance alone)",
                  format_euros_as_given(wtp)),
      charts::ce_plane(points, value_of(ce, s.name, "delta_effect").mean,
                       value_of(ce, s.name, "delta_cost").mean, wtp, charts::intervention_style(s.name)),
      "ce_plane", s.name,
      fmt::format(
          "The diamond is the mean. Below the dashed line {} is worth its money; lower right it saves "
          "money and achieves more. ICER of the means: {}. {}",
          s.name, value_of(ce, s.name, "icer").text, note_of(ce)));
}

// Every compared scenario side by side, as a steering group decides between them: the terminal's first screen
// (glance_view.h), drawn from the same stored tables, so the page and `wijksim show` cannot disagree.
void ReportWriter::overview() {
  const std::optional<GlanceView> view = glance_view(stored_report_);
  if (!view) return;
  const text::Grid& g = view->grid;
  contents_ += "<li><a href=\"#side-by-side\">At a glance: all scenarios side by side</a></li>\n";
  std::string head, rows;
  for (const std::string& name : g.columns) head += fmt::format("<th class=\"num\">{}</th>", esc(name));
  // Euros in one unit a group of rows (thousand, million), named in each label, so scenarios and payers
  // compare at a glance (a row's own unit put EUR million beside EUR thousand in one column; a policy
  // advisor's reading), as the terminal's glance has them.
  std::vector<text::EuroScale> group_scale(g.rows.size(), text::EuroScale::Euro);
  for (std::size_t first = 0; first < g.rows.size();) {
    std::size_t end = first + 1;
    while (end < g.rows.size() && !g.rows[end].heading) ++end;
    std::vector<const Cell*> cells;
    for (std::size_t i = first; i < end; ++i)
      for (const Cell& cell : g.rows[i].cells)
        if (cell.kind == Cell::Kind::Number && cell.unit == Unit::Euro) cells.push_back(&cell);
    if (!cells.empty())
      std::fill(group_scale.begin() + static_cast<std::ptrdiff_t>(first),
                group_scale.begin() + static_cast<std::ptrdiff_t>(end), text::euro_scale(cells));
    first = end;
  }
  // A row with the rows indented under it (an agency and its places funded), and a heading with the first
  // of them, are one body that a printed page does not split: on A4 "places funded -503" began a page whose
  // agency ended the one before (a policy advisor's reading).
  for (std::size_t i = 0; i < g.rows.size(); ++i) {
    const text::Grid::Line& l = g.rows[i];
    if (i > 0 && (l.heading || (l.indent <= 1 && !g.rows[i - 1].heading)))
      rows += "</tbody>\n<tbody class=\"keep\">\n";
    if (l.heading) {
      rows += fmt::format("<tr class=\"group\"><th colspan=\"{}\">{}</th></tr>\n", g.columns.size() + 1,
                          esc(l.label));
      continue;
    }
    const bool euros = std::any_of(l.cells.begin(), l.cells.end(), [](const Cell& x) {
      return x.kind == Cell::Kind::Number && x.unit == Unit::Euro;
    });
    const text::EuroScale scale = euros ? group_scale[i] : text::EuroScale::Euro;
    rows += fmt::format("<tr><td class=\"indent-{}\">{}</td>", std::min(l.indent, 2),
                        esc(euros ? text::with_euro_unit(l.label, scale) : l.label));
    for (const Cell& cell : l.cells) {
      const text::CellText t = text::cell_text(cell, scale);
      // The interval under its figure: three scenarios side by side fit the width of an A4 page.
      // A counted probability ("50,0% (20 of 40 draws; 95%: 33,8 to 66,2%)") may break at its words: as
      // one nowrap line in each of three columns it pushed the table, and In short above it, past the A4 page
      // (a policy advisor's reading of a PSA).
      rows += fmt::format(
          "<td class=\"{}\"{}>{}{}</td>",
          !t.number              ? "words"
          : cell.counted.empty() ? "num"
                                 : "num counted",
          t.number && cell.kind == Cell::Kind::Number ? fmt::format(" data-value=\"{}\"", cell.stat.mean)
                                                      : "",
          esc(t.value),
          t.interval.empty() ? "" : fmt::format("<br><span class=\"interval\">{}</span>", esc(t.interval)));
    }
    rows += "</tr>\n";
  }
  body_ += fmt::format(
      "<section class=\"side-by-side\" id=\"side-by-side\">\n<h2>At a glance: all scenarios side by side</h2>\n<p>Each "
      "scenario against its comparator: the mean difference, {}. <em>In short</em>, above, says it in "
      "words; the sections after this one give the details of each.</p>\n<table class=\"side-by-side\">\n"
      "<thead><tr><th></th>{}</tr></thead>\n<tbody class=\"keep\">\n{}</tbody>\n</table>\n<p "
      "class=\"note\">{}</p>\n"
      "</section>\n",
      interval_words(info_.draws == 0 ? "with its 95% interval under it"
                                      : "with its interval under it (the note below says what each is over)"),
      head, rows, esc(g.note));
}

// The answer in words, first: what each scenario changes against its comparator (glance_view's "in short").
void ReportWriter::in_short() {
  const std::optional<GlanceView> view = glance_view(stored_report_);
  if (!view) return;
  contents_ += "<li><a href=\"#in-short\">In short</a></li>\n";
  std::string items;
  for (const InShort& line : view->in_short) {
    // What the period's means hide at its end, in the terminal's words (run_series.h).
    std::string end;
    for (const StoredScenario& s : scenarios_)
      if (s.name == line.scenario && s.comparator >= 0)
        end = at_the_end(agencies_, s, series(s.index), series(s.comparator), info_.years);
    items += fmt::format("<li><strong>{}</strong>{}: {}.{}{}</li>\n", esc(line.scenario),
                         line.description.empty() ? "" : " (" + esc(line.description) + ")", esc(line.words),
                         end.empty() ? "" : " ", esc(end));
  }
  for (const std::string& choice : view->choices) items += fmt::format("<li>{}.</li>\n", esc(choice));
  for (const std::string& caveat : view->caveats) items += fmt::format("<li>{}</li>\n", esc(caveat));
  body_ += fmt::format(
      "<section class=\"answer\" id=\"in-short\">\n<h2>In short</h2>\n<p>What each scenario changes "
      "against its comparator over the policy years; a change is put in words only when its interval "
      "excludes zero{}. 'Dominant' and 'saves' are about money and problem-free "
      "household-years only: a "
      "longer wait counts through the problems it leaves unresolved, not as a harm of its own, so read the "
      "waits beside them. The figures are in <a href=\"#side-by-side\">At a glance</a>.</p>\n"
      "<ul>\n{}</ul>\n{}</section>\n",
      // What the interval is over, where it is used (a policy advisor read a transfer's spread over the draws
      // beside the budget table's interval of the mean and could not tell them apart).
      run_count() == 1 ? std::string() : fmt::format(" ({}, as in brackets below)", money_interval()), items,
      view->calibration_misses.empty()
          ? std::string()
          : fmt::format("<p class=\"note\">{} Each scenario's \"The model next to public figures\" gives "
                        "every target.</p>\n",
                        esc(view->calibration_misses)));
}

// The efficiency frontier with its ICERs: which options are worth considering at all, and what each step up
// the frontier costs per problem-free household-year. The store keeps the frontier table only where a
// decision has more than one intervention; with one, the frontier is it and its comparator.
void ReportWriter::frontier(const StoredScenario& c, const std::vector<int>& options) {
  const json* f = tables_.table("efficiency_frontier", c.name);
  body_ += "<h4>Which options are efficient?</h4>\n";
  if (f)
    body_ +=
        "<p>An option is on the efficiency frontier when no other option, or mix of two, achieves as much "
        "for "
        "less; its ICER is what each extra problem-free household-year costs over the next cheaper option on "
        "the frontier.</p>\n";
  if (!f) {
    // The frontier of the two on their mean cost and effect, by the rule the frontier table follows
    // (efficiency_frontier): a dominated option is off it. It named both whatever the means (a report called
    // an option "dominated in 1 of 2 runs" on the frontier; outside attack 15).
    const json* ce = tables_.decision_table("cost_effectiveness", c.name);
    for (int o : options) {
      const std::string& name = scenario(o).name;
      const double cost = value_of(ce, name, "delta_cost").mean,
                   effect = value_of(ce, name, "delta_effect").mean;
      const std::string icer = figure(ce, name, "icer");
      if (!std::isfinite(cost) || !std::isfinite(effect)) {
        body_ += fmt::format("<p>One option against its comparator: {} against {}: {}.</p>\n", esc(name),
                             esc(c.name), icer);
        continue;
      }
      const Frontier two = efficiency_frontier({0.0, cost}, {0.0, effect});
      const bool comparator_on = two.options[0].status == FrontierStatus::Frontier;
      const bool option_on = two.options[1].status == FrontierStatus::Frontier;
      if (comparator_on && option_on)
        body_ += fmt::format(
            "<p>One option against its comparator: on their means the efficiency frontier is {} and {}, and "
            "its ICER is {} against {}: {}.</p>\n",
            esc(c.name), esc(name), esc(name), esc(c.name), icer);
      else
        body_ += fmt::format(
            "<p>One option against its comparator: on their means {} is dominated ({}), so the efficiency "
            "frontier is {} alone. {} against {}: {}.</p>\n",
            esc(option_on ? c.name : name), "it costs at least as much and achieves no more",
            esc(option_on ? name : c.name), esc(name), esc(c.name), icer);
    }
    return;
  }
  std::string rows;
  for (const json* r : rows_of(f)) {
    const std::string key = text_of(at(*r, "key"));
    rows += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}"
        "</td></tr>\n",
        esc(text_of(at(*r, "label"))), figure(f, key, "cost"), figure(f, key, "effect"),
        figure(f, key, "status"), cell_json(f, key, "icer") ? figure(f, key, "icer") : "");
  }
  body_ += fmt::format(
      "<table class=\"frontier\">\n<thead><tr><th>option</th><th class=\"num\">cost per household</th>"
      "<th class=\"num\">problem-free years per household</th><th>on the frontier?</th><th class=\"num\">"
      "ICER against the next cheaper efficient option</th></tr></thead>\n"
      "<tbody>\n{}</tbody>\n</table>\n<p class=\"note\">{}</p>\n",
      rows, esc(note_of(f)));
}

// What choosing with every uncertainty resolved would gain over choosing now (EVPI), by willingness to pay,
// the scenario's own threshold in bold: where it is small, research cannot change the choice much.
void ReportWriter::evpi(const StoredScenario& c) {
  const json* a = tables_.table("acceptability", c.name);
  const std::vector<const json*> rows = rows_of(a);
  body_ += "<h4>What would certainty be worth?</h4>\n";
  if (rows.empty() || !cell_json(a, text_of(at(*rows.front(), "key")), "evpi_household")) {
    // Without parameter draws there is no EVPI: said in a sentence (the acceptability table's whole note,
    // printed under its chart just above, was repeated here word for word; outside attack 23).
    body_ +=
        "<p class=\"note\">No value of information: without parameter draws (<code>--draws</code>) the runs "
        "differ in the households' luck only, and what knowing the parameters would be worth needs their "
        "uncertainty.</p>\n";
    return;
  }
  const std::string threshold = threshold_row(a, c.willingness_to_pay);
  std::string body;
  for (const json* r : rows) {
    const std::string key = text_of(at(*r, "key"));
    body += fmt::format(
        "<tr{}><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        key == threshold ? " class=\"threshold\"" : "", esc(text_of(at(*r, "label"))), figure(a, key, "best"),
        figure(a, key, "best_probability"), figure(a, key, "evpi_household"),
        figure(a, key, "evpi_population"));
  }
  // Part of a raw EVPI is the households' luck in each draw, which no research buys: said beside it where
  // the run measured it (a policy advisor read € 47,49 as the value of research, of which € 14,26 was luck).
  std::string luck;
  if (const json* noise = tables_.table("value_of_information_noise", c.name);
      noise && cell_json(noise, "regression_evpi", "value") && cell_json(noise, "inflation", "value")) {
    // Better only as far as its fit is beyond chance: "the better estimate of what research is worth" stood
    // beside an 'all' row whose fit was not (p 0,130; a policy advisor's reading of a PSA).
    const json* voi = tables_.table("value_of_information", c.name);
    // Nor after the correction for the rows' many tests ("yes (p 0,030), not after correction").
    const std::string all_fit = voi ? value_of(voi, "all", "beyond_chance").text : std::string();
    const bool not_beyond_chance =
        all_fit.starts_with("no") || all_fit.find("not after correction") != std::string::npos;
    luck = fmt::format(
        " Part of it is the households' luck within each draw, which no research can buy: about {} per "
        "household; without it (the regression EVPI, the EVPPI of all parameters) {} per household, {}",
        figure(noise, "inflation", "value"), figure(noise, "regression_evpi", "value"),
        not_beyond_chance ? "though with these draws its fit is not beyond chance (the value of information "
                            "table), so it is not told apart from 0 either: more draws tell"
                          : "the better estimate of what research is worth");
  }
  body_ += fmt::format(
      "<p>The expected value of perfect information (EVPI) is what choosing with every uncertainty resolved "
      "would gain over choosing now, over {}, discounted. At the scenario's threshold ({} "
      "per problem-free household-year) it is {} per household, {} for all {} households{}.{}</p>\n<table "
      "class=\"evpi\">\n<thead><tr><th "
      "class=\"num\">willingness to pay</th><th>best on average</th><th class=\"num\">probability it is "
      "best</th><th class=\"num\">EVPI per household</th><th class=\"num\">EVPI, all households</th></tr>"
      "</thead>\n<tbody>\n{}</tbody>\n</table>\n<p class=\"note\">{}</p>\n",
      info_.years == 1 ? std::string("policy year 1") : fmt::format("policy years 1-{}", info_.years),
      esc(format_euros_as_given(c.willingness_to_pay)), figure(a, threshold, "evpi_household"),
      figure(a, threshold, "evpi_population"), format_dutch(c.households, 0),
      info_.draws < static_cast<int>(kMinEvppiDraws)
          ? fmt::format(", from {} parameter draws: too few to rely on (at least {})", info_.draws,
                        kMinEvppiDraws)
          : std::string(),
      luck.empty() ? std::string() : luck + ".", body, esc(note_of(a)));
}

void ReportWriter::decision(const StoredScenario& c, const std::vector<int>& options) {
  const json* a = tables_.table("acceptability", c.name);
  if (!a) return;
  std::string names;
  for (int o : options) names += (names.empty() ? "" : ", ") + scenario(o).name;
  const std::string anchor = fmt::format("decision-{}", c.index);
  contents_ += fmt::format("<li><a href=\"#{}\">Which option is the best value? {} against {}</a></li>\n",
                           anchor, esc(names), esc(c.name));
  body_ += fmt::format(
      "<section class=\"decision\" id=\"{}\">\n<h2>Which option is the best value? {} against {}</h2>\n",
      anchor, esc(names), esc(c.name));
  frontier(c, options);
  std::vector<std::pair<Style, std::vector<charts::CurvePoint>>> curves;
  int k = 0;
  int total = 0;  // the runs (or draws) each probability counts
  std::string noun = "runs";
  for (const json& col : at(*a, "columns")) {
    const std::string key = text_of(at(col, "key"));
    if (!key.starts_with("p_")) continue;
    // Every probability of the table counts the same runs: the first cell says how many, and of what.
    if (const json* cell =
            rows_of(a).empty() ? nullptr : cell_json(a, text_of(at(*rows_of(a).front(), "key")), key);
        total == 0 && cell && cell->contains("n") && (*cell)["n"].is_number_integer()) {
      total = (*cell)["n"].get<int>();
      if (cell->contains("counted") && (*cell)["counted"].is_string())
        noun = (*cell)["counted"].get<std::string>();
    }
    const std::string name = text_of(at(col, "label"));
    const Style style =
        name == c.name ? charts::comparator_style(name) : charts::intervention_style(name, k++);
    std::vector<charts::CurvePoint> curve;
    for (const json& r : at(*a, "rows")) {
      const std::string rk = text_of(at(r, "key"));
      const double p = value_of(a, rk, key).mean;
      // Rows are keyed "wtp_<euros>" (economic_tables.cpp).
      if (rk.starts_with("wtp_") && !std::isnan(p)) curve.push_back({std::stod(rk.substr(4)), p});
    }
    curves.emplace_back(style, std::move(curve));
  }
  const double wtp = c.willingness_to_pay;
  // "How sure can we be" over runs that differ in the households' luck only claimed what only parameter
  // draws can tell (advisor review 56).
  chart(
      info_.draws == 0 ? "In how many runs is each option the best? (the households' luck only)"
                       : "How sure can we be that it is worth the money?",
      "For each amount society is willing to pay for one more problem-free household-year, the probability "
      "that each option gives the most value (the highest net monetary benefit).",
      charts::acceptability(curves, wtp, total, noun), "acceptability", c.name,
      // The curve is computed at the grid's points only (a reader took the straight lines between them for
      // a gradual switch where it was sharp between two points).
      fmt::format("The dashed vertical line is the scenario's threshold. The probability is computed at the "
                  "points; the lines only join them, and the switch from one option to another between two "
                  "points may be sharper than they show. {}",
                  note_of(a)));
  decision_sensitivity(c, options);
  body_ += "</section>\n";
}

void ReportWriter::assumptions_that_decide(const StoredScenario& s, const StoredScenario& c) {
  const json* tornado = tables_.table("tornado", s.name, c.name);
  const json* thresholds = tables_.decision_table("thresholds", c.name);
  const json* curves = tables_.decision_table("threshold_curves", c.name);
  const json* survey = tables_.table("virtual_evaluation", s.name, c.name);
  if (!tornado && !survey) return;
  // Without the sensitivity analyses only the simulated survey is here: headed as what it is (it was headed
  // "Which assumptions decide it?" over the survey alone; outside attack 23).
  body_ += tornado ? "<h3>Which assumptions decide it?</h3>\n"
                   : "<h3>Would an evaluation see it? The survey the city would run</h3>\n";
  if (tornado) {
    std::vector<charts::TornadoRow> rows;
    double base = kNaN;
    for (const json* r : rows_of(tornado)) {
      const std::string key = text_of(at(*r, "key"));
      const Value lo = value_of(tornado, key, "nmb_low"), hi = value_of(tornado, key, "nmb_high");
      base = value_of(tornado, key, "nmb_base").mean;
      rows.push_back({key, value_of(tornado, key, "low").text, value_of(tornado, key, "high").text, lo.mean,
                      hi.mean, lo.text, hi.text});
    }
    // Some parameters at the ends of a range the command line gave, not at percentiles (the table's note
    // names them): the words say ends, not percentiles.
    bool percentiles = true;
    for (const json& col : at(*tornado, "columns"))
      if (text_of(at(col, "key")) == "low")
        // (Stores written before the label took Dutch notation say "2.5%".)
        percentiles = text_of(at(col, "label")) == kTornadoLowAtPercentile ||
                      text_of(at(col, "label")) == "parameter at 2.5%";
    if (!rows.empty())
      chart(
          "Which assumptions decide it?",
          fmt::format("How far the net monetary benefit per household of {} over {} moves from the base "
                      "case when one parameter at a time is at either end of {}.",
                      s.name, c.name,
                      percentiles ? "its distribution" : "its distribution or of the range given for it"),
          charts::tornado(rows, base, "net monetary benefit per household (euros, discounted)", percentiles),
          "tornado", s.name,
          fmt::format(
              "Black line: the base case. Light blue: the parameter at its {}; orange-red: at its {}. "
              "The largest swing is on top. {}",
              percentiles ? "2,5th percentile" : "low end", percentiles ? "97,5th" : "high end",
              without(note_of(tornado), kTornadoTerminalBars)));
    const json* one_way = tables_.table("one_way", s.name, c.name);
    if (one_way)
      body_ += fmt::format(
          "<details class=\"all-settings\">\n<summary>Every outcome at each parameter's two ends (the budget "
          "of "
          "each payer, the wait for a coach)</summary>\n{}<p class=\"note\">{}</p>\n</details>\n",
          html_table(one_way, "parameter"), esc(note_of(one_way)));
  }
  // The planning curves of this intervention's thresholds.
  std::vector<charts::CurvePanel> panels;
  std::string found;
  for (const json* r : rows_of(thresholds)) {
    const std::string key = text_of(at(*r, "key"));
    if (!key.starts_with(s.name + "/")) continue;
    charts::CurvePanel p;
    const std::string parameter = text_of(at(at(at(*r, "cells"), "parameter"), "text"));
    const std::string outcome = text_of(at(at(at(*r, "cells"), "outcome"), "text"));
    const Value target = value_of(thresholds, key, "target");
    const Value value = value_of(thresholds, key, "value");
    p.title = parameter;
    p.outcome = outcome;
    p.target = target.mean;
    p.threshold = value.mean;
    p.axis = outcome.find("benefit") != std::string::npos || outcome.find("cost") != std::string::npos ||
                     outcome.find("budget") != std::string::npos
                 ? Axis::Euro
                 : Axis::Decimal1;
    // A grid point's row key is its threshold's key, "/", its index (the "threshold" cell held the key in
    // stores written before it held the outcome's words).
    for (const json* g : rows_of(curves)) {
      const std::string point = text_of(at(*g, "key"));
      if (point.size() > key.size() + 1 && point.starts_with(key + "/") &&
          point.find('/', key.size() + 1) == std::string::npos)
        p.points.emplace_back(value_of(curves, point, "x").mean, value_of(curves, point, "mean").mean);
    }
    const std::string status = text_of(at(at(at(*r, "cells"), "status"), "text"));
    // How many replications cross, as the terminal's 'crossed in' (the report left it out while its caption
    // defined it; an analyst's reading). A threshold not found says only why ("not found in the range (not
    // met in the range: ...)" said it twice).
    const Value crossed = value_of(thresholds, key, "crossed");
    const std::string in_runs = crossed.text.empty() ? "" : "; crossed in " + esc(crossed.text);
    found += value.text.empty()
                 ? fmt::format("<li><strong>{}</strong> for {} = {}: {}{}.</li>\n", esc(parameter),
                               esc(outcome), esc(target.text), esc(status), in_runs)
                 : fmt::format("<li><strong>{}</strong> for {} = {}: {} ({}){}.</li>\n", esc(parameter),
                               esc(outcome), esc(target.text), esc(value.text), esc(status), in_runs);
    panels.push_back(std::move(p));
  }
  if (!panels.empty()) {
    body_ += fmt::format("<p>Thresholds of {}:</p>\n<ul>\n{}</ul>\n", esc(s.name), found);
    chart(
        "Where does the answer change?",
        fmt::format("Each threshold's outcome for {} along its parameter, with the target and the value of "
                    "the parameter that reaches it.",
                    s.name),
        charts::planning_curves(panels, "outcome"), "thresholds", s.name,
        // The threshold comes from a bisection between two grid points, which the line does not pass
        // through: the green line may cross the target off the drawn line (an analyst's reading).
        fmt::format("The mean over the analyses' replications, with common random numbers. Dashed: the "
                    "target; green: the threshold found. The line joins the grid's points only; the "
                    "threshold was refined between two of them by simulating more values, so it may lie off "
                    "the line's own crossing. {}",
                    note_of(thresholds)));
  }
  if (survey)
    body_ += fmt::format("<h4>Would the city's own evaluation see it?</h4>\n{}<p class=\"note\">{}</p>\n",
                         html_table(survey, "survey measure"), esc(note_of(survey)));
}

void ReportWriter::decision_sensitivity(const StoredScenario& c, const std::vector<int>& options) {
  std::vector<Style> styles = {charts::comparator_style(c.name)};
  for (std::size_t k = 0; k < options.size(); ++k)
    styles.push_back(charts::intervention_style(scenario(options[k]).name, static_cast<int>(k)));
  const double wtp = c.willingness_to_pay;
  // The acceptability frontier: which option to choose, and how sure that is.
  const json* a = tables_.table("acceptability", c.name);
  std::vector<charts::FrontierPoint> frontier;
  for (const json* r : rows_of(a)) {
    const std::string key = text_of(at(*r, "key"));
    const Value p = value_of(a, key, "best_probability");
    const std::string best = text_of(at(at(at(*r, "cells"), "best"), "text"));
    if (key.starts_with("wtp_") && !std::isnan(p.mean))
      frontier.push_back({std::stod(key.substr(4)), p.mean, best, p.text});
  }
  const bool draws = info_.draws > 0;
  if (!frontier.empty() && draws)
    chart("Which option to choose, and how sure is that?",
          "At each willingness to pay, the option with the highest expected net benefit (its colour) and the "
          "probability that it is in fact the best.",
          charts::frontier(frontier, styles, wtp, info_.draws), "ceaf", c.name,
          "This is the acceptability frontier. Dashed: the scenario's threshold.");
  // The expected incremental benefit, and the PSA's convergence.
  std::vector<charts::BandLine> benefit, conv_nmb, conv_cost;
  std::string settled;  // each option's band at all draws: across zero or clear of it
  for (std::size_t k = 0; k < options.size(); ++k) {
    const StoredScenario& s = scenario(options[k]);
    if (const json* t = tables_.table("expected_incremental_benefit", s.name, c.name)) {
      charts::BandLine l{styles[k + 1], {}};
      for (const json* r : rows_of(t)) {
        const std::string key = text_of(at(*r, "key"));
        const Value v = value_of(t, key, "inmb");
        if (key.starts_with("wtp_"))
          l.points.push_back({std::stod(key.substr(4)), v.mean, v.lo, v.hi, v.text});
      }
      benefit.push_back(std::move(l));
    }
    if (const json* t = tables_.table("psa_convergence", s.name, c.name)) {
      charts::BandLine n{styles[k + 1], {}}, cost{styles[k + 1], {}};
      for (const json* r : rows_of(t)) {
        const std::string key = text_of(at(*r, "key"));
        if (!key.starts_with("draws_")) continue;
        const double d = std::stod(key.substr(6));
        const Value vn = value_of(t, key, "nmb"), vc = value_of(t, key, "cost");
        n.points.push_back({d, vn.mean, vn.lo, vn.hi, vn.text});
        cost.points.push_back({d, vc.mean, vc.lo, vc.hi, vc.text});
      }
      std::vector<ConvergencePoint> band;
      for (const charts::BandPoint& p : n.points)
        band.push_back({static_cast<std::size_t>(p.x), p.mean, p.lo, p.hi});
      if (const std::string v = convergence_verdict(options.size() > 1 ? s.name : "", band); !v.empty())
        settled += " " + v;
      conv_nmb.push_back(std::move(n));
      conv_cost.push_back(std::move(cost));
    }
  }
  if (!benefit.empty())
    chart("How much is it worth, by willingness to pay?",
          "The expected net benefit per household of each option over the comparator, by the amount society "
          "is willing to pay for one more problem-free household-year.",
          charts::band_lines(benefit, "willingness to pay (euros per problem-free household-year)",
                             "expected incremental net benefit per household", Axis::Euro, Axis::Euro, wtp),
          "expected_benefit", c.name,
          "The line is the mean over the parameter draws; the band holds the 2,5th to 97,5th percentile of "
          "the draws (from fewer than 40, the lowest to the highest). Above zero the option is worth its "
          "cost against the comparator; of several options above zero, the highest line is the choice. "
          "Dashed: the scenario's threshold.");
  // Each band is one option against the comparator: with two or more, clear bands read as a settled choice
  // where the options split the draws between them (a policy advisor's reading of a PSA).
  std::string between;
  if (options.size() > 1) {
    const std::string threshold = threshold_row(a, c.willingness_to_pay);
    const Value p = value_of(a, threshold, "best_probability");
    between = fmt::format(
        " Each band is one option against {}: they do not say which option is best{}.", c.name,
        std::isnan(p.mean)
            ? std::string()
            : fmt::format("; at the threshold ({}) the best on average is {}{} (probability it is best: {})",
                          format_euros_as_given(c.willingness_to_pay),
                          text_of(at(at(at(*row_of(a, threshold), "cells"), "best"), "text")),
                          text_of(at(at(at(*row_of(a, threshold), "cells"), "best"), "text")) == c.name
                              ? ", the comparator"
                              : "",
                          p.text));
  }
  if (!conv_nmb.empty()) {
    json nmb = charts::band_lines(conv_nmb, "parameter draws", "running mean: net benefit per household",
                                  Axis::Count, Axis::Euro);
    json cost = charts::band_lines(conv_cost, "parameter draws", "running mean: extra cost per household",
                                   Axis::Count, Axis::Euro);
    // Two panels at half a chart's height each: together they print as large as one chart.
    nmb["height"] = cost["height"] = 150;
    json spec = {{"vconcat", json::array({std::move(nmb), std::move(cost)})}, {"spacing", 24}};
    chart("Were there enough draws?",
          "The running mean over the parameter draws of the net benefit (top) and the extra cost (bottom) "
          "per household over the comparator.",
          spec, "convergence", c.name,
          "The band is +/- t(0,975; n-1) Monte Carlo standard errors of the mean of the first n draws. Lines "
          "that have settled and a band clear of zero: more draws are unlikely to change the answer." +
              settled + between);
  }
  // The value of information: of all uncertainty (EVPI), then of each parameter (EVPPI).
  evpi(c);
  const json* v = tables_.table("value_of_information", c.name);
  std::vector<charts::ValueBar> bars;
  for (const json* r : rows_of(v)) {
    const std::string key = text_of(at(*r, "key"));
    const Value e = value_of(v, key, "evppi_population");
    if (std::isnan(e.mean)) continue;
    // Its test's verdict as the table gives it; a row without one (no test: a run stored before the column,
    // or a fit that could not be tested) is "not tested", not drawn pale as if it failed (a review).
    const std::string verdict = text_of(at(at(at(*r, "cells"), "beyond_chance"), "text"));
    const char* chance =
        verdict.starts_with("yes") && verdict.find("not after correction") == std::string::npos
            ? charts::kBeyondChance
        : verdict.starts_with("yes") || verdict.starts_with("no") ? charts::kNotBeyondChance
                                                                  : charts::kNotTested;
    bars.push_back(
        {key, text_of(at(at(at(*r, "cells"), "kind"), "text")), e.mean, e.lo, e.hi, e.text, chance});
  }
  // Every EVPPI at 0 (no parameter changes the choice at the willingness to pay) draws no bar but a
  // whisker: a chart of nothing (a policy advisor's reading of the pilot's PSA), said in words instead.
  const bool all_nil = !bars.empty() && std::all_of(bars.begin(), bars.end(),
                                                    [](const charts::ValueBar& b) { return b.mean == 0; });
  if (!bars.empty()) {
    const json* noise = tables_.table("value_of_information_noise", c.name);
    // The method's note goes with the sentence as it goes with the chart (the table's "not after correction"
    // and "changes no choice" were explained nowhere on the page; a review).
    if (all_nil)
      body_ += fmt::format(
          "<h4>What is worth knowing better?</h4>\n<p>Every parameter's and group's EVPPI is € 0 for "
          "all {} "
          "households: by these regressions, at the willingness to pay the decision is valued at, resolving "
          "no parameter's uncertainty would change the choice; the table gives each with its error and "
          "whether its fit is beyond chance at all.</p>\n<p class=\"note\">EVPPI: expected value of partial "
          "perfect information. {}</p>\n",
          format_dutch(c.households, 0), esc(note_of(v)));
    else
      chart("What is worth knowing better?",
            fmt::format(
                "What resolving the uncertainty about each parameter (or group) before deciding would be "
                "worth for all {} households (the EVPPI).",
                format_dutch(c.households, 0)),
            charts::value_bars(bars, "EVPPI, all households (euros)"), "evppi", c.name,
            fmt::format("EVPPI: expected value of partial perfect information. Whiskers: +/- 1,96 standard "
                        "errors. Pale: a fit not beyond chance (the table below), no research priority. {}",
                        note_of(v)));
    // The figures behind the bars, with whether each is beyond chance: the terminal had them, the page only
    // the bars, so a bar not beyond chance read as a research priority (a policy advisor's reading).
    // One euro scale for the column, as the terminal's table has (cells styled each on its own mixed
    // "€ 0,0 (0,0 to 0,2)" with "€ 0,00 (0,00 to 0,05)"; an analyst's reading).
    std::vector<Cell> per_household;
    for (const json* r : rows_of(v))
      if (const json* cell = cell_json(v, text_of(at(*r, "key")), "evppi_household"))
        per_household.push_back(cell_of(*cell));
    std::vector<const Cell*> column;
    for (const Cell& cell : per_household) column.push_back(&cell);
    const text::EuroScale scale = text::euro_scale(column);
    std::string rows;
    for (const json* r : rows_of(v)) {
      const std::string key = text_of(at(*r, "key"));
      if (std::isnan(value_of(v, key, "evppi_population").mean)) continue;
      // A key path breaks between its parts ("agencies.*.success_proba|bility" on A4).
      rows +=
          fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                      breakable(text_of(at(*r, "label"))), figure(v, key, "evppi_household", scale),
                      figure(v, key, "r_squared"), figure(v, key, "beyond_chance"));
    }
    body_ += fmt::format(
        "<table class=\"evppi\">\n<thead><tr><th>parameter or group</th><th class=\"num\">EVPPI per "
        "household</th><th class=\"num\">net benefit explained</th><th>beyond chance (test at 5%)</th></tr>"
        "</thead>\n<tbody class=\"keep\">\n{}</tbody>\n</table>\n"
        "<p class=\"note\">A figure not beyond chance is no research priority, {}: the {} the estimate's "
        "own error, the test whether the parameters explain the net benefit at all.</p>\n",
        rows, all_nil ? "whatever its size" : "whatever its bar", all_nil ? "bracket is" : "whiskers are");
    // The households' luck in the PSA, with the replications advice: its note was in the chart's caption
    // and its figures nowhere on the page (an analyst's reading).
    if (noise)
      body_ +=
          fmt::format("<h4>How much of the PSA is the households' luck?</h4>\n{}<p class=\"note\">{}</p>\n",
                      html_table(noise, "measure"), esc(note_of(noise)));
  } else if (v) {
    // Not computed (too few draws, no uncertain parameter): said under its heading, as the terminal says it;
    // the page left the section out without a word (a policy advisor's reading of a 20-draw PSA).
    const std::string why = value_of(v, "none", "note").text;
    body_ += fmt::format("<h4>What is worth knowing better?</h4>\n<p class=\"note\">{}{}</p>\n",
                         why.empty() ? "" : "EVPPI not computed: " + esc(why) + ". ", esc(note_of(v)));
  }
  // The two-way grid.
  const json* pref = tables_.decision_table("two_way", c.name);
  if (pref) {
    std::vector<std::string> xs, ys;
    for (const json& col : at(*pref, "columns")) xs.push_back(text_of(at(col, "label")));
    std::vector<charts::GridCell> cells;
    for (const json* r : rows_of(pref)) {
      const std::string y = text_of(at(*r, "label"));
      ys.push_back(y);
      for (const json& col : at(*pref, "columns")) {
        const std::string option = text_of(at(at(at(*r, "cells"), text_of(at(col, "key")).c_str()), "text"));
        cells.push_back({text_of(at(col, "label")), y, option, 0, option, ""});
      }
    }
    const std::string title = text_of(at(*pref, "title"));
    const std::size_t by = title.find(" by "), and_ = title.find(" (columns) and ");
    const std::string x_name =
        by != std::string::npos && and_ != std::string::npos ? title.substr(by + 4, and_ - by - 4) : "x";
    const std::string y_name =
        and_ != std::string::npos ? title.substr(and_ + 15, title.rfind(" (rows)") - and_ - 15) : "y";
    chart("Which option, as two assumptions change?",
          fmt::format("The preferred option in each cell of a grid over {} and {}, the other parameters at "
                      "their means.",
                      x_name, y_name),
          charts::preferred_map(cells, xs, ys, styles, x_name, y_name), "two_way", c.name, note_of(pref));
    std::vector<charts::GridCell> costs;
    std::string cost_note;  // the tables' own: each cell a mean over the replications, without its interval
    for (int o : options) {
      const json* t = tables_.table("two_way_cost", scenario(o).name, c.name);
      if (t && cost_note.empty()) cost_note = note_of(t);
      for (const json* r : rows_of(t))
        for (const json& col : at(*t, "columns")) {
          const Value val = value_of(t, text_of(at(*r, "key")), text_of(at(col, "key")));
          costs.push_back({text_of(at(col, "label")), text_of(at(*r, "label")), "", val.mean, val.text,
                           scenario(o).name});
        }
    }
    const bool saves =
        std::any_of(costs.begin(), costs.end(), [](const charts::GridCell& g) { return g.value < 0; });
    const bool costs_more =
        std::any_of(costs.begin(), costs.end(), [](const charts::GridCell& g) { return g.value > 0; });
    if (!costs.empty())
      chart("What does it cost, as two assumptions change?",
            fmt::format(
                "The extra cost per household over {} (discounted, all payers) in each cell of the grid, "
                "one panel per option.",
                c.name),
            charts::value_map(costs, xs, ys, x_name, y_name, "extra cost per household"), "two_way_cost",
            // The table's note, as the terminal prints it: the caption left out that a cell is a mean
            // without its interval (an analyst's reading).
            // The colours the cells have: "blue where it saves" stood above a map that saves nowhere.
            c.name,
            std::string(saves && costs_more ? "Blue where it saves money, orange where it costs more. "
                        : saves             ? "It saves money in every cell: the darker the blue, the more. "
                        : costs_more        ? "It costs more in every cell: the darker the orange, the more. "
                                            : "") +
                cost_note);
  }
}

void ReportWriter::assumptions(const StoredScenario& s, const StoredScenario* c) {
  body_ += "<h3>What was assumed</h3>\n";
  std::vector<std::pair<std::string, std::string>> mine, theirs;
  mine = store_.settings(info_.id, s.index);
  if (c) theirs = store_.settings(info_.id, c->index);
  const std::map<std::string, std::string> own(mine.begin(), mine.end()), other(theirs.begin(), theirs.end());
  // Without coaches a coach setting means nothing: say so rather than "not set".
  auto shown = [](const std::map<std::string, std::string>& m, const std::string& key) {
    const auto it = m.find(key);
    if (it != m.end()) return it->second;
    return key.starts_with("coaches.") ? std::string("no coaches") : std::string("(not set)");
  };

  // The settings a steering group asks about first, in words, with their units.
  static const std::pair<const char*, const char*> kKey[] = {
      {"coaches.fte", "coaches (FTE)"},
      {"coaches.teams", "coach teams"},
      {"coaches.caseload_norm_per_fte", "caseload norm (households per FTE)"},
      {"coaches.caseload_cap_per_fte", "caseload cap (households per FTE; above it households wait)"},
      {"coaches.cost_per_fte_year", "cost per coach FTE-year (euros)"},
      {"coaches.funding", "funding: additional money, or reallocated from the agencies"},
      {"coaches.funding_payer", "who pays the coaches"},
      {"coaches.mandate_probability", "agency honours the coach's mandate (probability)"},
      {"coaches.privacy_probability", "information stopped by privacy rules (probability)"},
      {"coaches.coordination", "coordination works, no extra bureaucracy (probability)"},
      {"coaches.competence_spread", "spread of coach competence (sd, 0-1)"},
      {"coaches.outreach_per_year", "outreach: rate a household with problems is found (per year)"},
      {"economics.willingness_to_pay", "willingness to pay (euros per problem-free household-year)"},
      {"economics.guideline", "discounting guideline"}};
  // Every value as the files write it, the households too ("2.800" beside "0.05" read as two notations in
  // one column; outside attack 23).
  std::string key_rows = fmt::format("<tr><td>households</td><td>{}</td>{}</tr>\n", s.households,
                                     c ? fmt::format("<td>{}</td>", c->households) : "");
  for (const auto& [key, words] : kKey) {
    if (!own.count(key) && !other.count(key)) continue;
    key_rows += fmt::format("<tr><td>{} <code class=\"key-path\">{}</code></td><td>{}</td>{}</tr>\n",
                            esc(words), breakable(key), esc(shown(own, key)),
                            c ? fmt::format("<td>{}</td>", esc(shown(other, key))) : "");
  }
  body_ += fmt::format(
      "<p>The key settings, as the scenario files write them (numbers with a decimal point and no "
      "thousands separator, as in YAML; a distribution is sampled in each parameter draw; "
      "scenarios/README.md gives every setting's unit and source).</p>\n<table class=\"params\">\n<thead><tr>"
      "<th>setting</th><th>{}</th>{}</tr></thead>\n<tbody>\n{}</tbody>\n</table>\n",
      esc(s.name), c ? fmt::format("<th>{}</th>", esc(c->name)) : "", key_rows);

  // Everything in which the scenario differs from its comparator: the policy, in the files' own keys.
  const std::set<std::string> skip = {"name", "description", "comparator", "extends"};
  auto skipped = [&](const std::string& key) {
    return skip.count(key) || key.starts_with("simulation.") || key.starts_with("caveats.");
  };
  std::string rows;
  int differ = 0;
  // A schedule's years count from 0, as the file writes them, where the report's tables count policy years
  // from 1 ("year: 0" read beside "policy year 1" as a year before the policy; a policy advisor's reading).
  auto key_cell = [](const std::string& key) {
    return key == "coaches.schedule"
               ? fmt::format(
                     "<code>{}</code> <span class=\"missing\">(year y: from policy year y + 1)</span>",
                     breakable(key))
               : fmt::format("<code>{}</code>", breakable(key));
  };
  for (const auto& [key, v] : mine) {
    if (skipped(key) || (c && shown(other, key) == v)) continue;
    rows += fmt::format("<tr><td>{}</td><td>{}</td>{}</tr>\n", key_cell(key), esc(v),
                        c ? fmt::format("<td>{}</td>", esc(shown(other, key))) : "");
    ++differ;
  }
  for (const auto& [key, v] : theirs)
    if (!own.count(key) && !skipped(key)) {
      rows += fmt::format("<tr><td>{}</td><td>(not set)</td><td>{}</td></tr>\n", key_cell(key), esc(v));
      ++differ;
    }
  body_ += fmt::format(
      "<details class=\"all-settings\">\n<summary>{} (scenario hash <code>{}</code>)</summary>\n<table "
      "class=\"params\">\n<thead><tr><th>setting</th><th>{}</th>{}</tr></thead>\n<tbody>\n{}</tbody>\n"
      "</table>\n</details>\n",
      c ? fmt::format("All {} settings in which {} differs from {}", differ, esc(s.name), esc(c->name))
        : fmt::format("All {} settings of {}", differ, esc(s.name)),
      esc(s.hash), esc(s.name), c ? fmt::format("<th>{}</th>", esc(c->name)) : "", rows);

  // The uncertain parameters as sampled in this run's draws.
  const std::vector<std::pair<std::string, std::vector<double>>> drawn =
      store_.drawn_parameters(info_.id, s.index);
  if (drawn.empty()) return;
  std::string prow;
  for (const auto& [p, v] : drawn) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    const auto show = [](double x) { return format_dutch(x, std::fabs(x) >= 100 ? 0 : 3); };
    // In words beside the key path ("domains.family.escalation.cost 79.732" said nothing of euros per
    // placement; a policy advisor's reading of a PSA on A4).
    const std::string name = parameter_name(p);
    prow += fmt::format(
        "<tr><td>{}<code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}{}{}</td></tr>\n",
        name == p ? std::string() : esc(name) + "<br>", breakable(p), show(mean(v)), show(*lo), kEnDash,
        show(*hi));
  }
  body_ += fmt::format(
      "<p>The uncertain parameters of {} as sampled in this run's {}.</p>\n"
      "<table class=\"params\">\n<thead><tr><th>parameter</th><th class=\"num\">mean of the draws</th>"
      "<th class=\"num\">lowest{}highest</th></tr></thead>\n<tbody>\n{}</tbody>\n</table>\n",
      esc(s.name), plural(info_.draws, "parameter draw", "parameter draws"), kEnDash, prow);
}

// Each scenario's targets beside the model (the tables' calibration section): the public figure with its
// interval, the model's figure and whether it lies inside, and the figure's source under its label.
void ReportWriter::targets(const StoredScenario& s, const StoredScenario* c) {
  std::string out;
  for (const StoredScenario* x : {c, &s}) {
    if (!x) continue;
    const json* t = tables_.table("calibration", x->name);
    if (!t || at(*t, "rows").empty()) continue;
    if (!targets_shown_.insert(x->name).second) {
      out += fmt::format("<p>{}'s targets: as shown above, with the first scenario compared with it.</p>\n",
                         esc(x->name));
      continue;
    }
    std::string rows;
    for (const json& r : at(*t, "rows")) {
      const json& cells = at(r, "cells");
      auto cell = [&](const char* key) {
        const json& v = at(cells, key);
        return v.is_null() ? std::string() : esc(format_cell(cell_of(v)));
      };
      // A figure may break before its interval, not inside it: "47,5% (45,9 to" over "49,1)" on A4 (an
      // advisor's reading).
      auto figure_cell = [&](const char* key) {
        const json& v = at(cells, key);
        if (v.is_null()) return std::string();
        const std::string shown = format_cell(cell_of(v));
        const std::size_t open = shown.find(" (");
        return open == std::string::npos ? esc(shown)
                                         : esc(shown.substr(0, open)) + " <span class=\"nobr\">" +
                                               esc(shown.substr(open + 1)) + "</span>";
      };
      rows += fmt::format(
          "<tr><td>{}<br><span class=\"source\">{}</span></td><td class=\"num\">{}</td><td "
          "class=\"num\">{}</td><td>{}</td></tr>\n",
          esc(text_of(at(r, "label"))), cell("source"), figure_cell("target"), figure_cell("model"),
          cell("fit"));
    }
    out += fmt::format(
        "<h4>{}'s targets</h4>\n<table class=\"targets\">\n<thead><tr><th>target (source)</th><th "
        "class=\"num\">public figure (interval)</th><th class=\"num\">model</th><th>fit</th></tr></thead>\n"
        "<tbody>\n{}</tbody>\n</table>\n<p class=\"note\">{}</p>\n",
        esc(x->name), rows, esc(note_of(t)));
  }
  if (out.empty()) return;
  // Each table's note below it: it holds that targets file's notes (which ends are assumptions, which model
  // figure stands in), and one note for both tables dropped the comparator's (an advisor's reading: the
  // baseline's calibration caveats were in the terminal's tables only).
  body_ += "<h3>The model next to public figures</h3>\n" + out;
}

void ReportWriter::intervention(const StoredScenario& s, const StoredScenario& c) {
  const std::string anchor = fmt::format("scenario-{}", s.index);
  contents_ +=
      fmt::format("<li><a href=\"#{}\">{} compared with {}</a></li>\n", anchor, esc(s.name), esc(c.name));
  const std::string description = s.description;
  const std::string c_description = c.description;
  body_ += fmt::format(
      "<section class=\"scenario\" id=\"{}\">\n<h2>{} compared with {}</h2>\n<p "
      "class=\"lede\"><strong>{}</strong>: "
      "{} (<code>{}</code>). <strong>{}</strong>: {} (<code>{}</code>). Both: {} households, {}.</p>\n",
      anchor, esc(s.name), esc(c.name), esc(s.name), esc(description), esc(printable(s.file)), esc(c.name),
      esc(c_description), esc(printable(c.file)), format_dutch(s.households, 0), esc(years_text()));
  glance(s, c);
  body_ += "<h3>Money</h3>\n";
  money(s, &c);
  body_ += "<h3>Coaches and agencies</h3>\n";
  services(s, &c);
  body_ += "<h3>Households</h3>\n";
  households(s, &c);
  targets(s, &c);
  body_ += "<h3>Value for money</h3>\n";
  value(s, c);
  assumptions_that_decide(s, c);
  assumptions(s, &c);
  body_ += "</section>\n";
}

void ReportWriter::standalone(const StoredScenario& s) {
  const std::string anchor = fmt::format("scenario-{}", s.index);
  contents_ += fmt::format("<li><a href=\"#{}\">{}</a></li>\n", anchor, esc(s.name));
  body_ += fmt::format(
      "<section class=\"scenario\" id=\"{}\">\n<h2>{}</h2>\n<p class=\"lede\">{} (<code>{}</code>): {} "
      "households, {}. This run has no comparator for it (<code>wijksim compare</code> adds one).</p>\n",
      anchor, esc(s.name), esc(s.description), esc(printable(s.file)), format_dutch(s.households, 0),
      esc(years_text()));
  body_ += "<h3>Money</h3>\n";
  money(s, nullptr);
  body_ += "<h3>Coaches and agencies</h3>\n";
  services(s, nullptr);
  body_ += "<h3>Households</h3>\n";
  households(s, nullptr);
  targets(s, nullptr);
  assumptions(s, nullptr);
  body_ += "</section>\n";
}

// A command line for the page: each option (a word that begins with '-') kept on one line, so that the page
// breaks the command only between words (on A4 "--draws 40 --years 2" broke after "--", and the command
// pasted back read "-- years"; a policy advisor's reading). The text, and so what is copied, is unchanged.
namespace {
std::string command_html(const std::string& command) {
  std::string out;
  for (std::size_t at = 0; at <= command.size();) {
    const std::size_t space = std::min(command.find(' ', at), command.size());
    const std::string word = command.substr(at, space - at);
    out += word.starts_with("-") ? fmt::format("<span class=\"option\">{}</span>", esc(word)) : esc(word);
    if (space < command.size()) out += ' ';
    at = space + 1;
  }
  return out;
}
}  // namespace

void ReportWriter::reproduce() {
  contents_ += "<li><a href=\"#reproduce\">The run and how to reproduce it</a></li>\n";
  std::string rows;
  for (const StoredScenario& s : scenarios_)
    rows += fmt::format("<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>\n",
                        esc(s.name), esc(printable(s.file)), esc(s.role), esc(s.hash));
  std::string libraries;
  for (const ReportAsset& a : report_assets())
    libraries += (libraries.empty() ? "" : ", ") + fmt::format("{} {}", esc(a.name), esc(a.version));
  body_ += fmt::format(
      "<section class=\"reproduce\" id=\"reproduce\">\n<h2>The run and how to reproduce it</h2>\n"
      "<p>The command that made this run (seed {}, {}, {}, {}):</p>\n"
      "<pre class=\"cmd\">{}</pre>\n"
      // The store keeps a run's start and its completion, not its resumes: a run interrupted and resumed
      // spans the time it lay still (an outside attack read that span as computing time).
      "<p>wijksim {} began it at {} and completed it at {} (UTC; a run that was interrupted and resumed "
      "counts the time between in that span). The same command with the same scenario files gives the "
      "same figures on any number of threads. This report again, from the results store:</p>\n"
      "<pre class=\"cmd\">wijksim report {} --store {} -o report.html</pre>\n"
      "<table class=\"params\">\n<thead><tr><th>scenario</th><th>file</th><th>role</th><th>hash of the "
      "resolved "
      "file</th></tr></thead>\n<tbody>\n{}</tbody>\n</table>\n"
      "<p class=\"note\">Charts drawn by {}, inlined in this file. Series over time: mean and "
      "2,5&ndash;97,5% "
      "percentiles (from fewer than 40 runs: lowest to highest) over runs per week (or per {} weeks for "
      "waits and escalations), from the store's weekly "
      "rows; every other figure is the run's stored table as <code>wijksim show {}</code> prints it.</p>\n"
      "</section>\n",
      // "replications 0-0" read as none (a policy advisor's reading on A4): one is named as one.
      info_.seed,
      info_.replications == 1
          ? fmt::format("1 replication (number {})", info_.first_replication)
          : fmt::format("{} replications (numbers {}{}{})", info_.replications, info_.first_replication,
                        kEnDash, info_.first_replication + info_.replications - 1),
      info_.draws > 0 ? plural(info_.draws, "parameter draw", "parameter draws")
                      : "base case, no parameter draws",
      years_text(), command_html(printable(info_.command_line)), esc(info_.version), esc(info_.started_at),
      esc(info_.finished_at), info_.id, esc(printable(shell_word(store_.path()))), rows, libraries,
      kSeriesBlockWeeks, info_.id);
}

constexpr const char* kStyle = R"css(
:root { --ink: #1a1a1a; --muted: #555; --rule: #d9d9d9; --blue: #0072B2; --orange: #E69F00; --panel: #f4f6f8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); line-height: 1.45; margin: 0 auto; max-width: 980px; padding: 24px 28px 48px;
       background: #fff; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0; font-size: .8rem; }
h1 { font-size: 1.8rem; margin: .1rem 0 .4rem; line-height: 1.2; }
.lede { font-size: 1.02rem; }
.meta { color: var(--muted); font-size: .85rem; }
h2 { font-size: 1.4rem; margin: 2.6rem 0 .6rem; padding-top: .6rem; border-top: 3px solid var(--ink); }
h2.plain { font-size: 1.1rem; border-top: none; margin-top: 1rem; padding-top: 0; }
h3 { font-size: .85rem; margin: 2rem 0 .6rem; color: var(--muted); text-transform: uppercase; letter-spacing: .06em;
     border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h4 { font-size: 1.08rem; margin: 0 0 .3rem; }
.how-to-read { background: var(--panel); padding: .6rem 1.2rem .4rem; border-radius: 4px; font-size: .92rem; }
.how-to-read ul { padding-left: 1.1rem; margin: .3rem 0 .6rem; }
nav.contents ol { padding-left: 1.3rem; }
.key { display: inline-block; width: 1.6rem; height: 0; vertical-align: middle; margin-right: .2rem; }
.key-blue { border-top: 3px solid var(--blue); }
.key-orange { border-top: 3px dashed var(--orange); }
figure.chart-figure { margin: 1.3rem 0 2rem; padding: 0; }
figcaption { font-size: .84rem; color: var(--muted); margin-top: .3rem; max-width: 48rem; }
.chart { min-height: 100px; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
/* A table, not a grid: on paper a long one continues on the next page line by line (Chromium moved a grid
   that did not fit the rest of the page on whole, leaving the page with the section's heading empty). */
table.glance { background: var(--panel); border-left: 4px solid var(--blue); margin: 0; font-size: 1rem; }
table.glance th, table.glance td { border: none; padding: .2rem 1.1rem .2rem .9rem; }
table.glance th { color: var(--muted); font-weight: normal; width: 45%; }
table.glance td { font-weight: 600; font-variant-numeric: tabular-nums; }
table.glance tr:first-child > * { padding-top: .8rem; }
table.glance tr:last-child > * { padding-bottom: .8rem; }
.note { font-size: .82rem; color: var(--muted); }
.missing { color: var(--muted); font-style: italic; font-weight: normal; }
table { border-collapse: collapse; font-size: .84rem; width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: left; padding: .22rem .5rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { border-bottom: 2px solid var(--ink); }
/* Text outside tables breaks a word wider than the page where it must (a name of 200 letters without a space
   ran past the A4 page; outside attack 44); in tables, with_long_words_breakable gives such a word its breaks,
   so that a column's narrowest width stays that of its longest ordinary word. */
li, p, h1, h2, h3, h4, figcaption { overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { white-space: normal; }
.figure.counted, td.num.counted { white-space: normal; }
/* A key path as a row label (coaches.coordination_success_gain) breaks after a dot or an underscore (<wbr>),
   and within a word only where a part is still too wide ("relapse_facto r" was printed): the figures beside
   it keep their width, and the table fits the A4 body whatever the figures' digits. */
table.params.columns td:first-child { overflow-wrap: break-word; }
table.targets { table-layout: fixed; width: 100%; }
table.targets td, table.targets th, table.targets td.num { overflow-wrap: anywhere; white-space: normal; }
/* An EVPPI's row label is a key path, which breaks after its dots and underscores (<wbr>); its figures stay
   whole ("(0,00 to | 2,30)" was split on A4). */
table.evppi td, table.evppi th { overflow-wrap: break-word; white-space: normal; }
table.evppi td.num { white-space: nowrap; }
table.targets th:nth-child(1) { width: 46%; }
table.targets th:nth-child(2) { width: 22%; }
table.targets th:nth-child(3) { width: 18%; }
table.targets .source { font-size: 0.85em; color: #555; }
table.side-by-side tr.group th { background: var(--panel); border-bottom: 1px solid var(--rule); padding-top: .45rem; }
table.side-by-side td.indent-2 { padding-left: 1.5rem; }
table.side-by-side td.words { font-size: .95em; text-align: right; }
.interval { color: var(--muted); font-size: .9em; }
tr.threshold td { font-weight: 700; }
p.chart-note { font-size: .78rem; color: var(--muted); margin: .2rem 0 0; max-width: 48rem; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .84em; }
details.all-settings { margin: .4rem 0 1rem; font-size: .9rem; }
details.all-settings summary { cursor: pointer; color: var(--blue); }
code.key-path { color: var(--muted); font-size: .75em; margin-left: .3rem; }
pre.cmd { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--panel); padding: .5rem .7rem; }
pre.cmd .option, .nobr { white-space: nowrap; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-before: page; }
  .how-to-read h2, h2.plain, section.answer > h2 { break-before: auto; }
  /* The first section follows the contents on their page (the contents alone took page 2). */
  nav.contents + section > h2:first-child { break-before: auto; }
  /* How to reproduce the run follows the last section on its page (the last decision's few lines were left
     alone on a page before it). */
  section.reproduce > h2 { break-before: auto; }
  /* Every setting of a comparison, kept for the record, in small type and close rows: they took two pages
     a comparison, six of the default report's 53. */
  details.all-settings table, table.params { font-size: 8pt; margin: .2rem 0 .6rem; }
  /* A key path beside its setting at 7 pt at least (5.5 pt was too small to read on paper). */
  details.all-settings code.key-path { font-size: .9em; }
  details.all-settings th, details.all-settings td, table.params th, table.params td { padding: .05rem .35rem; }
  h3, h4 { break-after: avoid; }
  /* "At a glance" may continue on the next page (it is long where places are cut and waits grow), never
     within one of its lines: a whole box moved on left the page with the section's heading empty. */
  figure.chart-figure, tr, pre, tbody.keep { break-inside: avoid; }
  /* Said for a screen's pointer, not for paper (it was printed). */
  .screen-only { display: none; }
  .chart { overflow: visible; }
  /* A tall chart is scaled down whole rather than cut, but no further than its labels stay readable (the
     report's test requires 70% of the drawn size); a chart of many rows may take most of a page. Two
     charts with their captions fit a page: at 125 mm one moved on whole and left half a page empty, 18 of
     the default report's 53 pages (a policy advisor's reading); at 100 mm it has 46. A chart drawn taller
     keeps 72% of its height (the drawing script sets --readable-height). */
  .chart svg { width: auto; height: auto; max-width: 100%; max-height: max(100mm, var(--readable-height, 0px)); }
  figcaption { font-size: 8.5pt; }
  p.chart-note { font-size: 7.5pt; }
  /* How to read on its pages before the first scenario (its last lines took a page of their own). */
  .how-to-read { font-size: 8.5pt; }
  .chart[data-height="rows"] svg { max-height: 235mm; }
  a { color: inherit; text-decoration: none; }
  #vg-tooltip-element { display: none !important; }
}
)css";

// Draws every chart with vega-embed, in the page's number notation, and records on <body> how many were
// drawn or failed (the report's test waits for that).
constexpr const char* kScript = R"js(
(function () {
  'use strict';
  var blob = JSON.parse(document.getElementById('wijksim-charts').textContent);
  var options = {
    renderer: 'svg', actions: false, config: blob.config,
    formatLocale: { decimal: ',', thousands: '.', grouping: [3], currency: ['\u20ac ', ''], minus: '-', percent: '%' }
  };
  var drawn = blob.charts.map(function (c) {
    return vegaEmbed('#' + c.id, c.spec, options).then(function (result) {
      // Printed, a chart keeps at least 72% of its drawn height whatever the page's limit (its labels stay
      // readable): the print style's max-height takes the larger of its limit and this.
      var svg = result.view.container().querySelector('svg');
      if (svg) svg.style.setProperty('--readable-height', (0.72 * Number(svg.getAttribute('height'))) + 'px');
      return true;
    }, function (e) {
      console.error('wijksim report: chart ' + c.id + ' could not be drawn: ' + e);
      document.getElementById(c.id).textContent = 'This chart could not be drawn: ' + e;
      return false;
    });
  });
  // A printed report shows every setting, not only the summary line of each <details>.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });
  Promise.all(drawn).then(function (ok) {
    var n = ok.filter(Boolean).length;
    document.body.setAttribute('data-charts-drawn', String(n));
    document.body.setAttribute('data-charts-failed', String(ok.length - n));
  });
})();
)js";

json chart_config() {
  const char* font = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif";
  return {{"font", font},
          {"background", "#ffffff"},
          {"view", {{"stroke", nullptr}}},
          {"axis",
           {{"labelFontSize", 11},
            {"titleFontSize", 12},
            {"titleFontWeight", "normal"},
            {"titleColor", "#333333"},
            {"gridColor", "#e6e6e6"},
            {"labelColor", "#333333"}}},
          {"legend",
           {{"labelFontSize", 12}, {"labelLimit", 360}, {"symbolStrokeWidth", 2.5}, {"symbolSize", 180}}},
          {"header", {{"labelFontSize", 12}, {"labelColor", "#1a1a1a"}}},
          {"text", {{"fontSize", 11}}}};
}

// JSON inside <script>: '<' only ever occurs in strings, where \u003c means the same and cannot end the
// element.
std::string script_json(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);  // never throws (render.cpp)
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    if (ch == '<')
      out += "\\u003c";
    else
      out += ch;
  }
  return out;
}

std::string ReportWriter::page() {
  header();
  in_short();
  const std::size_t after_header = body_.size();  // the contents list goes here, once it is known
  // Decisions in order of their first intervention; each intervention in the order the command named it.
  std::vector<int> comparators;
  std::map<int, std::vector<int>> options;
  for (const StoredScenario& s : scenarios_) {
    if (s.comparator < 0) continue;
    if (!options.count(s.comparator)) comparators.push_back(s.comparator);
    options[s.comparator].push_back(s.index);
  }
  overview();
  how_to_read();
  for (int c : comparators) {
    for (int o : options[c]) intervention(scenario(o), scenario(c));
    decision(scenario(c), options[c]);
  }
  for (const StoredScenario& s : scenarios_)
    if (s.comparator < 0 && s.role != "comparator") standalone(s);
  reproduce();

  std::string title;
  for (const StoredScenario& s : scenarios_)
    if (s.role != "comparator") title += (title.empty() ? "" : ", ") + s.name;
  std::string scripts;
  for (const ReportAsset& a : report_assets())
    scripts += fmt::format("<script data-library=\"{} {}\">\n{}\n</script>\n", esc(a.name), esc(a.version),
                           a.script);
  const json blob = {{"config", chart_config()}, {"charts", charts_}};

  // The contents list goes between the header and the rest, each made breakable on its own: inserted at
  // `after_header` in the page made breakable as a whole, it landed inside In short's last sentence once a
  // break opportunity or a kept option ("--draws") had lengthened the text before it.
  const std::string body =
      with_long_words_breakable(body_.substr(0, after_header)) +
      fmt::format("<nav class=\"contents\">\n<h2 class=\"plain\">Contents</h2>\n<ol>\n{}</ol>\n</nav>\n",
                  contents_) +
      with_long_words_breakable(body_.substr(after_header));

  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // Nothing may come from the network: the page holds everything it needs. Vega compiles its
      // expressions with Function(), hence 'unsafe-eval'.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' "
      "'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:\">\n"
      "<meta name=\"generator\" content=\"wijksim {}\">\n<title>wijksim report, run {}: {}</title>\n"
      "<style>{}</style>\n</head>\n<body data-run=\"{}\" data-charts=\"{}\">\n{}"
      "<script type=\"application/json\" "
      "id=\"wijksim-charts\">{}</script>\n{}<script>{}</script>\n</body>\n</html>\n",
      esc(info_.version), info_.id, esc(title), kStyle, info_.id, charts_.size(), body, script_json(blob),
      scripts, kScript);
}

}  // namespace

std::string html_report(const RunStore& store, std::int64_t run) {
  ReportWriter w(store, run);
  return w.page();
}

void write_html_report(const std::string& store_path, std::int64_t run, const std::string& path,
                       const std::string& option, std::vector<KeptFile> kept) {
  for (KeptFile& k : store_files(store_path)) kept.push_back(std::move(k));
  check_output(path, option, kept, OutputKind::Report);  // before the work of rendering; written, again
  // Not a store, an empty one, one of another version or a damaged one: bad input (InputError, exit 1), as
  // for show. A store that cannot be read now (a full disk, a file-size limit) is a failure (exit 3); it was
  // made bad input here, with its words twice (outside attack 14).
  test_hooks::while_writing_report();
  const RunStore store = RunStore::open(store_path, RunStore::Mode::ReadOnly);
  // The scenario files the run was made from (and its comparators) are the user's inputs too: never replaced
  // by its report. Their names are as the run was given them, so only those that still name a file count.
  for (const StoredScenario& sc : store.scenarios(run))
    kept.push_back(
        {sc.file, fmt::format("{} of run {} ('{}')", sc.role == "comparator" ? "a comparator" : "a scenario",
                              run, sc.name)});
  check_output(path, option, kept, OutputKind::Report);
  write_file_atomically(path, html_report(store, run), option, kept, OutputKind::Report);
}

}  // namespace wijksim
