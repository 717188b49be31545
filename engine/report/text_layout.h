// Tables as text that fits a terminal: no line longer than the width it is given.
//
// A table is laid out the first way that fits, in this order of preference:
//  1. side by side, each figure on one line: "12,3 (11,8 to 12,9)";
//  2. side by side, the interval under its figure;
//  3. transposed (a table of a few options and many measures: the options become the columns);
//  4. split into column groups (a table of many similar columns, such as years), the row labels repeated;
//  5. stacked: each row's label on a line of its own, then its cells as "column: figure" lines.
// Column headers and text cells wrap at word boundaries; row labels wrap when they would crowd the figures
// out.
//
// Notation (README, "What the tables say"): Dutch numbers (1.234,5), each figure with its 95% interval as
// "mean (low to high)". Euros are written in the unit of their column, chosen from the column's values and
// named in its header: "EUR" (whole euros, cents under 100), "EUR thousand" (one decimal) or "EUR million"
// (two decimals). Where euros share a column with other units, each carries its own: "€ 1,23 mln (1,10 to
// 1,36)" from 100.000 on, "€ 12.345" below.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "wijksim/report/table.h"

namespace wijksim::text {

// The unit euros are written in.
enum class EuroScale {
  Euro,      // whole euros, the unit in the header
  Cents,     // euros and cents (amounts under 100 that are not whole), the unit in the header
  Thousand,  // EUR thousand, one decimal
  Million,   // EUR million, two decimals
  PerCell,   // each cell names its own: "€ 1,23 mln", "€ 12.345"
};

// The scale for a set of cells, from their largest value: million from 1.000.000, thousand from 10.000,
// whole euros from 100, else cents (unless all are whole); PerCell when euros are mixed with other units.
EuroScale euro_scale(const std::vector<const Cell*>& cells);
// "extra cost (EUR)" -> "extra cost (EUR million)"; a label without "EUR" gets " (EUR million)" appended.
std::string with_euro_unit(const std::string& label, EuroScale s);
// The smallest amount a euro figure shows at scale `s`, as cell_text writes it: 10.000 in EUR million (two
// decimals), 100 in EUR thousand, 1 in whole euros, 0,01 in cents.
double euro_step(EuroScale s);

// A figure as text: its value ("-1,80", "49,0%", "€ 1,23 mln") and its interval ("(-2,10 to -1,50)", or
// "" when it has none).
struct CellText {
  std::string value, interval;
  bool number = false;  // a figure (right-aligned), not words
};
CellText cell_text(const Cell& c, EuroScale s);
// The decimals cell_text writes a figure of a unit other than euros with: its unit's, more where its
// interval's ends would read alike.
int shown_decimals(const Cell& c);
// Figures that are read against each other (a mean, a 95th percentile and a maximum of one measure) written
// with the same decimals, the most any of them needs: "30,0" beside "29,99" put a 95th percentile above the
// maximum it cannot exceed (a policy advisor's reading of a PSA).
void same_decimals(const std::vector<Cell*>& cells);
// The two ends of a Cell::of_ends, each written as its base is (its decimals and scale), so that a range
// reads in one style: "-204 and -74,57" mixed whole euros and cents, each end under its own rule.
std::pair<std::string, std::string> ends_text(const Cell& c, EuroScale s);
// An interval of no width, up to rounding in sums (a coach bill of 4,08 mln): the figure was the same in
// every run, said kNoSpread instead of "(4,08 to 4,08)". Tables and chart tooltips alike.
bool no_spread(double mean, double lo, double hi);
// The same for a figure with its sd: no width and no sd either (up to the same rounding). From 40 draws on
// the interval is the 2.5 to 97.5 percentiles, which can be of no width while two draws in a hundred differ:
// "(same in all runs)" would have claimed all (a review).
bool no_spread(const Stat& s);
inline constexpr const char* kNoSpread = "(same in all runs)";
// The same for a value given or derived once (Cell::one_value), whose interval is not over runs.
inline constexpr const char* kNoWidth = "(an interval of no width)";
// value and interval on one line
std::string one_line(const CellText& t);
// "a", "a and b", "a, b and c"; "" for none.
std::string names_and(const std::vector<std::string>& names);

// What the layout works on: a table's title, context and notes around a grid of cells, with headings
// between groups of rows.
struct Grid {
  std::string title;
  std::vector<std::string> context;  // lines under the title, e.g. "scenario: pilot minus comparator: ..."
  std::vector<std::string> columns;
  std::vector<int> column_groups;  // Column::euro_group of each column (-1: none)
  struct Line {
    std::string label;
    int indent = 0;
    std::vector<Cell> cells;  // one per column; none for a heading
    bool heading = false;     // a heading over the rows that follow
    int group = -1;           // by_row: rows of one group (and its heading) share their euro unit, named once
  };
  std::vector<Line> rows;
  std::string note;
  // Euros are scaled per row (the unit goes to the row label or its group's heading) rather than per
  // column.
  bool by_row = false;
  bool may_transpose = true;
  // The euro unit goes to the title (which names "EUR"), one scale for every cell: the columns and rows are
  // values of parameters (a two-way map), which "2,00 (EUR)" showed as amounts (outside attack 40).
  bool unit_in_title = false;
  // Each euro column in its own unit, not that of the columns of like amounts beside it: the efficiency
  // frontier's costs, in the thousands of its ICERs beside them, read "7,6" and "8,0" and could not give
  // the ICER of 16,2 thousand (a steering group's reading, an independent check).
  bool columns_own_units = false;
};

Grid grid_of(const Table& t);

// The grid as text of at most `width` columns a line (width is at least kMinWidth), ending in a blank line.
std::string layout(const Grid& g, std::size_t width);

inline constexpr std::size_t kMinWidth = 40;

// Cuts a word into pieces of at most `width` display columns (at least one character each), between whole
// characters.
std::vector<std::string> cut(const std::string& word, std::size_t width);

// Word-wraps `text` to lines of at most `width` display columns: the first starts with `first`, the rest
// with `rest`. A word longer than a line is cut, but for a file's path (a word with a '/'), which has a line
// of its own, longer than `width`: cut in two it could not be copied (outside attack 43).
std::string wrap(const std::string& text, std::size_t width, const std::string& first,
                 const std::string& rest);
// The same as lines. A word longer than a line is cut, but for a path where `whole_paths` (a table's cell
// must keep its column).
std::vector<std::string> wrap_lines(const std::string& text, std::size_t width, bool whole_paths = false);

}  // namespace wijksim::text
