// Parameter uncertainty for probabilistic sensitivity analysis (PSA).
//
// A scenario parameter may be a number or a distribution. Samples are drawn from RandomStreams on
// Stream::ParameterDraw with the parameter's stable id as entity, so the same parameter (same key path,
// same distribution) takes the same value in every compared scenario for a given draw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/core/random_streams.h"

namespace wijksim {

struct Distribution {
  enum class Kind { Fixed, Uniform, Triangular, Normal, LogNormal, Gamma, Beta };
  Kind kind = Kind::Fixed;
  // Own parameters, by kind:
  //   Fixed: a = value; Uniform: a = min, b = max; Triangular: a = min, b = mode, c = max;
  //   Normal: a = mean, b = sd; LogNormal: a = meanlog, b = sdlog (of the log);
  //   Gamma: a = shape, b = scale; Beta: a = alpha, b = beta.
  double a = 0, b = 0, c = 0;

  static Distribution fixed(double v) { return {Kind::Fixed, v, 0, 0}; }
  bool operator==(const Distribution&) const = default;
  // Method of moments from a mean and sd on the natural scale (Normal, LogNormal, Gamma, Beta).
  // Throws wijksim::Error when no distribution of that kind has those moments (e.g. Beta with sd too large).
  static Distribution from_mean_sd(Kind kind, double mean, double sd);

  double mean() const;
  double sd() const;
  // Check parameters; returns "" when valid, else what is wrong (for the validator's message).
  std::string invalid_reason() const;
  // One sample for parameter `entity` in the draw the streams were made for.
  double sample(const RandomStreams& rs, std::uint32_t entity) const;
  // The p-quantile, 0 < p < 1 (Boost.Math's inverse distribution functions); a Fixed distribution's value
  // for every p. One-way sensitivity analysis sets a parameter to its 2.5th and 97.5th percentiles.
  // Throws wijksim::Error for an invalid distribution or p outside (0, 1).
  double quantile(double p) const;
  // The same from another stream and week (calibration's prior draws: Stream::CalibrationPrior, the
  // candidate as week).
  double sample(const RandomStreams& rs, std::uint32_t entity, Stream stream, std::uint32_t week) const;
  // The natural log of the density at x (-infinity outside the support; a fixed value has "density" 1 at
  // its value): the prior of calibration.
  double log_density(double x) const;

 private:
  double boost_quantile(double p) const;  // quantile's evaluation, which may throw Boost.Math's exceptions
};

const char* to_string(Distribution::Kind k);
// Parses "fixed", "uniform", ...; returns false when the name is unknown.
bool parse_distribution_kind(const std::string& name, Distribution::Kind& out);

// Dirichlet over k shares (alpha_i > 0): each draw sums to one.
struct Dirichlet {
  std::vector<double> alpha;
  bool operator==(const Dirichlet&) const = default;
  std::vector<double> mean() const;
  std::string invalid_reason() const;
  std::vector<double> sample(const RandomStreams& rs, std::uint32_t entity) const;
};

// A stable 32-bit id for a parameter's key path (FNV-1a), used as the sampling entity.
std::uint32_t parameter_id(const std::string& key_path);

}  // namespace wijksim
