#include "wijksim/report/sensitivity_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "wijksim/analysis/honest_uncertainty.h"

namespace wijksim::charts {
namespace {

json colours(const std::vector<Style>& styles, const char* field) {
  json domain = json::array(), range = json::array();
  for (const Style& s : styles) {
    domain.push_back(s.name);
    range.push_back(s.colour);
  }
  return {{"field", field},
          {"type", "nominal"},
          {"title", nullptr},
          {"scale", {{"domain", domain}, {"range", range}}},
          {"legend", {{"orient", "top"}, {"title", nullptr}}}};
}

// Black or white, whichever reads better on the colour "#RRGGBB" (WCAG contrast: white labels on the
// comparator's amber read at 2,25:1 where black gives 9,3:1; an analyst's reading of the printed report).
const char* label_colour_on(const std::string& hex) {
  if (hex.size() != 7 || hex[0] != '#') return "#000000";
  const auto channel = [&](std::size_t at) {
    const double c = std::stoi(hex.substr(at, 2), nullptr, 16) / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  const double l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with black (l + 0.05) / 0.05 against with white 1.05 / (l + 0.05).
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
}

json zero(const char* channel) {
  return {{"data", {{"values", json::array({json::object()})}}},
          {"mark", {{"type", "rule"}, {"color", "#555555"}, {"strokeWidth", 1}}},
          {"encoding", {{channel, {{"datum", 0}}}}}};
}

// A row named by a parameter's whole key path ("population.neighbourhoods.better_off_*.incidence_factor" was
// cut at 300 pixels; a steering group's reading on A4).
constexpr int kKeyPathLabelLimit = 380;

json order_of(const std::vector<std::string>& v) {
  json a = json::array();
  for (const std::string& s : v) a.push_back(s);
  return a;
}

// A two-way map's axis title, "coach clients climbing the ladder, a year (coaches.activation_per_year)", in
// lines of at most `line` characters at the words' spaces (the y axis's 24, beside the rows; the x axis's 60,
// under them), the key path in brackets on a line of its own: on one line the y axis's title ran far beyond a
// map of three rows (an A4 print).
constexpr std::size_t kYTitleLine = 24, kXTitleLine = 60;
std::vector<std::string> title_lines(const std::string& title, std::size_t line) {
  std::string words = title, key;
  const std::size_t open = title.rfind(" (");
  if (open != std::string::npos && !title.empty() && title.back() == ')')
    words = title.substr(0, open), key = title.substr(open + 1);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < words.size()) {
    std::size_t end = std::min(words.size(), start + line);
    if (end < words.size()) {
      const std::size_t space = words.rfind(' ', end);
      if (space != std::string::npos && space > start) end = space;
    }
    lines.push_back(words.substr(start, end - start));
    start = end;
    while (start < words.size() && words[start] == ' ') ++start;
  }
  if (!key.empty()) lines.push_back(key);
  return lines;
}
json axis_title(const std::string& title, std::size_t line) {
  const std::vector<std::string> lines = title_lines(title, line);
  if (lines.size() == 1) return lines.front();
  json a = json::array();
  for (const std::string& l : lines) a.push_back(l);
  return a;
}
// A two-way map's axes: the first parameter's values across, the second's up, its highest value at the top.
std::pair<json, json> grid_axes(const std::vector<std::string>& xs, const std::vector<std::string>& ys,
                                const std::string& x_title, const std::string& y_title) {
  const std::vector<std::string> ys_down(ys.rbegin(), ys.rend());
  return {{{"field", "x"},
           {"type", "ordinal"},
           {"sort", order_of(xs)},
           {"title", axis_title(x_title, kXTitleLine)},
           {"axis", {{"labelAngle", 0}}}},
          {{"field", "y"},
           {"type", "ordinal"},
           {"sort", order_of(ys_down)},
           {"title", axis_title(y_title, kYTitleLine)}}};
}
// A map cell's tooltip: the two parameters' values, then what the cell shows (`field`, titled `title`).
json grid_tooltip(const std::string& x_title, const std::string& y_title, const char* field,
                  const std::string& title) {
  return json::array({{{"field", "x"}, {"title", x_title}},
                      {{"field", "y"}, {"title", y_title}},
                      {{"field", field}, {"title", title}}});
}
// A map's row height: at least `step`, and enough for the y axis's title beside its rows (about 6.5 pixels
// a character of the 11-pixel bold title).
int row_step(int step, const std::string& y_title, std::size_t rows) {
  std::size_t longest = 0;
  for (const std::string& l : title_lines(y_title, kYTitleLine)) longest = std::max(longest, l.size());
  const double needed =
      6.5 * static_cast<double>(longest) / static_cast<double>(std::max<std::size_t>(rows, 1));
  return std::max(step, static_cast<int>(std::ceil(needed)));
}

}  // namespace

json tornado(const std::vector<TornadoRow>& rows, double base, const std::string& x_title, bool percentiles) {
  json data = json::array(), order = json::array();
  const std::string low = percentiles ? "parameter at its 2,5th percentile" : "parameter at its low end",
                    high = percentiles ? "at its 97,5th percentile" : "at its high end";
  for (const TornadoRow& r : rows) {
    order.push_back(r.parameter);
    data.push_back({{"parameter", r.parameter},
                    {"end", low},
                    {"from", base},
                    {"to", r.at_low},
                    {"value", r.low_value},
                    {"text", r.low_text}});
    data.push_back({{"parameter", r.parameter},
                    {"end", high},
                    {"from", base},
                    {"to", r.at_high},
                    {"value", r.high_value},
                    {"text", r.high_text}});
  }
  const json y = row_names("parameter", order, kKeyPathLabelLimit);
  const json x_axis = sparse_euro_axis();
  const json x = {{"field", "from"},
                  {"type", "quantitative"},
                  {"title", x_title},
                  {"axis", x_axis},
                  {"scale", {{"zero", false}}}};
  const json tooltip = json::array({{{"field", "parameter"}, {"title", "parameter"}},
                                    {{"field", "end"}, {"title", "set"}},
                                    {{"field", "value"}, {"title", "value"}},
                                    {{"field", "text"}, {"title", "outcome"}}});
  json bars = {{"mark", {{"type", "bar"}, {"opacity", 0.85}}},
               {"encoding",
                {{"y", y},
                 {"yOffset", {{"field", "end"}, {"sort", json::array({low, high})}}},
                 {"x", x},
                 {"x2", {{"field", "to"}}},
                 {"color", colours({{low, kSkyBlue, false}, {high, kVermillion, false}}, "end")},
                 {"tooltip", tooltip}}}};
  json base_rule = {{"data", {{"values", json::array({json::object()})}}},
                    {"mark", {{"type", "rule"}, {"color", kBlack}, {"strokeWidth", 1.5}}},
                    {"encoding", {{"x", {{"datum", base}}}}}};
  return {{"data", {{"values", data}}},
          {"width", kChartWidth - 120},
          {"height", {{"step", 26}}},
          {"layer", json::array({bars, base_rule})}};
}

json preferred_map(const std::vector<GridCell>& cells, const std::vector<std::string>& xs,
                   const std::vector<std::string>& ys, const std::vector<Style>& options,
                   const std::string& x_title, const std::string& y_title) {
  json data = json::array();
  for (const GridCell& c : cells)
    data.push_back({{"x", c.x}, {"y", c.y}, {"option", c.category}, {"text", c.text}});
  const auto [x, y] = grid_axes(xs, ys, x_title, y_title);
  const json tooltip = grid_tooltip(x_title, y_title, "option", "preferred");
  json rect = {
      {"mark", {{"type", "rect"}, {"stroke", "#ffffff"}}},
      {"encoding", {{"x", x}, {"y", y}, {"color", colours(options, "option")}, {"tooltip", tooltip}}}};
  json domain = json::array(), label_colours = json::array();
  for (const Style& o : options) {
    domain.push_back(o.name);
    label_colours.push_back(label_colour_on(o.colour));
  }
  json text = {{"mark", {{"type", "text"}, {"fontSize", 10}}},
               {"encoding",
                {{"x", x},
                 {"y", y},
                 {"text", {{"field", "option"}}},
                 {"color",
                  {{"field", "option"},
                   {"type", "nominal"},
                   {"scale", {{"domain", domain}, {"range", label_colours}}},
                   {"legend", nullptr}}}}}};
  // The labels' colours a scale of their own, not the cells' (a shared scale drew them in the cells'
  // colours).
  return {{"data", {{"values", data}}},
          {"width", kChartWidth - 120},
          {"height", {{"step", row_step(34, y_title, ys.size())}}},
          {"layer", json::array({rect, text})},
          {"resolve", {{"scale", {{"color", "independent"}}}}}};
}

json value_map(const std::vector<GridCell>& cells, const std::vector<std::string>& xs,
               const std::vector<std::string>& ys, const std::string& x_title, const std::string& y_title,
               const std::string& legend_title) {
  json data = json::array();
  std::vector<std::string> panels;
  for (const GridCell& c : cells) {
    data.push_back({{"x", c.x}, {"y", c.y}, {"value", c.value}, {"text", c.text}, {"panel", c.panel}});
    if (std::find(panels.begin(), panels.end(), c.panel) == panels.end()) panels.push_back(c.panel);
  }
  const auto [x, y] = grid_axes(xs, ys, x_title, y_title);
  const json tooltip = grid_tooltip(x_title, y_title, "text", legend_title);
  json legend_axis = {{"labelExpr", kEuroLabels}};
  // Blue where it saves, orange where it costs more, white at zero; one colour's shades when all cells lie
  // on one side of zero (Vega warns of a midpoint outside the domain).
  double lo = 0, hi = 0;
  for (const GridCell& c : cells)
    if (std::isfinite(c.value)) lo = std::min(lo, c.value), hi = std::max(hi, c.value);
  json scale = {{"scheme", "blueorange"}};
  if (lo < 0 && hi > 0)
    scale["domainMid"] = 0;
  else
    scale["scheme"] = hi > 0 ? "oranges" : "blues";
  if (hi <= 0) scale["reverse"] = true;
  json rect = {{"mark", {{"type", "rect"}, {"stroke", "#ffffff"}}},
               {"encoding",
                {{"x", x},
                 {"y", y},
                 {"color",
                  {{"field", "value"},
                   {"type", "quantitative"},
                   {"title", legend_title},
                   {"scale", scale},
                   {"legend", legend_axis}}},
                 {"tooltip", tooltip}}}};
  // White figures on the darkest cells, black on the rest: black on the deepest blue was hard to read (an
  // analyst's reading of the printed report). The colours darken from the middle (zero) to each end of a
  // diverging scale, and from the lighter end of the data to the other on one colour's shades: a cell in
  // the outer fifth of that way takes white (from two thirds, white took cells black read better on).
  double dmin = kNaN, dmax = kNaN;
  for (const GridCell& c : cells)
    if (std::isfinite(c.value))
      dmin = std::isnan(dmin) ? c.value : std::min(dmin, c.value),
      dmax = std::isnan(dmax) ? c.value : std::max(dmax, c.value);
  std::string test = "false";
  if (lo < 0 && hi > 0)
    test = fmt::format("datum.value < {} || datum.value > {}", 0.8 * lo, 0.8 * hi);
  else if (dmax > dmin)
    test = hi > 0 ? fmt::format("datum.value > {}", dmin + 0.8 * (dmax - dmin))
                  : fmt::format("datum.value < {}", dmax - 0.8 * (dmax - dmin));
  json text = {{"mark", {{"type", "text"}, {"fontSize", 10}}},
               {"encoding",
                {{"x", x},
                 {"y", y},
                 {"text", {{"field", "text"}}},
                 {"color", {{"condition", {{"test", test}, {"value", "#ffffff"}}}, {"value", "#000000"}}}}}};
  return {
      {"data", {{"values", data}}},
      {"facet", {{"field", "panel"}, {"type", "nominal"}, {"title", nullptr}, {"sort", order_of(panels)}}},
      {"columns", 1},
      {"spec",
       {{"width", kChartWidth - 140},
        {"height", {{"step", row_step(30, y_title, ys.size())}}},
        {"layer", json::array({rect, text})}}},
      {"resolve", {{"scale", {{"color", "shared"}}}}}};
}

json planning_curves(const std::vector<CurvePanel>& panels, const std::string& y_title) {
  json out = json::array();
  for (const CurvePanel& p : panels) {
    json data = json::array();
    for (const auto& [x, y] : p.points)
      if (std::isfinite(y)) data.push_back({{"x", x}, {"y", y}, {"text", label(y, p.axis)}});
    const json x = {
        {"field", "x"}, {"type", "quantitative"}, {"title", p.title}, {"scale", {{"zero", false}}}};
    const json y = {{"field", "y"},
                    {"type", "quantitative"},
                    {"title", p.outcome.empty() ? y_title : p.outcome},
                    {"axis", axis_of(p.axis)}};
    json layers = json::array(
        {{{"mark", {{"type", "line"}, {"color", kBlue}, {"strokeWidth", 2}, {"point", {{"color", kBlue}}}}},
          {"encoding",
           {{"x", x},
            {"y", y},
            {"tooltip", json::array({{{"field", "x"}, {"title", "parameter"}},
                                     {{"field", "text"}, {"title", "outcome"}}})}}}},
         {{"data", {{"values", json::array({json::object()})}}},
          {"mark", {{"type", "rule"}, {"color", kBlack}, {"strokeDash", {4, 3}}}},
          {"encoding", {{"y", {{"datum", p.target}}}}}}});
    if (std::isfinite(p.threshold))
      layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                        {"mark", {{"type", "rule"}, {"color", kGreen}, {"strokeWidth", 2}}},
                        {"encoding", {{"x", {{"datum", p.threshold}}}}}});
    out.push_back(
        {{"data", {{"values", data}}}, {"width", kChartWidth - 40}, {"height", 200}, {"layer", layers}});
  }
  return {{"vconcat", out}, {"spacing", 24}};
}

json value_bars(const std::vector<ValueBar>& bars, const std::string& x_title) {
  json data = json::array(), order = json::array();
  std::vector<Style> groups;
  const char* palette[] = {kBlue, kGreen, kPurple, kOrange, kVermillion};
  for (const ValueBar& b : bars) {
    order.push_back(b.label);
    json r = {
        {"label", b.label}, {"group", b.group}, {"mean", b.mean}, {"text", b.text}, {"chance", b.chance}};
    if (std::isfinite(b.lo) && std::isfinite(b.hi)) r["lo"] = b.lo, r["hi"] = b.hi;
    data.push_back(std::move(r));
    if (std::none_of(groups.begin(), groups.end(), [&](const Style& s) { return s.name == b.group; }))
      groups.push_back({b.group, palette[groups.size() % std::size(palette)], false});
  }
  const json y = row_names("label", order, kKeyPathLabelLimit);
  json x_axis = axis_of(Axis::Euro);
  x_axis["tickCount"] = 6;
  const json tooltip = json::array({{{"field", "label"}, {"title", "what"}},
                                    {{"field", "text"}, {"title", "value"}},
                                    {{"field", "chance"}, {"title", "its fit"}}});
  // Ordinal, in the domain's order: Vega-Lite warns of opacity on an unsorted discrete field (a nominal one),
  // which the report's test counts as a console warning; it showed once an EVPPI above zero drew this chart.
  const json opacity = {
      {"field", "chance"},
      {"type", "ordinal"},
      {"sort", {kBeyondChance, kNotBeyondChance, kNotTested}},
      {"scale", {{"domain", {kBeyondChance, kNotBeyondChance, kNotTested}}, {"range", {1.0, 0.3, 1.0}}}},
      {"legend", {{"title", "fit (test at 5%)"}, {"orient", "bottom"}}}};
  json layers = json::array(
      {{{"mark", {{"type", "bar"}}},
        {"encoding",
         {{"y", y},
          {"x", {{"field", "mean"}, {"type", "quantitative"}, {"title", x_title}, {"axis", x_axis}}},
          {"color", colours(groups, "group")},
          {"opacity", opacity},
          {"tooltip", tooltip}}}},
       {{"mark", {{"type", "rule"}, {"color", kBlack}}},
        {"encoding",
         {{"y", y}, {"x", {{"field", "lo"}, {"type", "quantitative"}}}, {"x2", {{"field", "hi"}}}}}},
       zero("x")});
  return {{"data", {{"values", data}}},
          {"width", kChartWidth - 120},
          {"height", {{"step", 24}}},
          {"layer", layers}};
}

json band_lines(const std::vector<BandLine>& lines, const std::string& x_title, const std::string& y_title,
                Axis x_axis, Axis y_axis, double vertical) {
  json data = json::array();
  std::vector<Style> styles;
  for (const BandLine& l : lines) {
    styles.push_back(l.style);
    for (const BandPoint& p : l.points) {
      json r = {{"series", l.style.name}, {"x", p.x}, {"mean", p.mean}, {"text", p.text}};
      if (std::isfinite(p.lo) && std::isfinite(p.hi)) r["lo"] = p.lo, r["hi"] = p.hi;
      data.push_back(std::move(r));
    }
  }
  json xa = axis_of(x_axis);
  if (x_axis == Axis::Count) xa["tickMinStep"] = 1;  // whole draws
  const json x = {{"field", "x"}, {"type", "quantitative"}, {"title", x_title}, {"axis", xa}};
  const json y = {{"field", "mean"}, {"type", "quantitative"}, {"title", y_title}, {"axis", axis_of(y_axis)}};
  const json tooltip =
      json::array({{{"field", "series"}, {"title", "option"}}, {{"field", "text"}, {"title", "value"}}});
  json layers = json::array({zero("y")});
  // The band only over the points with an interval (a running mean's first has none), and none at all
  // without any (an empty band asks its scale for an infinite extent).
  if (std::any_of(data.begin(), data.end(), [](const json& r) { return r.contains("lo"); }))
    layers.push_back({{"transform", json::array({{{"filter", "isValid(datum.lo) && isValid(datum.hi)"}}})},
                      {"mark", {{"type", "area"}, {"opacity", 0.16}}},
                      {"encoding",
                       {{"x", x},
                        {"y", {{"field", "lo"}, {"type", "quantitative"}, {"title", y_title}}},
                        {"y2", {{"field", "hi"}}},
                        {"fill", colours(styles, "series")}}}});
  layers.push_back(
      {{"mark", {{"type", "line"}, {"strokeWidth", 2}, {"point", {{"size", 30}}}}},
       {"encoding", {{"x", x}, {"y", y}, {"color", colours(styles, "series")}, {"tooltip", tooltip}}}});
  if (std::isfinite(vertical))
    layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                      {"mark", {{"type", "rule"}, {"color", kBlack}, {"strokeDash", {4, 3}}}},
                      {"encoding", {{"x", {{"datum", vertical}}}}}});
  return {{"data", {{"values", data}}}, {"width", kChartWidth}, {"height", 240}, {"layer", layers}};
}

json frontier(const std::vector<FrontierPoint>& points, const std::vector<Style>& options,
              double willingness_to_pay, int draws) {
  const int few = few_runs(draws) ? draws : 0;
  json data = json::array();
  double wtp_max = 0;
  for (const FrontierPoint& p : points) {
    data.push_back({{"wtp", p.wtp},
                    {"p", few > 0 ? p.probability * few : p.probability},
                    {"option", p.option},
                    {"text", p.text},
                    {"wtp_text", label(p.wtp, Axis::Euro)}});
    wtp_max = std::max(wtp_max, p.wtp);
  }
  const json x = {{"field", "wtp"},
                  {"type", "quantitative"},
                  {"title", "willingness to pay (euros per problem-free household-year)"},
                  {"scale", {{"domain", {0, wtp_max}}, {"nice", false}}},
                  {"axis", axis_of(Axis::Euro)}};
  const json y = probability_y(few, fmt::format("draws of {} in which the chosen option is best", few),
                               "probability the chosen option is best");
  const json tooltip = json::array({{{"field", "wtp_text"}, {"title", "willingness to pay"}},
                                    {{"field", "option"}, {"title", "best on average"}},
                                    {{"field", "text"}, {"title", "probability it is best"}}});
  json layers = json::array(
      {{{"mark", {{"type", "line"}, {"color", "#999999"}, {"strokeWidth", 1.5}}},
        {"encoding", {{"x", x}, {"y", y}}}},
       {{"mark", {{"type", "point"}, {"filled", true}, {"size", 90}}},
        {"encoding", {{"x", x}, {"y", y}, {"color", colours(options, "option")}, {"tooltip", tooltip}}}}});
  if (willingness_to_pay > 0)
    layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                      {"mark", {{"type", "rule"}, {"color", kBlack}, {"strokeDash", {4, 3}}}},
                      {"encoding", {{"x", {{"datum", willingness_to_pay}}}}}});
  return {{"data", {{"values", data}}}, {"width", kChartWidth}, {"height", 240}, {"layer", layers}};
}

}  // namespace wijksim::charts
