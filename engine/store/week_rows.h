// A run's weeks as the results store keeps them (the `weekly` and `agency_weekly` tables' rows, as far as a
// reader of the series reads them): made here for the store's writer, and for the series of a run that is not
// kept (--no-store), which report/run_series.h reads the same way as a stored run's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wijksim/simulation/run_result.h"

namespace wijksim {

// One week of one run of one scenario (the `weekly` table).
struct StoredWeek {
  int week = 0;
  std::int64_t draw = 0, replication = 0;
  std::int64_t with_problem = 0, multi_problem = 0, rung_sum = 0, coach_waiting = 0;
  double caseload_per_fte = 0, caseload_per_fte_max = 0;  // NaN outside policy weeks and without coaches
  std::int64_t coach_admitted = 0, coach_wait_weeks = 0, escalations = 0;
};

// One policy week of one agency in one run (the `agency_weekly` table).
struct StoredAgencyWeek {
  int week = 0;
  std::int64_t draw = 0, replication = 0;
  std::int64_t admitted = 0, wait_weeks = 0;
  std::int64_t capacity = 0;  // places funded that week
};

// Week `wk` of run `r` (draw `draw`, replication `replication`) as its `weekly` row.
StoredWeek stored_week(const RunResult& r, const WeekRecord& wk, std::uint32_t draw,
                       std::uint32_t replication);

// Agency `agency` in week `wk` as its `agency_weekly` row.
StoredAgencyWeek stored_agency_week(const WeekRecord& wk, std::size_t agency, std::uint32_t draw,
                                    std::uint32_t replication);

}  // namespace wijksim
