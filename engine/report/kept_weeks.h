// A study's weekly rows kept in memory, as the results store would keep them, for a run it does not keep
// (--no-store): what In short says of the period's end (queues still growing, places cut in the last week;
// run_series.h, at_the_end) is read from them as from a stored run's, so the two say the same. Only what
// those series read is kept (week_rows.h), only where the glance is printed as a table, and up to
// kMostBytes.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "wijksim/report/run_series.h"
#include "wijksim/store/run_store.h"
#include "wijksim/study/study.h"

namespace wijksim {

class KeptWeeks final : public WeeklyRows {
 public:
  explicit KeptWeeks(const Study& study);

  // The memory the rows of `study` take (about 0,3 MB a draw of the city's three scenarios over 5 policy
  // years), and the most that is kept: a study whose rows take more says that In short leaves them out
  // (a base case of 100.000 replications would have taken some 20 GB).
  static std::size_t bytes_for(const Study& study);
  static constexpr std::size_t kMostBytes = std::size_t{1} << 30;

  // To hand to the study (run_study's DrawSink): keeps each run's rows. The study calls it serially, but
  // in its own order of draws (grouped by their warm-up): at_the_end puts each week's rows in the order of
  // draw and replication first, as a stored run's are read (ORDER BY week, draw, replication).
  DrawSink sink();

  // In the order of week, draw and replication once at_the_end has ordered them.
  void for_each_week(int scenario, const std::function<void(const StoredWeek&)>& visit) const override;
  void for_each_agency_week(int scenario, std::size_t agency,
                            const std::function<void(const StoredAgencyWeek&)>& visit) const override;

  // at_the_end (run_series.h) of the study's interventions, by name.
  std::map<std::string, std::string> at_the_end();

 private:
  void keep(std::uint32_t draw, const std::vector<std::vector<RunResult>>& results);
  template <class Row>
  std::vector<Row>& reserved(std::vector<Row>& rows) const;

  const Study& study_;
  std::vector<StoredLabel> agencies_;  // the first scenario's, as the store keeps a run's
  std::size_t runs_ = 0;      // of each scenario: a week's rows
  // [scenario][week] the rows of that week, and [scenario][agency][week] from policy week 1 on.
  std::vector<std::vector<std::vector<StoredWeek>>> weeks_;
  std::vector<std::vector<std::vector<std::vector<StoredAgencyWeek>>>> agency_weeks_;
};

}  // namespace wijksim
