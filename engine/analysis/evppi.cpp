#include "wijksim/analysis/evppi.h"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <boost/math/distributions/fisher_f.hpp>
#include <cmath>
#include <numeric>

#include "wijksim/core/error.h"
#include "wijksim/core/random_streams.h"
#include "wijksim/core/statistics.h"

namespace wijksim {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr int kDegree = 3;

// Ranks scaled into (0, 1): (rank + 0.5) / n, ties sharing their mean rank.
std::vector<double> rank_scale(const std::vector<double>& x) {
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && x[order[j + 1]] == x[order[i]]) ++j;
    const double r = 0.5 * static_cast<double>(i + j);  // mean rank of the tie, 0-based
    for (std::size_t k = i; k <= j; ++k) u[order[k]] = (r + 0.5) / static_cast<double>(n);
    i = j + 1;
  }
  return u;
}

// Cubic B-splines on `segments` equal segments of [0, 1] (Cox-de Boor): segments + 3 functions, which sum to
// one everywhere in [0, 1).
MatrixXd bspline_basis(const std::vector<double>& u, int segments) {
  const int m = segments + kDegree;
  const double h = 1.0 / segments;
  const int knots = segments + 2 * kDegree + 1;
  std::vector<double> t(static_cast<std::size_t>(knots));
  for (int j = 0; j < knots; ++j) t[static_cast<std::size_t>(j)] = (j - kDegree) * h;
  MatrixXd B = MatrixXd::Zero(static_cast<Eigen::Index>(u.size()), m);
  std::vector<double> b(static_cast<std::size_t>(knots - 1));
  for (std::size_t i = 0; i < u.size(); ++i) {
    const double x = std::clamp(u[i], 0.0, std::nextafter(1.0, 0.0));
    for (int j = 0; j + 1 < knots; ++j)
      b[static_cast<std::size_t>(j)] =
          t[static_cast<std::size_t>(j)] <= x && x < t[static_cast<std::size_t>(j + 1)];
    for (int d = 1; d <= kDegree; ++d)
      for (int j = 0; j + d + 1 < knots; ++j) {
        const auto J = static_cast<std::size_t>(j);
        const double left = (x - t[J]) / (t[J + static_cast<std::size_t>(d)] - t[J]);
        const double right = (t[J + static_cast<std::size_t>(d) + 1] - x) /
                             (t[J + static_cast<std::size_t>(d) + 1] - t[J + 1]);
        b[J] = left * b[J] + right * b[J + 1];
      }
    for (int j = 0; j < m; ++j) B(static_cast<Eigen::Index>(i), j) = b[static_cast<std::size_t>(j)];
  }
  return B;
}

int segments_for(std::size_t n) {
  return static_cast<int>(std::clamp<std::size_t>(n / 40, 4, 12));
}

// The additive P-spline design of some inputs: an intercept and, per input, its centred B-spline basis. The
// smoothing penalty is lambda * `wiggle` (second differences within each term); `null` pins the one
// direction in which a centred term's coefficients do not change the fit (all equal), so the system is
// regular without changing any fitted value.
// An eigenvalue of A below this share of its largest is taken as zero: the rounding of a direction A cannot
// see is about 1e-16 of the largest, the smallest of a regular A with 30 or more draws far above 1e-9.
constexpr double kSingularTolerance = 1e-9;

struct Design {
  MatrixXd X, XtX, wiggle, null;
};

Design design(const std::vector<std::vector<double>>& inputs, const std::vector<std::size_t>& columns) {
  const std::size_t n = inputs.size();
  const int seg = segments_for(n);
  const int m = seg + kDegree;
  const auto p = static_cast<Eigen::Index>(1 + columns.size() * static_cast<std::size_t>(m));
  Design d;
  d.X = MatrixXd::Zero(static_cast<Eigen::Index>(n), p);
  d.X.col(0).setOnes();
  d.wiggle = MatrixXd::Zero(p, p);
  d.null = MatrixXd::Zero(p, p);
  MatrixXd D = MatrixXd::Zero(m - 2, m);  // second differences
  for (int r = 0; r < m - 2; ++r) D(r, r) = 1, D(r, r + 1) = -2, D(r, r + 2) = 1;
  const MatrixXd DtD = D.transpose() * D;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = inputs[i].at(columns[c]);
    MatrixXd B = bspline_basis(rank_scale(x), seg);
    B.rowwise() -= B.colwise().mean();
    const Eigen::Index at = 1 + static_cast<Eigen::Index>(c) * m;
    d.X.block(0, at, static_cast<Eigen::Index>(n), m) = B;
    d.wiggle.block(at, at, m, m) = DtD;
    d.null.block(at, at, m, m).setConstant(1.0 / m);
  }
  d.XtX = d.X.transpose() * d.X;
  // A is still singular where a column is the same in every draw (its block of X is zero; the penalty does
  // not see its linear direction) or two columns rank the draws alike (identical blocks: their difference
  // is invisible to X). Eigen's LDLT then gave any numbers, and the coefficients' covariance an SE of 1e13
  // (an independent check). The null space of A = X'X + lambda S + null is the same for every lambda > 0
  // (all three are positive semi-definite): found once, at lambda = s0, and pinned as the blocks' one
  // direction is. X cannot see these directions, so no fitted value, edf or X beta~ changes; where A is
  // regular nothing is added and every figure is as before.
  if (p > 1) {
    const double scale = d.wiggle.trace() > 0 ? d.XtX.trace() / d.wiggle.trace() : 1.0;
    const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(d.XtX + scale * d.wiggle + d.null);
    if (eig.info() == Eigen::Success) {
      const VectorXd& values = eig.eigenvalues();  // ascending
      const double tolerance = kSingularTolerance * values(p - 1);
      for (Eigen::Index j = 0; j < p && values(j) < tolerance; ++j)
        d.null += eig.eigenvectors().col(j) * eig.eigenvectors().col(j).transpose();
    }
  }
  return d;
}

struct RegressionFit {
  VectorXd beta, fitted;
  MatrixXd covariance;  // sigma^2 (X'X + S)^-1, the coefficients' posterior
  double lambda = 0, edf = 0, sigma2 = 0;
  // E[residual sum of squares] / noise variance for a fit that misses nothing: n - tr(2S - S'S), S the hat
  // matrix (Hastie & Tibshirani 1990, 3.5); n - edf for a projection, more for a penalised fit.
  double residual_df = 0;
};

// Penalised least squares of y on the design, the smoothing parameter chosen by GCV on a grid.
RegressionFit fit(const Design& d, const VectorXd& y) {
  const auto n = static_cast<double>(y.size());
  const VectorXd Xty = d.X.transpose() * y;
  // The grid is relative to the scale of X'X against the penalty, so it does not depend on units.
  const double scale = d.wiggle.trace() > 0 ? d.XtX.trace() / d.wiggle.trace() : 1.0;
  RegressionFit best;
  double best_gcv = std::numeric_limits<double>::infinity();
  for (double e = -6; e <= 4 + 1e-9; e += 0.25) {
    const double lambda = scale * std::pow(10.0, e);
    const MatrixXd A = d.XtX + lambda * d.wiggle + d.null;
    const Eigen::LDLT<MatrixXd> ldlt(A);
    if (ldlt.info() != Eigen::Success) continue;
    const VectorXd beta = ldlt.solve(Xty);
    const VectorXd fitted = d.X * beta;
    const double rss = (y - fitted).squaredNorm();
    const double edf = ldlt.solve(d.XtX).trace();
    if (n - edf < 1) continue;
    const double gcv = n * rss / ((n - edf) * (n - edf));
    if (gcv < best_gcv) {
      best_gcv = gcv;
      best.beta = beta;
      best.fitted = fitted;
      best.lambda = lambda;
      best.edf = edf;
      best.sigma2 = rss / (n - edf);
    }
  }
  if (!std::isfinite(best_gcv)) throw Error("EVPPI: the regression could not be fitted (too few draws?)");
  const MatrixXd A = d.XtX + best.lambda * d.wiggle + d.null;
  const Eigen::LDLT<MatrixXd> ldlt(A);
  best.covariance = best.sigma2 * ldlt.solve(MatrixXd::Identity(A.rows(), A.cols()));
  // S = X A^-1 X', so tr(S) = tr(M) and tr(S'S) = tr(M M) with M = A^-1 X'X.
  const MatrixXd M = ldlt.solve(d.XtX);
  best.residual_df = n - 2 * M.trace() + (M * M).trace();
  return best;
}

// The F test of a fit against no effect of the parameters at all (the mean alone): with nu = residual_df,
// F = ((TSS - RSS) / (n - nu - 1)) / (RSS / nu) on n - nu - 1 and nu degrees of freedom (Hastie &
// Tibshirani 1990, 3.9: a smoother's model degrees of freedom taken as tr(2S - S'S); with tr(S) - 1 the
// test called 25 of 200 datasets of pure noise beyond chance, with this 18). GCV chose the smoothing on the
// same draws, so the test is somewhat liberal; it still tells a fit of the households' luck (30 draws gave a
// parameter that moves the net benefit by 1 euro an EVPPI of 20; outside attack 23) from one of the
// parameter.
double beyond_chance(const VectorXd& y, const RegressionFit& f) {
  const double rss = (y - f.fitted).squaredNorm();
  const double tss = (y.array() - y.mean()).matrix().squaredNorm();
  const double df1 = static_cast<double>(y.size()) - f.residual_df - 1, df2 = f.residual_df;
  if (!(df1 > 1e-9) || !(df2 > 0) || !(tss > 0)) return kNaN;
  if (rss <= 0) return 0;
  const double F = std::max(0.0, (tss - rss) / df1) / (rss / df2);
  return boost::math::cdf(boost::math::complement(boost::math::fisher_f_distribution<double>(df1, df2), F));
}

VectorXd column(const DrawMatrix& m, std::size_t k) {
  VectorXd v(static_cast<Eigen::Index>(m.size()));
  for (std::size_t i = 0; i < m.size(); ++i) v(static_cast<Eigen::Index>(i)) = m[i].at(k);
  return v;
}

// mean_n max(0, inb_n1, ..., inb_nK) - max(0, mean inb_1, ..., mean inb_K), summed as one mean of
// non-negative regrets against the option of the highest mean (the comparator, 0, first on a tie), as
// the EVPI of cost_effectiveness.cpp is: a row whose fits never change the choice is 0, not a rounding
// of 1e-13 that was shown as "0,00000 (0,00000 to 0,000000000001)" (an independent check).
double value_of(const std::vector<VectorXd>& inb) {
  if (inb.empty()) return 0;
  const Eigen::Index n = inb.front().size();
  std::size_t chosen = 0;  // 0: the comparator; k + 1: intervention k
  double best_mean = 0;
  for (std::size_t k = 0; k < inb.size(); ++k)
    if (const double m = inb[k].mean(); m > best_mean) best_mean = m, chosen = k + 1;
  double regret = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    double b = 0;
    for (const VectorXd& v : inb) b = std::max(b, v(i));
    regret += b - (chosen == 0 ? 0.0 : inb[chosen - 1](i));
  }
  return regret / static_cast<double>(n);
}

// Standard normals from the value-of-information stream: normal `j` of sample `s`.
class Normals {
 public:
  Normals(std::uint64_t seed, std::uint32_t entity) : rs_(seed, 0, 0), entity_(entity) {}
  double at(std::uint32_t s, std::uint32_t j) const {
    const RandomStreams::Block b = rs_.block(entity_, s, Stream::ValueOfInformation, j / 2);
    const int w = static_cast<int>(j % 2) * 2;
    return standard_normal(RandomStreams::to_unit(b[static_cast<std::size_t>(w)]),
                           RandomStreams::to_unit(b[static_cast<std::size_t>(w + 1)]));
  }

 private:
  RandomStreams rs_;
  std::uint32_t entity_;
};

void check(const EvppiInput& in) {
  const std::size_t n = in.delta_cost.size();
  if (n != in.delta_effect.size() || n != in.inputs.size())
    throw Error(fmt::format("EVPPI: {} draws of costs, {} of effects and {} of parameters", n,
                            in.delta_effect.size(), in.inputs.size()));
  if (n < kMinEvppiDraws)
    throw Error(
        fmt::format("EVPPI needs at least {} parameter draws for its regression, got {}", kMinEvppiDraws, n));
}

std::vector<VectorXd> net_benefit(const EvppiInput& in) {
  std::vector<VectorXd> inb;
  for (std::size_t k = 0; k < in.delta_cost.front().size(); ++k)
    inb.push_back(in.willingness_to_pay * column(in.delta_effect, k) - column(in.delta_cost, k));
  return inb;
}

}  // namespace

SmoothFit smooth(const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  std::vector<std::size_t> columns(x.empty() ? 0 : x.front().size());
  std::iota(columns.begin(), columns.end(), std::size_t{0});
  const Design d = design(x, columns);
  const RegressionFit f = fit(d, Eigen::Map<const VectorXd>(y.data(), static_cast<Eigen::Index>(y.size())));
  SmoothFit out;
  out.fitted.assign(f.fitted.data(), f.fitted.data() + f.fitted.size());
  out.edf = f.edf;
  out.lambda = f.lambda;
  out.residual_variance = f.sigma2;
  return out;
}

double raw_evpi(const EvppiInput& in) {
  if (in.delta_cost.empty()) return 0;
  return value_of(net_benefit(in));
}

EvppiEstimate evppi(const EvppiInput& in, const std::vector<std::size_t>& columns, std::uint64_t seed,
                    std::uint32_t entity, int samples) {
  check(in);
  const std::size_t options = in.delta_cost.front().size();
  const Design d = design(in.inputs, columns);
  std::vector<RegressionFit> cost, effect;
  std::vector<VectorXd> fitted;
  EvppiEstimate out;
  const std::vector<VectorXd> inb = net_benefit(in);
  for (std::size_t k = 0; k < options; ++k) {
    cost.push_back(fit(d, column(in.delta_cost, k)));
    effect.push_back(fit(d, column(in.delta_effect, k)));
    fitted.push_back(in.willingness_to_pay * effect.back().fitted - cost.back().fitted);
    const VectorXd centred = inb[k].array() - inb[k].mean();
    const double total = centred.squaredNorm();
    out.r_squared.push_back(total > 0 ? 1 - (inb[k] - fitted.back()).squaredNorm() / total : kNaN);
  }
  // The fits are of cost and effect apart (a cost that never differs is fitted by any smoothing, and GCV then
  // takes the least); the degrees of freedom that chance's estimate needs are those of a fit of the first
  // intervention's net benefit itself.
  const RegressionFit own = fit(d, inb.front());
  out.residual_df = own.residual_df;
  out.p_value = beyond_chance(inb.front(), own);
  out.value = value_of(fitted);
  out.lambda = cost.front().lambda;
  const auto n = static_cast<std::size_t>(fitted.front().size());
  out.fitted.assign(n, std::vector<double>(options));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < options; ++k) out.fitted[i][k] = fitted[k](static_cast<Eigen::Index>(i));

  // Standard error: the EVPPI over samples of the coefficients from their posterior.
  const Normals z(seed, entity);
  // A response fitted exactly (e.g. costs that never differ) has a zero covariance: a tiny jitter keeps the
  // factor defined without moving any sample.
  const auto factor = [](const MatrixXd& v) -> MatrixXd {
    const double jitter = 1e-12 * (v.diagonal().cwiseAbs().maxCoeff() + 1e-300);
    return Eigen::LLT<MatrixXd>(v + jitter * MatrixXd::Identity(v.rows(), v.cols())).matrixL();
  };
  std::vector<MatrixXd> chol_c, chol_e;
  for (std::size_t k = 0; k < options; ++k) {
    chol_c.push_back(factor(cost[k].covariance));
    chol_e.push_back(factor(effect[k].covariance));
  }
  const auto p = static_cast<std::uint32_t>(d.X.cols());
  std::vector<double> values;
  for (int s = 0; s < samples; ++s) {
    std::vector<VectorXd> sampled;
    for (std::size_t k = 0; k < options; ++k) {
      VectorXd zc(p), ze(p);
      for (std::uint32_t j = 0; j < p; ++j) {
        zc(j) = z.at(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(2 * k) * p + j);
        ze(j) = z.at(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(2 * k + 1) * p + j);
      }
      const VectorXd bc = cost[k].beta + chol_c[k] * zc;
      const VectorXd be = effect[k].beta + chol_e[k] * ze;
      sampled.push_back(in.willingness_to_pay * (d.X * be) - d.X * bc);
    }
    values.push_back(value_of(sampled));
  }
  out.se = sd(values);
  return out;
}

NoiseAdvice noise_advice(const EvppiInput& in, const EvppiEstimate& all,
                         const std::vector<double>& within_variance, int replications_per_draw, double share,
                         std::uint64_t seed) {
  check(in);
  const std::vector<std::vector<double>>& fitted = all.fitted;
  const double regression_evpi = all.value;
  NoiseAdvice a;
  a.share = share;
  a.draws = in.delta_cost.size();
  a.replications_now = std::max(1, replications_per_draw);
  a.regression_evpi = regression_evpi;
  a.raw_evpi = raw_evpi(in);
  a.inflation = a.raw_evpi - a.regression_evpi;
  const std::vector<VectorXd> inb = net_benefit(in);
  const std::size_t K = inb.size();
  const auto n = static_cast<Eigen::Index>(inb.front().size());
  // Residuals of the fit on all parameters: chance plus whatever the smoother missed.
  MatrixXd res(n, static_cast<Eigen::Index>(K)), fit_m(n, static_cast<Eigen::Index>(K));
  for (std::size_t k = 0; k < K; ++k)
    for (Eigen::Index i = 0; i < n; ++i) {
      fit_m(i, static_cast<Eigen::Index>(k)) = fitted.at(static_cast<std::size_t>(i)).at(k);
      res(i, static_cast<Eigen::Index>(k)) = inb[k](i) - fit_m(i, static_cast<Eigen::Index>(k));
    }
  // The residual's variance over its own degrees of freedom (RegressionFit::residual_df): over n - 1 it took
  // the fit's share for
  // a smaller chance (19 parameters fitted to 30 draws left 10 of 29; outside attack 20).
  MatrixXd cov = (res.rowwise() - res.colwise().mean()).transpose() * (res.rowwise() - res.colwise().mean()) /
                 std::max(1.0, all.residual_df);
  // With several replications per draw, the spread within draws measures chance directly: the variance of a
  // draw's mean is the within-draw variance over the replications (the residuals' correlations kept).
  a.from_replications =
      !within_variance.empty() &&
      std::all_of(within_variance.begin(), within_variance.end(), [](double v) { return std::isfinite(v); });
  if (a.from_replications) {
    MatrixXd c2 = cov;
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t l = 0; l < K; ++l) {
        const auto K1 = static_cast<Eigen::Index>(k), L1 = static_cast<Eigen::Index>(l);
        const double corr = cov(K1, K1) > 0 && cov(L1, L1) > 0
                                ? cov(K1, L1) / std::sqrt(cov(K1, K1) * cov(L1, L1))
                                : (k == l ? 1.0 : 0.0);
        c2(K1, L1) = corr * std::sqrt(within_variance[k] * within_variance[l]) / a.replications_now;
      }
    cov = c2;
  }
  const double total = (inb[0].array() - inb[0].mean()).square().sum() / static_cast<double>(n - 1);
  a.noise_share = total > 0 ? std::min(1.0, cov(0, 0) / total) : kNaN;

  const double scale = std::max(std::fabs(regression_evpi), 0.0);
  if (!(scale > 1e-6)) {
    a.advised_replications = 0;  // nothing to inflate: the decision does not depend on the parameters
    return a;
  }
  // The raw EVPI expected with R replications per draw: each draw's fitted net benefit plus noise of
  // covariance cov * R_now / R. Its excess over the regression EVPI is mean_n E max(0, f_n + e) - mean_n
  // max(0, f_n), estimated with the same normals for every R.
  const Eigen::LLT<MatrixXd> llt(cov + 1e-12 * MatrixXd::Identity(cov.rows(), cov.cols()));
  const MatrixXd L = llt.matrixL();
  const Normals z(seed, 0x4E4F4953u);  // "NOIS"
  constexpr int kNoiseSamples = 64;
  std::vector<VectorXd> noise;
  for (int m = 0; m < kNoiseSamples; ++m)
    for (Eigen::Index i = 0; i < n; ++i) {
      VectorXd e(static_cast<Eigen::Index>(K));
      for (std::size_t k = 0; k < K; ++k)
        e(static_cast<Eigen::Index>(k)) =
            z.at(static_cast<std::uint32_t>(i),
                 static_cast<std::uint32_t>(m * static_cast<int>(K)) + static_cast<std::uint32_t>(k));
      noise.push_back(L * e);
    }
  double base = 0;
  for (Eigen::Index i = 0; i < n; ++i) base += std::max(0.0, fit_m.row(i).maxCoeff());
  base /= static_cast<double>(n);
  auto inflation = [&](int R) {
    const double f = std::sqrt(static_cast<double>(a.replications_now) / R);
    double sum = 0;
    std::size_t k = 0;
    for (int m = 0; m < kNoiseSamples; ++m)
      for (Eigen::Index i = 0; i < n; ++i, ++k)
        sum += std::max(0.0, (fit_m.row(i).transpose() + f * noise[k]).maxCoeff());
    return sum / (static_cast<double>(n) * kNoiseSamples) - base;
  };
  a.predicted_inflation = inflation(a.replications_now);
  a.advised_replications = -1;
  for (int R = 1; R <= 100; R = R < 10 ? R + 1 : R + 5)
    if (inflation(R) <= share * scale) {
      a.advised_replications = R;
      break;
    }
  return a;
}

}  // namespace wijksim
