#include "wijksim/report/glance_view.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/statistics.h"
#include "wijksim/report/economic_text.h"
#include "wijksim/report/headline.h"
#include "wijksim/report/render.h"

namespace wijksim {
namespace {

// A file's text (a description, a caveat) may hold line breaks and tabs; In short is one paragraph a
// scenario, wrapped to the terminal, where a line break in it started a line at column 0 (outside reading).
// A run of spaces, line breaks and tabs is one space, and none is kept at either end (a YAML `|` block ends
// in a line break).
std::string spaced(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool blank = c == ' ' || c == '\n' || c == '\t';
    if (!blank)
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// "capacity: Debt counselling (places used)" -> "Debt counselling".
std::string strip(std::string label, const std::string& prefix, const std::string& suffix) {
  if (label.starts_with(prefix)) label.erase(0, prefix.size());
  if (label.ends_with(suffix)) label.erase(label.size() - suffix.size());
  return label;
}

}  // namespace

std::optional<GlanceView> glance_view(const Report& r) {
  std::vector<const Table*> headlines;
  for (const Table& t : r.tables)
    if (t.id == "headline") headlines.push_back(&t);
  if (headlines.empty()) return std::nullopt;
  // A scenario's own households table (nullptr where the report has none).
  const auto households_of = [&](const std::string& scenario) -> const Table* {
    for (const Table& t : r.tables)
      if (t.id == "households" && t.scenario == scenario) return &t;
    return nullptr;
  };
  auto decision_table = [&](const std::string& id, const std::string& comparator) -> const Table* {
    for (const Table& t : r.tables)
      if (t.id == id && (t.comparator == comparator || (t.comparator.empty() && t.scenario == comparator)))
        return &t;
    return nullptr;
  };

  GlanceView v;
  text::Grid& g = v.grid;
  const int years = r.scenarios.empty() ? 0 : r.scenarios.front().years;
  const std::string over = years == 1 ? "policy year 1" : fmt::format("policy years 1-{}", years);
  // ICER, dominant and the frontier are used in its first lines and explained under it (advisor review 56).
  g.title =
      "At a glance: each scenario against its comparator (ICER, dominant and other terms: under Terms below)";
  g.by_row = true;
  g.may_transpose = false;
  for (const Table* h : headlines) g.columns.push_back(h->scenario);
  const std::size_t n = headlines.size();

  // Every row key of the headline tables with `prefix`, in the order they first appear.
  auto keys = [&](const std::string& prefix) {
    std::vector<std::pair<std::string, std::string>> out;  // (key, label)
    for (const Table* h : headlines)
      for (const Row& row : h->rows)
        if (row.key.starts_with(prefix) &&
            std::none_of(out.begin(), out.end(), [&](const auto& k) { return k.first == row.key; }))
          out.emplace_back(row.key, row.label);
    return out;
  };
  auto heading = [&](std::string label, int group = -1) {
    text::Grid::Line l;
    l.label = std::move(label);
    l.heading = true;
    l.group = group;
    g.rows.push_back(std::move(l));
  };
  // A row of one headline column ("change" or "verdict"), with `missing` where a scenario has no such row.
  auto headline_row = [&](const std::string& key, std::string label, const std::string& column,
                          const Cell& missing, int group = -1, int indent = 1) {
    text::Grid::Line l;
    l.label = std::move(label);
    l.indent = indent;
    l.group = group;
    for (const Table* h : headlines) {
      const Cell* c = cell_of(h, key, column);
      l.cells.push_back(c ? *c : missing);
    }
    g.rows.push_back(std::move(l));
  };

  // The decision: the cost-effectiveness table of each scenario's decision, and its frontier.
  std::vector<const Table*> ce(n), frontier(n);
  for (std::size_t i = 0; i < n; ++i) {
    ce[i] = decision_table("cost_effectiveness", headlines[i]->comparator);
    frontier[i] = decision_table("efficiency_frontier", headlines[i]->comparator);
  }
  // Over what the probabilities are: without parameter draws the runs differ in the households' luck only,
  // and "5 of 5 runs" read as certainty about the decision (outside attack 23). Said in the heading, a line
  // of its own: in the label column it took five lines at 100 columns.
  // One parameter draw: its runs differ in luck only, as the cells' "1 of 1 runs" say (the heading said "over
  // the parameter draws"; outside attack 40).
  // What the brackets are over, said here too: the first screen never said it, only the note under In
  // short, some 40 lines on (a policy advisor's reading).
  std::uint32_t most_draws = 0, most_runs = 0;
  for (const ScenarioRef& s : r.scenarios) {
    most_draws = std::max(most_draws, s.draws);
    most_runs = std::max(most_runs, s.replications);
  }
  const bool draws = most_draws > 1;
  const bool one_draw = most_draws == 1;
  std::vector<double> probabilities;  // the glance's probabilities, for the bounds of their counts (below)
  heading(
      // Over the period, not a year's (a reader set "-185" beside a calibration table's euros a year).
      fmt::format("Is it worth the money? Per household over {}, discounted, society's view (transfers left "
                  "out); ",
                  over) +
      // One run a draw: its households' luck is in each draw's figure, which the tables' notes said and the
      // glance did not (a policy advisor's reading of a PSA).
      (draws ? fmt::format(
                   "brackets here and below: {} of the {} parameter draws' means; probabilities over "
                   "the draws{}",
                   most_draws >= static_cast<std::uint32_t>(kPercentileDraws) ? "the 2,5 to 97,5 percentiles"
                                                                              : "the lowest to the highest",
                   format_dutch(static_cast<double>(most_draws), 0),
                   most_runs <= 1 ? " (one run a draw: the households' luck in each widens the spread and "
                                    "pulls a probability towards 50%)"
                                  : "")
       : one_draw && most_runs <= 1 ? "one run (one parameter draw of one replication), so no interval, and "
                                      "probabilities over that run"
       : one_draw
           ? "brackets here and below: the 95% interval of the mean over the runs of the one parameter draw, "
             "which differ in the households' luck only; probabilities over those runs"
       : most_runs <= 1
           ? "one run, so no interval, and probabilities over that run (no parameter draws)"
           // The base case's means are not the PSA's (a steering group read 5,53 here where 40 draws gave
           // 9,51): said, so that they are not taken for the answer under parameter uncertainty.
           // Nor a budget range to plan within: one city's years are one run, which scatters sqrt(n) times
           // wider (README, "What an interval is not"; a steering group read the municipality's bracket as
           // one, said only in README; a policy advisor's reading).
           // In three lines at 120 columns, so that the first screen still reaches the waits.
           : "brackets here and below: the 95% interval of the mean over runs differing in the households' "
             "luck only, not a budget range; probabilities over those runs; base case: the "
             "scenario values (--draws adds their uncertainty and may move the means)"));
  {
    text::Grid::Line l;
    l.indent = 1;
    // A comparator short of its steady state marked here, on the first screen, for the note's sentence
    // (below) some hundred lines on: it moves the city's decision (scenarios/README.md, "The warm-up").
    // Beside it the households it simulates, a neighbourhood's 2.800 or the city's 77.160, for the euros
    // per household and in all below (an advisor's reading: the glance never said which a column was). In
    // this row, not one of its own, so that the first screen still reaches the waits.
    std::vector<const Cell*> counts;
    for (const Table* h : headlines) {
      const Cell* count = cell_of(households_of(h->comparator), "count", "start");
      counts.push_back(count && count->kind == Cell::Kind::Number ? count : nullptr);
    }
    // Only where every column has its count (a store of an earlier version has none), so the label holds.
    const bool counted = std::all_of(counts.begin(), counts.end(), [](const Cell* c) { return c; });
    for (std::size_t i = 0; i < headlines.size(); ++i)
      l.cells.push_back(
          Cell::of_text(headlines[i]->comparator +
                        (short_of_steady_state(r.tables, headlines[i]->comparator).empty() ? "" : "*") +
                        (counted ? ": " + format_cell(*counts[i]) : "")));
    // "baseline-enschede: 77.160", not "(77.160)": the city's name and count then fit the 25 columns of a
    // city's euros at 120 (in brackets it wrapped to a second line).
    l.label = counted ? "compared with: households simulated" : "compared with";
    g.rows.push_back(std::move(l));
  }
  if (std::any_of(ce.begin(), ce.end(), [](const Table* t) { return t; })) {
    const std::pair<const char*, const char*> measures[] = {
        {"delta_cost", "extra cost (EUR)"},
        {"delta_effect", "extra problem-free years"},
        {"icer", "ICER"},
        {"nmb", "net monetary benefit (EUR)"},
        {"p_cost_effective", "probability cost-effective"},
        {"p_best", "best of its options"}};
    // Each decision's willingness to pay, as its cost-effectiveness table names it ("... at € 20.000"): one
    // label for the row where all say the same, else a row of their own (the last column's was put on every
    // column, € 50.000 beside a figure at € 20.000; outside attack 41).
    const auto wtp_of = [](const Table* t) {
      if (t)
        for (const Column& c : t->columns)
          if (c.key == "nmb")
            if (const std::size_t at = c.label.find(" at "); at != std::string::npos) {
              std::string w = c.label.substr(at + 4);
              if (w.ends_with(" (EUR)")) w.erase(w.size() - 6);
              return w;
            }
      return std::string();
    };
    std::vector<std::string> wtps;
    for (const Table* t : ce)
      if (const std::string w = wtp_of(t); !w.empty() && std::find(wtps.begin(), wtps.end(), w) == wtps.end())
        wtps.push_back(w);
    const bool one_wtp = wtps.size() <= 1;
    if (!one_wtp) {
      text::Grid::Line l;
      l.label = "willingness to pay (per problem-free household-year)";
      l.indent = 1;
      for (std::size_t i = 0; i < n; ++i) {
        const std::string w = wtp_of(ce[i]);
        l.cells.push_back(Cell::of_text(w.empty() ? "-" : w));
      }
      g.rows.push_back(std::move(l));
    }
    // A decision of two or more interventions (a column with a p_best cell).
    const bool several = std::any_of(ce.begin(), ce.end(), [](const Table* t) {
      return t && std::any_of(t->columns.begin(), t->columns.end(),
                              [](const Column& c) { return c.key == "p_best"; });
    });
    for (const auto& [key, label] : measures) {
      text::Grid::Line l;
      l.label = label;
      if (std::string_view(key) == "nmb")
        l.label = one_wtp && !wtps.empty() ? fmt::format("net monetary benefit at {} (EUR)", wtps[0])
                  : one_wtp                ? std::string(label)
                                           : "net monetary benefit at that willingness to pay (EUR)";
      if (std::string_view(key) == "p_cost_effective")
        l.label = one_wtp && !wtps.empty() ? fmt::format("probability cost-effective at {}", wtps[0])
                  : one_wtp                ? std::string(label)
                                           : "probability cost-effective at it";
      // Cost-effective is against the comparator: with two or more interventions in a decision each may be
      // so while only one is the choice, which this row says (a policy advisor's reading). In one line, so
      // that the first screen still reaches the waits.
      if (std::string_view(key) == "p_best") {
        if (!several) continue;
        // "Of its options": the pilot's "5 of 5" (against doing nothing in its neighbourhood) beside the
        // funded scale-up's read as two bests of one choice (a policy advisor's reading); its cells are
        // counts ("5 of 5 runs") or probabilities, so no "probability" in the label, which then wrapped.
        l.label = one_wtp && !wtps.empty() ? fmt::format("best of its options at {}", wtps[0])
                  : one_wtp                ? std::string(label)
                                           : "best of its options at it";
      }
      l.indent = 1;
      for (std::size_t i = 0; i < n; ++i) {
        const Cell* c = cell_of(ce[i], headlines[i]->scenario, key);
        // A decision of one intervention: being best is being cost-effective against the comparator.
        if (!c && std::string_view(key) == "p_best")
          c = cell_of(ce[i], headlines[i]->scenario, "p_cost_effective");
        // The ICER in short: its cost and effect are the rows above (economic_text.h).
        Cell cell = !c ? Cell::of_text("-")
                    : std::string_view(key) == "icer" && c->kind == Cell::Kind::Text
                        ? Cell::of_text(icer_short_text(c->text))
                        : *c;
        // "Dominant" is about money and problem-free years: beside agencies' waits that grow, it read as
        // better in every way, the waits 25 lines below (advisor review 56). Said in the cell itself, with
        // the largest growth (an advisor's reading: "waits grow" said not by how much).
        if (std::string_view(key) == "icer" && cell.kind == Cell::Kind::Text &&
            cell.text.starts_with("dominant") && waits_grow(*headlines[i]))
          cell.text += fmt::format(", yet waits grow by up to {} weeks (below)",
                                   format_dutch(largest_wait_growth(*headlines[i]), 1));
        if ((std::string_view(key) == "p_cost_effective" || std::string_view(key) == "p_best") &&
            cell.kind == Cell::Kind::Number && !std::isnan(cell.stat.mean))
          probabilities.push_back(cell.stat.mean);
        l.cells.push_back(std::move(cell));
      }
      g.rows.push_back(std::move(l));
    }
    // The efficiency frontier, where a decision has options besides one intervention and its comparator.
    if (std::any_of(frontier.begin(), frontier.end(), [](const Table* t) { return t; })) {
      text::Grid::Line l;
      // One line each (the ICER cell above may take three, and the waits stay on the first screen).
      l.label = "efficient? (ICER over next cheaper)";
      l.indent = 1;
      for (std::size_t i = 0; i < n; ++i) {
        const Cell* status = cell_of(frontier[i], headlines[i]->scenario, "status");
        const Cell* icer = cell_of(frontier[i], headlines[i]->scenario, "icer");
        std::string s = !status ? "no other option" : status->text == "frontier" ? "efficient" : status->text;
        if (icer && icer->kind == Cell::Kind::Number && !std::isnan(icer->stat.mean))
          s += fmt::format(" (ICER {})", format_euros(icer->stat.mean));
        l.cells.push_back(Cell::of_text(s));
      }
      g.rows.push_back(std::move(l));
    }
    // Where a decision's frontier holds two options or more, which is the best depends on the willingness to
    // pay, said in words: the glance's "best at € 20.000" read as settled where the frontier's ICER between
    // the two scale-ups, € 14.172, was not far below it (a steering group's reading).
    std::vector<std::string> decided;
    for (std::size_t i = 0; i < n; ++i) {
      const Table* f = frontier[i];
      if (!f || std::find(decided.begin(), decided.end(), f->scenario) != decided.end()) continue;
      decided.push_back(f->scenario);
      struct Efficient {
        std::string name;
        double cost, icer;
      };
      std::vector<Efficient> efficient;
      for (const Row& row : f->rows) {
        const Cell *status = cell_of(f, row.key, "status"), *cost = cell_of(f, row.key, "cost"),
                   *icer = cell_of(f, row.key, "icer");
        if (!status || status->text != "frontier" || !cost || std::isnan(cost->stat.mean)) continue;
        efficient.push_back(
            {row.label, cost->stat.mean, icer && icer->kind == Cell::Kind::Number ? icer->stat.mean : kNaN});
      }
      if (efficient.size() < 2) continue;
      std::sort(efficient.begin(), efficient.end(),
                [](const Efficient& a, const Efficient& b) { return a.cost < b.cost; });
      // Each band names the ICER it starts from as what it is, the price of the extra years over the next
      // cheaper option (the glance's ICER beside it is against the comparator; an independent check).
      std::vector<std::string> bands;
      for (std::size_t k = 0; k < efficient.size(); ++k) {
        const bool last = k + 1 == efficient.size();
        const std::string from = k == 0 ? ""
                                        : fmt::format("{} (its ICER over {})",
                                                      format_euros(efficient[k].icer), efficient[k - 1].name);
        const std::string to = last ? "" : format_euros(efficient[k + 1].icer);
        bands.push_back(k == 0 ? fmt::format("{} below {}", efficient[k].name, to)
                        : last ? fmt::format("{} above {}", efficient[k].name, from)
                               : fmt::format("{} from {} to {}", efficient[k].name, from, to));
      }
      // The willingness to pay is no norm, and the options differ in more than money: a switch point near
      // it read as a choice of budget alone (advisor review 56: the funded scale-up's mandate, staffing and
      // outreach are its file's, which money alone does not buy).
      const std::string wtp = wtp_of(ce[i]);
      const std::string assumed =
          wtp.empty() ? std::string()
                      : fmt::format(
                            "; the scenario files assume {} (an assumption: no Dutch norm values a "
                            "problem-free household-year)",
                            wtp);
      v.choices.push_back(fmt::format(
          "Which option gives the most value for money in {}'s decision depends on what a problem-free "
          "household-year is worth (the efficiency frontier, on the means): {}{}. The options differ in all "
          "their files set (In short gives each one's description), not in money alone{}",
          f->scenario, fmt::join(bands, "; "), assumed,
          wtp.empty() ? std::string()
          // Without parameter draws that probability is over the households' luck alone: "5 of 5 runs"
          // read as a settled choice where 40 draws gave 77,5% (an advisor's reading).
          : draws
              ? std::string("; how often the glance finds each best of its options says how sure the "
                            "choice is")
              : fmt::format(". How often the glance finds each best of its options is over runs that "
                            "differ in the households' luck only, not in what the parameters could be: how "
                            "sure the choice is needs {}",
                            one_draw ? "more parameter draws (--draws N)" : "--draws")));
    }
  }

  // Who pays in cash.
  // Which way a minus goes, said where the figures are read: "-9,48" under "Who pays?" read as "pays 9,48"
  // (a policy advisor's reading).
  // "Difference in": "Each payer's cash" read as an amount ("Coach fund 375,0"; a review). One line at 120
  // columns, so that the first screen still reaches the waits.
  heading(
      fmt::format(
          "Who pays? Difference in each payer's cash, {}, nominal, with transfers; minus: spends less", over),
      1);
  // A payer a scenario does not have (no row of its budget table) is "-", not "no change" (outside attack
  // 41: a scenario with the municipality alone showed "Housing corporations: no change").
  const auto has_payer = [&](const Table* h, const std::string& payer) {
    for (const Table& t : r.tables)
      if (t.id == "budget" && t.scenario == h->scenario && t.comparator.empty())
        return std::any_of(t.rows.begin(), t.rows.end(),
                           [&](const Row& row) { return row.key.starts_with(payer + "/"); });
    return true;  // no budget table to tell: as before
  };
  for (const auto& [key, label] : keys("cash_")) {
    headline_row(key, strip(label, "cash: ", " (EUR)"), "change", Cell::of_text("no change"), 1);
    const std::string payer = key.substr(std::string("cash_").size());
    for (std::size_t i = 0; i < headlines.size(); ++i)
      if (!cell_of(headlines[i], key, "change") && !has_payer(headlines[i], payer))
        g.rows.back().cells[i] = Cell::of_text("-");
  }
  for (const auto& [key, label] : keys("net_cash"))  // what they net to, where some payer's cash changes
    headline_row(key, strip(label, "cash: ", " (EUR)"), "change", Cell::of_text("no change"), 1);
  if (keys("cash_").empty()) {  // no payer's cash changes at all: said, not a heading over nothing
    text::Grid::Line l;
    l.label = "every payer";
    l.indent = 1;
    l.group = 1;
    l.cells.assign(n, Cell::of_text("no change"));
    g.rows.push_back(std::move(l));
  }

  // Who gains or loses capacity.
  const auto funded = keys("funded_");
  heading(
      // Places are cases at a time, not a flow ("places a week" read as one), and a cut that phases in
      // with the coaches is larger at the end than its mean (a policy advisor's reading).
      // What the agency's row counts: places used, duplicate cases included, so that work no longer done
      // twice shows as places freed without a shorter queue (a policy advisor's reading).
      // Where places were cut, fewer are used because fewer exist: "(negative: freed)" called the cut's fall
      // at debt counselling freed capacity beside a growing queue (a policy advisor's reading). The details
      // (duplicate work, a cut that grows) are in the note. Beyond a cut, with the agency's wait growing, its
      // places are full and what it no longer uses is duplicate work, not places free ("freed only beyond a
      // cut" read -576 used against a cut of 461 as 115 spare places while the wait grew 41 weeks; a policy
      // advisor's reading): In short names it so.
      // Without a cut there is no row below to point at (a policy advisor's reading of the pilot).
      std::string("Capacity: freed or cut? Difference in places used (cases at a time, duplicates at their "
                  "share), mean over the policy weeks; negative: fewer used, ") +
      (funded.empty()
           ? "capacity freed"
           : "freed only beyond a cut of places funded (row below) and where its wait does not grow"));
  for (const auto& [key, label] : keys("places_")) {
    const std::string agency = key.substr(std::string("places_").size());
    headline_row(key, strip(label, "capacity: ", " (places used)"), "change", Cell::of_text("-"));
    const std::string f = "funded_" + agency;
    if (std::any_of(funded.begin(), funded.end(), [&](const auto& k) { return k.first == f; }))
      headline_row(f, "places funded", "change", Cell::of_text("not cut"), -1, 2);
  }

  // Who waits longer.
  heading("Who waits longer? Difference in the weeks those admitted waited");
  for (const auto& [key, label] : keys("wait_"))
    headline_row(key, strip(label, "wait: ", " (weeks)"), "change", Cell::of_text("-"));
  if (!keys("coach_wait").empty()) {
    heading("The coaches' own queue in the intervention (its level, not a difference with the comparator)");
    // Of those taken on: a queue that still grows holds longer waits than its admissions show (the
    // scale-up's 4,3 weeks beside 784 households waiting and growing; advisor review of 2026-12-06).
    headline_row("coach_wait", "wait for a coach, of those taken on (weeks)", "change",
                 Cell::of_text("no coaches"));
    headline_row("coach_waiting", "households waiting for a coach", "change", Cell::of_text("no coaches"));
  }
  // What happens to the households: after the waits, so that the first screen still reaches them.
  if (!keys("households_").empty()) {
    heading("What happens to households? Difference in their problems and escalations over the policy weeks");
    headline_row("households_with_problem", "with a problem (share of households)", "change",
                 Cell::of_text("-"));
    headline_row("households_escalations", "escalations per 1.000 a year, all types", "change",
                 Cell::of_text("-"));
  }

  for (const Table* h : headlines) {
    const Cell* s = cell_of(h, "summary", "verdict");
    const Cell* payer = cell_of(h, "coach_payer", "verdict");
    std::string words = s ? s->text : "";
    if (payer && !payer->text.empty())
      words += (words.empty() ? "" : "; ") + std::string("who pays for the coaches: ") + payer->text;
    const Cell* description = cell_of(h, "description", "verdict");
    if (!words.empty())
      v.in_short.push_back({h->scenario, description ? spaced(description->text) : "", words});
  }
  {
    std::vector<std::pair<std::string, std::vector<std::string>>> caveats;  // its words, its scenarios
    for (const Table* h : headlines)
      for (const Row& row : h->rows) {
        if (!row.key.starts_with("caveat_") || row.cells.size() < 2) continue;
        const std::string words = spaced(row.cells[1].text);
        auto it =
            std::find_if(caveats.begin(), caveats.end(), [&](const auto& c) { return c.first == words; });
        if (it == caveats.end()) it = caveats.insert(caveats.end(), {words, {}});
        // Two texts of one headline may be one once spaced ("a\nb" and "a b"): the scenario named once.
        if (it->second.empty() || it->second.back() != h->scenario) it->second.push_back(h->scenario);
      }
    for (const auto& [words, scenarios] : caveats)
      v.caveats.push_back(fmt::format("A caveat in the scenario files (of {}, with {} comparator{}): {}",
                                      text::names_and(scenarios), scenarios.size() == 1 ? "its" : "their",
                                      scenarios.size() == 1 ? "" : "s", words));
  }
  // Each compared scenario's and comparator's calibration rows outside their target's interval.
  {
    std::vector<std::string> named, misses;
    for (const Table* h : headlines)
      for (const std::string& who : {h->scenario, h->comparator})
        if (std::find(named.begin(), named.end(), who) == named.end()) named.push_back(who);
    // A scenario with no public figure to check against is said so: a steering group took the one miss
    // named for its figures as all there was to say, while the funded scale-up, whose file names no
    // targets, is checked against none (a policy advisor's reading).
    std::vector<std::string> unchecked;
    for (const std::string& who : named) {
      bool checked = false;
      for (const Table& t : r.tables) {
        if (t.id != "calibration" || t.scenario != who || !t.comparator.empty()) continue;
        checked = true;
        for (const Row& row : t.rows) {
          const Cell *fit = cell_of(&t, row.key, "fit"), *model = cell_of(&t, row.key, "model"),
                     *target = cell_of(&t, row.key, "target");
          if (!fit || fit->text != "outside" || !model || !target) continue;
          misses.push_back(fmt::format("{}'s {}: {} against {}", who, row.label,
                                       text::one_line(text::cell_text(*model, text::EuroScale::PerCell)),
                                       text::one_line(text::cell_text(*target, text::EuroScale::PerCell))));
        }
      }
      if (!checked) unchecked.push_back(who);
    }
    std::vector<std::string> said;
    if (!misses.empty())
      said.push_back(fmt::format(
          "The model misses {} of its public figures (the calibration tables; model, then the figure): {}.",
          misses.size() == 1 ? std::string("one") : std::to_string(misses.size()), fmt::join(misses, "; ")));
    // Only beside scenarios that are checked: where none is, nothing here claims a check.
    if (!unchecked.empty() && unchecked.size() < named.size())
      said.push_back(
          fmt::format("Checked against no public figure (its file names no calibration targets): {}.",
                      fmt::join(unchecked, ", ")));
    v.calibration_misses = fmt::format("{}", fmt::join(said, " "));
  }
  g.note = headlines.front()->note;
  // Scenarios compared with different comparators are of different populations: a figure per household of
  // one does not carry to the other (a policy advisor's reading: the pilot's 0,055 problem-free years per
  // household set beside the city's 0,019 and 0,047 as if the pilot were the city's).
  std::vector<std::string> comparators;
  for (const Table* h : headlines)
    if (std::find(comparators.begin(), comparators.end(), h->comparator) == comparators.end())
      comparators.push_back(h->comparator);
  if (comparators.size() > 1) {
    std::vector<std::string> shares;
    for (const std::string& c : comparators) {
      const Cell* start = cell_of(households_of(c), "with_problem", "start");
      if (start && start->kind == Cell::Kind::Number)
        shares.push_back(fmt::format("{} {}", c, format_dutch(100 * start->stat.mean, 1) + "%"));
    }
    g.note += " Figures per household are of each comparator's own households, and these differ";
    g.note +=
        shares.size() == comparators.size()
            ? fmt::format(" (households with a problem at the policy start: {})", fmt::join(shares, ", "))
            : std::string();
    g.note += ": one scenario's do not carry to another's population.";
  }
  // A comparator whose households still climb the ladder without any policy has not reached its steady
  // state when the policy starts: the city's baseline after its 20-year warm-up gains 0,030 rungs over the 5
  // policy years, and after 160 years its share with a problem is 2,4 points lower and the agencies' waits
  // near none (an advisor's reading; scenarios/README.md, "The warm-up"). Said where the interval of its
  // rungs gained excludes zero.
  for (const std::string& c : comparators)
    if (const std::string words = short_of_steady_state(r.tables, c); !words.empty()) g.note += " *" + words;
  // A count of few runs bounds a probability only loosely: "5 of 5 runs" read as certainty (advisor review
  // 56). The exact (Clopper-Pearson) bound of all of them, as the README's examples from 20 on give it.
  if (const std::uint32_t counted = draws ? most_draws : most_runs;
      counted >= 1 && few_runs(static_cast<int>(counted))) {
    const Interval all = clopper_pearson_95(counted, counted);
    // Whole percents, but a tenth near the ends: 1 of 1 allows 2,5%, which "3%" overstated.
    const auto percent = [](double p) { return format_dutch(100 * p, p < 0.1 || p > 0.9 ? 1 : 0); };
    // And of each count between shown (10 of 12 allows 52 to 98%), which decides a choice where all or none
    // do not (an advisor's reading of a PSA's "best of its options": 2 of 12 and 10 of 12).
    std::vector<long long> between;
    for (const double p : probabilities) {
      const auto k = std::llround(p * counted);
      if (k > 0 && k < static_cast<long long>(counted) &&
          std::fabs(p * counted - static_cast<double>(k)) < 1e-6)
        between.push_back(k);
    }
    std::sort(between.begin(), between.end(), std::greater<>());
    between.erase(std::unique(between.begin(), between.end()), between.end());
    std::string others;
    for (const long long k : between) {
      const Interval ci = clopper_pearson_95(k, counted);
      others +=
          fmt::format(", {} of {} one from {} to {}%", k, counted, percent(ci.lower), percent(ci.upper));
    }
    g.note += fmt::format(
        " A probability over fewer than {} {} is a count, and a count of few is no certainty: {} of {} "
        "allows "
        "a true probability as low as {}% (the exact 95% interval){}, and 0 of {} one as high as {}%.",
        kFewRuns, draws ? "draws" : "runs", counted, counted, percent(all.lower), others, counted,
        percent(1 - all.lower));
  }
  return v;
}

}  // namespace wijksim
