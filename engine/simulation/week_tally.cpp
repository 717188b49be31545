#include "wijksim/simulation/week_tally.h"

#include <algorithm>

namespace wijksim {

HouseholdCounts& HouseholdCounts::operator+=(const HouseholdCounts& o) {
  with_problem += o.with_problem;
  multi_problem += o.multi_problem;
  for (std::size_t i = 0; i < professionals.size(); ++i) professionals[i] += o.professionals[i];
  with_help += o.with_help;
  with_help_low_trust += o.with_help_low_trust;
  with_help_bounced += o.with_help_bounced;
  trust_sum += o.trust_sum;
  rung_sum += o.rung_sum;
  for (std::size_t d = 0; d < active_by_domain.size(); ++d) active_by_domain[d] += o.active_by_domain[d];
  for (std::size_t k = 0; k < by_problems.size(); ++k) by_problems[k] += o.by_problems[k];
  in_spell += o.in_spell;
  ever_listed += o.ever_listed;
  ever_coached += o.ever_coached;
  return *this;
}

void WeekTally::reset(int teams) {
  std::vector<TraceEvent>* keep_trace = trace;
  std::vector<QueueJoin> keep_joins = std::move(joins);
  std::vector<std::uint32_t> keep_requests = std::move(coach_requests);
  std::vector<Arrival> keep_arrivals = std::move(arrivals);
  std::vector<std::int32_t> keep_left = std::move(coach_left_queue);
  std::vector<std::int32_t> keep_closed = std::move(coach_closed);
  *this = WeekTally{};
  // Keep the buffers' memory: no allocation in the weekly loop once they have grown.
  joins = std::move(keep_joins);
  joins.clear();
  coach_requests = std::move(keep_requests);
  coach_requests.clear();
  arrivals = std::move(keep_arrivals);
  arrivals.clear();
  coach_left_queue = std::move(keep_left);
  coach_left_queue.assign(static_cast<std::size_t>(teams), 0);
  coach_closed = std::move(keep_closed);
  coach_closed.assign(static_cast<std::size_t>(teams), 0);
  trace = keep_trace;
}

}  // namespace wijksim
