// Samplers for parameter uncertainty (see distributions.h).
//
// Every sample is a pure function of (streams key, entity): it reads blocks of Stream::ParameterDraw at
// week 0, starting at a fixed block index and moving to the next index whenever a rejection sampler needs
// more uniforms. Nothing depends on how many other parameters were drawn before, or by which thread.
#include "wijksim/scenario/distributions.h"

#include <fmt/format.h>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "wijksim/core/error.h"

namespace wijksim {
namespace {

// Blocks reserved per independent component (a Beta's two Gammas, a Dirichlet's k Gammas). Component i
// reads block indices [i * kBlocksPerComponent, (i + 1) * kBlocksPerComponent), so components never share
// uniforms. Marsaglia-Tsang accepts with probability above 0.95, so a component uses a handful of blocks;
// running out of 65,536 would mean a broken generator, and is reported rather than wrapped around.
constexpr std::uint32_t kBlocksPerComponent = 1u << 16;

// Uniforms in (0, 1) with 53 random bits, two 32-bit words each, two per Philox block. 53 bits rather
// than 32 keep Box-Muller's tail (sqrt(-2 ln u)) and the shape<1 boost (u^(1/shape)) from being cut off
// at u = 2^-32.
class UniformCursor {
 public:
  UniformCursor(const RandomStreams& rs, std::uint32_t entity, std::uint32_t component,
                Stream stream = Stream::ParameterDraw, std::uint32_t week = 0)
      : rs_(rs),
        entity_(entity),
        stream_(stream),
        week_(week),
        index_(component * kBlocksPerComponent),
        end_(index_ + kBlocksPerComponent) {}

  double next() {
    if (word_ == 4) {
      if (index_ == end_) throw Error("parameter sampler ran out of random numbers (rejection loop stuck)");
      block_ = rs_.block(entity_, week_, stream_, index_++);
      word_ = 0;
    }
    const double u = uniform53(block_[word_], block_[word_ + 1]);
    word_ += 2;
    return u;
  }

 private:
  const RandomStreams& rs_;
  std::uint32_t entity_;
  Stream stream_;
  std::uint32_t week_;
  std::uint32_t index_;
  std::uint32_t end_;
  RandomStreams::Block block_{};
  int word_ = 4;  // 4 = block used up; fetch the next one
};

// One standard normal from the next two uniforms (Box-Muller, core/random_streams.h): each normal has a
// fixed place in the stream; the rejection sampler below needs one normal per attempt anyway.
double standard_normal(UniformCursor& u) {
  const double u1 = u.next();
  const double u2 = u.next();
  return wijksim::standard_normal(u1, u2);
}

// log of a Gamma(shape, 1) draw. Working on the log scale keeps tiny shapes (where the draw itself can
// underflow to 0) usable for Beta and Dirichlet, which only need ratios.
//
// Marsaglia G, Tsang WW. A simple method for generating gamma variables. ACM Transactions on
// Mathematical Software 2000;26(3):363-372. For shape >= 1: d = shape - 1/3, c = 1/sqrt(9d); draw
// x ~ N(0,1), v = (1 + cx)^3, accept d*v if v > 0 and u < 1 - 0.0331 x^4 (the cheap squeeze) or
// ln u < x^2/2 + d(1 - v + ln v). For shape < 1 the paper's boost: if X ~ Gamma(shape + 1) and
// U ~ U(0,1), then X * U^(1/shape) ~ Gamma(shape).
double log_standard_gamma(double shape, UniformCursor& u) {
  if (shape < 1.0) {
    const double log_boost = std::log(u.next()) / shape;
    return log_standard_gamma(shape + 1.0, u) + log_boost;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = standard_normal(u);
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double uu = u.next();
    const double x2 = x * x;
    if (uu < 1.0 - 0.0331 * x2 * x2) return std::log(d * v);
    if (std::log(uu) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return std::log(d * v);
  }
}

// Shares from log-Gammas: x_i = g_i / sum g, computed as exp(l_i - max l) / sum so that nothing
// overflows or turns into 0/0 when every g_i underflows.
std::vector<double> normalise_log_gammas(const std::vector<double>& log_g) {
  const double top = *std::max_element(log_g.begin(), log_g.end());
  std::vector<double> x(log_g.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < log_g.size(); ++i) sum += x[i] = std::exp(log_g[i] - top);
  for (double& xi : x) xi /= sum;
  return x;
}

bool finite(double v) {
  return std::isfinite(v);
}

// "min must be below max (got min 5, max 3)": fmt's "{}" prints the shortest exact form (5, 0.1, -1).
// The narrowest gamma (its shape) and beta (alpha + beta) accepted. Boost.Math's quantiles give up beyond
// about 3e10 (an "internal error" of validate and of every sensitivity command) and slow without end toward
// 1e50 (outside attack 52); a distribution this narrow - its sd under 0.0032% of a gamma's mean - is one
// value for any purpose of the model, and a file can say so with the value itself. Quantiles up to this
// take under a millisecond at every probability the engine asks for.
constexpr double kMostConcentration = 1e9;

// `x` to 4 significant digits, rounded up: a lower bound that, given back as printed, is accepted (rounded
// to nearest, mean / 31623 printed 0.0001581 for 0.00015811, which was then refused; a review).
double up_to_4_digits(double x) {
  const double scale = std::pow(10.0, std::floor(std::log10(x)) - 3);
  return std::ceil(x / scale * (1 + 1e-12)) * scale;
}

std::string too_narrow(const char* what, double got) {
  return fmt::format(
      "{} must be at most 1e9, got {:.6g}: a distribution this narrow is one value for every purpose; give "
      "that value instead",
      what, got);
}

std::string must_be_positive(const char* name, double v) {
  return fmt::format("{} must be positive, got {}", name, v);
}

struct KindName {
  Distribution::Kind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {Distribution::Kind::Fixed, "fixed"},
    {Distribution::Kind::Uniform, "uniform"},
    {Distribution::Kind::Triangular, "triangular"},
    {Distribution::Kind::Normal, "normal"},
    {Distribution::Kind::LogNormal, "lognormal"},
    {Distribution::Kind::Gamma, "gamma"},
    {Distribution::Kind::Beta, "beta"},
};

}  // namespace

const char* to_string(Distribution::Kind k) {
  for (const auto& kn : kKindNames)
    if (kn.kind == k) return kn.name;
  return "unknown";
}

bool parse_distribution_kind(const std::string& name, Distribution::Kind& out) {
  for (const auto& kn : kKindNames) {
    if (name == kn.name) {
      out = kn.kind;
      return true;
    }
  }
  return false;
}

// Method of moments: choose the kind's own parameters so that its mean and sd are the given ones.
Distribution Distribution::from_mean_sd(Kind kind, double mean, double sd) {
  using K = Kind;
  if (!finite(mean) || !finite(sd)) {
    throw Error(fmt::format("{} distribution: mean and sd must be finite numbers, got mean {}, sd {}",
                            to_string(kind), mean, sd));
  }
  if (!(sd > 0)) throw Error(fmt::format("{} distribution: {}", to_string(kind), must_be_positive("sd", sd)));
  Distribution d;
  d.kind = kind;
  switch (kind) {
    case K::Normal:
      d.a = mean;
      d.b = sd;
      break;
    case K::LogNormal: {
      // If ln X ~ N(mu, s^2): E X = exp(mu + s^2/2), Var X = (exp(s^2) - 1) (E X)^2. Solving:
      // s^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - s^2/2.
      if (!(mean > 0)) throw Error(fmt::format("lognormal distribution: {}", must_be_positive("mean", mean)));
      const double s2 = std::log1p((sd / mean) * (sd / mean));
      d.a = std::log(mean) - 0.5 * s2;
      d.b = std::sqrt(s2);
      break;
    }
    case K::Gamma:
      // E X = k theta, Var X = k theta^2  =>  k = mean^2/sd^2, theta = sd^2/mean.
      if (!(mean > 0)) throw Error(fmt::format("gamma distribution: {}", must_be_positive("mean", mean)));
      if (!((mean / sd) * (mean / sd) <= kMostConcentration))
        throw Error(
            fmt::format("gamma distribution: sd {} is too small for mean {} (sd must be at least "
                        "mean / 31623, {:.4g}: a narrower gamma is one value for every purpose; "
                        "give that value instead)",
                        sd, mean, up_to_4_digits(mean / std::sqrt(kMostConcentration))));
      d.a = (mean / sd) * (mean / sd);
      d.b = sd * sd / mean;
      break;
    case K::Beta: {
      // E X = m = alpha/(alpha+beta), Var X = m(1-m)/(alpha+beta+1)  =>  alpha + beta = m(1-m)/var - 1,
      // which is positive only when var < m(1-m).
      if (!(mean > 0 && mean < 1)) {
        throw Error(fmt::format("beta distribution: mean must lie strictly between 0 and 1, got {}", mean));
      }
      const double var = sd * sd;
      const double limit = mean * (1 - mean);
      if (!(var < limit)) {
        throw Error(
            fmt::format("beta distribution: sd {} is too large for mean {} (sd must be below "
                        "sqrt(mean*(1-mean)) = {:.4g})",
                        sd, mean, std::sqrt(limit)));
      }
      const double total = limit / var - 1.0;
      if (!(total <= kMostConcentration))
        throw Error(
            fmt::format("beta distribution: sd {} is too small for mean {} (sd must be at least "
                        "sqrt(mean*(1-mean)/(1e9 + 1)), {:.4g}: a narrower beta is one value for "
                        "every purpose; give that value instead)",
                        sd, mean, up_to_4_digits(std::sqrt(limit / (kMostConcentration + 1)))));
      d.a = mean * total;
      d.b = (1.0 - mean) * total;
      break;
    }
    default:
      throw Error(
          fmt::format("a {} distribution cannot be given by mean and sd; use normal, lognormal, gamma or "
                      "beta, or give its "
                      "own parameters",
                      to_string(kind)));
  }
  // A mean and sd far apart can give parameters a double cannot hold (sd 1e300 for a lognormal mean of 0.01:
  // meanlog -inf). Said in the mean and sd the user gave, not in parameters never written (outside attack
  // 29).
  if (const std::string why = d.invalid_reason(); !why.empty())
    throw Error(fmt::format("{} distribution: mean {} and sd {} are too far apart to give one ({})",
                            to_string(kind), mean, sd, why));
  return d;
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::Fixed:
      return a;
    case Kind::Uniform:
      return 0.5 * (a + b);
    case Kind::Triangular:
      return (a + b + c) / 3.0;
    case Kind::Normal:
      return a;
    case Kind::LogNormal:
      return std::exp(a + 0.5 * b * b);
    case Kind::Gamma:
      return a * b;
    case Kind::Beta:
      return a / (a + b);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::sd() const {
  switch (kind) {
    case Kind::Fixed:
      return 0.0;
    case Kind::Uniform:
      return (b - a) / std::sqrt(12.0);
    case Kind::Triangular:  // Var = (a^2 + b^2 + c^2 - ab - ac - bc) / 18
      return std::sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0);
    case Kind::Normal:
      return b;
    case Kind::LogNormal:
      return mean() * std::sqrt(std::expm1(b * b));
    case Kind::Gamma:
      return std::sqrt(a) * b;
    case Kind::Beta:
      return std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1.0)));
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string Distribution::invalid_reason() const {
  // Parameter names as a scenario writes them, so the message points at the key to fix.
  const char* n1 = "a";
  const char* n2 = "b";
  const char* n3 = "c";
  int count = 2;
  switch (kind) {
    case Kind::Fixed:
      n1 = "value", count = 1;
      break;
    case Kind::Uniform:
      n1 = "min", n2 = "max";
      break;
    case Kind::Triangular:
      n1 = "min", n2 = "mode", n3 = "max", count = 3;
      break;
    case Kind::Normal:
      n1 = "mean", n2 = "sd";
      break;
    case Kind::LogNormal:
      n1 = "meanlog", n2 = "sdlog";
      break;
    case Kind::Gamma:
      n1 = "shape", n2 = "scale";
      break;
    case Kind::Beta:
      n1 = "alpha", n2 = "beta";
      break;
    default:
      return fmt::format("unknown distribution kind {}", static_cast<int>(kind));
  }
  const double values[3] = {a, b, c};
  const char* names[3] = {n1, n2, n3};
  for (int i = 0; i < count; ++i) {
    if (!finite(values[i])) return fmt::format("{} must be a finite number, got {}", names[i], values[i]);
  }
  switch (kind) {
    case Kind::Fixed:
      return "";
    case Kind::Uniform:
      if (!(a < b)) return fmt::format("min must be below max (got min {}, max {})", a, b);
      return "";
    case Kind::Triangular:
      if (!(a < c)) return fmt::format("min must be below max (got min {}, max {})", a, c);
      if (!(a <= b && b <= c)) {
        return fmt::format("mode must lie between min and max (got min {}, mode {}, max {})", a, b, c);
      }
      return "";
    case Kind::Normal:
      if (!(b > 0)) return must_be_positive("sd", b);
      return "";
    case Kind::LogNormal:
      if (!(b > 0)) return must_be_positive("sdlog", b);
      return "";
    case Kind::Gamma:
      if (!(a > 0)) return must_be_positive("shape", a);
      if (!(b > 0)) return must_be_positive("scale", b);
      if (!(a <= kMostConcentration)) return too_narrow("shape", a);
      return "";
    case Kind::Beta:
      if (!(a > 0)) return must_be_positive("alpha", a);
      if (!(b > 0)) return must_be_positive("beta", b);
      if (!(a + b <= kMostConcentration)) return too_narrow("alpha + beta", a + b);
      return "";
  }
  return "";
}

double Distribution::sample(const RandomStreams& rs, std::uint32_t entity) const {
  return sample(rs, entity, Stream::ParameterDraw, 0);
}

double Distribution::sample(const RandomStreams& rs, std::uint32_t entity, Stream stream,
                            std::uint32_t week) const {
  if (kind == Kind::Fixed) return a;
  if (const std::string why = invalid_reason(); !why.empty()) {
    throw Error(fmt::format("cannot sample a {} distribution: {}", to_string(kind), why));
  }
  UniformCursor u(rs, entity, 0, stream, week);
  switch (kind) {
    case Kind::Uniform:
      return a + (b - a) * u.next();
    case Kind::Triangular: {
      // Inverse CDF. F(x) = (x-min)^2 / ((max-min)(mode-min)) up to the mode, whose F is
      // (mode-min)/(max-min); 1 - (max-x)^2 / ((max-min)(max-mode)) above it.
      const double p = u.next();
      const double range = c - a;
      if (p * range < b - a) return a + std::sqrt(p * range * (b - a));
      return c - std::sqrt((1.0 - p) * range * (c - b));
    }
    case Kind::Normal:
      return a + b * standard_normal(u);
    case Kind::LogNormal:
      return std::exp(a + b * standard_normal(u));
    case Kind::Gamma:
      return b * std::exp(log_standard_gamma(a, u));
    case Kind::Beta: {
      // X/(X+Y) with X ~ Gamma(alpha), Y ~ Gamma(beta) independent (each on its own component).
      UniformCursor u2(rs, entity, 1, stream, week);
      const double lx = log_standard_gamma(a, u);
      const double ly = log_standard_gamma(b, u2);
      return 1.0 / (1.0 + std::exp(ly - lx));
    }
    case Kind::Fixed:
      break;
  }
  return a;
}

double Distribution::quantile(double p) const {
  if (!(p > 0 && p < 1))
    throw Error(fmt::format("a quantile needs a probability strictly between 0 and 1, got {}", p));
  if (kind == Kind::Fixed) return a;
  if (const std::string why = invalid_reason(); !why.empty())
    throw Error(fmt::format("no quantile of a {} distribution: {}", to_string(kind), why));
  // Boost.Math signals what it cannot evaluate by exceptions of its own, which are no wijksim::Error (they
  // ended a command as an internal error): said as what they are, the distribution named.
  try {
    return boost_quantile(p);
  } catch (const std::exception& e) {
    throw Error(fmt::format("no {} quantile of the {} distribution ({}, {}): {}", p, to_string(kind), a, b,
                            e.what()));
  }
}

double Distribution::boost_quantile(double p) const {
  namespace bm = boost::math;
  switch (kind) {
    case Kind::Uniform:
      return bm::quantile(bm::uniform_distribution<>(a, b), p);
    case Kind::Triangular:
      return bm::quantile(bm::triangular_distribution<>(a, b, c), p);
    case Kind::Normal:
      return bm::quantile(bm::normal_distribution<>(a, b), p);
    case Kind::LogNormal:
      return bm::quantile(bm::lognormal_distribution<>(a, b), p);
    case Kind::Gamma:
      return bm::quantile(bm::gamma_distribution<>(a, b), p);
    case Kind::Beta:
      return bm::quantile(bm::beta_distribution<>(a, b), p);
    case Kind::Fixed:
      break;
  }
  return a;
}

double Distribution::log_density(double x) const {
  constexpr double kMinusInf = -std::numeric_limits<double>::infinity();
  const double log_sqrt_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  switch (kind) {
    case Kind::Fixed:
      return x == a ? 0.0 : kMinusInf;
    case Kind::Uniform:
      return x >= a && x <= b ? -std::log(b - a) : kMinusInf;
    case Kind::Triangular: {
      if (x < a || x > c) return kMinusInf;
      // 2(x-min)/((max-min)(mode-min)) up to the mode, 2(max-x)/((max-min)(max-mode)) above it.
      const double f = x < b   ? 2 * (x - a) / ((c - a) * (b - a))
                       : x > b ? 2 * (c - x) / ((c - a) * (c - b))
                               : 2 / (c - a);
      return std::log(f);
    }
    case Kind::Normal: {
      const double z = (x - a) / b;
      return -0.5 * z * z - std::log(b) - log_sqrt_2pi;
    }
    case Kind::LogNormal: {
      if (!(x > 0)) return kMinusInf;
      const double z = (std::log(x) - a) / b;
      return -0.5 * z * z - std::log(b) - std::log(x) - log_sqrt_2pi;
    }
    case Kind::Gamma:
      if (!(x > 0)) return kMinusInf;
      return (a - 1) * std::log(x) - x / b - std::lgamma(a) - a * std::log(b);
    case Kind::Beta:
      if (!(x > 0 && x < 1)) return kMinusInf;
      return (a - 1) * std::log(x) + (b - 1) * std::log1p(-x) + std::lgamma(a + b) - std::lgamma(a) -
             std::lgamma(b);
  }
  return kMinusInf;
}

std::vector<double> Dirichlet::mean() const {
  double total = 0.0;
  for (double al : alpha) total += al;
  std::vector<double> m(alpha.size());
  for (std::size_t i = 0; i < alpha.size(); ++i) m[i] = alpha[i] / total;
  return m;
}

std::string Dirichlet::invalid_reason() const {
  if (alpha.empty()) return "a Dirichlet needs at least one share";
  if (alpha.size() > std::numeric_limits<std::uint32_t>::max() / kBlocksPerComponent) {
    return fmt::format("a Dirichlet may have at most {} shares, got {}",
                       std::numeric_limits<std::uint32_t>::max() / kBlocksPerComponent, alpha.size());
  }
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    if (!finite(alpha[i]) || !(alpha[i] > 0)) {
      return fmt::format("alpha {} (of {}) must be a positive number, got {}", i + 1, alpha.size(), alpha[i]);
    }
  }
  return "";
}

// Normalised independent Gammas: if G_i ~ Gamma(alpha_i, 1) then G / sum G ~ Dirichlet(alpha). Component i
// reads its own block range, so the G_i are independent.
std::vector<double> Dirichlet::sample(const RandomStreams& rs, std::uint32_t entity) const {
  if (const std::string why = invalid_reason(); !why.empty()) {
    throw Error(fmt::format("cannot sample a Dirichlet distribution: {}", why));
  }
  std::vector<double> log_g(alpha.size());
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    UniformCursor u(rs, entity, static_cast<std::uint32_t>(i));
    log_g[i] = log_standard_gamma(alpha[i], u);
  }
  return normalise_log_gammas(log_g);
}

// FNV-1a, 32 bits (Fowler, Noll, Vo): offset basis 2166136261, prime 16777619.
std::uint32_t parameter_id(const std::string& key_path) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : key_path) {
    h ^= ch;
    h *= 16777619u;
  }
  return h;
}

}  // namespace wijksim
