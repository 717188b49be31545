#include "wijksim/week_tally.h"

namespace wijksim {

void WeekTally::reset(int teams) {
  std::vector<TraceEvent>* keep_trace = trace;
  std::vector<QueueJoin> keep_joins = std::move(joins);
  std::vector<std::uint32_t> keep_requests = std::move(coach_requests);
  std::vector<std::int32_t> keep_left = std::move(coach_left_queue);
  std::vector<std::int32_t> keep_closed = std::move(coach_closed);
  *this = WeekTally{};
  // Keep the buffers' memory: no allocation in the weekly loop once they have grown.
  joins = std::move(keep_joins);
  joins.clear();
  coach_requests = std::move(keep_requests);
  coach_requests.clear();
  coach_left_queue = std::move(keep_left);
  coach_left_queue.assign(teams, 0);
  coach_closed = std::move(keep_closed);
  coach_closed.assign(teams, 0);
  trace = keep_trace;
}

}  // namespace wijksim
