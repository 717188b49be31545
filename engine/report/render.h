// Rendering a Report (table.h) for people and for machines:
//  - table: aligned text in Dutch number notation (1.234,5; euros as "€ 1.234.567"; shares as
//    percentages), each figure with its interval: "12,3 (11,8–12,9)";
//  - csv: tidy, one line per figure (scenario, comparator, table, row, column, unit, mean, sd, se, lo, hi,
//    n, text), numbers in full precision with a decimal point, so R or a spreadsheet reads it as it is;
//  - json: the whole report, keys in a fixed order, numbers in full precision (NaN as null).
// None of them writes anything that depends on time or on the number of threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wijksim/report/table.h"

namespace wijksim {

enum class Format { Table, Csv, Json };

std::optional<Format> parse_format(std::string_view name);  // "table", "csv", "json"

std::string render(const Report& r, Format f);
// The report in every format, ("table", text), ("csv", ...), ("json", ...): what the results store keeps so
// that `wijksim show` prints it without simulating.
std::vector<std::pair<std::string, std::string>> render_all(const Report& r);
std::string render_table(const Report& r);
std::string render_csv(const Report& r);
std::string render_json(const Report& r);

// Dutch notation: '.' between thousands, ',' before decimals, rounded half away from zero; "-0" never.
std::string format_dutch(double x, int decimals);
// "€ 1.234.568" (whole euros), "€ -1.234".
std::string format_euros(double euros);
// "5 of 5 runs" for the share p of n runs (a count with one decimal where ties split a run); the
// percentage, "91,0%", from kFewRuns runs up.
std::string format_probability(double p, int n, const std::string& noun);
// A cell as the table renderer shows it ("" for an empty cell, "n/a" for an undefined figure).
std::string format_cell(const Cell& c);
// Columns on a terminal: UTF-8 code points (the renderer uses "€" and "–").
std::size_t display_width(std::string_view s);

}  // namespace wijksim
