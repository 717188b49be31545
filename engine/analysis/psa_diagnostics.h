// Curves of a probabilistic sensitivity analysis besides the acceptability curves (cost_effectiveness.h):
// the expected incremental benefit by willingness to pay, and the convergence of the PSA's means over draws.
//
// References: Briggs, Claxton & Sculpher 2006, ch. 8 (expected incremental net benefit by willingness to
// pay); Koehler E, Brown E, Haneuse SJ, On the assessment of Monte Carlo error in simulation-based
// statistical analyses, The American Statistician 2009;63:155-162 (the running mean with its Monte Carlo
// standard error).
#pragma once

#include <cstddef>
#include <vector>

#include "wijksim/analysis/cost_effectiveness.h"

namespace wijksim {

// Expected incremental net benefit of `option` over `reference` at each willingness to pay: the mean over
// draws, with the spread of the draws (spread_of_draws: 2.5th to 97.5th percentiles, or the range).
struct BenefitPoint {
  double wtp = 0, mean = 0, lo = 0, hi = 0;
  std::size_t draws = 0;  // the draws the mean and spread are over
};
std::vector<BenefitPoint> expected_incremental_benefit(const DrawMatrix& costs, const DrawMatrix& effects,
                                                       std::size_t option, std::size_t reference,
                                                       const std::vector<double>& wtp);

// The running mean of `values` over the first n draws, with its Monte Carlo standard error sd / sqrt(n), at
// up to `points` values of n (every n when there are fewer draws; else evenly spaced, the last always in).
struct RunningPoint {
  std::size_t draws = 0;
  double mean = 0, se = 0;
};
std::vector<RunningPoint> running_mean(const std::vector<double>& values, std::size_t points = 100);

}  // namespace wijksim
