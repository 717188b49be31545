#include "wijksim/report/report_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "wijksim/analysis/calibration.h"
#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {
namespace {

constexpr const char* kPairedNote =
    "Intervention minus comparator, paired by run (the same parameter draw, if any, and replication: common "
    "random numbers); the interval is that of the mean paired difference, cut where it would put the "
    "intervention's mean outside its range (a wait or a cost below 0). A difference of shares is in "
    "percentage "
    "points, pp (40% against 38% shows as 2,0 pp).";

constexpr std::array<const char*, kCostCategories> kCategoryLabels = {
    "coaches",     "capacity (budget per place)", "intakes", "treatment",
    "escalations", "benefits paid (transfer)"};

// The figures a table reads: a scenario's stats or a comparison's paired differences.
struct Source {
  const ScenarioShape& shape;
  const Measures<Stat>& stats;
  const ScenarioShape* comparator = nullptr;  // set for a difference table
};

Table start_table(const Source& src, const std::string& id, const std::string& title, std::string note) {
  Table t;
  t.id = src.comparator ? id + "_difference" : id;
  t.title = src.comparator ? title + ": difference from the comparator" : title;
  t.scenario = src.shape.name;
  if (src.comparator) {
    t.comparator = src.comparator->name;
    note = note.empty() ? kPairedNote : note + " " + kPairedNote;
  }
  t.note = std::move(note);
  return t;
}

bool all_zero(const Row& r) {
  for (const Cell& c : r.cells)
    if (c.kind == Cell::Kind::Number && (c.stat.mean != 0 || (!std::isnan(c.stat.sd) && c.stat.sd != 0)))
      return false;
  return true;
}

Table agencies(const Source& src) {
  Table t =
      start_table(src, "agencies", "Second-line agencies over the policy period",
                  "Waiting list: mean over weeks. Wait: summed waits of those admitted / admissions. "
                  "Utilisation: cases in treatment / capacity (above 100% where reallocated funding cut the "
                  "capacity below the cases already in treatment: they finish, no new ones start). "
                  "Places used: cases in treatment and "
                  "duplicate cases (at their share of a place) a week, and the FTE they take "
                  "(agencies' cases_per_fte); a difference from the comparator is capacity freed "
                  "(negative) or used.");
  t.columns = {{"waiting", "waiting list (households)"},
               {"wait_weeks", "wait (weeks)"},
               {"utilisation", "utilisation"},
               {"referrals", "referrals per year"},
               {"coach_referrals", "of which by coaches"},
               {"intakes", "intakes per year"},
               {"places_used", "places used"},
               {"fte_used", "FTE used"},
               {"places_funded", "places funded"}};
  for (std::size_t a = 0; a < src.shape.agencies.size(); ++a) {
    const AgencyMeasures<Stat>& m = src.stats.agencies[a];
    t.rows.push_back({src.shape.agencies[a].key,
                      src.shape.agencies[a].text,
                      {Cell::of(m.waiting, Unit::Count), Cell::of(m.wait_weeks, Unit::Weeks),
                       Cell::of(m.utilisation, Unit::Share), Cell::of(m.referrals, Unit::PerYear),
                       Cell::of(m.coach_referrals, Unit::PerYear), Cell::of(m.intakes, Unit::PerYear),
                       Cell::of(m.places_used, Unit::Count), Cell::of(m.fte_used, Unit::Fte),
                       Cell::of(m.places_funded, Unit::Count)}});
  }
  return t;
}

Table budget(const Source& src) {
  const BudgetLayout& b = src.shape.budget;
  Table t =
      start_table(src, "budget", "Budget per payer per policy year",
                  "Nominal euros, not discounted; policy years are 52-week blocks from the policy start. "
                  "Categories with nothing in them are left out.");
  // Discounted figures (discounting.h) will be a second table of the same layout.
  for (int y = 0; y < b.years; ++y)
    t.columns.push_back({fmt::format("year_{}", y + 1), fmt::format("year {}", y + 1)});
  t.columns.push_back({"total", b.years > 1 ? fmt::format("years 1-{}", b.years) : "total"});
  auto row = [&](int payer, int category, std::string key, std::string label, int indent) {
    Row r{std::move(key), std::move(label), {}, indent};
    for (int y = 0; y <= b.years; ++y)
      r.cells.push_back(Cell::of(src.stats.cost[b.at(y, payer, category)], Unit::Euro));
    return r;
  };
  for (int p = 0; p <= b.payers; ++p) {
    const bool all = p == b.payers;
    const std::string key = all ? "all_payers" : src.shape.payers[p].key;
    t.rows.push_back(
        row(p, kCostCategories, key + "/total", all ? "All payers" : src.shape.payers[p].text, 0));
    for (int k = 0; k < kCostCategories; ++k) {
      Row r = row(p, k, key + "/" + kCostCategoryNames[k], kCategoryLabels[k], 1);
      if (!all_zero(r)) t.rows.push_back(std::move(r));
    }
  }
  return t;
}

Table households(const Source& src) {
  Table t =
      start_table(src, "households", "Households",
                  "Shares of all households unless marked 'of those with help' (households with at least "
                  "one professional involved). Over the policy period: ratio of sums over its weeks.");
  t.columns = {{"start", "policy start"}, {"period", "over the policy period"}, {"end", "end of the period"}};
  const Measures<Stat>& m = src.stats;
  auto row = [&](std::string key, std::string label, Unit u, auto get) {
    t.rows.push_back({std::move(key),
                      std::move(label),
                      {Cell::of(get(m.start), u), Cell::of(get(m.period), u), Cell::of(get(m.end), u)}});
  };
  // How many households the figures are of, where a steering group reads the glance's per-household and
  // city-wide euros (an advisor's reading: the glance never said whether a column was a neighbourhood or the
  // city). A scenario's own table only: a difference of two populations of one size is nothing to show.
  if (!src.comparator)
    t.rows.push_back({"count",
                      "households simulated",
                      {Cell::of_value(src.shape.households, Unit::Count), Cell::empty(), Cell::empty()}});
  using S = const ShareMeasures<Stat>&;
  row("with_problem", "at least one problem", Unit::Share, [](S s) { return s.with_problem; });
  row("multi_problem", "several problems", Unit::Share, [](S s) { return s.multi_problem; });
  const char* counts[] = {"0", "1", "2", "3 or more"};
  for (int k = 0; k < 4; ++k)
    row(fmt::format("professionals_{}", k < 3 ? std::to_string(k) : "3plus"),
        fmt::format("professionals involved: {}", counts[k]), Unit::Share,
        [k](S s) { return s.professionals[static_cast<std::size_t>(k)]; });
  row("low_trust", "of those with help: little or no trust", Unit::Share, [](S s) { return s.low_trust; });
  row("bounced", "of those with help: sent from pillar to post", Unit::Share, [](S s) { return s.bounced; });
  row("trust", "of those with help: mean trust (0-1)", Unit::Trust, [](S s) { return s.trust; });
  row("rung", "mean rung on the participation ladder (1-6)", Unit::Rung, [](S s) { return s.rung; });
  return t;
}

Table events(const Source& src) {
  Table t = start_table(src, "events", "Household events over the policy period", "");
  t.columns = {{"value", "value"}};
  const Measures<Stat>& m = src.stats;
  auto row = [&](std::string key, std::string label, const Stat& s, Unit u, int indent = 0) {
    t.rows.push_back({std::move(key), std::move(label), {Cell::of(s, u)}, indent});
  };
  row("bounces", "bounces per 1.000 households per year", m.bounces, Unit::PerThousandYear);
  for (std::size_t e = 0; e < src.shape.escalation_types.size(); ++e) {
    // In words for the reader ("benefit inflow"); the key keeps the scenario's name (benefit_inflow).
    const std::string words = event_words(src.shape.escalation_types[e]);
    row("escalations/" + src.shape.escalation_types[e],
        fmt::format("escalations per 1.000 households per year: {}", words), m.escalations[e],
        Unit::PerThousandYear);
  }
  row("rungs_gained", "ladder rungs gained per household (end minus start)", m.rungs_gained, Unit::Rung);
  row("resolved", "problems resolved per year", m.resolved, Unit::PerYear);
  // Not "of which", nor indented under the row above: in a table of differences the coaches' share can
  // exceed the difference in all (+793 beside +517: others resolve fewer), which an indented row read as an
  // error (policy advisors' readings).
  row("resolved_by_coach", "problems resolved by a coach per year", m.resolved_by_coach, Unit::PerYear);
  // The coaches' share above the difference in all went unexplained (the pilot's 58,8 beside 25,6; an
  // advisor's reading).
  if (src.comparator && m.resolved_by_coach.mean > m.resolved.mean && m.resolved_by_coach.mean > 0)
    t.note += std::string(t.note.empty() ? "" : " ") +
              "Problems resolved by a coach exceed the difference in all problems resolved: some of them an "
              "agency or the household itself would have resolved without the coaches; the difference in all "
              "is the net gain.";
  return t;
}

Source source_of(const ScenarioSummary& s) {
  return {s.shape, s.stats};
}

}  // namespace

std::string event_words(const std::string& event) {
  std::string words = event;
  std::replace(words.begin(), words.end(), '_', ' ');
  return words;
}

Table caseload_table(const ScenarioSummary& s) {
  Table t = start_table(
      source_of(s), "caseload", "Coach caseload pressure over the policy period",
      "Caseload per FTE over team-weeks. Wait: summed waits of households admitted / admissions.");
  t.columns = {{"value", "value"}};
  const CoachMeasures<Stat>& c = s.stats.coaches;
  auto row = [&](std::string key, std::string label, const Stat& v, Unit u) {
    t.rows.push_back({std::move(key), std::move(label), {Cell::of(v, u)}});
  };
  row("caseload_mean", "caseload per FTE: mean", c.caseload_mean, Unit::PerFte);
  row("caseload_p95", "caseload per FTE: 95th percentile", c.caseload_p95, Unit::PerFte);
  row("caseload_max", "caseload per FTE: maximum", c.caseload_max, Unit::PerFte);
  // Mean <= 95th percentile <= maximum in every run: written with the same decimals, lest rounding put
  // them out of order.
  text::same_decimals({&t.rows[0].cells[0], &t.rows[1].cells[0], &t.rows[2].cells[0]});
  row("above_norm", fmt::format("team-weeks above the norm ({:g} per FTE)", s.shape.caseload_norm_per_fte),
      c.above_norm, Unit::Share);
  row("coach_waiting", "coach waiting list (households, mean over weeks)", c.waiting, Unit::Count);
  row("coach_wait_weeks", "coach wait (weeks)", c.wait_weeks, Unit::Weeks);
  // A mean below the norm beside most team-weeks above it reads as a contradiction (31,0 against a norm of
  // 35 with 69,3% above; a policy advisor's reading): said as what it is.
  if (c.caseload_mean.mean < s.shape.caseload_norm_per_fte && c.above_norm.mean > 0.5)
    t.note +=
        " The mean is below the norm while most team-weeks are above it: the load is uneven, a minority of "
        "team-weeks far below the norm pulls the mean down (a team in its first weeks, or one with fewer "
        "households in need for its FTE than the others).";
  return t;
}

Table agencies_table(const ScenarioSummary& s) {
  return agencies(source_of(s));
}
Table budget_table(const ScenarioSummary& s) {
  return budget(source_of(s));
}
Table households_table(const ScenarioSummary& s) {
  return households(source_of(s));
}
Table events_table(const ScenarioSummary& s) {
  return events(source_of(s));
}

// The unit a target's figures are shown in.
Cell target_cell(const CalibrationTarget& t, Unit u) {
  Cell c = Cell::of_interval(t.value, t.lo, t.hi, u);
  if (t.sampled()) c.interval = interval_kind::kSurvey;
  return c;
}

Unit target_unit(const CalibrationTarget& t) {
  using K = TargetMeasure::Kind;
  switch (t.parsed.kind) {
    case K::Share:
    case K::DomainShare:
    case K::NotHelped:
      return Unit::Share;
    case K::EscalationRate:
    case K::AgencyReferrals:
      return Unit::PerThousandYear;
    case K::SpellYears:
      return Unit::Years;
    case K::SpellStock:
      return Unit::PerThousand;
    case K::AgencyWait:
    case K::CoachWait:
    case K::CoachEpisode:
    case K::CoachRequest:
      return Unit::Weeks;
    case K::CoachCaseload:
      return Unit::PerFte;
    case K::Spending:
      return Unit::Euro;
    case K::None:
      break;
  }
  return t.value >= 0 && t.value <= 1 && t.n > 0 ? Unit::Share : Unit::Count;
}

Table calibration_table(const ScenarioSummary& s) {
  Table t = start_table(
      source_of(s), "calibration", "Calibration: the model next to the public figures it should reproduce",
      fmt::format(
          "Targets from {}: each public figure with its interval (a survey's sampling interval p +/- "
          "1,96 sqrt(p(1-p)/N), Wilson's at 0% or 100%, or the range of years and sources the file gives). "
          "Model: {}, at the policy "
          "start for a share (the baseline's steady state) unless the target says otherwise, else over the "
          "policy years. 'inside': the model's mean lies in the target's interval.",
          s.shape.targets.empty() ? std::string("no targets file") : std::string("the targets file"),
          s.runs.size() == 1 ? "one run, so no interval" : "the mean over runs with its 95% interval"));
  t.columns = {
      {"target", "public figure"}, {"n", "N"}, {"model", "model"}, {"fit", "fit"}, {"source", "source"}};
  // What the targets file says of how a figure was derived (which ends are assumptions, which model figure
  // stands in for it): it stayed in the file, and "6,0 (4,0 to 10,0)" read as the norm's (outside attack 23).
  std::string notes;
  for (const CalibrationRow& r : calibrate(s)) {
    const CalibrationTarget& x = *r.target;
    const Unit u = target_unit(x);
    if (!x.note.empty())
      notes +=
          fmt::format("{}{}: {}", notes.empty() ? " Notes of the targets file: " : "; ", x.label, x.note);
    const char* fit = fit_words(r.fit, x.bound);
    t.rows.push_back(
        {x.key,
         fmt::format("{} ({})", x.label, x.unit),
         {target_cell(x, u), x.n > 0 ? Cell::of_value(x.n, Unit::Count) : Cell::empty(),
          // A target after the run's end has no model figure: its note (how the public
          // figure was derived) read as one there (outside attack 18). One the model does not
          // show has none either, its note with the others ("not in the model" stood in both
          // the model and the fit column, the source squeezed to 15 lines; an advisor's reading).
          has_model_figure(r.fit) ? Cell::of(r.model, u) : Cell::of_text("-"), Cell::of_text(fit),
          Cell::of_text(x.source)}});
  }
  if (!notes.empty()) t.note += notes + ".";
  // Sources and notes are quoted as the targets file writes them, in English notation, beside figures in
  // Dutch notation ("88,350 persons" read as 88,35; a policy advisor's reading).
  t.note +=
      " Sources and notes are quoted as the targets file writes them, in English notation: 88,350 there is "
      "88.350 here, 2.14 is 2,14.";
  return t;
}

// A figure undefined in some runs (a wait where nobody was admitted) is summarised over the others, which
// only the CSV and JSON said (their n): "73,1 (0,0 to 170,1)" read as over all 8 runs when it was over 5
// (an independent check). The note names each such figure with its count.
void say_fewer_runs(Table& t, std::size_t runs, std::string_view of, std::string_view undefined) {
  std::string fewer;
  for (const Row& r : t.rows)
    for (std::size_t i = 0; i < r.cells.size() && i < t.columns.size(); ++i) {
      const Cell& c = r.cells[i];
      // A cell of one value (a target, a norm) has n = 1 whatever the runs; a figure defined in one run of
      // several has it too, and is named (outside attack 28: only those over 2 or more were).
      if (c.kind != Cell::Kind::Number || c.one_value || c.stat.n < 1 ||
          static_cast<std::size_t>(c.stat.n) >= runs)
        continue;
      // (fmt::format throughout: GCC 12 warns falsely of overlapping copies for "literal" + std::string.)
      // Over draws, a figure's spread is of the draws that give it (14.3): from fewer than kPercentileDraws
      // the lowest to the highest, where the heading says percentiles of all the draws (an audit of
      // docs/model.md against the code).
      const bool no_percentiles =
          of == "draws" && runs >= static_cast<std::size_t>(kPercentileDraws) && c.stat.n < kPercentileDraws;
      fewer += fmt::format("{}{}{}{}: {} of {} {}{}", fewer.empty() ? "" : "; ", r.label,
                           t.columns.size() > 1 ? ", " : "", t.columns.size() > 1 ? t.columns[i].label : "",
                           c.stat.n, runs, of, no_percentiles ? ", its lowest to highest" : "");
    }
  if (!fewer.empty())
    t.note +=
        fmt::format("{}{}", t.note.empty() ? "" : " ", fewer_runs_sentence(fewer, std::string(undefined)));
}

std::string fewer_runs_sentence(const std::string& list, const std::string& undefined) {
  return fmt::format("{}{}: {}.", kFewerRuns, undefined, list);
}

std::vector<Table> scenario_tables(const ScenarioSummary& s) {
  std::vector<Table> tables;
  if (s.shape.coaches) tables.push_back(caseload_table(s));
  tables.push_back(agencies_table(s));
  tables.push_back(budget_table(s));
  tables.push_back(households_table(s));
  tables.push_back(events_table(s));
  if (!s.shape.targets.empty()) tables.push_back(calibration_table(s));
  for (Table& t : tables) say_fewer_runs(t, s.runs.size());
  return tables;
}

std::vector<Table> comparison_tables(const ComparisonSummary& c) {
  const Source src{c.intervention, c.stats, &c.comparator};
  std::vector<Table> tables = {budget(src), agencies(src), households(src), events(src)};
  // With parameter draws the interval of the mean over all runs leaves out how the draws differ: read alone,
  // the budget difference made a payer a clear saver whom the glance, over the draws, did not (an independent
  // check).
  std::vector<std::uint32_t> draws;
  for (const RunMeasures& m : c.differences)
    if (std::find(draws.begin(), draws.end(), m.draw) == draws.end()) draws.push_back(m.draw);
  if (draws.size() > 1)
    for (Table& t : tables)
      t.note += fmt::format(
          " With {} parameter draws this is the interval of the mean over all {} runs, which leaves out how "
          "the draws differ: a change clear here may not hold across the draws ('At a glance', 'Who pays, "
          "who saves?' and, each payer's year by year, 'What does it cost each payer per year?' give the "
          "spread over the draws).",
          draws.size(), c.differences.size());
  for (Table& t : tables) say_fewer_runs(t, c.differences.size());
  // The rows are those of a scenario's tables, built once; a difference of their shares is in points.
  for (Table& t : tables)
    for (Row& r : t.rows)
      for (Cell& cell : r.cells)
        if (cell.unit == Unit::Share) cell.unit = Unit::SharePoints;
  return tables;
}

}  // namespace wijksim
