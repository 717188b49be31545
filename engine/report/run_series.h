// Series over time of a stored run, for the HTML report (html_report.h). This is the one place where the
// report aggregates raw rows of the results store; every other figure it shows is read from the run's stored
// tables as they are.
//
// How: a measure is first computed per run (one parameter draw and replication) and week, then summarised
// per week over all runs of the scenario as the mean and the 2.5% and 97.5% percentiles (Hyndman & Fan
// type 7, statistics.h). With parameter draws the band holds both parameter and chance uncertainty; without,
// chance alone. A run where a measure is undefined (a mean wait in a block when nobody was admitted) is left
// out of that point, and `n` counts the runs that remain.
//
// Waits and escalations are rare events per week, so they are taken over blocks of kSeriesBlockWeeks policy
// weeks, in the tables' own way: a wait is the summed waits of those admitted in the block over the number
// admitted, and escalations are per 1,000 households per year.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "wijksim/store/run_store.h"

namespace wijksim {

inline constexpr int kSeriesBlockWeeks = 4;

struct SeriesPoint {
  double week = 0;  // policy week (0: the policy start); for a block, its middle (2.5 for weeks 1-4)
  double mean = 0, lo = 0, hi = 0;  // over runs; undefined in every run: no point at all
  int n = 0;                        // runs with the measure defined
  bool same_in_all = false;         // every one of those runs gave the same value
};
using Series = std::vector<SeriesPoint>;

struct ScenarioSeries {
  // Per week, weeks 0 .. the last policy week.
  Series with_problem;          // share of households with at least one problem
  Series multi_problem;         // share with several problems
  Series rung;                  // mean rung on the participation ladder (1-6)
  Series coach_waiting;         // households waiting for a coach
  Series caseload_per_fte;      // households per coach FTE, all teams (policy weeks; none without coaches)
  Series caseload_per_fte_max;  // the busiest team's households per FTE
  // Per block of kSeriesBlockWeeks policy weeks.
  Series coach_wait;                // weeks waited by those a coach took on
  Series escalations;               // per 1,000 households per year
  std::vector<Series> agency_wait;  // weeks waited by those admitted, per agency (RunStore::agencies order)
  // Per agency, its places funded in the last policy week, the mean over runs (NaN without policy weeks).
  std::vector<double> agency_places_last;
  // Waits by policy year as the tables weigh the period's, by admissions: per run its summed waits over its
  // admissions in the year, then the mean over the runs that admitted anyone (NaN: none did). `period` the
  // same over all policy weeks, the glance's figure. In short names the years of a wait still growing by
  // these: the blocks' points, each weighed alike, put a period's 16,4 weeks below its years' 17,1 and 28,4
  // (a policy advisor's reading).
  struct YearlyWait {
    std::vector<double> year;  // policy year 1, 2, ...
    double period = std::numeric_limits<double>::quiet_NaN();
  };
  YearlyWait coach_wait_by_year;
  std::vector<YearlyWait> agency_wait_by_year;  // per agency
};

// Where a run's weekly rows come from: its results store (StoredWeeks), or a study's runs kept in memory
// for a run the store does not keep (kept_weeks.h, --no-store). Both give the same rows in the same order,
// so the series and what In short says of them are the same.
class WeeklyRows {
 public:
  virtual ~WeeklyRows() = default;
  // A scenario's rows in the order of week, draw and replication; an agency's from policy week 1 on (its
  // index in the run's agencies).
  virtual void for_each_week(int scenario, const std::function<void(const StoredWeek&)>& visit) const = 0;
  virtual void for_each_agency_week(int scenario, std::size_t agency,
                                    const std::function<void(const StoredAgencyWeek&)>& visit) const = 0;
};

// A stored run's rows.
class StoredWeeks final : public WeeklyRows {
 public:
  StoredWeeks(const RunStore& store, std::int64_t run)
      : store_(store), run_(run), agencies_(store.agencies(run)) {}
  void for_each_week(int scenario, const std::function<void(const StoredWeek&)>& visit) const override;
  void for_each_agency_week(int scenario, std::size_t agency,
                            const std::function<void(const StoredAgencyWeek&)>& visit) const override;

 private:
  const RunStore& store_;
  std::int64_t run_;
  std::vector<StoredLabel> agencies_;
};

// Reads and summarises the series of one scenario of a run with `agencies` agencies. Throws Error if the
// store cannot be read.
ScenarioSeries read_series(const WeeklyRows& rows, std::size_t agencies, const StoredScenario& scenario);
ScenarioSeries read_series(const RunStore& store, std::int64_t run, const StoredScenario& scenario);

// What the period's means hide at its end, in words, for In short (terminal and report alike): "Still growing
// (the figures are means over the period): the wait at Debt counselling: about 19,6 weeks in year 1, 54,2 in
// year 4, 58,3 in year 5; ..." for each wait or queue whose last policy year's mean (a wait's weighed by
// admissions, as the glance's, ScenarioSeries::YearlyWait; the coach waiting list's over weeks) is above the
// period's by more than a tenth and by more than one week (or household), above year 1's, and above the
// year before's by more than a twentieth and half a unit (from 2 policy years; docs/model.md 13.6), then
// "Longer earlier (...): the wait for a coach: about 27,4 weeks in year 1, 10,3 over the period; ..." for
// each wait whose longest year before the last is above 1,5 times the period's and more than 2 weeks above
// it, then "Places funded in the last week: Debt counselling 824 against 1.343 (39% fewer); ..." for each
// agency whose places in the last policy week are below the comparator's by more than half a place (a cut
// that phases in with the coaches is larger at the end than its mean over the period; a policy advisor's
// reading). "" when neither.
std::string at_the_end(const std::vector<StoredLabel>& agencies, const StoredScenario& scenario,
                       const ScenarioSeries& series, const ScenarioSeries& comparator, int years);
// Per intervention of a run (a scenario with a comparator), by name: at_the_end, for TextOptions::at_the_end
// (scenarios with nothing to say left out); of its scenarios, agencies and policy years, from its rows.
std::map<std::string, std::string> at_the_end(const WeeklyRows& rows,
                                              const std::vector<StoredScenario>& scenarios,
                                              const std::vector<StoredLabel>& agencies, int years);
// The same of a stored run.
std::map<std::string, std::string> at_the_end(const RunStore& store, std::int64_t run);

// The summary of one point over runs: mean and the 2.5-97.5% percentiles of the finite values.
// `values` may hold NaN (undefined in that run); returns false when none is finite.
bool summarise_point(const std::vector<double>& values, SeriesPoint& point);

}  // namespace wijksim
