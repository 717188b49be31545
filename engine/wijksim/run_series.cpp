#include "wijksim/run_series.h"

#include <cmath>
#include <map>
#include <utility>

#include "wijksim/params.h"
#include "wijksim/sqlite_statement.h"
#include "wijksim/statistics.h"

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
  const Interval band = percentile_interval(finite, 0.025, 0.975);
  point.lo = band.lower;
  point.hi = band.upper;
  point.n = static_cast<int>(finite.size());
  return true;
}

ScenarioSeries read_series(const RunStore& store, std::int64_t run, const StoredScenario& scenario) {
  ScenarioSeries out;
  const double households = scenario.households;

  {
    Statement q(store.handle(), store.path(),
                "SELECT week, draw, replication, with_problem, multi_problem, rung_sum, coach_waiting, "
                "coach_caseload_per_fte, coach_caseload_per_fte_max, coach_admitted, coach_wait_weeks, "
                "escalations FROM weekly WHERE run_id = ? AND scenario = ? ORDER BY week, draw, replication");
    q.bind(1, run).bind(2, scenario.index);
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
    while (q.step()) {
      const int w = static_cast<int>(q.integer(0));
      if (w != week) {
        if (week >= 0) flush_week();
        week = w;
      }
      const RunKey key{q.integer(1), q.integer(2)};
      week_values[kProblem].push_back(static_cast<double>(q.integer(3)) / households);
      week_values[kMulti].push_back(static_cast<double>(q.integer(4)) / households);
      week_values[kRung].push_back(static_cast<double>(q.integer(5)) / households);
      week_values[kWaiting].push_back(static_cast<double>(q.integer(6)));
      // Caseload per FTE is NULL outside policy weeks and without coaches: left out, as undefined.
      week_values[kPerFte].push_back(q.null(7) ? kNaN : q.real(7));
      week_values[kPerFteMax].push_back(q.null(8) ? kNaN : q.real(8));
      if (w < 1) continue;  // blocks cover policy weeks 1, 2, ...
      const int b = (w - 1) / kSeriesBlockWeeks;
      if (b != block) {
        if (block >= 0) flush_blocks();
        block = b;
      }
      BlockSums& ws = wait[key];
      ws.num += static_cast<double>(q.integer(10));
      ws.den += static_cast<double>(q.integer(9));
      BlockSums& es = escalations[key];
      es.num += static_cast<double>(q.integer(11));
      es.den += 1;  // weeks
    }
    if (week >= 0) flush_week();
    if (block >= 0) flush_blocks();
  }

  const std::vector<StoredLabel> agencies = store.agencies(run);
  out.agency_wait.resize(agencies.size());
  for (std::size_t a = 0; a < agencies.size(); ++a) {
    Statement q(
        store.handle(), store.path(),
        "SELECT week, draw, replication, admitted, wait_weeks FROM agency_weekly WHERE run_id = ? AND "
        "scenario = ? AND agency = ? AND week >= 1 ORDER BY week, draw, replication");
    q.bind(1, run).bind(2, scenario.index).bind(3, agencies[a].key);
    Block wait;
    int block = -1;
    while (q.step()) {
      const int b = (static_cast<int>(q.integer(0)) - 1) / kSeriesBlockWeeks;
      if (b != block) {
        if (block >= 0) flush_block(wait, block, ratio, out.agency_wait[a]);
        wait.clear();
        block = b;
      }
      BlockSums& s = wait[{q.integer(1), q.integer(2)}];
      s.num += static_cast<double>(q.integer(4));
      s.den += static_cast<double>(q.integer(3));
    }
    if (block >= 0) flush_block(wait, block, ratio, out.agency_wait[a]);
  }
  return out;
}

}  // namespace wijksim
