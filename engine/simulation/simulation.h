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
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wijksim/model/model.h"
#include "wijksim/simulation/run_result.h"

namespace wijksim {

struct RunRequest {
  std::uint64_t seed = 0;
  std::uint32_t draw = 0;  // PSA parameter draw (0 for the base case)
  std::uint32_t replication = 0;
  std::uint32_t traced = 0xFFFFFFFFu;  // household whose history to record (wijksim trace)
  bool mark_events = false;            // record what happened to each household (RunResult::happened)
};

inline constexpr int kChunkHouseholds = 2048;  // fixed chunk boundaries make the merge order fixed

RunResult simulate(const Model& model, const RunRequest& request);

// The events `wijksim trace --pick` chooses a household by (RunResult::happened): "coached" (taken into a
// coach's caseload), "bounced" (sent to a wrong door), "benefit" (started a spell of social assistance),
// "evicted" (a problem escalated into an eviction), or any escalation event of the scenario's domains (e.g.
// "crisis_admission"). Nothing for a name that is none of these.
std::optional<std::uint16_t> happened_mask(const Scenario& s, const std::string& name);
std::vector<std::string> happened_names(const Scenario& s);
// The lowest-numbered household with any event of `mask` in the policy period of run `r` (simulated once,
// marking every household); nothing when none had one.
std::optional<std::uint32_t> first_household_with(const Model& m, RunRequest r, std::uint16_t mask);

// Scenarios with the same population and fragmented baseline (shares_warmup) run the same warm-up, draw for
// draw: it is simulated once and each scenario's policy period continues from a copy of its end. The
// results are bit-identical to simulating each scenario alone. Throws Error when they do not share it.
// No household is traced (`wijksim trace` runs one scenario through simulate).
std::vector<RunResult> simulate_shared_warmup(std::span<const Model* const> models, std::uint64_t seed,
                                              std::uint32_t draw, std::uint32_t replication);

// The state of a run at the end of its warm-up: the drawn population after the warm-up years of the
// fragmented baseline. Population and warm-up draw their numbers from (seed, replication) alone, not the
// parameter draw, so all draws of a PSA whose baselines agree (shares_warmup) start from this one state:
// it is simulated once and each policy period continues from a copy. Bit-identical to simulate().
class WarmedUp {
 public:
  WarmedUp(const Model& m, std::uint64_t seed, std::uint32_t replication);  // simulates the warm-up
  std::uint32_t replication() const { return replication_; }
  // The policy period of parameter draw `draw`, as model m (which must share the warm-up; Error if not).
  RunResult policy(const Model& m, std::uint32_t draw) const;

 private:
  struct State;
  std::shared_ptr<const State> state_;
  const Model* model_;
  std::uint32_t replication_;
};

// True when a and b have the same warm-up: population, warm-up years, domains, agencies and fragmentation
// (but for costs, payers and the agencies' coach-related settings) and ladder. Coaches only act after the
// warm-up, and the warm-up's costs are not kept.
bool shares_warmup(const Scenario& a, const Scenario& b);

// What keeps a and b from sharing their warm-up: the scenario file's top-level key of the section that
// differs ("simulation", "population", "payers", "domains", "fragmentation", "ladder", "agencies") and the
// difference in words ("warmup_years is 20 here and 10 there"); both empty when they share it.
struct WarmupDifference {
  std::string section;
  std::string words;
  bool none() const { return words.empty(); }
};
WarmupDifference warmup_difference(const Scenario& a, const Scenario& b);

}  // namespace wijksim
