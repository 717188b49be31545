#include "wijksim/report/trace_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "wijksim/core/dutch_numbers.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {
namespace {

std::string count(int n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string trace_text(const Scenario& s, const RunResult& r, const TraceOptions& o) {
  const std::size_t width = std::max(o.width, text::kMinWidth);
  const int warmup = s.warmup_weeks();
  const int weeks = s.weeks();
  std::string out =
      text::wrap(fmt::format("household {} of {} ({}), seed {}, replication {}{}", o.household, s.name,
                             s.file, o.seed, o.replication, o.picked.empty() ? "" : ": " + o.picked),
                 width, "", "  ");
  out += text::wrap(fmt::format("Weeks count from the policy start: week {} is the drawn population (shown after "
                                "its waiting lists were served), weeks {} to 0 the warm-up ({} of the fragmented "
                                "baseline), weeks 1 to {} the policy period ({}).",
                                -warmup, -warmup + 1, count(s.simulation.warmup_years, "year", "years"), weeks,
                                count(s.simulation.years, "year", "years")),
                    width, "", "");
  out += "\n";
  // Each line under its week; a long line wraps under its text. The state is recorded every week: it is
  // printed only when it changes.
  std::string last_state;
  auto line = [&](const TraceEvent& e) {
    if (e.kind == TraceEvent::Kind::State) {
      if (e.what == last_state) return false;
      last_state = e.what;
    }
    // A line that belongs to the one above (a cost) keeps its indent.
    const std::size_t indent = std::min(e.what.find_first_not_of(' '), e.what.size());
    // The warm-up books nothing (model.md 3.1): its costs are what the events would cost.
    const std::string what =
        e.what.substr(indent) +
        (e.kind == TraceEvent::Kind::Cost && e.week <= warmup ? " (warm-up: not booked)" : "");
    out += text::wrap(what, width, fmt::format("week {:>5}  {}", e.week - warmup, std::string(indent, ' ')),
                      std::string(14 + indent, ' '));
    return true;
  };
  if (o.warmup) {
    out += "Warm-up, week by week:\n";
    for (const TraceEvent& e : r.trace)
      if (e.week <= warmup) line(e);
  } else {
    int problems = 0, resolved = 0, bounces = 0, escalations = 0;
    Cents cost = 0;
    for (const TraceEvent& e : r.trace) {
      if (e.week > warmup) break;
      problems += e.kind == TraceEvent::Kind::NewProblem;
      resolved += e.kind == TraceEvent::Kind::Resolved;
      bounces += e.kind == TraceEvent::Kind::Bounce;
      escalations += e.kind == TraceEvent::Kind::Escalation;
      if (e.kind == TraceEvent::Kind::Cost) cost += e.cost;
      if (e.kind == TraceEvent::Kind::State) last_state = e.what;
    }
    out += text::wrap("Warm-up, in short (--warmup lists it week by week):", width, "", "");
    out += text::wrap(
        fmt::format("{}, {}, {}, {}; its intakes and escalations would have cost {} (the warm-up books "
                    "nothing; treatment at an agency paid per case shows as 'open cases' in its state)",
                    count(problems, "new problem", "new problems"),
                    count(resolved, "problem resolved", "problems resolved"),
                    count(bounces, "bounce", "bounces"), count(escalations, "escalation", "escalations"),
                    format_euro_cents(static_cast<double>(cost) / 100.0)),
        width, "  ", "    ");
    if (!last_state.empty())
      out += text::wrap("at the policy start: " + last_state.substr(last_state.find(' ') + 1), width, "  ",
                        "    ");
  }
  out += "\n";
  out += text::wrap(fmt::format("Policy period, weeks 1 to {}:", weeks), width, "", "");
  bool any = false;
  for (const TraceEvent& e : r.trace)
    if (e.week > warmup && line(e)) any = true;
  if (!any)
    out += text::wrap(
        "  nothing happened to this household in the policy period (--pick coached, evicted, bounced or "
        "benefit follows one that had something happen)",
        width, "", "    ");
  return out;
}

}  // namespace wijksim
