#include "wijksim/report/calibration_markdown.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "wijksim/core/dutch_numbers.h"
#include "wijksim/report/render.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {
namespace {

// A share: of the measures the model has, those that are shares; of those it does not, what the targets file
// calls one.
bool is_share(const CalibrationTarget& t) {
  using K = TargetMeasure::Kind;
  return t.parsed.kind == K::Share || t.parsed.kind == K::NotHelped || t.parsed.kind == K::DomainShare ||
         (t.parsed.kind == K::None && t.unit.rfind("share", 0) == 0);
}

std::string figure(const CalibrationTarget& t, double x) {
  // A share as the tables show it (text_layout: x / 0.01, half away from zero), with a decimal point: 0.4825
  // was 48.2% here (printf's half to even) and 48,3% in `run`'s table (outside attack 10).
  if (is_share(t)) {
    std::string p = format_dutch(x / 0.01, 1);
    std::replace(p.begin(), p.end(), ',', '.');
    return p + "%";
  }
  return std::fabs(x) >= 1000 ? fmt::format("{:.0f}", x) : fmt::format("{:.3g}", x);  // never 4.9e+03
}

// The model's figure: a share as above; otherwise three significant digits with their trailing zeros ("16.0",
// not "16", which read as exact beside the table format's "16,0 (15,6 to 16,5)"; an analyst's reading),
// whole from 100 on.
std::string model_figure(const CalibrationTarget& t, double x) {
  if (is_share(t)) return figure(t, x);
  // A parameter value's rule of significant digits (render.h), in the README's English notation.
  return fmt::format("{:.{}f}", x, display_decimals(Cell::of_value(x, Unit::Value)));
}

// The model's mean with the 95% interval of the mean over the replications, where there is one.
// The same in every run: said so, as the table format says it ("0.0% (0.0% to 0.0%)" stood here beside
// "0,0% (same in all runs)" there; outside attack 46).
std::string model_cell(const CalibrationTarget& t, const Stat& m) {
  std::string out = model_figure(t, m.mean);
  if (!std::isnan(m.lo) && !std::isnan(m.hi))
    out += text::no_spread(m) ? std::string(" (same in all runs)")
                              : fmt::format(" ({} to {})", model_figure(t, m.lo), model_figure(t, m.hi));
  return out;
}

// A text in a cell of a Markdown table: a '|' would end the cell (a label "a | b" put the figures under the
// wrong headings; outside attack 36), and '<', '&', '[', '*', '_', '`', '~' could start HTML, a link or
// emphasis where GitHub renders the README: each is escaped (a backslash, or an entity), a backslash too
// (it would undo the escape after it; outside attack 37), so the cell shows the text as written.
std::string markdown_text(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '&')
      out += "&amp;";
    else if (std::string_view("\\|[]*_`~").find(c) != std::string_view::npos)
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out;
}

// The scenario's name in the header: in a code span, where only '|' needs its backslash (GitHub's tables
// read \| there); a name holding a backtick, which would end the span, as escaped text instead.
std::string markdown_name(std::string_view name) {
  if (name.find('`') != std::string_view::npos) return markdown_text(name);
  std::string out = "`";
  for (const char c : name) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out + "`";
}

// The unit after a target's label, where the label does not say it already ("weeks from a request to its
// closing" needs no "(weeks)"): in brackets, or after a comma where the unit has brackets of its own.
std::string unit_words(const CalibrationTarget& t) {
  if (t.unit.empty()) return "";
  std::istringstream words(t.unit);
  bool said = true;
  for (std::string w; words >> w;) said = said && t.label.find(w) != std::string::npos;
  if (said) return "";
  return t.unit.find('(') == std::string::npos ? " (" + t.unit + ")" : ", " + t.unit;
}

}  // namespace

std::string calibration_markdown(const std::vector<CalibrationRow>& rows, const std::string& scenario,
                                 int replications, int years) {
  std::string out = fmt::format(
      "| target | public figure (interval) | N | model ({}, {} replication{}, {} policy year{}: {}) | fit "
      "|\n|---|---|---|---|---|\n",
      markdown_name(scenario), replications, replications == 1 ? "" : "s", years, years == 1 ? "" : "s",
      // The model's figure is a mean over runs; it was printed bare (an analyst's reading: "2.24" beside a
      // target of 2 to 8, where its interval reaches 1.6).
      replications == 1 ? "one run, so no interval" : "mean, and the 95% interval of the mean");
  for (const CalibrationRow& r : rows) {
    const CalibrationTarget& t = *r.target;
    const std::string when = t.at.empty() || t.at == "start" ? "" : fmt::format(", {}", t.at);
    // The unit with the label, as the terminal's table has it: "not really helped" dropped "(share of
    // treatments that ended)", a figure other than the survey's (a policy advisor's reading).
    out += fmt::format("| {}{} | {} ({} to {}) | {} | {} | {} |\n", markdown_text(t.label),
                       markdown_text(unit_words(t) + when), figure(t, t.value), figure(t, t.lo),
                       figure(t, t.hi), t.n > 0 ? std::to_string(t.n) : std::string("-"),
                       has_model_figure(r.fit) ? model_cell(t, r.model) : std::string("-"),
                       fit_words(r.fit, t.bound));
  }
  return out;
}

}  // namespace wijksim
