// Rendering a Report (table.h) for people and for machines:
//  - table: text for a terminal, no line wider than it (text_layout.h): a summary first (At a glance, every
//    compared scenario side by side), then the details in sections; Dutch number notation (1.234,5), each
//    figure with its interval as "12,3 (11,8 to 12,9)", euros in the unit their column or row names (EUR,
//    EUR thousand, EUR million);
//  - csv: tidy, one line per figure (scenario, comparator, table, row, column, unit, mean, sd, se, lo, hi,
//    n, text), numbers in full precision with a decimal point, so R or a spreadsheet reads it as it is;
//  - json: the whole report, keys in a fixed order, numbers in full precision (NaN as null).
// None of them writes anything that depends on time or on the number of threads; only the table format
// depends on the width it is given.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wijksim/core/dutch_numbers.h"
#include "wijksim/report/table.h"

namespace wijksim {

enum class Format { Table, Csv, Json };

std::optional<Format> parse_format(std::string_view name);  // "table", "csv", "json"

// What the table format prints and how wide.
struct TextOptions {
  TextOptions(std::size_t w = 100, std::vector<std::string> s = {}) : width(w), sections(std::move(s)) {}
  std::size_t width = 100;            // no line is longer (a pipe or a file gets 100)
  std::vector<std::string> sections;  // the sections to print, in this order; empty: all
  // Per scenario, what the period's means hide at its end (at_the_end, run_series.h: queues still growing,
  // places cut by the last week), said after its In short: read from the results store, or for a run not
  // kept (--no-store) from its weeks kept in memory (kept_weeks.h).
  std::map<std::string, std::string> at_the_end;
  // Said under In short where at_the_end could not be read (a run not kept whose weeks were too many to keep
  // in memory); empty otherwise.
  std::string at_the_end_unsaid;
  // The glance is among the sections to print (then at_the_end is worth reading from the store).
  bool glance() const {
    return sections.empty() || std::find(sections.begin(), sections.end(), "glance") != sections.end();
  }
};

// The sections of the table format, in their default order: glance (every compared scenario side by side:
// the decision, each payer's cash, capacity, waits), economics (cost-effectiveness, the frontier,
// acceptability and EVPI, budget impact, who pays), budget, agencies (with the coaches' caseload),
// households (with their events), calibration, other (any table of none of these).
const std::vector<std::string>& section_names();
// "glance,economics" or "all"; an unknown name is an InputError that lists the known ones.
std::vector<std::string> parse_sections(std::string_view list);
// The section a table is printed in.
std::string section_of(const Table& t);

std::string render(const Report& r, Format f, const TextOptions& text = {});
// The report in every format, ("table", text), ("csv", ...), ("json", ...): what the results store keeps so
// that `wijksim show` prints it without simulating (the table at 100 columns, every section).
std::vector<std::pair<std::string, std::string>> render_all(const Report& r);
std::string render_table(const Report& r, const TextOptions& o = {});
std::string render_csv(const Report& r);
std::string render_json(const Report& r);
// The report again from its JSON (render_json), so a stored run prints at any width.
Report report_from_json(const std::string& json);
// One cell of that JSON as the table model's Cell.
Cell cell_from_json(const nlohmann::ordered_json& j);
// A member of a stored JSON object, or null when it has none (the const operator[] must not see a missing
// key); a string member's text, or "".
const nlohmann::ordered_json& json_member(const nlohmann::ordered_json& j, const char* key);
std::string json_text(const nlohmann::ordered_json& j);

// "5 of 5 runs" for the share p of n runs (a count with one decimal where ties split a run); the
// percentage, "91,0%", from kFewRuns runs up.
std::string format_probability(double p, int n, const std::string& noun);
// Decimals a figure of this unit is shown with (whole euros, cents under 100; percentages to one decimal).
int display_decimals(const Cell& c);
// A cell as the HTML report shows it: "€ 1.234.568 (1.200.000–1.260.000)" ("" for an empty cell, "n/a" for
// an undefined figure).
std::string format_cell(const Cell& c);
// Two values of one unit as the ends of a range, both in the style of the one farther from zero (format_cell
// would style each on its own: "€ -204 and € -74,57").
std::pair<std::string, std::string> format_range(double low, double high, Unit u);
// Columns on a terminal: UTF-8 code points (the renderer uses "€" and "–").
std::size_t display_width(std::string_view s);

}  // namespace wijksim
