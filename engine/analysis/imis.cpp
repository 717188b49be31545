#include "wijksim/analysis/imis.h"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <nlopt.hpp>
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

double Scale::to_unbounded(double x) const {
  switch (kind) {
    case Kind::Identity:
      return x;
    case Kind::Logit: {
      const double p = (x - lo) / (hi - lo);
      return std::log(p) - std::log1p(-p);
    }
    case Kind::Log:
      return std::log(x);
  }
  return x;
}

double Scale::to_natural(double y) const {
  switch (kind) {
    case Kind::Identity:
      return y;
    case Kind::Logit:
      return lo + (hi - lo) / (1 + std::exp(-y));
    case Kind::Log:
      return std::exp(y);
  }
  return y;
}

double Scale::log_jacobian(double y) const {
  switch (kind) {
    case Kind::Identity:
      return 0;
    case Kind::Logit:  // dx/dy = (hi - lo) s (1 - s), s = 1 / (1 + e^-y); log s = -log(1 + e^-y)
      return std::log(hi - lo) - std::log1p(std::exp(-std::fabs(y))) * 2 - std::fabs(y);
    case Kind::Log:
      return y;
  }
  return 0;
}

ImisResult imis(const ImisSettings& settings, const ImisPrior& prior, std::uint64_t seed,
                const ImisEvaluate& evaluate) {
  WIJKSIM_CHECK(settings.initial >= 2 && settings.per_round >= 2 && settings.rounds >= 0,
                "IMIS settings: initial {}, per round {}, rounds {}", settings.initial, settings.per_round,
                settings.rounds);
  const RandomStreams rs(seed, 0, 0);
  ImisResult out;
  std::vector<ImisCandidate>& all = out.candidates;  // the sample and the mode search's points, by index
  // Each candidate on the unbounded scales, where the mixture lives.
  std::vector<VectorXd> ys;
  // log H_k(y_i) of every candidate of the sample under each component, [i][k].
  std::vector<std::vector<double>> log_h;
  std::vector<Normal> normals;
  std::size_t sampled = 0;  // candidates of the sample (round >= 0)
  std::size_t dims = 0;
  auto in_sample = [](const ImisCandidate& c) { return c.round >= 0; };
  auto scale = [&](std::size_t d) { return d < prior.scales.size() ? prior.scales[d] : Scale{}; };
  auto to_y = [&](const std::vector<double>& x) {
    VectorXd y(static_cast<Eigen::Index>(x.size()));
    for (std::size_t d = 0; d < x.size(); ++d) y[static_cast<Eigen::Index>(d)] = scale(d).to_unbounded(x[d]);
    return y;
  };
  auto to_x = [&](const VectorXd& y) {
    std::vector<double> x(static_cast<std::size_t>(y.size()));
    for (std::size_t d = 0; d < x.size(); ++d) x[d] = scale(d).to_natural(y[static_cast<Eigen::Index>(d)]);
    return x;
  };
  // The prior's log density on the unbounded scales: the natural density times |dx/dy|.
  auto log_prior_y = [&](double log_prior, const VectorXd& y) {
    if (log_prior == kMinusInfinity) return log_prior;
    for (std::size_t d = 0; d < dims; ++d)
      log_prior += scale(d).log_jacobian(y[static_cast<Eigen::Index>(d)]);
    return log_prior;
  };

  auto add = [&](ImisCandidate c, const VectorXd& y) -> ImisCandidate& {
    c.index = static_cast<std::uint32_t>(all.size());
    if (in_sample(c)) ++sampled;
    all.push_back(std::move(c));
    ys.push_back(y);
    log_h.emplace_back();
    return all.back();
  };
  // A candidate at y (round k), its natural values and prior.
  auto add_at = [&](const VectorXd& y, int k) -> ImisCandidate& {
    ImisCandidate c;
    c.round = k;
    c.x = to_x(y);
    c.log_prior = prior.log_density(c.x);
    return add(std::move(c), y);
  };
  // Evaluates the candidates given, back into `all`.
  auto evaluate_these = [&](std::vector<ImisCandidate> batch) {
    if (batch.empty()) return;
    evaluate(batch);
    for (const ImisCandidate& c : batch) all[c.index].log_likelihood = c.log_likelihood;
  };
  // Evaluates the sample's candidates from `first` on that lie inside the prior's support, then reweights
  // the sample: prior x likelihood / mixture, the mixture (initial / N) prior + (per_round / N) sum_k H_k.
  auto evaluate_sample_from = [&](std::size_t first) {
    std::vector<ImisCandidate> inside;
    for (std::size_t i = first; i < all.size(); ++i)
      if (in_sample(all[i]) && all[i].log_prior > kMinusInfinity) inside.push_back(all[i]);
    evaluate_these(std::move(inside));
    const double n = static_cast<double>(sampled);
    const double log_prior_share = std::log(settings.initial / n);
    const double log_round_share = std::log(settings.per_round / n);
    std::vector<double> log_w(all.size(), kMinusInfinity), terms;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (!in_sample(all[i]) || all[i].log_prior == kMinusInfinity || all[i].log_likelihood == kMinusInfinity)
        continue;
      const double lp = log_prior_y(all[i].log_prior, ys[i]);
      terms.assign(1, log_prior_share + lp);
      for (double h : log_h[i]) terms.push_back(log_round_share + h);
      log_w[i] = all[i].log_likelihood + lp - log_sum_exp(terms);
    }
    out.weights = normalise(log_w);
    out.ess = effective_sample_size(out.weights);
    out.ess_by_round.push_back(out.ess);
    out.converged = out.ess >= settings.target_ess;
  };
  // per_round candidates from component h (round k): standard normals from (seed, candidate, dimension).
  auto draw_round = [&](const Normal& h, int k) {
    const std::size_t first = all.size();
    for (int j = 0; j < settings.per_round; ++j) {
      const auto index = static_cast<std::uint32_t>(all.size());
      VectorXd z(static_cast<Eigen::Index>(dims));
      for (std::size_t d = 0; d < dims; ++d) {
        const RandomStreams::Block b =
            rs.block(index, 0, Stream::CalibrationProposal, static_cast<std::uint32_t>(d));
        z[static_cast<Eigen::Index>(d)] = standard_normal(uniform53(b[0], b[1]), uniform53(b[2], b[3]));
      }
      add_at(h.draw(z), k);
    }
    // Each sample candidate's density under every component: the new one for those before, all for the
    // new ones.
    for (std::size_t i = 0; i < first; ++i)
      if (in_sample(all[i])) log_h[i].push_back(h.log_density(ys[i]));
    for (std::size_t i = first; i < all.size(); ++i)
      for (const Normal& g : normals) log_h[i].push_back(g.log_density(ys[i]));
    evaluate_sample_from(first);
    out.rounds = k;
  };
  auto best_of_sample = [&] {
    return static_cast<std::size_t>(std::max_element(out.weights.begin(), out.weights.end()) -
                                    out.weights.begin());
  };

  // 0. From the prior.
  for (int j = 0; j < settings.initial; ++j) {
    ImisCandidate c;
    c.x = prior.sample(static_cast<std::uint32_t>(j));
    if (j == 0) dims = c.x.size();
    WIJKSIM_CHECK(c.x.size() == dims, "a prior draw has {} values for {} parameters", c.x.size(), dims);
    c.log_prior = prior.log_density(c.x);
    const VectorXd y = to_y(c.x);
    add(std::move(c), y);
  }
  const auto D = static_cast<Eigen::Index>(dims);
  // The prior's spread on the unbounded scales, from its draws (the IMIS package takes the initial draws'
  // covariance; its diagonal here): the unit of the distance to the best candidate and of the mode search.
  VectorXd prior_sd(D);
  for (Eigen::Index d = 0; d < D; ++d) {
    double m = 0, v = 0;
    for (const VectorXd& y : ys) m += y[d] / static_cast<double>(ys.size());
    for (const VectorXd& y : ys) v += (y[d] - m) * (y[d] - m) / static_cast<double>(ys.size() - 1);
    prior_sd[d] = v > 0 && std::isfinite(v) ? std::sqrt(v) : 1.0;
  }
  const VectorXd prior_var = prior_sd.array().square();
  evaluate_sample_from(0);

  // The mode search (IMIS with optimisation, Raftery & Bao 2010, section 3.2): from the sample's best
  // candidate, the posterior's mode by Subplex (NLopt's LN_SBPLX, derivative-free), within the search's
  // range, in units of the prior's sd; then the curvature there by central differences. The first component
  // is the normal N(mode, (-Hessian)^-1), each direction no wider than the prior's sd.
  if (settings.mode_search > 0 && !out.converged && settings.rounds > 0) {
    const VectorXd start = ys[best_of_sample()];
    auto at = [&](const VectorXd& u) -> VectorXd { return start + prior_sd.cwiseProduct(u); };
    // log p_y + log L at y, evaluated as a point of the search (round -1: not part of the sample).
    auto log_posterior = [&](const VectorXd& y) {
      const ImisCandidate& e = add_at(y, -1);
      const std::size_t i = e.index;
      if (e.log_prior > kMinusInfinity) evaluate_these({e});
      return log_prior_y(all[i].log_prior, y) + all[i].log_likelihood;
    };
    std::vector<double> best_u(dims, 0.0);
    double best_f =
        log_prior_y(all[best_of_sample()].log_prior, start) + all[best_of_sample()].log_likelihood;
    std::exception_ptr failure;
    nlopt::opt opt(nlopt::LN_SBPLX, static_cast<unsigned>(dims));
    std::vector<double> lo(dims), hi(dims);
    for (std::size_t d = 0; d < dims; ++d) {
      const auto e = static_cast<Eigen::Index>(d);
      // The range on the unbounded scale: a logit scale's middle 24 logits (its ends are 6e-6 of the range
      // from the bounds), else the natural range transformed; in prior sds from the start.
      double ylo = scale(d).to_unbounded(prior.lo.at(d)), yhi = scale(d).to_unbounded(prior.hi.at(d));
      if (scale(d).kind == Scale::Kind::Logit) ylo = -12, yhi = 12;
      if (!std::isfinite(ylo)) ylo = start[e] - 12 * prior_sd[e];
      if (!std::isfinite(yhi)) yhi = start[e] + 12 * prior_sd[e];
      lo[d] = std::min(ylo - start[e], 0.0) / prior_sd[e];
      hi[d] = std::max(yhi - start[e], 0.0) / prior_sd[e];
    }
    opt.set_lower_bounds(lo);
    opt.set_upper_bounds(hi);
    opt.set_initial_step(0.25);
    opt.set_maxeval(settings.mode_search);
    opt.set_xtol_abs(1e-3);
    opt.set_ftol_abs(1e-3);
    struct Search {
      std::function<double(const std::vector<double>&)> f;
    } search{[&](const std::vector<double>& u) {
      try {
        const double f = log_posterior(at(as_vector(u)));
        if (f > best_f) best_f = f, best_u = u;
        // Subplex compares values only; a point the model cannot show is the lowest there is.
        return std::isfinite(f) ? f : -std::numeric_limits<double>::max();
      } catch (...) {
        failure = std::current_exception();
        opt.force_stop();
        return 0.0;
      }
    }};
    opt.set_max_objective([](const std::vector<double>& u, std::vector<double>&,
                             void* data) { return static_cast<Search*>(data)->f(u); },
                          &search);
    std::vector<double> u(dims, 0.0);
    double f = 0;
    try {
      opt.optimize(u, f);
    } catch (const nlopt::forced_stop&) {
    } catch (const nlopt::roundoff_limited&) {
    }
    if (failure) std::rethrow_exception(failure);
    const VectorXd mode_u = as_vector(best_u);
    const VectorXd mode = at(mode_u);
    // The Hessian of log p_y + log L in units of the prior's sd, by central differences of step h
    // (Abramowitz & Stegun 25.3.23 and 25.3.27); the points evaluated together.
    const double h = settings.hessian_step;
    std::vector<VectorXd> steps;
    auto step = [&](Eigen::Index i, double a, Eigen::Index j, double b) {
      VectorXd s = VectorXd::Zero(D);
      s[i] += a;
      if (j >= 0) s[j] += b;
      steps.push_back(s);
      return steps.size() - 1;
    };
    std::vector<std::size_t> plus(dims), minus(dims);
    std::vector<std::vector<std::size_t>> pp(dims, std::vector<std::size_t>(dims)), mm = pp;
    for (Eigen::Index i = 0; i < D; ++i) {
      plus[static_cast<std::size_t>(i)] = step(i, h, -1, 0);
      minus[static_cast<std::size_t>(i)] = step(i, -h, -1, 0);
      for (Eigen::Index j = 0; j < i; ++j) {
        pp[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = step(i, h, j, h);
        mm[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = step(i, -h, j, -h);
      }
    }
    // The likelihood at every point (even outside the prior's support: a uniform prior's edge may be near
    // the mode); the prior's own curvature from its density.
    std::vector<ImisCandidate> batch;
    for (const VectorXd& s : steps) batch.push_back(add_at(at(mode_u + s), -1));
    evaluate_these(batch);
    auto prior_at = [&](const VectorXd& s) {
      const VectorXd y = at(mode_u + s);
      return log_prior_y(prior.log_density(to_x(y)), y);
    };
    const double p0 = prior_at(VectorXd::Zero(D));
    const double f0 = best_f - p0;  // the log-likelihood at the mode
    auto value = [&](std::size_t k) { return all[batch[k].index].log_likelihood; };
    MatrixXd hess = MatrixXd::Zero(D, D);
    std::vector<bool> known(dims, true);
    for (Eigen::Index i = 0; i < D; ++i) {
      const std::size_t a = static_cast<std::size_t>(i);
      const double fp = value(plus[a]), fm = value(minus[a]);
      if (!std::isfinite(fp) || !std::isfinite(fm) || !std::isfinite(f0)) known[a] = false;
      hess(i, i) = (fp - 2 * f0 + fm) / (h * h);
      const double pp_ = prior_at(steps[plus[a]]), pm_ = prior_at(steps[minus[a]]);
      if (std::isfinite(pp_) && std::isfinite(pm_) && std::isfinite(p0))
        hess(i, i) += (pp_ - 2 * p0 + pm_) / (h * h);
    }
    for (Eigen::Index i = 0; i < D; ++i)
      for (Eigen::Index j = 0; j < i; ++j) {
        const std::size_t a = static_cast<std::size_t>(i), b = static_cast<std::size_t>(j);
        const double fpp = value(pp[a][b]), fmm = value(mm[a][b]);
        double hij = 0;
        if (known[a] && known[b] && std::isfinite(fpp) && std::isfinite(fmm))
          hij = (fpp - value(plus[a]) - value(plus[b]) + 2 * f0 - value(minus[a]) - value(minus[b]) + fmm) /
                (2 * h * h);
        const double ppp = prior_at(steps[pp[a][b]]), pmm = prior_at(steps[mm[a][b]]);
        const double pa = prior_at(steps[plus[a]]), pb = prior_at(steps[plus[b]]);
        const double ma = prior_at(steps[minus[a]]), mb = prior_at(steps[minus[b]]);
        const double prior_ij = (ppp - pa - pb + 2 * p0 - ma - mb + pmm) / (2 * h * h);
        if (std::isfinite(prior_ij)) hij += prior_ij;
        hess(i, j) = hess(j, i) = hij;
      }
    for (std::size_t a = 0; a < dims; ++a)
      if (!known[a]) {
        hess.row(static_cast<Eigen::Index>(a)).setZero();
        hess.col(static_cast<Eigen::Index>(a)).setZero();
      }
    // Covariance (-H)^-1 with every eigenvalue of -H at least 1: no direction wider than the prior's sd (a
    // flat or upward direction, or one not measured, gets the prior's sd).
    Eigen::SelfAdjointEigenSolver<MatrixXd> eig(-hess);
    const VectorXd lambda = eig.eigenvalues().cwiseMax(1.0);
    const MatrixXd cov_u =
        eig.eigenvectors() * lambda.cwiseInverse().asDiagonal() * eig.eigenvectors().transpose();
    const MatrixXd cov = prior_sd.asDiagonal() * cov_u * prior_sd.asDiagonal();
    const Normal& g = normals.emplace_back(mode, cov, prior_var);
    out.mode = to_x(mode);
    out.components.push_back({out.mode, std::vector<double>(g.covariance().data(),
                                                            g.covariance().data() + g.covariance().size())});
    draw_round(g, 1);
  }

  // Then: a normal around the sample's candidate of highest weight, until the effective sample size is
  // reached or the rounds are done.
  for (int k = out.rounds + 1; k <= settings.rounds && !out.converged; ++k) {
    const std::size_t best = best_of_sample();
    const VectorXd centre = ys[best];
    // Its per_round nearest candidates of the sample (itself included) by the Mahalanobis distance of the
    // prior's (diagonal) covariance; ties by index.
    std::vector<std::pair<double, std::size_t>> distance;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (in_sample(all[i]))
        distance.emplace_back(((ys[i] - centre).array().square() / prior_var.array()).sum(), i);
    const std::size_t near = std::min(distance.size(), static_cast<std::size_t>(settings.per_round));
    std::partial_sort(distance.begin(), distance.begin() + static_cast<std::ptrdiff_t>(near), distance.end());
    // Their covariance around the centre, weighted by (importance weight + 1/N), normalised, with the
    // unbiased divisor 1 - sum v^2 (R's cov.wt(center = , method = "unbias"), as the IMIS package does).
    std::vector<double> v(near);
    double v_sum = 0;
    for (std::size_t j = 0; j < near; ++j)
      v_sum += v[j] = out.weights[distance[j].second] + 1.0 / static_cast<double>(sampled);
    MatrixXd cov = MatrixXd::Zero(D, D);
    double v2 = 0;
    for (std::size_t j = 0; j < near; ++j) {
      const double vj = v[j] / v_sum;
      const VectorXd dx = ys[distance[j].second] - centre;
      cov += vj * dx * dx.transpose();
      v2 += vj * vj;
    }
    cov /= 1 - v2;
    const Normal& g = normals.emplace_back(centre, cov, prior_var);
    out.components.push_back(
        {all[best].x,
         std::vector<double>(g.covariance().data(), g.covariance().data() + g.covariance().size())});
    draw_round(g, k);
  }
  return out;
}

}  // namespace wijksim
