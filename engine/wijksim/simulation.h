// One replication of one scenario: draws the population, runs the warm-up (the fragmented baseline,
// so every compared scenario starts from the same steady state) and the policy period.
//
// Each week has two phases. (1) Households are stepped in fixed chunks, in parallel (oneTBB); each
// chunk writes only its households and its own tally. (2) The driver merges the tallies in chunk order
// and hands out the scarce places (agency treatment, coach caseload) first come, first served. Since
// every random draw is addressed by (seed, draw, replication, household, stream, week) and the merge
// order is fixed, the result does not depend on the number of threads.
#pragma once

#include <cstdint>

#include "wijksim/model.h"
#include "wijksim/run_result.h"

namespace wijksim {

struct RunRequest {
  std::uint64_t seed = 0;
  std::uint32_t draw = 0;  // PSA parameter draw (0 for the base case)
  std::uint32_t replication = 0;
  std::uint32_t traced = 0xFFFFFFFFu;  // household whose history to record (wijksim trace)
};

inline constexpr int kChunkHouseholds = 2048;  // fixed chunk boundaries make the merge order fixed

RunResult simulate(const Model& model, const RunRequest& request);

}  // namespace wijksim
