// The charts of the sensitivity analyses (report/sensitivity_tables.h) as Vega-Lite specifications, in the
// conventions of report_charts.h: Okabe-Ito colours, units on every axis, euros the Dutch way. Each builder
// lays out values the report read from the run's stored tables; nothing here computes a figure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "wijksim/report/report_charts.h"

namespace wijksim::charts {

// A tornado: per parameter (in the given order, the largest swing first) a bar from the base case to the
// outcome at the parameter's low end and one to its high end.
struct TornadoRow {
  std::string parameter;
  std::string low_value, high_value;  // the parameter's values, as the tables print them
  double at_low = 0, at_high = 0;
  std::string low_text, high_text;  // the outcome at each end, as the tables print it
};
// `percentiles`: every parameter at its 2.5th and 97.5th percentiles (else some at the ends of a range the
// command line gave: the legend says "low end" and "high end").
json tornado(const std::vector<TornadoRow>& rows, double base, const std::string& x_title, bool percentiles);

// A heat map of which option is preferred in each cell of a two-way grid: x and y in the given orders.
struct GridCell {
  std::string x, y;      // the parameters' values, as the tables print them
  std::string category;  // the preferred option (categorical map)
  double value = 0;      // or a number (numeric map)
  std::string text;
  std::string panel;  // a numeric map's panel (one per intervention)
};
json preferred_map(const std::vector<GridCell>& cells, const std::vector<std::string>& xs,
                   const std::vector<std::string>& ys, const std::vector<Style>& options,
                   const std::string& x_title, const std::string& y_title);
json value_map(const std::vector<GridCell>& cells, const std::vector<std::string>& xs,
               const std::vector<std::string>& ys, const std::string& x_title, const std::string& y_title,
               const std::string& legend_title);

// Planning curves: per panel (a threshold) the outcome along the parameter, the target as a dashed rule and
// the threshold found as a vertical one.
struct CurvePanel {
  std::string title;                              // the parameter (x axis)
  std::string outcome;                            // the y axis; the chart's y title when empty
  std::vector<std::pair<double, double>> points;  // (parameter, outcome)
  double target = 0;
  double threshold = 0;  // NaN: none found
  Axis axis = Axis::Decimal1;
};
json planning_curves(const std::vector<CurvePanel>& panels, const std::string& y_title);

// Horizontal bars with whiskers, e.g. EVPPI per parameter and group: `group` colours them.
// A bar's fit: beyond chance (after the correction for the rows' many tests), not, or not tested.
inline constexpr const char* kBeyondChance = "beyond chance";
inline constexpr const char* kNotBeyondChance = "not beyond chance";
inline constexpr const char* kNotTested = "not tested";
struct ValueBar {
  std::string label, group;
  double mean = 0, lo = 0, hi = 0;
  std::string text;
  // One of the three above: a bar not beyond chance is drawn pale, as no research priority (a bar not
  // beyond chance read as one; a policy advisor's reading).
  std::string chance = kBeyondChance;
};
json value_bars(const std::vector<ValueBar>& bars, const std::string& x_title);

// Lines with bands over a quantitative x (the expected incremental benefit by willingness to pay; the
// running mean over draws), optionally with a zero rule and a vertical marker.
struct BandPoint {
  double x = 0, mean = 0, lo = 0, hi = 0;
  std::string text;
};
struct BandLine {
  Style style;
  std::vector<BandPoint> points;
};
json band_lines(const std::vector<BandLine>& lines, const std::string& x_title, const std::string& y_title,
                Axis x_axis, Axis y_axis, double vertical = kNaN);

// The acceptability frontier: the probability that the option best on average is best, coloured by that
// option.
struct FrontierPoint {
  double wtp = 0, probability = 0;
  std::string option, text;
};
// `draws`: how many draws each probability counts; below kFewRuns the axis counts them, as the
// acceptability chart's does (a percentage axis showed 67% from 3 draws).
json frontier(const std::vector<FrontierPoint>& points, const std::vector<Style>& options,
              double willingness_to_pay, int draws = 0);

}  // namespace wijksim::charts
