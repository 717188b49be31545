#include "wijksim/report/run_series.h"

#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/statistics.h"
#include "wijksim/model/params.h"

namespace wijksim {
namespace {

using RunKey = std::pair<std::int64_t, std::int64_t>;  // (draw, replication)

// Sums over one block of weeks, per run: a numerator and a denominator (or a count of weeks).
struct BlockSums {
  double num = 0, den = 0;
};
using Block = std::map<RunKey, BlockSums>;

double block_middle(int block) {
  return block * kSeriesBlockWeeks + (kSeriesBlockWeeks + 1) / 2.0;
}

// Appends the summary of a block over runs, each run's value being value(sums).
template <class F>
void flush_block(const Block& b, int block, F value, Series& out) {
  if (b.empty()) return;
  std::vector<double> v;
  v.reserve(b.size());
  for (const auto& [run, sums] : b) v.push_back(value(sums));
  SeriesPoint p;
  p.week = block_middle(block);
  if (summarise_point(v, p)) out.push_back(p);
}

double ratio(const BlockSums& s) {
  return s.den > 0 ? s.num / s.den : kNaN;
}

}  // namespace

bool summarise_point(const std::vector<double>& values, SeriesPoint& point) {
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double x : values)
    if (std::isfinite(x)) finite.push_back(x);
  if (finite.empty()) return false;
  point.mean = mean(finite);
  const Interval band = spread_of_draws(finite);
  point.lo = band.lower;
  point.hi = band.upper;
  point.n = static_cast<int>(finite.size());
  return true;
}

ScenarioSeries read_series(const RunStore& store, std::int64_t run, const StoredScenario& scenario) {
  ScenarioSeries out;
  const double households = scenario.households;

  {
    // Per week: the values of every run; flushed when the week changes.
    enum { kProblem, kMulti, kRung, kWaiting, kPerFte, kPerFteMax, kWeekly };
    std::vector<double> week_values[kWeekly];
    Series* week_series[kWeekly] = {&out.with_problem,  &out.multi_problem,    &out.rung,
                                    &out.coach_waiting, &out.caseload_per_fte, &out.caseload_per_fte_max};
    Block wait, escalations;
    int week = -1, block = -1;
    auto flush_week = [&] {
      for (int m = 0; m < kWeekly; ++m) {
        SeriesPoint p;
        p.week = week;
        if (summarise_point(week_values[m], p)) week_series[m]->push_back(p);
        week_values[m].clear();
      }
    };
    auto flush_blocks = [&] {
      flush_block(wait, block, ratio, out.coach_wait);
      // Events in the block per household, scaled to 1,000 households and a year of weeks.
      flush_block(
          escalations, block,
          [&](const BlockSums& s) { return s.num / households / s.den * kWeeksPerYear * 1000.0; },
          out.escalations);
      wait.clear();
      escalations.clear();
    };
    store.for_each_week(run, scenario.index, [&](const StoredWeek& r) {
      const int w = r.week;
      if (w != week) {
        if (week >= 0) flush_week();
        week = w;
      }
      const RunKey key{r.draw, r.replication};
      week_values[kProblem].push_back(static_cast<double>(r.with_problem) / households);
      week_values[kMulti].push_back(static_cast<double>(r.multi_problem) / households);
      week_values[kRung].push_back(static_cast<double>(r.rung_sum) / households);
      week_values[kWaiting].push_back(static_cast<double>(r.coach_waiting));
      // Caseload per FTE is undefined (NaN) outside policy weeks and without coaches: left out.
      week_values[kPerFte].push_back(r.caseload_per_fte);
      week_values[kPerFteMax].push_back(r.caseload_per_fte_max);
      if (w < 1) return;  // blocks cover policy weeks 1, 2, ...
      const int b = (w - 1) / kSeriesBlockWeeks;
      if (b != block) {
        if (block >= 0) flush_blocks();
        block = b;
      }
      BlockSums& ws = wait[key];
      ws.num += static_cast<double>(r.coach_wait_weeks);
      ws.den += static_cast<double>(r.coach_admitted);
      BlockSums& es = escalations[key];
      es.num += static_cast<double>(r.escalations);
      es.den += 1;  // weeks
    });
    if (week >= 0) flush_week();
    if (block >= 0) flush_blocks();
  }

  const std::vector<StoredLabel> agencies = store.agencies(run);
  out.agency_wait.resize(agencies.size());
  out.agency_places_last.assign(agencies.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t a = 0; a < agencies.size(); ++a) {
    Block wait;
    int block = -1;
    int last_week = 0;  // rows come week by week: the last week's are the last
    double places = 0;
    int runs = 0;
    store.for_each_agency_week(run, scenario.index, agencies[a].key, [&](const StoredAgencyWeek& r) {
      if (r.week != last_week) last_week = r.week, places = 0, runs = 0;
      places += static_cast<double>(r.capacity), ++runs;
      const int b = (r.week - 1) / kSeriesBlockWeeks;
      if (b != block) {
        if (block >= 0) flush_block(wait, block, ratio, out.agency_wait[a]);
        wait.clear();
        block = b;
      }
      BlockSums& s = wait[{r.draw, r.replication}];
      s.num += static_cast<double>(r.wait_weeks);
      s.den += static_cast<double>(r.admitted);
    });
    if (block >= 0) flush_block(wait, block, ratio, out.agency_wait[a]);
    if (runs > 0) out.agency_places_last[a] = places / runs;
  }
  return out;
}

namespace {
// The waits and queues still growing at the end (at_the_end, run_series.h), each said by its years.
std::vector<std::string> still_growing(const std::vector<StoredLabel>& agencies,
                                       const StoredScenario& scenario, const ScenarioSeries& series,
                                       int years) {
  std::vector<std::string> out;
  if (years < 2) return out;
  const double last_year_from = 52.0 * (years - 1);
  // Said by the first and the last year (the period's mean of the series weighs blocks alike, the tables
  // weigh admissions: two "over the period" figures that differ would confuse).
  const auto check = [&](const Series& points, const std::string& what, const std::string& unit,
                         int decimals) {
    double all = 0, first = 0, before = 0, last = 0;
    int n_all = 0, n_first = 0, n_before = 0, n_last = 0;
    for (const SeriesPoint& p : points) {
      if (p.week <= 0 || p.n == 0) continue;
      all += p.mean, ++n_all;
      if (p.week <= 52) first += p.mean, ++n_first;
      if (p.week > last_year_from) last += p.mean, ++n_last;
      if (p.week > last_year_from - 52 && p.week <= last_year_from) before += p.mean, ++n_before;
    }
    if (n_all == 0 || n_first == 0 || n_before == 0 || n_last == 0) return;
    all /= n_all, first /= n_first, before /= n_before, last /= n_last;
    // Above the year before's by more than a twentieth and half a unit: two runs' noise was called growth,
    // and a fall from year 1 beside a rise in the last year was said as growing (outside attack 35).
    if (last > 1.1 * all && last - all > 1 && last > first && last > 1.05 * before && last - before > 0.5)
      out.push_back(years == 2
                        ? fmt::format("{}: about {} {} in year 1, {} in year 2", what,
                                      format_dutch(first, decimals), unit, format_dutch(last, decimals))
                        : fmt::format("{}: about {} {} in year 1, {} in year {}, {} in year {}", what,
                                      format_dutch(first, decimals), unit, format_dutch(before, decimals),
                                      years - 1, format_dutch(last, decimals), years));
  };
  for (std::size_t a = 0; a < agencies.size() && a < series.agency_wait.size(); ++a)
    check(series.agency_wait[a], "the wait at " + agencies[a].label, "weeks", 1);
  if (scenario.coach_fte > 0) {
    check(series.coach_wait, "the wait for a coach", "weeks", 1);
    check(series.coach_waiting, "households waiting for a coach", "households", 0);
  }
  return out;
}
}  // namespace

std::string at_the_end(const RunStore& store, std::int64_t run, const StoredScenario& scenario,
                       const ScenarioSeries& series, const ScenarioSeries& comparator, int years) {
  std::string growing, cut;
  const std::vector<StoredLabel> agencies = store.agencies(run);
  for (const std::string& g : still_growing(agencies, scenario, series, years))
    growing += (growing.empty() ? "" : "; ") + g;
  for (std::size_t a = 0; a < agencies.size() && a < series.agency_places_last.size() &&
                          a < comparator.agency_places_last.size();
       ++a) {
    const double mine = series.agency_places_last[a], theirs = comparator.agency_places_last[a];
    if (!(mine < theirs - 0.5) || !(theirs > 0)) continue;
    cut += fmt::format("{}{} {} against {} ({}% fewer)", cut.empty() ? "" : "; ", agencies[a].label,
                       format_dutch(mine, 0), format_dutch(theirs, 0),
                       format_dutch(100 * (1 - mine / theirs), 0));
  }
  std::string out;
  if (!growing.empty())
    out = fmt::format("Still growing (the glance gives means over the period): {}.", growing);
  if (!cut.empty())
    out += fmt::format("{}Places funded in the last week (the glance gives means over the period): {}.",
                       out.empty() ? "" : " ", cut);
  return out;
}

std::map<std::string, std::string> at_the_end(const RunStore& store, std::int64_t run) {
  std::map<std::string, std::string> out;
  const int years = store.run(run).years;
  const std::vector<StoredScenario> scenarios = store.scenarios(run);
  std::map<int, ScenarioSeries> read;  // a comparator shared by interventions is read once
  const auto series_of = [&](const StoredScenario& s) -> const ScenarioSeries& {
    auto it = read.find(s.index);
    if (it == read.end()) it = read.emplace(s.index, read_series(store, run, s)).first;
    return it->second;
  };
  for (const StoredScenario& s : scenarios)
    if (s.comparator >= 0)
      for (const StoredScenario& c : scenarios)
        if (c.index == s.comparator)
          if (std::string words = at_the_end(store, run, s, series_of(s), series_of(c), years);
              !words.empty())
            out[s.name] = std::move(words);
  return out;
}

}  // namespace wijksim
