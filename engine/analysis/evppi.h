// Expected value of partial perfect information (EVPPI) by non-parametric regression, from the draws of a
// probabilistic sensitivity analysis (Strong M, Oakley JE, Brennan A. Estimating multiparameter partial
// expected value of perfect information from a probabilistic sensitivity analysis sample: a nonparametric
// regression approach. Med Decis Making 2014;34:311-326).
//
// The net benefit of each intervention over the comparator, per draw, is regressed on the parameters of
// interest; the fitted values estimate its expectation given those parameters, and
//   EVPPI = mean over draws of max(0, fitted_1, ..., fitted_K) - max(0, mean fitted_1, ..., mean fitted_K).
// Costs and effects are fitted separately (as BCEA does), so the net benefit at any willingness to pay is
// wtp * fitted effect - fitted cost.
//
// The smoother: each parameter on its rank scale (u = rank / (n + 1), so knots at equal steps of u are at
// quantiles of the draws), a cubic B-spline basis with a second-order difference penalty (a P-spline; Eilers
// PHC, Marx BD, Flexible smoothing with B-splines and penalties, Statistical Science 1996;11:89-121); several
// parameters: an additive model of such terms, each centred, with one smoothing parameter shared by the
// terms (they are alike on the rank scale). The smoothing parameter minimises generalised cross-validation
// (GCV; Wood SN, Generalized Additive Models, 2nd ed., CRC 2017, section 4.4). An additive model misses
// interactions between the parameters of a group: its EVPPI is then too low (Strong et al. use a Gaussian
// process or tensor products there); groups here are of parameters whose effects add.
//
// The standard error follows Strong et al.'s appendix: the coefficients' posterior (Wood's Bayesian
// covariance, sigma^2 (X'X + S)^-1) is sampled, the EVPPI recomputed for each sample, and the standard
// deviation of those taken. Costs and effects are sampled independently.
//
// Noise: a PSA with one replication per draw carries the households' luck in every draw's net benefit. The
// raw EVPI (the mean of each draw's maximum) counts that luck as information; the EVPPI of all parameters
// together removes it to first order. `noise_advice` estimates the share of the per-draw variance that is
// chance (the regression's residual, or the spread between replications of a draw where there are several)
// and how many replications per draw would keep the raw EVPI's inflation below a stated share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/analysis/cost_effectiveness.h"

namespace wijksim {

struct EvppiInput {
  // inputs[draw][column]: the parameters' values in each draw.
  std::vector<std::vector<double>> inputs;
  // [draw][intervention]: discounted incremental cost and effect per household over the comparator.
  DrawMatrix delta_cost, delta_effect;
  double willingness_to_pay = 0;
};

struct EvppiEstimate {
  double value = 0;               // per household
  double se = 0;                  // its standard error (posterior sampling)
  double lambda = 0;              // the smoothing parameter GCV chose (costs' fit of the first option)
  std::vector<double> r_squared;  // per intervention: share of the net benefit's variance fitted
  // The residual's degrees of freedom in a fit of the first intervention's net benefit itself (its
  // expected sum of squares over the noise's variance): what chance's estimate from the residual needs.
  double residual_df = 0;
  // The p value of that fit against none (the net benefit's mean alone): an F test on n - residual_df - 1
  // and residual_df degrees of freedom (evppi.cpp, beyond_chance). At 0.05 or above the EVPPI is not told
  // apart from a fit of chance.
  double p_value = kNaN;
  std::vector<std::vector<double>> fitted;  // the fitted net benefit, [draw][intervention]
};

// The EVPPI of the parameters in `columns` (indices into each draw's inputs). Needs at least kMinEvppiDraws
// draws (Error otherwise). `seed` fixes the posterior samples of the standard error (`samples` of them).
inline constexpr std::size_t kMinEvppiDraws = 30;
EvppiEstimate evppi(const EvppiInput& in, const std::vector<std::size_t>& columns, std::uint64_t seed,
                    std::uint32_t entity, int samples = 300);

// The same from the draws as they are: mean of each draw's maximum net benefit minus the maximum of the
// means (what cost_effectiveness.h's evpi computes, at one willingness to pay).
double raw_evpi(const EvppiInput& in);

// A penalised regression spline of y on one or more inputs, as above: fitted values, the effective degrees
// of freedom and the chosen smoothing parameter. Exposed for tests.
struct SmoothFit {
  std::vector<double> fitted;
  double edf = 0;
  double lambda = 0;
  double residual_variance = 0;
};
SmoothFit smooth(const std::vector<std::vector<double>>& x, const std::vector<double>& y);

// How much of the per-draw net benefit is chance, and what to do about it.
struct NoiseAdvice {
  double noise_share = kNaN;       // of the per-draw variance of the first intervention's net benefit
  bool from_replications = false;  // estimated from the spread within draws (else the regression residual)
  double raw_evpi = 0;             // per household
  double regression_evpi = 0;      // the EVPPI of all parameters
  double inflation = 0;            // raw - regression, per household
  int replications_now = 1;
  std::size_t draws = 0;  // the parameter draws the EVPIs and the share are computed from
  // The fewest replications per draw that keep the predicted inflation below `share` of the regression
  // EVPI (-1: more than 100 would be needed; 0: no advice, the regression EVPI is nil).
  int advised_replications = 0;
  double share = 0.1;
  // The inflation the advice predicts at this run's replications (NaN without advice): the measured one,
  // `inflation`, is a difference of two estimates from the draws and may lie on the other side of `share`.
  double predicted_inflation = kNaN;
};
// `within_variance`: per intervention, the variance of one replication's net benefit within a draw (NaN
// when each draw has one replication); `all` the EVPPI of all parameters (its fitted net benefit,
// [draw][intervention], and its residual's degrees of freedom: without replications, chance is the
// residual's variance, its sum of squares over those).
NoiseAdvice noise_advice(const EvppiInput& in, const EvppiEstimate& all,
                         const std::vector<double>& within_variance, int replications_per_draw, double share,
                         std::uint64_t seed);

}  // namespace wijksim
