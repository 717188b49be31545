// A neutral table model: what a report says, before it is rendered as text, CSV or JSON (render.h).
//
// A table has a title, columns, and rows of cells; a cell is empty, text, or a number with its unit and,
// when it is a figure over replications, its mean, sd, standard error and interval. Keys are stable
// identifiers for machines (CSV, JSON); labels are for people.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/core/statistics.h"

namespace wijksim {

enum class Unit {
  Count,  // households, cases (a mean over weeks need not be whole)
  Share,  // 0..1; shown as a percentage
  // A difference of two shares, -1..1: shown in percentage points ("2,0 pp" for 40% against 38%), not as a
  // percentage, which reads as a relative change.
  SharePoints,
  Euro,  // euros (nominal unless the table says otherwise)
  Weeks,
  PerYear,          // events per year
  PerThousandYear,  // events per 1,000 households per year
  PerThousand,      // households per 1,000 households
  PerFte,           // households per coach FTE
  Fte,              // full-time equivalents of staff (an agency's places used, in FTE)
  Trust,            // 0..1
  Rung,             // participation ladder, 1..6 (or rungs gained)
  Years,            // (household-)years, e.g. problem-free household-years per household
  Value,            // a parameter in its own unit (the scenario file's): three significant digits
};
const char* to_string(Unit u);                   // stable name for CSV and JSON, e.g. "share", "euro"
Unit unit_from_string(const std::string& name);  // the inverse of to_string (Count for an unknown name)

// What a figure's low and high are, by name, for a program reading CSV or JSON (the tables' notes say it in
// words; an analyst read the same mean with the draws' spread in one table and the interval of the mean in
// another, with nothing in the CSV to tell them apart).
namespace interval_kind {
inline constexpr const char* kMean = "mean_95ci";              // the 95% interval of the mean over the runs
inline constexpr const char* kEnds = "parameter_ends";         // the figure at a parameter's low and high end
inline constexpr const char* kRegression = "estimate_1.96se";  // the estimate -/+ 1.96 standard errors
inline constexpr const char* kGiven = "given";  // an interval given with a target, not computed
inline constexpr const char* kSurvey = "survey_95ci";  // a survey share's sampling interval, from its n
// The 2.5th and 97.5th percentiles over `n` draws, virtual studies or parameter sets ("draws", "studies",
// "sets"), or below kPercentileDraws the lowest and the highest: "draws_2.5_97.5_percentiles",
// "draws_lowest_highest".
std::string spread(const std::string& over, std::size_t n);
// A figure of a study with `draws` parameter draws: over the draws from 2 on (spread("draws", draws)), else
// the interval of the mean over the runs.
std::string over_draws(std::size_t draws);
}  // namespace interval_kind

struct Cell {
  enum class Kind { Empty, Text, Number };
  Kind kind = Kind::Empty;
  std::string text;
  Unit unit = Unit::Count;
  Stat stat;  // for a single value: mean only (the rest NaN, n = 1)
  // A probability counted over `stat.n` runs or draws: the noun ("runs", "draws"). Below kFewRuns
  // (analysis/honest_uncertainty.h) it is shown as a count, "5 of 5 runs", not "100,0%".
  std::string counted;
  // A one-way range: stat.lo and stat.hi are the figure at a parameter's low and high end (stat.mean the
  // base case), shown as "lo → hi".
  bool ends = false;
  // Shown with at least this many decimals (not euros): a parameter value's more than its three significant
  // digits where they tell two values apart (a tornado's ends of a narrow range), or figures read against
  // each other written alike (text::same_decimals).
  int decimals_at_least = 0;
  // Shown to this many significant digits, with the decimals they need whatever the column's (0: the unit's
  // rule alone), for a figure that the runs behind it know no better (an EVPI from fewer draws than the
  // EVPPI's least); CSV and JSON keep it whole.
  int significant = 0;
  // A value given or derived once (a target, a norm, a survey's N), not a figure over runs: its n = 1 says
  // nothing of how many runs it is over, where a figure defined in one run of several has n = 1 too.
  bool one_value = false;
  // What stat.lo and stat.hi are, where not the table's (Table::interval): one of the kinds below.
  std::string interval;
  // The number as shown, where the unit's rule would not show it truly (a tornado's end of 1e-18 printed as
  // 0,000000; outside attack 60): the table and the page print this; CSV and JSON keep the number whole
  // and give this as its text.
  std::string shown;

  static Cell empty() { return {}; }
  static Cell of_text(std::string t) {
    Cell c;
    c.kind = Kind::Text;
    c.text = std::move(t);
    return c;
  }
  static Cell of(const Stat& s, Unit u) {
    Cell c;
    c.kind = Kind::Number;
    c.unit = u;
    c.stat = s;
    return c;
  }
  static Cell of_value(double v, Unit u) {
    Stat s;
    s.mean = v;
    s.n = 1;
    Cell c = of(s, u);
    c.one_value = true;
    return c;
  }
  // The share p of n runs (or draws, as `noun` says) in which something holds.
  static Cell of_probability(double p, int n, std::string noun) {
    Cell c = of_value(p, Unit::Share);
    c.stat.n = n;
    c.one_value = false;
    c.counted = std::move(noun);
    return c;
  }
  // A figure at the two ends of a parameter's range, with the base case between them.
  static Cell of_ends(double base, double at_low, double at_high, Unit u) {
    Cell c = of_value(base, u);
    c.stat.lo = at_low;
    c.stat.hi = at_high;
    c.ends = true;
    return c;
  }
  // A value with an interval that is not over replications (e.g. a survey's sampling interval).
  static Cell of_interval(double v, double lo, double hi, Unit u) {
    Stat s;
    s.mean = v;
    s.lo = lo;
    s.hi = hi;
    s.n = 1;
    Cell c = of(s, u);
    c.one_value = true;
    c.interval = interval_kind::kGiven;  // a spread over draws or studies is named where it is made
    return c;
  }
  // This cell as one figure computed from n runs or draws together (an EVPI, a mean over the draws with
  // their spread): JSON's n says what it is over, where a value given once says 1 (a check of the stored
  // summaries found the EVPI and the expected incremental benefit stored as over 1).
  Cell over(std::size_t runs_or_draws) const {
    Cell c = *this;
    c.stat.n = static_cast<int>(runs_or_draws);
    c.one_value = false;
    return c;
  }
};

struct Column {
  std::string key;
  std::string label;           // with its unit where the column has one, e.g. "wait (weeks)"
  bool terminal_only = false;  // a picture for the text table (a tornado's bars): not in CSV or JSON
  // Columns of one group (0 or more) share their euro unit, and those outside it keep their own: a table
  // that sets it says which euros are alike (a sweep's payers, not its euros per household). -1 in every
  // column: columns of like size share (the layout's default).
  int euro_group = -1;
};

struct Row {
  std::string key;
  std::string label;
  std::vector<Cell> cells;  // one per column
  int indent = 0;           // a sub-row of the row above (e.g. a payer's categories)
};

struct Table {
  std::string id;  // e.g. "budget", "budget_difference"
  std::string title;
  std::string scenario;    // the scenario the figures are about
  std::string comparator;  // for a difference table: the comparator subtracted ("" otherwise)
  std::string note;        // how to read it: units, interval, nominal or discounted
  std::string interval = interval_kind::kMean;  // what its cells' low and high are (Cell::interval)
  std::vector<Column> columns;
  std::vector<Row> rows;
  // Euros: the unit is named in the title (which says "EUR"), not in the column labels, which are values of a
  // parameter (a two-way map).
  bool unit_in_title = false;
};

// A table's row by its key, and the cell of that row in the column keyed `column`; nullptr where the table,
// the row or the column is not there.
const Row* row_of(const Table* t, const std::string& key);
const Cell* cell_of(const Table* t, const std::string& row, const std::string& column);

struct ScenarioRef {
  std::string name;
  std::string file;
  std::string hash;        // of the fully resolved scenario, when known
  std::string comparator;  // file of its comparator ("" for a comparator)
  std::uint64_t seed = 0;  // the runs: replications first_replication .. + replications - 1 of this seed
  std::uint32_t first_replication = 0;
  std::uint32_t replications = 0;
  std::uint32_t draws = 0;  // parameter draws, each of those replications (0: the base case)
  int years = 0;            // policy years
  // With parameter draws that take values from calibrated parameter sets (the scenario's `parameter_sets`
  // or --parameters): the sets file as named, how many sets it holds and how many parameters each gives.
  std::string sets_file;
  std::uint32_t sets = 0, set_parameters = 0;
};

// Everything a command prints. Nothing here may depend on time or thread count: `--threads 1` and
// `--threads 2` must render byte-identical JSON.
struct Report {
  std::string command;  // "run", "compare"
  std::string version;
  std::string interval = std::string(kIntervalMethod) + "; " + kDifferenceIntervals;
  std::vector<ScenarioRef> scenarios;
  std::vector<Table> tables;
};

}  // namespace wijksim
