#include "wijksim/report/kept_weeks.h"

#include <algorithm>
#include <tuple>

#include "wijksim/store/scenario_record.h"
#include "wijksim/store/study_recorder.h"
#include "wijksim/store/week_rows.h"

namespace wijksim {

namespace {

// The run's agencies as the store keeps them: the first scenario's (study_recorder.cpp).
std::vector<StoredLabel> agencies_of(const Study& study) {
  return study.scenarios.empty() ? std::vector<StoredLabel>{}
                                 : agency_labels(study.scenarios.front().scenario);
}

// The runs of each scenario: every replication of every draw (of the base case, draw 0).
std::size_t runs_of(const Study& study) {
  return static_cast<std::size_t>(study.replications) * static_cast<std::size_t>(std::max(study.draws, 1));
}

}  // namespace

KeptWeeks::KeptWeeks(const Study& study)
    : study_(study),
      agencies_(agencies_of(study)),
      runs_(runs_of(study)),
      weeks_(study.scenarios.size()),
      agency_weeks_(study.scenarios.size(),
                    std::vector<std::vector<std::vector<StoredAgencyWeek>>>(agencies_.size())) {}

DrawSink KeptWeeks::sink() {
  return [this](std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                const std::vector<std::vector<RunMeasures>>&) { keep(draw, results); };
}

// A week's rows, room made for one a run at its first (vectors that doubled as they grew held twice the
// rows' memory: 0,64 MB a draw of the city's three scenarios, where the rows take 0,3).
template <class Row>
std::vector<Row>& KeptWeeks::reserved(std::vector<Row>& rows) const {
  if (rows.capacity() == 0) rows.reserve(runs_);
  return rows;
}

void KeptWeeks::keep(std::uint32_t draw, const std::vector<std::vector<RunResult>>& results) {
  for (std::size_t s = 0; s < results.size() && s < weeks_.size(); ++s)
    for (const RunResult& r : results[s])
      for (const WeekRecord& wk : r.weeks) {
        const auto week = static_cast<std::size_t>(wk.week);
        if (weeks_[s].size() <= week) weeks_[s].resize(week + 1);
        reserved(weeks_[s][week]).push_back(stored_week(r, wk, draw, r.replication));
        if (wk.week < 1) continue;  // agencies' rows are of policy weeks (RunStore::for_each_agency_week)
        for (std::size_t a = 0; a < agencies_.size(); ++a) {
          auto& rows = agency_weeks_[s][a];
          if (rows.size() <= week) rows.resize(week + 1);
          reserved(rows[week]).push_back(stored_agency_week(wk, a, draw, r.replication));
        }
      }
}

void KeptWeeks::for_each_week(int scenario, const std::function<void(const StoredWeek&)>& visit) const {
  for (const std::vector<StoredWeek>& rows : weeks_.at(static_cast<std::size_t>(scenario)))
    for (const StoredWeek& w : rows) visit(w);
}

void KeptWeeks::for_each_agency_week(int scenario, std::size_t agency,
                                     const std::function<void(const StoredAgencyWeek&)>& visit) const {
  for (const std::vector<StoredAgencyWeek>& rows :
       agency_weeks_.at(static_cast<std::size_t>(scenario)).at(agency))
    for (const StoredAgencyWeek& w : rows) visit(w);
}

std::size_t KeptWeeks::bytes_for(const Study& study) {
  const std::size_t weeks = static_cast<std::size_t>(study.years) * kWeeksPerYear + 1;
  return study.scenarios.size() * runs_of(study) * weeks *
         (sizeof(StoredWeek) + agencies_of(study).size() * sizeof(StoredAgencyWeek));
}

std::map<std::string, std::string> KeptWeeks::at_the_end() {
  if (study_.scenarios.empty()) return {};
  // Each week's rows by draw and replication, as the store gives them: the draws came in the study's order.
  const auto by_run = [](const auto& a, const auto& b) {
    return std::tie(a.draw, a.replication) < std::tie(b.draw, b.replication);
  };
  for (auto& scenario : weeks_)
    for (auto& rows : scenario) std::sort(rows.begin(), rows.end(), by_run);
  for (auto& scenario : agency_weeks_)
    for (auto& agency : scenario)
      for (auto& rows : agency) std::sort(rows.begin(), rows.end(), by_run);
  return wijksim::at_the_end(*this, stored_scenarios(study_), agencies_, study_.years);
}

}  // namespace wijksim
