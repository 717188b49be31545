// The charts of the HTML report (html_report.h) as Vega-Lite specifications, built from plain data the
// report has read from the results store. Nothing here reads the store or computes a figure: each builder
// only lays out the values it is given, with the report's conventions:
//  - colours from the Okabe-Ito palette, which stays distinguishable with every common colour-vision
//    deficiency; an intervention is blue and solid, its comparator orange and dashed, so a grey print
//    still tells them apart;
//  - units on every axis; euros the Dutch way (axis labels "€ 1.234.567" or "€ 4,9 mln", tooltips exactly
//    as the text tables print them);
//  - a band is the 2.5-97.5% range over runs (run_series.h) or a stored 95% interval, drawn light.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "wijksim/report/run_series.h"

namespace wijksim::charts {

using json = nlohmann::ordered_json;

// Okabe & Ito (2008), "Color Universal Design".
inline constexpr const char* kBlue = "#0072B2";
inline constexpr const char* kOrange = "#E69F00";
inline constexpr const char* kSkyBlue = "#56B4E9";
inline constexpr const char* kGreen = "#009E73";
inline constexpr const char* kVermillion = "#D55E00";
inline constexpr const char* kPurple = "#CC79A7";
inline constexpr const char* kYellow = "#F0E442";
inline constexpr const char* kBlack = "#000000";
inline constexpr const char* kGrey = "#999999";  // what shows no clear change
// What shows no change at all (0 in every run): lighter than kGrey, so that a legend of both holds two
// swatches a reader tells apart (two identical greys stood side by side; advisor review 56).
inline constexpr const char* kLightGrey = "#DDDDDD";

// Plot area of a single chart (px); the page scales it down when printed.
inline constexpr int kChartWidth = 620;

// Axis labels in euros: whole euros with Dutch grouping, millions as "€ 4,9 mln" so labels stay short.
// `format` uses the page's number locale (',' decimal, '.' thousands), set by html_report.
inline constexpr const char* kEuroLabels =
    "abs(datum.value) >= 1000000 ? '\u20AC ' + format(datum.value / 1000000, ',.1~f') + ' mln' : "
    "'\u20AC ' + format(datum.value, ',.0f')";

// How a scenario (or another series) is drawn: its legend name, colour and line style.
struct Style {
  std::string name;
  std::string colour;
  bool dashed = false;
};
// The styles of a chart's series in order: the first intervention blue, the comparator orange and dashed,
// further options green and purple.
Style intervention_style(const std::string& name, int index = 0);
Style comparator_style(const std::string& name);

enum class Axis { Share, Count, Decimal1, Decimal2, Euro };

// An axis's label format for numbers of that kind (Vega-Lite's axis "format" or "labelExpr").
json axis_of(Axis axis);

// The y encoding of a bar chart's rows: one per name in `field`, in the order `order`, untitled, labels cut
// at `label_limit` pixels.
json row_names(const char* field, const json& order, int label_limit);
// A euro axis across a row of bars, whose long labels side by side want fewer ticks.
json sparse_euro_axis();

// A number as the tables print it, for tooltips (format_dutch; shares as percentages; euros as € 1.234).
std::string label(double x, Axis axis);
// `same_in_all`: every run gave the mean (an interval of no width alone may be percentiles that leave runs
// out).
std::string label_with_band(double mean, double lo, double hi, Axis axis, bool same_in_all);

// The y encoding of a probability in field "p": below kFewRuns runs or draws (`few` > 0, the data then
// holding p times few) an axis of whole counts titled `counted_title`, else a percentage axis titled
// `share_title`.
json probability_y(int few, const std::string& counted_title, const std::string& share_title);

struct Line {
  Style style;
  Series points;
};
struct Panel {
  std::string title;  // facet header, e.g. an agency
  std::vector<Line> lines;
};
// A horizontal reference line, e.g. the caseload norm.
struct Rule {
  double value = 0;
  std::string label;
  std::string colour = kBlack;
  bool dashed = true;
};

// Lines of the mean over time with their band; x in years since the policy start (`years` long).
json over_time(const std::vector<Line>& lines, const std::string& y_title, Axis axis, int years,
               const std::vector<Rule>& rules = {}, bool zero = true);
// The same in small multiples, one panel each, `columns` to a row; each panel has its own y scale unless
// `shared_y`.
json over_time_panels(const std::vector<Panel>& panels, const std::string& y_title, Axis axis, int years,
                      int columns, bool shared_y, bool zero = true);
// Panels stacked vertically, each with its own y title: [(y title, axis, lines)].
struct Stacked {
  std::string y_title;
  Axis axis = Axis::Count;
  std::vector<Line> lines;
};
json over_time_stacked(const std::vector<Stacked>& stack, int years);

// A value with its interval, e.g. one cell of a stored table.
struct Bar {
  std::string group;   // x category (a year, a number of professionals)
  std::string series;  // which bar within the group (a scenario, the survey)
  double mean = 0, lo = 0, hi = 0;
  std::string text;  // tooltip, as the tables print it
};
struct BarPanel {
  std::string title;
  std::vector<Bar> bars;
};
// Grouped bars with interval whiskers: groups along x in the given order, series side by side.
json grouped_bars(const std::vector<BarPanel>& panels, const std::vector<std::string>& groups,
                  const std::vector<Style>& series, const std::string& x_title, const std::string& y_title,
                  Axis axis, int columns);

// Who pays, who saves: one horizontal bar per payer (the difference from the comparator) with its
// interval; red-orange to the right (pays more), light blue to the left (saves). `role` is printed beside.
struct PayerDifference {
  std::string payer;
  double mean = 0, lo = 0, hi = 0;
  std::string role, text;
};
// `interval` names the whiskers in the tooltip ("95% interval", or over draws their spread).
json who_pays(const std::vector<PayerDifference>& payers, const std::string& x_title,
              const std::string& interval_title);

// The cumulative budget effect per policy year with its interval, zero marked, and the break-even year
// (0: none) marked.
struct YearValue {
  int year = 0;
  double mean = 0, lo = 0, hi = 0;
  std::string text;
};
json payback(const std::vector<YearValue>& cumulative, int break_even_year, const std::string& label,
             const std::string& y_title, const std::string& interval);

// The cost-effectiveness plane: one point per draw (or replication), the mean, the willingness-to-pay
// line (when > 0) and the four quadrants named.
struct PlanePoint {
  double effect = 0, cost = 0;
  std::string what;  // "draw 3", "replication 2"
};
json ce_plane(const std::vector<PlanePoint>& points, double mean_effect, double mean_cost,
              double willingness_to_pay, const Style& style);

// The acceptability curve: probability each option is best by willingness to pay.
struct CurvePoint {
  double wtp = 0, probability = 0;
};
// `runs`: the runs (`noun`: or draws) each probability counts (0: unknown). Too few for a percentage
// (render.h, format_probability), the axis counts them, never 0-100% from 5 runs; the tooltip prints each
// probability as the tables do.
json acceptability(const std::vector<std::pair<Style, std::vector<CurvePoint>>>& options,
                   double willingness_to_pay, int runs = 0, const std::string& noun = "runs");

}  // namespace wijksim::charts
