// Incremental mixture importance sampling (IMIS), on plain numbers: the Bayesian calibration of `wijksim
// calibrate` (docs/model.md, "Calibration").
//
// Raftery AE, Bao L. Estimating and projecting trends in HIV/AIDS generalized epidemics using incremental
// mixture importance sampling. Biometrics 2010;66(4):1162-1173; as used to calibrate microsimulation models
// by Menzies NA, Soeteman DI, Pandya A, Kim JJ. Bayesian methods for calibrating health policy models: a
// tutorial. PharmacoEconomics 2017;35(6):613-624. The steps follow the paper and its R package (IMIS 0.1):
//   0. draw `initial` candidates from the prior; weight each by its likelihood; (IMIS with optimisation)
//      search the posterior's mode from the best, and take the normal of its curvature as the first round's;
//   k. take the candidate of highest weight, its `per_round` nearest candidates by the Mahalanobis distance
//      of the prior's covariance, and their covariance around it, weighted by (importance weight + 1/N);
//      draw `per_round` new candidates from that normal; reweight every candidate by
//      prior x likelihood / mixture, the mixture being (initial / N) prior + (per_round / N) sum of the
//      normals so far, N all candidates;
//   stop after `rounds` rounds, or as soon as the effective sample size (sum w)^2 / sum w^2 reaches
//   `target_ess`.
// The normals live on unbounded scales (Scale: logit for a bounded parameter, log for a positive one).
// Every candidate is addressed by its index: its draw is a pure function of (seed, index) and of the
// candidates before its round, so results do not depend on threads, on the order of evaluation, or on an
// interruption in between.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace wijksim {

struct ImisSettings {
  int initial = 400;        // candidates drawn from the prior
  int per_round = 100;      // candidates added per round, and the neighbours that shape each round's normal
  int rounds = 10;          // at most
  double target_ess = 200;  // stop once the effective sample size reaches this
  // IMIS with optimisation: at most this many evaluations searching the posterior's mode from the best
  // initial candidate (0: no search); its normal (mode, inverse curvature) is the first round's component.
  int mode_search = 0;
  double hessian_step = 0.1;  // of the curvature's central differences, in prior sds
};

// The scale on which the mixture's normals see a parameter: a bounded one (a uniform, triangular or beta
// prior) as logit((x - lo) / (hi - lo)), a positive one (lognormal, gamma) as log x, others as they are. On
// it a normal never falls outside the parameter's range, and a posterior that fills the range looks like one.
struct Scale {
  enum class Kind { Identity, Logit, Log };
  Kind kind = Kind::Identity;
  double lo = 0, hi = 1;  // Logit's range
  double to_unbounded(double x) const;
  double to_natural(double y) const;
  double log_jacobian(double y) const;  // log |dx/dy|
};

// The prior: independent parameters.
struct ImisPrior {
  // The draw of candidate `index` (< initial) from the prior: a pure function of the index.
  std::function<std::vector<double>(std::uint32_t index)> sample;
  // The log density (-infinity outside the support), of the natural values.
  std::function<double(std::span<const double>)> log_density;
  std::vector<Scale> scales;  // per parameter (none: identity)
  // Where the mode search may look, in natural values: the prior's support, or where nearly all of its
  // mass lies.
  std::vector<double> lo, hi;
};

inline constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();

struct ImisCandidate {
  std::uint32_t index = 0;
  int round = 0;  // 0: drawn from the prior; k: from round k's normal; -1: a point of the mode search
  std::vector<double> x;
  double log_prior = 0;  // -infinity: outside the prior's support, never evaluated
  double log_likelihood = kMinusInfinity;
};

// Fills log_likelihood of every candidate of one batch (the initial draws, a point of the mode search, the
// curvature's points, each round's draws). The sample's candidates outside the prior's support are not
// passed. May throw (an interruption): imis passes it on.
using ImisEvaluate = std::function<void(std::span<ImisCandidate>)>;

struct ImisComponent {
  std::vector<double> mean;        // its centre, in natural values
  std::vector<double> covariance;  // on the unbounded scales, row-major, d x d
};

struct ImisResult {
  std::vector<ImisCandidate> candidates;  // by index: the sample, and the mode search's points (round -1)
  std::vector<double> weights;            // normalised importance weights, by index (0 for round -1)
  double ess = 0;                         // effective sample size of the weights
  std::vector<double> ess_by_round;       // after the initial draws (0), then after each round
  int rounds = 0;                         // rounds done
  bool converged = false;                 // the effective sample size reached target_ess
  std::vector<ImisComponent> components;  // one per round
  std::vector<double> mode;               // where the mode search ended (empty without one)
};

// Throws wijksim::Error when no candidate has a finite likelihood (the targets cannot be reproduced).
ImisResult imis(const ImisSettings& settings, const ImisPrior& prior, std::uint64_t seed,
                const ImisEvaluate& evaluate);

// (sum w)^2 / sum w^2 (Kish): the number of equally weighted draws the weights are worth.
double effective_sample_size(std::span<const double> weights);

// Systematic resampling (Kitagawa 1996): n indices, index i taken floor or ceil of n w_i times (w
// normalised), from one uniform offset u in [0, 1). Ascending.
std::vector<std::size_t> systematic_resample(std::span<const double> weights, std::size_t n, double u);

}  // namespace wijksim
