// The evaluation the city would run, simulated on the model's households: the seeds' study design (a survey
// of N households, 168 in the seeds, in the pilot neighbourhood and in a control neighbourhood, before the
// policy starts and after it) applied to the runs, to show what such a study would estimate and how often
// it would detect the effect the model says is there.
//
// Sampling N households without replacement and counting those with a property is a hypergeometric draw from
// the run's counts; a share among a subgroup (those with help) is two such draws: how many of the sample are
// in the subgroup, then how many of those have the property. Each wave is a fresh sample (a repeated
// cross-section, as two surveys of a neighbourhood are).
//
// The pilot neighbourhood is a run of the intervention; the control neighbourhood is a run of the comparator
// with households of its own (the next run, cyclically: another replication or draw), since a real control
// neighbourhood is not the pilot's households without the pilot. The model's true effect is the difference
// in differences on the whole population of the same run with and without the policy (common random
// numbers: the same households), averaged over the runs.
//
// The estimate: difference in differences of the four sampled shares, (after - before in the pilot) minus
// (after - before in the control); its test: z = estimate / sqrt(sum of p(1 - p) / n over the four samples),
// significant at 5% when |z| > 1.96 (a normal approximation, as for a two-sample comparison of proportions).
// A two-sample design (after only) compares the two neighbourhoods after the policy.
#pragma once

#include <cstdint>
#include <vector>

#include "wijksim/core/random_streams.h"
#include "wijksim/core/statistics.h"

namespace wijksim {

// A survey measure's counts in one population at one moment: `positive` of the `in_group` households (the
// subgroup the share is of, e.g. those with help; `households` for a share of everyone) of `households`.
struct SurveyCounts {
  std::int64_t households = 0;
  std::int64_t in_group = 0;
  std::int64_t positive = 0;
  double share() const {
    return in_group > 0 ? static_cast<double>(positive) / static_cast<double>(in_group) : kNaN;
  }
};

// One neighbourhood's counts before (the policy start) and after (the end of the horizon).
struct SurveyedNeighbourhood {
  SurveyCounts before, after;
};

// A pair of runs the virtual study samples from, with the random stream key of the pilot's run.
struct VirtualStudyPair {
  SurveyedNeighbourhood pilot, control;
  double true_effect = 0;  // the policy's difference in differences on the pilot's own households
  std::uint64_t seed = 0;
  std::uint32_t draw = 0, replication = 0;
};

struct VirtualStudyDesign {
  int sample = 168;                       // households surveyed per neighbourhood and wave (the seeds' N)
  bool difference_in_differences = true;  // else after only: pilot after vs control after
  int studies = 2000;                     // virtual studies simulated in all (spread over the pairs)
  double z = 1.959963984540054;           // two-sided 5%
};

struct VirtualStudyResult {
  double true_effect = kNaN;       // mean over the pairs
  double mean_estimate = kNaN;     // mean over the virtual studies
  double lo = kNaN, hi = kNaN;     // spread_of_draws of the estimates
  double power = kNaN;             // share of studies significant at 5%
  double power_right_sign = kNaN;  // ... significant with the sign of the true effect
  double analytic_power = kNaN;    // normal approximation with the true shares (mean over the pairs)
  int studies = 0;
  int measure = 0;  // which measure (the caller's index), for the stream address
};

// `measure` indexes the survey measure (it addresses the random stream, so two measures sample
// independently).
VirtualStudyResult simulate_virtual_study(const std::vector<VirtualStudyPair>& pairs,
                                          const VirtualStudyDesign& d, int measure);

// One sample of `n` households from `population`, of which `marked` have a property: how many of the sample
// have it (hypergeometric, by inversion of its distribution function at u in (0, 1)).
std::int64_t hypergeometric(std::int64_t population, std::int64_t marked, std::int64_t n, double u);

// The analytic power of the test above for true shares p (pilot before, after, control before, after; or
// pilot after and control after) with n households per sample and a finite-population correction.
double analytic_power(const std::vector<double>& shares, const std::vector<double>& n,
                      const std::vector<double>& fpc, double effect, double z);

}  // namespace wijksim
