#include "wijksim/report/headline.h"

#include "wijksim/analysis/honest_uncertainty.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "wijksim/report/economic_text.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {
namespace {

// A change is clear when its 95% interval excludes zero.
enum class Direction { Up, Down, Unclear, None };
Direction direction(const Stat& s) {
  if (std::isnan(s.mean) || (s.mean == 0 && (std::isnan(s.lo) || (s.lo == 0 && s.hi == 0))))
    return Direction::None;
  if (!std::isnan(s.lo) && s.lo > 0) return Direction::Up;
  if (!std::isnan(s.hi) && s.hi < 0) return Direction::Down;
  return Direction::Unclear;
}

std::string join_names(const std::vector<std::string>& names) {
  return names.empty() ? "nobody" : text::names_and(names);
}

// A figure of a scenario's runs, or of a comparison's run pairs, by [draw][replication] (runs are stored
// draw by draw); one row of the replications without draws.
template <class F>
std::vector<std::vector<double>> by_draw(const std::vector<RunMeasures>& runs, int draws, F figure) {
  const std::size_t d = draws > 1 ? static_cast<std::size_t>(draws) : 1;
  std::vector<std::vector<double>> v(d);
  const std::size_t replications = std::max<std::size_t>(runs.size() / d, 1);
  for (std::size_t k = 0; k < runs.size(); ++k)
    v[std::min(k / replications, d - 1)].push_back(figure(runs[k].figures));
  return v;
}

// A setting as the coaches' sentence writes it (a norm, a cap, an intake pace): a whole number without
// decimals, else to one decimal (docs/model.md 13.6).
std::string setting_text(double x) {
  return format_dutch(x, x == std::round(x) ? 0 : 1);
}

// The caseload cap in words beside the coaches' load: whether their busiest team-week reached it, and where
// it did not while households waited, the limit that made them wait, the intake pace (11.5). "Its cap of 50,
// at which new households wait" beside a queue of 914, the busiest team-week at 38,4, read as the cause of
// the queue (a policy advisor's reading of the unfunded scale-up).
std::string cap_words(const Coaches& coaches, const CoachMeasures<Stat>& c, bool households_wait) {
  const double cap = coaches.caseload_cap_per_fte;
  if (!(cap > 0)) return "";
  const std::string cap_text = setting_text(cap);
  const std::string busiest =
      fmt::format("the busiest team-week {} per FTE, mean over runs", format_dutch(c.caseload_max.mean, 1));
  // Within 5% of the cap counts as reaching it: a team's cap is cap x FTE households, so its busiest week
  // per FTE may stop short of the cap by a fraction of a household.
  if (!(c.caseload_max.mean < 0.95 * cap))
    return fmt::format("; its cap of {}, at which new households wait ({})", cap_text, busiest);
  return fmt::format(
      "; below its cap of {} ({}){}", cap_text, busiest,
      households_wait && coaches.new_cases_per_fte_week > 0
          ? fmt::format(", so households wait for the intake pace of {} new households per FTE a week",
                        setting_text(coaches.new_cases_per_fte_week))
          : "");
}

}  // namespace

std::string coach_payer_text(const Scenario& s) {
  const Coaches& c = s.coaches;
  if (!c.enabled) return "no coaches";
  if (c.funding == Funding::Additional)
    // New money from outside the other payers' budgets: the model does not say who fills that fund (for a
    // city-wide programme a steering group read "the municipality saves" beside a fund it may pay into
    // itself; outside attack 23).
    return fmt::format("{} (additional money, outside the other payers' budgets; {})",
                       s.payers[static_cast<std::size_t>(c.funding_payer)].label, kFundNotModelled);
  std::string parts;
  std::vector<std::string> per_activity;
  for (const Agency& a : s.agencies)
    if (a.reallocation_share > 0) {
      parts += fmt::format("{}{} {}%", parts.empty() ? "" : ", ", a.label,
                           format_dutch(100 * a.reallocation_share, 0));
      if (a.funding == AgencyFunding::Activity) per_activity.push_back(a.label);
    }
  // A place cut at an agency paid per activity is no budget handed over: its payer saves only the
  // treatments the place no longer gives, so that part of the coach bill is new money unless treatments
  // fall as much (the scale-up's youth care: outside attack 23 read "the payers' cash stays level").
  const bool one = per_activity.size() == 1;
  const char* its = one ? "its" : "their";
  const std::string activity =
      per_activity.empty()
          ? ""
          : fmt::format(
                "; {} {} paid per activity, so {} cut places save {} payer only the treatments they no "
                "longer give, and the rest of {} part of the coach bill is new money",
                join_names(per_activity), one ? "is" : "are", its, its, its);
  return "reallocated from the agencies' budgets (" + parts +
         "): their capacity is cut to pay for the coaches" + activity;
}

std::vector<Table> headline_tables(const Study& study, const StudyResult& result) {
  std::vector<Table> tables;
  std::size_t comparison = 0;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const StudyScenario& ss = study.scenarios[i];
    if (ss.comparator < 0) continue;
    const ComparisonSummary& cmp = result.comparisons[comparison++];
    if (!ss.named) continue;
    const Scenario& s = ss.scenario;
    const ScenarioSummary& mine = result.summaries[i];
    // The economic figures of this intervention (its decision group).
    const InterventionFigures* econ = nullptr;
    for (const DecisionGroup& g : result.evaluation.groups)
      for (const InterventionFigures& x : g.interventions)
        if (g.options[x.option] == i) econ = &x;

    Table t;
    t.id = "headline";
    t.title = fmt::format("At a glance: {} compared with {}", s.name, cmp.comparator.name);
    t.scenario = s.name;
    t.comparator = cmp.comparator.name;
    // With draws every row is over the draws, each draw's mean over its runs (the note below).
    t.interval = interval_kind::over_draws(static_cast<std::size_t>(std::max(study.draws, 0)));
    // One run (one replication, no draws) has no interval, and no change is then put in words.
    // One draw of one replication is one run too (In short said "on average" beside its glance's "one run";
    // outside attack 58).
    const bool one_run = study.draws <= 1 && study.replications == 1;
    // An agency paid per activity is paid for the places it uses: its freed places are in its payer's cash
    // already, and a reader added them to the cash (a policy advisor's reading).
    std::vector<std::string> per_activity;
    for (const Agency& a : s.agencies)
      if (a.funding == AgencyFunding::Activity) per_activity.push_back(a.label);
    const std::string activity =
        per_activity.empty()
            ? std::string()
            : fmt::format(
                  ", while {} {} paid per activity, for the places used, so {} freed places are in "
                  "the payer's cash already: not to be counted twice",
                  join_names(per_activity), per_activity.size() == 1 ? "is" : "are",
                  per_activity.size() == 1 ? "its" : "their");
    t.note = fmt::format(
        "Intervention minus comparator over the {} policy year{}, {}. Cash is each payer's "
        "budget, transfers included; a capacity-funded agency's budget is paid whether its places are used "
        "or not, so work it no longer does shows as capacity, not cash{}. Places used count duplicate cases "
        "at their share of a place, so duplicate work avoided frees places without shortening a queue; a cut "
        "of places that grows with the coaches is larger at the end than its mean. Waits and queues are "
        "means over the "
        "period: one that keeps growing is longer at its end (In short names such queues, from the results "
        "store). A change is "
        "put in words only when its interval excludes zero; else 'no clear change'. 'Dominant' and 'saves' "
        "are about money and problem-free household-years only: a longer wait counts through the problems "
        "it leaves unresolved, not as a harm of its own, so read the waits beside them.",
        study.years, study.years == 1 ? "" : "s",
        one_run ? std::string("from one run, so without an interval")
        // What the interval is over, said for this study: from 5 draws the lowest to the highest was called a
        // "95% interval" here (an independent check).
        // One parameter draw shows no parameter uncertainty: its cash is summarised over replications.
        : study.draws <= 1
            ? std::string("with the 95% interval of the mean over the replications, paired")
            // Every row over the draws, capacity and waits as cash: they gave the interval of the mean over
            // all runs beside cash's spread over the draws, two kinds in one table (an independent check).
            : fmt::format(
                  "with an interval over the {} parameter draws ({} of the draws' means, each draw's mean "
                  "over "
                  "its runs, paired): what holds across the draws, so the comparison tables' interval of the "
                  "mean over all runs may show a clear change where this shows none",
                  study.draws,
                  study.draws >= kPercentileDraws ? "the 2,5 to 97,5 percentiles"
                                                  : "the lowest to the highest (too few for a 95% interval)"),
        activity);
    t.columns = {{"change", "change"}, {"verdict", "in words"}};
    // Without an interval no change is clear: said so, rather than "no clear change" and "nobody" beside a
    // table of cash that does change (outside attack 11).
    const std::string unclear = one_run ? "no interval (one run)" : "no clear change";
    std::vector<std::string> pays, saves, frees, uses, cuts, longer, shorter;
    std::vector<std::string> duplicates_avoided;  // cut, fewer used than the cut leaves, its wait longer
    std::vector<std::string> freed_in_cash;  // of `frees`, those paid per activity
    bool new_queue = false;  // households wait for a coach, where the comparator has none
    std::string overloaded;  // the coaches above their caseload norm in most team-weeks, in words
    // Cash per payer.
    // From few draws their range is the interval: a direction is then every draw's, said as a count
    // (3 of 3 draws fall on one side by chance 1 time in 4; outside attack 20).
    // One draw is summarised over its replications (14.7): not "(all 1 draws)".
    const std::string in_all = study.draws > 1 && few_runs(static_cast<int>(study.draws))
                                   ? fmt::format(" (all {} draws)", study.draws)
                                   : "";
    if (econ) {
      // A cash difference in words: a payer's, and all payers' together.
      const auto cash_words = [&](Direction d) {
        return Cell::of_text(d == Direction::Up     ? "pays more" + in_all
                             : d == Direction::Down ? "spends less" + in_all
                                                    : unclear);
      };
      bool any_payer = false;
      for (std::size_t p = 0; p < econ->payers.size(); ++p) {
        const PayerBalance& b = econ->payers[p];
        const std::string& name = mine.shape.payers[p].text;
        const Direction d = direction(b.nominal);
        if (d == Direction::None) continue;
        if (d == Direction::Up) pays.push_back(name);
        if (d == Direction::Down) saves.push_back(name);
        any_payer = true;
        t.rows.push_back({"cash_" + mine.shape.payers[p].key,
                          "cash: " + name + " (EUR)",
                          {Cell::of(b.nominal, Unit::Euro), cash_words(d)},
                          0});
      }
      // The payers' differences netted: beside them, not among who pays or saves (In short names payers).
      // Its key is no payer's "cash_" key: a payer may be named all_payers.
      if (any_payer)
        t.rows.push_back({"net_cash",
                          "cash: All payers together (EUR)",
                          {Cell::of(econ->nominal_all_payers, Unit::Euro),
                           cash_words(direction(econ->nominal_all_payers))},
                          0});
    }
    // Capacity and waits per agency: with draws over the draws as cash is (14.7), else over the run pairs.
    const auto summarised = [&](const std::vector<RunMeasures>& runs, const Stat& over_runs, auto figure) {
      return study.draws > 1 ? spread_over_draws(by_draw(runs, study.draws, figure)) : over_runs;
    };
    for (std::size_t a = 0; a < mine.shape.agencies.size(); ++a) {
      const AgencyMeasures<Stat>& over_runs = cmp.stats.agencies[a];
      AgencyMeasures<Stat> m;
      m.places_funded = summarised(cmp.differences, over_runs.places_funded,
                                   [a](const Measures<double>& f) { return f.agencies[a].places_funded; });
      m.places_used = summarised(cmp.differences, over_runs.places_used,
                                 [a](const Measures<double>& f) { return f.agencies[a].places_used; });
      m.wait_weeks = summarised(cmp.differences, over_runs.wait_weeks,
                                [a](const Measures<double>& f) { return f.agencies[a].wait_weeks; });
      const std::string& name = mine.shape.agencies[a].text;
      // Places funded fall where reallocation cuts them to pay for the coaches; places used then fall with
      // them and the queue grows: that is capacity taken, not freed.
      const bool cut = m.places_funded.mean < 0;
      if (cut) {
        cuts.push_back(name);
        t.rows.push_back(
            {"funded_" + mine.shape.agencies[a].key,
             "capacity: " + name + " (places funded)",
             {Cell::of(m.places_funded, Unit::Count), Cell::of_text("cut to pay for the coaches")},
             0});
      }
      const Direction dp = direction(m.places_used);
      const Direction dw = direction(m.wait_weeks);
      // Where places are cut, what is used beyond the cut is freed, as the glance's capacity heading says
      // (an advisor read -576 used against -461 funded as 115 places freed, where In short said "cut" alone):
      // the paired difference of places used minus places funded, summarised as the others. With the wait
      // longer there, the agency's places are full and what it no longer uses is duplicate work, staff time
      // that shortens no queue: said as such.
      bool freed_beyond_cut = false;
      if (cut) {
        const auto beyond = [a](const Measures<double>& f) {
          return f.agencies[a].places_used - f.agencies[a].places_funded;
        };
        std::vector<double> per_pair;
        for (const RunMeasures& r : cmp.differences) per_pair.push_back(beyond(r.figures));
        if (direction(summarised(cmp.differences, describe(per_pair), beyond)) == Direction::Down) {
          if (dw == Direction::Up)
            duplicates_avoided.push_back(name);
          else
            freed_beyond_cut = true;
        }
      }
      // Freed at an agency paid per activity is in its payer's cash already: said where it is named, as the
      // note says it (In short named "Youth care" freed with no word of it; a policy advisor's reading).
      if ((!cut && dp == Direction::Down) || freed_beyond_cut) {
        frees.push_back(name);
        if (std::find(per_activity.begin(), per_activity.end(), name) != per_activity.end())
          freed_in_cash.push_back(name);
      }
      if (dp == Direction::Up) uses.push_back(name);
      t.rows.push_back(
          {"places_" + mine.shape.agencies[a].key,
           "capacity: " + name + " (places used)",
           {Cell::of(m.places_used, Unit::Count), Cell::of_text(cut ? "fewer places to use"
                                                                : dp == Direction::Down ? "frees capacity"
                                                                : dp == Direction::Up   ? "uses more capacity"
                                                                                        : unclear)},
           0});
      if (dw == Direction::Up) longer.push_back(name);
      if (dw == Direction::Down) shorter.push_back(name);
      t.rows.push_back({"wait_" + mine.shape.agencies[a].key,
                        "wait: " + name + " (weeks)",
                        {Cell::of(m.wait_weeks, Unit::Weeks),
                         Cell::of_text(dw == Direction::Up     ? kWaitLonger
                                       : dw == Direction::Down ? "households wait less"
                                                               : unclear)},
                        0});
    }
    if (s.coaches.enabled) {
      t.rows.push_back({"coach_wait",
                        "wait for a coach (weeks, of those taken on)",
                        {Cell::of(summarised(mine.runs, mine.stats.coaches.wait_weeks,
                                             [](const Measures<double>& f) { return f.coaches.wait_weeks; }),
                                  Unit::Weeks),
                         Cell::of_text("")},
                        0});
      t.rows.push_back({"coach_waiting",
                        "waiting for a coach (households, mean over weeks)",
                        {Cell::of(summarised(mine.runs, mine.stats.coaches.waiting,
                                             [](const Measures<double>& f) { return f.coaches.waiting; }),
                                  Unit::Count),
                         Cell::of_text("")},
                        0});
      // The rows give the intervention's own queue; the words compare it. Against a comparator with coaches,
      // by the difference of their waits; against one without, the queue is new (outside attack 12: a
      // scale-up whose coaches' wait fell was said to make households wait longer).
      const bool comparator_coaches =
          study.scenarios[static_cast<std::size_t>(ss.comparator)].scenario.coaches.enabled;
      if (comparator_coaches) {
        const Direction dw = direction(cmp.stats.coaches.wait_weeks);
        if (dw == Direction::Up) longer.push_back("households waiting for a coach");
        if (dw == Direction::Down) shorter.push_back("households waiting for a coach");
      } else if (mine.stats.coaches.waiting.mean > 0) {
        new_queue = true;
      }
      // Coaches above their caseload norm in most team-weeks work below full effectiveness (model.md 11.4):
      // "under pilot conditions" meant coaches at 1,4 times the norm almost all the time, which only the
      // caseload table said (an advisor's reading). The mean over runs of each run's share and mean.
      const CoachMeasures<Stat>& c = mine.stats.coaches;
      const double norm = mine.shape.caseload_norm_per_fte;
      if (norm > 0 && c.above_norm.mean > 0.5)
        overloaded = fmt::format(
            "; coaches above their caseload norm in {}% of team-weeks ({} households per FTE on average, "
            "{} {}{}){}",
            // "most": above half, which a whole percentage could round to 50.
            format_dutch(100 * c.above_norm.mean, c.above_norm.mean < 0.505 ? 1 : 0),
            format_dutch(c.caseload_mean.mean, 1),
            // A mean below the norm beside most team-weeks above it: said as the caseload table's note says.
            // Each scenario's own norm, said as such: the pilot's 92% above 20 beside the scale-up's 69%
            // above 35 read as the scale-up's coaches less stretched, with more households each (advisor
            // review of 2026-12-06).
            // "An uneven load" was not explained there (an advisor's reading), nor the cap at which new
            // households wait, the pilot's coaches at 28,3 beside a cap of 30 (another).
            c.caseload_mean.mean < norm ? "below this scenario's norm of" : "against this scenario's norm of",
            setting_text(norm),
            (c.caseload_mean.mean < norm ? ": an uneven load, the other team-weeks far below it" : "") +
                cap_words(s.coaches, c, mine.stats.coaches.waiting.mean > 0),
            s.coaches.overload_slope > 0 ? ", where they notice, solve and activate less"
                                         : " (the scenario assumes they lose no effectiveness by it)");
    }
    // What happens to the households, the brief's third question beside money and capacity: the share with
    // a problem and the escalations, summarised as the waits are (a policy advisor's reading: the glance
    // answered who pays, who gains capacity and who waits, and said nothing of the households).
    std::string households;
    {
      const Stat with_problem = summarised(cmp.differences, cmp.stats.period.with_problem,
                                           [](const Measures<double>& f) { return f.period.with_problem; });
      const auto all_escalations = [](const Measures<double>& f) { return DecisionFigures::escalations(f); };
      std::vector<double> per_pair;
      for (const RunMeasures& r : cmp.differences) per_pair.push_back(all_escalations(r.figures));
      // Cut as 13.3 cuts every paired difference: the intervention's rate is not below 0, so the difference
      // not below minus the comparator's mean (a one-domain pair said -0,2 (-2,4 to 2,1) beside a
      // comparator's 0,7, where the table of events said -0,7; outside attack 63).
      Stat over_runs = describe(per_pair);
      const ScenarioSummary& theirs = result.summaries[static_cast<std::size_t>(ss.comparator)];
      if (!theirs.runs.empty() && !std::isnan(over_runs.lo)) {
        double rate = 0;  // the comparator's mean
        for (const RunMeasures& r : theirs.runs) rate += all_escalations(r.figures);
        rate /= static_cast<double>(theirs.runs.size());
        cut_to_range(over_runs, Bounds{-rate, std::numeric_limits<double>::infinity()});
      }
      const Stat escalations = summarised(cmp.differences, over_runs, all_escalations);
      const Direction dp = direction(with_problem), de = direction(escalations);
      // "more THING" / "fewer THING" by the interval, else no clear change.
      const auto household_row = [&](const char* key, const char* label, const Stat& change, Unit unit,
                                     Direction d, const char* thing) {
        t.rows.push_back({key,
                          label,
                          {Cell::of(change, unit),
                           Cell::of_text(d == Direction::Up     ? fmt::format("more {}", thing)
                                         : d == Direction::Down ? fmt::format("fewer {}", thing)
                                                                : unclear)},
                          0});
      };
      household_row("households_with_problem", "households with a problem (share, mean over the policy weeks)",
                    with_problem, Unit::SharePoints, dp, "households with a problem");
      household_row("households_escalations", "escalations, all types (per 1.000 households a year)",
                    escalations, Unit::PerThousandYear, de, "escalations");
      // In short names the escalations by type, each by its own paired difference: "fewer escalations
      // (evictions, crises and the like)" stood where evictions, crises and placements did not change and
      // police interventions and benefit inflows fell (a policy advisor's reading of the scale-up).
      std::vector<std::string> fewer, more, unchanged;
      for (std::size_t k = 0; k < mine.shape.escalation_types.size() && k < cmp.stats.escalations.size();
           ++k) {
        const Stat change = summarised(cmp.differences, cmp.stats.escalations[k],
                                       [k](const Measures<double>& f) { return f.escalations[k]; });
        const Direction d = direction(change);
        (d == Direction::Down ? fewer
         : d == Direction::Up ? more
                              : unchanged)
            .push_back(event_words(mine.shape.escalation_types[k]));
      }
      std::vector<std::string> by_type;
      if (!fewer.empty()) by_type.push_back("fall in " + join_names(fewer));
      if (!more.empty()) by_type.push_back("rise in " + join_names(more));
      if (!unchanged.empty())
        by_type.push_back((by_type.empty() ? "no clear change in any type"
                                           : "no clear change in " + join_names(unchanged)));
      if (!one_run && !by_type.empty())
        households = fmt::format("; households{}: {}; escalations{}: {}", dp == Direction::None ? "" : in_all,
                                 dp == Direction::Up     ? "more with a problem"
                                 : dp == Direction::Down ? "fewer with a problem"
                                                         : "no clear change in those with a problem",
                                 fewer.empty() && more.empty() ? "" : in_all, fmt::join(by_type, ", "));
    }
    // New money whose source the model does not hold: for a city-wide programme it is most likely the
    // municipality's own, and "the Municipality spends less: -31,83 EUR million" beside a fund of 46,05 read
    // as a municipal saving (advisor review 56). What the municipality's cash would be were the fund its
    // money, in means (which add up; the two differences are not independent, so no interval is summed), in
    // the unit and to the decimals the glance gives this table's cash (it was rounded to EUR 10,000 beside a
    // glance in EUR thousand; outside attack 57), so that the three add up as the reader adds them.
    std::string payer_words = coach_payer_text(s);
    if (econ && s.coaches.enabled && s.coaches.funding == Funding::Additional) {
      std::vector<const Cell*> cash;
      for (const Row& r : t.rows)
        if (r.key.starts_with("cash_") || r.key == "net_cash") cash.push_back(&r.cells[0]);
      const text::EuroScale scale = text::euro_scale(cash);
      const double step = text::euro_step(scale);
      const std::string unit = text::with_euro_unit("EUR", scale);
      const auto shown = [&](double euros) { return std::round(euros / step) * step; };
      const auto words = [&](double euros) {
        return text::one_line(text::cell_text(Cell::of_value(euros, Unit::Euro), scale));
      };
      const auto fund = static_cast<std::size_t>(s.coaches.funding_payer);
      for (std::size_t p = 0; p < econ->payers.size() && fund < econ->payers.size(); ++p)
        if (p != fund && mine.shape.payers[p].key == "municipality") {
          const Stat& own_stat = econ->payers[p].nominal;
          const Stat& bill_stat = econ->payers[fund].nominal;
          const double own = shown(own_stat.mean), bill = shown(bill_stat.mean), both = shown(own + bill);
          const std::string period =
              fmt::format("over the {} policy year{}", study.years, study.years == 1 ? "" : "s");
          // A bill the same in every run (a fund of fixed FTE at a fixed price) moves each run's cash by the
          // same amount, so the sum's interval is the municipality's own shifted by it (a t interval and a
          // spread over draws alike). Said as the glance says a payer's cash: in words only when the
          // interval excludes zero; "would spend 0,23 less" stood beside -2,93 to 2,47 (a policy
          // advisor's reading). A bill that varies by draw has no such interval: the means alone, as
          // before, said to be means.
          const std::string& payer = mine.shape.payers[p].text;
          std::string claim;
          // With parameter draws the bill varies by draw: the sum's spread over the draws, each draw's mean
          // of its run pairs' sum, as the cash rows' spread is (a PSA said "would pay 17,19 more on average"
          // beside a base case's interval; an advisor's reading).
          std::optional<Stat> summed;
          if (study.draws > 1 && !one_run) {
            const BudgetLayout& b = mine.shape.budget;
            const std::size_t own_at = b.at(b.years, static_cast<int>(p), kCostCategories),
                              bill_at = b.at(b.years, static_cast<int>(fund), kCostCategories);
            summed = spread_over_draws(by_draw(cmp.differences, study.draws, [&](const Measures<double>& f) {
              return f.cost[own_at] + f.cost[bill_at];
            }));
          }
          if (summed && !std::isnan(summed->lo) && !std::isnan(summed->hi)) {
            const double lo = shown(summed->lo), hi = shown(summed->hi), mid = shown(summed->mean);
            const auto range = [&](double m, double from, double to) {
              return fmt::format("{} ({} to {}) {}", words(m), words(from), words(to), unit);
            };
            const std::string over = fmt::format(" (its spread over the {} draws)", study.draws);
            if (hi < 0)
              claim =
                  fmt::format("the {} would spend {} less {}{}", payer, range(-mid, -hi, -lo), period, over);
            else if (lo > 0)
              claim = fmt::format("the {} would pay {} more {}{}", payer, range(mid, lo, hi), period, over);
            else
              claim = fmt::format("the {}'s cash would show no clear change {}: {}{}", payer, period,
                                  range(mid, lo, hi), over);
          } else if (!one_run && text::no_spread(bill_stat) && !std::isnan(own_stat.lo) &&
                     !std::isnan(own_stat.hi)) {
            const double lo = shown(own_stat.lo) + bill, hi = shown(own_stat.hi) + bill;
            const auto range = [&](double mid, double from, double to) {
              return fmt::format("{} ({} to {}) {}", words(mid), words(from), words(to), unit);
            };
            if (hi < 0)
              claim =
                  fmt::format("the {} would spend {} less {}", payer, range(-(own + bill), -hi, -lo), period);
            else if (lo > 0)
              claim = fmt::format("the {} would pay {} more {}", payer, range(own + bill, lo, hi), period);
            else
              claim = fmt::format("the {}'s cash would show no clear change {}: {}", payer, period,
                                  range(own + bill, lo, hi));
          } else {
            claim = fmt::format("the {} would {} {} {} {} {}{}", payer, both >= 0 ? "pay" : "spend",
                                words(std::fabs(both)), unit, both >= 0 ? "more" : "less", period,
                                one_run ? "" : " on average");
          }
          payer_words += fmt::format("; were the fund the {}'s money, {} (its {} and the fund's {})", payer,
                                     claim, words(own), words(bill));
        }
    }
    // Paid by cuts, the coaches' bill showed nowhere in the glance ("pays more in cash: nobody"; an advisor's
    // reading): its size said beside who pays it, as the fund's row gives it under additional funding.
    if (econ && s.coaches.enabled && s.coaches.funding == Funding::Reallocated && !mine.stats.cost.empty()) {
      const BudgetLayout& b = mine.shape.budget;
      const Cell bill = Cell::of(
          mine.stats.cost[b.at(b.years, b.payers, static_cast<int>(CostCategory::Coach))], Unit::Euro);
      if (bill.stat.mean > 0) {
        const text::EuroScale scale = text::euro_scale({&bill});
        payer_words += fmt::format(
            "; the coaches' bill over the {} policy year{}: {} {}", study.years, study.years == 1 ? "" : "s",
            text::one_line(text::cell_text(Cell::of_value(bill.stat.mean, Unit::Euro), scale)),
            text::with_euro_unit("EUR", scale));
      }
    }
    t.rows.push_back(
        {"coach_payer", "who pays for the coaches", {Cell::empty(), Cell::of_text(payer_words)}, 0});
    // What the scenario is, in its own words: the funded scale-up differs from the unfunded one in its
    // conditions (mandate, privacy, caseload norm) as well as its money, which the columns did not say (a
    // policy advisor's reading).
    if (!s.description.empty())
      t.rows.push_back({"description", "what it is", {Cell::empty(), Cell::of_text(s.description)}, 0});
    // What its files warn a reader of these figures about (`caveats`), its own and its comparator's, each
    // once: a placement priced perhaps 1,9 times too high was said in a file's comment only (a policy
    // advisor's reading).
    {
      std::vector<std::string> said;
      for (const Scenario* from : {&s, &study.scenarios[static_cast<std::size_t>(ss.comparator)].scenario})
        for (const auto& [name, words] : from->caveats)
          if (std::find(said.begin(), said.end(), words) == said.end()) {
            said.push_back(words);
            t.rows.push_back({fmt::format("caveat_{}", said.size()),
                              "a caveat of its files",
                              {Cell::empty(), Cell::of_text(words)},
                              0});
          }
    }
    // Of a payer's cash, the benefits it pays households: a transfer, which society's view leaves out, so the
    // cash and the cost per household differ by it (a policy advisor's reading: the pilot's all payers -0,72
    // EUR million beside an extra cost of 141 a household, and the municipality's -31,83 mixing its social
    // domain's budget with -12,50 of benefits).
    // Summarised as cash is: over the run pairs, or with draws over the draws. A row of its own (CSV and
    // JSON), not of the glance.
    std::string transfers;
    {
      const BudgetLayout& b = mine.shape.budget;
      std::vector<std::string> parts;
      for (int p = 0; p < b.payers && !cmp.stats.cost.empty(); ++p) {
        const std::size_t at = b.at(b.years, p, static_cast<int>(CostCategory::Transfer));
        const Stat paid = summarised(cmp.differences, cmp.stats.cost[at],
                                     [at](const Measures<double>& f) { return f.cost[at]; });
        if (!(paid.mean != 0)) continue;
        const std::string& name = mine.shape.payers[static_cast<std::size_t>(p)].text;
        const Cell cell = Cell::of(paid, Unit::Euro);
        t.rows.push_back({"transfer_" + mine.shape.payers[static_cast<std::size_t>(p)].key,
                          "of its cash, benefits paid to households (a transfer): " + name + " (EUR)",
                          {cell, Cell::empty()},
                          0});
        const text::EuroScale scale = text::euro_scale({&cell});
        parts.push_back(fmt::format("{} {} {}", name, text::one_line(text::cell_text(cell, scale)),
                                    text::with_euro_unit("EUR", scale)));
      }
      if (!parts.empty())
        transfers = fmt::format(
            "; of the cash, benefits paid to households (a transfer, which society's view of the cost per "
            "household leaves out): {}",
            join_names(parts));
    }
    t.rows.insert(
        t.rows.begin(),
        {"summary",
         "in short",
         {Cell::empty(),
          Cell::of_text(
              one_run
                  ? "one run, so no interval: no change in cash, capacity used or waits is put in words "
                    "(the figures are in the table)" +
                        (cuts.empty() ? std::string()
                                      : "; capacity cut to pay the coaches at: " + join_names(cuts))
                  // Where capacity is cut, and where more is used, only when somewhere is: "capacity cut to
                  // pay the coaches at: nobody" beside additional funding, and "used at: nobody", padded the
                  // answer (a policy advisor's reading).
                  : fmt::format(
                        "pays more in cash{}: {}; spends less{}: {}{}; capacity freed at{}: {}{}; waits "
                        "longer{}: {}; waits less{}: {}",
                        pays.empty() ? "" : in_all, join_names(pays), saves.empty() ? "" : in_all,
                        join_names(saves),
                        cuts.empty()
                            ? ""
                            : "; capacity cut to pay the coaches at: " + join_names(cuts) +
                                  (duplicates_avoided.empty()
                                       ? std::string()
                                       : fmt::format(" ({} fewer places than the cut leaves, while "
                                                     "{}: duplicate work the coaches avoid, staff "
                                                     "time that shortens no queue)",
                                                     duplicates_avoided.size() == 1
                                                         ? duplicates_avoided.front() + " uses"
                                                         : join_names(duplicates_avoided) + " use",
                                                     duplicates_avoided.size() == 1 ? "its wait grows"
                                                                                    : "their waits grow")),
                        frees.empty() ? "" : in_all,
                        join_names(frees) +
                            (freed_in_cash.empty() ? std::string()
                             : freed_in_cash.size() == 1
                                 ? fmt::format(" ({} is paid per activity: its freed places are in its "
                                               "payer's cash already)",
                                               freed_in_cash.front())
                                 : fmt::format(" ({} are paid per activity: their freed places are in "
                                               "their payers' cash already)",
                                               join_names(freed_in_cash))),
                        uses.empty() ? "" : "; more capacity used at" + in_all + ": " + join_names(uses),
                        longer.empty() ? "" : in_all, join_names(longer), shorter.empty() ? "" : in_all,
                        join_names(shorter)) +
                        households +
                        (new_queue ? "; a new queue: households wait for a coach (the comparator has none)"
                                   : "") +
                        overloaded + transfers)},
         0});
    // Capacity and waits are over the run pairs, or with draws over the draws: a wait defined in fewer of
    // them (nobody admitted in the others) is named as the agencies' tables name it (the glance's rows had no
    // such note; outside attack 28). Cash is defined in every run.
    Table over_runs = t;
    std::erase_if(over_runs.rows,
                  [](const Row& r) { return r.key.starts_with("cash_") || r.key == "net_cash"; });
    over_runs.note.clear();
    if (study.draws > 1)
      say_fewer_runs(over_runs, static_cast<std::size_t>(study.draws), "draws",
                     "the figure being undefined in every run of the other draws (nobody admitted, nobody "
                     "waiting)");
    else
      say_fewer_runs(over_runs, cmp.differences.size());
    if (!over_runs.note.empty()) t.note += " " + over_runs.note;
    tables.push_back(std::move(t));
  }
  return tables;
}

double largest_wait_growth(const Table& headline) {
  double largest = std::numeric_limits<double>::quiet_NaN();
  for (const Row& r : headline.rows) {
    const Cell* verdict = cell_of(&headline, r.key, "verdict");
    const Cell* change = cell_of(&headline, r.key, "change");
    if (r.key.starts_with("wait_") && verdict && change && verdict->text == kWaitLonger &&
        !(change->stat.mean <= largest))
      largest = change->stat.mean;
  }
  return largest;
}

std::string short_of_steady_state(const std::vector<Table>& tables, const std::string& comparator) {
  for (const Table& t : tables) {
    if (t.id != "events" || t.scenario != comparator) continue;
    const Cell* gained = cell_of(&t, "rungs_gained", "value");
    if (!gained || gained->kind != Cell::Kind::Number || !(gained->stat.lo > 0 || gained->stat.hi < 0) ||
        std::abs(gained->stat.mean) < kSteadyRungDrift)
      return "";
    return fmt::format(
        "Without any policy {}'s households {} {} rungs on the participation ladder over the policy years: "
        "its warm-up ends before its steady state, whose levels and differences are not the same "
        "(scenarios/README.md, 'The warm-up').",
        comparator, gained->stat.mean > 0 ? "still gain" : "still lose",
        text::one_line(text::cell_text(*gained, text::EuroScale{})));
  }
  return "";
}

bool waits_grow(const Table& headline) {
  return !std::isnan(largest_wait_growth(headline));
}

}  // namespace wijksim
