#include "wijksim/report/report_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "wijksim/model/params.h"
#include "wijksim/report/render.h"
#include "wijksim/report/text_layout.h"

namespace wijksim::charts {
namespace {

// A data row's whisker: none where there is no interval (a single run).
void with_interval(json& row, double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return;
  row["lo"] = lo;
  row["hi"] = hi;
}

// A band or whisker layer draws only the rows that have an interval: a single run has none, and rows
// without one gave Vega "Infinite extent" warnings and marks described as "lo: NaN; hi: NaN".
json only_intervals() {
  return json::array({{{"filter", "isValid(datum.lo) && isValid(datum.hi)"}}});
}

// Whether any row has an interval: else a band or whisker layer is left out altogether (an empty one still
// asks its scale for the extent of "lo", which Vega warns is infinite).
bool any_interval(const json& rows) {
  return std::any_of(rows.begin(), rows.end(), [](const json& r) { return r.contains("lo"); });
}

static_assert(kSeriesBlockWeeks % 2 == 0, "a block's middle must fall between two weeks (see when())");

constexpr int kHeight = 260;
constexpr const char* kEnDash = "\u2013";

}  // namespace

// No precision in a number's format: Vega then takes it from the ticks' step (its formatSpan), so that two
// ticks never read alike ("4,32, 4,32, 4,33" on a ladder axis in steps of 0,005 printed with 2 decimals; an
// analyst's reading) and whole steps print no decimals.
json axis_of(Axis a) {
  switch (a) {
    case Axis::Share:
      return {{"format", "%"}};  // "30%", and "29,5%" where a scale spans a few points only
    case Axis::Count:
    case Axis::Decimal1:
    case Axis::Decimal2:
      return {{"format", ",f"}};
    case Axis::Euro:
      return {{"labelExpr", kEuroLabels}};
  }
  return json::object();
}

json row_names(const char* field, const json& order, int label_limit) {
  return {{"field", field},
          {"type", "nominal"},
          {"sort", order},
          {"title", nullptr},
          {"axis", {{"labelLimit", label_limit}}}};
}

json sparse_euro_axis() {
  json axis = axis_of(Axis::Euro);
  axis["tickCount"] = 6;
  axis["labelOverlap"] = "greedy";
  return axis;
}

namespace {

// Small multiples, one panel each, in the order `order`, a panel `width` pixels wide. A long header (a
// payer's label) is cut with an ellipsis (its whole text is in the tables): a label of 200 characters made
// the chart 3,000 pixels wide, printed at 22% on A4 (outside attack 44).
json panel_facet(const json& order, int width) {
  return {{"field", "panel"},
          {"type", "nominal"},
          {"title", nullptr},
          {"sort", order},
          {"header", {{"labelFontWeight", "bold"}, {"labelLimit", width + 60}}}};
}

// "week 12" for a week, "weeks 9-12" for the middle of a block (run_series.h).
std::string when(double week) {
  if (week == std::floor(week)) return fmt::format("week {}", static_cast<int>(week));
  const int half = kSeriesBlockWeeks / 2;
  const int first = static_cast<int>(std::floor(week)) - half + 1;
  return fmt::format("weeks {}{}{}", first, kEnDash, first + kSeriesBlockWeeks - 1);
}

json time_x(int years) {
  json values = json::array();
  const double step = years <= 2 ? 0.25 : years <= 10 ? 1.0 : 2.0;
  for (double y = 0; y <= years + 1e-9; y += step) values.push_back(y);
  return {{"field", "year"},
          {"type", "quantitative"},
          {"title", "years since the policy start"},
          {"scale", {{"domain", {0, years}}, {"nice", false}}},
          // Every tick with the decimals of the step ("0, 0,25, 0,5" mixed them; an analyst's reading).
          {"axis", {{"values", values}, {"format", step < 1 ? ",.2f" : ",.0f"}}}};
}

// A legend above the chart: one row while its entries fit the chart's width, else as many columns as fit,
// at least one (a row of four scenario names of 100 characters made a chart twice its width, printed at 59%
// on A4; outside attack 44). A label's width is estimated at 7 pixels a character of the 12-pixel labels, up
// to the labels' limit (chart_config: 360), and 40 for its symbol and the gap.
json top_legend(const std::vector<Style>& styles, const char* symbol) {
  double row = 0, widest = 0;
  for (const Style& s : styles) {
    const double w = std::min(360.0, 7.0 * static_cast<double>(display_width(s.name))) + 40;
    row += w;
    widest = std::max(widest, w);
  }
  json legend = {{"orient", "top"}, {"title", nullptr}, {"symbolType", symbol}, {"symbolOpacity", 1}};
  if (row > kChartWidth) legend["columns"] = std::max(1, static_cast<int>(kChartWidth / widest));
  return legend;
}

// `symbol`: the legend's symbol ("stroke" for lines, "square" for bars).
json colour_of(const std::vector<Style>& styles, const char* symbol = "stroke") {
  json domain = json::array(), range = json::array();
  for (const Style& s : styles) {
    domain.push_back(s.name);
    range.push_back(s.colour);
  }
  return {{"field", "series"},
          {"type", "nominal"},
          {"title", nullptr},
          {"scale", {{"domain", domain}, {"range", range}}},
          {"legend", top_legend(styles, symbol)}};
}

json dash_of(const std::vector<Style>& styles) {
  json domain = json::array(), range = json::array();
  for (const Style& s : styles) {
    domain.push_back(s.name);
    range.push_back(s.dashed ? json{6, 4} : json{1, 0});
  }
  return {{"field", "series"},
          {"type", "nominal"},
          {"title", nullptr},
          {"scale", {{"domain", domain}, {"range", range}}},
          {"legend", top_legend(styles, "stroke")}};
}

std::vector<Style> styles_of(const std::vector<Line>& lines) {
  std::vector<Style> s;
  for (const Line& l : lines) s.push_back(l.style);
  return s;
}

json y_of(const std::string& field, const std::string& title, Axis axis, bool zero) {
  return {{"field", field},        {"type", "quantitative"},    {"title", title},
          {"axis", axis_of(axis)}, {"scale", {{"zero", zero}}}, {"stack", nullptr}};
}

void add_rows(const Line& line, Axis axis, const std::string& panel, json& rows) {
  for (const SeriesPoint& p : line.points) {
    json r = {{"series", line.style.name},
              {"year", p.week / kWeeksPerYear},
              {"when", when(p.week)},
              {"mean", p.mean},
              {"text", label_with_band(p.mean, p.lo, p.hi, axis, p.same_in_all)},
              {"runs", p.n}};
    with_interval(r, p.lo, p.hi);
    if (!panel.empty()) r["panel"] = panel;
    rows.push_back(std::move(r));
  }
}

// Band, mean line, and invisible points that carry the tooltip.
json time_layers(const std::vector<Style>& styles, const std::string& y_title, Axis axis, int years,
                 bool zero, bool band_too) {
  const json x = time_x(years);
  const json tooltip =
      json::array({{{"field", "series"}, {"title", "scenario"}},
                   {{"field", "when"}, {"title", "when"}},
                   {{"field", "text"}, {"title", "mean (the runs' spread, as the caption says)"}},
                   {{"field", "runs"}, {"title", "runs"}}});
  // The band fills with the series' colour. Its legend is the same as the line's: Vega-Lite merges the
  // legends of channels that show the same field, and refuses to merge an enabled with a disabled one.
  const json fill = colour_of(styles);
  json band = {
      {"transform", only_intervals()},
      {"mark", {{"type", "area"}, {"opacity", 0.16}}},
      {"encoding",
       {{"x", x}, {"y", y_of("lo", y_title, axis, zero)}, {"y2", {{"field", "hi"}}}, {"fill", fill}}}};
  json line = {{"mark", {{"type", "line"}, {"strokeWidth", 2}}},
               {"encoding",
                {{"x", x},
                 {"y", y_of("mean", y_title, axis, zero)},
                 {"color", colour_of(styles)},
                 {"strokeDash", dash_of(styles)}}}};
  json points = {{"mark", {{"type", "point"}, {"opacity", 0}, {"size", 80}}},
                 {"encoding", {{"x", x}, {"y", y_of("mean", y_title, axis, zero)}, {"tooltip", tooltip}}}};
  if (!band_too) return json::array({line, points});
  return json::array({band, line, points});
}

json rule_layers(const std::vector<Rule>& rules, int years) {
  json layers = json::array();
  for (const Rule& r : rules) {
    json mark = {{"type", "rule"}, {"color", r.colour}, {"strokeWidth", 1.5}};
    if (r.dashed) mark["strokeDash"] = {4, 3};
    layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                      {"mark", mark},
                      {"encoding", {{"y", {{"datum", r.value}}}}}});
    layers.push_back(
        {{"data", {{"values", json::array({json::object()})}}},
         {"mark",
          {{"type", "text"}, {"align", "right"}, {"baseline", "bottom"}, {"dy", -3}, {"color", r.colour}}},
         {"encoding",
          {{"x", {{"datum", years}}}, {"y", {{"datum", r.value}}}, {"text", {{"value", r.label}}}}}});
  }
  return layers;
}

json zero_rule(const char* channel) {
  return {{"data", {{"values", json::array({json::object()})}}},
          {"mark", {{"type", "rule"}, {"color", "#555555"}, {"strokeWidth", 1}}},
          {"encoding", {{channel, {{"datum", 0}}}}}};
}

}  // namespace

Style intervention_style(const std::string& name, int index) {
  // The second after blue is reddish purple: green printed as nearly blue's grey (106 against 87 of 255), so
  // two scale-ups' solid lines were one in a grey print (outside review); purple's is 151.
  static const char* const colours[] = {kBlue, kPurple, kGreen, kVermillion, kSkyBlue};
  return {name, colours[static_cast<std::size_t>(index) % std::size(colours)], false};
}

Style comparator_style(const std::string& name) {
  return {name, kOrange, true};
}

std::string label(double x, Axis axis) {
  if (!std::isfinite(x)) return "n/a";
  switch (axis) {
    case Axis::Share:
      return format_dutch(100 * x, 1) + "%";
    case Axis::Count:
      return format_dutch(x, std::fabs(x) >= 100 ? 0 : 1);
    case Axis::Decimal1:
      return format_dutch(x, 1);
    case Axis::Decimal2:
      return format_dutch(x, 2);
    case Axis::Euro:
      return format_euros(x);
  }
  return format_dutch(x, 1);
}

json probability_y(int few, const std::string& counted_title, const std::string& share_title) {
  if (few > 0)
    return {{"field", "p"},
            {"type", "quantitative"},
            {"title", counted_title},
            {"scale", {{"domain", {0, few}}}},
            {"axis", {{"format", "d"}, {"tickMinStep", 1}}}};
  return {{"field", "p"},
          {"type", "quantitative"},
          {"title", share_title},
          {"scale", {{"domain", {0, 1}}}},
          {"axis", {{"format", ".0%"}}}};
}

std::string label_with_band(double mean, double lo, double hi, Axis axis, bool same_in_all) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return label(mean, axis);
  // As the tables print an interval (text_layout's cell_text): no spread said as such, a spread narrower
  // than the last decimal with the decimals that show it, a percentage's one more at most (tooltips said "5,0
  // (5,0 to 5,0)" for 4,95 to 5; outside attack 35); the euro sign once, before the mean. An interval of no
  // width is "the same in all runs" only where the runs were: from 40 runs on it is the 2.5 to 97.5
  // percentiles, which have no width while two runs in a hundred differ (as text::no_spread(Stat) needs the
  // sd too; a review).
  const bool no_width = text::no_spread(mean, lo, hi);
  if (no_width && same_in_all) return label(mean, axis) + " " + text::kNoSpread;
  const double scale = axis == Axis::Share ? 100 : 1;
  const int base = axis == Axis::Euro       ? 0
                   : axis == Axis::Count    ? (std::fabs(mean) >= 100 ? 0 : 1)
                   : axis == Axis::Decimal2 ? 2
                                            : 1;
  int decimals = base;
  while (!no_width && decimals < base + (axis == Axis::Share ? 1 : 4) &&
         format_dutch(scale * lo, decimals) == format_dutch(scale * hi, decimals))
    ++decimals;
  if (decimals == base) {
    const Axis inner = axis == Axis::Euro ? Axis::Count : axis;
    const auto plain = [&](double x) { return axis == Axis::Euro ? format_dutch(x, 0) : label(x, inner); };
    return label(mean, axis) + " (" + plain(lo) + " to " + plain(hi) + ")";
  }
  const std::string unit = axis == Axis::Share ? "%" : "";
  const auto at = [&](double x) { return format_dutch(scale * x, decimals) + unit; };
  return (axis == Axis::Euro ? "\u20AC " : "") + at(mean) + " (" + at(lo) + " to " + at(hi) + ")";
}

json over_time(const std::vector<Line>& lines, const std::string& y_title, Axis axis, int years,
               const std::vector<Rule>& rules, bool zero) {
  json rows = json::array();
  for (const Line& l : lines) add_rows(l, axis, "", rows);
  // Reference lines first, so the data is drawn over them (a caseload at the cap stays visible).
  json layers = rule_layers(rules, years);
  for (json& l : time_layers(styles_of(lines), y_title, axis, years, zero, any_interval(rows)))
    layers.push_back(std::move(l));
  return {{"data", {{"values", rows}}}, {"width", kChartWidth}, {"height", kHeight}, {"layer", layers}};
}

json over_time_panels(const std::vector<Panel>& panels, const std::string& y_title, Axis axis, int years,
                      int columns, bool shared_y, bool zero) {
  json rows = json::array();
  json order = json::array();
  std::vector<Style> styles;
  for (const Panel& p : panels) {
    order.push_back(p.title);
    for (const Line& l : p.lines) {
      add_rows(l, axis, p.title, rows);
      if (std::none_of(styles.begin(), styles.end(), [&](const Style& s) { return s.name == l.style.name; }))
        styles.push_back(l.style);
    }
  }
  const int width = (kChartWidth + 80) / columns - 80;
  return {{"data", {{"values", rows}}},
          {"facet", panel_facet(order, width)},
          {"columns", columns},
          {"spec",
           {{"width", width},
            {"height", 150},
            {"layer", time_layers(styles, y_title, axis, years, zero, any_interval(rows))}}},
          {"resolve", {{"scale", {{"y", shared_y ? "shared" : "independent"}}}}}};
}

json over_time_stacked(const std::vector<Stacked>& stack, int years) {
  json charts = json::array();
  for (const Stacked& s : stack) {
    json rows = json::array();
    for (const Line& l : s.lines) add_rows(l, s.axis, "", rows);
    charts.push_back(
        {{"data", {{"values", rows}}},
         {"width", kChartWidth},
         {"height", 170},
         {"layer", time_layers(styles_of(s.lines), s.y_title, s.axis, years, true, any_interval(rows))}});
  }
  return {{"vconcat", charts}, {"spacing", 24}};
}

json grouped_bars(const std::vector<BarPanel>& panels, const std::vector<std::string>& groups,
                  const std::vector<Style>& series, const std::string& x_title, const std::string& y_title,
                  Axis axis, int columns) {
  json rows = json::array();
  json order = json::array();
  json series_order = json::array();
  for (const Style& s : series) series_order.push_back(s.name);
  for (const BarPanel& p : panels) {
    order.push_back(p.title);
    for (const Bar& b : p.bars) {
      json r = {
          {"panel", p.title}, {"group", b.group}, {"series", b.series}, {"mean", b.mean}, {"text", b.text}};
      with_interval(r, b.lo, b.hi);
      rows.push_back(std::move(r));
    }
  }
  const json x = {{"field", "group"},
                  {"type", "nominal"},
                  {"sort", groups},
                  {"title", x_title},
                  {"axis", {{"labelAngle", 0}}}};
  const json offset = {{"field", "series"}, {"sort", series_order}};
  const json tooltip = json::array({{{"field", "series"}, {"title", "scenario"}},
                                    {{"field", "group"}, {"title", x_title}},
                                    {{"field", "text"}, {"title", "mean (95% interval)"}}});
  // Outlined, so that a light bar (yellow) stands out from the paper in a grey print.
  json layers = json::array({{{"mark", {{"type", "bar"}, {"stroke", "#333333"}, {"strokeWidth", 0.5}}},
                              {"encoding",
                               {{"x", x},
                                {"xOffset", offset},
                                {"y", y_of("mean", y_title, axis, true)},
                                {"color", colour_of(series, "square")},
                                {"tooltip", tooltip}}}}});
  if (any_interval(rows))
    layers.push_back({{"transform", only_intervals()},
                      {"mark", {{"type", "rule"}, {"color", kBlack}}},
                      {"encoding",
                       {{"x", x},
                        {"xOffset", offset},
                        {"y", y_of("lo", y_title, axis, true)},
                        {"y2", {{"field", "hi"}}}}}});
  if (panels.size() == 1)
    return {{"data", {{"values", rows}}}, {"width", kChartWidth}, {"height", kHeight}, {"layer", layers}};
  const int width = (kChartWidth + 90) / columns - 90;
  return {{"data", {{"values", rows}}},
          {"facet", panel_facet(order, width)},
          {"columns", columns},
          {"spec", {{"width", width}, {"height", 150}, {"layer", layers}}},
          // Each panel its own axes: no stray x axis under an empty cell of the last row.
          {"resolve", {{"scale", {{"y", "independent"}}}, {"axis", {{"x", "independent"}}}}}};
}

json who_pays(const std::vector<PayerDifference>& payers, const std::string& x_title,
              const std::string& interval_title) {
  json rows = json::array();
  json order = json::array();
  // Coloured by what the interval says, as the label beside it: by the mean's sign alone a payer was drawn
  // as one that "saves" beside "no clear change" (-0,21 M (-3,81 to 3,39); an independent check). In the
  // label's words: the legend said "pays more" beside a bar labelled "pays" (an audit of the outputs).
  const std::pair<const char*, const char*> kinds[] = {{"pays", kVermillion},
                                                       {"saves", kSkyBlue},
                                                       {"no clear change", kGrey},
                                                       {"no change", kLightGrey},
                                                       {"one run: no interval", kGrey}};
  std::set<std::string> present;
  for (const PayerDifference& p : payers) {
    const std::string name = p.payer + ": " + p.role;
    order.push_back(name);
    const bool interval = std::isfinite(p.lo) && std::isfinite(p.hi);
    // A payer whose difference is 0 in every run (a fund the scenario does not use) is "no change", as its
    // label says, not "no clear change" (an independent check).
    const char* direction = p.mean == 0 && p.lo == 0 && p.hi == 0 ? "no change"
                            : !interval                           ? "one run: no interval"
                            : p.lo > 0                            ? "pays"
                            : p.hi < 0                            ? "saves"
                                                                  : "no clear change";
    present.insert(direction);
    json r = {{"payer", name}, {"mean", p.mean}, {"text", p.text}, {"direction", direction}};
    with_interval(r, p.lo, p.hi);
    rows.push_back(std::move(r));
  }
  json domain = json::array(), range = json::array();
  for (const auto& [kind, colour] : kinds)
    if (present.count(kind)) domain.push_back(kind), range.push_back(colour);
  const json y = row_names("payer", order, 260);
  // Drop any label that would still touch.
  json x_axis = sparse_euro_axis();
  x_axis["labelSeparation"] = 12;
  json layers = json::array(
      {{{"mark", {{"type", "bar"}}},
        {"encoding",
         {{"y", y},
          {"x", {{"field", "mean"}, {"type", "quantitative"}, {"title", x_title}, {"axis", x_axis}}},
          {"color",
           {{"field", "direction"},
            {"type", "nominal"},
            {"title", nullptr},
            {"scale", {{"domain", domain}, {"range", range}}},
            {"legend", {{"orient", "top"}}}}},
          {"tooltip",
           json::array({{{"field", "payer"}, {"title", "payer"}},
                        {{"field", "text"}, {"title", fmt::format("difference ({})", interval_title)}}})}}}},
       zero_rule("x")});
  if (any_interval(rows))
    layers.push_back(
        {{"transform", only_intervals()},
         {"mark", {{"type", "rule"}, {"color", kBlack}}},
         {"encoding",
          {{"y", y}, {"x", {{"field", "lo"}, {"type", "quantitative"}}}, {"x2", {{"field", "hi"}}}}}});
  return {{"data", {{"values", rows}}},
          {"width", kChartWidth - 60},
          {"height", {{"step", 34}}},
          {"layer", layers}};
}

json payback(const std::vector<YearValue>& cumulative, int break_even_year, const std::string& label,
             const std::string& y_title, const std::string& interval) {
  json rows = json::array();
  int years = 0;
  for (const YearValue& v : cumulative) {
    json r = {{"year", v.year}, {"mean", v.mean}, {"text", v.text}};
    if (std::isfinite(v.lo) && std::isfinite(v.hi)) {
      r["lo"] = v.lo;
      r["hi"] = v.hi;
    }
    rows.push_back(std::move(r));
    years = std::max(years, v.year);
  }
  json ticks = json::array();
  for (int y = 1; y <= years; ++y) ticks.push_back(y);
  const json x = {{"field", "year"},
                  {"type", "quantitative"},
                  {"title", "policy year"},
                  {"scale", {{"domain", {0.5, years + 0.5}}, {"nice", false}}},
                  {"axis", {{"values", ticks}, {"format", "d"}}}};
  const json tooltip =
      json::array({{{"field", "year"}, {"title", "policy year"}},
                   {{"field", "text"}, {"title", fmt::format("cumulative difference ({})", interval)}}});
  // The break-even year on the same x scale as the data (a bare datum would bring a scale of its own).
  json at_break_even = x;
  at_break_even.erase("field");
  at_break_even["datum"] = break_even_year;
  // The zero line and the break-even marks first, so the line and its whiskers are drawn over them.
  json layers = json::array({zero_rule("y")});
  if (break_even_year > 0) {
    layers.push_back(
        {{"data", {{"values", json::array({json::object()})}}},
         {"mark", {{"type", "rule"}, {"color", kGreen}, {"strokeWidth", 2}, {"strokeDash", {4, 3}}}},
         {"encoding", {{"x", at_break_even}}}});
    layers.push_back(
        {{"data", {{"values", json::array({json::object()})}}},
         {"mark",
          {{"type", "text"},
           {"color", kGreen},
           {"align", "left"},
           {"dx", 4},
           {"baseline", "top"},
           {"fontWeight", "bold"}}},
         {"encoding", {{"x", at_break_even}, {"y", {{"value", 4}}}, {"text", {{"value", label}}}}}});
  }
  const json data_layers = json::array(
      {{{"transform", only_intervals()},
        {"mark", {{"type", "area"}, {"opacity", 0.18}, {"color", kBlue}}},
        {"encoding", {{"x", x}, {"y", y_of("lo", y_title, Axis::Euro, true)}, {"y2", {{"field", "hi"}}}}}},
       {{"transform", only_intervals()},
        {"mark", {{"type", "rule"}, {"color", kBlue}}},
        {"encoding", {{"x", x}, {"y", y_of("lo", y_title, Axis::Euro, true)}, {"y2", {{"field", "hi"}}}}}},
       {{"mark",
         {{"type", "line"},
          {"color", kBlue},
          {"strokeWidth", 2},
          {"point", {{"size", 60}, {"color", kBlue}}}}},
        {"encoding", {{"x", x}, {"y", y_of("mean", y_title, Axis::Euro, true)}, {"tooltip", tooltip}}}}});
  // The band and whiskers (the first two) only where there are intervals.
  for (std::size_t i = any_interval(rows) ? 0 : 2; i < data_layers.size(); ++i)
    layers.push_back(data_layers[i]);
  return {{"data", {{"values", rows}}}, {"width", kChartWidth}, {"height", kHeight}, {"layer", layers}};
}

json ce_plane(const std::vector<PlanePoint>& points, double mean_effect, double mean_cost,
              double willingness_to_pay, const Style& style) {
  // The view: every point, the mean and the origin, with a margin, so the quadrants can be named.
  double x0 = std::min(0.0, mean_effect), x1 = std::max(0.0, mean_effect);
  double y0 = std::min(0.0, mean_cost), y1 = std::max(0.0, mean_cost);
  json rows = json::array();
  for (const PlanePoint& p : points) {
    x0 = std::min(x0, p.effect);
    x1 = std::max(x1, p.effect);
    y0 = std::min(y0, p.cost);
    y1 = std::max(y1, p.cost);
    rows.push_back({{"effect", p.effect},
                    {"cost", p.cost},
                    {"what", p.what},
                    {"effect_text", format_dutch(p.effect, 4)},
                    {"cost_text", format_euros(p.cost)}});
  }
  // Symmetric about the origin, so all four quadrants show and none looks smaller than it is.
  const double xr = std::max({std::fabs(x0), std::fabs(x1), 1e-6}) * 1.15;
  const double yr = std::max({std::fabs(y0), std::fabs(y1), 1.0}) * 1.15;
  const json x = {{"field", "effect"},
                  {"type", "quantitative"},
                  {"title", "extra problem-free years per household (discounted)"},
                  {"scale", {{"domain", {-xr, xr}}, {"nice", false}}},
                  // Precision from the ticks (axis_of); 17 ticks of "-0,08" ran together on A4 (an
                  // advisor's reading): fewer, and none that would overlap.
                  {"axis", {{"format", ",f"}, {"tickCount", 8}, {"labelOverlap", "greedy"}}}};
  const json y = {{"field", "cost"},
                  {"type", "quantitative"},
                  {"title", "extra cost per household (euros, discounted)"},
                  {"scale", {{"domain", {-yr, yr}}, {"nice", false}}},
                  {"axis", axis_of(Axis::Euro)}};
  const json tooltip = json::array({{{"field", "what"}, {"title", "run"}},
                                    {{"field", "effect_text"}, {"title", "extra problem-free years"}},
                                    {{"field", "cost_text"}, {"title", "extra cost"}}});
  json layers = json::array({zero_rule("x"), zero_rule("y")});
  if (willingness_to_pay > 0) {
    // Cost = threshold x effect: below the line the option is worth its money at that threshold.
    layers.push_back({{"data",
                       {{"values", json::array({{{"effect", -xr}, {"cost", -xr * willingness_to_pay}},
                                                {{"effect", xr}, {"cost", xr * willingness_to_pay}}})}}},
                      {"mark", {{"type", "line"}, {"color", kBlack}, {"strokeDash", {6, 4}}, {"clip", true}}},
                      {"encoding", {{"x", x}, {"y", y}}}});
    // No label on the line: wherever it went, some run's point could lie under it. The caption names the
    // threshold.
  }
  const std::pair<const char*, std::pair<double, double>> quadrants[] = {
      {"costs more, achieves more", {1, 1}},
      {"costs more, achieves less", {-1, 1}},
      {"saves money, achieves less", {-1, -1}},
      {"saves money, achieves more", {1, -1}}};
  // Each name over a white halo of itself: the willingness-to-pay line ran through two of them on A4 (an
  // advisor's reading).
  for (const auto& [text, at] : quadrants)
    for (const bool halo : {true, false}) {
      json mark = {{"type", "text"},
                   {"color", halo ? "#ffffff" : "#555555"},
                   {"fontStyle", "italic"},
                   {"align", at.first > 0 ? "right" : "left"},
                   {"baseline", at.second > 0 ? "top" : "bottom"},
                   {"dx", at.first > 0 ? -4 : 4},
                   {"dy", at.second > 0 ? 4 : -4}};
      if (halo) {
        mark["stroke"] = "#ffffff";
        mark["strokeWidth"] = 4;
        mark["strokeJoin"] = "round";
      }
      layers.push_back(
          {{"data", {{"values", json::array({{{"effect", at.first * xr}, {"cost", at.second * yr}}})}}},
           {"mark", mark},
           {"encoding", {{"x", x}, {"y", y}, {"text", {{"value", text}}}}}});
    }
  layers.push_back({{"data", {{"values", rows}}},
                    {"mark", {{"type", "circle"}, {"color", style.colour}, {"opacity", 0.7}, {"size", 50}}},
                    {"encoding", {{"x", x}, {"y", y}, {"tooltip", tooltip}}}});
  const json mean_row = {{"effect", mean_effect},
                         {"cost", mean_cost},
                         {"what", "mean"},
                         {"effect_text", format_dutch(mean_effect, 4)},
                         {"cost_text", format_euros(mean_cost)}};
  layers.push_back(
      {{"data", {{"values", json::array({mean_row})}}},
       {"mark",
        {{"type", "point"}, {"shape", "diamond"}, {"filled", true}, {"color", kBlack}, {"size", 160}}},
       {"encoding", {{"x", x}, {"y", y}, {"tooltip", tooltip}}}});
  layers.push_back({{"data", {{"values", json::array({mean_row})}}},
                    {"mark", {{"type", "text"}, {"align", "left"}, {"dx", 9}, {"fontWeight", "bold"}}},
                    {"encoding", {{"x", x}, {"y", y}, {"text", {{"value", "mean"}}}}}});
  return {{"width", kChartWidth - 120}, {"height", 360}, {"layer", layers}};
}

json acceptability(const std::vector<std::pair<Style, std::vector<CurvePoint>>>& options,
                   double willingness_to_pay, int runs, const std::string& noun) {
  // Too few for a percentage (render.h, format_probability): the axis counts them.
  const int few = few_runs(runs) ? runs : 0;
  json rows = json::array();
  std::vector<Style> styles;
  double wtp_max = 0;
  for (const auto& [style, curve] : options) {
    styles.push_back(style);
    for (const CurvePoint& p : curve) {
      rows.push_back({{"series", style.name},
                      {"wtp", p.wtp},
                      {"p", few > 0 ? p.probability * few : p.probability},
                      {"wtp_text", format_euros_as_given(p.wtp)},
                      // As the table prints it ("46,7% (14 of 30 draws; 95%: 28,3 to 65,7%)"; the tooltip
                      // said "46,7%").
                      {"p_text", runs > 0 ? format_probability(p.probability, runs, noun)
                                          : label(p.probability, Axis::Share)}});
      wtp_max = std::max(wtp_max, p.wtp);
    }
  }
  const json x = {{"field", "wtp"},
                  {"type", "quantitative"},
                  {"title", "willingness to pay (euros per problem-free household-year)"},
                  {"scale", {{"domain", {0, wtp_max}}, {"nice", false}}},
                  {"axis", axis_of(Axis::Euro)}};
  const json y = probability_y(few, fmt::format("{} of {} in which it is the best value", noun, few),
                               "probability of being the best value");
  const json tooltip = json::array({{{"field", "series"}, {"title", "option"}},
                                    {{"field", "wtp_text"}, {"title", "willingness to pay"}},
                                    {{"field", "p_text"}, {"title", "probability best"}}});
  json layers = json::array({{{"mark", {{"type", "line"}, {"strokeWidth", 2}, {"point", {{"size", 40}}}}},
                              {"encoding",
                               {{"x", x},
                                {"y", y},
                                {"color", colour_of(styles)},
                                {"strokeDash", dash_of(styles)},
                                {"tooltip", tooltip}}}}});
  if (willingness_to_pay > 0) {
    layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                      {"mark", {{"type", "rule"}, {"color", kBlack}, {"strokeDash", {4, 3}}}},
                      {"encoding", {{"x", {{"datum", willingness_to_pay}}}}}});
    layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                      // Above the plot, where no curve runs: inside it, the label lay over a curve near 100%
                      // at the threshold (the default comparison's page 49 on A4).
                      {"mark", {{"type", "text"}, {"align", "center"}, {"baseline", "bottom"}}},
                      {"encoding",
                       {{"x", {{"datum", willingness_to_pay}}},
                        {"y", {{"value", -3}}},
                        {"text", {{"value", "threshold " + format_euros_as_given(willingness_to_pay)}}}}}});
  }
  return {{"data", {{"values", rows}}}, {"width", kChartWidth}, {"height", kHeight}, {"layer", layers}};
}

}  // namespace wijksim::charts
