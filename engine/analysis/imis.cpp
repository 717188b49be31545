#include "wijksim/analysis/imis.h"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "wijksim/core/error.h"
#include "wijksim/core/random_streams.h"

namespace wijksim {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// log(sum exp(v)), -infinity for none finite.
double log_sum_exp(std::span<const double> v) {
  double top = kMinusInfinity;
  for (double x : v) top = std::max(top, x);
  if (top == kMinusInfinity) return top;
  double sum = 0;
  for (double x : v) sum += std::exp(x - top);
  return top + std::log(sum);
}

// A multivariate normal: its mean and the Cholesky factor of its covariance.
class Normal {
 public:
  Normal(const VectorXd& mean, MatrixXd covariance, const VectorXd& prior_var) : mean_(mean) {
    // A covariance of nearly collinear neighbours can be singular in floating point: add a ridge scaled by
    // the prior's variances until it factors (this only happens when the neighbours hardly differ).
    const auto d = static_cast<double>(mean.size());
    for (double ridge = 0;; ridge = ridge == 0 ? 1e-12 : ridge * 10) {
      llt_.compute(covariance + ridge * MatrixXd(prior_var.asDiagonal()));
      if (llt_.info() == Eigen::Success && llt_.matrixL().toDenseMatrix().diagonal().minCoeff() > 0) break;
      if (ridge > 1) throw Error("calibration: the covariance of a mixture component does not factor");
    }
    covariance_ = llt_.reconstructedMatrix();
    log_norm_ = -0.5 * d * std::log(2 * std::numbers::pi) -
                llt_.matrixL().toDenseMatrix().diagonal().array().log().sum();
  }
  double log_density(const VectorXd& x) const {
    const VectorXd y = llt_.matrixL().solve(x - mean_);
    return log_norm_ - 0.5 * y.squaredNorm();
  }
  VectorXd draw(const VectorXd& z) const { return mean_ + llt_.matrixL() * z; }
  const MatrixXd& covariance() const { return covariance_; }

 private:
  VectorXd mean_;
  MatrixXd covariance_;
  Eigen::LLT<MatrixXd> llt_;
  double log_norm_ = 0;
};

VectorXd as_vector(const std::vector<double>& x) {
  return Eigen::Map<const VectorXd>(x.data(), static_cast<Eigen::Index>(x.size()));
}

// Normalised weights from log weights; Error when none is finite.
std::vector<double> normalise(const std::vector<double>& log_w) {
  double top = kMinusInfinity;
  for (double x : log_w) top = std::max(top, x);
  if (top == kMinusInfinity)
    throw Error(
        "calibration: no candidate can reproduce the targets (every candidate's likelihood is zero: a "
        "figure the model cannot show, or priors far from the targets)");
  std::vector<double> w(log_w.size());
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) sum += w[i] = std::exp(log_w[i] - top);
  for (double& x : w) x /= sum;
  return w;
}

}  // namespace

double effective_sample_size(std::span<const double> weights) {
  double s = 0, s2 = 0;
  for (double w : weights) {
    s += w;
    s2 += w * w;
  }
  return s2 > 0 ? s * s / s2 : 0;
}

std::vector<std::size_t> systematic_resample(std::span<const double> weights, std::size_t n, double u) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  WIJKSIM_CHECK(total > 0 && !weights.empty(), "resampling needs a positive weight (total {})", total);
  std::vector<std::size_t> out;
  out.reserve(n);
  double cumulative = weights[0] / total;
  std::size_t i = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double point = (u + static_cast<double>(j)) / static_cast<double>(n);
    while (point >= cumulative && i + 1 < weights.size()) cumulative += weights[++i] / total;
    out.push_back(i);
  }
  return out;
}

ImisResult imis(const ImisSettings& settings, const ImisPrior& prior, std::uint64_t seed,
                const ImisEvaluate& evaluate) {
  WIJKSIM_CHECK(settings.initial >= 1 && settings.per_round >= 1 && settings.rounds >= 0,
                "IMIS settings: initial {}, per round {}, rounds {}", settings.initial, settings.per_round,
                settings.rounds);
  const std::size_t dims = prior.sd.size();
  const VectorXd prior_var = as_vector(prior.sd).array().square();
  const RandomStreams rs(seed, 0, 0);
  ImisResult out;
  std::vector<ImisCandidate>& all = out.candidates;
  // log H_k(x_i) of every candidate under each round's normal, [i][k].
  std::vector<std::vector<double>> log_h;
  std::vector<Normal> normals;

  // Evaluates the candidates from `first` on (those inside the prior's support), then reweights all.
  auto evaluate_from = [&](std::size_t first) {
    std::vector<ImisCandidate> inside;
    for (std::size_t i = first; i < all.size(); ++i)
      if (all[i].log_prior > kMinusInfinity) inside.push_back(all[i]);
    if (!inside.empty()) evaluate(inside);
    for (const ImisCandidate& c : inside) all[c.index].log_likelihood = c.log_likelihood;
    // Mixture: (initial / N) prior + (per_round / N) sum_k H_k.
    const double n = static_cast<double>(all.size());
    const double log_prior_share = std::log(settings.initial / n);
    const double log_round_share = std::log(settings.per_round / n);
    std::vector<double> log_w(all.size()), terms;
    for (std::size_t i = 0; i < all.size(); ++i) {
      terms.assign(1, log_prior_share + all[i].log_prior);
      for (double h : log_h[i]) terms.push_back(log_round_share + h);
      log_w[i] = all[i].log_prior == kMinusInfinity || all[i].log_likelihood == kMinusInfinity
                     ? kMinusInfinity
                     : all[i].log_likelihood + all[i].log_prior - log_sum_exp(terms);
    }
    out.weights = normalise(log_w);
    out.ess = effective_sample_size(out.weights);
    out.converged = out.ess >= settings.target_ess;
  };

  // 0. From the prior.
  for (int j = 0; j < settings.initial; ++j) {
    ImisCandidate c;
    c.index = static_cast<std::uint32_t>(j);
    c.x = prior.sample(c.index);
    WIJKSIM_CHECK(c.x.size() == dims, "a prior draw has {} values for {} parameters", c.x.size(), dims);
    c.log_prior = prior.log_density(c.x);
    all.push_back(std::move(c));
    log_h.emplace_back();
  }
  evaluate_from(0);

  // 1, 2, ...: a normal around the candidate of highest weight.
  for (int k = 1; k <= settings.rounds && !out.converged; ++k) {
    const auto best = static_cast<std::size_t>(std::max_element(out.weights.begin(), out.weights.end()) -
                                               out.weights.begin());
    const VectorXd centre = as_vector(all[best].x);
    // Its per_round nearest candidates (itself included) by the Mahalanobis distance of the prior's
    // (diagonal) covariance; ties by index.
    std::vector<std::pair<double, std::size_t>> distance(all.size());
    for (std::size_t i = 0; i < all.size(); ++i)
      distance[i] = {((as_vector(all[i].x) - centre).array().square() / prior_var.array()).sum(), i};
    const std::size_t near = std::min(all.size(), static_cast<std::size_t>(settings.per_round));
    std::partial_sort(distance.begin(), distance.begin() + static_cast<std::ptrdiff_t>(near), distance.end());
    // Their covariance around the centre, weighted by (importance weight + 1/N), normalised, with the
    // unbiased divisor 1 - sum v^2 (R's cov.wt(center = , method = "unbias"), as the IMIS package does).
    std::vector<double> v(near);
    double v_sum = 0;
    for (std::size_t j = 0; j < near; ++j)
      v_sum += v[j] = out.weights[distance[j].second] + 1.0 / static_cast<double>(all.size());
    MatrixXd cov = MatrixXd::Zero(static_cast<Eigen::Index>(dims), static_cast<Eigen::Index>(dims));
    double v2 = 0;
    for (std::size_t j = 0; j < near; ++j) {
      const double vj = v[j] / v_sum;
      const VectorXd dx = as_vector(all[distance[j].second].x) - centre;
      cov += vj * dx * dx.transpose();
      v2 += vj * vj;
    }
    cov /= 1 - v2;
    const Normal& h = normals.emplace_back(centre, cov, prior_var);
    out.components.push_back(
        {all[best].x,
         std::vector<double>(h.covariance().data(), h.covariance().data() + h.covariance().size())});
    // per_round new candidates from it: standard normals from (seed, candidate index, dimension).
    const std::size_t first = all.size();
    for (int j = 0; j < settings.per_round; ++j) {
      ImisCandidate c;
      c.index = static_cast<std::uint32_t>(first + static_cast<std::size_t>(j));
      c.round = k;
      VectorXd z(static_cast<Eigen::Index>(dims));
      for (std::size_t d = 0; d < dims; ++d) {
        const RandomStreams::Block b =
            rs.block(c.index, 0, Stream::CalibrationProposal, static_cast<std::uint32_t>(d));
        z[static_cast<Eigen::Index>(d)] = standard_normal(uniform53(b[0], b[1]), uniform53(b[2], b[3]));
      }
      const VectorXd x = h.draw(z);
      c.x.assign(x.data(), x.data() + x.size());
      c.log_prior = prior.log_density(c.x);
      all.push_back(std::move(c));
      log_h.emplace_back();
    }
    // Each candidate's density under every normal: the new one for those before, all for the new ones.
    for (std::size_t i = 0; i < first; ++i) log_h[i].push_back(h.log_density(as_vector(all[i].x)));
    for (std::size_t i = first; i < all.size(); ++i)
      for (const Normal& g : normals) log_h[i].push_back(g.log_density(as_vector(all[i].x)));
    evaluate_from(first);
    out.rounds = k;
  }
  return out;
}

}  // namespace wijksim
