#include "wijksim/report/sensitivity_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/statistics.h"
#include "wijksim/report/economic_text.h"
#include "wijksim/report/parameter_words.h"
#include "wijksim/report/render.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {
namespace {

Cell text(const std::string& t) {
  return Cell::of_text(t);
}

std::vector<std::string> unique(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (const std::string& s : v)
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// A parameter value as the tables print it: three significant digits.
std::string value_text(double v) {
  return format_cell(Cell::of_value(v, Unit::Value));
}

// The values of a grid (a sweep's points, a two-way map's columns and rows) as labels: with the fewest
// decimals, up to 4, that write every value exactly, whole numbers as such when every value is one (the
// weeks of coaches.max_weeks showed as "10,0 11,0 12,0"; outside attack 40; three significant digits wrote
// the points 1, 100,5 and 200 as "1,00 101 200", a value that was not simulated), else each with its three
// significant digits.
std::vector<std::string> grid_labels(const std::vector<double>& values) {
  std::vector<std::string> labels;
  // Exact with at most two decimals ("2,75"); else three significant digits, as every parameter value: a
  // grid of euro amounts exact at three decimals was labelled "41.995,065" (an analyst's reading).
  for (int decimals = 0; decimals <= 2; ++decimals) {
    const double scale = std::pow(10.0, decimals);
    const auto exact = [&](double v) {
      const double scaled = v * scale;
      return std::fabs(v) < 1e12 &&
             std::fabs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, std::fabs(scaled));
    };
    if (std::all_of(values.begin(), values.end(), exact)) {
      for (double v : values) labels.push_back(format_dutch(v, decimals));
      return labels;
    }
  }
  for (double v : values) labels.push_back(value_text(v));
  // Values three digits do not tell apart keep four decimals.
  if (std::set<std::string>(labels.begin(), labels.end()).size() < labels.size()) {
    labels.clear();
    for (double v : values) labels.push_back(format_dutch(v, 4));
  }
  return labels;
}

// An end of a threshold's range, or a point of its grid: a whole number as such ("1 to 2" for a number of
// weeks, not "1,00 to 2,00").
std::string range_end_text(const ThresholdSpec& spec, double v) {
  return spec.whole ? format_cell(Cell::of_value(v, Unit::Count)) : value_text(v);
}

std::string euros_text(double v) {
  return format_cell(Cell::of_value(v, Unit::Euro));
}

std::string outcome_text(const Outcome& o, double v) {
  return format_cell(Cell::of_value(v, table_unit(o.unit)));
}

// How the settings were simulated, and whether their base case is the comparison the tables print: with
// other replications (--sensitivity-replications, or one run per draw of a PSA) it is simulated anew and
// differs from it by Monte Carlo error (the note said "the base case's replications" beside a base NMB of
// -276 where the tables said -395; outside attack 15).
std::string crn_note(const DecisionSensitivity& d) {
  const std::string runs = d.replications == 1 ? std::string("replication 0")
                                               : fmt::format("replications 0 to {}", d.replications - 1);
  return d.base_is_printed
             ? std::string(
                   "Each setting simulated with common random numbers: the base case's seed and "
                   "replications, so the differences are the parameter's effect on the same households, "
                   "most of their luck cancelling (not all: a setting that changes who gets a place, even "
                   "one, sets later events on other courses); the base case is the comparison the tables "
                   "above give.")
             : fmt::format(
                   "Each setting simulated with common random numbers: the study's seed and {}, so the "
                   "differences are the parameter's effect on the same households, most of their luck "
                   "cancelling (not all: a setting that changes who gets a place, even one, sets later "
                   "events on other courses); the base case "
                   "here (every parameter at its mean) is simulated with those runs too, so it differs "
                   "from the tables above, which average another set of runs, by Monte Carlo error.",
                   runs);
}

Table tornado_table(const DecisionSensitivity& d, const Tornado& t) {
  Table tb;
  tb.id = "tornado";
  tb.title = "Which assumptions decide it? One-way sensitivity of the net monetary benefit per household";
  tb.scenario = d.names[t.option];
  tb.comparator = d.names[0];
  const double base = t.base.empty() ? kNaN : t.base[0];
  // A range given on the command line is the user's, not an interval of the parameter's distribution, and
  // the base case keeps the scenario's value, which may lie outside it (outside attack 17: such ends were
  // headed "at 2.5%" and "97.5%").
  std::vector<std::string> given;
  for (const TornadoBar& b : t.bars)
    if (b.given) given.push_back(b.parameter);
  const std::string percentiles =
      "at the 2,5th and 97,5th percentiles of its distribution (in every scenario of the decision that "
      "gives it, each at its own distribution's percentiles)";
  const std::string ends =
      given.empty() ? "Each uncertain parameter " + percentiles
                    : fmt::format(
                          "{} at the two ends of the range given on the command line, in every scenario of "
                          "the decision that gives it (--parameters KEY=FROM:TO: a range of the user's "
                          "choosing, not an interval of a distribution, a whole-number parameter's ends "
                          "the whole numbers just inside it, as the columns show; the base case keeps the "
                          "scenario's value, which may lie outside it){}",
                          join(given, ", "),
                          given.size() == t.bars.size() ? "" : "; every other parameter " + percentiles);
  // Both ends on one side of the base case: the outcome is not monotone across the range, which from a
  // simulation mostly means its Monte Carlo noise is as large as the parameter's effect (outside attack 23:
  // outreach 0.99 and 1.01 both 200 euros above the base, a swing as large as the coach cost's).
  std::vector<std::string> one_sided;
  for (const TornadoBar& b : t.bars)
    if (b.base_between && !b.low.empty() && !b.high.empty() &&
        ((b.low[0] > base && b.high[0] > base) || (b.low[0] < base && b.high[0] < base)))
      one_sided.push_back(b.parameter);
  const std::string noise =
      one_sided.empty()
          ? ""
          : fmt::format(
                " Both ends on one side of the base case, whose value lies between them: {}. The outcome "
                "does not move one way across the range there: a real turn, or the Monte Carlo error of a "
                "setting as large as the parameter's effect; more replications (--sensitivity-replications) "
                "tell which.",
                join(one_sided));
  tb.note = fmt::format(
      "{}, the others at their means; sorted by the swing of the net monetary benefit (the range of the two "
      "ends and "
      "the base case, {} per household at {} per problem-free household-year).{} {} Replications: {}.{}{}",
      ends, euros_text(base), format_euros_as_given(d.willingness_to_pay), kTornadoTerminalBars, crn_note(d),
      d.replications, noise, d.skipped.empty() ? "" : " Not varied: " + join(d.skipped, "; ") + ".");
  tb.columns = {{"low", given.empty() ? kTornadoLowAtPercentile : "parameter at its low end"},
                {"high", given.empty() ? "at 97,5%" : "at its high end"},
                {"nmb_low", "net benefit at the low end (EUR)"},
                {"nmb_high", "at the high end (EUR)"},
                {"swing", "swing (EUR)"},
                {"nmb_base", "base case (EUR)"}};
  const auto reps = static_cast<std::size_t>(std::max(d.replications, 1));
  for (const TornadoBar& b : t.bars) {
    // Ends that three significant digits show alike (5.001 and 5.002 both "5,00", outside attack 20) take
    // as many more decimals as tell them apart.
    Cell low = Cell::of_value(b.low_value, Unit::Value), high = Cell::of_value(b.high_value, Unit::Value);
    while (b.low_value != b.high_value && format_cell(low) == format_cell(high) && low.decimals_at_least < 17)
      low.decimals_at_least = high.decimals_at_least =
          std::max(display_decimals(low), display_decimals(high)) + 1;
    // Ends the decimals do not show truly are written in significant digits with an exponent, as few as
    // tell them apart (at least three), the number itself kept for CSV and JSON: ends too small for 17
    // decimals (coaches.fte=1e-300:1e-299 printed 0,00000000000000000 twice; outside attack 59), or an end
    // not zero shown as zero (0:1e-18 printed "0" and "0,000000"; outside attack 60).
    const auto shows_zero = [](const Cell& c) {
      return c.stat.mean != 0 && format_cell(c).find_first_of("123456789") == std::string::npos;
    };
    if (b.low_value != b.high_value &&
        (format_cell(low) == format_cell(high) || shows_zero(low) || shows_zero(high))) {
      int digits = 3;
      const auto significant = [&digits](double v) {
        std::string text = fmt::format("{:.{}g}", v, digits);
        std::replace(text.begin(), text.end(), '.', ',');
        return text;
      };
      while (digits < 17 && significant(b.low_value) == significant(b.high_value)) ++digits;
      low.shown = significant(b.low_value);
      high.shown = significant(b.high_value);
    }
    tb.rows.push_back(
        {b.parameter,
         parameter_label(b.parameter),
         // The net benefits are means over each setting's replications (the parameter's ends are given).
         {low, high, Cell::of_value(b.low.at(0), Unit::Euro).over(reps),
          Cell::of_value(b.high.at(0), Unit::Euro).over(reps), Cell::of_value(b.swing, Unit::Euro).over(reps),
          Cell::of_value(base, Unit::Euro).over(reps)},
         0});
  }
  add_tornado_bars(tb);
  return tb;
}

Table one_way_table(const DecisionSensitivity& d, const Tornado& t) {
  Table tb;
  tb.id = "one_way";
  tb.title = "One-way sensitivity of every outcome: at the parameter's low end \u2192 at its high end";
  tb.scenario = d.names[t.option];
  tb.comparator = d.names[0];
  std::string base;
  for (std::size_t k = 0; k < d.outcomes.size() && k < t.base.size(); ++k)
    base += fmt::format("{}{} {}", k ? "; " : "", d.outcomes[k].label.text,
                        outcome_text(d.outcomes[k], t.base[k]));
  tb.note = fmt::format(
      "Rows in the tornado's order. Budget differences: discounted euros over the policy years for the whole "
      "population, intervention minus comparator (negative: less spent, discounted; who pays and who saves "
      "is of the nominal "
      "cash). The base case: {}. {}",
      base, crn_note(d));
  for (const Outcome& o : d.outcomes)
    tb.columns.push_back({o.label.key, fmt::format("{} ({})", o.label.text, unit_words(o.unit))});
  for (const TornadoBar& b : t.bars) {
    Row r{b.parameter, parameter_label(b.parameter), {}, 0};
    for (std::size_t k = 0; k < d.outcomes.size(); ++k)
      r.cells.push_back(
          Cell::of_ends(t.base.at(k), b.low.at(k), b.high.at(k), table_unit(d.outcomes[k].unit)));
    tb.rows.push_back(std::move(r));
  }
  return tb;
}

std::vector<Table> two_way_tables(const DecisionSensitivity& d) {
  std::vector<Table> out;
  if (!d.two_way) return out;
  const TwoWay& w = *d.two_way;
  std::string others;
  for (std::size_t o = 1; o < d.names.size(); ++o) others += (o > 1 ? ", " : "") + d.names[o];
  Table p;
  p.id = "two_way";
  // The parameters in words with their key paths (an advisor's reading of the key paths alone); the
  // report's chart reads its axes' names from between " by ", " (columns) and " and " (rows)".
  const std::string x_name = parameter_label_in_sentence(w.x_parameter),
                    y_name = parameter_label_in_sentence(w.y_parameter);
  p.title = fmt::format("Two-way: the preferred option by {} (columns) and {} (rows)", x_name, y_name);
  p.scenario = others;
  p.comparator = d.names[0];
  p.note = fmt::format(
      "Each cell: the option with the highest expected net monetary benefit at {} per problem-free "
      "household-year (the comparator when no intervention's is above zero). Both parameters set in every "
      "scenario of the decision that gives them; the others at their means. {}",
      format_euros_as_given(d.willingness_to_pay), crn_note(d));
  if (!d.two_way_grid_note.empty()) p.note += " " + d.two_way_grid_note;
  const std::vector<std::string> x_labels = grid_labels(w.xs), y_labels = grid_labels(w.ys);
  for (std::size_t i = 0; i < w.xs.size(); ++i)
    p.columns.push_back({fmt::format("x_{}", w.xs[i]), x_labels[i]});
  for (std::size_t j = 0; j < w.ys.size(); ++j) {
    Row r{fmt::format("y_{}", w.ys[j]), y_labels[j], {}, 0};
    for (std::size_t i = 0; i < w.xs.size(); ++i) {
      const TwoWayCell& c = w.cells[j * w.xs.size() + i];
      r.cells.push_back(text(d.names[c.preferred]));
    }
    p.rows.push_back(std::move(r));
  }
  out.push_back(std::move(p));
  for (std::size_t o = 1; o < d.names.size(); ++o) {
    Table c;
    c.id = "two_way_cost";
    c.title =
        fmt::format("Two-way: extra cost per household (EUR) by {} (columns) and {} (rows)", x_name, y_name);
    c.unit_in_title = true;
    c.scenario = d.names[o];
    c.comparator = d.names[0];
    // Each cell a mean over the replications, without its interval: a map of means (the tornado and
    // thresholds carry the intervals).
    c.note = fmt::format(
        "Discounted, all payers, intervention minus comparator (negative: it saves money); each cell the "
        "mean "
        "over {}, without its interval. {}",
        d.replications == 1 ? std::string("the 1 replication")
                            : fmt::format("the {} replications", d.replications),
        crn_note(d));
    for (std::size_t i = 0; i < w.xs.size(); ++i)
      c.columns.push_back({fmt::format("x_{}", w.xs[i]), x_labels[i]});
    for (std::size_t j = 0; j < w.ys.size(); ++j) {
      Row r{fmt::format("y_{}", w.ys[j]), y_labels[j], {}, 0};
      for (std::size_t i = 0; i < w.xs.size(); ++i)
        r.cells.push_back(Cell::of_value(w.cells[j * w.xs.size() + i].delta_cost[o], Unit::Euro)
                              .over(static_cast<std::size_t>(std::max(d.replications, 1))));
      c.rows.push_back(std::move(r));
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string status_text(const Threshold& t, const Outcome& o) {
  switch (t.status) {
    case ThresholdStatus::Undefined:
      return "undefined: the outcome has no value in this range";
    case ThresholdStatus::NotCrossed: {
      double lo = kNaN, hi = kNaN;
      for (double v : t.grid_mean)
        if (!std::isnan(v))
          lo = std::isnan(lo) ? v : std::min(lo, v), hi = std::isnan(hi) ? v : std::max(hi, v);
      const auto [low, high] = format_range(lo, hi, table_unit(o.unit));
      return fmt::format("not met in the range: the outcome stays between {} and {}", low, high);
    }
    case ThresholdStatus::Found:
      break;
  }
  std::string s = fmt::format("{} {} above this value", o.label.text, t.rising ? "rises" : "falls");
  if (t.crossings > 1)
    s += fmt::format("; not monotone: {} crossings on the grid, the first refined", t.crossings);
  return s;
}

std::vector<Table> threshold_tables(const DecisionSensitivity& d) {
  std::vector<Table> out;
  if (d.thresholds.empty()) return out;
  Table t;
  t.id = "thresholds";
  t.title = "Thresholds: the value of a parameter at which the decision changes or a target is met";
  t.scenario = join(unique(d.threshold_scenario));
  t.comparator = d.names[0];
  t.note = fmt::format(
      "The mean over {} of the outcome on a grid of 5 points over the range, its first crossing "
      "of the target from the low end refined by bisection (to 1% of the range; common random numbers make "
      "the outcome smoother in the parameter, not smooth: a setting that changes who gets a place sets later "
      "events on other courses, so noise can cross too); more than one crossing is reported, not hidden. In "
      "brackets: "
      "the 95% interval of the mean of each replication's own crossing (the households' luck; on the logit "
      "scale of the range searched, so it stays in the range); 'crossed in': "
      "the replications that cross in the range.",
      d.replications == 1 ? std::string("1 replication") : fmt::format("{} replications", d.replications));
  // A parameter of whole numbers has no 5 points in a range of fewer, nor a value between two neighbours to
  // simulate: said, where the note's grid of 5 and bisection to 1% stood beside a curve of two points
  // (outside attack 45).
  std::vector<std::string> whole_said;
  for (const Threshold& th : d.thresholds) {
    if (!th.spec.whole ||
        std::find(whole_said.begin(), whole_said.end(), th.spec.parameter) != whole_said.end())
      continue;
    whole_said.push_back(th.spec.parameter);
    t.note += fmt::format(
        " {} takes whole numbers: its grid is of whole numbers ({} of them from {} to {}), the bisection "
        "stops at two neighbours, and the threshold is read between them by linear interpolation.",
        th.spec.parameter, th.grid_x.size(), range_end_text(th.spec, th.spec.from),
        range_end_text(th.spec, th.spec.to));
  }
  t.columns = {{"parameter", "parameter"},  {"outcome", "outcome"}, {"target", "target"},
               {"range", "range searched"}, {"value", "threshold"}, {"crossed", "crossed in"},
               {"status", "how it behaves"}};
  for (std::size_t k = 0; k < d.thresholds.size(); ++k) {
    const Threshold& th = d.thresholds[k];
    const Outcome* o = find_outcome(d.outcomes, th.spec.outcome);
    if (!o) continue;
    Stat v = th.over_replications;
    v.mean = th.value;
    int crossed = 0;
    for (double x : th.per_replication) crossed += !std::isnan(x);
    const auto n = static_cast<int>(th.per_replication.size());
    t.rows.push_back({fmt::format("{}/{}/{}", d.threshold_scenario[k], th.spec.parameter, th.spec.outcome),
                      d.threshold_scenario[k],
                      {text(parameter_label(th.spec.parameter)), text(o->label.text),
                       Cell::of_value(th.spec.target, table_unit(o->unit)),
                       text(fmt::format("{} to {}", range_end_text(th.spec, th.spec.from),
                                        range_end_text(th.spec, th.spec.to))),
                       th.status == ThresholdStatus::Found ? Cell::of(v, Unit::Value) : Cell::empty(),
                       Cell::of_probability(n ? static_cast<double>(crossed) / n : kNaN, n, "runs"),
                       text(status_text(th, *o))},
                      0});
  }
  out.push_back(std::move(t));
  Table c;
  c.id = "threshold_curves";
  c.title = "Planning curves: each threshold's outcome along its parameter (mean over replications)";
  c.scenario = join(unique(d.threshold_scenario));
  c.comparator = d.names[0];
  c.note =
      "The grid each threshold search started from: at each value of the parameter, the outcome's mean over "
      "the replications.";
  // The columns in words: they were headed "threshold" over an internal key
  // ("scaleup/coaches.fte/coach_wait") and "parameter" over its value (an analyst's reading). The row's key
  // still names its threshold row.
  c.columns = {{"threshold", "outcome"}, {"x", "parameter value"}, {"mean", "mean"}};
  for (std::size_t k = 0; k < d.thresholds.size(); ++k) {
    const Threshold& th = d.thresholds[k];
    const Outcome* o = find_outcome(d.outcomes, th.spec.outcome);
    if (!o) continue;
    const std::string name =
        fmt::format("{}/{}/{}", d.threshold_scenario[k], th.spec.parameter, th.spec.outcome);
    for (std::size_t i = 0; i < th.grid_x.size(); ++i)
      c.rows.push_back(
          {fmt::format("{}/{}", name, i),
           // The value is the next column's (it stood in both; an analyst's reading).
           // The parameter's name alone: the thresholds table above gives it with the key path, which
           // here took a column of 78 characters and pushed the outcome into two lines.
           fmt::format("{}: {}", d.threshold_scenario[k], parameter_name(th.spec.parameter)),
           {text(o->label.text), Cell::of_value(th.grid_x[i], th.spec.whole ? Unit::Count : Unit::Value),
            Cell::of_value(th.grid_mean[i], table_unit(o->unit))},
           0});
  }
  out.push_back(std::move(c));
  return out;
}

std::vector<Table> evppi_tables(const DecisionSensitivity& d) {
  std::vector<Table> out;
  Table t;
  t.id = "value_of_information";
  t.interval = interval_kind::kRegression;
  t.title = "What is worth knowing better? Expected value of partial perfect information (EVPPI)";
  t.scenario = d.names[0];
  if (d.evppi.empty()) {
    // The row says why; a note repeating it printed the sentence twice (outside attack 23).
    t.columns = {{"note", "value of information"}};
    t.rows.push_back({"none", "not computed", {text(d.no_evppi)}, 0});
    out.push_back(std::move(t));
    return out;
  }
  t.note = fmt::format(
      "Per household and for all {} households, at {} per problem-free household-year: what knowing the "
      "parameter(s) for certain would be worth before deciding. Non-parametric regression of each "
      "intervention's incremental cost and effect on the parameter(s) over the draws (Strong, Oakley & "
      "Brennan "
      "2014; P-splines with GCV, additive for several parameters: interactions within a group are missed, so "
      "a "
      "group's value can be too low); in brackets EVPPI -/+ 1,96 standard errors (from 0), the error of the "
      "regression over its posterior, not a spread over the draws. 'all': every parameter "
      "together, the EVPI without the households' luck. 'Beyond chance': an F test of the fit of the first "
      "intervention's net benefit on the parameter(s) against none (p below 0,05); where it is not, the "
      "regression may have fitted the households' luck and the draws' noise, and the EVPPI is not told "
      "apart from 0 with these draws (more draws tell). 'Net benefit explained' is the R^2 of the net "
      "benefit "
      "that the cost and effect fits give together (each smoothed on its own; 'none' where the two fits "
      "together miss more than the mean does); the test is of one fit of the "
      "net benefit itself, so a share of a few percent can go with a p well above 0,05.",
      format_dutch(d.households, 0), format_euros_as_given(d.willingness_to_pay));
  if (!d.evppi_left_out.empty())
    t.note += fmt::format(
        " Left out, as their regression has more columns than the draws can carry (more "
        "draws would allow it): {}{}.",
        join(d.evppi_left_out),
        std::any_of(d.evppi_left_out.begin(), d.evppi_left_out.end(),
                    [](const std::string& x) { return x.starts_with("all "); })
            ? " (so the regression EVPI and its advice are not shown)"
            : "");
  // A part cannot be worth more than the whole: an EVPPI above the EVPI of all parameters is the
  // regression's noise with these draws, said (a group's 0,94 stood above all's 0,44 without a word; outside
  // attack 41).
  {
    const auto all = std::find_if(d.evppi.begin(), d.evppi.end(),
                                  [](const EvppiRow& r) { return r.kind == EvppiRow::Kind::All; });
    std::vector<std::string> above;
    if (all != d.evppi.end())
      for (const EvppiRow& r : d.evppi)
        if (r.kind != EvppiRow::Kind::All && r.estimate.value > all->estimate.value) above.push_back(r.name);
    if (!above.empty())
      t.note += fmt::format(
          " {} {} above the value of all parameters together ('all'), which a part cannot be in truth: the "
          "regressions' noise with these draws; more draws tell them apart.",
          join(above), above.size() == 1 ? "is" : "are");
  }
  t.columns = {{"kind", "what"},
               {"parameters", "parameters"},
               {"evppi_household", "EVPPI per household (EUR)"},
               {"evppi_population", "EVPPI, population (EUR)"},
               {"r_squared", "net benefit explained"},
               {"beyond_chance", "beyond chance"}};
  // Many rows each tested at 5% pass some by chance alone (23 rows, about one; a policy advisor's reading
  // of a PSA): Holm's step-down correction for the rows tested, valid whatever the tests' dependence (a
  // group's fit shares its parameters' draws). A row keeps its own test's verdict, and says where the
  // correction takes it back.
  std::vector<std::pair<double, std::string>> tested;
  for (const EvppiRow& r : d.evppi)
    if (!std::isnan(r.estimate.p_value)) tested.emplace_back(r.estimate.p_value, r.name);
  std::stable_sort(tested.begin(), tested.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::size_t m = tested.size();
  std::vector<std::string> corrected;  // beyond chance after the correction
  for (std::size_t i = 0; i < m && tested[i].first < 0.05 / static_cast<double>(m - i); ++i)
    corrected.push_back(tested[i].second);
  const auto after_correction = [&](const EvppiRow& r) {
    return m < 2 || std::find(corrected.begin(), corrected.end(), r.name) != corrected.end();
  };
  bool taken_back = false;
  const char* kinds[] = {"parameter", "section", "group", "all parameters"};
  for (const EvppiRow& r : d.evppi) {
    const bool beyond = !std::isnan(r.estimate.p_value) && r.estimate.p_value < 0.05;
    taken_back = taken_back || (beyond && !after_correction(r));
    Stat per;
    per.mean = r.estimate.value;
    per.se = r.estimate.se;
    per.lo = std::max(0.0, per.mean - 1.96 * per.se);
    per.hi = per.mean + 1.96 * per.se;
    per.n = 1;
    Stat pop = per;
    for (double* x : {&pop.mean, &pop.se, &pop.lo, &pop.hi}) *x *= d.households;
    // One estimate from the regression over the draws, not a figure over runs (an EVPPI of 0 read "(same in
    // all runs)"; outside attack 38).
    Cell per_cell = Cell::of(per, Unit::Euro), pop_cell = Cell::of(pop, Unit::Euro);
    per_cell.one_value = pop_cell.one_value = true;
    t.rows.push_back(
        {r.name,
         r.kind == EvppiRow::Kind::Parameter ? parameter_label(r.name) : r.name,
         {text(kinds[static_cast<int>(r.kind)]),
          text(r.kind == EvppiRow::Kind::Group ||
                       (r.kind == EvppiRow::Kind::Parameter && r.parameters.size() > 1)
                   ? join(r.parameters)
               : r.parameters.size() == 1 ? std::string()
                                          : fmt::format("{} parameters", r.parameters.size())),
          per_cell, pop_cell,
          // A share explained below 0 (the cost and effect fits apart explain the net benefit worse than
          // its mean does) is none, not "-3,9%" (outside attack 41).
          r.estimate.r_squared.empty()       ? Cell::empty()
          : r.estimate.r_squared.front() < 0 ? text("none")
                                             : Cell::of_value(r.estimate.r_squared.front(), Unit::Share),
          std::isnan(r.estimate.p_value)
              ? text("-")
              : text(fmt::format(
                    "{} (p {}){}{}", beyond ? "yes" : "no",
                    r.estimate.p_value < 0.001 ? std::string("< 0,001") : format_dutch(r.estimate.p_value, 3),
                    beyond && !after_correction(r) ? ", not after correction" : "",
                    // Only where the fit stays beyond chance after the correction: the note defines it
                    // as moving the net benefit beyond chance (an analyst's reading).
                    beyond && after_correction(r) && r.estimate.value == 0 ? ", changes no choice" : ""))},
         0});
  }
  if (m >= 2)
    t.note += fmt::format(
        " {} rows tested at 5% each: about {} would pass by chance alone. {}", m,
        format_dutch(0.05 * static_cast<double>(m), 1),
        taken_back
            ? fmt::format("'Not after correction': beyond chance on its own test, but not after Holm's "
                          "correction for the {} tests (the smallest p against 5% / {}, the next against "
                          "5% / {}, and so on until one fails).",
                          m, m, m - 1)
            : fmt::format("Holm's correction for the {} tests takes none of the verdicts back.", m));
  // A fit beyond chance beside an EVPPI of exactly 0 read as worth researching (a new user's reading): the
  // parameter moves the net benefit, but in no draw enough to change the best option.
  if (std::any_of(d.evppi.begin(), d.evppi.end(), [&](const EvppiRow& r) {
        return r.estimate.value == 0 && !std::isnan(r.estimate.p_value) && r.estimate.p_value < 0.05 &&
               after_correction(r);
      }))
    t.note +=
        " 'Changes no choice': the parameter(s) move the net benefit beyond chance, but in no draw enough to "
        "change the best option, so knowing them is worth nothing for this decision.";
  out.push_back(std::move(t));
  if (d.noise) {
    const NoiseAdvice& a = *d.noise;
    Table n;
    n.id = "value_of_information_noise";
    n.title = "How much of the PSA is the households' luck? EVPI with and without it";
    n.scenario = d.names[0];
    // The regression EVPI the advice follows is a fit: where it is not beyond chance, its nil or its size is
    // not told apart from chance, which "none needed" and "Advice: 15 replications" left unsaid (a policy
    // advisor's reading of a PSA, p 0,553).
    const auto all = std::find_if(d.evppi.begin(), d.evppi.end(),
                                  [](const EvppiRow& r) { return r.kind == EvppiRow::Kind::All; });
    // Judged as the table's verdict and the report's EVPI paragraph judge it: beyond chance only where it
    // stays so after the correction for the rows' tests (a review: "yes (p 0,030), not after correction"
    // was pale on the chart and plain here).
    const bool fit_by_chance = all != d.evppi.end() && !std::isnan(all->estimate.p_value) &&
                               (all->estimate.p_value >= 0.05 || !after_correction(*all));
    // Where chance is most of the variance, the spread over the draws and every probability counted over
    // them are mostly the households' luck, whatever the EVPI needs: the pilot's 96% cost-effective over 100
    // draws of one replication was 30 of 30 with four (a policy advisor's reading).
    const bool mostly_luck = a.noise_share >= 0.5;
    std::string advice;
    if (a.advised_replications == 0)
      // At the willingness to pay the table is at: at another the decision may change (the acceptability
      // table), which "the parameters do not change the decision" left unsaid (a policy advisor's reading).
      advice = fmt::format(
          "No advice {}: at {} the parameters do not change the decision (the regression EVPI there is "
          "nil), so any raw EVPI there is luck; at other willingnesses to pay they may (the acceptability "
          "table).",
          fit_by_chance || mostly_luck ? "for the EVPI" : "needed",
          format_euros_as_given(d.willingness_to_pay));
    else if (a.advised_replications < 0)
      advice = fmt::format(
          "More than 100 replications per draw would be needed to keep the raw EVPI within {}% of "
          "the regression EVPI: use the regression EVPI.",
          format_dutch(100 * a.share, 0));
    else
      advice = fmt::format(
          "Advice: {} replication{} per draw keep{} the raw EVPI's inflation below {}% of the regression "
          "EVPI "
          "(--replications {}; this run has {}).",
          a.advised_replications, a.advised_replications == 1 ? "" : "s",
          a.advised_replications == 1 ? "s" : "", format_dutch(100 * a.share, 0), a.advised_replications,
          a.replications_now);
    // The advice follows the predicted inflation; a measured one already within the share beside advice
    // for more replications read as a contradiction (a policy advisor's reading of a PSA): both said.
    if (a.advised_replications != 0 && a.advised_replications > a.replications_now &&
        a.inflation <= a.share * a.regression_evpi && std::isfinite(a.predicted_inflation))
      advice += fmt::format(
          " The inflation measured in this run, {} per household, is already within {}% of the regression "
          "EVPI; the advice follows the inflation predicted from chance's share of the variance, {} at {} "
          "replication{}, as the measured one is the difference of two estimates from {} draws and moves "
          "with them.",
          format_euro_cents(a.inflation), format_dutch(100 * a.share, 0),
          format_euro_cents(a.predicted_inflation), a.replications_now, a.replications_now == 1 ? "" : "s",
          a.draws);
    if (fit_by_chance)
      advice += fmt::format(
          " The regression's fit on all parameters is not beyond chance (p {}{}): its EVPI, and what follows "
          "from it here, is not told apart from chance.",
          format_dutch(all->estimate.p_value, 3),
          all->estimate.p_value < 0.05 ? ", not after the correction for the rows' tests" : "");
    if (mostly_luck)
      advice += fmt::format(
          " Chance is {} of the per-draw variance: the spread over the draws and the probabilities counted "
          "over them (At a glance's, the acceptability table's) are mostly the households' luck, which pulls "
          "each probability towards an even chance among the options; more replications per draw "
          "(--replications; this run has {}) leave the parameters' part.",
          format_dutch(100 * a.noise_share, 1) + "%", a.replications_now);
    n.note = fmt::format(
        "Raw EVPI: the mean of each draw's best net benefit minus the best mean, with each draw's "
        "households' "
        "luck in it (a PSA runs {} replication{} per draw), which counts luck as information and inflates "
        "the EVPI "
        "and the acceptability curves. Regression EVPI: the EVPPI of all parameters, which removes that luck "
        "to "
        "first order. Chance's share of the per-draw variance of the first intervention's net benefit: from "
        "{}. "
        "The inflation with R replications per draw is predicted by adding noise of that size / R to the "
        "fitted "
        "net benefit. {}",
        a.replications_now, a.replications_now == 1 ? "" : "s",
        a.from_replications
            ? "the spread between each draw's replications (it holds the luck a replication's draws share, "
              "its households and warm-up, which moves every draw alike and so inflates no EVPI: the advice "
              "errs towards more replications)"
            : "the residual of the regression on all parameters over its degrees of freedom (chance that "
              "differs between draws, and what the smoother missed). Luck the draws share is not in it: each "
              "draw starts from the households and warm-up of replication 0, alike in every draw whose "
              "baseline is alike; it moves every draw's figures together, does not average out over draws "
              "and inflates no EVPI, and only 2 or more replications per draw measure it",
        advice);
    n.columns = {{"value", "value"}};
    auto row = [&](const char* key, const std::string& label, Cell c) {
      n.rows.push_back({key, label, {c}, 0});
    };
    row("raw_evpi", "raw EVPI per household (EUR)", Cell::of_value(a.raw_evpi, Unit::Euro).over(a.draws));
    row("regression_evpi", "regression EVPI per household (EUR)",
        Cell::of_value(a.regression_evpi, Unit::Euro).over(a.draws));
    row("inflation", "inflation by the households' luck (EUR per household)",
        Cell::of_value(a.inflation, Unit::Euro).over(a.draws));
    row("noise_share", "share of the per-draw variance that is chance",
        Cell::of_value(a.noise_share, Unit::Share).over(a.draws));
    row("replications", "replications per draw in this run", Cell::of_value(a.replications_now, Unit::Count));
    row("advised_replications", "replications per draw advised",
        a.advised_replications > 0 ? Cell::of_value(a.advised_replications, Unit::Count)
                                   : text(a.advised_replications != 0    ? "more than 100"
                                          : fit_by_chance || mostly_luck ? "none for the EVPI (the note)"
                                                                         : "none needed"));
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<Table> psa_tables(const DecisionSensitivity& d) {
  std::vector<Table> out;
  for (std::size_t k = 0; k < d.benefit.size(); ++k) {
    const std::string& name = d.names[k + 1];
    Table b;
    b.id = "expected_incremental_benefit";
    b.title =
        "Expected incremental net benefit by willingness to pay (rows: EUR per problem-free household-year)";
    b.scenario = name;
    b.comparator = d.names[0];
    b.note =
        "Per household, mean over parameter draws with the 2,5th-97,5th percentiles of the draws (from fewer "
        "than 40: the lowest to the highest). Where it "
        "crosses zero the decision changes; the acceptability curve says how sure that is.";
    b.columns = {{"inmb", "expected incremental net benefit per household (EUR)"}};
    for (const BenefitPoint& p : d.benefit[k]) {
      Cell benefit = Cell::of_interval(p.mean, p.lo, p.hi, Unit::Euro).over(p.draws);
      benefit.interval = interval_kind::spread("draws", p.draws);
      b.rows.push_back({wtp_row_key(p.wtp), format_euros_as_given(p.wtp), {std::move(benefit)}, 0});
    }
    out.push_back(std::move(b));
    Table c;
    c.id = "psa_convergence";
    c.title = "Has the PSA converged? Running mean over the draws";
    c.scenario = name;
    c.comparator = d.names[0];
    std::vector<ConvergencePoint> band;
    for (const RunningPoint& p : d.convergence_nmb[k]) {
      const double t = p.draws > 1 ? t_quantile_975(static_cast<int>(p.draws) - 1) : kNaN;
      band.push_back({p.draws, p.mean, p.mean - t * p.se, p.mean + t * p.se});
    }
    const std::string verdict = convergence_verdict("", band);
    c.note = fmt::format(
        "The mean over the first n draws of the incremental net benefit (at {}) and cost per household, in "
        "brackets +/- t(0,975; n-1) Monte Carlo standard errors (sd / sqrt(n); t is 2,78 for 5 draws, 2,09 "
        "for 20, near 1,96 from a few hundred). Flat lines and a band clear of zero: more draws are unlikely "
        "to change the answer. {}{}",
        format_euros_as_given(d.willingness_to_pay), verdict,
        // Two or more options against one comparator: each band is one option against it, and clear bands
        // read as a settled choice where the options split the draws between them (3 of 5 against 2 of 5;
        // a policy advisor's reading of a PSA).
        d.names.size() > 2 ? fmt::format(" This is {} against {} alone: it does not say which of the {} "
                                         "options against {} is best, which the acceptability table (How "
                                         "sure can we be?) gives with its probability.",
                                         name, d.names[0], d.names.size() - 1, d.names[0])
                           : std::string());
    c.columns = {{"nmb", "incremental net benefit per household (EUR)"},
                 {"cost", "incremental cost per household (EUR)"}};
    const auto cell = [](const RunningPoint& p) {
      Stat s;
      s.mean = p.mean;
      s.se = p.se;
      // Student's t over the first n draws, as every other interval of a mean: 1.96 understates it for few.
      const double t = t_quantile_975(static_cast<int>(p.draws) - 1);
      s.lo = p.mean - t * p.se;
      s.hi = p.mean + t * p.se;
      s.n = static_cast<int>(p.draws);
      return Cell::of(s, Unit::Euro);
    };
    for (std::size_t i = 0; i < d.convergence_nmb[k].size(); ++i) {
      const RunningPoint& p = d.convergence_nmb[k][i];
      c.rows.push_back({fmt::format("draws_{}", p.draws),
                        fmt::format("{} draw{}", p.draws, p.draws == 1 ? "" : "s"),
                        {cell(p), cell(d.convergence_cost[k][i])},
                        0});
    }
    out.push_back(std::move(c));
  }
  return out;
}

Table survey_table(const DecisionSensitivity& d, std::size_t option) {
  Table t;
  t.id = "virtual_evaluation";
  // One household is singular, and a share under 0,05% is not "0,0%" (outside attack 39).
  const std::string surveyed = fmt::format("{} household{}", format_dutch(d.survey_design.sample, 0),
                                           d.survey_design.sample == 1 ? "" : "s");
  const double surveyed_percent = 100.0 * d.survey_design.sample / std::max(1, d.households);
  t.title = fmt::format("The evaluation the city would run: a survey of {} before and after", surveyed);
  t.scenario = d.names[option];
  t.comparator = d.names[0];
  if (!d.no_survey.empty()) {  // the row says why (a population smaller than the survey)
    t.columns = {{"note", "virtual evaluation"}};
    t.rows.push_back({"none", "not run", {Cell::of_text(d.no_survey)}, 0});
    return t;
  }
  t.note = fmt::format(
      "The seeds' design simulated on the model's households: {} surveyed among the "
      "intervention's households "
      "({}) and in a control neighbourhood ({}{}) at the policy start and at the end of the horizon, each "
      "wave a "
      "fresh sample without replacement (hypergeometric from the run's counts); {}. True effect: the model's "
      "difference in differences on the whole population, same households with and without the policy, "
      "between the policy start and the horizon's last week (the shares at those two weeks, as a survey's "
      "waves see them; not the mean over the policy weeks that the glance's differences are). "
      "Estimate: mean over {} virtual studies, with the 2,5th-97,5th percentiles of the studies (from fewer "
      "than 40, "
      "the lowest to the highest). Power: "
      "share "
      "of the studies significant at 5% (two-sided z test), and significant with the true effect's sign; "
      "a survey of a policy without any effect finds one in 5% of studies, so a power near 5% means the "
      "survey cannot tell the effect from none; "
      "analytic: normal approximation with the true shares, corrected for a finite population, a correction "
      "the studies' test leaves out, as an evaluator's would: the survey takes {} of {} households ({}): "
      "where "
      "that share is large the studies' power lies below the analytic, and where it is small the two differ "
      "by the studies' own chance (a power from {} studies is known to within about {} percentage points "
      "either way). Effects and estimates "
      "in percentage points (pp). "
      "The control neighbourhood is the seeds' pilot design; once coaches work in every neighbourhood (a "
      "city-wide scale-up from its last step) no untreated one remains, and the control is the model's, not "
      "one a city could survey.",
      surveyed, d.names[option], d.names[0],
      d.survey_control_is_same_run ? ": with one run only, the same households"
                                   : ", a run with households of its own",
      d.survey_design.difference_in_differences ? "the estimate is the difference in differences"
                                                : "the estimate compares the two after the policy",
      format_dutch(d.survey_design.studies, 0), format_dutch(d.survey_design.sample, 0),
      format_dutch(d.households, 0),
      surveyed_percent < 0.05 ? std::string("under 0,05%") : format_dutch(surveyed_percent, 1) + "%",
      format_dutch(d.survey_design.studies, 0),
      // The 95% margin of a share from that many studies at its widest (a power of 50%): the advisor read
      // the city's 6,3% beside an analytic 5,2% as a contradiction of the note.
      format_dutch(1.96 * 50.0 / std::sqrt(static_cast<double>(std::max(1, d.survey_design.studies))), 1));
  t.columns = {{"true_effect", "true effect"},
               {"estimate", "a survey would estimate"},
               // Said as what it is: "power at 5%" read as "the power is 5%" (a policy advisor's reading).
               {"power", "chance a survey finds it (test at 5%; 5% with no effect)"},
               {"power_right_sign", "... and with the right sign"},
               {"analytic_power", "the same, analytic"}};
  for (const SurveyRow& r : d.survey) {
    if (r.option != option) continue;
    const VirtualStudyResult& v = r.result;
    // The estimate's mean and spread are over the virtual studies: its n says how many (it said 1).
    Cell estimate = Cell::of_interval(v.mean_estimate, v.lo, v.hi, Unit::SharePoints);
    estimate.stat.n = v.studies;
    estimate.interval = interval_kind::spread("studies", static_cast<std::size_t>(v.studies));
    t.rows.push_back({r.measure.key,
                      r.measure.text,
                      {Cell::of_value(v.true_effect, Unit::SharePoints), estimate,
                       // Counted over the virtual studies: below kFewRuns "10 of 10 studies", not "100,0%".
                       Cell::of_probability(v.power, v.studies, "studies"),
                       Cell::of_probability(v.power_right_sign, v.studies, "studies"),
                       Cell::of_value(v.analytic_power, Unit::Share)},
                      0});
  }
  return t;
}

}  // namespace

const char* unit_words(OutcomeUnit u) {
  switch (u) {
    case OutcomeUnit::EuroPerHousehold:
      return "EUR per household";
    case OutcomeUnit::Euro:
      return "EUR";
    case OutcomeUnit::Years:
      return "years per household";
    case OutcomeUnit::Weeks:
      return "weeks";
    case OutcomeUnit::PerFte:
      return "per FTE";
    case OutcomeUnit::Places:
      return "places";
  }
  return "";
}

Unit table_unit(OutcomeUnit u) {
  switch (u) {
    case OutcomeUnit::EuroPerHousehold:
    case OutcomeUnit::Euro:
      return Unit::Euro;
    case OutcomeUnit::Years:
      return Unit::Years;
    case OutcomeUnit::Weeks:
      return Unit::Weeks;
    case OutcomeUnit::PerFte:
      return Unit::PerFte;
    case OutcomeUnit::Places:
      return Unit::Count;
  }
  return Unit::Value;
}

void add_tornado_bars(Table& tb) {
  if (tb.id != "tornado") return;
  int low = -1, high = -1, base = -1;
  for (std::size_t c = 0; c < tb.columns.size(); ++c) {
    if (tb.columns[c].terminal_only) return;  // drawn already
    const std::string& k = tb.columns[c].key;
    if (k == "nmb_low") low = static_cast<int>(c);
    if (k == "nmb_high") high = static_cast<int>(c);
    if (k == "nmb_base") base = static_cast<int>(c);
  }
  if (low < 0 || high < 0 || base < 0) return;
  auto value = [](const Row& r, int c) {
    const Cell& x = r.cells.at(static_cast<std::size_t>(c));
    return x.kind == Cell::Kind::Number ? x.stat.mean : kNaN;
  };
  double scale = 0;
  for (const Row& r : tb.rows)
    for (double v : {value(r, low), value(r, high)})
      if (!std::isnan(v) && !std::isnan(value(r, base)))
        scale = std::max(scale, std::fabs(v - value(r, base)));
  tb.columns.push_back({"bar", "low \u2591 \u2502 \u2588 high", true});
  for (Row& r : tb.rows)
    r.cells.push_back(Cell::of_text(tornado_bar(value(r, base), value(r, low), value(r, high), scale)));
}

std::string tornado_bar(double base, double at_low, double at_high, double scale, int width) {
  const int half = width / 2;
  std::vector<std::string> cells(static_cast<std::size_t>(2 * half + 1), " ");
  const auto pos = [&](double v) {
    if (std::isnan(v) || !(scale > 0)) return half;
    return half + static_cast<int>(std::lround((v - base) / scale * half));
  };
  const int lo = pos(at_low), hi = pos(at_high);
  // The longer of the two first, so the shorter stays visible when both lie on the same side.
  const bool low_first = std::abs(lo - half) >= std::abs(hi - half);
  for (int pass = 0; pass < 2; ++pass) {
    const bool low = (pass == 0) == low_first;
    const int p = low ? lo : hi;
    for (int i = std::min(p, half); i <= std::max(p, half); ++i)
      if (i != half) cells[static_cast<std::size_t>(i)] = low ? "\u2591" : "\u2588";
  }
  cells[static_cast<std::size_t>(half)] = "\u2502";
  std::string s;
  for (const std::string& c : cells) s += c;
  return s;
}

std::vector<Table> sensitivity_tables(const SensitivityResult& s) {
  std::vector<Table> out;
  for (const DecisionSensitivity& d : s.decisions) {
    for (const Tornado& t : d.tornados) {
      out.push_back(tornado_table(d, t));
      out.push_back(one_way_table(d, t));
    }
    for (Table& t : two_way_tables(d)) out.push_back(std::move(t));
    for (Table& t : threshold_tables(d)) out.push_back(std::move(t));
    for (Table& t : evppi_tables(d)) out.push_back(std::move(t));
    for (Table& t : psa_tables(d)) out.push_back(std::move(t));
    for (std::size_t o = 1; o < d.names.size(); ++o)
      if (!d.no_survey.empty() ||
          std::any_of(d.survey.begin(), d.survey.end(), [&](const SurveyRow& r) { return r.option == o; }))
        out.push_back(survey_table(d, o));
  }
  return out;
}

std::string convergence_verdict(const std::string& option, const std::vector<ConvergencePoint>& points) {
  if (points.empty()) return "";
  const ConvergencePoint& last = points.back();
  if (!std::isfinite(last.lo) || !std::isfinite(last.hi)) return "";
  const auto spans = [](const ConvergencePoint& p) { return p.lo <= 0 && p.hi >= 0; };
  // As the table prints it: an end near zero keeps the digits that say its sign.
  const std::string band = format_cell(Cell::of_interval(last.mean, last.lo, last.hi, Unit::Euro));
  const std::string who = option.empty() ? "" : option + ": ";
  if (spans(last))
    return fmt::format(
        "{}At all {} draws the band of the mean net benefit, {}, still spans zero: more draws could change "
        "its "
        "sign, and with it the answer against the comparator.",
        who, last.draws, band);
  std::size_t crossed = 0;  // the last checkpoint before at which the band spanned zero
  for (std::size_t i = 0; i + 1 < points.size(); ++i)
    if (std::isfinite(points[i].lo) && spans(points[i])) crossed = points[i].draws;
  return fmt::format(
      "{}At all {} draws the band of the mean net benefit, {}, lies {} zero{}: its sign is clear at these "
      "draws, "
      "while the mean may still move within the band.",
      who, last.draws, band, last.lo > 0 ? "above" : "below",
      crossed > 0 ? fmt::format(" (it spanned zero at {} draws)", crossed) : "");
}

std::vector<Table> sweep_tables(const SweepResult& s) {
  Table t;
  t.id = "sweep";
  t.title = fmt::format("Planning curve: {} against {} by {}", s.scenario, s.comparator, s.parameter);
  t.scenario = s.scenario;
  t.comparator = s.comparator;
  t.note = fmt::format(
      // Not "each row": the table is laid out with the values as its columns where they fit the width
      // (an analyst's reading of a sweep of 4 values).
      "At each value of {}: the parameter set to it (in {} and, where it has it, {}), the other parameters "
      "at their means; {} Budget differences: discounted euros over the policy years for the whole "
      "population.",
      s.parameter, s.scenario, s.comparator,
      s.replications == 1
          ? std::string("one replication with common random numbers, so no interval.")
          : fmt::format("mean over {} replications with common random numbers, and its 95% interval (for "
                        "the wait and the caseload, which cannot be negative, on the log scale).",
                        s.replications));
  if (s.parameter == "coaches.fte")
    t.note +=
        " coaches.fte is the coaches' full scale: every step of a coach schedule is multiplied alike, so "
        "that the last step gets the value (docs/model.md 11.3).";
  if (!s.grid_note.empty()) t.note += " " + s.grid_note;
  // The coaches' cost stays flat along their FTE where cutting agencies' places pays for them: the cut and
  // its waits are rows of their own (a policy advisor's reading: "more coaches are free and end the wait",
  // where 160 FTE cut debt counselling's places by 86%).
  if (std::any_of(s.outcomes.begin(), s.outcomes.end(),
                  [](const Outcome& o) { return o.label.key.starts_with("places_funded:"); }))
    t.note +=
        " The coaches are paid by cutting the places of the agencies named (reallocated funding), so their "
        "cost "
        "does not add to the cost per household: those agencies' places funded and the waits of those they "
        "admit show what pays for them: each a difference from the comparator, a mean over the policy weeks "
        "(the wait for a coach and the caseload are the scenario's own), so a cut that grows with the "
        "schedule's steps is larger at its last step than its mean.";
  // A unit's "per household" is not said twice: "net monetary benefit per household (EUR per household)"
  // took four lines of the label column at 120 columns (a policy advisor's reading).
  for (const Outcome& o : s.outcomes) {
    std::string unit = unit_words(o.unit);
    if (const auto per = unit.find("per ");
        per != std::string::npos && (o.label.text.ends_with(unit.substr(per)) ||
                                     (per == 0 && o.label.text.find(" per ") != std::string::npos)))
      unit = unit.substr(0, per == 0 ? 0 : per - 1);
    if (o.label.text.starts_with(unit)) unit.clear();  // "places funded: Debt counselling (places)"
    // The net benefit's value of a year said where it is read, not only in the footer (a policy advisor's
    // reading); along the willingness to pay itself, each column's own.
    std::string label = o.label.text;
    if (o.label.key == "inmb")
      label += s.parameter == "economics.willingness_to_pay"
                   ? std::string(" at that willingness to pay")
                   : " at " + format_euros_as_given(s.willingness_to_pay);
    t.columns.push_back({o.label.key, unit.empty() ? label : fmt::format("{} ({})", label, unit)});
    // The payers' budgets in one unit, and only they (euros per household beside them keep theirs).
    if (o.label.key.starts_with("budget:")) t.columns.back().euro_group = 0;
  }
  // A row's key is its value exactly (CSV and JSON readers parse it back: "1.000", Dutch for a thousand, read
  // as 1); its label three significant digits, or as few more as tell every point apart and show none but 0
  // as 0 (5.001 and 5.002 both showed 5,00, outside attack 9; 1e-300 showed 0,000000 and 1.00000005 every
  // one of its 17 digits, outside attack 17).
  std::vector<double> xs;
  for (const SweepPoint& p : s.points) xs.push_back(p.x);
  std::vector<std::string> labels = grid_labels(xs);
  const auto readable = [&] {
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (s.points[i].x != 0 && labels[i].find_first_not_of("0,.-") == std::string::npos) return false;
    return std::set<std::string>(labels.begin(), labels.end()).size() == labels.size();
  };
  for (int digits = 3; !readable() && digits <= 17; ++digits)
    for (std::size_t i = 0; i < labels.size(); ++i) {
      labels[i] = fmt::format("{:.{}g}", s.points[i].x, digits);
      std::replace(labels[i].begin(), labels[i].end(), '.', ',');
    }
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const SweepPoint& p = s.points[i];
    const std::string exact = fmt::format("{}", p.x);  // the shortest text that reads back as the same double
    Row r{exact, labels[i], {}, 0};
    for (std::size_t k = 0; k < s.outcomes.size(); ++k)
      r.cells.push_back(Cell::of(p.outcomes[k], table_unit(s.outcomes[k].unit)));
    t.rows.push_back(std::move(r));
  }
  // An outcome is read along the parameter, so its values of like size are written alike: the caseload read
  // "28,3" at one value and "28,29" at the next, where the second's narrow interval needed the decimal (an
  // analyst's reading). Of like size only: a wait of 0,00008 weeks at one end gave 25,76881 weeks at the
  // other five decimals (a review).
  for (std::size_t k = 0; k < s.outcomes.size(); ++k) {
    double largest = 0;
    for (const Row& r : t.rows)
      if (const Cell& c = r.cells[k]; c.kind == Cell::Kind::Number && std::isfinite(c.stat.mean))
        largest = std::max(largest, std::fabs(c.stat.mean));
    std::vector<Cell*> alike;
    for (Row& r : t.rows)
      if (Cell& c = r.cells[k]; c.kind == Cell::Kind::Number && std::isfinite(c.stat.mean) &&
                                std::fabs(c.stat.mean) >= 0.1 * largest)
        alike.push_back(&c);
    text::same_decimals(alike);
  }
  return {t};
}

}  // namespace wijksim
