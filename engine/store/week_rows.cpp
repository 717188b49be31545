#include "wijksim/store/week_rows.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wijksim {

StoredWeek stored_week(const RunResult& r, const WeekRecord& wk, std::uint32_t draw,
                       std::uint32_t replication) {
  StoredWeek w;
  w.week = wk.week;
  w.draw = draw;
  w.replication = replication;
  const HouseholdMeasures& h = wk.households;
  w.with_problem = h.with_problem;
  w.multi_problem = h.multi_problem;
  w.rung_sum = h.rung_sum;
  w.coach_waiting = wk.coach_waiting;
  w.coach_admitted = wk.coach_admitted;
  w.coach_wait_weeks = wk.coach_wait_weeks;
  for (int e : wk.escalations) w.escalations += e;
  // Caseload per FTE exists only in policy weeks (RunResult::team_caseload_per_fte): NaN elsewhere, and
  // without coaches. The FTE of the teams that work that week (a scale-up starts teams one after another).
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  w.caseload_per_fte = w.caseload_per_fte_max = kNaN;
  const std::size_t teams = static_cast<std::size_t>(std::max(r.teams, 1));
  if (wk.week >= 1 && wk.coach_fte > 0 &&
      r.team_caseload_per_fte.size() >= static_cast<std::size_t>(wk.week) * teams) {
    const std::size_t first = (static_cast<std::size_t>(wk.week) - 1) * teams;
    w.caseload_per_fte = wk.coach_caseload / wk.coach_fte;
    for (std::size_t k = first; k < first + teams; ++k)
      if (!std::isnan(r.team_caseload_per_fte[k]) && !(r.team_caseload_per_fte[k] <= w.caseload_per_fte_max))
        w.caseload_per_fte_max = r.team_caseload_per_fte[k];
  }
  return w;
}

StoredAgencyWeek stored_agency_week(const WeekRecord& wk, std::size_t agency, std::uint32_t draw,
                                    std::uint32_t replication) {
  const AgencyWeek& a = wk.agencies[agency];
  StoredAgencyWeek w;
  w.week = wk.week;
  w.draw = draw;
  w.replication = replication;
  w.admitted = a.admitted;
  w.wait_weeks = a.wait_weeks;
  w.capacity = a.capacity;
  return w;
}

}  // namespace wijksim
