#include "wijksim/report/run_series.h"

#include <cmath>
#include <map>
#include <utility>

#include "wijksim/analysis/honest_uncertainty.h"
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
  for (std::size_t a = 0; a < agencies.size(); ++a) {
    Block wait;
    int block = -1;
    store.for_each_agency_week(run, scenario.index, agencies[a].key, [&](const StoredAgencyWeek& r) {
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
  }
  return out;
}

}  // namespace wijksim
